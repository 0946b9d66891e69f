"""A letter to the whole council: each of the nine members gets a copy addressed to them; only the writer's own
member reads "you represent me"; the one-letter-per-member-per-day limit applies member by member; the PDF has
one letter per member in delivery order; the status page shows each member's copy."""

import io
import re

import pypdf

from actiontool.models import Letter, LetterStatus, db
from tests.helpers import ask_to_email, confirm, confirmation_link, letter_token, run_worker, submit_letter, text

OWN = "I live in King County Council District 4, and you represent me."
OTHERS = "I live in King County Council District 4, and I am writing to the whole council."
MEMBERS = {"1": "Rod.Dembowski@kingcounty.gov", "2": "Rhonda.Lewis@kingcounty.gov", "3": "Sarah.Perry@kingcounty.gov",
           "4": "Jorge.Baron@kingcounty.gov", "5": "Steffanie.Fain@kingcounty.gov",
           "6": "Claudia.Balducci@kingcounty.gov", "7": "Pete.vonReichbauer@kingcounty.gov",
           "8": "Teresa.Mosqueda@kingcounty.gov", "9": "Reagan.Dunn@kingcounty.gov"}


def pdf_pages(response):
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(response.data)).pages]


def body_of(message):
    return " ".join(message.get_body(preferencelist=("plain",)).get_content().split())


def write_to_council(client, lang="en", **fields):
    return letter_token(submit_letter(client, lang=lang, recipients="council", **fields))


def send_and_confirm(app, client, smtp, token):
    ask_to_email(client, token)
    run_worker(app)
    page = confirm(client, confirmation_link(smtp.messages_to("jose@example.org")[-1]))
    run_worker(app)
    return page


def test_the_preview_names_all_nine_and_the_writers_own_member(client):
    token = write_to_council(client)
    page = text(client.get(f"/letters/{token}"))
    assert "To every member of the King County Council" in page
    assert "Your own councilmember, Councilmember Jorge L. Barón (District 4), gets the letter below." in page
    assert all(f"District {n}:" in page for n in MEMBERS)


def test_the_pdf_has_one_letter_per_member_in_district_order_and_you_represent_me_only_once(client):
    token = write_to_council(client)
    pages = pdf_pages(client.get(f"/letters/{token}.pdf"))
    salutations = [re.search(r"Dear Councilmember ([\w ]+?):", page).group(1) for page in pages]
    assert salutations == ["Dembowski", "Lewis", "Perry", "Barón", "Fain", "Balducci", "von Reichbauer",
                           "Mosqueda", "Dunn"]
    assert [OWN in page for page in pages] == [n == 3 for n in range(9)]
    assert all(OTHERS in page for n, page in enumerate(pages) if n != 3)


def test_each_member_is_emailed_their_own_copy_and_only_the_writers_member_is_told_they_represent_them(
        app, client, smtp):
    token = write_to_council(client)
    ask_to_email(client, token)
    run_worker(app)
    (confirmation,) = smtp.messages_to("jose@example.org")
    assert confirmation["Subject"] == "Please confirm your letter to the nine members of the King County Council"
    assert [m for m in smtp.received if m.rcpt_tos != ["jose@example.org"]] == [], "nothing before confirming"
    confirm(client, confirmation_link(confirmation))
    run_worker(app)
    for district, address in MEMBERS.items():
        (message,) = smtp.messages_to(address)
        words = body_of(message)
        assert (OWN in words) == (district == "4") and (OTHERS in words) == (district != "4"), district
    status = text(client.get(f"/letters/{token}/status"))
    assert status.count(": sent") == 9


def test_the_daily_limit_holds_per_member_a_member_written_to_today_is_not_written_to_again(app, client, smtp):
    single = letter_token(submit_letter(client, email="jose@example.org"))
    send_and_confirm(app, client, smtp, single)
    smtp.reset()
    token = write_to_council(client)
    send_and_confirm(app, client, smtp, token)
    assert smtp.messages_to(MEMBERS["4"]) == [], "Barón already had this person's letter today"
    assert all(len(smtp.messages_to(address)) == 1 for district, address in MEMBERS.items() if district != "4")
    status = text(client.get(f"/letters/{token}/status"))
    assert "Jorge L. Barón: not sent again: you already wrote to this member today" in status
    with app.app_context():
        lead = db.session.scalar(db.select(Letter).where(Letter.token == token))
        assert (lead.status, lead.failure_reason) == (LetterStatus.CANCELLED, "daily_limit")


def test_a_second_letter_to_the_whole_council_the_same_day_sends_nothing(app, client, smtp):
    send_and_confirm(app, client, smtp, write_to_council(client))
    smtp.reset()
    token = write_to_council(client)
    ask_to_email(client, token)
    run_worker(app)
    page = confirm(client, confirmation_link(smtp.messages_to("jose@example.org")[-1]))
    assert page.status_code == 429
    run_worker(app)
    assert [m for m in smtp.received if m.rcpt_tos != ["jose@example.org"]] == []


def test_in_spanish_the_other_members_read_that_a_resident_of_district_4_writes_to_the_whole_council(
        app, client, smtp):
    token = write_to_council(client, lang="es", letter_language="es")
    pages = pdf_pages(client.get(f"/letters/{token}.pdf"))
    assert len(pages) == 9, "each Spanish copy still fits on one page"
    assert "A constituent of District 4 wrote to you in Spanish." in pages[3]
    assert "Vivo en el Distrito 4 del Condado de King, que usted representa." in pages[3]
    for page in pages[:3] + pages[4:]:
        assert "A resident of District 4 wrote to you in Spanish." in page
        assert "Vivo en el Distrito 4 del Condado de King y escribo a todo el Consejo." in page
