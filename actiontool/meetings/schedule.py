"""Meetings in King County's time, and the one rule for which meeting supporters are offered.

The database holds naive UTC. Staff enter, and everyone reads, the county's wall-clock time: a
meeting on the day daylight saving time ends is still "1:30 p.m.", and "10 a.m. on the meeting
day" is 10 a.m. that day whatever the offset. A wall-clock time that does not exist (the hour
skipped in spring) or happens twice (the hour repeated in autumn) is refused by `county_moment`.
"""

import datetime as dt

from babel.dates import format_date, format_time

from actiontool.letters.content import COUNTY_TIME_ZONE
from actiontool.models import Meeting, db, utcnow


class NoSuchTime(ValueError):
    """A wall-clock time that King County's clocks skip or show twice on that day."""

    def __init__(self, kind):
        super().__init__(kind)
        self.kind = kind  # "skipped" or "repeated"


def county_moment(day, time):
    """The naive UTC moment of `time` on `day` in King County; NoSuchTime when the clocks skip that time or
    show it twice (daylight saving time starts or ends)."""
    first = dt.datetime.combine(day, time, tzinfo=COUNTY_TIME_ZONE)
    as_utc = first.astimezone(dt.timezone.utc)
    if as_utc.astimezone(COUNTY_TIME_ZONE).replace(tzinfo=None) != first.replace(tzinfo=None):
        raise NoSuchTime("skipped")
    if first.utcoffset() != first.replace(fold=1).utcoffset():
        raise NoSuchTime("repeated")
    return as_utc.replace(tzinfo=None)


def county_time(moment):
    """A naive UTC moment as King County's wall clock reads it (an aware datetime)."""
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(COUNTY_TIME_ZONE)


def day_before(moment, at=dt.time(9)):
    """`at` on the county calendar day before `moment` (naive UTC in and out): when meeting reminders go."""
    day = county_time(moment).date() - dt.timedelta(days=1)
    return county_moment(day, at)


def reminder_possible(starts_at, now):
    """Whether a reminder "the day before" can still go at `now` (naive UTC): until the end of the county's
    day before the meeting, never on its day (it says "tomorrow")."""
    return county_time(now).date() < county_time(starts_at).date()


def comment_deadline(meeting, margin_minutes):
    """The last moment a comment for `meeting` may be handed to the mail server: `margin_minutes` before the
    clerk's cut-off, so that it arrives before it even when the mail is slow."""
    return meeting["cutoff_at"] - dt.timedelta(minutes=int(margin_minutes))


def takes_comment(meeting, now, margin_minutes):
    """Whether a comment handed over at `now` is on time for `meeting` (a plain dict)."""
    return meeting["cancelled_at"] is None and now <= comment_deadline(meeting, margin_minutes)


def meeting_dict(meeting):
    """A Meeting row as plain values (with its agenda items), as pages and emails take it."""
    return {
        "id": meeting.id,
        "body": {"en": meeting.body_en, "es": meeting.body_es},
        "starts_at": meeting.starts_at,
        "cutoff_at": meeting.cutoff_at,
        "starts": county_time(meeting.starts_at),
        "cutoff": county_time(meeting.cutoff_at),
        "comment_email": meeting.comment_email,
        "open_comment": meeting.open_comment,
        "place": meeting.place,
        "online_url": meeting.online_url,
        "phone": meeting.phone,
        "agenda_url": meeting.agenda_url,
        "cancelled_at": meeting.cancelled_at,
        "items": [{
            "id": item.id,
            "file_number": item.file_number,
            "title": {"en": item.title_en, "es": item.title_es},
            "summary": {"en": item.summary_en, "es": item.summary_es},
        } for item in meeting.items],
    }


def open_meetings(margin_minutes, now=None):
    """Meetings still taking comment at `now` (not cancelled, before their deadline, with an item to comment
    on or open to any matter), soonest first, as plain dicts."""
    now = now or utcnow()
    query = (db.select(Meeting)
             .where(Meeting.cancelled_at.is_(None),
                    Meeting.cutoff_at >= now + dt.timedelta(minutes=int(margin_minutes)))
             .order_by(Meeting.cutoff_at, Meeting.id))
    found = []
    for meeting in db.session.scalars(query):
        values = meeting_dict(meeting)
        if values["items"] or values["open_comment"]:
            found.append(values)
    return found


def next_open_meeting(margin_minutes, now=None, after=None):
    """The meeting supporters are offered (the soonest still taking comment), or None. `after` (a meeting
    id) skips that one: the next meeting for a comment that missed its own."""
    for meeting in open_meetings(margin_minutes, now):
        if meeting["id"] != after:
            return meeting
    return None


def meeting_values(meeting_id):
    """One meeting as plain values, or None."""
    meeting = db.session.get(Meeting, meeting_id)
    return None if meeting is None else meeting_dict(meeting)


def when_text(meeting, language, margin_minutes):
    """A meeting's day, start and cut-off as King County's clocks read them, written for `language`, with
    the last moment we send a comment (`send_by`, `margin_minutes` before the cut-off: what a supporter must
    confirm by): {"date": "Tuesday, December 8, 2026", "time": "1:30 PM", "cutoff": "10:00 AM",
    "send_by": "9:30 AM", "margin": 30}."""
    starts, cutoff = meeting["starts"], meeting["cutoff"]
    send_by = county_time(comment_deadline(meeting, margin_minutes))
    return {
        "date": format_date(starts.date(), format="full", locale=language),
        "time": format_time(starts.timetz(), format="short", locale=language),
        "cutoff": format_time(cutoff.timetz(), format="short", locale=language),
        "send_by": format_time(send_by.timetz(), format="short", locale=language),
        "margin": int(margin_minutes),
    }
