"""Served as production is: behind a TLS proxy (TRUSTED_PROXIES=1, X-Forwarded-Proto: https). Flask-WTF
then refuses any POST without a same-origin Referer, so the letter form only works if the Referer a browser
sends under our Referrer-Policy is one it accepts (see tests/test_https_forms.py for the browser's rule)."""

from urllib.parse import urlsplit

import pytest

from tests.helpers import HOME, csrf_token
from tests.test_https_forms import referer_a_browser_sends

pytestmark = pytest.mark.served

THROUGH_TLS_PROXY = {"X-Forwarded-Proto": "https"}


def test_the_letter_form_works_behind_an_https_proxy(serve_another):
    app = serve_another(settings={"TRUSTED_PROXIES": 1})
    browser = app.browser(new_address=True)
    page = browser.get("/write?lang=es", headers=THROUGH_TLS_PROXY)
    assert page.status_code == 200
    page_url = f"https://{urlsplit(app.url).netloc}/write"
    headers = dict(THROUGH_TLS_PROXY)
    if referer := referer_a_browser_sends(page.headers["Referrer-Policy"], page_url, same_origin=True):
        headers["Referer"] = referer
    sent = browser.post("/write", headers=headers, data={
        "name": app.remember("Rosa Detrás Del Proxy", "name"), "email": "", **HOME, "note": "",
        "letter_language": "es", "csrf_token": csrf_token(page.text)})
    assert sent.status_code == 302, sent.status_code
    assert urlsplit(sent.headers["Location"]).path.startswith("/letters/")
