"""Written public comment: a supporter's letter sent on to a meeting's comment address, on time or not at all.

A comment is asked for with the letter (`request`), waits for the same email confirmation
(`on_confirmed` says whether to queue it now, or marks it late), and is handed to the mail server only
while `schedule.takes_comment` holds (`still_on_time`, asked by the outbox just before each send). A
comment that misses its meeting is never sent as if on time: it is marked late (or failed, or cancelled
with its meeting), the supporter is told, and may move it to the next meeting (`move`).

A reminder the day before the meeting is asked for the same way and goes only for a confirmed letter.
These functions decide and change rows in the caller's transaction; the mail layer queues the emails.
"""

from actiontool.meetings import schedule
from actiontool.models import CommentStatus, Letter, Meeting, MeetingReminder, PublicComment, db

# Outcomes the pages turn into messages.
OK = "ok"
MEETING_CLOSED = "meeting_closed"
NO_SUCH_ITEM = "no_such_item"
NOT_MOVABLE = "not_movable"

# The choice meaning "any county matter" at an open-comment (fourth-Tuesday) meeting.
GENERAL = PublicComment.ANY_MATTER

# Comments that have not gone yet: cancelled with their meeting.
WAITING = (CommentStatus.REQUESTED, CommentStatus.QUEUED)


def comment_letter(letter, include_street):
    """The letter (a plain dict) as the public record gets it: the supporter's name and city, and the street
    and ZIP only when they chose to include them."""
    if include_street:
        return dict(letter, public_comment=True)
    return dict(letter, street="", zip="", phone="", public_comment=True)


def comment_of(letter_id):
    """The comment asked for with a letter (a PublicComment), or None."""
    return db.session.scalar(db.select(PublicComment).where(PublicComment.letter_id == letter_id))


def reminder_of(letter_id):
    return db.session.scalar(db.select(MeetingReminder).where(MeetingReminder.letter_id == letter_id))


def _item_for(meeting, choice):
    """(agenda item id or None for "any county matter", None) for a choice on `meeting`; (None, NO_SUCH_ITEM)
    when the choice is not one of its items (or "general" at a meeting that is not open comment)."""
    if choice == GENERAL and meeting["open_comment"]:
        return None, None
    for item in meeting["items"]:
        if str(item["id"]) == str(choice):
            return item["id"], None
    return None, NO_SUCH_ITEM


def request(letter, meeting_id, choice, include_street, wants_comment, wants_reminder, now, margin):
    """Attach a comment and/or a reminder to a letter being sent by email (in the caller's transaction).
    Returns OK, or why not: the meeting stopped taking comment since the page was shown, or the item is not
    on its agenda."""
    meeting = schedule.meeting_values(meeting_id)
    if meeting is None or not schedule.takes_comment(meeting, now, margin):
        return MEETING_CLOSED
    if wants_comment:
        item_id, problem = _item_for(meeting, choice)
        if problem:
            return problem
        comment = comment_of(letter.id) or PublicComment(letter_id=letter.id)
        comment.meeting_id, comment.agenda_item_id = meeting_id, item_id
        comment.include_street, comment.status = bool(include_street), CommentStatus.REQUESTED
        db.session.add(comment)
    if wants_reminder:
        reminder = reminder_of(letter.id) or MeetingReminder(letter_id=letter.id)
        reminder.meeting_id, reminder.status = meeting_id, MeetingReminder.PENDING
        db.session.add(reminder)
    return OK


def on_confirmed(letter, now, margin):
    """The letter was just confirmed: {"comment": queue it now, "comment_late": it was confirmed too late (marked
    late here, never queued: the supporter is told), "reminder_at": when to send the reminder (None: none)}."""
    decision = {"comment": False, "comment_late": False, "reminder_at": None}
    comment = comment_of(letter.id)
    if comment is not None and comment.status == CommentStatus.REQUESTED:
        if schedule.takes_comment(schedule.meeting_dict(comment.meeting), now, margin):
            comment.status, decision["comment"] = CommentStatus.QUEUED, True
        else:
            comment.status, decision["comment_late"] = CommentStatus.LATE, True
    reminder = reminder_of(letter.id)
    if reminder is not None and reminder.status == MeetingReminder.PENDING:
        meeting = reminder.meeting
        if meeting.cancelled_at is None and schedule.reminder_possible(meeting.starts_at, now):
            decision["reminder_at"] = max(now, schedule.day_before(meeting.starts_at))
        else:
            reminder.status = MeetingReminder.SKIPPED
    return decision


# What `still_on_time` finds just before a comment is handed over.
ON_TIME = "on_time"
MISSED = "missed"  # it just became late or cancelled: the supporter is told
NOTHING_TO_SEND = "nothing_to_send"  # sent already, or not queued (a stale row): nothing to say


