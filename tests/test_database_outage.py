"""When the database goes away: a translated 503 page within seconds (never a hang or a 500), the
first request after it comes back works, and the delivery worker waits and carries on.

On PostgreSQL the outage is real: the app reaches the server through a TCP proxy (tests/tcp_proxy.py)
that the test cuts, hangs and restores. On SQLite the database file sits in a folder that is not there.
"""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from actiontool import create_app
from actiontool.models import db
from tests.helpers import HOME, letter_token, submit_letter, text
from tests.tcp_proxy import TcpProxy
from tests.test_outbox_delivery import BARON, queue_letters, wait_for, worker_env

ACTIONTOOL = Path(sys.executable).with_name("actiontool")
ROOT = Path(__file__).resolve().parent.parent
AWAY = {"en": ("We are having trouble on our side", "nothing was saved"),
        "es": ("Tenemos un problema técnico", "no se guardó nada")}


def postgresql_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("a real connection to cut needs PostgreSQL; SQLite has no server to lose")


@pytest.fixture
def proxy(database_url):
    postgresql_only(database_url)
    port = int(database_url.rsplit(":", 1)[1].split("/", 1)[0])
    proxy = TcpProxy(port)
    yield proxy
    proxy.close()


def app_on(app, database_url, **settings):
    """Another app like the test's, on `database_url`."""
    keys = ("TESTING", "SECRET_KEY", "GEOCODER_URL", "DISTRICT_LAYER_URL", "DISTRICTS_FILE", "LOOKUP_TIMEOUT",
            "MAIL_URL", "MAIL_FROM", "BASE_URL")
    other = create_app({**{key: app.config[key] for key in keys}, "DATABASE_URL": database_url,
                        "DATABASE_TIMEOUT_SECONDS": 2, **settings})
    other.config["PROPAGATE_EXCEPTIONS"] = False  # as served: an unhandled error would be a 500 page
    return other


def dispose(other):
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_pages_that_need_the_database_say_so_in_a_translated_503_while_it_is_missing(app, tmp_path, lang):
    away = app_on(app, f"sqlite:///{tmp_path}/not-there/actiontool.db")
    try:
        client = away.test_client()
        for response in (client.get(f"/letters/some-token?lang={lang}"), submit_letter(client, lang=lang)):
            assert response.status_code == 503
            title, detail = AWAY[lang]
            assert title in text(response) and detail in text(response)
            assert response.headers["Retry-After"] == "60"
        assert client.get("/").status_code == 200  # pages that need no database still work
    finally:
        dispose(away)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_cut_off_postgresql_gives_a_translated_503_and_the_first_request_after_it_works(app, proxy, database_url,
                                                                                          lang):
    served = app_on(app, proxy.url(database_url))
    try:
        client = served.test_client()
        token = letter_token(submit_letter(client, lang=lang))  # the pool now holds a live connection
        proxy.cut()
        response = client.get(f"/letters/{token}")
        assert response.status_code == 503
        assert AWAY[lang][0] in text(response)
        proxy.restore()
        # The pooled connection died with the outage; it is replaced before use, not found dead by a 500.
        assert client.get(f"/letters/{token}").status_code == 200
    finally:
        dispose(served)


def test_a_postgresql_that_accepts_connections_but_never_answers_gives_a_503_before_gunicorn_kills_the_worker(
        app, proxy, database_url):
    served = app_on(app, proxy.url(database_url), DATABASE_TIMEOUT_SECONDS=1)
    try:
        client = served.test_client()
        token = letter_token(submit_letter(client))
        proxy.cut()  # the server went away (its connections with it) and came back frozen:
        proxy.hang()  # it accepts connections and never answers
        started = time.monotonic()
        response = client.get(f"/letters/{token}")
        waited = time.monotonic() - started
        assert response.status_code == 503
        assert waited < 20, f"the request hung for {waited:.0f} s (gunicorn kills a worker at 30 s)"
        proxy.restore()
        assert client.get(f"/letters/{token}").status_code == 200
    finally:
        dispose(served)


def test_the_worker_waits_out_a_database_outage_and_then_delivers(app, smtp, proxy, database_url, tmp_path):
    env = worker_env(app, WORKER_POLL_SECONDS=0.2, DATABASE_TIMEOUT_SECONDS=1)
    env["ACTIONTOOL_DATABASE_URL"] = proxy.url(database_url)
    log = open(tmp_path / "worker.log", "w+")
    proxy.cut()
    worker = subprocess.Popen([str(ACTIONTOOL), "worker"], env=env, cwd=ROOT, stdout=log, stderr=log, text=True)
    try:
        wait_for(lambda: "database unavailable" in (tmp_path / "worker.log").read_text(), 30, "the outage logged")
        assert worker.poll() is None, "the worker exited when the database went away"
        queue_letters(app, 1)  # written straight to the database, not through the cut proxy
        proxy.restore()
        wait_for(lambda: smtp.messages_to(BARON), 60, "the letter delivered after the outage")
        proxy.cut()  # and a second outage, mid-run
        time.sleep(1.5)
        assert worker.poll() is None
        proxy.restore()
        queue_letters(app, 1, prefix="later")
        wait_for(lambda: len(smtp.messages_to(BARON)) == 2, 60, "the second letter delivered")
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        log.close()
    assert worker.returncode == 0
    logged = (tmp_path / "worker.log").read_text()
    assert "database is back" in logged
    assert "Traceback" not in logged


def test_worker_once_exits_3_with_one_clear_line_when_the_database_is_away(app, proxy, database_url):
    env = worker_env(app, DATABASE_TIMEOUT_SECONDS=1)
    env["ACTIONTOOL_DATABASE_URL"] = proxy.url(database_url)
    proxy.cut()
    done = subprocess.run([str(ACTIONTOOL), "worker", "--once"], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 3
    assert "The database is unavailable; nothing was delivered." in done.stdout
    assert "Traceback" not in done.stderr


def test_lookup_answers_503_json_when_the_database_is_away(app, tmp_path):
    away = app_on(app, f"sqlite:///{tmp_path}/not-there/actiontool.db")
    try:
        response = away.test_client().get("/api/lookup", query_string={**HOME, "lang": "es"})
        assert response.status_code == 503
        assert response.get_json() == {"error": "unavailable", "message": (
            "En este momento no podemos llegar a nuestros registros, así que no se guardó nada. "
            "Por favor, regrese e inténtelo de nuevo en unos minutos.")}
    finally:
        dispose(away)

