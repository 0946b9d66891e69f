"""Every page of the tour (tests/test_every_page.py), and how a person gets to it.

Each entry is `open(tab, world, lang)`: it leaves `tab` showing the page, reached the way people reach
it (links, forms and buttons; JavaScript off for the public pages). `world` holds what the data setup
made: letter tokens in each state, emailed confirmation links, the event, its row to fix, print jobs.
The tab already speaks `lang` (chosen by the language switch or ?lang= at sign-in, and remembered).
"""

import datetime as dt

from tests.helpers import HOME, PIERCE, ROSTER, TWO_DISTRICTS, UNKNOWN, replace_field

SUBMIT = "main form button[type=submit]"


# ---------------------------------------------------------------------------- public pages


def fill_letter_form(tab, address, name="José Núñez", note=""):
    tab.goto("/write")
    tab.locator("#name").fill(name)
    tab.locator("#street").fill(address["street"])
    tab.locator("#city").fill(address["city"])
    tab.locator("#zip").fill(address["zip"])
    if note:
        tab.locator("#note").fill(note)


def write_and_submit(tab, address, note=""):
    fill_letter_form(tab, address, note=note)
    tab.locator("#letter-form button[type=submit]").click()
    tab.wait_for_load_state()


def _write_errors(tab, world, lang):
    tab.goto("/write")
    tab.locator("#letter-form button[type=submit]").click()
    tab.locator(".field-errors").first.wait_for()


def _preview(tab, world, lang):
    write_and_submit(tab, HOME, note="My neighbours must be able to call the police without fear.")
    tab.wait_for_url("**/letters/*")
    world[f"tour_letter_{lang}"] = tab.url


def _send_errors(tab, world, lang):
    tab.goto(world[f"tour_letter_{lang}"])
    tab.locator("#send-form button[type=submit]").click()
    tab.locator("#send-form .field-errors").first.wait_for()


def _check_email(tab, world, lang):
    tab.goto(world[f"tour_letter_{lang}"])
    tab.locator("#send-form input[type=email]").fill(f"tour-{lang}@example.org")
    tab.locator("#send-form button[type=submit]").click()
    tab.wait_for_url("**/send")


def _status_awaiting(tab, world, lang):
    tab.goto(world[f"tour_letter_{lang}"] + "/status")


def _confirm(tab, world, lang):
    tab.goto(world["links"][f"awaiting_{lang}"])


def _confirmed(tab, world, lang):
    """Press the button on the confirmation page: the letter joins the queue, and the next page says so."""
    tab.goto(world["links"][f"awaiting_{lang}"])
    tab.locator(SUBMIT).click()
    tab.wait_for_load_state()


def _form_expired(tab, world, lang, path, fill):
    """A form left open until its session is gone (a new session remembering only the language)."""
    tab.goto(path)
    fill(tab)
    tab.context.add_cookies([{"name": "session", "value": world["session_cookie"](lang), "url": tab.url}])
    tab.locator(SUBMIT).click()
    tab.wait_for_load_state()


def _login_failed(tab, world, lang):
    tab.goto("/staff/login")
    tab.locator("#email").fill("someone@campaign.test")
    tab.locator("#password").fill("not the password")
    tab.locator(SUBMIT).click()
    tab.wait_for_load_state()


def _reply_errors(tab, world, lang):
    tab.goto(world["reply_sent"] + "/-")  # no answer chosen: the button shows the error
    tab.locator(SUBMIT).click()


def _embed_errors(tab, world, lang):
    tab.goto(f"/embed?partner=casa&lang={lang}")
    tab.locator(SUBMIT).click()


