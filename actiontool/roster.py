"""The officials roster: read, validate, apply and write officials.csv.

Everything here works on plain values. `parse_roster` turns CSV text into rows
and a list of problems (each with its line number); `apply_roster` replaces the
roster in one transaction; `export_roster` writes the same format back.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from actiontool.models import Official, db

COLUMNS = (
    "office",
    "district",
    "name",
    "title_en",
    "title_es",
    "salutation_en",
    "salutation_es",
    "email",
    "phone",
    "postal_address",
    "source",
    "verified_on",
)
REQUIRED = ("office", "name", "title_en", "title_es", "salutation_en", "salutation_es",
            "postal_address", "source", "verified_on")
COUNCILMEMBER = "councilmember"
OFFICES = (COUNCILMEMBER, "executive")
DISTRICTS = tuple(str(n) for n in range(1, 10))
MAX_LENGTHS = {"office": 32, "district": 2, "name": 120, "title_en": 120, "title_es": 120,
               "salutation_en": 200, "salutation_es": 200, "email": 254, "phone": 40,
               "postal_address": 1000, "source": 2000}


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str

    def __str__(self):
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class RosterInvalid(ValueError):
    """The file was refused; `problems` lists every reason."""

    def __init__(self, problems):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def sort_key(row):
    """Council districts 1-9 first, then county-wide offices in a fixed order."""
    office = row["office"]
    rank = OFFICES.index(office) if office in OFFICES else len(OFFICES)
    return (rank, int(row["district"]) if row["district"].isdigit() else 0, office)


def parse_roster(text):
    """Validate a whole roster file; return its rows as dicts, or raise RosterInvalid."""
    problems = []
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing:
        problems.append(Problem(1, "", "missing columns: " + ", ".join(missing)))
    if unknown:
        problems.append(Problem(1, "", "unknown columns: " + ", ".join(unknown)))
    if problems:
        raise RosterInvalid(problems)

    rows, seen = [], {}
    for line, record in enumerate(reader, start=2):
        if None in record:
            problems.append(Problem(line, "", "more fields than columns"))
            continue
        row = {c: (record[c] or "").strip() for c in COLUMNS}
        problems.extend(_check_row(row, line))
        identity = (row["office"], row["district"])
        if identity in seen:
            problems.append(Problem(line, "office", f"duplicate office: same as line {seen[identity]}"))
        else:
            seen[identity] = line
        rows.append(row)

    if not rows and not problems:
        problems.append(Problem(1, "", "the file has no officials"))
    present = {row["district"] for row in rows if row["office"] == COUNCILMEMBER}
    absent = [d for d in DISTRICTS if d not in present]
    if absent:
        problems.append(Problem(1 + len(rows) + 1, "district",
                                "no councilmember for district(s) " + ", ".join(absent)))
    if problems:
        raise RosterInvalid(sorted(problems, key=lambda p: p.line))
    return sorted(rows, key=sort_key)


def _check_row(row, line):
    problems = []
    for column in REQUIRED:
        if not row[column]:
            problems.append(Problem(line, column, "is empty"))
    for column, limit in MAX_LENGTHS.items():
        if len(row[column]) > limit:
            problems.append(Problem(line, column, f"longer than {limit} characters"))
    if row["office"] and row["office"] not in OFFICES:
        problems.append(Problem(line, "office", f"unknown office {row['office']!r} "
                                f"(expected one of: {', '.join(OFFICES)})"))
    if row["office"] == COUNCILMEMBER and row["district"] not in DISTRICTS:
        problems.append(Problem(line, "district", "a councilmember needs a district from 1 to 9"))
    if row["office"] in OFFICES and row["office"] != COUNCILMEMBER and row["district"]:
        problems.append(Problem(line, "district", "only councilmembers have a district"))
    for column, value in row.items():
        if "\n" in value or "\r" in value:
            problems.append(Problem(line, column, "has a line break (separate address lines with ;)"))
    if row["email"]:
        try:
            validate_email(row["email"], check_deliverability=False)
        except EmailNotValidError as error:
            problems.append(Problem(line, "email", f"not a valid address ({error})"))
    if row["verified_on"]:
        try:
            dt.date.fromisoformat(row["verified_on"])
        except ValueError:
            problems.append(Problem(line, "verified_on", "not a date in the form YYYY-MM-DD"))
    return problems


def apply_roster(rows):
    """Make the roster exactly `rows`, in one transaction; return counts of what changed.

    Officials are matched by (office, district), so letters keep pointing at the
    office they were written to; an office no longer listed is removed.
    """
    existing = {(o.office, o.district): o for o in db.session.scalars(db.select(Official))}
    counts = {"added": 0, "changed": 0, "removed": 0, "unchanged": 0}
    try:
        for row in rows:
            values = dict(row, verified_on=dt.date.fromisoformat(row["verified_on"]))
            official = existing.pop((row["office"], row["district"]), None)
            if official is None:
                db.session.add(Official(**values))
                counts["added"] += 1
            elif any(getattr(official, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(official, key, value)
                counts["changed"] += 1
            else:
                counts["unchanged"] += 1
        for official in existing.values():
            db.session.delete(official)
            counts["removed"] += 1
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return counts


def roster_rows():
    """The current roster as rows of strings, in file order."""
    rows = [
        {c: (getattr(o, c).isoformat() if c == "verified_on" else getattr(o, c)) for c in COLUMNS}
        for o in db.session.scalars(db.select(Official))
    ]
    return sorted(rows, key=sort_key)


def export_roster(rows):
    """Write rows in the officials.csv format (LF line ends, minimal quoting)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def roster_is_empty():
    return db.session.scalar(db.select(db.func.count(Official.id))) == 0
