"""Did they reply? One question, once, two weeks after a letter is delivered.

A supporter who said yes (the send form's box, on by default; at an event, the signer's agreement) gets one
email FOLLOW_UP_AFTER_DAYS after the official's mail server accepted the letter. Its four answers are links
that work without signing in: each opens a page with the answer chosen and one button (mail scanners follow
links, so a GET changes nothing). An answer is recorded once. After a reply ("personal" or "form"), one more
press may say how many days it took. FOLLOW_UP_ANSWER_DAYS after the email, the links close and nothing
more is asked.

The answer is kept only as a count (models.ReplyTally: the official, the letter's language and channel, the
answer, the days), never beside the supporter: the FollowUp row remembers only that the question was
answered, and which count to add the days to, until the days are given or the window closes. Retention is
not extended by any of this: a letter's details are removed on time, and a question still to send for a
removed letter is skipped.

Links carry a signed, salted token naming the FollowUp (itsdangerous): a changed or cut token names nothing.
"""

import datetime as dt

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from actiontool.models import FollowUp, Letter, ReplyTally, db

SALT = "follow-up"
PERSONAL, FORM, NO_REPLY, UNKNOWN = ReplyTally.PERSONAL, ReplyTally.FORM, ReplyTally.NO_REPLY, ReplyTally.UNKNOWN
ANSWERS, REPLIED, DAYS = ReplyTally.ANSWERS, ReplyTally.REPLIED, ReplyTally.DAYS

# Outcomes the pages turn into messages.
OK = "ok"
INVALID = "invalid"
CLOSED = "closed"
ALREADY = "already"
NOT_ASKED = "not_asked"


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def link_token(follow_up_id):
    """The signed token in a follow-up's links."""
    return _serializer().dumps(follow_up_id)


def _read(signed):
    """The FollowUp a link names, or None when the token was changed, cut or names nothing."""
    try:
        follow_up_id = _serializer().loads(signed)
    except BadSignature:
        return None
    if not isinstance(follow_up_id, int) or isinstance(follow_up_id, bool):
        return None
    return db.session.get(FollowUp, follow_up_id)


def wanted(letter):
    """Whether a delivered letter gets the question: asked for, with an address to ask, and the supporter's
    own letter (of a letter to the whole council, the question is about their own member)."""
    return bool(letter.follow_up and letter.email and letter.purged_at is None
                and (letter.group_id is None or letter.group_id == letter.id))


def schedule(letter, now, after_days):
    """The question for `letter`, just delivered, due `after_days` later (added to the caller's transaction);
    the FollowUp, or None when the letter does not get one or already has one."""
    if not wanted(letter) or db.session.scalar(db.select(FollowUp.id).where(FollowUp.letter_id == letter.id)):
        return None
    follow_up = FollowUp(letter_id=letter.id, due_at=now + dt.timedelta(days=after_days))
    db.session.add(follow_up)
    return follow_up


def still_due(letter_id):
    """Whether the question for this letter must still be sent: waiting, and the letter's details kept."""
    follow_up = db.session.scalar(db.select(FollowUp).where(FollowUp.letter_id == letter_id))
    if follow_up is None or follow_up.status != FollowUp.WAITING:
        return False
    letter = db.session.get(Letter, letter_id)
    return letter.purged_at is None and bool(letter.email)


def skipped(letter_id):
    db.session.execute(db.update(FollowUp).where(FollowUp.letter_id == letter_id, FollowUp.status == FollowUp.WAITING)
                       .values(status=FollowUp.SKIPPED))


def sent(letter_id, now):
    db.session.execute(db.update(FollowUp).where(FollowUp.letter_id == letter_id, FollowUp.status == FollowUp.WAITING)
                       .values(status=FollowUp.SENT, sent_at=now))


def follow_up_of(letter_id):
    """The FollowUp id of a letter, or None."""
    return db.session.scalar(db.select(FollowUp.id).where(FollowUp.letter_id == letter_id))


def _closes_at(follow_up, answer_days):
    return follow_up.sent_at + dt.timedelta(days=answer_days)


def question(signed, now, answer_days):
    """What an answer page shows for a link, as plain values: {"code", "official", "can_add_days", "closes_at"}.
    `code` is OK (the question is open), ALREADY (answered), CLOSED, or INVALID."""
    follow_up = _read(signed)
    if follow_up is None or follow_up.status in (FollowUp.WAITING, FollowUp.SKIPPED):
        return {"code": INVALID}
    letter = follow_up.letter
    values = {"official": letter.recipient, "closes_at": _closes_at(follow_up, answer_days),
              "can_add_days": False}
    if now >= values["closes_at"]:
        return dict(values, code=CLOSED)
    if follow_up.status == FollowUp.ANSWERED:
        tally = db.session.get(ReplyTally, follow_up.tally_id) if follow_up.tally_id else None
        return dict(values, code=ALREADY, can_add_days=bool(tally and tally.answer in REPLIED and tally.days is None))
    return dict(values, code=OK)


def record_answer(signed, answer, now, answer_days):
    """Count one answer to the question a link names, once. Returns an outcome code."""
    if answer not in ANSWERS:
        return INVALID
    found = question(signed, now, answer_days)
    if found["code"] != OK:
        return found["code"]
    follow_up = _read(signed)
    letter = follow_up.letter
    # Only one press counts, even two at once: the row moves from SENT to ANSWERED once.
    moved = db.session.execute(db.update(FollowUp).where(FollowUp.id == follow_up.id,
                                                         FollowUp.status == FollowUp.SENT)
                               .values(status=FollowUp.ANSWERED, answered_at=now))
    if moved.rowcount != 1:
        db.session.rollback()
        return ALREADY
    tally = ReplyTally(official_id=letter.official_id, office=letter.recipient["office"],
                       district=letter.recipient.get("district") or "", official_name=letter.recipient["name"],
                       language=letter.language, channel="event" if letter.event_id else "email", answer=answer)
    db.session.add(tally)
    db.session.flush()
    # Kept only so that the days can be added to this count; forgotten once they are, or for other answers.
    if answer in REPLIED:
        db.session.execute(db.update(FollowUp).where(FollowUp.id == follow_up.id).values(tally_id=tally.id))
    db.session.commit()
    return OK


def record_days(signed, days, now, answer_days):
    """Add how many days the reply took to the count an answer made, once. Returns an outcome code."""
    if days not in DAYS:
        return INVALID
    found = question(signed, now, answer_days)
    if found["code"] != ALREADY:
        return found["code"] if found["code"] != OK else NOT_ASKED
    if not found["can_add_days"]:
        return NOT_ASKED
    follow_up = _read(signed)
    added = db.session.execute(db.update(ReplyTally).where(ReplyTally.id == follow_up.tally_id,
                                                           ReplyTally.days.is_(None)).values(days=days))
    db.session.execute(db.update(FollowUp).where(FollowUp.id == follow_up.id).values(tally_id=None))
    if added.rowcount != 1:
        db.session.rollback()
        return NOT_ASKED
    db.session.commit()
    return OK


def forget(now, answer_days):
    """For retention: delete the follow-ups whose letters' details were removed and whose question is over
    (skipped, never sent, or its window closed). Returns how many."""
    purged = db.select(Letter.id).where(Letter.purged_at.is_not(None))
    over = db.or_(FollowUp.status.in_([FollowUp.SKIPPED, FollowUp.WAITING]),
                  FollowUp.sent_at < now - dt.timedelta(days=answer_days))
    result = db.session.execute(db.delete(FollowUp).where(FollowUp.letter_id.in_(purged), over))
    return result.rowcount
