"""Emailing a letter: the supporter asks, confirms by a signed link, and the letter is queued.

Each step changes the letter and writes the outbox row it needs in one
transaction. Limits against abuse live here too: confirmation emails per
address per hour, and letters per address per official per day. A public
comment or a meeting reminder asked for with the letter goes only once the
letter is confirmed (meetings.comments decides when).
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired

from actiontool.letters.store import group_of
from actiontool.mail import outbox
from actiontool.mail.links import serializer
from actiontool.meetings import comments
from actiontool.models import Letter, LetterStatus, OutboxMessage, db, utcnow
from actiontool.officials import same_official

# Outcomes the pages turn into messages.
OK = "ok"
EXPIRED = "expired"
INVALID = "invalid"
ALREADY = "already"
NO_EMAIL_FOR_OFFICIAL = "no_email_for_official"
TOO_MANY_EMAILS = "too_many_emails"
DAILY_LIMIT = "daily_limit"
NOT_FOUND = "not_found"
OFFICIAL_CHANGED = "official_changed"
MEETING_CLOSED = comments.MEETING_CLOSED
NO_SUCH_ITEM = comments.NO_SUCH_ITEM
NOT_MOVABLE = comments.NOT_MOVABLE


@dataclass(frozen=True)
class Outcome:
    code: str
    token: str | None = None


def _move(letter, from_status, to_status, **values):
    """Change a letter's status only if it still has `from_status` (two clicks at once move it once)."""
    result = db.session.execute(
        db.update(Letter).where(Letter.id == letter.id, Letter.status == from_status)
        .values(status=to_status, **values))
    if result.rowcount != 1:
        return False  # nothing changed; the caller ends its own transaction
    db.session.refresh(letter)
    return True


def _letter(token):
    return db.session.scalar(db.select(Letter).where(Letter.token == token))


def _letter_with_status(token, status):
    """(letter, None) when the letter exists with `status`; else (None, the Outcome to give)."""
    letter = _letter(token)
    if letter is None:
        return None, Outcome(NOT_FOUND)
    if letter.status != status:
        return None, Outcome(ALREADY, token)
    return letter, None


# Mail services that ignore dots in the part before the @ (j.doe@ and jdoe@ are one inbox).
DOTS_IGNORED = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def inbox_of(email):
    """The inbox an address reaches, for the abuse limits: case, a "+tag" (and Gmail's dots) don't count,
    so victim+1@ and vic.tim@ share victim@'s limits."""
    local, _, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in DOTS_IGNORED:
        local, domain = local.replace(".", ""), DOTS_IGNORED[domain]
    return f"{local}@{domain}"


def _same_inbox(email):
    """A filter for letters whose address may reach the same inbox as `email` (narrowed by domain in SQL;
    callers compare inbox_of in Python)."""
    domain = inbox_of(email).rpartition("@")[2]
    domains = [d for d, same in DOTS_IGNORED.items() if same == domain] or [domain]
    return db.or_(*(db.func.lower(Letter.email).like(f"%@{d}") for d in domains))


def _hourly_cap_reached(email):
    """Whether this address's inbox already got its share of confirmation emails this hour."""
    since = utcnow() - dt.timedelta(hours=1)
    addresses = db.session.scalars(
        db.select(Letter.email).join(OutboxMessage).where(
            _same_inbox(email),
            OutboxMessage.kind.in_([outbox.CONFIRMATION, outbox.REMINDER]),
            OutboxMessage.created_at >= since,
        ))
    sent = sum(inbox_of(address) == inbox_of(email) for address in addresses)
    return sent >= int(current_app.config["CONFIRMATIONS_PER_HOUR"])


def _margin():
    return current_app.config["COMMENT_MARGIN_MINUTES"]


def request_email_delivery(token, email, wants_copy, opt_in, meeting=None, follow_up=False):
    """Save the supporter's email choices and queue the confirmation email. `follow_up`: ask them, two weeks
    after delivery, whether the official replied.

    `meeting`, when the supporter chose to comment or to be reminded: {"meeting_id", "choice" (an agenda
    item's id, or comments.GENERAL), "include_street", "comment", "reminder"}."""
    letter, refused = _letter_with_status(token, LetterStatus.WRITTEN)
    if refused:
        return refused
    if not letter.recipient.get("email"):
        return Outcome(NO_EMAIL_FOR_OFFICIAL, token)
    if not same_official(letter.recipient, letter.official):
        return Outcome(OFFICIAL_CHANGED, token)
    if _hourly_cap_reached(email):
        return Outcome(TOO_MANY_EMAILS, token)
    if meeting and (meeting["comment"] or meeting["reminder"]):
        problem = comments.request(letter, meeting["meeting_id"], meeting["choice"], meeting["include_street"],
                                   meeting["comment"], meeting["reminder"], utcnow(), _margin())
        if problem != comments.OK:
            db.session.rollback()
            return Outcome(problem, token)
    if not _move(letter, LetterStatus.WRITTEN, LetterStatus.AWAITING_CONFIRMATION,
                 email=email, wants_copy=wants_copy, opt_in=opt_in, follow_up=follow_up):
        db.session.rollback()
        return Outcome(ALREADY, token)
    for copy in group_of(letter)[1:]:
        # A letter to the whole council: each member's copy waits for the same confirmation (a member with
        # no email, or who has left since, keeps theirs to print).
        if copy.status == LetterStatus.WRITTEN and copy.recipient.get("email") \
                and same_official(copy.recipient, copy.official):
            _move(copy, LetterStatus.WRITTEN, LetterStatus.AWAITING_CONFIRMATION, email=email)
    outbox.enqueue(letter, outbox.CONFIRMATION)
    db.session.commit()
    return Outcome(OK, token)


