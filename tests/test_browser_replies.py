"""Did they reply? in a real browser, JavaScript off: the box is ticked on the send form; the emailed answer
link opens a page with that answer chosen; one more click says how long the reply took, one press counts
both; axe finds nothing on the page (with and without its error) or on the thank-you page, in either
language."""

import re

import pytest

from actiontool.models import ReplyTally, db
from tests.browser import (  # noqa: F401 - fixtures
    assert_no_axe_violations,
    axe_source,
    browser,
    expect,
    live_server,
    new_context,
)
from tests.helpers import confirmation_link, run_worker
from tests.test_browser_public_comment import _write_letter


def _asked(app, smtp, page, lang):
    """A letter written in the browser, sent by email with the box left ticked, confirmed and delivered; the
    question's links, asked at once (FOLLOW_UP_AFTER_DAYS 0)."""
    app.config["FOLLOW_UP_AFTER_DAYS"] = 0
    _write_letter(page, lang=lang)
    expect(page.locator("#follow_up")).to_be_checked()
    page.locator("#email").fill("jose@example.org")
    page.locator("#email").press("Enter")
    run_worker(app)
    page.goto(confirmation_link(smtp.messages_to("jose@example.org")[-1]))
    page.locator("main form button").click()
    run_worker(app)
    run_worker(app)
    (question,) = [m for m in smtp.messages_to("jose@example.org") if "/reply/" in m.get_body(
        preferencelist=("plain",)).get_content()]
    text = question.get_body(preferencelist=("plain",)).get_content()
    found = re.findall(r"https?://[^/\s]+(/reply/[^/\s]+/(\w+)\?lang=\w+)", text)
    return {answer: path for path, answer in found}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_supporter_answers_and_says_how_long_it_took_with_one_press_without_javascript(
        new_context, app, smtp, lang):
    page = new_context(java_script_enabled=False).new_page()
    links = _asked(app, smtp, page, lang)
    page.goto(links["form"])
    expect(page.locator('input[name="answer"][value="form"]')).to_be_checked()
    page.locator('input[name="days"][value="14"]').check()
    page.locator("main form button").click()
    expect(page.locator("h1")).to_have_text({"en": "Thank you: your answer is counted",
                                             "es": "Gracias: ya contamos su respuesta"}[lang])
    with app.app_context():
        assert [(t.answer, t.days) for t in db.session.scalars(db.select(ReplyTally))] == [("form", 14)]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_axe_finds_nothing_on_the_answer_pages(new_context, app, smtp, axe_source, lang):
    page = new_context(java_script_enabled=True, bypass_csp=True).new_page()
    links = _asked(app, smtp, page, lang)
    page.goto(links["personal"].replace("/personal?", "/-?"))
    assert_no_axe_violations(page, axe_source)
    page.locator("main form button").click()  # no answer chosen: the error is shown
    expect(page.locator(".field-errors")).to_be_visible()
    assert_no_axe_violations(page, axe_source)
    page.locator('input[name="answer"][value="personal"]').check()
    page.locator("main form button").click()
    expect(page.locator("h1")).to_have_text({"en": "Thank you: your answer is counted",
                                             "es": "Gracias: ya contamos su respuesta"}[lang])
    assert_no_axe_violations(page, axe_source)
