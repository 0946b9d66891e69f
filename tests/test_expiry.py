"""Things that run out with time: retention, cached lookups, print-job PDFs, the login-failure window; and
which client address the per-IP limits count (X-Forwarded-For only behind a trusted proxy).

Time passes by moving stored timestamps back, never by sleeping.
"""

import datetime as dt

from actiontool import create_app
from actiontool.models import Letter, LoginFailure, LookupCacheEntry, PrintJob, db, utcnow
from actiontool.roster import apply_roster, parse_roster
from tests.helpers import (
    HOME,
    ROSTER,
    STAFF,
    ask_to_email,
    csrf_token,
    letter_token,
    replace_field,
    run_worker,
    sign_in,
    submit_letter,
)


def details(app, token):
    with app.app_context():
        letter = db.session.scalar(db.select(Letter).where(Letter.token == token))
        return letter.status, letter.name, letter.email, letter.street


# ---------------------------------------------------------------- (a) retention

def test_purge_keeps_the_details_of_an_old_held_letter_until_staff_decide(app, client, runner):
    """retention.py: "Letters still on their way (queued, held) are kept until they are done."""
    held = letter_token(submit_letter(client, district="2", name="Ana Torres"))
    ask_to_email(client, held, email="ana@example.org")
    abandoned = letter_token(submit_letter(client, district="4", name="Beto Ruiz"))
    with app.app_context():  # district 2 gets a new member: the letter waiting for them is held
        apply_roster(parse_roster(replace_field(ROSTER, 3, "name", "Nueva Persona")))
        db.session.execute(db.update(Letter).values(created_at=utcnow() - dt.timedelta(days=40)))
        db.session.commit()
    assert details(app, held) == ("held", "Ana Torres", "ana@example.org", "100 Main St")

    result = runner.invoke(args=["purge"])
    assert "Purged 1 letters" in result.output
    assert details(app, held) == ("held", "Ana Torres", "ana@example.org", "100 Main St")
    assert details(app, abandoned) == ("written", "", "", "")


# ---------------------------------------------------------------- (b) the lookup cache

def test_a_cached_lookup_older_than_lookup_cache_days_is_asked_of_the_geocoder_again(app, client, geocoder):
    days = app.config["LOOKUP_CACHE_DAYS"]

    def lookup_after(age_in_days):
        with app.app_context():
            db.session.execute(db.update(LookupCacheEntry).values(
                created_at=utcnow() - dt.timedelta(days=age_in_days)))
            db.session.commit()
        response = client.get("/api/lookup", query_string=HOME)
        assert response.get_json()["district"] == "4"

    assert client.get("/api/lookup", query_string=HOME).status_code == 200
    assert geocoder.request_count == 1
    lookup_after(days - 1)
    assert geocoder.request_count == 1
    lookup_after(days + 1)
    assert geocoder.request_count == 2


# ---------------------------------------------------------------- (c) print-job PDFs

def test_the_worker_deletes_print_job_pdfs_finished_more_than_a_day_ago(app, staff):
    def print_blank_letters():
        page = staff.get("/staff/print/blank")
        response = staff.post("/staff/print/blank", data={"district": "8", "copies": "1", "language": "en",
                                                          "csrf_token": csrf_token(page.get_data(as_text=True))})
        return response.headers["Location"].rsplit("/", 1)[1]

    old, recent = print_blank_letters(), print_blank_letters()
    run_worker(app)
    with app.app_context():
        for token, hours in ((old, 25), (recent, 23)):
            job = db.session.scalar(db.select(PrintJob).where(PrintJob.token == token))
            job.finished_at = utcnow() - dt.timedelta(hours=hours)
        db.session.commit()
    assert staff.get(f"/staff/prints/{old}.json").get_json()["ready"] is True

    run_worker(app)
    assert staff.get(f"/staff/prints/{old}.json").get_json()["ready"] is False
    assert staff.get(f"/staff/prints/{old}.pdf").status_code == 410
    assert staff.get(f"/staff/prints/{recent}.pdf").status_code == 200


# ---------------------------------------------------------------- (d) the login-failure window

def test_failed_sign_ins_older_than_the_window_no_longer_slow_sign_in(app, runner, staff):
    window = app.config["LOGIN_FAILURE_WINDOW_MINUTES"]
    browser = app.test_client()
    remote = {"environ_base": {"REMOTE_ADDR": "203.0.113.20"}}
    for attempt in range(app.config["LOGIN_FAILURES_PER_ACCOUNT"]):
        assert sign_in(browser, STAFF, password=f"guess number {attempt}", **remote).status_code == 401

    def failures_made(minutes_ago):
        with app.app_context():
            db.session.execute(db.update(LoginFailure).values(at=utcnow() - dt.timedelta(minutes=minutes_ago)))
            db.session.commit()

    failures_made(window - 1)
    assert sign_in(browser, STAFF, **remote).status_code == 429
    failures_made(window + 1)
    assert sign_in(browser, STAFF, **remote).status_code == 302


# ---------------------------------------------------------------- (e) TRUSTED_PROXIES and X-Forwarded-For

def lookup_from(client, forwarded_for, remote="10.0.0.1"):
    return client.get("/api/lookup", query_string=HOME, headers={"X-Forwarded-For": forwarded_for},
                      environ_base={"REMOTE_ADDR": remote}).status_code


def test_behind_a_trusted_proxy_limits_count_the_client_named_in_x_forwarded_for(app):
    keys = ("TESTING", "SECRET_KEY", "DATABASE_URL", "GEOCODER_URL", "DISTRICT_LAYER_URL", "DISTRICTS_FILE",
            "LOOKUP_TIMEOUT", "MAIL_URL", "MAIL_FROM", "BASE_URL")
    proxied = create_app({**{key: app.config[key] for key in keys}, "TRUSTED_PROXIES": 1,
                          "RATELIMIT_LOOKUPS": "1 per minute"})
    try:
        client = proxied.test_client()
        assert lookup_from(client, "198.51.100.1") == 200
        assert lookup_from(client, "198.51.100.1") == 429
        assert lookup_from(client, "198.51.100.2") == 200  # another client behind the same proxy
    finally:
        with proxied.app_context():
            db.session.remove()
            db.engine.dispose()


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(app, client):
    assert app.config["TRUSTED_PROXIES"] == 0
    app.config["RATELIMIT_LOOKUPS"] = "1 per minute"
    assert lookup_from(client, "198.51.100.1") == 200
    assert lookup_from(client, "198.51.100.2") == 429  # a forged header does not make a new client