PUBLIC_PAGES = {
    "home": lambda tab, world, lang: tab.goto("/"),
    "privacy": lambda tab, world, lang: tab.goto("/privacy"),
    "numbers": lambda tab, world, lang: tab.goto("/numbers"),
    "write": lambda tab, world, lang: tab.goto("/write"),
    "write-errors": _write_errors,
    "write-address-not-found": lambda tab, world, lang: write_and_submit(tab, UNKNOWN),
    "write-several-addresses": lambda tab, world, lang: write_and_submit(tab, TWO_DISTRICTS),
    "write-outside-county": lambda tab, world, lang: write_and_submit(tab, PIERCE),
    "write-expired": lambda tab, world, lang: _form_expired(
        tab, world, lang, "/write", lambda t: t.locator("#name").fill("Ana López")),
    "letter-preview": _preview,
    "letter-send-errors": _send_errors,
    "check-your-email": _check_email,
    "status-awaiting": _status_awaiting,
    "confirm": _confirm,
    "confirmed": _confirmed,
    "thanks": lambda tab, world, lang: tab.goto(f"/letters/{world['sent']}/thanks"),
    "status-sent": lambda tab, world, lang: tab.goto(f"/letters/{world['sent']}/status"),
    "status-comment-late": lambda tab, world, lang: tab.goto(f"/letters/{world['commented']}/status"),
    "letter-whole-council": lambda tab, world, lang: tab.goto(f"/letters/{world['council']}"),
    "thanks-whole-council": lambda tab, world, lang: tab.goto(f"/letters/{world['council']}/thanks"),
    "status-held": lambda tab, world, lang: tab.goto(f"/letters/{world['held']}/status"),
    "status-failed": lambda tab, world, lang: tab.goto(f"/letters/{world['failed']}/status"),
    "link-expired-410": lambda tab, world, lang: tab.goto(world["expired_links"][lang]),
    "link-broken-400": lambda tab, world, lang: tab.goto("/confirm/not-a-link-we-sent"),
    "letter-deleted-410": lambda tab, world, lang: tab.goto(f"/letters/{world['purged']}"),
    "not-found-404": lambda tab, world, lang: tab.goto("/no-such-page"),
    "bad-request-400": lambda tab, world, lang: tab.goto("/letters/a%00b"),
    "wrong-method-405": lambda tab, world, lang: tab.goto(f"/letters/{world['sent']}/send"),
    "reply-question": lambda tab, world, lang: tab.goto(world["reply_sent"] + "/form"),
    "reply-errors": _reply_errors,
    "reply-answered": lambda tab, world, lang: tab.goto(world["reply_replied"]),
    "reply-broken-400": lambda tab, world, lang: tab.goto("/reply/not-a-link-we-sent/personal"),
    "embed": lambda tab, world, lang: tab.goto(f"/embed?partner=casa&lang={lang}"),
    "embed-errors": _embed_errors,
    "embed-ready": lambda tab, world, lang: tab.goto(f"/embed/letters/{world['sent']}?partner=casa&lang={lang}"),
    "staff-login": lambda tab, world, lang: tab.goto("/staff/login"),
    "staff-login-failed": _login_failed,
    "page-expired-400": lambda tab, world, lang: _form_expired(
        tab, world, lang, "/staff/login", lambda t: t.locator("#email").fill("someone@campaign.test")),
}


# ---------------------------------------------------------------------------- staff pages


def _official_edit_errors(tab, world, lang):
    tab.goto(f"/staff/roster/{world['official_id']}/edit")
    tab.locator("#verified_on").fill("last week")
    tab.locator(SUBMIT).click()
    tab.wait_for_load_state()


def _upload(tab, path, content, name="officials.csv"):
    tab.goto(path)
    tab.locator("main input[type=file]").set_input_files(files=[{"name": name, "mimeType": "text/csv",
                                                                  "buffer": content.encode()}])
    tab.locator(SUBMIT).click()
    tab.wait_for_load_state()


def _roster_problems(tab, world, lang):
    _upload(tab, "/staff/roster/upload", replace_field(ROSTER, 2, "email", "not-an-email"))


def _roster_preview(tab, world, lang):
    _upload(tab, "/staff/roster/upload", replace_field(ROSTER, 2, "phone", "206-477-0000"))


def _roster_check_result(tab, world, lang):
    tab.goto("/staff/roster/check")
    tab.locator(SUBMIT).click()
    tab.wait_for_load_state()


