"""What was sent, for the staff dashboard: counts by district, language, channel, status, day and partner, and
the staff's CSV exports.

All counts come from columns that retention keeps (district, language, status, dates, partner), so they survive
`actiontool purge`.
"""

import datetime as dt

from sqlalchemy import func, or_

from actiontool.letters.content import local_date, start_of_local_day
from actiontool.models import CommentStatus, FoundBy, Letter, LetterStatus, PublicComment, db, utcnow
from actiontool.reports.spreadsheets import safe_csv

# One row per writer: a letter to one official, or the lead of a letter to the whole council (its members'
# copies carry the lead's id in group_id; the lead carries its own).
WRITERS = or_(Letter.group_id.is_(None), Letter.group_id == Letter.id)
# Letters someone stands behind: confirmed by their writer's email, or signed in front of a canvasser. A letter
# written to print is neither (anyone can make one, and we cannot see whether it was mailed).
VOUCHED_FOR = or_(Letter.confirmed_at.is_not(None), Letter.event_id.is_not(None))

# Channels a letter also goes out by, beside the letter to the supporter's own official: each is a table of
# its own rows, one per letter, counted by its own states in this order. Their rows stay when retention
# removes the supporter's details (it blanks the letter, never deletes it), so their counts survive too.
# Another channel (whole-council letters, say) is one more entry here and its labels on the dashboard.
CHANNELS = {
    "public_comment": (PublicComment, (CommentStatus.REQUESTED, CommentStatus.QUEUED, CommentStatus.SENT,
                                       CommentStatus.LATE, CommentStatus.FAILED, CommentStatus.CANCELLED), None),
    # Each member's copy of a letter to the whole council (the supporter's own member's included).
    "whole_council": (Letter, (LetterStatus.WRITTEN, LetterStatus.AWAITING_CONFIRMATION, LetterStatus.QUEUED,
                               LetterStatus.SENT, LetterStatus.FAILED, LetterStatus.HELD, LetterStatus.CANCELLED),
                      Letter.group_id.is_not(None)),
}

EMAIL_STATUSES = (LetterStatus.AWAITING_CONFIRMATION, LetterStatus.QUEUED, LetterStatus.SENT,
                  LetterStatus.FAILED, LetterStatus.HELD, LetterStatus.CANCELLED)


def channel_of(status, event_id=None):
    """How a letter came: at an event (witnessed), by email once the supporter asked, else printed (PDF)."""
    if event_id is not None:
        return "event"
    return "email" if status in EMAIL_STATUSES else "pdf"


def _count_by(column):
    rows = db.session.execute(db.select(column, func.count(Letter.id)).group_by(column)).all()
    return {str(key): count for key, count in rows}


def channel_counts(model, statuses, where=None):
    """One channel's rows (those `where` selects) counted: {"total": n, "by_status": {status: n}} with every
    status in `statuses`."""
    query = db.select(model.status, func.count(model.id)).group_by(model.status)
    rows = db.session.execute(query if where is None else query.where(where)).all()
    found = {str(status): count for status, count in rows}
    return {"total": sum(found.values()), "by_status": {status: found.get(status, 0) for status in statuses}}


def by_partner(vouched_for_only=False):
    """Letters written on partners' sites (/embed?partner=<tag>), one per writer (with `vouched_for_only`, only
    those VOUCHED_FOR), as [(tag, count)] by tag: only tags with letters."""
    query = db.select(Letter.partner, func.count(Letter.id)).where(WRITERS, Letter.partner != "")
    if vouched_for_only:
        query = query.where(VOUCHED_FOR)
    rows = db.session.execute(query.group_by(Letter.partner).order_by(Letter.partner))
    return [(tag, count) for tag, count in rows]


