"""Failed deliveries: listed for staff with the mail server's answer; sent again or cancelled."""

from actiontool.models import Letter, Official, db
from tests.helpers import ask_to_email, confirm, confirmation_link, csrf_token, letter_token, run_worker, submit_letter

BARON = "Jorge.Baron@kingcounty.gov"


def refused_letter(app, client, smtp):
    token = letter_token(submit_letter(client))
    ask_to_email(client, token, email="jose@example.org")
    run_worker(app)
    confirm(client, confirmation_link(smtp.messages_to("jose@example.org")[0]))
    smtp.handler.refuse[BARON.lower()] = "550 5.1.1 No such user"
    run_worker(app)
    return token


def press(staff, action, token):
    page = staff.get("/staff/letters/failed")
    return staff.post(f"/staff/letters/{token}/{action}" + ("?back=failed" if action == "cancel" else ""),
                      data={"csrf_token": csrf_token(page.get_data(as_text=True))})


def status_of(app, token):
    with app.app_context():
        return db.session.scalar(db.select(Letter.status).where(Letter.token == token))


def test_failed_letter_is_listed_with_the_servers_answer_in_both_languages(app, client, staff, smtp):
    refused_letter(app, client, smtp)
    page = staff.get("/staff/letters/failed").get_data(as_text=True)
    assert "mail server refused the email." in page
    assert "550 5.1.1 No such user" in page
    staff.get("/?lang=es")
    assert "Entregas fallidas" in staff.get("/staff/letters/failed").get_data(as_text=True)


def test_send_again_uses_the_corrected_roster_email_of_the_same_official(app, client, staff, smtp):
    token = refused_letter(app, client, smtp)
    with app.app_context():
        official = db.session.scalar(db.select(Official).where(Official.district == "4"))
        official.email = "Jorge.Baron2@kingcounty.gov"
        db.session.commit()
    assert press(staff, "retry", token).status_code == 302
    assert status_of(app, token) == "queued"
    run_worker(app)
    assert len(smtp.messages_to("Jorge.Baron2@kingcounty.gov")) == 1
    assert status_of(app, token) == "sent"


def test_a_letter_is_never_sent_again_to_someone_else(app, client, staff, smtp):
    token = refused_letter(app, client, smtp)
    with app.app_context():
        official = db.session.scalar(db.select(Official).where(Official.district == "4"))
        official.name, official.email = "Otra Persona", "Otra.Persona@kingcounty.gov"
        db.session.commit()
    response = press(staff, "retry", token)
    assert response.status_code == 409
    assert "cannot be sent again" in response.get_data(as_text=True)
    assert status_of(app, token) == "failed"


def test_cancel_a_failed_letter(app, client, staff, smtp):
    token = refused_letter(app, client, smtp)
    assert press(staff, "cancel", token).headers["Location"] == "/staff/letters/failed"
    assert status_of(app, token) == "cancelled"
    assert "No deliveries failed." in staff.get("/staff/letters/failed").get_data(as_text=True)
