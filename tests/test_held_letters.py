"""Letters held when their official changes: held, never delivered while held, then
re-addressed to whoever holds the office now, or cancelled, by staff.

Letters are written, asked to be emailed and confirmed through the real pages; the roster
changes through the staff upload (or, for an office with nobody in it, which an upload
cannot produce for a council district, through roster.apply_roster); mail goes through the
real worker to the loopback SMTP server.
"""

import html
import io
import re

import pytest

from actiontool.models import Letter, OutboxMessage, db
from actiontool.roster import apply_roster, parse_roster, roster_rows
from tests.helpers import (
    CANVASSER,
    ROSTER,
    add_user,
    ask_to_email,
    confirm,
    confirmation_link,
    csrf_token,
    letter_token,
    replace_field,
    run_worker,
    sign_in,
    submit_letter,
    text,
)

OLD_EMAIL = "Rhonda.Lewis@kingcounty.gov"  # district 2 in the shipped roster
NEW_EMAIL = "Nueva.Persona@kingcounty.gov"
QUEUED_BY, AWAITING_BY, SENT_BY = "ana@example.org", "beto@example.org", "carla@example.org"


# ---------------------------------------------------------------- helpers


def new_member_roster(email=NEW_EMAIL):
    """The shipped roster with a new person for district 2 (line 3)."""
    text_ = ROSTER
    for column, value in (("name", "Nueva Persona"), ("email", email),
                          ("salutation_en", "Dear Councilmember Persona:"),
                          ("salutation_es", "Estimada concejala Persona:")):
        text_ = replace_field(text_, 3, column, value)
    return text_


def upload_and_apply(staff, roster_text):
    """A staff member uploads a roster and presses Apply on the preview."""
    page = staff.get("/staff/roster/upload")
    preview = staff.post("/staff/roster/upload", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "file": (io.BytesIO(roster_text.encode()), "officials.csv")}, content_type="multipart/form-data")
    assert preview.status_code == 200, text(preview)
    body = preview.get_data(as_text=True)
    fields = dict(re.findall(r'<input[^>]*\bname="(roster|base)"[^>]*\bvalue="([^"]*)"', body))
    applied = staff.post("/staff/roster/apply", data={
        "csrf_token": csrf_token(body), **{k: html.unescape(v) for k, v in fields.items()}})
    assert applied.status_code == 302, text(applied)


def write(client, name, lang="en"):
    """A letter to district 2's councilmember, written on the site (preview only)."""
    return letter_token(submit_letter(client, lang=lang, name=name, district="2"))


def letter_state(app, token):
    """The letter's status, its recipient's name and email, and its outbox rows' (kind, status)."""
    with app.app_context():
        letter = db.session.scalar(db.select(Letter).where(Letter.token == token))
        rows = db.session.execute(db.select(OutboxMessage.kind, OutboxMessage.status)
                                  .where(OutboxMessage.letter_id == letter.id).order_by(OutboxMessage.id)).all()
        return {"status": letter.status, "recipient": (letter.recipient["name"], letter.recipient["email"]),
                "outbox": [tuple(row) for row in rows]}


def the_link(smtp, supporter):
    return confirmation_link(smtp.messages_to(supporter)[-1])


def signed_link(app, token):
    """The confirmation link path a letter's confirmation email carries (without sending it)."""
    from actiontool.mail.links import confirmation_token


    with app.test_request_context():
        return f"/confirm/{confirmation_token(token)}"


@pytest.fixture
def letters(app, client, smtp):
    """Two letters to district 2's member: one confirmed and queued, one awaiting confirmation
    (its confirmation email already sent). Returns both tokens and the awaiting one's emailed link."""
    queued, awaiting = write(client, "Ana Torres"), write(client, "Beto Ruiz")
    assert ask_to_email(client, queued, email=QUEUED_BY).status_code == 200
    assert ask_to_email(client, awaiting, email=AWAITING_BY).status_code == 200
    run_worker(app)  # the two confirmation emails
    confirm(client, the_link(smtp, QUEUED_BY))
    assert letter_state(app, queued)["status"] == "queued"
    assert letter_state(app, awaiting)["status"] == "awaiting_confirmation"
    awaiting_link = the_link(smtp, AWAITING_BY)
    smtp.reset()
    return {"queued": queued, "awaiting": awaiting, "awaiting_link": awaiting_link}


