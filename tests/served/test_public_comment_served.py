"""Issue 12 as production serves it (gunicorn with the repo's config, the worker, real SMTP), over HTTP: staff
enter a meeting and its agenda item; a supporter writes in Spanish to the whole council and also sends the
letter as written public comment, with a reminder; after one confirmation each of the nine members gets their
copy and the clerk gets the comment (name and city, never the email or the street); staff see it sent and print
the item's packet; the supporter prints a copy for the County Executive."""

import datetime as dt
import re

import pytest

from actiontool.letters.content import local_date
from actiontool.models import utcnow
from tests.helpers import HOME
from tests.served.pages import hidden, pdf_text, redirect_path, run_id, say, visible

pytestmark = pytest.mark.served

MEMBERS = ["Rod.Dembowski", "Rhonda.Lewis", "Sarah.Perry", "Jorge.Baron", "Steffanie.Fain", "Claudia.Balducci",
           "Pete.vonReichbauer", "Teresa.Mosqueda", "Reagan.Dunn"]


def plain_text(message):
    return " ".join(message.get_body(preferencelist=("plain",)).get_content().split())


def test_staff_enter_a_meeting_and_a_supporter_writes_to_the_whole_council_and_on_the_record(served):
    run = run_id()
    clerk = f"clerk-{run}@council.example"
    name = served.remember(f"Rigoberta Choque {run.capitalize()}", "name")
    email = served.remember(f"rigoberta.{run}@example.org", "email")
    note = served.remember(f"Pido justicia para mi barrio ({run}).", "note")
    served.remember(HOME["street"], "street")
    day = local_date(utcnow()) + dt.timedelta(days=6)

    staff = served.signed_in(f"staff-meetings-{run}@campaign.test", "staff")
    meeting = redirect_path(staff.submit("/staff/meetings/new", {
        "body_en": "King County Council", "body_es": "Consejo del Condado de King", "date": day.isoformat(),
        "starts": "13:30", "cutoff": "10:00", "comment_email": clerk, "place": "516 3rd Ave, Room 1001, Seattle",
        "online_url": "https://zoom.example/j/98765", "phone": "+1 253 215 8782",
        "agenda_url": "https://kingcounty.example/council/agenda"}))
    assert re.fullmatch(r"/staff/meetings/\d+\?done=created", meeting), meeting
    meeting = meeting.split("?")[0]
    added = staff.submit(meeting, {"file_number": "2025-0216", "title_en": "Detainer reform ordinance",
                                   "title_es": "Ordenanza de reforma de retenciones",
                                   "summary_en": "Limits ICE holds.", "summary_es": "Limita las retenciones de ICE."},
                         action=f"{meeting}/items")
    assert added.status_code in (302, 303), visible(added)
    item = re.search(rf'{meeting}/items/(\d+)/edit', staff.get(meeting).text).group(1)

    supporter = served.browser(new_address=True)
    letter = redirect_path(supporter.submit("/write?lang=es", {
        "name": name, "email": "", **HOME, "note": note, "letter_language": "es", "recipients": "council"}))
    preview = supporter.get(letter)
    assert say("es", "Put your words on the public record") in visible(preview)
    asked = supporter.submit(letter, {"email": email, "comment": "y", "meeting_reminder": "y",
                                      "meeting": hidden(preview, "meeting"),
                                      "agenda_item": hidden(preview, "agenda_item")}, action=f"{letter}/send")
    assert asked.status_code == 200 and say("es", "Check your email") in visible(asked), visible(asked)

    confirmation = served.wait_for_mail(email, where=lambda m: "/confirm/" in plain_text(m))
    link = re.search(rf"{re.escape(served.url)}(/confirm/\S+)", plain_text(confirmation)).group(1)
    confirmer = served.browser(new_address=True)
    confirmer.get(link)
    assert redirect_path(confirmer.submit(link, {})).startswith(f"{letter}/thanks")

    comment = served.wait_for_mail(clerk)
    assert comment["Subject"].startswith("Public comment: Item 2025-0216, Detainer reform ordinance")
    assert email not in comment.as_string() and comment["Reply-To"] is None
    words = plain_text(comment)
    assert f"De {name}, Seattle." in words and note in words and HOME["street"] not in words

    for member in MEMBERS:
        copy = served.wait_for_mail(f"{member}@kingcounty.gov", where=lambda m: note in plain_text(m))
        represents = "Vivo en el Distrito 4 del Condado de King, que usted representa." in plain_text(copy)
        assert represents == (member == "Jorge.Baron"), member

    status = f"{letter}/status"
    served.wait_until(lambda: before_value_sent() in visible(confirmer.get(status)), timeout=20,
                      what="the status page to say the comment was sent")
    reminder = say("es", "We will email you a reminder the day before the %(body)s meeting of %(date)s.").split("%(")[0]
    assert reminder in visible(confirmer.get(status))

    job = redirect_path(staff.submit(meeting, {}, action=f"{meeting}/items/{item}/print"))
    served.wait_until(lambda: staff.get(f"{job}.json").json()["ready"], timeout=90,
                      what="the worker to print the comments packet")
    packet = pdf_text(staff.get(f"{job}.pdf").content)
    assert name in packet and note in packet and HOME["street"] not in packet

    executive = supporter.get(f"{letter}/executive.pdf")
    assert executive.status_code == 200 and "Zahilay" in pdf_text(executive.content)


def before_value_sent():
    return say("es", "Sent to the clerk on time, on %(date)s.").split("%(")[0]
