"""The meetings staff keep: entered from each agenda (checks.py says what a meeting and an item must be),
edited, cancelled (the row stays for the record, and the comments still waiting for it stop), and read back
for the staff view with how many comments supporters asked for on each item, by state.

Each function that changes something commits it, or rolls back and changes nothing. A cancelled meeting is
not edited any more: it stays as it was, for the record.
"""

from sqlalchemy.exc import IntegrityError

from actiontool.meetings import comments
from actiontool.meetings.checks import (
    ITEM_FIELDS,
    MEETING_FIELDS,
    MeetingInvalid,
    Problem,
    check_item,
    check_meeting,
)
from actiontool.meetings.schedule import county_time, meeting_dict
from actiontool.models import AgendaItem, CommentStatus, Meeting, PublicComment, db, utcnow

# What the new-meeting form starts with: the full council's usual meeting (Tuesdays 1:30 p.m., written
# comment by 10 a.m. that day). Committees change the body and the times; the comment address is typed in
# from each agenda, where the clerk gives it.
NEW_MEETING = {"body_en": "King County Council", "body_es": "Consejo del Condado de King",
               "starts": "13:30", "cutoff": "10:00"}
# The states the staff view counts, in its order.
STATUSES = (CommentStatus.QUEUED, CommentStatus.SENT, CommentStatus.LATE, CommentStatus.FAILED,
            CommentStatus.CANCELLED, CommentStatus.REQUESTED)
# What a packet for the clerk holds: the comments that went, or are about to go, on time.
PRINTED = (CommentStatus.SENT, CommentStatus.QUEUED)


def _meeting(meeting_id):
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise LookupError(f"no meeting {meeting_id}")
    return meeting


def _editable(meeting_id):
    """The meeting, unless it was cancelled (then MeetingInvalid, for the whole form)."""
    meeting = _meeting(meeting_id)
    if meeting.cancelled_at is not None:
        raise MeetingInvalid([Problem("", "cancelled")])
    return meeting


def _item(meeting, item_id):
    item = next((item for item in meeting.items if item.id == item_id), None)
    if item is None:
        raise LookupError(f"no agenda item {item_id} in meeting {meeting.id}")
    return item


def _commit(file_number=None):
    """Commit; on failure roll back. Two staff adding the same file number at once: the second is told so."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if file_number is None:
            raise
        raise MeetingInvalid([Problem("file_number", "duplicate_file_number", (("number", file_number),))]) \
            from None
    except Exception:
        db.session.rollback()
        raise


def _kept_date(meeting_id):
    """An edited meeting's date on the county calendar (it may stay, even once passed)."""
    return None if meeting_id is None else county_time(_meeting(meeting_id).starts_at).date()


def meeting_problems(values, meeting_id=None, today=None):
    """Every problem with a new meeting's values (or with the edit of meeting `meeting_id`)."""
    return check_meeting(values, today, _kept_date(meeting_id))[1]


def create_meeting(values, author, today=None):
    """Store a new meeting from the form's values; its id. MeetingInvalid, storing nothing, when any value is
    not acceptable."""
    row, problems = check_meeting(values, today)
    if problems:
        raise MeetingInvalid(problems)
    meeting = Meeting(**row, changed_by=author)
    db.session.add(meeting)
    _commit()
    return meeting.id


def update_meeting(meeting_id, values, author, today=None):
    """Change a meeting (not a cancelled one); MeetingInvalid, changing nothing, when any value is not
    acceptable. LookupError for an unknown meeting."""
    meeting = _editable(meeting_id)
    row, problems = check_meeting(values, today, _kept_date(meeting_id))
    if problems:
        raise MeetingInvalid(problems)
    for key, value in row.items():
        setattr(meeting, key, value)
    meeting.changed_by = author
    _commit()


def cancel_meeting(meeting_id, author, now=None):
    """Mark a meeting cancelled (its row stays, for the record) and, in the same transaction, stop what was
    still to go for it (comments.cancel_for_meeting: comments not sent yet become cancelled, reminders are
    skipped); how many comments were stopped (0 when it was already cancelled)."""
    meeting = _meeting(meeting_id)
    if meeting.cancelled_at is not None:
        return 0
    meeting.cancelled_at, meeting.changed_by = now or utcnow(), author
    stopped = comments.cancel_for_meeting(meeting_id)
    _commit()
    return stopped


def item_problems(meeting_id, values, item_id=None):
    """Every problem with an agenda item's values (a new one, or the edit of item `item_id`)."""
    meeting = _meeting(meeting_id)
    return check_item(values, _taken(meeting, item_id))[1]


def _taken(meeting, item_id=None):
    return {item.file_number for item in meeting.items if item.id != item_id}