def held_page_sections(response):
    """Each held letter's section on the held letters page, as text."""
    body = response.get_data(as_text=True)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", s)).split())
            for s in re.findall(r'<section class="held-letter">(.*?)</section>', body, re.S)]


def press(staff, action, token):
    """Press Re-address or Cancel on the held letters page."""
    page = staff.get("/staff/letters/held")
    return staff.post(f"/staff/letters/{token}/{action}", data={"csrf_token": csrf_token(page.get_data(as_text=True))})


def sent_to(smtp, address):
    return smtp.messages_to(address)


def body_text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


# ---------------------------------------------------------------- holding

def test_a_new_member_holds_queued_and_awaiting_letters_and_the_worker_sends_them_nowhere(app, staff, smtp,
                                                                                           letters):
    upload_and_apply(staff, new_member_roster())
    queued, awaiting = letter_state(app, letters["queued"]), letter_state(app, letters["awaiting"])
    assert queued == {"status": "held", "recipient": ("Rhonda Lewis", OLD_EMAIL),
                      "outbox": [("confirmation", "sent"), ("to_official", "held")]}
    assert awaiting == {"status": "held", "recipient": ("Rhonda Lewis", OLD_EMAIL),
                        "outbox": [("confirmation", "sent")]}

    run_worker(app)
    assert smtp.received == []
    assert letter_state(app, letters["queued"]) == queued


def test_a_letter_held_before_its_confirmation_email_went_out_gets_none_while_held(app, client, staff, smtp):
    token = write(client, "Dora Paz")
    ask_to_email(client, token, email="dora@example.org")
    upload_and_apply(staff, new_member_roster())  # before the worker ran
    assert letter_state(app, token)["outbox"] == [("confirmation", "held")]
    run_worker(app)
    assert smtp.received == []


@pytest.mark.parametrize("lang, on_hold", [
    ("en", "On hold: the official changed before your letter was delivered. Our staff will send it to the "
           "new official."),
    ("es", "En espera: la persona en el cargo cambió antes de que entregáramos su carta. Nuestro equipo la "
           "enviará a quien ocupe el cargo ahora."),
])
def test_the_status_page_of_a_held_letter_says_it_is_on_hold(app, client, staff, letters, lang, on_hold):
    upload_and_apply(staff, new_member_roster())
    for token in (letters["queued"], letters["awaiting"]):
        page = client.get(f"/letters/{token}/status?lang={lang}")
        assert page.status_code == 200
        assert on_hold in text(page)
        # No button to ask for a new confirmation link while the letter is held.
        assert f'action="/letters/{token}/resend"' not in page.get_data(as_text=True)


@pytest.mark.parametrize("lang, heading, written_to, now_holds, readdress, cancel", [
    ("en", "Held letters", "Written to: Rhonda Lewis.", "Holds the office now: Nueva Persona.", "Re-address",
     "Cancel this letter"),
    ("es", "Cartas en espera", "Dirigida a: Rhonda Lewis.", "Ahora ocupa el cargo: Nueva Persona.", "Redirigir",
     "Cancelar esta carta"),
])
def test_held_letters_page_lists_each_letter_with_who_holds_the_office_now(app, staff, letters, lang, heading,
                                                                           written_to, now_holds, readdress,
                                                                           cancel):
    staff.get(f"/staff/?lang={lang}")
    empty = staff.get("/staff/letters/held")
    assert {"en": "No letters are held.", "es": "No hay cartas en espera."}[lang] in text(empty)

    upload_and_apply(staff, new_member_roster())
    page = staff.get("/staff/letters/held")
    assert page.status_code == 200
    assert heading in text(page)
    sections = held_page_sections(page)
    assert len(sections) == 2
    for section in sections:
        assert written_to in section and now_holds in section
        assert readdress in section and cancel in section
    body = page.get_data(as_text=True)
    for token in (letters["queued"], letters["awaiting"]):
        assert f'action="/staff/letters/{token}/readdress"' in body
        assert f'action="/staff/letters/{token}/cancel"' in body


def test_an_edit_that_only_fixes_a_phone_number_holds_nothing(app, staff, letters):
    upload_and_apply(staff, replace_field(ROSTER, 3, "phone", "206-477-1002"))
    assert letter_state(app, letters["queued"])["status"] == "queued"
    assert letter_state(app, letters["awaiting"])["status"] == "awaiting_confirmation"


