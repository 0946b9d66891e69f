"""Journeys through the app as production serves it (gunicorn, `actiontool worker`, SMTP), over HTTP
only, in English and in Spanish: a supporter's letter to PDF and to the official's inbox, staff
changing and restoring the roster, a canvasser's event printed by the worker.

Everything a supporter or signer types, and every token the app hands out, is remembered for
the log scan at the end of the suite.
"""

import re
import secrets

import pytest

from tests.helpers import HOME, csrf_token, replace_field
from tests.served.pages import (
    LANGUAGES,
    before_value,
    hidden,
    pdf_text,
    plain_text,
    redirect_path,
    run_id,
    say,
    visible,
)

pytestmark = pytest.mark.served

BARON = {"name": "Jorge L. Barón", "email": "Jorge.Baron@kingcounty.gov",
         "salutation": {"en": "Dear Councilmember Barón:", "es": "Estimado concejal Barón:"}}


# ---------------------------------------------------------------- helpers

def revision_ids(history):
    """The roster revisions the history page offers to restore."""
    return {int(n) for n in re.findall(r'action="/staff/roster/history/(\d+)/restore"', history.text)}


# ---------------------------------------------------------------- a supporter

@pytest.mark.parametrize("lang", LANGUAGES)
def test_supporter_writes_prints_and_has_the_letter_emailed_to_their_councilmember(served, lang):
    run = run_id()
    name = served.remember(f"Xóchitl Quispe {run.capitalize()}", "name")
    email = served.remember(f"xochitl.{run}@example.org", "email")
    note = served.remember(f"Mi familia vive en este barrio desde hace veinte años ({run}).", "note")
    served.remember(HOME["street"], "street")
    browser = served.browser(new_address=True)

    written = browser.submit(f"/write?lang={lang}", {"name": name, "email": "", **HOME, "note": note,
                                                     "letter_language": lang})
    letter = redirect_path(written)
    assert re.fullmatch(r"/letters/[\w-]+", letter), letter

    preview = visible(browser.get(letter))
    assert name in preview and note in preview
    assert BARON["name"] in preview and BARON["salutation"][lang] in preview

    pdf = browser.get(f"{letter}.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    printed = pdf_text(pdf.content)
    assert name in printed and BARON["salutation"][lang] in printed

    asked = browser.submit(letter, {"email": email, "wants_copy": "y"}, action=f"{letter}/send")
    assert asked.status_code == 200, visible(asked)
    assert say(lang, "Check your email") in visible(asked)

    confirmation = served.wait_for_mail(email, where=lambda m: "/confirm/" in plain_text(m))
    link = re.search(rf"{re.escape(served.url)}(/confirm/\S+)", plain_text(confirmation)).group(1)

    by_email = served.browser(new_address=True)  # the link opens in whatever browser the email app starts
    page = by_email.get(link)
    assert page.status_code == 200, visible(page)
    assert say(lang, "Confirm and send my letter") in visible(page)
    thanks = redirect_path(by_email.submit(link, {}))
    assert thanks.startswith(f"{letter}/thanks")
    assert say(lang, "Thank you for writing!") in visible(by_email.get(thanks))
    status = f"{letter}/status"

    delivered = served.wait_for_mail(BARON["email"], where=lambda m: email in str(m["Reply-To"]))
    assert note in plain_text(delivered) and name in str(delivered["From"])
    served.wait_until(lambda: before_value(lang, "Sent by email on %(date)s.") in visible(by_email.get(status)),
                      timeout=20, what="the status page to say the letter was sent")


# ---------------------------------------------------------------- staff

@pytest.mark.parametrize("lang", LANGUAGES)
def test_staff_upload_a_roster_change_apply_it_and_restore_the_earlier_revision(served, lang):
    run = run_id()
    staff = served.signed_in(f"staff-{lang}-{run}@campaign.test", "staff")
    staff.get(f"/staff/?lang={lang}")
    original = staff.get("/staff/roster.csv").text
    earlier = max(revision_ids(staff.get("/staff/roster/history")))
    newcomer = f"Nueva Persona {run.capitalize()}"
    changed = replace_field(replace_field(original, 3, "name", newcomer),
                            3, "email", f"Nueva.Persona.{run}@kingcounty.gov")

    preview = staff.submit("/staff/roster/upload", files={"file": ("officials.csv", changed.encode(), "text/csv")})
    assert preview.status_code == 200, visible(preview)
    assert say(lang, "What would change") in visible(preview) and newcomer in visible(preview)
    applied = staff.post("/staff/roster/apply", data={"csrf_token": csrf_token(preview.text),
                                                      "roster": hidden(preview, "roster"),
                                                      "base": hidden(preview, "base")})
    roster_page = visible(staff.get(redirect_path(applied)))
    assert say(lang, "The roster was updated.") in roster_page and newcomer in roster_page
    assert newcomer in staff.get("/staff/roster.csv").text

    history = staff.get("/staff/roster/history")
    assert newcomer in visible(history)
    restored = staff.post(f"/staff/roster/history/{earlier}/restore", data={"csrf_token": csrf_token(history.text)})
    roster_page = visible(staff.get(redirect_path(restored)))
    assert say(lang, "The roster was restored.") in roster_page and newcomer not in roster_page
    assert staff.get("/staff/roster.csv").text == original


# ---------------------------------------------------------------- a canvasser

@pytest.mark.parametrize("lang", LANGUAGES)
def test_canvasser_enters_a_signer_at_an_event_and_downloads_the_printed_letters(served, lang):
    run = run_id()
    signer = served.remember(f"Bea Núñez Ortega {run.capitalize()}", "name")
    phone = served.remember(f"206-555-0{secrets.randbelow(900) + 100}", "phone")
    note = served.remember(f"Firmé en la fiesta del barrio ({run}).", "note")
    served.remember(HOME["street"], "street")
    canvasser = served.signed_in(f"canvasser-{lang}-{run}@campaign.test", "canvasser")
    canvasser.get(f"/staff/events?lang={lang}")

    event = redirect_path(canvasser.submit("/staff/events", {
        "name": f"Fiesta del barrio {run}", "date": "2026-11-28", "place": "El Centro de la Raza"}))
    assert re.fullmatch(r"/staff/events/\d+", event), event
    added = canvasser.submit(event, {"name": signer, **HOME, "letter_language": lang, "email": "",
                                     "phone": phone, "note": note})
    assert redirect_path(added) == f"{event}?added=1", visible(added)
    assert signer in visible(canvasser.get(event))

    job = redirect_path(canvasser.submit(event, {}, action=f"{event}/print"))
    assert re.fullmatch(r"/staff/prints/[\w-]+", job), job
    served.wait_until(lambda: canvasser.get(f"{job}.json").json()["ready"], timeout=90,
                      what="the worker to render the print job")
    ready = visible(canvasser.get(job))
    assert say(lang, "%(num)d letter is ready.", "%(num)d letters are ready.", num=1) in ready
    assert say(lang, "Download the PDF") in ready

    pdf = canvasser.get(f"{job}.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    printed = pdf_text(pdf.content)
    assert say(lang, "King County Council District %(district)s", district="4") in printed
    for expected in (signer, phone, note, HOME["street"], BARON["salutation"][lang]):
        assert expected in printed, expected
    assert canvasser.get(f"{job}.pdf").status_code == 410  # handed over once, then deleted
