"""The County Executive has no public email: a supporter may print the same letter addressed to the Executive,
at the roster's office address. Through the real routes, the real renderer and pypdf reading the PDF back."""

import io

import pypdf
from babel.dates import format_date
from flask_babel import force_locale, gettext

from actiontool.letters.content import local_date
from actiontool.models import Letter, db, utcnow
from actiontool.roster import apply_roster, parse_roster
from tests.helpers import ROSTER, letter_token, replace_field, submit_letter, text

NOTE = "Mi vecina trabaja en el hospital.\n\nPor ella escribo."
EXECUTIVE_ADDRESS = ["Office of the King County Executive", "Chinook Building", "401 Fifth Avenue, Suite 800",
                     "Seattle, WA 98104"]
# The shipped roster's last line is the executive.
WITHOUT_EXECUTIVE = "".join(ROSTER.splitlines(keepends=True)[:-1])


def pdf_text(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    return " ".join(" ".join(page.extract_text().split())
                    for page in pypdf.PdfReader(io.BytesIO(response.data)).pages)


def executive_pdf_link(token):
    return f'href="/letters/{token}/executive.pdf"'


def use_roster(app, roster_text):
    with app.app_context():
        apply_roster(parse_roster(roster_text))


def test_the_thank_you_page_offers_a_printed_letter_to_the_executive_at_the_rosters_address(client):
    token = letter_token(submit_letter(client))
    page = client.get(f"/letters/{token}/thanks")
    assert executive_pdf_link(token) in page.get_data(as_text=True)
    shown = text(page)
    assert "Also print a letter to the County Executive" in shown
    assert ("The same letter can go to King County Executive Girmay Zahilay, who has no public email address: "
            "print it, sign it, and mail it or hand it in at: King County Executive Girmay Zahilay "
            + " ".join(EXECUTIVE_ADDRESS)) in shown


def test_a_supporter_whose_letter_went_by_email_is_offered_the_executive_letter_too(app, client):
    token = letter_token(submit_letter(client))
    with app.app_context():
        letter = db.session.scalar(db.select(Letter).where(Letter.token == token))
        letter.status, letter.email, letter.sent_at = "sent", "jose@example.org", utcnow()
        db.session.commit()
    page = client.get(f"/letters/{token}/thanks")
    assert "is confirmed and will be sent shortly" in text(page)
    assert executive_pdf_link(token) in page.get_data(as_text=True)


def test_the_executive_letter_is_the_same_letter_addressed_to_the_executive(client):
    token = letter_token(submit_letter(client, note=NOTE))
    to_councilmember = pdf_text(client.get(f"/letters/{token}.pdf"))
    to_executive = pdf_text(client.get(f"/letters/{token}/executive.pdf"))

    # Addressed to the Executive at the roster's office, as a county resident (no district).
    assert "King County Executive Girmay Zahilay " + " ".join(EXECUTIVE_ADDRESS) in to_executive
    assert "Dear Executive Zahilay: I live in King County. Please keep" in to_executive
    for councilmember_only in ("Councilmember", "Barón", "516 Third Avenue", "District 4"):
        assert councilmember_only not in to_executive, councilmember_only
    # The same sender, date, note and signature as the letter to the councilmember.
    sender = "José Núñez 100 Main St Seattle, WA 98104 "
    assert to_councilmember.startswith(sender) and to_executive.startswith(sender)
    date = to_councilmember.split(" Dear Councilmember Barón:")[0].rsplit("Seattle, WA 98104 ", 1)[1]
    assert date == format_date(local_date(utcnow()), format="long", locale="en")
    assert f"Seattle, WA 98104 {date} Dear Executive Zahilay:" in to_executive
    assert "Mi vecina trabaja en el hospital. Por ella escribo." in to_executive
    assert "Sincerely, José Núñez Resident of Seattle, King County" in to_executive


def test_the_executive_letter_follows_the_roster_when_the_office_moves(app, client):
    use_roster(app, replace_field(ROSTER, 11, "postal_address",
                                  "Office of the King County Executive; 500 Fourth Avenue, Room 400; "
                                  "Seattle, WA 98104"))
    token = letter_token(submit_letter(client))
    assert "500 Fourth Avenue, Room 400" in text(client.get(f"/letters/{token}/thanks"))
    to_executive = pdf_text(client.get(f"/letters/{token}/executive.pdf"))
    assert "Office of the King County Executive 500 Fourth Avenue, Room 400 Seattle, WA 98104" in to_executive
    assert "Chinook Building" not in to_executive


def test_a_spanish_letter_to_the_executive_is_in_spanish_with_its_english_translation(client):
    token = letter_token(submit_letter(client, lang="es", letter_language="both", note=NOTE))
    page = client.get(f"/letters/{token}/thanks")
    assert "Ejecutivo del Condado de King Girmay Zahilay " + " ".join(EXECUTIVE_ADDRESS) in text(page)
    to_executive = pdf_text(client.get(f"/letters/{token}/executive.pdf"))
    assert to_executive.startswith("A King County resident wrote to you in Spanish. An English translation "
                                   "follows. José Núñez 100 Main St")
    assert "Ejecutivo del Condado de King Girmay Zahilay " + " ".join(EXECUTIVE_ADDRESS) in to_executive
    assert "Estimado ejecutivo Zahilay: Vivo en el Condado de King." in to_executive
    assert "Mi vecina trabaja en el hospital. Por ella escribo." in to_executive
    assert "English translation Dear Executive Zahilay: I live in King County." in to_executive
    assert "Concejal" not in to_executive and "Councilmember" not in to_executive


def test_a_letter_in_spanish_only_stays_in_spanish_for_the_executive(client):
    token = letter_token(submit_letter(client, lang="es", letter_language="es"))
    to_executive = pdf_text(client.get(f"/letters/{token}/executive.pdf"))
    assert to_executive.startswith("A King County resident wrote to you in Spanish. José Núñez")
    assert "Estimado ejecutivo Zahilay:" in to_executive
    assert "English translation" not in to_executive and "Dear Executive" not in to_executive


def test_without_an_executive_in_the_roster_nothing_is_offered_and_the_link_explains_why(app, client):
    use_roster(app, WITHOUT_EXECUTIVE)
    token = letter_token(submit_letter(client))
    page = client.get(f"/letters/{token}/thanks")
    assert page.status_code == 200
    assert executive_pdf_link(token) not in page.get_data(as_text=True)
    assert "County Executive" not in text(page)

    for lang in ("en", "es"):
        answer = client.get(f"/letters/{token}/executive.pdf?lang={lang}")
        assert answer.status_code == 404 and answer.mimetype == "text/html"
        assert f'<html lang="{lang}">' in answer.get_data(as_text=True)
        with app.test_request_context("/"), force_locale(lang):
            title = gettext("No letter to the County Executive")
            message = gettext("Our list of officials has no County Executive right now, so there is no letter "
                              "to print for that office. Your letter to your councilmember is not affected.")
        assert title in text(answer) and message in text(answer)


def test_an_unknown_letter_has_no_executive_letter(client):
    assert client.get("/letters/no-such-token/executive.pdf").status_code == 404