def test_an_email_change_alone_holds_the_letters_too(app, staff, letters):
    upload_and_apply(staff, replace_field(ROSTER, 3, "email", "R.Lewis@kingcounty.gov"))
    assert letter_state(app, letters["queued"])["status"] == "held"
    assert letter_state(app, letters["awaiting"])["status"] == "held"


# ---------------------------------------------------------------- re-addressing

def test_readdressed_queued_letter_goes_to_the_new_official_and_names_them(app, client, staff, smtp, letters):
    upload_and_apply(staff, new_member_roster())
    response = press(staff, "readdress", letters["queued"])
    assert response.status_code == 302 and response.headers["Location"] == "/staff/letters/held"
    assert letter_state(app, letters["queued"])["status"] == "queued"
    assert letter_state(app, letters["queued"])["recipient"] == ("Nueva Persona", NEW_EMAIL)

    run_worker(app)
    [message] = sent_to(smtp, NEW_EMAIL)
    assert sent_to(smtp, OLD_EMAIL) == []
    assert message["To"].addresses[0].display_name == "Nueva Persona"
    body = body_text(message)
    assert "Dear Councilmember Persona:" in body and "Councilmember Nueva Persona" in body
    assert "Lewis" not in body
    assert letter_state(app, letters["queued"])["status"] == "sent"

    status = text(client.get(f"/letters/{letters['queued']}/status?lang=en"))
    assert "Your letter to Councilmember Nueva Persona." in status
    preview = text(client.get(f"/letters/{letters['queued']}"))
    assert "Dear Councilmember Persona:" in preview and "Rhonda Lewis" not in preview
    # The other letter stays held.
    assert letter_state(app, letters["awaiting"])["status"] == "held"
    assert len(held_page_sections(staff.get("/staff/letters/held"))) == 1


def test_readdressed_awaiting_letter_waits_for_confirmation_again_then_goes_to_the_new_official(
        app, client, staff, smtp, letters):
    upload_and_apply(staff, new_member_roster())
    assert press(staff, "readdress", letters["awaiting"]).status_code == 302
    state = letter_state(app, letters["awaiting"])
    assert state["status"] == "awaiting_confirmation"
    assert state["recipient"] == ("Nueva Persona", NEW_EMAIL)
    page = text(client.get(f"/letters/{letters['awaiting']}/status?lang=en"))
    assert "Waiting for you to confirm your email address." in page
    assert "Your letter to Councilmember Nueva Persona." in page

    run_worker(app)
    assert smtp.received == []  # nothing goes out before the supporter confirms
    # The link the supporter already has works.
    confirmed = confirm(client, letters["awaiting_link"])
    assert confirmed.status_code == 200
    assert letter_state(app, letters["awaiting"])["status"] == "queued"
    run_worker(app)
    [message] = sent_to(smtp, NEW_EMAIL)
    assert "Dear Councilmember Persona:" in body_text(message)
    assert sent_to(smtp, OLD_EMAIL) == []


def test_a_letter_held_before_its_confirmation_email_gets_it_after_readdressing_naming_the_new_official(
        app, client, staff, smtp):
    token = write(client, "Dora Paz")
    ask_to_email(client, token, email="dora@example.org")
    upload_and_apply(staff, new_member_roster())
    assert press(staff, "readdress", token).status_code == 302
    run_worker(app)
    [confirmation] = sent_to(smtp, "dora@example.org")
    assert "Nueva Persona" in body_text(confirmation)
    confirm(client, confirmation_link(confirmation))
    run_worker(app)
    assert len(sent_to(smtp, NEW_EMAIL)) == 1 and sent_to(smtp, OLD_EMAIL) == []


def test_readdressing_in_spanish_keeps_the_letter_in_its_own_language(app, client, staff, smtp):
    token = letter_token(submit_letter(client, lang="es", name="Elena Soto", district="2", letter_language="es"))
    ask_to_email(client, token, email="elena@example.org")
    run_worker(app)
    confirm(client, the_link(smtp, "elena@example.org"))
    upload_and_apply(staff, new_member_roster())
    press(staff, "readdress", token)
    smtp.reset()
    run_worker(app)
    [message] = sent_to(smtp, NEW_EMAIL)
    body = body_text(message)
    assert "Estimada concejala Persona:" in body and "Lewis" not in body


# ---------------------------------------------------------------- cancelling

