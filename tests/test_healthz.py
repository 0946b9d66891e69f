"""GET /healthz for uptime monitors: 200 with JSON when the database answers and a worker was seen within
HEALTH_WORKER_SECONDS, 503 with JSON otherwise (the worker never seen, stopped, or the database away), never
cached, never rate-limited, and only times and counts."""

import datetime as dt

import pytest
import time_machine

from actiontool.models import WorkerHeartbeat, db
from actiontool.monitoring import health
from tests.helpers import run_worker
from tests.test_database_outage import app_on, dispose, proxy  # noqa: F401 (proxy is a fixture)
from tests.test_outbox_delivery import queue_letters

UTC = dt.timezone.utc
START = dt.datetime(2026, 12, 1, 18, 0)
FIELDS = {"ok", "database", "worker_seen_seconds_ago", "worker_limit_seconds", "oldest_due_seconds"}


def at(moment):
    return time_machine.travel(moment.replace(tzinfo=UTC), tick=False)


def beat(app, moment, name="host:123"):
    with at(moment), app.app_context():
        health.heartbeat(name)


def healthz(app, moment=None):
    if moment is None:
        return app.test_client().get("/healthz")
    with at(moment):
        return app.test_client().get("/healthz")


def test_a_worker_seen_just_now_answers_200_with_the_figures_as_json(app):
    beat(app, START)
    response = healthz(app, START + dt.timedelta(seconds=3))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json() == {"ok": True, "database": True, "worker_seen_seconds_ago": 3,
                                   "worker_limit_seconds": 120, "oldest_due_seconds": None}


def test_a_worker_never_seen_answers_503(app):
    response = healthz(app)
    assert response.status_code == 503
    assert response.get_json() == {"ok": False, "database": True, "worker_seen_seconds_ago": None,
                                   "worker_limit_seconds": 120, "oldest_due_seconds": None}


def test_a_worker_not_seen_for_longer_than_the_limit_answers_503(app):
    app.config["HEALTH_WORKER_SECONDS"] = "60"  # as the environment gives it
    beat(app, START)
    assert healthz(app, START + dt.timedelta(seconds=60)).status_code == 200
    stale = healthz(app, START + dt.timedelta(seconds=61))
    assert stale.status_code == 503
    assert stale.get_json()["worker_seen_seconds_ago"] == 61 and stale.get_json()["worker_limit_seconds"] == 60


def test_the_newest_of_several_workers_counts(app):
    beat(app, START, "host-a:1")
    beat(app, START + dt.timedelta(seconds=100), "host-b:2")
    assert healthz(app, START + dt.timedelta(seconds=150)).get_json()["worker_seen_seconds_ago"] == 50


def test_the_worker_records_its_heartbeat_as_it_delivers(app, smtp):
    run_worker(app)
    assert healthz(app).status_code == 200


def test_the_oldest_due_email_s_wait_is_given_in_seconds(app):
    with at(START):
        queue_letters(app, 2)
    beat(app, START + dt.timedelta(seconds=90))
    figures = healthz(app, START + dt.timedelta(seconds=95)).get_json()
    assert figures["oldest_due_seconds"] == 95 and figures["ok"]


def test_an_email_due_for_under_a_minute_is_not_shown_so_polling_reveals_no_confirmation(app):
    with at(START):
        queue_letters(app, 1)
    beat(app, START + dt.timedelta(seconds=10))
    assert healthz(app, START + dt.timedelta(seconds=30)).get_json()["oldest_due_seconds"] is None
    assert healthz(app, START + dt.timedelta(seconds=61)).get_json()["oldest_due_seconds"] == 61


def test_a_heartbeat_updates_its_own_row_and_forgets_workers_gone_a_day(app):
    beat(app, START, "old:1")
    beat(app, START + dt.timedelta(hours=2), "new:2")
    beat(app, START + dt.timedelta(hours=25), "new:2")
    with app.app_context():
        rows = {row.worker: row.seen_at for row in db.session.scalars(db.select(WorkerHeartbeat))}
    assert rows == {"new:2": START + dt.timedelta(hours=25)}


def test_the_database_away_answers_a_json_503_not_the_html_page(app, tmp_path):
    away = app_on(app, f"sqlite:///{tmp_path}/not-there/actiontool.db")
    try:
        response = away.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.mimetype == "application/json"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.get_json() == {"ok": False, "database": False, "worker_seen_seconds_ago": None,
                                       "worker_limit_seconds": 120, "oldest_due_seconds": None}
    finally:
        dispose(away)


def test_a_cut_off_postgresql_answers_a_json_503_then_200_once_it_is_back(app, proxy, database_url):  # noqa: F811
    served = app_on(app, proxy.url(database_url))
    try:
        client = served.test_client()
        beat(served, dt.datetime.now(UTC).replace(tzinfo=None))
        assert client.get("/healthz").status_code == 200  # the pool now holds a live connection
        proxy.cut()
        response = client.get("/healthz")
        assert response.status_code == 503 and response.get_json()["database"] is False
        proxy.restore()
        assert client.get("/healthz").status_code == 200
    finally:
        dispose(served)


def test_an_uptime_monitor_polling_often_is_never_rate_limited(app):
    beat(app, START)
    client = app.test_client()
    with at(START + dt.timedelta(seconds=1)):
        answers = {client.get("/healthz").status_code for _ in range(120)}
    assert answers == {200}


@pytest.mark.parametrize("method", ["head", "get"])
def test_healthz_answers_monitors_that_only_ask_for_headers(app, method):
    beat(app, START)
    with at(START):
        response = getattr(app.test_client(), method)("/healthz")
    assert response.status_code == 200


def test_healthz_holds_only_times_and_counts(app):
    with at(START):
        queue_letters(app, 1, prefix="zebulon.quixotic")
    beat(app, START)
    response = healthz(app, START + dt.timedelta(seconds=5))
    assert set(response.get_json()) == FIELDS
    assert all(value is None or isinstance(value, (bool, int)) for value in response.get_json().values())
    assert "zebulon" not in response.get_data(as_text=True)
