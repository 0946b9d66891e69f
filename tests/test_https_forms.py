"""Over HTTPS (production), forms work in a real browser's way: Flask-WTF refuses a POST over HTTPS without
a same-origin Referer, so the Referer a browser sends under our Referrer-Policy must be one it accepts, and
no other site may get our pages' addresses."""

import pytest

from actiontool import create_app
from tests.helpers import csrf_token, letter_form

HTTPS = "https://letters.campaign.test"


def referer_a_browser_sends(policy, page_url, same_origin):
    """The Referer header a browser sends under `policy` (the Referrer Policy spec's rules, for the values
    a site might choose), from `page_url`, to a URL of the same origin or another."""
    origin = page_url.split("/", 3)
    origin = "/".join(origin[:3]) + "/"
    return {
        "no-referrer": None,
        "same-origin": page_url if same_origin else None,
        "origin": origin,
        "strict-origin": origin,
        "strict-origin-when-cross-origin": page_url if same_origin else origin,
        "no-referrer-when-downgrade": page_url,
        "unsafe-url": page_url,
    }[policy]


@pytest.fixture
def https_app(app):
    """The test app as production serves it: behind https."""
    https = create_app({**app.config, "BASE_URL": HTTPS, "WTF_CSRF_SSL_STRICT": True})
    return https


def test_the_letter_form_posts_over_https_with_the_referer_our_policy_lets_the_browser_send(https_app):
    client = https_app.test_client()
    page = client.get("/write", base_url=HTTPS)
    policy = page.headers["Referrer-Policy"]
    headers = {}
    if referer := referer_a_browser_sends(policy, HTTPS + "/write", same_origin=True):
        headers["Referer"] = referer
    response = client.post("/write", base_url=HTTPS, headers=headers,
                           data={**letter_form(), "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 302, response.status_code


def test_no_other_site_learns_a_letters_address(https_app):
    page = https_app.test_client().get("/privacy", base_url=HTTPS)
    assert referer_a_browser_sends(page.headers["Referrer-Policy"], HTTPS + "/letters/secret", same_origin=False) \
        is None