@pytest.mark.parametrize("lang, cancelled", [
    ("en", "Not sent: the official your letter was written to has left office."),
    ("es", "No se envió: la persona a quien iba dirigida su carta dejó el cargo."),
])
def test_cancelled_letters_are_never_sent_and_the_status_page_says_so(app, client, staff, smtp, letters, lang,
                                                                     cancelled):
    upload_and_apply(staff, new_member_roster())
    for token in (letters["queued"], letters["awaiting"]):
        response = press(staff, "cancel", token)
        assert response.status_code == 302 and response.headers["Location"] == "/staff/letters/held"
        assert letter_state(app, token)["status"] == "cancelled"
    assert letter_state(app, letters["queued"])["outbox"] == [("confirmation", "sent"), ("to_official", "failed")]

    run_worker(app)
    assert smtp.received == []  # not to either official, and no failure notice to the supporters
    for token in (letters["queued"], letters["awaiting"]):
        page = client.get(f"/letters/{token}/status?lang={lang}")
        assert cancelled in text(page)
        assert f'href="/letters/{token}.pdf"' in page.get_data(as_text=True)  # it can still be printed
    assert held_page_sections(staff.get("/staff/letters/held")) == []


def test_a_cancelled_letter_cannot_be_readdressed_or_cancelled_again(app, staff, smtp, letters):
    upload_and_apply(staff, new_member_roster())
    press(staff, "cancel", letters["queued"])
    assert press(staff, "cancel", letters["queued"]).status_code == 404
    press(staff, "readdress", letters["queued"])
    assert letter_state(app, letters["queued"])["status"] == "cancelled"
    run_worker(app)
    assert smtp.received == []


def test_cancel_of_an_unknown_letter_is_not_found(app, staff):
    response = press(staff, "cancel", "no-such-letter")
    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_readdress_of_a_letter_that_is_not_held_is_not_found_not_blamed_on_a_vacant_office(app, staff, smtp,
                                                                                           letters):
    upload_and_apply(staff, new_member_roster())
    assert press(staff, "readdress", letters["queued"]).status_code == 302
    again = press(staff, "readdress", letters["queued"])  # a second tab, or a double click
    unknown = press(staff, "readdress", "no-such-letter")
    run_worker(app)
    assert len(sent_to(smtp, NEW_EMAIL)) == 1
    for response in (again, unknown):
        assert "Nobody holds that office" not in text(response)
        assert response.status_code == 404


# ---------------------------------------------------------------- letters already sent

def test_a_letter_already_sent_keeps_its_recipient_and_is_not_held(app, client, staff, smtp):
    token = write(client, "Carla Mena")
    ask_to_email(client, token, email=SENT_BY)
    run_worker(app)
    confirm(client, the_link(smtp, SENT_BY))
    run_worker(app)
    assert len(sent_to(smtp, OLD_EMAIL)) == 1
    before = letter_state(app, token)
    assert before["status"] == "sent"

    upload_and_apply(staff, new_member_roster())
    assert letter_state(app, token) == before
    assert held_page_sections(staff.get("/staff/letters/held")) == []
    status = text(client.get(f"/letters/{token}/status?lang=en"))
    assert "Your letter to Councilmember Rhonda Lewis." in status and "Sent by email on" in status
    preview = text(client.get(f"/letters/{token}"))
    assert "Dear Councilmember Lewis:" in preview and "Nueva Persona" not in preview
    smtp.reset()
    run_worker(app)
    assert smtp.received == []


def test_a_letter_written_before_the_change_and_emailed_after_it_does_not_go_to_the_departed_official(
        app, client, staff, smtp):
    token = write(client, "Fabio Gil")
    upload_and_apply(staff, new_member_roster())
    response = ask_to_email(client, token, email="fabio@example.org")
    assert response.status_code == 422
    assert ("The official you wrote to no longer holds this office, so this letter cannot be sent. "
            "Please write a new letter: it will go to whoever holds the office now.") in text(response)
    run_worker(app)
    assert smtp.messages_to("fabio@example.org") == []  # no confirmation to follow
    assert sent_to(smtp, OLD_EMAIL) == []


# ---------------------------------------------------------------- an office nobody holds

def remove_district_2(app):
    """The roster without district 2's councilmember. An upload is refused without it (every district
    needs a member), so this uses the domain function, as a vacancy would."""
    with app.app_context():
        rows = [row for row in roster_rows() if (row["office"], row["district"]) != ("councilmember", "2")]
        apply_roster(rows, author="someone@campaign.test", action="upload")


