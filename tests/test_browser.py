"""Real-browser tests: Debian's Chromium driven by Playwright against the app on a loopback port.

What they cover that the Flask test client cannot: the pages work with JavaScript off, fields
are found by their visible labels, the toggle switches the language, the layout fits a 360 px
phone, errors are tied to their fields for screen readers, and axe-core finds no accessibility
violation on any page.

Chromium comes from Debian (/usr/bin/chromium; `playwright install` is never run) and axe-core
from npm (`npm install` at the repo root, see package.json). Without them these tests are
skipped, unless ACTIONTOOL_REQUIRE_BROWSER=1 (as in CI), where a missing piece is an error.
"""

import re

import pytest
from babel.messages.pofile import read_po

from tests.browser import (  # noqa: F401 - fixtures
    PHONE,
    ROOT,
    assert_no_axe_violations,
    axe_source,
    browser,
    expect,
    live_server,
    new_context,
)
from tests.helpers import HOME, TWO_DISTRICTS, UNKNOWN

SPANISH_PO = ROOT / "translations" / "es" / "LC_MESSAGES" / "messages.po"

SUPPORTER = "José Núñez"
NOTE = "My neighbours must be able to call the police without fear."
COUNCILMEMBER = "Jorge L. Barón"  # district 4 (HOME) in the shipped roster

pytestmark = pytest.mark.browser


@pytest.fixture
def spanish(app):
    """msgid -> the Spanish the app shows, failing clearly if the catalog is not ready."""

    catalog = None

    def translate(msgid):
        nonlocal catalog
        from flask_babel import force_locale, gettext

        with app.test_request_context("/"), force_locale("es"):
            shown = gettext(msgid)
        if shown != msgid:
            return shown
        if catalog is None:
            with SPANISH_PO.open("rb") as po:
                catalog = read_po(po, locale="es")
        message = catalog.get(msgid)
        if message is None or not message.string:
            pytest.fail(f"the Spanish catalog ({SPANISH_PO.relative_to(ROOT)}) has no msgstr "
                        f"for {msgid!r} yet", pytrace=False)
        pytest.fail(f"{msgid!r} is translated in {SPANISH_PO.relative_to(ROOT)} but the app "
                    "still shows English: compile the catalogs (`make translations`)",
                    pytrace=False)

    return translate


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def assert_fits_phone(page, what):
    """No horizontal scrolling at a 360 px viewport (needs a JavaScript-enabled context)."""
    widths = page.evaluate(
        "() => ({doc: document.documentElement.scrollWidth, body: document.body.scrollWidth,"
        " view: window.innerWidth})")
    assert widths["view"] == PHONE["width"]
    assert widths["doc"] <= PHONE["width"] and widths["body"] <= PHONE["width"], (
        f"{what} scrolls sideways at {PHONE['width']} px: {widths}")


def assert_html_lang(page, lang):
    assert page.locator("html").get_attribute("lang") == lang


def assert_pdf(context, page, link_name):
    link = page.get_by_role("link", name=link_name)
    expect(link).to_have_count(1)
    href = link.get_attribute("href")
    assert href and href.endswith(".pdf")
    response = context.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"].split(";")[0].strip() == "application/pdf"
    assert response.body().startswith(b"%PDF-")


def fill_address_by_id(page, address, name=SUPPORTER):
    """For pages whose labels are not under test (the axe checks): fill by the fields' ids."""
    page.fill("#name", name)
    page.fill("#street", address["street"])
    page.fill("#city", address["city"])
    page.fill("#zip", address["zip"])
    page.click("form button[type=submit]")


# ---------------------------------------------------------------------------
# 1-2. The whole flow, JavaScript off, on a phone-sized screen
# ---------------------------------------------------------------------------