def add_item(meeting_id, values, author):
    """Add an agenda item to a meeting (not a cancelled one); its id. MeetingInvalid, adding nothing, when any
    value is not acceptable (a file number the meeting already has included)."""
    meeting = _editable(meeting_id)
    row, problems = check_item(values, _taken(meeting))
    if problems:
        raise MeetingInvalid(problems)
    item = AgendaItem(**row)
    meeting.items.append(item)
    meeting.changed_by = author
    _commit(row["file_number"])
    return item.id


def update_item(meeting_id, item_id, values, author):
    """Change an agenda item; MeetingInvalid, changing nothing, when any value is not acceptable."""
    meeting = _editable(meeting_id)
    item = _item(meeting, item_id)
    row, problems = check_item(values, _taken(meeting, item_id))
    if problems:
        raise MeetingInvalid(problems)
    for key, value in row.items():
        setattr(item, key, value)
    meeting.changed_by = author
    _commit(row["file_number"])


def remove_item(meeting_id, item_id, author):
    """Remove an agenda item nobody has commented on. One with comments stays for the record: MeetingInvalid."""
    meeting = _editable(meeting_id)
    item = _item(meeting, item_id)
    commented = db.session.scalar(db.select(db.func.count(PublicComment.id))
                                  .where(PublicComment.agenda_item_id == item.id))
    if commented:
        raise MeetingInvalid([Problem("", "item_has_comments")])
    meeting.items.remove(item)
    meeting.changed_by = author
    _commit()


def meeting_form_values(meeting_id):
    """A stored meeting as the form shows it (strings, times in King County), or None."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        return None
    starts, cutoff = county_time(meeting.starts_at), county_time(meeting.cutoff_at)
    values = {field: getattr(meeting, field) for field in MEETING_FIELDS if hasattr(Meeting, field)}
    return dict(values, date=starts.date().isoformat(), starts=starts.strftime("%H:%M"),
                cutoff=cutoff.strftime("%H:%M"))


def item_form_values(meeting_id, item_id):
    """A stored agenda item as the form shows it, or None."""
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting_id:
        return None
    return {field: getattr(item, field) for field in ITEM_FIELDS}


def _counts(meeting_ids):
    """{meeting id: {agenda item id (None: any county matter): {state: number}}}, in one query."""
    found = {}
    if not meeting_ids:
        return found
    query = (db.select(PublicComment.meeting_id, PublicComment.agenda_item_id, PublicComment.status,
                       db.func.count(PublicComment.id))
             .where(PublicComment.meeting_id.in_(meeting_ids))
             .group_by(PublicComment.meeting_id, PublicComment.agenda_item_id, PublicComment.status))
    for meeting_id, item_id, status, number in db.session.execute(query):
        found.setdefault(meeting_id, {}).setdefault(item_id, {})[status] = number
    return found


def _by_state(counted):
    """Every state of STATUSES with its number (0 when none), and `printable`: what a packet would hold."""
    numbers = {status: counted.get(status, 0) for status in STATUSES}
    return dict(numbers, total=sum(counted.values()), printable=sum(numbers[s] for s in PRINTED))


def _total(per_item):
    summed = {}
    for counted in per_item.values():
        for status, number in counted.items():
            summed[status] = summed.get(status, 0) + number
    return _by_state(summed)


def meetings_for_the_record(now=None):
    """Every meeting as plain values with its comments counted by state: {"upcoming": soonest first,
    "past": latest first}. Cancelled ones stay in their place, marked by `cancelled_at`."""
    now = now or utcnow()
    meetings = db.session.scalars(db.select(Meeting).order_by(Meeting.starts_at, Meeting.id)).all()
    counts = _counts([meeting.id for meeting in meetings])
    listed = [dict(meeting_dict(m), counts=_total(counts.get(m.id, {}))) for m in meetings]
    return {"upcoming": [m for m in listed if m["starts_at"] >= now],
            "past": [m for m in reversed(listed) if m["starts_at"] < now]}


def staff_view(meeting_id, now=None):
    """One meeting as plain values for its staff page, or None: its items each with `counts` (by state), the
    comments on any county matter (`any_matter`, at an open-comment meeting), `counts` for the whole
    meeting, and `past` once it has started."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        return None
    values, per_item = meeting_dict(meeting), _counts([meeting_id]).get(meeting_id, {})
    for item in values["items"]:
        item["counts"] = _by_state(per_item.get(item["id"], {}))
    return dict(values, any_matter=_by_state(per_item.get(None, {})), counts=_total(per_item),
                past=meeting.starts_at < (now or utcnow()))


__all__ = ["ITEM_FIELDS", "MEETING_FIELDS", "MeetingInvalid", "NEW_MEETING", "Problem", "STATUSES", "add_item",
           "cancel_meeting", "create_meeting", "item_form_values", "item_problems", "meeting_form_values",
           "meeting_problems", "meetings_for_the_record", "remove_item", "staff_view", "update_item", "update_meeting"]