@pytest.mark.parametrize("lang, nobody, refused", [
    ("en", "Nobody holds the office in the roster now.",
     "Nobody holds that office in the roster now. Add the new official first, then re-address."),
    ("es", "Ahora nadie ocupa el cargo en la lista.",
     "Ahora nadie ocupa ese cargo en la lista. Primero agregue a la nueva persona en el cargo y luego redirija "
     "la carta."),
])
def test_a_vacant_office_holds_the_letters_and_readdress_is_refused_until_someone_holds_it(
        app, staff, smtp, letters, lang, nobody, refused):
    remove_district_2(app)
    assert letter_state(app, letters["queued"])["status"] == "held"
    assert letter_state(app, letters["awaiting"])["status"] == "held"

    staff.get(f"/staff/?lang={lang}")
    sections = held_page_sections(staff.get("/staff/letters/held"))
    assert len(sections) == 2 and all(nobody in section for section in sections)

    response = press(staff, "readdress", letters["queued"])
    assert response.status_code == 409
    assert refused in text(response)
    assert len(held_page_sections(response)) == 2  # the list is shown again
    assert letter_state(app, letters["queued"])["status"] == "held"
    run_worker(app)
    assert smtp.received == []

    # Once the new member is in the roster, the same button works.
    with app.app_context():
        apply_roster(parse_roster(new_member_roster()))
    assert press(staff, "readdress", letters["queued"]).status_code == 302
    run_worker(app)
    assert len(sent_to(smtp, NEW_EMAIL)) == 1 and sent_to(smtp, OLD_EMAIL) == []


# ---------------------------------------------------------------- the supporter's link while held

def test_the_confirmation_link_of_a_held_letter_does_not_claim_it_was_confirmed(app, client, staff, letters):
    upload_and_apply(staff, new_member_roster())
    link = letters["awaiting_link"]
    page = client.get(link)
    pressed = client.post(link, data={"csrf_token": csrf_token(client.get("/write").get_data(as_text=True))})
    assert letter_state(app, letters["awaiting"])["status"] == "held"
    for response in (page, pressed):
        assert "your letter is confirmed" not in text(response)
        assert "On hold" in text(response)


# ---------------------------------------------------------------- who may press the buttons

@pytest.mark.parametrize("action", ["readdress", "cancel"])
def test_only_staff_can_readdress_or_cancel_a_held_letter(app, runner, staff, smtp, letters, action):
    upload_and_apply(staff, new_member_roster())
    anonymous = app.test_client()
    token = csrf_token(anonymous.get("/staff/login").get_data(as_text=True))
    response = anonymous.post(f"/staff/letters/{letters['queued']}/{action}", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login")

    assert add_user(runner, CANVASSER, "canvasser").exit_code == 0
    canvasser = app.test_client()
    sign_in(canvasser, CANVASSER)
    token = csrf_token(canvasser.get("/staff/login").get_data(as_text=True))
    assert canvasser.post(f"/staff/letters/{letters['queued']}/{action}",
                          data={"csrf_token": token}).status_code == 403

    assert staff.post(f"/staff/letters/{letters['queued']}/{action}").status_code == 400  # no CSRF token
    assert letter_state(app, letters["queued"])["status"] == "held"
    run_worker(app)
    assert smtp.received == []


def test_readdressing_to_an_official_without_email_neither_queues_it_nor_stops_the_worker(app, client, staff,
                                                                                          smtp, letters):
    upload_and_apply(staff, new_member_roster(email=""))  # district 2: printed letters only
    assert press(staff, "readdress", letters["queued"]).status_code == 409
    # Then another supporter confirms a letter to district 4 (with the link their email will carry).
    other = letter_token(submit_letter(client, name="Gema Rey"))
    ask_to_email(client, other, email="gema@example.org")
    confirm(client, signed_link(app, other))

    run_worker(app)  # must not crash, and must deliver Gema's letter
    assert len(sent_to(smtp, "Jorge.Baron@kingcounty.gov")) == 1
    # Still held for the departed official, its email to them held too: nothing queued, nothing sent.
    assert letter_state(app, letters["queued"]) == {
        "status": "held", "recipient": ("Rhonda Lewis", OLD_EMAIL),
        "outbox": [("confirmation", "sent"), ("to_official", "held")]}
    assert sent_to(smtp, OLD_EMAIL) == []
