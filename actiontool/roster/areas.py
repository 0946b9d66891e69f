"""The areas each council district covers (district_areas.csv): the cities and neighbourhoods, in English and
Spanish, each row with its source and the date of that source. Like the roster: a whole file is checked
(every problem with its line and column) and applied in one transaction or not at all; staff change one
district at a time; `district_choices` gives the district choice its plain values.

A cell a spreadsheet would run as a formula is written with a leading ' (see reports.spreadsheet_cell),
which parse_areas removes: export then import changes nothing.
"""

import csv
import datetime as dt
import io
import re

from flask_babel import lazy_gettext as _l

from actiontool.models import DistrictArea, db
from actiontool.officials import COUNCIL_DISTRICTS, councilmember_for
from actiontool.reports import cell_value, safe_csv
from actiontool.roster.problems import FileInvalid, FileProblem

COLUMNS = ("district", "areas_en", "areas_es", "source", "as_of")
REQUIRED = COLUMNS
MAX_LENGTHS = {"district": 2, "areas_en": 300, "areas_es": 300, "source": 2000, "as_of": 10}
LANGUAGES = ("en", "es")

MESSAGES = {
    "missing_columns": _l("missing columns: %(columns)s"),
    "unknown_columns": _l("unknown columns: %(columns)s"),
    "extra_fields": _l("more fields than columns"),
    "no_rows": _l("the file has no districts"),
    "missing_districts": _l("no areas for district(s) %(districts)s"),
    "duplicate_district": _l("duplicate district: same as line %(line)d"),
    "bad_district": _l("not a council district (a number from 1 to 9)"),
    "empty": _l("is empty"),
    "too_long": _l("longer than %(limit)d characters"),
    "line_break": _l("has a line break"),
    "bad_date": _l("not a date in the form YYYY-MM-DD"),
    "future_date": _l("is a date in the future"),
}


class Problem(FileProblem):
    """One reason an areas file (or one district's edit) was refused: where, and what."""

    messages = MESSAGES


class AreasInvalid(FileInvalid):
    """The areas were refused; `problems` lists every reason."""


def parse_areas(text, today=None):
    """Check a whole district_areas.csv; return its rows (dicts of strings, by district), or raise AreasInvalid."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    problems = []
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing:
        problems.append(Problem(1, "", "missing_columns", (("columns", ", ".join(missing)),)))
    if unknown:
        problems.append(Problem(1, "", "unknown_columns", (("columns", ", ".join(unknown)),)))
    if problems:
        raise AreasInvalid(problems)
    rows, seen = [], {}
    for line, record in enumerate(reader, start=2):
        if None in record:
            problems.append(Problem(line, "", "extra_fields"))
            continue
        row = {c: cell_value(record[c] or "").strip() for c in COLUMNS}
        problems.extend(check_row(row, line, today))
        if row["district"] in seen:
            problems.append(Problem(line, "district", "duplicate_district", (("line", seen[row["district"]]),)))
        elif row["district"]:
            seen[row["district"]] = line
        rows.append(row)
    if not rows and not problems:
        problems.append(Problem(1, "", "no_rows"))
    absent = [d for d in COUNCIL_DISTRICTS if d not in seen]
    if rows and absent:
        problems.append(Problem(len(rows) + 2, "district", "missing_districts", (("districts", ", ".join(absent)),)))
    if problems:
        raise AreasInvalid(sorted(problems, key=lambda p: p.line))
    return sorted(rows, key=lambda r: int(r["district"]))


def check_row(row, line=1, today=None):
    """Every problem with one row (its district, areas, source and date)."""
    problems = []
    for column in REQUIRED:
        if not row[column]:
            problems.append(Problem(line, column, "empty"))
    for column, limit in MAX_LENGTHS.items():
        if len(row[column]) > limit:
            problems.append(Problem(line, column, "too_long", (("limit", limit),)))
    if row["district"] and row["district"] not in COUNCIL_DISTRICTS:
        problems.append(Problem(line, "district", "bad_district"))
    for column in COLUMNS:
        if "\n" in row[column] or "\r" in row[column]:
            problems.append(Problem(line, column, "line_break"))
    if row["as_of"]:
        date = _date(row["as_of"])
        if date is None:
            problems.append(Problem(line, "as_of", "bad_date"))
        elif date > (today or dt.date.today()):
            problems.append(Problem(line, "as_of", "future_date"))
    return problems


def _date(text):
    """A YYYY-MM-DD date, or None."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def apply_areas(rows, author="command line"):
    """Make the stored areas exactly `rows` (checked by parse_areas), in one transaction.

    Returns how many districts were added, changed and left as they were.
    """
    existing = {a.district: a for a in db.session.scalars(db.select(DistrictArea))}
    counts = {"added": 0, "changed": 0, "unchanged": 0, "removed": 0}
    try:
        for row in rows:
            values = dict(row, as_of=dt.date.fromisoformat(row["as_of"]))
            area = existing.pop(row["district"], None)
            if area is None:
                db.session.add(DistrictArea(**values, changed_by=author))
                counts["added"] += 1
            elif _as_row(area) == row:
                counts["unchanged"] += 1
            else:
                for key, value in values.items():
                    setattr(area, key, value)
                area.changed_by = author
                counts["changed"] += 1
        for area in existing.values():
            db.session.delete(area)
            counts["removed"] += 1
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return counts


