"""The served processes as an operator runs them: the worker stopped and started again, one worker on
SQLite, and per-client limits shared by both gunicorn workers (Redis, with PostgreSQL)."""

import signal
import time

import pytest

from tests.helpers import HOME
from tests.served.pages import redirect_path, run_id

pytestmark = pytest.mark.served


def test_mail_asked_for_while_the_worker_is_stopped_goes_out_once_a_new_worker_starts(served):
    try:
        assert served.stop_worker(signal.SIGTERM) == 0  # SIGTERM: finish the current message, then exit cleanly
        run = run_id()
        email = served.remember(f"waiting.{run}@example.org", "email")
        browser = served.browser(new_address=True)
        letter = redirect_path(browser.submit("/write?lang=en", {
            "name": served.remember(f"Ana Espera {run.capitalize()}", "name"), **HOME, "note": "",
            "letter_language": "en"}))
        assert browser.submit(letter, {"email": email}, action=f"{letter}/send").status_code == 200

        time.sleep(2)  # four of a running worker's polls
        assert served.smtp.messages_to(email) == []  # nobody is delivering
        served.start_worker()
        served.wait_for_mail(email)
    finally:
        served.ensure_worker()


def test_a_second_worker_on_sqlite_exits_and_leaves_the_queue_to_the_first(served):
    if served.on_postgresql:
        pytest.skip("on PostgreSQL several workers share the queue")
    first = served.ensure_worker()
    second = served.cli("worker", check=False, timeout=30)
    assert second.returncode == 1
    assert "Another worker is already running on this SQLite database" in second.output
    assert first.alive


def test_the_lookup_limit_per_client_holds_across_both_gunicorn_workers(served):
    if not served.on_postgresql:
        pytest.skip("limits are counted per process in memory here (gunicorn.conf.py warns at start)")
    limit = 30  # the documented default: 30 lookups a minute from one client
    browser = served.browser(new_address=True)
    answers = [browser.get("/api/lookup", params=HOME).status_code for _ in range(limit + 5)]
    assert answers == [200] * limit + [429] * 5
