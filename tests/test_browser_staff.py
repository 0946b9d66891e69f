"""The staff console in a real browser (Debian's Chromium driven by Playwright), checked by axe-core.

Every staff page is opened the way staff reach it, in the states that matter: empty, with
errors, with letters held or failed, a roster file with problems and one with changes to
preview. axe-core must find no accessibility violation on any of them, in English or Spanish.

Chromium comes from Debian (/usr/bin/chromium) and axe-core from npm; without them these tests
are skipped, unless ACTIONTOOL_REQUIRE_BROWSER=1, where a missing piece is an error.
"""

import re

import pytest

from actiontool.models import LetterStatus, Official, db
from tests.browser import (  # noqa: F401 - fixtures
    assert_no_axe_violations,
    axe_source,
    browser,
    expect,
    live_server,
    new_context,
)
from tests.helpers import ROSTER, STAFF_PASSWORD, add_user, replace_field, write_letters

STAFF = "staff@campaign.test"

pytestmark = pytest.mark.browser


@pytest.fixture
def staff(runner):
    result = add_user(runner, STAFF, "staff")
    assert result.exit_code == 0, result.output
    return STAFF


def sign_in(page, lang="en"):
    page.goto(f"/staff/login?lang={lang}")
    page.locator("#email").fill(STAFF)
    page.locator("#password").fill(STAFF_PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))


def upload_roster(page, content):
    page.goto("/staff/roster/upload")
    page.locator("#file").set_input_files(files=[{"name": "officials.csv", "mimeType": "text/csv",
                                                  "buffer": content.encode()}])
    page.locator("main button.button").click()


def _login_errors(page, app):
    page.goto("/staff/login")
    page.locator("form button[type=submit]").click()
    expect(page.locator("#email-errors")).to_be_visible()


def _dashboard(page, app):
    write_letters(app, [LetterStatus.WRITTEN, LetterStatus.SENT, LetterStatus.QUEUED])
    page.goto("/staff/")
    expect(page.locator("svg")).to_have_count(1)


def _districts(page, app):
    page.goto("/staff/districts")


def _roster(page, app):
    page.goto("/staff/roster")


def _official_edit_errors(page, app):
    with app.app_context():
        official_id = db.session.scalar(db.select(Official.id).where(Official.district == "4"))
    page.goto(f"/staff/roster/{official_id}/edit")
    page.locator("#verified_on").fill("last week")
    page.locator("main button.button").click()
    expect(page.locator("[role=alert], .field-errors").first).to_be_visible()


def _roster_upload_problems(page, app):
    upload_roster(page, replace_field(ROSTER, 2, "email", "not-an-email"))
    expect(page.locator("[role=alert]").first).to_be_visible()


def _roster_preview(page, app):
    upload_roster(page, replace_field(ROSTER, 2, "phone", "206-477-0000"))
    expect(page.locator("main button.button")).to_be_visible()


def _roster_history(page, app):
    upload_roster(page, replace_field(ROSTER, 2, "phone", "206-477-0000"))
    page.locator("main button.button").click()
    page.goto("/staff/roster/history")


def _roster_check(page, app):
    page.goto("/staff/roster/check")
    page.locator("main button.button").click()


def _held(page, app):
    write_letters(app, [LetterStatus.HELD])
    page.goto("/staff/letters/held")


def _failed(page, app):
    write_letters(app, [LetterStatus.FAILED])
    page.goto("/staff/letters/failed")
    expect(page.locator("main")).to_contain_text("550 5.1.1")


STAFF_PAGES = {
    "login-errors": _login_errors,
    "dashboard": _dashboard,
    "districts": _districts,
    "roster": _roster,
    "official-edit-errors": _official_edit_errors,
    "roster-upload-problems": _roster_upload_problems,
    "roster-preview": _roster_preview,
    "roster-history": _roster_history,
    "roster-check": _roster_check,
    "held-letters": _held,
    "failed-letters": _failed,
}


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", list(STAFF_PAGES))
def test_axe_finds_no_violations_on_the_staff_pages(app, new_context, axe_source, staff, name, lang):
    # The CSP allows scripts from 'self' only: bypass it so axe can be injected.
    page = new_context(java_script_enabled=True, bypass_csp=True).new_page()
    if name != "login-errors":
        sign_in(page, lang)
    else:
        page.goto(f"/staff/login?lang={lang}")
    STAFF_PAGES[name](page, app)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert_no_axe_violations(page, axe_source)
