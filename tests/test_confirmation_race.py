"""Two confirmations from one inbox at the same moment cannot both pass the one-letter-per-official-per-day
limit (with letters to the whole council, each pass would be nine emails). Another transaction confirms a
letter from the same inbox to the same official and holds its commit; the confirmation pressed meanwhile waits
for it, then counts it, and is refused. On SQLite the other transaction holds the write lock, on PostgreSQL
the inbox's advisory lock (as a confirmation does)."""

import threading
import time

from actiontool.mail.confirmation import inbox_lock_key
from actiontool.models import Letter, db, utcnow
from tests.helpers import ask_to_email, confirmation_link, csrf_token, letter_token, run_worker, submit_letter

EMAIL = "jose@example.org"


def test_a_confirmation_waits_for_one_in_progress_from_the_same_inbox_and_then_counts_it(app, client, smtp):
    earlier = letter_token(submit_letter(client))
    ask_to_email(client, earlier, email=EMAIL)
    token = letter_token(submit_letter(client))
    ask_to_email(client, token, email=EMAIL)
    run_worker(app)
    link = confirmation_link(smtp.messages_to(EMAIL)[-1])  # the later letter's
    page = client.get(link).get_data(as_text=True)

    answers = []
    pressed = threading.Thread(target=lambda: answers.append(
        client.post(link, data={"csrf_token": csrf_token(page)}).status_code))
    with app.app_context():
        other = db.engine.connect()
        try:
            if db.engine.dialect.name == "postgresql":
                other.execute(db.text("SELECT pg_advisory_xact_lock(:key)"), {"key": inbox_lock_key(EMAIL)})
            else:
                other.exec_driver_sql("BEGIN IMMEDIATE")
            # The other confirmation, not committed yet: the earlier letter confirmed to the same official.
            other.execute(db.update(Letter).where(Letter.token == earlier).values(status="queued",
                                                                                  confirmed_at=utcnow()))
            pressed.start()
            time.sleep(0.6)
            waited = answers == []
            other.commit()
        finally:
            other.close()
        pressed.join(timeout=15)
    assert waited, f"the confirmation must wait for the one in progress, it answered {answers}"
    assert answers == [429], "one letter to an official a day: the second confirmation is refused"
    with app.app_context():
        assert db.session.scalar(db.select(Letter.status).where(Letter.token == token)) == "awaiting_confirmation"
