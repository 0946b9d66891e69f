"""Keeping supporters' details only briefly.

After ACTIONTOOL_RETENTION_DAYS, a letter that was delivered or abandoned keeps
its district, language, status and dates, and loses the supporter's name,
email, phone, address and note; a reminder of a meeting asked for with it is
deleted, and so is a "did they reply?" question whose time is over (its answer survives only as a count).
Letters still on their way (queued, held, or with a public comment or
meeting reminder still to go) are kept until they are done. Sign-up sheet rows
nobody fixed are deleted.
With mail written to files, .eml files older than that are deleted too.
`actiontool purge` runs it; so does the worker, daily.
"""

import datetime as dt

from actiontool.followup import survey
from actiontool.lookup.cache import LookupCache
from actiontool.mail.transport import FileTransport, open_transport
from actiontool.meetings.comments import letters_waiting
from actiontool.models import Letter, LetterStatus, MeetingReminder, SheetRow, db, utcnow

DONE = (LetterStatus.WRITTEN, LetterStatus.AWAITING_CONFIRMATION, LetterStatus.SENT,
        LetterStatus.FAILED, LetterStatus.CANCELLED)


def purge(config, now=None):
    """Remove supporters' details from old finished letters, old sheet rows and old lookup answers."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=int(config["RETENTION_DAYS"]))
    result = db.session.execute(
        db.update(Letter)
        .where(Letter.created_at < cutoff, Letter.status.in_(DONE), Letter.purged_at.is_(None),
               db.not_(letters_waiting(now)))
        .values(name="", email="", phone="", street="", city="", zip="", note="", opt_in=False,
                purged_at=now))
    db.session.execute(db.delete(MeetingReminder).where(
        MeetingReminder.letter_id.in_(db.select(Letter.id).where(Letter.purged_at.is_not(None)))))
    follow_ups = survey.forget(now, int(config["FOLLOW_UP_ANSWER_DAYS"]))
    rows = db.session.execute(db.delete(SheetRow).where(SheetRow.created_at < cutoff))
    cache = LookupCache(config["SECRET_KEY"], config["LOOKUP_CACHE_DAYS"]).prune()
    db.session.commit()
    return {"letters": result.rowcount, "sheet_rows": rows.rowcount, "lookups": cache, "follow_ups": follow_ups,
            "mail_files": _purge_mail_files(config["MAIL_URL"], cutoff)}


def _purge_mail_files(mail_url, cutoff):
    """With mail written to files (the embedded default), the old .eml files go too: they hold whole letters."""
    transport = open_transport(mail_url)
    if not isinstance(transport, FileTransport):
        return 0
    return transport.delete_older_than(cutoff.replace(tzinfo=dt.timezone.utc).timestamp())
