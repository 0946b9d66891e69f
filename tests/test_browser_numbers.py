"""/numbers in a real browser: without JavaScript the charts are drawn and their figures are there; axe finds
nothing in either language, with a member's answers shown as a chart."""

import os
from pathlib import Path

import pytest

from actiontool.models import ReplyTally
from tests.browser import (  # noqa: F401 - fixtures
    assert_no_axe_violations,
    axe_source,
    browser,
    expect,
    live_server,
    new_context,
)
from tests.test_numbers import add_answers, add_letter
from tests.tour import WIDTHS

SCREENSHOTS = os.environ.get("ACTIONTOOL_SCREENSHOTS")


@pytest.fixture
def figures(app):
    for minutes in range(1, 7):
        add_letter(app, "4", minutes=minutes)
    add_letter(app, "8", whole_council=True, partner="casa-latina")
    add_letter(app, "2", status="written")
    add_answers(app, "4", ReplyTally.PERSONAL, ReplyTally.PERSONAL, ReplyTally.FORM, ReplyTally.NO_REPLY,
                ReplyTally.UNKNOWN, ReplyTally.NO_REPLY)
    add_answers(app, "8", ReplyTally.PERSONAL)


def test_without_javascript_the_charts_and_their_figures_are_shown(new_context, figures):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/numbers")
    chart = page.get_by_role("img", name="Letters per council district")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] <= 360
    expect(page.get_by_role("img", name="What writers said about Jorge L. Barón")).to_be_visible()
    page.get_by_text("The same figures as a table").click()
    expect(page.get_by_role("table", name="Letters per council district")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("lang", ["en", "es"])
def test_axe_finds_nothing_on_the_numbers_page(new_context, figures, axe_source, lang):
    page = new_context(java_script_enabled=True, bypass_csp=True).new_page()
    page.goto(f"/numbers?lang={lang}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.locator("details.figures-table summary").click()
    assert_no_axe_violations(page, axe_source)
    page.set_viewport_size({"width": 1280, "height": 800})
    assert_no_axe_violations(page, axe_source)


@pytest.mark.skipif(not SCREENSHOTS, reason="set ACTIONTOOL_SCREENSHOTS=DIR to save the page's screenshots")
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_page_is_saved_as_screenshots_at_each_width(new_context, figures, lang):
    """With ACTIONTOOL_SCREENSHOTS=DIR: DIR/numbers-<lang>-<width>.png (whole page, JavaScript off)."""
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"/numbers?lang={lang}")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(Path(SCREENSHOTS) / f"numbers-{lang}-{width}.png"), full_page=True)
