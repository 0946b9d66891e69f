"""Keyboard focus is visible everywhere: every focusable control, on every background it sits on, gets a
ring that stands out at 3:1 or more (WCAG 2.2, focus appearance)."""

import re

import pytest

from actiontool.campaign import contrast
from tests.browser import browser, expect, live_server, new_context  # noqa: F401 - fixtures
from tests.helpers import STAFF_PASSWORD, add_user, letter_token, submit_letter

pytestmark = pytest.mark.browser

# For each focusable element: its focus ring's colours (outline, box-shadow) and the colour behind it
# (the first ancestor with an opaque background).
MEASURE = """
(element) => {
  element.focus();
  const style = getComputedStyle(element);
  let node = element.parentElement, behind = "rgb(255, 255, 255)";
  while (node) {
    const background = getComputedStyle(node).backgroundColor;
    if (background && !/rgba\\(.*, 0\\)$/.test(background) && background !== "transparent") {
      behind = background;
      break;
    }
    node = node.parentElement;
  }
  return {outline: style.outlineStyle === "none" ? null : style.outlineColor,
          outlineWidth: parseFloat(style.outlineWidth), shadow: style.boxShadow, behind,
          what: element.outerHTML.slice(0, 80)};
}
"""


def hex_of(rgb):
    red, green, blue = (int(part) for part in re.findall(r"\d+", rgb)[:3])
    return f"#{red:02x}{green:02x}{blue:02x}"


def rings(measured):
    colours = []
    if measured["outline"] and measured["outlineWidth"] >= 2:
        colours.append(hex_of(measured["outline"]))
    shadow = re.match(r"(rgba?\([^)]*\))", measured["shadow"] or "")
    if shadow:
        colours.append(hex_of(shadow.group(1)))
    return colours


def assert_focus_visible_on(page, where):
    controls = page.locator("a[href], button:not([hidden]), input:not([type=hidden]), select, textarea, summary")
    checked = 0
    for index in range(controls.count()):
        control = controls.nth(index)
        if not control.is_visible():
            continue
        measured = control.evaluate(MEASURE)
        behind = hex_of(measured["behind"])
        best = max((contrast(colour, behind) for colour in rings(measured)), default=0)
        assert best >= 3, f"{where}: focus ring of {measured['what']} on {behind}: {best:.2f}:1"
        checked += 1
    assert checked, f"{where}: no focusable control found"


def test_every_control_on_the_supporters_pages_shows_focus_at_3_to_1(app, client, new_context):
    token = letter_token(submit_letter(client))
    page = new_context().new_page()
    for path in ("/", "/write", f"/letters/{token}", f"/letters/{token}/thanks", f"/letters/{token}/status",
                 "/privacy"):
        page.goto(path)
        assert_focus_visible_on(page, path)
    page.goto("/write")
    page.locator("#letter-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_focus_visible_on(page, "the form with errors")


def test_every_control_on_the_staff_console_shows_focus_at_3_to_1(app, runner, new_context):
    add_user(runner, "focus@campaign.test", "staff")
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto("/staff/login")
    page.fill("#email", "focus@campaign.test")
    page.fill("#password", STAFF_PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    for path in ("/staff/", "/staff/roster", "/staff/events"):
        page.goto(path)
        assert_focus_visible_on(page, path)
