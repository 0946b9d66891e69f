"""Monitoring as production serves it (gunicorn, the worker, real SMTP), over HTTP and the command line only:
/healthz says 200 while the worker runs and 503 once it has stopped; with the worker stopped, the cron command
`actiontool alerts check` emails the staff list once that mail is stuck, and the worker started again sends
the waiting mail and the "all clear". The suite's log scan then reads every log these processes wrote."""

import signal
import time

import pytest

from tests.helpers import HOME
from tests.served.pages import plain_text, redirect_path, run_id

pytestmark = pytest.mark.served

STAFF_LIST = "alerts@campaign.test"
SETTINGS = {
    "HEALTH_WORKER_SECONDS": 4,  # the worker then beats every 1.3 s
    "ALERT_EMAILS": STAFF_LIST,
    "ALERT_QUEUE_MINUTES": 0,  # any email due for a second or more is stuck
    "ROSTER_CHECK_HOURS": 0,  # the stand-in county layer differs from the shipped roster: not this test's subject
}


def healthz_says(app, status, what):
    """The first /healthz answer with `status` (a Response is false when it is a 4xx or 5xx: hence the list)."""
    return app.wait_until(lambda: [answer for answer in [app.healthz()] if answer.status_code == status],
                          timeout=20, what=what)[0]


def test_healthz_follows_the_worker_and_a_stuck_queue_is_emailed_to_staff_once_then_cleared(serve_another):
    app = serve_another(settings=SETTINGS)
    running = healthz_says(app, 200, "/healthz to say 200")
    figures = running.json()
    assert figures["ok"] and figures["database"] and figures["worker_seen_seconds_ago"] <= 4
    assert running.headers["Cache-Control"] == "no-store"
    answers = []
    for _ in range(16):  # 8 s, twice HEALTH_WORKER_SECONDS: an idle, live worker keeps /healthz at 200
        answers.append(app.healthz().status_code)
        time.sleep(0.5)
    assert set(answers) == {200}, answers

    assert app.stop_worker(signal.SIGTERM) == 0
    stopped = healthz_says(app, 503, "/healthz to say 503 with the worker stopped")
    assert stopped.json()["database"] is True and stopped.json()["worker_seen_seconds_ago"] > 4

    run = run_id()
    name = app.remember(f"Wilhelmina Vasquez-Oyelaran {run.capitalize()}", "name")
    email = app.remember(f"wilhelmina.{run}@example.org", "email")
    app.remember(HOME["street"], "street")
    supporter = app.browser(new_address=True)
    letter = redirect_path(supporter.submit("/write?lang=en", {"name": name, **HOME, "note": "",
                                                               "letter_language": "en"}))
    assert supporter.submit(letter, {"email": email}, action=f"{letter}/send").status_code == 200
    time.sleep(1.5)  # the confirmation is now due for longer than ALERT_QUEUE_MINUTES (0)

    found = app.cli("alerts", "check")
    assert "stuck_queue: Emails waiting to be sent: 1." in found.output
    assert "Emailed: alert stuck_queue." in found.output
    alert = app.wait_for_mail(STAFF_LIST)
    assert "Email is not going out" in alert["Subject"]
    assert f"{app.url}/staff/?lang=en" in plain_text(alert)
    raw = alert.as_string().lower()
    assert name.split()[0].lower() not in raw and email not in raw and HOME["street"].lower() not in raw

    again = app.cli("alerts", "check")
    assert "Emailed" not in again.output
    assert len(app.smtp.messages_to(STAFF_LIST)) == 1

    app.start_worker()
    app.wait_for_mail(email)  # the confirmation the supporter waited for
    cleared = app.wait_for_mail(STAFF_LIST, where=lambda m: "Email is going out again" in m["Subject"], timeout=30)
    assert "All clear" in plain_text(cleared)
    assert len(app.smtp.messages_to(STAFF_LIST)) == 2
    healthz_says(app, 200, "/healthz to say 200 again")
