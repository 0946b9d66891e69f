"""Community events: canvassers collect letters from many signers, witnessed on the spot.

Event letters skip email confirmation (a canvasser saw the person sign). When a
signer gives an email and agrees, the letter is also emailed to the official
through the normal outbox.
"""

import datetime as dt

from actiontool.canvassing import sheets
from actiontool.letters.content import start_of_local_day
from actiontool.letters.store import letter_dict, new_letter, readdressed
from actiontool.mail import outbox
from actiontool.models import Event, Letter, LetterStatus, Official, SheetRow, db, utcnow
from actiontool.officials import executive, recipient_snapshot


def create_event(name, date, place, author):
    event = Event(name=name, date=date, place=place or "", created_by=author)
    db.session.add(event)
    db.session.commit()
    return event.id


def event_values(event_id):
    event = db.session.get(Event, event_id)
    if event is None:
        return None
    count = db.session.scalar(db.select(db.func.count(Letter.id)).where(Letter.event_id == event_id))
    to_fix = db.session.scalar(db.select(db.func.count(SheetRow.id)).where(SheetRow.event_id == event_id))
    # The Executive, whom a print run may also address (see event_packet), as the event page names them.
    official = executive()
    return {"id": event.id, "name": event.name, "date": event.date, "place": event.place, "letters": count,
            "to_fix": to_fix, "executive": recipient_snapshot(official) if official else None}


def recent_events(limit=50):
    events = db.session.scalars(db.select(Event).order_by(Event.date.desc(), Event.id.desc()).limit(limit))
    return [event_values(event.id) for event in events]


def add_signer(event_id, values, official, district, email_it, sheet_row_id=None):
    """Save one witnessed letter; queue it for email when the signer gave an address and agreed.

    With `sheet_row_id`, the letter replaces that kept sheet row, in the same
    transaction; None (nothing saved) when the row is gone, because someone else
    already saved or discarded it.
    """
    if sheet_row_id is not None:
        gone = db.session.execute(db.delete(SheetRow).where(SheetRow.id == sheet_row_id,
                                                            SheetRow.event_id == event_id))
        if gone.rowcount != 1:
            db.session.rollback()
            return None
    letter = _witnessed_letter(event_id, values, official, district, email_it, values.get("ui_language", "en"))
    db.session.commit()
    return letter.token


def _witnessed_letter(event_id, values, official, district, email_it, ui_language):
    """A letter signed at the event, queued for email when the signer gave an address and agreed
    (ticked on the signer form, or "yes" in the sheet's agreement column); not committed."""
    letter = new_letter(values, official, district, ui_language, event_id=event_id)
    if email_it and letter.email and official.email:
        letter.status, letter.confirmed_at = LetterStatus.QUEUED, utcnow()
        letter.follow_up = bool(values.get("follow_up"))
        outbox.enqueue(letter, outbox.TO_OFFICIAL)
    return letter


def add_sheet(event_id, letters, problems, ui_language):
    """A sign-up sheet's good rows as letters and its bad rows kept for fixing, in one transaction.

    A sheet letter is emailed only when its row says the signer agreed (the agreement column).
    """
    for values in letters:
        _witnessed_letter(event_id, dict(values, letter_language=values["language"]),
                          db.session.get(Official, values["official_id"]), values["district"],
                          values.get("email_it", False), ui_language)
    for problem in problems:
        if problem.cells is not None:
            db.session.add(SheetRow(event_id=event_id, line=problem.line, cells=problem.cells,
                                    lookup_problem=problem.lookup_problem))
    db.session.commit()