def still_on_time(letter_id, now, margin):
    """Just before the outbox hands a comment to the mail server: ON_TIME, or MISSED when it can no longer
    arrive in time (it is marked late, or cancelled with its meeting, here), or NOTHING_TO_SEND when it is
    not waiting to go (already sent through another outbox row, say)."""
    comment = comment_of(letter_id)
    if comment is None or comment.status != CommentStatus.QUEUED:
        return NOTHING_TO_SEND
    meeting = comment.meeting
    if meeting.cancelled_at is not None:
        comment.status = CommentStatus.CANCELLED
        return MISSED
    if not schedule.takes_comment(schedule.meeting_dict(meeting), now, margin):
        comment.status = CommentStatus.LATE
        return MISSED
    return ON_TIME


def sent(letter_id, now):
    comment = comment_of(letter_id)
    comment.status, comment.sent_at = CommentStatus.SENT, now


def failed(letter_id):
    """The clerk's mail server refused the comment for good (or it kept failing until it gave up)."""
    comment_of(letter_id).status = CommentStatus.FAILED


def reminder_still_due(letter_id, now):
    """Just before a reminder goes: only for a meeting not cancelled and not yet started."""
    reminder = reminder_of(letter_id)
    if reminder is None or reminder.status != MeetingReminder.PENDING:
        return False
    meeting = reminder.meeting
    if meeting.cancelled_at is not None or not schedule.reminder_possible(meeting.starts_at, now):
        reminder.status = MeetingReminder.SKIPPED
        return False
    return True


def reminder_sent(letter_id):
    reminder_of(letter_id).status = MeetingReminder.SENT


def reminder_skipped(letter_id):
    """The reminder could not be delivered (the supporter's mail server refused it): it will not go."""
    reminder_of(letter_id).status = MeetingReminder.SKIPPED


def move(letter, meeting_id, choice, now, margin):
    """A comment that missed its meeting (late, failed, cancelled) goes to another meeting still taking
    comment, without a new confirmation (the supporter confirmed these words already). Returns OK, or
    NOT_MOVABLE / MEETING_CLOSED / NO_SUCH_ITEM; on OK the caller queues the comment."""
    comment = comment_of(letter.id)
    if comment is None or comment.status not in CommentStatus.NOT_SENT or letter.confirmed_at is None \
            or letter.purged_at is not None:
        return NOT_MOVABLE
    meeting = schedule.meeting_values(meeting_id)
    if meeting is None or meeting_id == comment.meeting_id or not schedule.takes_comment(meeting, now, margin):
        return MEETING_CLOSED
    item_id, problem = _item_for(meeting, choice)
    if problem:
        return problem
    # Only if it is still not sent (two presses at once move it, and queue it, once).
    moved = db.session.execute(
        db.update(PublicComment).where(PublicComment.id == comment.id,
                                       PublicComment.status.in_(CommentStatus.NOT_SENT))
        .values(meeting_id=meeting_id, agenda_item_id=item_id, status=CommentStatus.QUEUED, sent_at=None))
    if moved.rowcount != 1:
        return NOT_MOVABLE
    db.session.refresh(comment)
    return OK


def cancel_for_meeting(meeting_id):
    """A meeting was cancelled: its comments not yet sent, and its reminders, will not go (the caller
    commits). Returns how many comments were waiting."""
    result = db.session.execute(
        db.update(PublicComment).where(PublicComment.meeting_id == meeting_id,
                                       PublicComment.status.in_(WAITING))
        .values(status=CommentStatus.CANCELLED))
    db.session.execute(db.update(MeetingReminder).where(
        MeetingReminder.meeting_id == meeting_id, MeetingReminder.status == MeetingReminder.PENDING)
        .values(status=MeetingReminder.SKIPPED))
    return result.rowcount


def comment_values(letter_id):
    """The comment and reminder a letter carries, as plain values for its pages and emails (None: none)."""
    comment, reminder = comment_of(letter_id), reminder_of(letter_id)
    values = {"comment": None, "reminder": None}
    if comment is not None:
        item = comment.agenda_item
        values["comment"] = {
            "status": comment.status,
            "include_street": comment.include_street,
            "sent_at": comment.sent_at,
            "meeting": schedule.meeting_dict(comment.meeting),
            "item": None if item is None else {
                "id": item.id, "file_number": item.file_number,
                "title": {"en": item.title_en, "es": item.title_es}},
        }
    if reminder is not None:
        values["reminder"] = {"status": reminder.status, "meeting": schedule.meeting_dict(reminder.meeting)}
    return values


def letters_waiting(now):
    """A filter for confirmed letters whose comment or reminder has still to go at `now`: retention keeps
    their details until their meeting's deadline (comment) or start (reminder), never longer. An unconfirmed
    letter's requests never go, so they keep nothing."""
    comment_to_go = db.select(PublicComment.letter_id).join(Meeting, PublicComment.meeting_id == Meeting.id).where(
        PublicComment.status == CommentStatus.QUEUED, Meeting.cancelled_at.is_(None), Meeting.cutoff_at > now)
    reminder_to_go = db.select(MeetingReminder.letter_id).join(Meeting, MeetingReminder.meeting_id == Meeting.id).where(
        MeetingReminder.status == MeetingReminder.PENDING, Meeting.cancelled_at.is_(None), Meeting.starts_at > now)
    return db.and_(Letter.confirmed_at.is_not(None),
                   db.or_(Letter.id.in_(comment_to_go), Letter.id.in_(reminder_to_go)))

