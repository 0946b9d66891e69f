"""Every page of the tour (tests/test_every_page.py), and how a person gets to it.

Each entry is `open(tab, world, lang)`: it leaves `tab` showing the page, reached the way people reach
it (links, forms and buttons; JavaScript off for the public pages). `world` holds what the data setup
made: letter tokens in each state, emailed confirmation links, the event, its row to fix, print jobs.
The tab already speaks `lang` (chosen by the language switch or ?lang= at sign-in, and remembered).
"""

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


PUBLIC_PAGES = {
    "home": lambda tab, world, lang: tab.goto("/"),
    "privacy": lambda tab, world, lang: tab.goto("/privacy"),
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
    "status-held": lambda tab, world, lang: tab.goto(f"/letters/{world['held']}/status"),
    "status-failed": lambda tab, world, lang: tab.goto(f"/letters/{world['failed']}/status"),
    "link-expired-410": lambda tab, world, lang: tab.goto(world["expired_links"][lang]),
    "link-broken-400": lambda tab, world, lang: tab.goto("/confirm/not-a-link-we-sent"),
    "letter-deleted-410": lambda tab, world, lang: tab.goto(f"/letters/{world['purged']}"),
    "not-found-404": lambda tab, world, lang: tab.goto("/no-such-page"),
    "bad-request-400": lambda tab, world, lang: tab.goto("/letters/a%00b"),
    "wrong-method-405": lambda tab, world, lang: tab.goto(f"/letters/{world['sent']}/send"),
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
}

CANVASSER_PAGES = {
    "canvasser-home": lambda tab, world, lang: tab.goto("/staff/"),
    "forbidden-403": lambda tab, world, lang: tab.goto("/staff/roster"),
}
