"""The outbox: every email is a row written with the change that needs it, then delivered by
the worker (worker.py calls deliver_due), retried with backoff, and never lost.

Claiming: a worker takes a small batch of due rows in one short transaction
(`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so several workers never
take the same row), marks them `sending` with its claim token and a lease, and
commits. Just before each send it renews that row's lease, only if the row is
still its own (a slow run whose lease ran out skips rows another worker took).
Each outcome is committed on its own. A worker killed mid-send leaves its rows
`sending`; when the lease runs out another run takes them and sends them
again, with the same Message-ID.

The supporter's copy of a letter is its own row (same message, same
Message-ID, envelope to the supporter only), so retrying the official never
sends the supporter another copy.
"""

import datetime as dt
import random
import secrets

from flask import current_app
from sqlalchemy import and_, or_

from actiontool.followup import survey
from actiontool.letters.content import compose
from actiontool.letters.store import letter_dict
from actiontool.mail import emails, follow_up_email, meeting_emails
from actiontool.mail.links import follow_up_links, supporter_links
from actiontool.mail.transport import PermanentFailure, TemporaryFailure, TransportUnavailable, open_transport
from actiontool.meetings import comments
from actiontool.models import Letter, LetterStatus, OutboxMessage, db, utcnow

CONFIRMATION = "confirmation"
REMINDER = "reminder"
TO_OFFICIAL = "to_official"
COPY_TO_SUPPORTER = "copy_to_supporter"
FAILURE_NOTICE = "failure_notice"
# A letter sent on as written public comment, to its meeting's comment address; the notice that it could not
# go on time; the reminder the day before the meeting (meetings.comments decides each).
PUBLIC_COMMENT = "public_comment"
COMMENT_NOT_SENT = "comment_not_sent"
MEETING_REMINDER = "meeting_reminder"
# "Did they reply?", two weeks after the letter was delivered (followup.survey decides who is asked).
FOLLOW_UP = "follow_up"
BATCH = 20


def enqueue(letter, kind, at=None):
    """Add a message to the outbox, due now or `at`, in the caller's transaction (the caller commits)."""
    message = OutboxMessage(letter=letter, kind=kind, next_attempt_at=at or utcnow())
    db.session.add(message)
    return message


def retry_delay(attempts, base, cap, rng=random):
    """Seconds before retry number `attempts` (1, 2, ...): exponential, capped, with jitter."""
    return min(cap, base * 2 ** (attempts - 1)) * rng.uniform(0.5, 1.0)


def settings(config):
    mail_from = config["MAIL_FROM"]
    return {
        "secret": config["SECRET_KEY"],
        "mail_from": mail_from,
        "domain": mail_from.rpartition("@")[2] or "localhost",
        "campaign": config["CAMPAIGN_NAME"],
        "confirmation_days": int(config["CONFIRMATION_DAYS"]),
        "comment_margin": int(config["COMMENT_MARGIN_MINUTES"]),
    }


def build(row, config):
    """(message, envelope sender, envelope recipients) for an outbox row."""
    letter = letter_dict(row.letter)
    letter_html = compose(letter)
    when = dt.datetime.now(dt.timezone.utc)
    mail = settings(config)
    if row.kind in (TO_OFFICIAL, COPY_TO_SUPPORTER):
        message = emails.to_official(letter, letter_html, mail, when)
        envelope = letter["recipient"]["email"] if row.kind == TO_OFFICIAL else letter["email"]
        return message, config["MAIL_FROM"], [envelope]
    if row.kind in (PUBLIC_COMMENT, COMMENT_NOT_SENT, MEETING_REMINDER):
        return _build_meeting_message(row, letter, mail, when, config)
    if row.kind == FOLLOW_UP:
        links = follow_up_links(letter, survey.follow_up_key(row.letter_id))
        message = follow_up_email.follow_up(letter, links, mail, when,
                                            closes=when + dt.timedelta(days=int(config["FOLLOW_UP_ANSWER_DAYS"])))
        return message, config["MAIL_FROM"], [letter["email"]]
    confirming = row.kind in (CONFIRMATION, REMINDER)
    links = supporter_links(letter, confirm=confirming)
    comment = comments.comment_values(row.letter_id)["comment"] if confirming else None
    message = emails.to_supporter(row.kind, letter, letter_html, links, mail, when, serial=row.id, comment=comment)
    return message, config["MAIL_FROM"], [letter["email"]]


