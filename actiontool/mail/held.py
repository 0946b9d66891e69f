"""Letters staff must decide on: held (their official changed) and failed (the official's server refused them)."""

from actiontool.letters.store import letter_dict
from actiontool.mail import outbox
from actiontool.models import Letter, LetterStatus, OutboxMessage, db, utcnow
from actiontool.officials import holder_of, recipient_snapshot, same_person


def held_letters():
    """Letters held because their official changed, oldest first, as plain dicts."""
    letters = db.session.scalars(db.select(Letter).where(Letter.status == LetterStatus.HELD)
                                 .order_by(Letter.created_at)).all()
    return [dict(letter_dict(letter), successor=_successor_name(letter)) for letter in letters]


def _successor_name(letter):
    successor = holder_of(letter.recipient)
    return successor.name if successor else None


# Outcomes of readdress().
READDRESSED, NOT_HELD, VACANT, NO_EMAIL = "readdressed", "not_held", "vacant", "no_email"


def readdress(token):
    """Send a held letter to whoever now holds its office.

    Returns READDRESSED; NOT_HELD (unknown token, or no longer held); VACANT
    (nobody holds the office); or NO_EMAIL (the successor takes printed letters only).
    """
    letter = db.session.scalar(db.select(Letter).where(Letter.token == token,
                                                       Letter.status == LetterStatus.HELD))
    if letter is None:
        return NOT_HELD
    successor = holder_of(letter.recipient)
    if successor is None:
        return VACANT
    if not successor.email:
        return NO_EMAIL
    letter.official_id, letter.recipient = successor.id, recipient_snapshot(successor)
    letter.status = LetterStatus.QUEUED if letter.confirmed_at else LetterStatus.AWAITING_CONFIRMATION
    for message in db.session.scalars(db.select(OutboxMessage).where(
            OutboxMessage.letter_id == letter.id, OutboxMessage.status == OutboxMessage.HELD)):
        message.status, message.next_attempt_at = OutboxMessage.PENDING, utcnow()
    db.session.commit()
    return READDRESSED


def failed_letters():
    """Letters whose delivery failed, newest first, with the mail server's last answer."""
    letters = db.session.scalars(db.select(Letter).where(Letter.status == LetterStatus.FAILED)
                                 .order_by(Letter.created_at.desc())).all()
    result = []
    for letter in letters:
        last = db.session.scalar(db.select(OutboxMessage).where(
            OutboxMessage.letter_id == letter.id, OutboxMessage.status == OutboxMessage.FAILED)
            .order_by(OutboxMessage.id.desc()).limit(1))
        result.append(dict(letter_dict(letter), error=last.last_error if last else ""))
    return result


def retry(token):
    """Queue a letter the official's server refused once more (after staff fixed what was wrong).

    If the same person still holds the office, the roster's current email is used (a corrected
    address); a letter is never retried to someone else.
    """
    letter = db.session.scalar(db.select(Letter).where(
        Letter.token == token, Letter.status == LetterStatus.FAILED, Letter.failure_reason == "refused"))
    if letter is None:
        return False
    current = holder_of(letter.recipient)
    if not same_person(letter.recipient, current) or not current.email:
        return False
    letter.official_id, letter.recipient = current.id, recipient_snapshot(current)
    message = db.session.scalar(db.select(OutboxMessage).where(
        OutboxMessage.letter_id == letter.id, OutboxMessage.kind == outbox.TO_OFFICIAL))
    now = utcnow()
    message.status, message.attempts, message.last_error = OutboxMessage.PENDING, 0, ""
    message.next_attempt_at = message.created_at = now
    letter.status, letter.failure_reason = LetterStatus.QUEUED, ""
    db.session.commit()
    return True


def cancel(token):
    """Cancel a held or failed letter: it will not be sent (the supporter can still print it)."""
    letter = db.session.scalar(db.select(Letter).where(
        Letter.token == token, Letter.status.in_([LetterStatus.HELD, LetterStatus.FAILED])))
    if letter is None:
        return False
    letter.status = LetterStatus.CANCELLED
    for message in db.session.scalars(db.select(OutboxMessage).where(
            OutboxMessage.letter_id == letter.id, OutboxMessage.status == OutboxMessage.HELD)):
        message.status, message.last_error = OutboxMessage.FAILED, "cancelled by staff"
    db.session.commit()
    return True


def hold_letters(official):
    """Hold the letters to `official` that are not delivered yet (caller commits)."""
    waiting = (LetterStatus.AWAITING_CONFIRMATION, LetterStatus.QUEUED)
    letters = db.session.scalars(db.select(Letter).where(
        Letter.official_id == official.id, Letter.status.in_(waiting))).all()
    for letter in letters:
        letter.status = LetterStatus.HELD
        letter.official_id = None
        for message in db.session.scalars(db.select(OutboxMessage).where(
                OutboxMessage.letter_id == letter.id,
                OutboxMessage.status.in_([OutboxMessage.PENDING, OutboxMessage.SENDING]))):
            message.status = OutboxMessage.HELD
    # Letters already delivered keep their snapshot; they no longer point at this office's row.
    db.session.execute(db.update(Letter).where(Letter.official_id == official.id,
                                               Letter.status.not_in(waiting))
                       .values(official_id=None))
    return len(letters)
