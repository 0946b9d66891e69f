"""The supporter's path to public comment in a real browser, with JavaScript off and on: the preview offers
the next meeting, the supporter ticks the comment, chooses the agenda item and asks for a reminder, confirms,
and the status page shows the comment's state; axe finds nothing on the new parts of those pages."""

import datetime as dt
import re

import pytest

from actiontool.letters.content import local_date
from actiontool.models import utcnow
from tests.browser import (  # noqa: F401 - fixtures
    assert_no_axe_violations,
    axe_source,
    browser,
    expect,
    live_server,
    new_context,
)
from tests.helpers import CLERK, HOME, add_meeting, confirmation_link, run_worker


def _write_letter(page, lang="en"):
    page.goto(f"/write?lang={lang}")
    labels = {"en": ("Your full name", "Street address", "City", "ZIP code",
                     "Find my council member and write my letter"),
              "es": ("Su nombre completo", "Dirección (calle y número)", "Ciudad", "Código postal",
                     "Buscar a mi concejal o concejala y escribir mi carta")}[lang]
    page.get_by_label(labels[0], exact=True).fill("José Núñez")
    page.get_by_label(labels[1], exact=True).fill(HOME["street"])
    page.get_by_label(labels[2], exact=True).fill(HOME["city"])
    page.get_by_label(labels[3], exact=True).fill(HOME["zip"])
    page.get_by_role("button", name=labels[4]).click()
    expect(page).to_have_url(re.compile(r"/letters/[\w-]+$"))


@pytest.mark.parametrize("javascript", [False, True], ids=["no-javascript", "javascript"])
def test_a_supporter_sends_the_letter_as_public_comment_for_the_item_they_choose(
        new_context, app, smtp, javascript):
    add_meeting(app, local_date(utcnow()) + dt.timedelta(days=7), items=("2025-0216", "2025-0217"))
    page = new_context(java_script_enabled=javascript).new_page()
    _write_letter(page)
    expect(page.get_by_role("heading", name="Put your words on the public record")).to_be_visible()
    page.get_by_label("Your email", exact=True).fill("jose@example.org")
    page.get_by_label("Also send my letter as written public comment for this meeting").check()
    page.get_by_role("button", name="Send by email").click()
    # Two items: the supporter must say which one; what they typed stays.
    expect(page.locator(".field-errors")).to_contain_text("Please choose what your comment is about.")
    expect(page.get_by_label("Your email", exact=True)).to_have_value("jose@example.org")
    page.get_by_label(re.compile(r"^2025-0217: ")).check()
    page.get_by_label("Email me a reminder the day before the meeting").check()
    page.get_by_role("button", name="Send by email").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.locator("main")).to_contain_text("written public comment for the King County Council meeting")

    run_worker(app)
    page.goto(confirmation_link(smtp.messages_to("jose@example.org")[-1]))
    page.get_by_role("button", name="Confirm and send my letter").click()
    run_worker(app)
    (comment,) = smtp.messages_to(CLERK)
    assert "Item 2025-0217" in comment["Subject"]
    page.get_by_role("link", name="Check your letter's status").click()
    expect(page.locator(".status-comment-sent")).to_contain_text("Sent to the clerk on time")
    expect(page.locator("main")).to_contain_text("We will email you a reminder the day before the King County Council "
                                                 "meeting of")


def test_axe_finds_nothing_on_the_meeting_offer_and_the_comment_status(new_context, app, smtp, axe_source):
    add_meeting(app, local_date(utcnow()) + dt.timedelta(days=7), items=("2025-0216", "2025-0217"),
                open_comment=True)
    page = new_context(java_script_enabled=True, bypass_csp=True).new_page()
    _write_letter(page, lang="es")
    expect(page.locator(".public-comment")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Enviar")).click()  # errors on the page too
    assert_no_axe_violations(page, axe_source)
    page.locator("#email").fill("jose@example.org")
    page.locator("#comment").check()
    page.locator("#agenda_item-2").check()  # any county matter (open comment)
    page.get_by_role("button", name=re.compile("^Enviar")).click()
    run_worker(app)
    page.goto(confirmation_link(smtp.messages_to("jose@example.org")[-1]))
    page.locator("form button[type=submit]").last.click()
    page.goto(page.url.replace("/thanks", "/status"))
    expect(page.locator(".comment-status")).to_be_visible()
    assert_no_axe_violations(page, axe_source)