def _build_meeting_message(row, letter, mail, when, config):
    values = comments.comment_values(row.letter_id)
    if row.kind == PUBLIC_COMMENT:
        comment = values["comment"]
        letter_html = compose(comments.comment_letter(letter, comment["include_street"]))
        message = meeting_emails.public_comment(letter, comment, letter_html, mail, when)
        return message, config["MAIL_FROM"], [comment["meeting"]["comment_email"]]
    about = values["comment"] if row.kind == COMMENT_NOT_SENT else values["reminder"]
    message = meeting_emails.to_supporter(row.kind, letter, about, supporter_links(letter), mail, when)
    return message, config["MAIL_FROM"], [letter["email"]]


def _still_due(row, config):
    """Whether a message must still go now: a public comment only before its deadline, a meeting reminder
    only before the meeting. A comment past its deadline is never sent: the supporter is told instead."""
    if row.kind == PUBLIC_COMMENT:
        found = comments.still_on_time(row.letter_id, utcnow(), config["COMMENT_MARGIN_MINUTES"])
        if found == comments.ON_TIME:
            return True
        row.status, row.claimed_until, row.finished_at = OutboxMessage.SKIPPED, None, utcnow()
        row.last_error = "missed the comment deadline" if found == comments.MISSED else "nothing to send"
        if found == comments.MISSED:
            enqueue(row.letter, COMMENT_NOT_SENT)
        return False
    if row.kind == MEETING_REMINDER and not comments.reminder_still_due(row.letter_id, utcnow()):
        row.status, row.claimed_until, row.last_error = OutboxMessage.SKIPPED, None, "the meeting has started"
        row.finished_at = utcnow()
        return False
    if row.kind == FOLLOW_UP and not survey.still_due(row.letter_id):
        # The letter's details were removed (retention), or the question is no longer waiting.
        survey.skipped(row.letter_id)
        row.status, row.claimed_until, row.last_error = OutboxMessage.SKIPPED, None, "no longer asked"
        row.finished_at = utcnow()
        return False
    return True


def _claim(limit, lease_seconds, token):
    now = utcnow()
    due = or_(
        and_(OutboxMessage.status == OutboxMessage.PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == OutboxMessage.SENDING, OutboxMessage.claimed_until < now),
    )
    rows = db.session.scalars(
        db.select(OutboxMessage).where(due)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit).with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        row.status, row.claim_token = OutboxMessage.SENDING, token
        row.claimed_until = now + dt.timedelta(seconds=lease_seconds)
    db.session.commit()
    return [row.id for row in rows]


def _still_mine(row_id, lease_seconds, token):
    """Renew the lease of a row this run claimed (the caller commits); False if another worker
    has taken it since."""
    table = OutboxMessage.__table__
    renewed = db.session.execute(
        table.update()
        .where(table.c.id == row_id, table.c.claim_token == token, table.c.status == OutboxMessage.SENDING)
        .values(claimed_until=utcnow() + dt.timedelta(seconds=lease_seconds)))
    return renewed.rowcount == 1


def _sent(row, config):
    now = utcnow()
    row.status, row.sent_at, row.claimed_until, row.last_error = OutboxMessage.SENT, now, None, ""
    row.finished_at = now
    letter = row.letter
    if row.kind == CONFIRMATION:
        letter.confirmation_sent_at = now
    elif row.kind == TO_OFFICIAL and letter.status != LetterStatus.SENT:
        letter.status, letter.sent_at = LetterStatus.SENT, now
        due = survey.schedule(letter, now, int(config["FOLLOW_UP_AFTER_DAYS"]))
        if due is not None:
            enqueue(letter, FOLLOW_UP, at=due)
    elif row.kind == PUBLIC_COMMENT:
        comments.sent(row.letter_id, now)
    elif row.kind == MEETING_REMINDER:
        comments.reminder_sent(row.letter_id)
    elif row.kind == FOLLOW_UP:
        survey.sent(row.letter_id, now)


