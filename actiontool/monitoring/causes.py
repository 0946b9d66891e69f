"""What alerts staff: each cause looked for now, as plain values ({cause: numbers}), with nothing about a supporter.

- stuck_queue: an email has been due for longer than ALERT_QUEUE_MINUTES (the worker is down or stuck);
- failure_share: more than ALERT_FAILURE_SHARE of the emails finished in the last hour were refused for good
  (skipped ones do not count), once at least ALERT_FAILURE_MIN_MESSAGES finished;
- roster: the roster differs from the county's layer (checked at most every ROSTER_CHECK_HOURS; a layer that
  does not answer is no difference: the previous state stands);
- meeting_comments:<id>: public comments for a meeting failed or were late, until a day after its cut-off.
"""

import datetime as dt

from flask import current_app

from actiontool import lookup, roster
from actiontool.lookup.service import ServiceUnavailable
from actiontool.models import CommentStatus, LastCheck, Letter, Meeting, OutboxMessage, PublicComment, db
from actiontool.monitoring.health import due_mail

STUCK_QUEUE = "stuck_queue"
FAILURE_SHARE = "failure_share"
ROSTER = "roster"
MEETING_COMMENTS = "meeting_comments"  # one cause per meeting: "meeting_comments:<meeting id>"

MEETING_WATCH = dt.timedelta(days=1)  # how long after a meeting's cut-off its failed comments still alert


def kind_of(cause):
    return cause.partition(":")[0]


def _stuck_queue(config, now):
    due, limit = due_mail(now), int(config["ALERT_QUEUE_MINUTES"])
    if due["oldest_seconds"] is None or due["oldest_seconds"] <= limit * 60:
        return {}
    return {STUCK_QUEUE: {"count": due["count"], "minutes": due["oldest_seconds"] // 60, "limit": limit}}


def _failure_share(config, now):
    counts = dict(db.session.execute(
        db.select(OutboxMessage.status, db.func.count(OutboxMessage.id))
        .where(OutboxMessage.finished_at >= now - dt.timedelta(hours=1),
               OutboxMessage.status.in_([OutboxMessage.SENT, OutboxMessage.FAILED]))
        .group_by(OutboxMessage.status)).all())
    failed = counts.get(OutboxMessage.FAILED, 0)
    finished = failed + counts.get(OutboxMessage.SENT, 0)
    share = float(config["ALERT_FAILURE_SHARE"])
    if finished < int(config["ALERT_FAILURE_MIN_MESSAGES"]) or failed <= share * finished:
        return {}
    return {FAILURE_SHARE: {"failed": failed, "finished": finished, "percent": round(100 * failed / finished),
                            "limit": round(100 * share)}}


def _roster_check_due(config, now):
    hours = float(config["ROSTER_CHECK_HOURS"])
    last = db.session.get(LastCheck, ROSTER)
    return hours > 0 and (last is None or now - last.checked_at >= dt.timedelta(hours=hours))


def _roster(config, now):
    """{ROSTER: values} or {} when checked; None when not checked this time (the previous state stands)."""
    if not _roster_check_due(config, now):
        return None
    last = db.session.get(LastCheck, ROSTER) or LastCheck(name=ROSTER)
    last.checked_at = now
    db.session.add(last)
    try:
        members = lookup.county_members()
    except ServiceUnavailable as error:
        current_app.logger.warning("roster check: the county layer did not answer (%s); the roster alert stays "
                                   "as it was until the next check", error.__class__.__name__)
        return None
    differences = roster.check_against_county(roster.roster_rows(), members)
    if not differences:
        return {}
    return {ROSTER: {"count": len(differences), "places": [(d["district"], d["field"]) for d in differences]}}


def _meeting_comments(config, now):
    """Comments our side failed to get to the clerk: refused, or late although confirmed in time (queued before
    the send-by time). A comment confirmed after that was never ours to send: the supporter was told, and
    nothing is wrong with delivery, so it raises nothing (nor can an outsider raise an alert that way)."""
    found = {}
    margin = dt.timedelta(minutes=int(config["COMMENT_MARGIN_MINUTES"]))
    rows = db.session.execute(
        db.select(PublicComment.meeting_id, PublicComment.status, Letter.confirmed_at, Meeting.cutoff_at)
        .join(Meeting, Meeting.id == PublicComment.meeting_id)
        .join(Letter, Letter.id == PublicComment.letter_id)
        .where(Meeting.cutoff_at >= now - MEETING_WATCH,
               PublicComment.status.in_([CommentStatus.FAILED, CommentStatus.LATE])))
    for meeting_id, status, confirmed_at, cutoff_at in rows:
        if status == CommentStatus.LATE and (confirmed_at is None or confirmed_at >= cutoff_at - margin):
            continue
        values = found.setdefault(f"{MEETING_COMMENTS}:{meeting_id}",
                                  {"meeting_id": meeting_id, CommentStatus.FAILED: 0, CommentStatus.LATE: 0})
        values[status] += 1
    return found


def findings(config, now):
    """({cause: values} of every cause found now, causes whose state is unknown this time)."""
    found = {**_stuck_queue(config, now), **_failure_share(config, now), **_meeting_comments(config, now)}
    checked = _roster(config, now)
    if checked is None:
        return found, {ROSTER}
    return {**found, **checked}, set()