def by_lookup():
    """How writers' districts were found, one per writer: {FoundBy value: n, "": n (letters from before this was
    kept)}."""
    rows = db.session.execute(db.select(Letter.found_by, func.count(Letter.id)).where(WRITERS)
                              .group_by(Letter.found_by))
    found = dict.fromkeys((*FoundBy.ALL, ""), 0)
    for how, count in rows:
        found[how or ""] = found.get(how or "", 0) + count
    return found


def summary(days=30, today=None):
    """Plain counts: by district, language, channel, status, and per day for the last `days` days (days on
    King County's calendar, as letters are dated); each of CHANNELS counted by its own states; and letters per
    partner tag."""
    today = today or local_date(utcnow())
    by_status = _count_by(Letter.status)
    by_channel = {"email": 0, "pdf": 0, "event": 0}
    rows = db.session.execute(db.select(Letter.status, Letter.event_id.is_not(None), func.count(Letter.id))
                              .group_by(Letter.status, Letter.event_id.is_not(None)))
    for status, at_event, count in rows:
        by_channel[channel_of(status, 1 if at_event else None)] += count
    since = start_of_local_day(today - dt.timedelta(days=days - 1))
    per_day = {today - dt.timedelta(days=n): 0 for n in range(days)}
    for created_at, in db.session.execute(db.select(Letter.created_at).where(Letter.created_at >= since)):
        day = local_date(created_at)
        per_day[day] = per_day.get(day, 0) + 1
    return {
        "total": sum(by_status.values()),
        "by_district": dict(sorted(_count_by(Letter.district).items(), key=lambda kv: int(kv[0] or 0))),
        "by_language": _count_by(Letter.language),
        "by_channel": by_channel,
        "by_status": {status: by_status.get(status, 0) for status in (
            LetterStatus.AWAITING_CONFIRMATION, LetterStatus.QUEUED, LetterStatus.SENT,
            LetterStatus.FAILED, LetterStatus.HELD)},
        "per_day": sorted(per_day.items()),
        "channels": {name: channel_counts(*channel) for name, channel in CHANNELS.items()},
        "by_partner": by_partner(),
        "by_lookup": by_lookup(),
    }


def letters_csv():
    """Every letter without anything that identifies the supporter (no name, email or address), with the state
    of its public comment ("" when it has none) and whether it was one member's copy of a letter to the whole
    council."""
    rows = db.session.execute(db.select(Letter, PublicComment.status)
                              .outerjoin(PublicComment, PublicComment.letter_id == Letter.id)
                              .order_by(Letter.created_at, Letter.id))
    return safe_csv(
        ["created_on", "district", "official", "language", "channel", "status", "confirmed_on", "sent_on",
         "public_comment", "whole_council"],
        ([letter.created_at.date().isoformat(), letter.district, letter.recipient["name"], letter.language,
          channel_of(letter.status, letter.event_id), letter.status,
          letter.confirmed_at.date().isoformat() if letter.confirmed_at else "",
          letter.sent_at.date().isoformat() if letter.sent_at else "", comment or "",
          "yes" if letter.group_id is not None else ""]
         for letter, comment in rows))


def opt_ins_csv():
    """Supporters who asked to hear from the campaign: name, email, district, language, date.

    Only addresses we can trust: confirmed by their owner through the emailed link, or given to a
    canvasser at an event (witnessed). An address typed on the public form and never confirmed
    could be anyone's, so it stays off the campaign's list. One row per address (its first letter).
    """
    letters = db.session.scalars(db.select(Letter).where(
        Letter.opt_in.is_(True), Letter.purged_at.is_(None), Letter.email != "",
        or_(Letter.confirmed_at.is_not(None), Letter.event_id.is_not(None))).order_by(Letter.created_at))
    rows, seen = [], set()
    for letter in letters:
        if letter.email.lower() not in seen:
            seen.add(letter.email.lower())
            rows.append([letter.name, letter.email, letter.district, letter.ui_language,
                         letter.created_at.date().isoformat()])
    return safe_csv(["name", "email", "district", "language", "date"], rows, quote_all=True)