def _failed(row, reason):
    row.status, row.claimed_until, row.last_error = OutboxMessage.FAILED, None, reason[:300]
    row.finished_at = utcnow()
    letter = row.letter
    if row.kind == TO_OFFICIAL:
        letter.status, letter.failure_reason = LetterStatus.FAILED, "refused"
        enqueue(letter, FAILURE_NOTICE)
    elif row.kind in (CONFIRMATION, REMINDER) and letter.status == LetterStatus.AWAITING_CONFIRMATION:
        letter.status, letter.failure_reason = LetterStatus.FAILED, "supporter_unreachable"
    elif row.kind == PUBLIC_COMMENT:
        comments.failed(row.letter_id)
        enqueue(letter, COMMENT_NOT_SENT)
    elif row.kind == MEETING_REMINDER:
        comments.reminder_skipped(row.letter_id)
    elif row.kind == FOLLOW_UP:
        survey.skipped(row.letter_id)


def _retry_later(row, reason, config):
    row.attempts += 1
    give_up_at = row.created_at + dt.timedelta(hours=float(config["MAIL_GIVE_UP_HOURS"]))
    if utcnow() >= give_up_at:
        _failed(row, f"gave up after {config['MAIL_GIVE_UP_HOURS']} hours: {reason}")
        return
    delay = retry_delay(row.attempts, float(config["MAIL_RETRY_BASE_SECONDS"]),
                        float(config["MAIL_RETRY_MAX_SECONDS"]))
    row.status, row.claimed_until, row.last_error = OutboxMessage.PENDING, None, reason[:300]
    row.next_attempt_at = utcnow() + dt.timedelta(seconds=delay)


def _deliver_one(row, transport, config):
    if not _still_due(row, config):
        return "skipped"
    try:
        message, sender, recipients = build(row, config)
    except Exception as error:  # one bad row must never stop the others
        current_app.logger.exception("outbox row %s could not be composed", row.id)
        _failed(row, f"could not compose the message: {error.__class__.__name__}")
        return "failed"
    try:
        transport.send(message, sender, recipients)
    except PermanentFailure as error:
        _failed(row, str(error))
        return "failed"
    except TransportUnavailable:
        raise
    except TemporaryFailure as error:
        _retry_later(row, str(error), config)
        return "retry"
    _sent(row, config)
    return "sent"


def queue_reminders(config):
    """One reminder for letters still unconfirmed a day after the confirmation was sent."""
    cutoff = utcnow() - dt.timedelta(hours=float(config["REMINDER_AFTER_HOURS"]))
    letters = db.session.scalars(db.select(Letter).where(
        Letter.status == LetterStatus.AWAITING_CONFIRMATION,
        Letter.confirmation_sent_at < cutoff,
        Letter.reminder_sent_at.is_(None),
    )).all()
    for letter in letters:
        letter.reminder_sent_at = utcnow()
        enqueue(letter, REMINDER)
    db.session.commit()
    return len(letters)


def deliver_due(config):
    """Send every message that is due, over one connection; return counts by outcome."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0, "reminders": queue_reminders(config)}
    transport = open_transport(config["MAIL_URL"], timeout=float(config["MAIL_TIMEOUT"]))
    lease, token = float(config["MAIL_LEASE_SECONDS"]), secrets.token_hex(16)
    try:
        while ids := _claim(BATCH, lease, token):
            mine = True  # the first row was claimed a moment ago
            for position, row_id in enumerate(ids):
                if mine:
                    row = db.session.get(OutboxMessage, row_id)
                    try:
                        outcome = _deliver_one(row, transport, config)
                    except TransportUnavailable as error:
                        # The server is down: the messages claimed in this batch wait and retry.
                        for waiting in [row] + [db.session.get(OutboxMessage, i) for i in ids[position + 1:]]:
                            _retry_later(waiting, str(error), config)
                        db.session.commit()
                        current_app.logger.warning("mail server unavailable: %s", error)
                        counts["retry"] += len(ids) - position
                        return counts
                    counts[outcome] += 1
                # Renew the next row's lease in the same commit as this outcome: one commit a message.
                following = ids[position + 1] if position + 1 < len(ids) else None
                mine = _still_mine(following, lease, token) if following else True
                db.session.commit()
    finally:
        transport.close()
    return counts
