"""The staff console's layout in a real browser (Debian's Chromium driven by Playwright): on a 360 px phone no
console page scrolls sideways, at 1280 px the roster fits with its Edit links in view, and the navigation marks
the page you are on (aria-current, and visibly).

Chromium comes from Debian (/usr/bin/chromium); without it these tests are skipped, unless
ACTIONTOOL_REQUIRE_BROWSER=1, where a missing piece is an error.
"""

import io
import re

import pytest

from actiontool.models import LetterStatus, Official, SheetRow, db
from actiontool.printing import jobs
from tests.browser import (  # noqa: F401 - fixtures
    PHONE,
    assert_no_axe_violations,
    axe_source,
    browser,
    expect,
    live_server,
    new_context,
)
from tests.helpers import HOME, STAFF, STAFF_PASSWORD, UNKNOWN, csrf_token, signed_in_client, write_letters

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
SHEET = ("name,street,city,zip,language,email,agrees_to_email,phone,note,district\n"
         "Ana López,{HOME[street]},Seattle,98104,es,,,,,\n"
         "No Street,,Seattle,98104,en,,,,,\n"
         "Lost Person With A Rather Long Name,{UNKNOWN[street]},Seattle,98104,es,lost.person@example.org,maybe,,,\n"
         ).format(HOME=HOME, UNKNOWN=UNKNOWN)


@pytest.fixture
def console(app, runner):
    """A staff member's console with something on every page: letters (held and failed among them), an event
    with signers and sheet rows to fix, a print job. Returns the paths of the pages."""
    staff = signed_in_client(app, runner, STAFF, "staff")
    write_letters(app, [LetterStatus.SENT, LetterStatus.WRITTEN, LetterStatus.HELD, LetterStatus.FAILED],
                  last_error="550 5.1.1 <Jorge.Baron@kingcounty.gov>: mailbox unavailable")
    page = staff.get("/staff/events")
    created = staff.post("/staff/events", data={"name": "Fiesta del barrio", "date": "2026-11-28",
                                                "place": "El Centro de la Raza",
                                                "csrf_token": csrf_token(page.get_data(as_text=True))})
    event = created.headers["Location"]
    page = staff.get(event)
    staff.post(f"{event}/upload", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "file": (io.BytesIO(SHEET.encode()), "sheet.csv")})
    with app.app_context():
        event_id = int(event.rsplit("/", 1)[1])
        row_id = db.session.scalar(db.select(SheetRow.id).where(SheetRow.event_id == event_id).order_by(SheetRow.line))
        official_id = db.session.scalar(db.select(Official.id).where(Official.district == "2"))
        token = jobs.request_job("event", {"event_id": event_id, "cover_language": "en"}, STAFF)
    return {
        "dashboard": "/staff/", "roster": "/staff/roster", "roster-edit": f"/staff/roster/{official_id}/edit",
        "roster-upload": "/staff/roster/upload", "roster-history": "/staff/roster/history",
        "roster-check": "/staff/roster/check", "events": "/staff/events", "event": event,
        "fix-row": f"{event}/rows/{row_id}", "print-job": f"/staff/prints/{token}", "packet": "/staff/print/packet",
        "held": "/staff/letters/held", "failed": "/staff/letters/failed", "districts": "/staff/districts",
        "areas": "/staff/areas/",
    }


def signed_in_page(new_context, viewport, lang, **options):
    page = new_context(viewport=viewport, **options).new_page()
    page.goto(f"/staff/login?lang={lang}")
    page.locator("#email").fill(STAFF)
    page.locator("#password").fill(STAFF_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))
    return page


def sideways_scroll(page):
    """How many CSS pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_console_page_scrolls_sideways_on_a_360_px_phone(app, new_context, console, lang):
    signed_out = new_context(viewport=PHONE).new_page()
    signed_out.goto(f"/staff/login?lang={lang}")
    too_wide = {"sign-in": sideways_scroll(signed_out)} if sideways_scroll(signed_out) > 0 else {}
    page = signed_in_page(new_context, PHONE, lang)
    for name, path in console.items():
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        if sideways_scroll(page) > 0:
            too_wide[name] = sideways_scroll(page)
    assert too_wide == {}, f"pages wider than the phone (px): {too_wide}"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_at_1280_px_the_roster_fits_with_every_edit_link_in_view(app, new_context, console, lang):
    page = signed_in_page(new_context, DESKTOP, lang)
    page.goto(console["roster"])
    assert sideways_scroll(page) == 0
    edits = page.locator("main table a[href$='/edit']")
    expect(edits).to_have_count(10)
    width = page.evaluate("() => window.innerWidth")
    for i in range(10):
        box = edits.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (i, box, width)
        expect(edits.nth(i)).to_be_visible()
    # The table sits in its region without a scroll bar of its own.
    assert page.evaluate("() => { const w = document.querySelector('main .table-wrap');"
                         " return w.scrollWidth <= w.clientWidth; }")


def test_at_360_px_the_roster_rows_are_cards_that_name_each_cell(app, new_context, console):
    page = signed_in_page(new_context, PHONE, "en")
    page.goto(console["roster"])
    row = page.locator("main tbody tr").nth(1)
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    name = row.locator("td").nth(2)
    assert name.evaluate("td => getComputedStyle(td, '::before').content") == '"Name"'
    expect(row.get_by_role("link", name=re.compile("^Edit"))).to_be_visible()


# page -> the navigation link marked as the page you are on ("page") or the section you are in ("true").
CURRENT = [
    ("dashboard", "Console", "page"), ("roster", "Roster", "page"), ("roster-edit", "Roster", "true"),
    ("roster-check", "Roster", "true"), ("roster-history", "Roster history", "page"),
    ("events", "Events", "page"), ("event", "Events", "true"), ("print-job", "Events", "true"),
    ("held", "Held letters", "page"), ("failed", "Failed deliveries", "page"), ("districts", "District data", "page"),
    ("areas", "District data", "true"),
]


def test_the_navigation_marks_where_you_are_in_words_and_in_looks(app, new_context, console):
    page = signed_in_page(new_context, DESKTOP, "en")
    nav = page.get_by_role("navigation", name="Staff console")
    for name, link, current in CURRENT:
        page.goto(console[name])
        marked = nav.locator("a[aria-current]")
        expect(marked).to_have_count(1)
        expect(marked).to_have_text(link)
        expect(marked).to_have_attribute("aria-current", current)
        plain = nav.locator("a:not([aria-current])").first
        look = "a => [getComputedStyle(a).fontWeight, getComputedStyle(a).borderBottomColor]"
        assert marked.evaluate(look) != plain.evaluate(look), name


def test_console_pages_have_the_console_footer_not_the_public_privacy_footer(app, new_context, console):
    page = signed_in_page(new_context, DESKTOP, "en")
    for path in (console["roster"], console["event"]):
        page.goto(path)
        expect(page.locator("footer.console-footer")).to_have_count(1)
        expect(page.locator("footer.site-footer")).to_have_count(0)
        assert page.locator("link[rel=stylesheet][href$='console.css']").count() == 1
    page.goto("/")  # the public pages do not load the console's stylesheet
    assert page.locator("link[rel=stylesheet][href$='console.css']").count() == 0


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_axe_finds_no_violations_on_any_console_page(app, new_context, axe_source, console, lang, viewport):
    # The CSP allows scripts from 'self' only: bypass it so axe can be injected.
    page = signed_in_page(new_context, viewport, lang, bypass_csp=True)
    for path in console.values():
        page.goto(path)
        assert_no_axe_violations(page, axe_source)