def resend_confirmation(token):
    """Another confirmation email for a letter still waiting, within the hourly cap."""
    letter, refused = _letter_with_status(token, LetterStatus.AWAITING_CONFIRMATION)
    if refused:
        return refused
    if _hourly_cap_reached(letter.email):
        return Outcome(TOO_MANY_EMAILS, token)
    outbox.enqueue(letter, outbox.CONFIRMATION)
    db.session.commit()
    return Outcome(OK, token)


def inbox_lock_key(email):
    """The PostgreSQL advisory lock that serialises confirmations from one inbox (a signed 64-bit number)."""
    digest = hashlib.sha256(inbox_of(email).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _lock_inbox(letter):
    """Confirmations from one inbox, one at a time, so that two at once cannot both pass the daily limit: on
    PostgreSQL a lock on the inbox until the transaction ends; on SQLite a first write takes the database's
    write lock, and the limit's count then reads what any other confirmation committed before it."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(db.text("SELECT pg_advisory_xact_lock(:key)"), {"key": inbox_lock_key(letter.email)})
    else:
        db.session.execute(db.update(Letter).where(Letter.id == letter.id).values(status=Letter.status))


def _sent_today(letter):
    """Whether this letter's inbox already had a letter confirmed to the same official in the last day."""
    since = utcnow() - dt.timedelta(days=1)
    addresses = db.session.scalars(db.select(Letter.email).where(
        _same_inbox(letter.email),
        Letter.official_id == letter.official_id,
        Letter.confirmed_at >= since,
        Letter.id != letter.id,
    ))
    same_day = sum(inbox_of(address) == inbox_of(letter.email) for address in addresses)
    return same_day >= int(current_app.config["LETTERS_PER_OFFICIAL_PER_DAY"])


def confirm(token):
    """Confirm a letter: queue it for its official (to the whole council: each member's copy, except to a
    member this inbox already wrote to today). Confirming twice changes nothing."""
    letter, refused = _letter_with_status(token, LetterStatus.AWAITING_CONFIRMATION)
    if refused:
        return refused
    _lock_inbox(letter)
    waiting = [row for row in group_of(letter) if row.status == LetterStatus.AWAITING_CONFIRMATION]
    over_limit = {row.id for row in waiting if _sent_today(row)}
    if len(over_limit) == len(waiting):
        db.session.rollback()
        return Outcome(DAILY_LIMIT, token)
    now = utcnow()
    for row in waiting:
        if row.id in over_limit:
            moved = _move(row, LetterStatus.AWAITING_CONFIRMATION, LetterStatus.CANCELLED,
                          failure_reason="daily_limit")
        else:
            moved = _move(row, LetterStatus.AWAITING_CONFIRMATION, LetterStatus.QUEUED, confirmed_at=now)
            if moved:
                outbox.enqueue(row, outbox.TO_OFFICIAL)
        if not moved and row.id == letter.id:
            db.session.rollback()
            return Outcome(ALREADY, token)
    if letter.wants_copy and letter.id not in over_limit:
        outbox.enqueue(letter, outbox.COPY_TO_SUPPORTER)
    decision = comments.on_confirmed(letter, now, _margin())
    if decision["comment"]:
        outbox.enqueue(letter, outbox.PUBLIC_COMMENT)
    if decision["comment_late"]:
        outbox.enqueue(letter, outbox.COMMENT_NOT_SENT)
    if decision["reminder_at"]:
        outbox.enqueue(letter, outbox.MEETING_REMINDER, at=decision["reminder_at"])
    db.session.commit()
    return Outcome(OK, token)


def move_comment(token, meeting_id, choice):
    """Send a comment that missed its meeting to another one instead (already confirmed: queued at once)."""
    letter = _letter(token)
    if letter is None:
        return Outcome(NOT_FOUND)
    outcome = comments.move(letter, meeting_id, choice, utcnow(), _margin())
    if outcome != comments.OK:
        db.session.rollback()
        return Outcome(outcome, token)
    outbox.enqueue(letter, outbox.PUBLIC_COMMENT)
    db.session.commit()
    return Outcome(OK, token)


def read_confirmation_token(signed):
    """Outcome(OK, letter token) for a good link; EXPIRED (with the token, genuine but old) or INVALID."""
    signer = serializer()
    max_age = int(current_app.config["CONFIRMATION_DAYS"]) * 24 * 3600
    try:
        return Outcome(OK, signer.loads(signed, max_age=max_age))
    except SignatureExpired as error:
        return Outcome(EXPIRED, signer.load_payload(error.payload))
    except BadSignature:
        return Outcome(INVALID)
