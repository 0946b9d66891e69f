"""Changing the roster: what a new roster changes, applying it in one transaction (holding letters whose
official changed), one official's edit, and the revisions that record and restore each change."""

import datetime as dt

from actiontool.mail.held import hold_letters
from actiontool.models import Official, RosterRevision, db
from actiontool.officials import same_official
from actiontool.roster.rows import COLUMNS, sort_key, validate_rows


def identity(row):
    return (row["office"], row["district"])


def diff_roster(old_rows, new_rows):
    """What changes from old to new: rows added and removed, and field-by-field changes."""
    old = {identity(r): r for r in old_rows}
    new = {identity(r): r for r in new_rows}
    changed = []
    for key in sorted(old.keys() & new.keys(), key=lambda k: sort_key(new[k])):
        fields = {c: [old[key][c], new[key][c]] for c in COLUMNS if old[key][c] != new[key][c]}
        if fields:
            changed.append({"office": key[0], "district": key[1], "name": new[key]["name"],
                            "fields": fields})
    return {
        "added": [new[k] for k in sorted(new.keys() - old.keys(), key=lambda k: sort_key(new[k]))],
        "removed": [old[k] for k in sorted(old.keys() - new.keys(), key=lambda k: sort_key(old[k]))],
        "changed": changed,
    }


def is_empty_diff(changes):
    return not (changes["added"] or changes["removed"] or changes["changed"])


def apply_roster(rows, author="command line", action="import"):
    """Make the roster exactly `rows`, in one transaction, and record it as a revision.

    Officials are matched by (office, district). When the person in an office
    changes (or the office goes), letters still waiting to be delivered to
    them are held for staff: nothing is silently redirected or dropped.
    Returns counts of what changed.
    """
    before = roster_rows()
    changes = diff_roster(before, rows)
    existing = {(o.office, o.district): o for o in db.session.scalars(db.select(Official))}
    try:
        for row in rows:
            values = dict(row, verified_on=dt.date.fromisoformat(row["verified_on"]))
            official = existing.pop(identity(row), None)
            if official is None:
                db.session.add(Official(**values))
                continue
            if not same_official(official, row):
                hold_letters(official)
            for key, value in values.items():
                setattr(official, key, value)
        for official in existing.values():
            hold_letters(official)
            db.session.delete(official)
        if not is_empty_diff(changes):
            db.session.add(RosterRevision(author=author, action=action, changes=changes, snapshot=rows))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return {"added": len(changes["added"]), "changed": len(changes["changed"]),
            "removed": len(changes["removed"]),
            "unchanged": len(rows) - len(changes["added"]) - len(changes["changed"])}


def edit_official(office, district, values, author):
    """Change one official's fields; the whole roster is checked as after the change."""
    rows = roster_rows()
    numbered = []
    for line, row in enumerate(rows, start=2):
        if identity(row) == (office, district):
            row = dict(row, **{k: v.strip() for k, v in values.items() if k in COLUMNS})
        numbered.append((line, row))
    return apply_roster(validate_rows(numbered), author=author, action="edit")


def revisions():
    """Every roster revision, newest first, as plain dicts."""
    return [
        {"id": r.id, "created_at": r.created_at, "author": r.author, "action": r.action,
         "changes": r.changes}
        for r in db.session.scalars(db.select(RosterRevision).order_by(RosterRevision.id.desc()))
    ]


def restore_revision(revision_id, author):
    """Make the roster what it was right after revision `revision_id` (itself a new revision)."""
    revision = db.session.get(RosterRevision, revision_id)
    if revision is None:
        raise LookupError(f"no roster revision {revision_id}")
    return apply_roster(revision.snapshot, author=author, action="revert")


def roster_rows():
    """The current roster as rows of strings, in file order."""
    rows = [
        {c: (getattr(o, c).isoformat() if c == "verified_on" else getattr(o, c)) for c in COLUMNS}
        for o in db.session.scalars(db.select(Official))
    ]
    return sorted(rows, key=sort_key)


def roster_is_empty():
    return db.session.scalar(db.select(db.func.count(Official.id))) == 0
