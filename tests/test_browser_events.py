"""A canvasser at a community event, in a real browser: Debian's Chromium driven by Playwright.

The canvasser signs in, creates an event, enters five signers in English and Spanish (switching
the page with the language toggle, fixing an address that is not found by choosing the district,
and choosing among several addresses), prints every letter and downloads the PDF. The worker is
not running: the test runs `actiontool worker --once` itself while the progress page is open, and
the page must get to "ready" on its own — by polling with JavaScript, or by its meta refresh
without. The PDF is checked page by page with pypdf. axe-core checks the event pages.

Chromium comes from Debian (/usr/bin/chromium) and axe-core from npm; without them these tests
are skipped, unless ACTIONTOOL_REQUIRE_BROWSER=1, where a missing piece is an error.
"""

import re
import time
from pathlib import Path

import pytest

from tests.browser import (  # noqa: F401 - fixtures
    TIMEOUT_MS,
    assert_no_axe_violations,
    axe_source,
    browser,
    expect,
    live_server,
    new_context,
)
from tests.helpers import HOME, TWO_DISTRICTS, TWO_SAME_DISTRICT, UNKNOWN, run_worker
from tests.test_events import summary as pdf_summary  # the PDF's covers, letters and translations, in order

READY_TIMEOUT_MS = 30_000  # the worker renders the PDF while the page waits

PASSWORD = "correct horse battery"
CANVASSER = "canvasser@campaign.test"
SIGNERS = ["Zoe Adams", "Bea Núñez", "Ana López", "Dan Brown", "Eva Abad"]
TWIN_SOUTH = "1 TWIN ST S, SEATTLE, WA, 98104"  # district 5 of TWO_DISTRICTS

pytestmark = pytest.mark.browser


