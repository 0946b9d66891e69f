"""What a meeting and an agenda item must be before they are stored (agenda.py stores them): every problem at
once, each tied to its form field and worded in the staff member's language.

Values come in as the form's strings, in King County's wall-clock time, and come out as they are stored
(naive UTC, through schedule.county_moment, which refuses a time the clocks skip or show twice that day).
"""

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_babel import format_date

from actiontool.i18n import lazy_gettext as _l
from actiontool.letters.content import local_date
from actiontool.meetings.schedule import NoSuchTime, county_moment
from actiontool.models import utcnow

MEETING_FIELDS = ("body_en", "body_es", "date", "starts", "cutoff", "comment_email", "open_comment", "place",
                  "online_url", "phone", "agenda_url")
MEETING_REQUIRED = ("body_en", "body_es", "date", "starts", "cutoff", "comment_email", "agenda_url")
MEETING_LIMITS = {"body_en": 120, "body_es": 120, "date": 10, "starts": 5, "cutoff": 5, "comment_email": 254,
                  "place": 300, "online_url": 500, "phone": 200, "agenda_url": 500}
ITEM_FIELDS = ("file_number", "title_en", "title_es", "summary_en", "summary_es")
ITEM_REQUIRED = ("file_number", "title_en", "title_es")
ITEM_LIMITS = {"file_number": 9, "title_en": 300, "title_es": 300, "summary_en": 600, "summary_es": 600}
MULTILINE = ("summary_en", "summary_es")
# Plain ASCII digits only: "\d" would also take other scripts' digits ("١٣:٣٠").
FILE_NUMBER = re.compile(r"[0-9]{4}-[0-9]{4}")
TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

MESSAGES = {
    "empty": _l("Please fill this in."),
    "too_long": _l("Please keep this under %(max)d characters."),
    "line_break": _l("Please keep this on one line."),
    "bad_date": _l("Please enter the date like 2026-12-08 (year, month, day)."),
    "past_date": _l("This date has passed. Please enter the date of an upcoming meeting."),
    "far_date": _l("This date is more than a year away. Please check the year."),
    "bad_time": _l("Please enter the time like 13:30 (24-hour clock)."),
    "skipped_time": _l("There is no %(time)s on %(date)s in King County: the clocks skip that hour when daylight "
                       "saving time starts. Please check the agenda."),
    "repeated_time": _l("%(time)s happens twice on %(date)s in King County, when daylight saving time ends, so "
                        "it is not clear which one is meant. Please check the agenda."),
    "cutoff_after_start": _l("The cut-off for written comment must be before the meeting starts."),
    "bad_email": _l("Please enter an email address like clerk@kingcounty.gov (plain letters, no accents)."),
    "not_fourth_tuesday": _l("Open comment on any county matter is on the fourth Tuesday of the month, and "
                             "%(date)s is not one. Please check the date, or untick open comment."),
    "bad_url": _l("Please enter a web address that starts with https:// or http://."),
    "bad_file_number": _l("Please enter the file number like 2025-0216."),
    "duplicate_file_number": _l("This meeting already has an item with file number %(number)s."),
    "cancelled": _l("This meeting was cancelled: it stays as it was, for the record."),
    "item_has_comments": _l("Supporters have commented on this item, so it stays for the record and cannot be "
                            "removed. You can still correct its title and summary."),
}


@dataclass(frozen=True)
class Problem:
    """One reason an edit was refused: the form field it belongs to ("" for the whole form) and what is wrong
    (a code, worded by MESSAGES, with its values)."""

    field: str
    code: str
    params: tuple = ()

    @property
    def message(self):
        """The problem in the current language (dates written out in it)."""
        values = {key: format_date(value, "long") if isinstance(value, dt.date) else value
                  for key, value in self.params}
        return str(MESSAGES[self.code]) % values


class MeetingInvalid(ValueError):
    """An edit was refused and nothing changed; `problems` lists every reason."""

    def __init__(self, problems):
        super().__init__("; ".join(f"{p.field}: {p.code}" for p in problems))
        self.problems = problems


def county_today():
    """Today on King County's calendar."""
    return local_date(utcnow())


def _text(values, fields):
    """The fields' values as stripped strings (a missing one is "")."""
    return {field: str(values.get(field) or "").strip() for field in fields}


