"""Did they reply? One question, once, two weeks after a letter is delivered.

A supporter who said yes (the send form's box, on by default; at an event, the signer's agreement) gets one
email FOLLOW_UP_AFTER_DAYS after the official's mail server accepted the letter. Its four answers are links
that work without signing in: each opens a page with the answer chosen and one button (mail scanners follow
links, so a GET changes nothing). After a reply ("personal" or "form"), one more click on the same page may
say how many days it took. An answer is recorded once. FOLLOW_UP_ANSWER_DAYS after the email, the links
close and nothing more is asked.

The answer is kept only as a count (models.ReplyTally: the official, the letter's language and channel, the
answer, the days), never beside the supporter: the FollowUp row remembers only that the question was
answered, not what or when, and the count has nothing pointing back. Retention is not extended by any of
this: a letter's details are removed on time, and a question still to send for a removed letter is skipped.

Links carry a signed, salted token naming the FollowUp's random key (itsdangerous): a changed or cut token
names nothing, and an old link can never name a later question.
"""

import datetime as dt
import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from actiontool.models import FollowUp, Letter, ReplyTally, db

SALT = "follow-up"
ANSWERS, REPLIED, DAYS = ReplyTally.ANSWERS, ReplyTally.REPLIED, ReplyTally.DAYS

# Outcomes the pages turn into messages.
OK = "ok"
INVALID = "invalid"
CLOSED = "closed"
ALREADY = "already"


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def link_token(key):
    """The signed token in a follow-up's links: its random key, signed."""
    return _serializer().dumps(key)


def _read(signed):
    """The FollowUp a link names, or None when the token was changed, cut or names nothing."""
    try:
        key = _serializer().loads(signed)
    except BadSignature:
        return None
    if not isinstance(key, str):
        return None
    return db.session.scalar(db.select(FollowUp).where(FollowUp.key == key))


def wanted(letter):
    """Whether a delivered letter gets the question: asked for, with an address to ask, and the supporter's
    own letter (of a letter to the whole council, the question is about their own member)."""
    return bool(letter.follow_up and letter.email and letter.purged_at is None
                and (letter.group_id is None or letter.group_id == letter.id))


def schedule(letter, now, after_days):
    """The question for `letter`, just delivered (added to the caller's transaction): the moment it is due,
    `after_days` from now, or None when the letter does not get one or already has one. (The outbox row holds
    that moment; the question's row does not keep a copy.)"""
    if not wanted(letter) or db.session.scalar(db.select(FollowUp.id).where(FollowUp.letter_id == letter.id)):
        return None
    db.session.add(FollowUp(key=secrets.token_urlsafe(32), letter_id=letter.id))
    return now + dt.timedelta(days=after_days)


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


def follow_up_key(letter_id):
    """The random key a letter's follow-up links name, or None."""
    return db.session.scalar(db.select(FollowUp.key).where(FollowUp.letter_id == letter_id))


def _closes_at(follow_up, answer_days):
    return follow_up.sent_at + dt.timedelta(days=answer_days)


def question(signed, now, answer_days):
    """What an answer page shows for a link, as plain values: {"code", "official", "closes_at"}. `code` is OK
    (the question is open), ALREADY (answered), CLOSED, or INVALID."""
    return _state(_read(signed), now, answer_days)


def _state(follow_up, now, answer_days):
    if follow_up is None or follow_up.status in (FollowUp.WAITING, FollowUp.SKIPPED):
        return {"code": INVALID}
    values = {"official": follow_up.letter.recipient, "closes_at": _closes_at(follow_up, answer_days)}
    if now >= values["closes_at"]:
        return dict(values, code=CLOSED)
    if follow_up.status == FollowUp.ANSWERED:
        return dict(values, code=ALREADY)
    return dict(values, code=OK)


def record_answer(signed, answer, days, now, answer_days):
    """Count one answer (with the days the reply took, when it was a reply and they are given) to the question a
    link names, once. Nothing links the count to the question or says when it was given. Returns an outcome."""
    if answer not in ANSWERS or (days is not None and days not in DAYS):
        return INVALID
    follow_up = _read(signed)
    found = _state(follow_up, now, answer_days)
    if found["code"] != OK:
        return found["code"]
    letter = follow_up.letter
    # Only one press counts, even two at once: the row moves from SENT to ANSWERED once.
    moved = db.session.execute(db.update(FollowUp).where(FollowUp.id == follow_up.id,
                                                         FollowUp.status == FollowUp.SENT)
                               .values(status=FollowUp.ANSWERED))
    if moved.rowcount != 1:
        db.session.rollback()
        return ALREADY
    db.session.add(ReplyTally(official_id=letter.official_id, office=letter.recipient["office"],
                              district=letter.recipient.get("district") or "", official_name=letter.recipient["name"],
                              language=letter.language, channel="event" if letter.event_id else "email",
                              answer=answer, days=days if answer in REPLIED else None))
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