@pytest.fixture
def canvasser(runner):
    result = runner.invoke(args=["users", "add", CANVASSER, "--role", "canvasser"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    return CANVASSER


@pytest.fixture
def shown(app):
    """shown(msgid, lang) -> the text the app shows for `msgid` in `lang` (Spanish must differ)."""
    from flask_babel import force_locale, gettext, ngettext

    def translate(msgid, lang="en", plural=None, num=None, **values):
        with app.test_request_context("/"), force_locale(lang):
            text = ngettext(msgid, plural, num, **values) if plural else gettext(msgid, **values)
        if lang == "es":
            with app.test_request_context("/"), force_locale("en"):
                english = ngettext(msgid, plural, num, **values) if plural else gettext(msgid, **values)
            assert text != english, f"{msgid!r} has no Spanish translation"
        return text

    return translate


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def sign_in(page, email=CANVASSER):
    page.goto("/staff/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))


def create_event(page, name="Fiesta del barrio", date="2026-11-28", place="El Centro de la Raza"):
    page.get_by_role("navigation", name="Staff console").get_by_role("link", name="Events").click()
    expect(page).to_have_url(re.compile(r"/staff/events$"))
    page.get_by_label("Event name", exact=True).fill(name)
    page.get_by_label("Date", exact=True).fill(date)
    page.get_by_label("Place (optional)", exact=True).fill(place)
    page.get_by_role("button", name="Create the event").click()
    expect(page).to_have_url(re.compile(r"/staff/events/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    return int(re.search(r"/staff/events/(\d+)$", page.url).group(1))


class SignerRow:
    """The event page's signer form, found by its visible labels in the page's language."""

    def __init__(self, page, shown, lang):
        self.page, self.lang, self.t = page, lang, (lambda msgid: shown(msgid, lang))

    def field(self, msgid):
        return self.page.get_by_label(self.t(msgid), exact=True)

    def fill(self, name, address, language=None):
        self.field("Signer's full name").fill(name)
        self.field("Street address").fill(address["street"])
        self.field("City").fill(address["city"])
        self.field("ZIP code").fill(address["zip"])
        if language:
            self.field(language).check()

    def save(self):
        self.page.get_by_role("button", name=self.t("Save and next")).click()

    def expect_saved(self):
        expect(self.page).to_have_url(re.compile(r"/staff/events/\d+\?added=1#next$"))
        expect(self.page.get_by_role("status")).to_have_text(self.t("Saved. Next signer, please."))
        expect(self.field("Signer's full name")).to_have_value("")


def add_one_signer(page, shown, name="Zoe Adams"):
    row = SignerRow(page, shown, "en")
    row.fill(name, HOME)
    row.save()
    row.expect_saved()


def table_rows(page):
    rows = page.locator("tbody tr")
    return [tuple(rows.nth(i).locator("td").all_inner_texts()) for i in range(rows.count())]


def enter_five_signers(page, shown):
    """Five signers, two on the English page and three after switching to Spanish with the toggle."""
    en = SignerRow(page, shown, "en")
    expect(en.field("English")).to_be_checked()  # an English page starts at an English letter
    en.fill("Zoe Adams", HOME)
    en.save()
    en.expect_saved()

    # An address the geocoder does not know: the row comes back as typed, to choose the district.
    en.fill("Bea Núñez", UNKNOWN, language="Spanish")
    en.save()
    expect(page.get_by_role("alert")).to_contain_text(shown(
        "We could not find that address. Please check the house number and street name, "
        "or choose your council district below."))
    expect(en.field("Signer's full name")).to_have_value("Bea Núñez")
    expect(en.field("Street address")).to_have_value(UNKNOWN["street"])
    expect(en.field("ZIP code")).to_have_value(UNKNOWN["zip"])
    expect(en.field("Spanish")).to_be_checked()
    choose_district(page, "9")
    en.save()
    en.expect_saved()

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    es = SignerRow(page, shown, "es")
    expect(es.field("Spanish and English")).to_be_checked()  # a Spanish page starts at both languages
    es.fill("Ana López", TWO_DISTRICTS)
    es.save()
    expect(page.get_by_role("alert")).to_contain_text(
        shown("We found more than one address like yours. Please choose yours.", "es"))
    page.get_by_label(TWIN_SOUTH, exact=True).check()
    es.save()
    es.expect_saved()

    es.fill("Dan Brown", TWO_SAME_DISTRICT, language="English")
    es.save()
    es.expect_saved()
    es.fill("Eva Abad", HOME, language="Spanish")
    es.save()
    es.expect_saved()

    spanish, english, both = (shown(name, "es") for name in ("Spanish", "English", "Spanish and English"))
    assert table_rows(page) == [
        ("Eva Abad", "4", spanish, "—"), ("Dan Brown", "3", english, "—"), ("Ana López", "5", both, "—"),
        ("Bea Núñez", "9", spanish, "—"), ("Zoe Adams", "4", english, "—")]


def choose_district(page, number):
    """Choose the signer's district by hand, on an English page: its radio button reads "District N — Member"."""
    district = page.get_by_role("group", name="The signer's council district", exact=True)
    district.get_by_role("radio", name=re.compile(rf"^District {number} — ")).check()


def expected_pdf(cover_lang):
    letters = {"en": ("1 letter", "2 letters"), "es": ("1 carta", "2 cartas")}[cover_lang]
    one, two = letters
    return [
        ("cover", "Sarah Perry", one), ("letter", "Dan Brown", "Dear Councilmember Perry:"),
        ("cover", "Jorge L. Barón", two), ("letter", "Eva Abad", "Estimado concejal Barón:"),
        ("letter", "Zoe Adams", "Dear Councilmember Barón:"),
        ("cover", "Steffanie Fain", one), ("letter", "Ana López", "Estimada concejala Fain:"),
        ("translation", "Ana López", "Dear Councilmember Fain:"),  # the same letter's English translation
        ("cover", "Reagan Dunn", one), ("letter", "Bea Núñez", "Estimado concejal Dunn:"),
    ]


def request_job_for(app, event_id):
    """A print job as the event page's button would ask for it (for pages not under test here)."""
    from actiontool.printing import jobs

    with app.app_context():
        return jobs.request_job("event", {"event_id": event_id, "cover_language": "en"}, CANVASSER)


# ---------------------------------------------------------------------------
# The whole event, with JavaScript off and on
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_a_canvasser_enters_five_signers_prints_and_downloads_the_sorted_pdf(
        app, new_context, canvasser, shown, javascript):
    context = new_context(java_script_enabled=javascript)
    page = context.new_page()
    polled = []
    page.on("request", lambda request: polled.append(request.url) if request.url.endswith(".json") else None)
    sign_in(page)
    create_event(page)
    expect(page.locator("main")).to_contain_text("No signers yet.")
    enter_five_signers(page, shown)

    # Print from the English page with JavaScript off, from the Spanish page with it on: the
    # cover sheets follow the page.
    lang = "es" if javascript else "en"
    if lang == "en":
        page.get_by_role("navigation", name="Idioma").get_by_role("link", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name=shown("Print every letter, sorted for delivery", lang)).click()
    expect(page).to_have_url(re.compile(r"/staff/prints/[\w-]+$"))
    expect(page.get_by_role("status")).to_have_text(shown("Waiting to start…", lang))

    run_worker(app)  # the worker, while the page is open: it must notice by itself
    download_link = page.get_by_role("link", name=shown("Download the PDF", lang))
    expect(download_link).to_be_visible(timeout=READY_TIMEOUT_MS)
    expect(page.get_by_role("status")).to_have_text(
        shown("%(num)d letter is ready.", lang, plural="%(num)d letters are ready.", num=5))
    if javascript:
        assert polled, "with JavaScript the page should poll the job's JSON"
    else:
        assert not polled, "without JavaScript nothing can poll: the meta refresh must do it"

    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename == "letters.pdf"
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    assert pdf_summary(data, SIGNERS) == expected_pdf(lang)

    page.reload()
    expect(page.locator("#print-job")).to_contain_text(shown(
        "This PDF was already downloaded or has expired. Start a new print run if you need it again.", lang))
    expect(page.get_by_role("link", name=shown("Download the PDF", lang))).to_have_count(0)


def test_a_canvasser_uploads_a_sheet_and_fixes_its_bad_rows_in_the_browser(app, new_context, canvasser):
    page = new_context(java_script_enabled=False).new_page()  # the pages need no JavaScript
    sign_in(page)
    event_id = create_event(page)
    upload_sheet(page, SHEET_WITH_TWO_BAD_ROWS)
    expect(page.get_by_role("status")).to_have_text("1 letter added. 2 rows need fixing: see below.")
    to_fix = page.get_by_role("region", name="Rows to fix")
    expect(to_fix.locator("tbody tr")).to_have_count(2)

    page.get_by_role("link", name="Fix line 3").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Line 3 of the sign-up sheet")
    expect(page.get_by_label("Signer's full name", exact=True)).to_have_value("No Street")
    expect(page.get_by_label("City", exact=True)).to_have_value("Seattle")
    expect(page.locator("#street-errors")).to_have_text("Please enter your street address.")
    page.get_by_label("Street address", exact=True).fill(HOME["street"])
    page.get_by_role("button", name="Save this letter").click()

    # Straight on to the next row: not found, so the district is chosen by hand.
    expect(page.get_by_role("status")).to_have_text("Saved. Here is the next row to fix.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Line 4 of the sign-up sheet")
    expect(page.get_by_label("Spanish", exact=True)).to_be_checked()
    choose_district(page, "9")
    page.get_by_role("button", name="Save this letter").click()

    expect(page).to_have_url(re.compile(rf"/staff/events/{event_id}\?added=1#sheet$"))
    expect(page.get_by_role("region", name="Rows to fix")).to_have_count(0)
    signers = page.locator("#signers + .table-wrap tbody tr")
    expect(signers).to_have_count(3)
    assert sorted(tuple(signers.nth(i).locator("td").all_inner_texts()[:3]) for i in range(3)) == [
        ("Ana López", "4", "Spanish"), ("Lost Person", "9", "Spanish"), ("No Street", "4", "English")]


def test_without_javascript_the_waiting_page_refreshes_itself_every_3_seconds(
        app, new_context, canvasser, shown):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page)
    event_id = create_event(page)
    add_one_signer(page, shown)
    token = request_job_for(app, event_id)
    loads = []
    page.on("load", lambda loaded: loads.append(time.monotonic()) if "/staff/prints/" in loaded.url else None)
    page.goto(f"/staff/prints/{token}")
    page.wait_for_timeout(7_000)
    assert len(loads) >= 2, f"{len(loads)} loads in 7 s"
    gaps = [b - a for a, b in zip(loads, loads[1:], strict=False)]
    assert all(2.5 <= gap <= 6 for gap in gaps), gaps  # content="3", with room for a slow machine
    expect(page.get_by_role("status")).to_have_text("Waiting to start…")


def progress_on_page(page, done):
    """What the print page shows once its progress bar reaches `done` (or when TIMEOUT_MS is up):
    the status line, the bar's (value, max), and whether this is still the document first loaded."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        page.wait_for_function("done => (document.querySelector('#print-job progress') || {}).value >= done",
                               arg=done, timeout=TIMEOUT_MS)
    except PlaywrightTimeoutError:
        pass  # the comparison below says what the page showed instead
    return page.evaluate("""() => {
        const bar = document.querySelector('#print-job progress');
        const status = document.querySelector('#print-job [role=status]');
        return {status: status && status.textContent.trim(), bar: bar && [bar.value, bar.max],
                same_document: window.openedWhileWaiting === true};
    }""")


def test_with_javascript_the_waiting_page_updates_in_place_without_reloading(
        app, new_context, canvasser, shown):
    """Opened while the job waits, the page shows the worker's progress chunk by chunk, in the same document."""
    from actiontool.printing import jobs
    from actiontool.printing.batch import CHUNK

    copies = 2 * CHUNK + 1  # with the cover sheet, three chunks: progress is seen after the first and second
    page = new_context(java_script_enabled=True).new_page()
    sign_in(page)
    with app.app_context():
        token = jobs.request_job("blank", {"district": "4", "copies": copies, "language": "en",
                                           "cover_language": "en"}, CANVASSER)
    page.goto(f"/staff/prints/{token}")
    expect(page.get_by_role("status")).to_have_text(shown("Waiting to start…"))
    page.evaluate("() => { window.openedWhileWaiting = true; }")  # a reload would forget it

    seen = []
    with app.app_context():  # the real worker's print step; between chunks it looks at the page
        assert jobs.run_next(between_chunks=lambda: seen.append(progress_on_page(page, len(seen) + 1)))
        assert jobs.job_values(token)["status"] == "done"
    running = shown("Rendering %(letters)d letters…", letters=copies)
    assert seen == [{"status": running, "bar": [1, 3], "same_document": True},
                    {"status": running, "bar": [2, 3], "same_document": True}]
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible(timeout=READY_TIMEOUT_MS)


# ---------------------------------------------------------------------------
# axe-core on the event pages
# ---------------------------------------------------------------------------


def _events_list(page, app, shown):
    create_event(page)
    page.goto("/staff/events")
    expect(page.get_by_role("link", name="Fiesta del barrio")).to_be_visible()


def _events_list_with_errors(page, app, shown):
    page.goto("/staff/events")
    page.get_by_label("Date", exact=True).fill("2026-11-28")
    page.get_by_role("button", name="Create the event").click()
    expect(page.locator("#name-errors")).to_have_text("Please give the event a name.")


def _event_with_errors(page, app, shown, lang="en"):
    create_event(page)
    page.goto(page.url + f"?lang={lang}")
    SignerRow(page, shown, lang).fill("", {"street": "", "city": "", "zip": "981"})
    SignerRow(page, shown, lang).save()
    expect(page.locator("#zip-errors")).to_have_text(shown("A ZIP code has 5 digits, like 98104.", lang))
    expect(page.locator("#name-errors")).to_have_text(shown("Please enter your name.", lang))


def _event_choose_district(page, app, shown):
    create_event(page)
    row = SignerRow(page, shown, "en")
    row.fill("Bea Núñez", UNKNOWN)
    row.save()
    expect(page.get_by_role("group", name="The signer's council district", exact=True)).to_be_visible()


def _event_several_addresses(page, app, shown):
    create_event(page)
    row = SignerRow(page, shown, "en")
    row.fill("Ana López", TWO_DISTRICTS)
    row.save()
    expect(page.get_by_label(TWIN_SOUTH, exact=True)).to_be_visible()


def upload_sheet(page, content):
    page.get_by_label("Sign-up sheet (CSV)", exact=True).set_input_files(files=[{
        "name": "sheet.csv", "mimeType": "text/csv", "buffer": content.encode()}])
    page.get_by_role("button", name="Add the signers").click()


SHEET_WITH_TWO_BAD_ROWS = ("name,street,city,zip,language\n"
                           "Ana López,{HOME[street]},Seattle,98104,es\n"
                           "No Street,,Seattle,98104,en\n"
                           "Lost Person,{UNKNOWN[street]},Seattle,98104,es\n").format(HOME=HOME, UNKNOWN=UNKNOWN)


def _event_sheet_problems(page, app, shown):
    create_event(page)
    upload_sheet(page, SHEET_WITH_TWO_BAD_ROWS)
    expect(page.get_by_role("region", name="Rows to fix")).to_contain_text(
        "Street address: Please enter your street address.")


def _sheet_row_to_fix(page, app, shown, lang="en"):
    create_event(page)
    upload_sheet(page, SHEET_WITH_TWO_BAD_ROWS)
    page.get_by_role("link", name="Fix line 4").click()
    if lang == "es":
        page.get_by_role("navigation", name="Language").get_by_role("link", name="Español").click()
    expect(page.get_by_role("group", name=shown("The signer's council district", lang), exact=True)).to_be_visible()


def _event_upload_without_file(page, app, shown):
    create_event(page)
    page.get_by_role("button", name="Add the signers").click()
    expect(page.locator("#file-errors")).to_have_text("Please choose a CSV file.")


def _print_job_waiting(page, app, shown):
    event_id = create_event(page)
    token = request_job_for(app, event_id)
    page.goto(f"/staff/prints/{token}")
    expect(page.get_by_role("status")).to_have_text("Waiting to start…")


def _print_job_ready(page, app, shown):
    event_id = create_event(page)
    add_one_signer(page, shown)
    token = request_job_for(app, event_id)
    run_worker(app)
    page.goto(f"/staff/prints/{token}")
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()


AXE_PAGES = [
    pytest.param(_events_list, id="events-list"),
    pytest.param(_events_list_with_errors, id="events-list-errors"),
    pytest.param(_event_with_errors, id="event-errors-en"),
    pytest.param(lambda page, app, shown: _event_with_errors(page, app, shown, "es"), id="event-errors-es"),
    pytest.param(_event_choose_district, id="event-choose-district"),
    pytest.param(_event_several_addresses, id="event-several-addresses"),
    pytest.param(_event_sheet_problems, id="event-sheet-problems"),
    pytest.param(_sheet_row_to_fix, id="sheet-row-to-fix-en"),
    pytest.param(lambda page, app, shown: _sheet_row_to_fix(page, app, shown, "es"), id="sheet-row-to-fix-es"),
    pytest.param(_event_upload_without_file, id="event-upload-without-file"),
    pytest.param(_print_job_waiting, id="print-job-waiting"),
    pytest.param(_print_job_ready, id="print-job-ready"),
]


@pytest.mark.parametrize("open_page", AXE_PAGES)
def test_axe_finds_no_violations_on_the_event_pages(app, new_context, axe_source, canvasser, shown, open_page):
    # The CSP allows scripts from 'self' only: bypass it so axe can be injected.
    page = new_context(java_script_enabled=True, bypass_csp=True).new_page()
    sign_in(page)
    open_page(page, app, shown)
    assert_no_axe_violations(page, axe_source)
