"""Nothing about a supporter reaches the logs: a whole letter, written, emailed and delivered,
through a real HTTP server and the real worker, with every log record captured."""

import logging
import re
import runpy
import threading
from pathlib import Path

import pytest
import requests
import sqlalchemy.exc
from gunicorn.config import Config
from werkzeug.serving import make_server

from actiontool import privacy
from actiontool.models import db
from tests.helpers import HOME, confirmation_link, run_worker

ROOT = Path(__file__).resolve().parent.parent

NAME, EMAIL, NOTE = "Zoraida Quintanilla", "zoraida.q@example.org", "Mi vecina Zoraida"
# Loggers of the stand-in servers (the test SMTP server logs envelopes by design): not the product's.
STAND_INS = ("mail.log", "aiosmtpd")


def token_in(html):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_a_whole_letter_leaves_no_name_email_or_address_in_any_log_line(app, smtp, caplog):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    browser = requests.Session()
    try:
        with caplog.at_level(logging.DEBUG):
            form = browser.get(f"{base}/write", timeout=10).text
            written = browser.post(f"{base}/write", timeout=10, data={
                "csrf_token": token_in(form), "name": NAME, "email": EMAIL, **HOME,
                "note": NOTE, "letter_language": "es"})
            assert written.url.startswith(f"{base}/letters/")
            browser.get(written.url + ".pdf", timeout=30)
            browser.get(f"{base}/api/lookup", params=HOME, timeout=10)
            sent = browser.post(written.url + "/send", timeout=10,
                                data={"csrf_token": token_in(written.text), "email": EMAIL})
            assert sent.status_code == 200
            run_worker(app)
            [confirmation] = smtp.messages_to(EMAIL)
            link = base + confirmation_link(confirmation)
            page = browser.get(link, timeout=10).text
            browser.post(link, data={"csrf_token": token_in(page)}, timeout=10)
            run_worker(app)
            assert smtp.messages_to("Jorge.Baron@kingcounty.gov")
    finally:
        server.shutdown()

    lines = [record.getMessage() for record in caplog.records if not record.name.startswith(STAND_INS)]
    assert any("/api/lookup" in line for line in lines)  # the request log was captured
    logged = "\n".join(lines)
    for secret in (NAME, "Zoraida", EMAIL, HOME["street"], "Main St", NOTE):
        assert secret not in logged, secret


# --- one redaction rule for every log -------------------------------------------------------------

SECRET_TOKEN = "q8Zr3kLmN2pXvB7tY5wE1aSd"


@pytest.mark.parametrize("line", [
    f'127.0.0.1 - - [04/Dec/2026 05:00:00] "GET /letters/{SECRET_TOKEN} HTTP/1.1" 200 -',
    f'127.0.0.1 - - [04/Dec/2026 05:00:00] "GET /letters/{SECRET_TOKEN}.pdf HTTP/1.1" 200 -',
    f'127.0.0.1 - - [04/Dec/2026 05:00:00] "POST /letters/{SECRET_TOKEN}/send HTTP/1.1" 200 -',
    f'127.0.0.1 - - [04/Dec/2026 05:00:00] "GET /letters/{SECRET_TOKEN}/status?confirmed=1 HTTP/1.1" 200 -',
    f'127.0.0.1 - - [04/Dec/2026 05:00:00] "POST /letters/{SECRET_TOKEN}/resend HTTP/1.1" 302 -',
    f'127.0.0.1 - - [04/Dec/2026 05:00:00] "GET /confirm/{SECRET_TOKEN}.aBc.dEf?lang=es HTTP/1.1" 200 -',
    f'127.0.0.1 - - [04/Dec/2026 05:00:00] "GET /staff/prints/{SECRET_TOKEN}.pdf HTTP/1.1" 200 -',
    "Error handling request /api/lookup?street=100+Main+St&city=Seattle&zip=98104",
    "Error handling request POST /api/lookup?street=100 Main St&city=Seattle",
    f"Invalid request from ip=127.0.0.1: Invalid HTTP request line: 'GET /letters/{SECRET_TOKEN}?street=100 Main St'",
    f"Exception on /letters/{SECRET_TOKEN}/send [POST]",
    # A "did they reply?" link: its payload is a short number, so the signature after the dot goes too.
    f'127.0.0.1 - - [04/Dec/2026 05:00:00] "GET /reply/MQ.{SECRET_TOKEN}/personal?lang=es HTTP/1.1" 200 -',
    f'127.0.0.1 - - [04/Dec/2026 05:00:00] "POST /reply/MQ.{SECRET_TOKEN}/days HTTP/1.1" 302 -',
    # An apostrophe in the address once ended the redaction early; a malformed request line once escaped it.
    "Error handling request GET /api/lookup?street=12+O'Brien+Main+St&city=Seattle&zip=98104",
    'Error handling request GET /api/lookup?street=12 "Main" St&city=Seattle',
    "Invalid request from ip=127.0.0.1: Invalid HTTP Version: 'Main Rd&city=Seattle&zip=98055 HTTP/1.1'",
])
def test_log_lines_lose_addresses_tokens_and_client_ips(line):
    redacted = privacy.redact(line)
    for secret in (SECRET_TOKEN, "127.0.0.1", "Main", "Seattle"):
        assert secret not in redacted, redacted
    assert redacted.strip()


def test_redaction_keeps_what_an_operator_needs(line="Booting worker with pid: 4242"):
    assert privacy.redact(line) == line
    assert privacy.redact('- - - [x] "GET /write HTTP/1.1" 200 -') == '- - - [x] "GET /write HTTP/1.1" 200 -'


def test_database_errors_never_carry_the_statements_values(app):
    with app.app_context():
        with pytest.raises(sqlalchemy.exc.DBAPIError) as raised:
            db.session.execute(db.text("SELECT * FROM no_such_table WHERE name = :name"), {"name": NAME})
        db.session.rollback()
    assert NAME not in str(raised.value)
    assert "parameters hidden" in str(raised.value)


def test_gunicorns_error_log_goes_through_the_same_redaction(tmp_path):
    """The logger class gunicorn.conf.py installs, fed the lines gunicorn writes on a timeout or a bad request."""
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config = Config()
    config.set("errorlog", str(tmp_path / "error.log"))
    log = settings["logger_class"](config)
    try:
        raise SystemExit(1)  # what a worker timeout raises inside the request
    except SystemExit:
        log.exception("Error handling request %s", f"/api/lookup?street={HOME['street']}&zip=98104")
    log.warning(f"Invalid request from ip=203.0.113.7: Invalid HTTP request line: "
                f"'GET /letters/{SECRET_TOKEN}/status HTTP/1.1'")
    log.error("Error handling request %s", f"/confirm/{SECRET_TOKEN}")
    for handler in log.error_log.handlers:
        handler.flush()
    written = (tmp_path / "error.log").read_text()
    assert "Error handling request /api/lookup?…" in written
    for secret in (HOME["street"], "Main St", SECRET_TOKEN, "203.0.113.7"):
        assert secret not in written