def look_up_kept_rows(event_id, default_language, ui_language, budget):
    """Look up the kept rows whose turn did not come at upload, while the budget lasts.

    A row that is found becomes a letter (as at upload: emailed only if the row says the signer agreed);
    one that is not keeps the lookup's answer, to be fixed by hand. Returns how many letters were added.
    """
    rows = db.session.execute(db.select(SheetRow.id, SheetRow.line, SheetRow.cells).where(
        SheetRow.event_id == event_id, SheetRow.lookup_problem == sheets.NOT_LOOKED_UP)
        .order_by(SheetRow.line, SheetRow.id)).all()
    added = 0
    for row_id, line, cells in rows:
        letter, problem = sheets.check_row(line, cells, default_language, budget)
        if letter:
            values = dict(letter, letter_language=letter["language"], ui_language=ui_language)
            official = db.session.get(Official, letter["official_id"])
            added += add_signer(event_id, values, official, letter["district"], letter.get("email_it", False),
                                sheet_row_id=row_id) is not None
        elif problem.lookup_problem == sheets.NOT_LOOKED_UP:
            break
        else:
            db.session.execute(db.update(SheetRow).where(SheetRow.id == row_id).values(
                cells=problem.cells, lookup_problem=problem.lookup_problem))
            db.session.commit()
    return added


def sheet_rows(event_id, offset=0, limit=None):
    """The event's sheet rows still to fix, by line, as plain dicts (`limit` of them from `offset`)."""
    rows = db.session.scalars(db.select(SheetRow).where(SheetRow.event_id == event_id)
                              .order_by(SheetRow.line, SheetRow.id).offset(offset).limit(limit))
    return [_row_dict(row) for row in rows]


def count_not_looked_up(event_id):
    """How many of an event's kept rows still wait for their lookup."""
    return db.session.scalar(db.select(db.func.count(SheetRow.id)).where(
        SheetRow.event_id == event_id, SheetRow.lookup_problem == sheets.NOT_LOOKED_UP))


def sheet_row(event_id, row_id):
    row = db.session.get(SheetRow, row_id)
    return None if row is None or row.event_id != event_id else _row_dict(row)


def discard_sheet_row(event_id, row_id):
    """Drop a row nobody will fix (a duplicate, a test line); False when it was already gone."""
    gone = db.session.execute(db.delete(SheetRow).where(SheetRow.id == row_id, SheetRow.event_id == event_id))
    db.session.commit()
    return gone.rowcount == 1


def _row_dict(row):
    return {"id": row.id, "event_id": row.event_id, "line": row.line, "cells": dict(row.cells),
            "lookup_problem": row.lookup_problem}


def event_letters(event_id, offset=0, limit=None, newest_first=False):
    """The event's letters as plain dicts, in the order they were added (or newest first)."""
    order = Letter.id.desc() if newest_first else Letter.id
    letters = db.session.scalars(db.select(Letter).where(Letter.event_id == event_id, Letter.purged_at.is_(None))
                                 .order_by(order).offset(offset).limit(limit))
    return [letter_dict(letter) for letter in letters]


def event_packet(event_id, include_executive):
    """What an event's print run prints: every signer's letter and, when the campaign includes the County
    Executive (who has no public email) and the roster has one, a copy of each addressed to the Executive.

    The copies are filed under no district (letters.store.readdressed), so delivery order puts them after
    the council districts' letters, under a cover sheet of their own.
    """
    letters = event_letters(event_id)
    official = executive() if include_executive else None
    if official is None:
        return letters
    return letters + [readdressed(letter, official) for letter in letters]


def letters_to_office(office, district, since, until):
    """Every letter signed at an event to one office between two dates (inclusive) and not emailed, for hand
    delivery. A letter written on the public form is the supporter's to send or print: never in a packet."""
    start, end = start_of_local_day(since), start_of_local_day(until + dt.timedelta(days=1))
    letters = db.session.scalars(db.select(Letter).where(
        Letter.created_at >= start, Letter.created_at < end, Letter.purged_at.is_(None),
        Letter.event_id.is_not(None), Letter.status == LetterStatus.WRITTEN).order_by(Letter.id))
    return [letter_dict(letter) for letter in letters
            if letter.recipient.get("office") == office and letter.recipient.get("district", "") == district]
