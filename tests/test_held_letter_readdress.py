"""Re-addressing a held letter to a successor who has no email address is refused: the letter stays held."""

from actiontool.models import Letter, OutboxMessage, db
from actiontool.roster import apply_roster, parse_roster
from tests.helpers import (
    ROSTER,
    ask_to_email,
    confirm,
    confirmation_link,
    csrf_token,
    letter_token,
    replace_field,
    run_worker,
    submit_letter,
    text,
)

NO_EMAIL = ("The new official has no email address in the roster, so this letter cannot be emailed. "
            "Add their email first, or cancel the letter.")


def letter_state(app, token):
    with app.app_context():
        letter = db.session.scalar(db.select(Letter).where(Letter.token == token))
        rows = db.session.execute(db.select(OutboxMessage.kind, OutboxMessage.status)
                                  .where(OutboxMessage.letter_id == letter.id).order_by(OutboxMessage.id)).all()
        return letter.status, letter.recipient["name"], [tuple(row) for row in rows]


def test_readdressing_to_a_successor_without_email_is_refused_and_the_letter_stays_held(app, client, staff, smtp):
    token = letter_token(submit_letter(client, district="2"))
    ask_to_email(client, token, email="ana@example.org")
    run_worker(app)
    confirm(client, confirmation_link(smtp.messages_to("ana@example.org")[0]))
    # District 2 gets a new member who takes printed letters only (line 3 of the roster is district 2).
    with app.app_context():
        apply_roster(parse_roster(replace_field(replace_field(ROSTER, 3, "name", "Nueva Persona"), 3, "email", "")))
    held = ("held", "Rhonda Lewis", [("confirmation", "sent"), ("to_official", "held")])
    assert letter_state(app, token) == held

    page = staff.get("/staff/letters/held")
    response = staff.post(f"/staff/letters/{token}/readdress",
                          data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 409
    assert NO_EMAIL in text(response)
    assert letter_state(app, token) == held
    smtp.reset()
    run_worker(app)
    assert smtp.received == []
