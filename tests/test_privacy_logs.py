"""Nothing about a supporter reaches the logs: a whole letter, written, emailed and delivered,
through a real HTTP server and the real worker, with every log record captured."""

import logging
import re
import threading

import requests
from werkzeug.serving import make_server

from tests.conftest import HOME, confirmation_link, run_worker

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
