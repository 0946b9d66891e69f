"""The detainer-reform letter's text, composed from plain values in the letter's language(s)."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask import render_template
from markupsafe import Markup

from actiontool.i18n import force_locale

TEMPLATE = "letters/detainer_reform.{language}.html"


LETTER_LANGUAGES = ("en", "es", "both")


NOTE_MAX_LENGTH = 2000


# Letters are dated as the supporter's calendar reads: King County's time zone.
COUNTY_TIME_ZONE = ZoneInfo("America/Los_Angeles")


def languages_of(letter_language):
    """The languages a letter is written in, in order: `both` is Spanish, then English."""
    return ["es", "en"] if letter_language == "both" else [letter_language]


def default_letter_language(page_language):
    """English pages default to an English letter; Spanish pages to both languages."""
    return "both" if page_language == "es" else "en"


def note_paragraphs(note):
    """The personal note as paragraphs, split on blank lines; single line breaks become spaces."""
    paragraphs = re.split(r"\n\s*\n", note.replace("\r\n", "\n").strip())
    return [" ".join(p.split()) for p in paragraphs if p.strip()]


def local_date(created_at):
    """The county's calendar date of a moment stored as naive UTC."""
    return created_at.replace(tzinfo=dt.timezone.utc).astimezone(COUNTY_TIME_ZONE).date()


def start_of_local_day(day):
    """Midnight at the start of `day` on King County's calendar, as the naive UTC the database holds."""
    local = dt.datetime.combine(day, dt.time(), tzinfo=COUNTY_TIME_ZONE)
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


def compose(letter):
    """The letter's HTML, exactly as the official receives it, in each of its languages.

    `letter` is a plain dict: name, street, city, zip, note, language,
    created_at (a naive UTC datetime) and recipient (see recipient_snapshot).
    """
    parts = []
    for language in languages_of(letter["language"]):
        recipient = letter["recipient"]
        context = {
            "date": format_date(local_date(letter["created_at"]), format="long", locale=language),
            "recipient": {
                "name": recipient["name"],
                "title": recipient["title"][language],
                "salutation": recipient["salutation"][language],
                "district": recipient["district"],
                "postal_address_lines": recipient["postal_address_lines"],
            },
            "sender": {
                "name": letter["name"],
                "street": letter["street"],
                "city": letter["city"],
                "state": "WA",
                "zip": letter["zip"],
                "phone": letter.get("phone", ""),
            },
            "note_paragraphs": note_paragraphs(letter["note"]),
        }
        with force_locale(language):
            parts.append(render_template(TEMPLATE.format(language=language), **context))
    return Markup("\n".join(parts))


def draft(values, recipient, district, created_at):
    """A letter that is not stored (a sign-up sheet's row, a blank letter for paper) as the plain dict
    compose() and a print run take: the same keys letters.store.letter_dict gives a stored one."""
    return {"name": values["name"], "email": values.get("email") or "", "phone": values.get("phone") or "",
            "street": values["street"], "city": values["city"], "zip": values["zip"],
            "note": values.get("note") or "", "language": values["letter_language"], "district": district,
            "recipient": recipient, "created_at": created_at}