def test_english_flow_without_javascript(new_context):
    context = new_context(java_script_enabled=False)
    page = context.new_page()

    page.goto("/")
    assert_html_lang(page, "en")
    page.get_by_role("link", name="Write your letter").first.click()
    expect(page).to_have_url(re.compile(r"/write$"))

    page.get_by_label("Your full name", exact=True).fill(SUPPORTER)
    page.get_by_label("Street address", exact=True).fill(HOME["street"])
    page.get_by_label("City", exact=True).fill(HOME["city"])
    page.get_by_label("ZIP code", exact=True).fill(HOME["zip"])
    page.get_by_label("Your own words (optional)", exact=True).fill(NOTE)
    expect(page.get_by_label("English", exact=True)).to_be_checked()  # English page: English
    page.get_by_role("button", name="Find my council member and write my letter").click()

    expect(page).to_have_url(re.compile(r"/letters/[\w-]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your letter is ready")
    expect(page.locator(".lead")).to_contain_text(COUNCILMEMBER)
    preview = page.locator(".letter-preview")
    expect(preview).to_contain_text("Dear Councilmember Barón:")
    expect(preview).to_contain_text(SUPPORTER)
    expect(preview).to_contain_text(NOTE)
    preview_url = page.url
    page.get_by_role("link", name="Print it and mail it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for writing!")
    assert_pdf(context, page, "Download the letter (PDF)")

    # Layout: the same pages, JavaScript on only to measure them.
    layout = new_context(java_script_enabled=True).new_page()
    for path in ("/", "/write", preview_url):
        layout.goto(path)
        assert_fits_phone(layout, path)
    layout.goto("/write")
    layout.get_by_role("button", name="Find my council member and write my letter").click()
    expect(layout.locator(".field-errors").first).to_be_visible()
    assert_fits_phone(layout, "the form with errors")


def test_spanish_flow_without_javascript(new_context, spanish):
    labels = {msgid: spanish(msgid) for msgid in (
        "Write your letter", "Your full name", "Street address", "City", "ZIP code",
        "Your own words (optional)", "Spanish and English",
        "Find my council member and write my letter", "Your letter is ready",
        "Download the letter (PDF)", "Print it and mail it", "Thank you for writing!")}
    context = new_context(java_script_enabled=False)
    page = context.new_page()

    page.goto("/")
    assert_html_lang(page, "en")
    page.get_by_role("link", name="Español", exact=True).click()
    expect(page).to_have_url(re.compile(r"/\?lang=es$"))
    assert_html_lang(page, "es")
    expect(page.get_by_role("link", name="English", exact=True)).to_be_visible()  # way back
    page.get_by_role("link", name=labels["Write your letter"]).first.click()
    expect(page).to_have_url(re.compile(r"/write$"))
    assert_html_lang(page, "es")  # remembered without ?lang=

    page.get_by_label(labels["Your full name"], exact=True).fill(SUPPORTER)
    page.get_by_label(labels["Street address"], exact=True).fill(HOME["street"])
    page.get_by_label(labels["City"], exact=True).fill(HOME["city"])
    page.get_by_label(labels["ZIP code"], exact=True).fill(HOME["zip"])
    page.get_by_label(labels["Your own words (optional)"], exact=True).fill(NOTE)
    # Spanish pages default to a letter in Spanish and English.
    expect(page.get_by_label(labels["Spanish and English"], exact=True)).to_be_checked()
    page.get_by_role("button", name=labels["Find my council member and write my letter"]).click()

    expect(page).to_have_url(re.compile(r"/letters/[\w-]+$"))
    assert_html_lang(page, "es")
    expect(page.get_by_role("heading", level=1)).to_have_text(labels["Your letter is ready"])
    expect(page.locator(".lead")).to_contain_text(COUNCILMEMBER)
    preview = page.locator(".letter-preview")
    expect(preview).to_contain_text("Estimado concejal Barón:")
    expect(preview).to_contain_text("Dear Councilmember Barón:")
    expect(preview.locator("article.letter[lang=es]")).to_have_count(1)
    expect(preview.locator("article.letter[lang=en]")).to_have_count(1)
    expect(preview).to_contain_text(SUPPORTER)
    preview_url = page.url
    page.get_by_role("link", name=labels["Print it and mail it"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(labels["Thank you for writing!"])
    assert_pdf(context, page, labels["Download the letter (PDF)"])

    layout = new_context(java_script_enabled=True).new_page()
    for path in ("/?lang=es", "/write?lang=es", preview_url):
        layout.goto(path)
        assert_html_lang(layout, "es")
        assert_fits_phone(layout, path)


# ---------------------------------------------------------------------------
# 3. Errors are shown, tied to their fields, and what was typed is kept
# ---------------------------------------------------------------------------

REQUIRED = {
    "Your full name": "Please enter your name.",
    "Street address": "Please enter your street address.",
    "City": "Please enter your city.",
    "ZIP code": "Please enter your ZIP code.",
}


def assert_field_error(page, label, message):
    field = page.get_by_label(label, exact=True)
    expect(field).to_have_attribute("aria-invalid", "true")
    described_by = (field.get_attribute("aria-describedby") or "").split()
    assert described_by, f"{label!r} is invalid but has no aria-describedby"
    texts = []
    for element_id in described_by:
        described = page.locator(f"[id='{element_id}']")
        expect(described).to_have_count(1)  # every id it names exists, once
        texts.append(described.inner_text())
    assert any(message in text for text in texts), (
        f"{label!r}: aria-describedby={described_by} does not point at {message!r} ({texts})")
    expect(page.locator(".field.has-error", has=field)).to_contain_text(message)


def assert_error_summary(page):
    summary = page.get_by_role("alert")
    expect(summary).to_have_count(1)
    expect(summary.get_by_role("heading", name="Please check")).to_be_visible()
    expect(summary).to_contain_text("Some answers need a change.")


def test_errors_are_tied_to_their_fields_and_input_is_kept(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/write")
    submit = page.get_by_role("button", name="Find my council member and write my letter")

    submit.click()  # the empty form
    assert_error_summary(page)
    for label, message in REQUIRED.items():
        assert_field_error(page, label, message)
    for label in ("Email (optional)", "Your own words (optional)"):
        expect(page.get_by_label(label, exact=True)).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("English", exact=True)).to_be_checked()

    # Part of it filled in, a bad ZIP code and a bad email: only those fields are in error.
    page.get_by_label("Your full name", exact=True).fill(SUPPORTER)
    page.get_by_label("City", exact=True).fill(HOME["city"])
    page.get_by_label("ZIP code", exact=True).fill("981")
    page.get_by_label("Email (optional)", exact=True).fill("not-an-email")
    page.get_by_label("Your own words (optional)", exact=True).fill(NOTE)
    page.get_by_label("Spanish", exact=True).check()
    submit.click()

    assert_error_summary(page)
    assert_field_error(page, "Street address", "Please enter your street address.")
    assert_field_error(page, "ZIP code", "A ZIP code has 5 digits, like 98104.")
    assert_field_error(page, "Email (optional)",
                       "Please enter an email address like name@example.com.")
    for label in ("Your full name", "City", "Your own words (optional)"):
        expect(page.get_by_label(label, exact=True)).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-errors")).to_have_count(3)
    # What was typed is still there, the bad values too, so they can be corrected.
    expect(page.get_by_label("Your full name", exact=True)).to_have_value(SUPPORTER)
    expect(page.get_by_label("City", exact=True)).to_have_value(HOME["city"])
    expect(page.get_by_label("ZIP code", exact=True)).to_have_value("981")
    expect(page.get_by_label("Email (optional)", exact=True)).to_have_value("not-an-email")
    expect(page.get_by_label("Your own words (optional)", exact=True)).to_have_value(NOTE)
    expect(page.get_by_label("Spanish", exact=True)).to_be_checked()

    # Corrected, it goes through.
    page.get_by_label("Street address", exact=True).fill(HOME["street"])
    page.get_by_label("ZIP code", exact=True).fill(HOME["zip"])
    page.get_by_label("Email (optional)", exact=True).fill("")
    submit.click()
    expect(page).to_have_url(re.compile(r"/letters/[\w-]+$"))
    expect(page.locator(".letter-preview")).to_contain_text("Estimado concejal Barón:")


# ---------------------------------------------------------------------------
# 4. axe-core on every page
# ---------------------------------------------------------------------------


def _landing(page, lang):
    page.goto(f"/?lang={lang}")


def _empty_form(page):
    page.goto("/write?lang=en")


def _form_with_errors(page):
    page.goto("/write?lang=en")
    page.click("form button[type=submit]")
    expect(page.locator(".field-errors").first).to_be_visible()


def _lookup_failed(page):
    page.goto("/write?lang=en")
    fill_address_by_id(page, UNKNOWN)
    expect(page.get_by_role("group", name="Your council district")).to_be_visible()  # choose it by hand
    expect(page.get_by_role("alert")).to_be_visible()


def _several_addresses(page):
    page.goto("/write?lang=en")
    fill_address_by_id(page, TWO_DISTRICTS)
    expect(page.locator("input[name=candidate]").first).to_be_visible()


def _preview(page, lang):
    page.goto(f"/write?lang={lang}")
    fill_address_by_id(page, HOME)
    expect(page).to_have_url(re.compile(r"/letters/[\w-]+$"))
    expect(page.locator(".letter-preview")).to_contain_text("Barón")


def _not_found(page):
    response = page.goto("/no-such-page")
    assert response.status == 404


def _send_errors(page):
    _preview(page, "en")
    page.get_by_role("button", name="Send by email").click()
    expect(page.locator(".field-errors").first).to_be_visible()


def _check_email(page, lang="en"):
    _preview(page, lang)
    page.locator("#email").fill("jose@example.org")
    page.locator(".send-by-email button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Check your email" if lang == "en" else "Revise su correo electrónico")


def _status_awaiting(page, lang):
    _check_email(page, lang)
    page.locator("main a").last.click()
    expect(page.locator(".status-awaiting_confirmation")).to_be_visible()


def _thanks(page, lang):
    _preview(page, lang)
    page.locator("main a.button").last.click()
    expect(page.locator(".thanks")).to_be_visible()


AXE_PAGES = {
    "landing-en": lambda page: _landing(page, "en"),
    "landing-es": lambda page: _landing(page, "es"),
    "form-empty": _empty_form,
    "form-errors": _form_with_errors,
    "form-lookup-failed": _lookup_failed,
    "form-several-addresses": _several_addresses,
    "preview-en": lambda page: _preview(page, "en"),
    "preview-es": lambda page: _preview(page, "es"),
    "404": _not_found,
    "privacy-en": lambda page: page.goto("/privacy?lang=en"),
    "privacy-es": lambda page: page.goto("/privacy?lang=es"),
    "bad-request-es": lambda page: page.goto("/letters/a%00b?lang=es"),
    "send-form-errors": _send_errors,
    "check-email": _check_email,
    "status-awaiting-en": lambda page: _status_awaiting(page, "en"),
    "status-awaiting-es": lambda page: _status_awaiting(page, "es"),
    "thanks-en": lambda page: _thanks(page, "en"),
    "thanks-es": lambda page: _thanks(page, "es"),
}


@pytest.mark.parametrize("name", list(AXE_PAGES))
def test_axe_finds_no_violations(new_context, axe_source, name):
    # The CSP has no script-src beyond 'self': bypass it so axe can be injected inline.
    page = new_context(java_script_enabled=True, bypass_csp=True).new_page()
    AXE_PAGES[name](page)
    assert_no_axe_violations(page, axe_source)


def test_axe_finds_no_violations_on_the_confirmation_and_sent_pages(new_context, axe_source, app, smtp):
    from tests.helpers import confirmation_link, run_worker

    page = new_context(java_script_enabled=True, bypass_csp=True).new_page()
    _check_email(page)
    run_worker(app)
    [message] = smtp.messages_to("jose@example.org")
    page.goto(confirmation_link(message))
    expect(page.locator("h1")).to_have_text("Confirm your letter")
    assert_no_axe_violations(page, axe_source)
    page.get_by_role("button", name="Confirm and send my letter").click()
    expect(page.locator(".thanks")).to_be_visible()  # the thank-you page
    assert_no_axe_violations(page, axe_source)
    page.get_by_role("link", name="Check your letter's status").click()
    expect(page.locator(".status-queued")).to_be_visible()
    run_worker(app)
    page.reload()
    expect(page.locator(".status-sent")).to_be_visible()
    assert_no_axe_violations(page, axe_source)


def test_switching_language_keeps_what_was_typed_and_enter_still_submits(new_context):
    """The Español button sends the form along (no JavaScript); Enter in a field still means "submit"."""
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/write?lang=en")
    page.get_by_label("Your full name", exact=True).fill(SUPPORTER)
    page.get_by_label("Street address", exact=True).fill(HOME["street"])
    page.get_by_label("Your own words (optional)", exact=True).fill(NOTE)
    page.get_by_role("button", name="Español").click()
    assert_html_lang(page, "es")
    expect(page.locator("#name")).to_have_value(SUPPORTER)
    expect(page.locator("#street")).to_have_value(HOME["street"])
    expect(page.locator("#note")).to_have_value(NOTE)
    expect(page.locator(".field-errors")).to_have_count(0)

    page.locator("#name").press("Enter")  # city and ZIP are empty: the form is checked, in Spanish
    assert_html_lang(page, "es")
    expect(page.locator(".error-summary li")).to_have_count(2)
    expect(page.locator("#city")).to_have_attribute("aria-invalid", "true")