def _meeting(tab, world):
    """The tour's meeting, with one agenda item: added through the staff pages the first time it is needed."""
    if "meeting" not in world:
        day = dt.date.today() + dt.timedelta(days=14)
        while day.weekday() != 1 or 22 <= day.day <= 28:  # an ordinary Tuesday
            day += dt.timedelta(days=1)
        tab.goto("/staff/meetings/new")
        tab.locator("#date").fill(day.isoformat())
        tab.locator("#comment_email").fill("clerk@kingcounty.gov")
        tab.locator("#place").fill("516 3rd Ave, Room 1001, Seattle")
        tab.locator("#agenda_url").fill("https://kingcounty.gov/council/agenda")
        tab.locator(SUBMIT).click()
        tab.wait_for_url("**/staff/meetings/*?done=created")
        world["meeting"] = tab.url.split("?")[0].split("/staff/meetings/")[1]
        tab.locator("#file_number").fill("2025-0216")
        tab.locator("#title_en").fill("An ordinance on ICE detainers")
        tab.locator("#title_es").fill("Una ordenanza sobre las retenciones de ICE")
        tab.locator("form[action$='/items'] button[type=submit]").click()
        tab.wait_for_url("**done=item_added*")
        world["agenda_item"] = tab.locator("a[href*='/items/'][href$='/edit']").first.get_attribute("href")
    return f"/staff/meetings/{world['meeting']}"


def _meeting_new_errors(tab, world, lang):
    tab.goto("/staff/meetings/new")
    tab.locator("#date").fill("2020-01-07")
    tab.locator(SUBMIT).click()
    tab.locator(".field-errors").first.wait_for()


def _meeting_item_edit(tab, world, lang):
    _meeting(tab, world)
    tab.goto(world["agenda_item"])


STAFF_PAGES = {
    "dashboard": lambda tab, world, lang: tab.goto("/staff/"),
    "districts": lambda tab, world, lang: tab.goto("/staff/districts"),
    "roster": lambda tab, world, lang: tab.goto("/staff/roster?done=applied"),
    "official-edit": lambda tab, world, lang: tab.goto(f"/staff/roster/{world['official_id']}/edit"),
    "official-edit-errors": _official_edit_errors,
    "roster-upload": lambda tab, world, lang: tab.goto("/staff/roster/upload"),
    "roster-upload-problems": _roster_problems,
    "roster-preview": _roster_preview,
    "roster-history": lambda tab, world, lang: tab.goto("/staff/roster/history"),
    "roster-check": lambda tab, world, lang: tab.goto("/staff/roster/check"),
    "roster-check-result": _roster_check_result,
    "areas": lambda tab, world, lang: tab.goto("/staff/areas/"),
    "areas-edit": lambda tab, world, lang: tab.goto("/staff/areas/4/edit"),
    "areas-upload": lambda tab, world, lang: tab.goto("/staff/areas/upload"),
    "held-letters": lambda tab, world, lang: tab.goto("/staff/letters/held"),
    "failed-letters": lambda tab, world, lang: tab.goto("/staff/letters/failed"),
    "events": lambda tab, world, lang: tab.goto("/staff/events"),
    "event": lambda tab, world, lang: tab.goto(f"/staff/events/{world['event']}"),
    "event-row-to-fix": lambda tab, world, lang: tab.goto(f"/staff/events/{world['event']}/rows/{world['row']}"),
    "print-blank-letters": lambda tab, world, lang: tab.goto("/staff/print/blank"),
    "print-delivery-packet": lambda tab, world, lang: tab.goto("/staff/print/packet"),
    "print-job-ready": lambda tab, world, lang: tab.goto(f"/staff/prints/{world['packet_job']}"),
    "print-pdf-gone-410": lambda tab, world, lang: tab.goto(f"/staff/prints/{world['event_job']}.pdf"),
    "meetings": lambda tab, world, lang: (_meeting(tab, world), tab.goto("/staff/meetings/")),
    "meeting-new": lambda tab, world, lang: tab.goto("/staff/meetings/new"),
    "meeting-new-errors": _meeting_new_errors,
    "meeting": lambda tab, world, lang: tab.goto(_meeting(tab, world)),
    "meeting-edit": lambda tab, world, lang: tab.goto(_meeting(tab, world) + "/edit"),
    "meeting-cancel": lambda tab, world, lang: tab.goto(_meeting(tab, world) + "/cancel"),
    "meeting-item-edit": _meeting_item_edit,
    "partner-sites": lambda tab, world, lang: tab.goto("/staff/embed"),
}

CANVASSER_PAGES = {
    "canvasser-home": lambda tab, world, lang: tab.goto("/staff/"),
    "forbidden-403": lambda tab, world, lang: tab.goto("/staff/roster"),
}
