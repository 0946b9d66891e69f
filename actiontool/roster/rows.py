"""officials.csv, the roster's file: its columns, the checks every row passes (each problem with its line
and column), and writing it back. A cell a spreadsheet would run as a formula is written with a leading '
(see reports.spreadsheet_cell), which parse_roster removes: export then import changes nothing."""

import csv
import datetime as dt
import io
import re

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from actiontool.officials import COUNCIL_DISTRICTS
from actiontool.reports import cell_value, safe_csv
from actiontool.roster.problems import FileInvalid, FileProblem

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
DISTRICTS = COUNCIL_DISTRICTS
MAX_LENGTHS = {"office": 32, "district": 2, "name": 120, "title_en": 120, "title_es": 120,
               "salutation_en": 200, "salutation_es": 200, "email": 254, "phone": 40,
               "postal_address": 1000, "source": 2000}


MESSAGES = {
    "missing_columns": _l("missing columns: %(columns)s"),
    "unknown_columns": _l("unknown columns: %(columns)s"),
    "extra_fields": _l("more fields than columns"),
    "duplicate_office": _l("duplicate office: same as line %(line)d"),
    "no_rows": _l("the file has no officials"),
    "missing_districts": _l("no councilmember for district(s) %(districts)s"),
    "empty": _l("is empty"),
    "too_long": _l("longer than %(limit)d characters"),
    "unknown_office": _l("unknown office %(office)s (expected one of: %(expected)s)"),
    "district_required": _l("a councilmember needs a district from 1 to 9"),
    "district_not_allowed": _l("only councilmembers have a district"),
    "line_break": _l("has a line break (separate address lines with ;)"),
    "bad_email": _l("not a valid email address"),
    "bad_date": _l("not a date in the form YYYY-MM-DD"),
}


class Problem(FileProblem):
    """One reason a roster file was refused: where (line, column) and what (a code and its values)."""

    messages = MESSAGES


class RosterInvalid(FileInvalid):
    """The file was refused; `problems` lists every reason."""


def sort_key(row):
    """Council districts 1-9 first, then county-wide offices in a fixed order."""
    office = row["office"]
    rank = OFFICES.index(office) if office in OFFICES else len(OFFICES)
    return (rank, int(row["district"]) if row["district"].isdigit() else 0, office)


def parse_roster(text):
    """Validate a whole roster file; return its rows as dicts, or raise RosterInvalid."""
    problems = []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing:
        problems.append(Problem(1, "", "missing_columns", (("columns", ", ".join(missing)),)))
    if unknown:
        problems.append(Problem(1, "", "unknown_columns", (("columns", ", ".join(unknown)),)))
    if problems:
        raise RosterInvalid(problems)

    numbered = []
    for line, record in enumerate(reader, start=2):
        if None in record:
            problems.append(Problem(line, "", "extra_fields"))
            continue
        numbered.append((line, {c: cell_value(record[c] or "").strip() for c in COLUMNS}))
    return validate_rows(numbered, problems)


def validate_rows(numbered, problems=()):
    """Check (line, row) pairs as one roster; return the rows in file order, or raise RosterInvalid."""
    problems, rows, seen = list(problems), [], {}
    for line, row in numbered:
        problems.extend(_check_row(row, line))
        identity = (row["office"], row["district"])
        if identity in seen:
            problems.append(Problem(line, "office", "duplicate_office", (("line", seen[identity]),)))
        else:
            seen[identity] = line
        rows.append(row)

    if not rows and not problems:
        problems.append(Problem(1, "", "no_rows"))
    present = {row["district"] for row in rows if row["office"] == COUNCILMEMBER}
    absent = [d for d in DISTRICTS if d not in present]
    if absent:
        problems.append(Problem(1 + len(rows) + 1, "district", "missing_districts",
                                (("districts", ", ".join(absent)),)))
    if problems:
        raise RosterInvalid(sorted(problems, key=lambda p: p.line))
    return sorted(rows, key=sort_key)


def _check_row(row, line):
    problems = []
    for column in REQUIRED:
        if not row[column]:
            problems.append(Problem(line, column, "empty"))
    for column, limit in MAX_LENGTHS.items():
        if len(row[column]) > limit:
            problems.append(Problem(line, column, "too_long", (("limit", limit),)))
    if row["office"] and row["office"] not in OFFICES:
        problems.append(Problem(line, "office", "unknown_office",
                                (("office", repr(row["office"])), ("expected", ", ".join(OFFICES)))))
    if row["office"] == COUNCILMEMBER and row["district"] not in DISTRICTS:
        problems.append(Problem(line, "district", "district_required"))
    if row["office"] in OFFICES and row["office"] != COUNCILMEMBER and row["district"]:
        problems.append(Problem(line, "district", "district_not_allowed"))
    for column, value in row.items():
        if "\n" in value or "\r" in value:
            problems.append(Problem(line, column, "line_break"))
    if row["email"]:
        try:
            validate_email(row["email"], check_deliverability=False)
        except EmailNotValidError:
            problems.append(Problem(line, "email", "bad_email"))
    if row["verified_on"]:
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["verified_on"]):
                raise ValueError(row["verified_on"])
            dt.date.fromisoformat(row["verified_on"])
        except ValueError:
            problems.append(Problem(line, "verified_on", "bad_date"))
    return problems


def export_roster(rows):
    """Write rows in the officials.csv format (LF line ends, minimal quoting, safe to open in a spreadsheet)."""
    return safe_csv(COLUMNS, ([row[c] for c in COLUMNS] for row in rows))