def edit_area(district, values, author):
    """Change one district's areas, source and date (or give them for the first time); raise AreasInvalid
    with every problem, changing nothing, when the new values are not acceptable."""
    if district not in COUNCIL_DISTRICTS:
        raise LookupError(f"no council district {district!r}")
    row = {c: (values.get(c) or "").strip() for c in COLUMNS if c != "district"}
    row["district"] = district
    problems = check_row(row)
    if problems:
        raise AreasInvalid(problems)
    area = db.session.get(DistrictArea, district)
    try:
        if area is None:
            area = DistrictArea(district=district)
            db.session.add(area)
        for key in ("areas_en", "areas_es", "source"):
            setattr(area, key, row[key])
        area.as_of = dt.date.fromisoformat(row["as_of"])
        area.changed_by = author
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def _as_row(area):
    return {"district": area.district, "areas_en": area.areas_en, "areas_es": area.areas_es,
            "source": area.source, "as_of": area.as_of.isoformat()}


def area_rows():
    """The stored areas, district 1 to 9, as rows of strings (with who changed each last, and when)."""
    areas = sorted(db.session.scalars(db.select(DistrictArea)), key=lambda a: int(a.district))
    return [dict(_as_row(a), changed_by=a.changed_by, changed_at=a.changed_at) for a in areas]


def area_row(district):
    """One district's stored row, or None."""
    area = db.session.get(DistrictArea, district)
    return _as_row(area) if area is not None else None


def areas_are_empty():
    return db.session.scalar(db.select(db.func.count()).select_from(DistrictArea)) == 0


def export_areas(rows):
    """Write rows in the district_areas.csv format (safe to open in a spreadsheet)."""
    return safe_csv(COLUMNS, ([row[c] for c in COLUMNS] for row in rows))


def district_choices(language):
    """The nine districts for the district choice, as plain dicts: `district` ("1".."9"), `member` (the
    councilmember's name, or None when the seat is vacant) and `areas` (in `language`, "" when unknown)."""
    language = language if language in LANGUAGES else "en"
    areas = {a.district: a for a in db.session.scalars(db.select(DistrictArea))}
    choices = []
    for district in COUNCIL_DISTRICTS:
        member, area = councilmember_for(district), areas.get(district)
        choices.append({"district": district, "member": member.name if member is not None else None,
                        "areas": getattr(area, f"areas_{language}") if area is not None else ""})
    return choices