def _shape_problems(row, required, limits):
    """Empty, too long, or broken over lines: the checks every text field gets."""
    problems = [Problem(field, "empty") for field in required if not row[field]]
    problems += [Problem(field, "too_long", (("max", limit),)) for field, limit in limits.items()
                 if len(row[field]) > limit]
    problems += [Problem(field, "line_break") for field in limits
                 if field not in MULTILINE and "".join(row[field].splitlines()) != row[field]]
    return problems


def _date(text):
    """A YYYY-MM-DD date, or None."""
    if not DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _time(text):
    """An HH:MM time (24-hour), or None."""
    match = TIME.fullmatch(text)
    if not match:
        return None
    try:
        return dt.time(int(match[1]), int(match[2]))
    except ValueError:
        return None


def _a_year_after(day):
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def is_fourth_tuesday(day):
    """Whether `day` is the fourth Tuesday of its month, when the council hears comment on any county matter."""
    return day.weekday() == 1 and 22 <= day.day <= 28


def _web_address(text):
    """Whether `text` is an http(s) address with a host (nothing else may be linked from the pages)."""
    try:
        parts = urlsplit(text)
        parts.hostname  # noqa: B018 - reading it checks an IPv6 literal ("http://[::1" raises ValueError)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not re.search(r"\s", text)


def _moment(field, day, time, problems):
    """`time` on `day` as naive UTC, or None with the problem added when the clocks skip it or show it twice."""
    try:
        return county_moment(day, time)
    except NoSuchTime as error:
        problems.append(Problem(field, f"{error.kind}_time", (("time", time.strftime("%H:%M")), ("date", day))))
        return None


def check_meeting(values, today=None, kept_date=None):
    """A meeting's values as they would be stored, and every problem with them: (row, problems).

    `values` are the form's strings (and open_comment a bool), times in King County. The date must be from
    `today` (the county's, by default) to a year ahead; `kept_date`, an edited meeting's stored date, stays
    acceptable even once it has passed (a past meeting is corrected, not moved)."""
    row = _text(values, [f for f in MEETING_FIELDS if f != "open_comment"])
    row["open_comment"] = bool(values.get("open_comment"))
    problems = _shape_problems(row, MEETING_REQUIRED, MEETING_LIMITS)
    today = today or county_today()
    day = _date(row["date"]) if row["date"] else None
    if row["date"] and day is None:
        problems.append(Problem("date", "bad_date"))
    elif day is not None and day != kept_date:
        if day < today:
            problems.append(Problem("date", "past_date"))
        elif day > _a_year_after(today):
            problems.append(Problem("date", "far_date"))
    times = {}
    for field in ("starts", "cutoff"):
        times[field] = _time(row[field]) if row[field] else None
        if row[field] and times[field] is None:
            problems.append(Problem(field, "bad_time"))
    moments = {field: _moment(field, day, times[field], problems) if day and times[field] else None
               for field in ("starts", "cutoff")}
    if moments["starts"] and moments["cutoff"] and moments["cutoff"] >= moments["starts"]:
        problems.append(Problem("cutoff", "cutoff_after_start"))
    if row["comment_email"] and len(row["comment_email"]) <= MEETING_LIMITS["comment_email"]:
        try:
            if not row["comment_email"].isascii():
                raise EmailNotValidError(row["comment_email"])
            row["comment_email"] = validate_email(row["comment_email"], check_deliverability=False,
                                                  allow_smtputf8=False).normalized
        except EmailNotValidError:
            problems.append(Problem("comment_email", "bad_email"))
    if row["open_comment"] and day is not None and not is_fourth_tuesday(day):
        problems.append(Problem("open_comment", "not_fourth_tuesday", (("date", day),)))
    for field in ("online_url", "agenda_url"):
        if row[field] and not _web_address(row[field]):
            problems.append(Problem(field, "bad_url"))
    stored = {key: row[key] for key in MEETING_FIELDS if key not in ("date", "starts", "cutoff")}
    stored.update(starts_at=moments["starts"], cutoff_at=moments["cutoff"])
    return stored, problems


def check_item(values, taken=()):
    """An agenda item's values as they would be stored, and every problem with them: (row, problems).
    `taken`: the file numbers of the meeting's other items."""
    row = _text(values, ITEM_FIELDS)
    problems = _shape_problems(row, ITEM_REQUIRED, ITEM_LIMITS)
    if row["file_number"] and not FILE_NUMBER.fullmatch(row["file_number"]):
        problems.append(Problem("file_number", "bad_file_number"))
    elif row["file_number"] in taken:
        problems.append(Problem("file_number", "duplicate_file_number", (("number", row["file_number"]),)))
    return row, problems
