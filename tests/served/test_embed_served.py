"""The partners' embed as production serves it (gunicorn with the repo's config, EMBED_PARTNERS in its
environment), over HTTP: only the partners' sites may frame /embed while every other page stays unframeable, a
letter written through the frame with no cookie is saved under the partner's tag, and a POST from another
origin is refused."""

import re

import pytest
import sqlalchemy

from tests.helpers import HOME, csrf_token
from tests.served.harness import ServedApp
from tests.served.pages import hidden, redirect_path, run_id, say, visible

pytestmark = pytest.mark.served

PARTNERS = "casa=https://casa.example.org, unidos=https://www.unidos.example"


@pytest.fixture(scope="module")
def embedding(leak_watch, tmp_path_factory):
    """A served app of its own with two partner sites set."""
    with ServedApp(tmp_path_factory.mktemp("served-embed"), schema="served_embed", watch=leak_watch,
                   settings={"EMBED_PARTNERS": PARTNERS}) as app:
        yield app


def frame_ancestors(response):
    return re.search(r"frame-ancestors ([^;]+)", response.headers["Content-Security-Policy"]).group(1)


def letters_by_partner(app):
    engine = sqlalchemy.create_engine(app.database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sqlalchemy.text(
                "SELECT partner, COUNT(*) FROM letters GROUP BY partner ORDER BY partner")).all()
    finally:
        engine.dispose()
    return {partner: count for partner, count in rows}


def test_only_the_partners_sites_may_frame_the_embed(embedding):
    browser = embedding.browser(new_address=True)
    framed = browser.get("/embed?partner=casa&lang=es")
    assert framed.status_code == 200 and say("es", "Write to your King County Council member") in visible(framed)
    assert frame_ancestors(framed) == "https://casa.example.org https://www.unidos.example"
    assert "X-Frame-Options" not in framed.headers and framed.headers["Cache-Control"] == "no-store"
    for path in ("/", "/write", "/privacy", "/staff/login"):
        assert frame_ancestors(browser.get(path)) == "'none'", path


def test_a_letter_written_in_the_frame_counts_for_its_partner(embedding):
    before = letters_by_partner(embedding)
    name = embedding.remember(f"Itzel Quispe {run_id().capitalize()}", "name")
    embedding.remember(HOME["street"], "street")
    page = embedding.browser(new_address=True).get("/embed?partner=unidos&lang=en")
    assert hidden(page, "partner") == "unidos"
    # A new browser with no cookie at all, as inside a partner's frame; its page's origin is the app's.
    frame = embedding.browser(new_address=True)
    frame.headers["Origin"] = embedding.url
    sent = frame.post("/embed?partner=unidos&lang=en", data={
        "name": name, "email": "", **HOME, "note": "", "letter_language": "en", "recipients": "mine",
        "partner": "unidos", "csrf_token": csrf_token(page.text)})
    assert sent.status_code == 302, visible(sent)
    ready_path = redirect_path(sent)
    assert re.fullmatch(r"/embed/letters/[\w-]+\?partner=unidos&lang=en", ready_path), ready_path
    ready = frame.get(ready_path)
    assert "Your letter is ready" in visible(ready)
    assert frame_ancestors(ready) == "https://casa.example.org https://www.unidos.example"
    letter_path = re.search(r'href="(/letters/[\w-]+\?lang=en)" target="_blank"', ready.text).group(1)
    assert name in visible(frame.get(letter_path))
    after = letters_by_partner(embedding)
    assert after.get("unidos", 0) == before.get("unidos", 0) + 1
    assert after.get("casa", 0) == before.get("casa", 0)


def test_a_post_from_another_origin_is_refused(embedding):
    before = letters_by_partner(embedding)
    page = embedding.browser(new_address=True).get("/embed?partner=casa&lang=en")
    forger = embedding.browser(new_address=True)
    forger.headers["Origin"] = "https://casa.example.org"
    refused = forger.post("/embed?partner=casa&lang=en", data={
        "name": "Forged Sender", "email": "", **HOME, "note": "", "letter_language": "en", "recipients": "mine",
        "partner": "casa", "csrf_token": csrf_token(page.text)})
    assert refused.status_code == 400
    assert say("en", "This page was open for a while, so for your safety please check your details and press "
                     "the button again.") in visible(refused)
    assert letters_by_partner(embedding) == before
