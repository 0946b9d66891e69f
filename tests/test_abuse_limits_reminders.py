"""A reminder is an email to the supporter's inbox too: it counts toward the hourly cap on confirmation emails."""

import datetime as dt

from actiontool.models import Letter, OutboxMessage, db, utcnow
from tests.helpers import ask_to_email, letter_token, run_worker, submit_letter, text

EMAIL = "jose@example.org"
HOURLY_CAP = ("We have sent several emails to this address in the last hour. Please check your inbox (and spam "
              "folder), or try again in an hour.")


def outbox_kinds(app, token):
    with app.app_context():
        letter = db.session.scalar(db.select(Letter).where(Letter.token == token))
        return [row.kind for row in db.session.scalars(db.select(OutboxMessage)
                                                       .where(OutboxMessage.letter_id == letter.id)
                                                       .order_by(OutboxMessage.id))]


def test_a_reminder_sent_this_hour_counts_toward_the_hourly_cap(app, client, smtp):
    assert app.config["CONFIRMATIONS_PER_HOUR"] == 3
    tokens = [letter_token(submit_letter(client, district=d)) for d in "1234"]

    # The first letter's confirmation went out a day ago, unanswered: the worker sends a reminder now.
    assert ask_to_email(client, tokens[0], email=EMAIL).status_code == 200
    run_worker(app)
    with app.app_context():
        letter = db.session.scalar(db.select(Letter).where(Letter.token == tokens[0]))
        letter.confirmation_sent_at = utcnow() - dt.timedelta(hours=25)
        for row in db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.letter_id == letter.id)):
            row.created_at = utcnow() - dt.timedelta(hours=25)
        db.session.commit()
    run_worker(app)
    assert outbox_kinds(app, tokens[0]) == ["confirmation", "reminder"]
    assert len(smtp.messages_to(EMAIL)) == 2

    # This hour: the reminder and two confirmations make three emails; a fourth is refused.
    for token in tokens[1:3]:
        assert ask_to_email(client, token, email=EMAIL).status_code == 200
    refused = ask_to_email(client, tokens[3], email=EMAIL)
    assert refused.status_code == 422
    assert HOURLY_CAP in text(refused)
    assert outbox_kinds(app, tokens[3]) == []
