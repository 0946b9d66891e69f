"""The detainer-reform letter's text, composed from plain values in the letter's language(s).

A letter is one letter, whatever its languages: one sender, one date, one recipient and one
signature, in the supporter's language (Spanish first when the letter is in both); a letter in
both languages then carries a clearly headed translation of its text. A letter written in
Spanish opens with one line in English telling the official so.
"""

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


# The council's own name, as the roster's postal address gives it: a recipient block that already
# names it says "District N" after the official's name instead of naming the council again.
COUNCIL_NAME = "King County Council"


# Letters are dated as the supporter's calendar reads: King County's time zone.
COUNTY_TIME_ZONE = ZoneInfo("America/Los_Angeles")


def languages_of(letter_language):
    """The languages a letter is written in, in order: `both` is Spanish, then English.

    The first is the letter's own language (the supporter's); the second, if any, its translation.
    """
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


def names_the_council(postal_address_lines):
    """Whether the postal address already names the council (then the block names it only there)."""
    return any(COUNCIL_NAME in line for line in postal_address_lines)


def compose(letter):
    """The letter's HTML, exactly as the official receives it (email, PDF and preview alike).

    `letter` is a plain dict: name, street, city, zip, note, language, created_at (a naive
    UTC datetime), recipient (see recipient_snapshot) and, for a blank letter to fill in
    by hand, blank=True.
    """
    languages = languages_of(letter["language"])
    recipient = letter["recipient"]
    context = {
        "languages": languages,
        "blank": bool(letter.get("blank")),
        # To every councilmember: "you represent me" only in the copy to the writer's own member.
        "whole_council": bool(letter.get("whole_council")),
        # Written public comment: to the council as a body (no official's address, "Dear Councilmembers").
        "public_comment": bool(letter.get("public_comment")),
        "writer_district": letter.get("district", ""),
        "district": recipient["district"],
        "recipient_names_council": names_the_council(recipient["postal_address_lines"]),
        "sender": {
            "name": letter["name"],
            "street": letter["street"],
            "city": letter["city"],
            "state": "WA",
            "zip": letter["zip"],
            "phone": letter.get("phone", ""),
        },
        "note_paragraphs": note_paragraphs(letter["note"]),
        "note_language": languages[0],
    }
    parts = []
    for position, language in enumerate(languages):
        with force_locale(language):
            parts.append(render_template(
                TEMPLATE.format(language=language), translation=position > 0,
                date=format_date(local_date(letter["created_at"]), format="long", locale=language),
                recipient={
                    "name": recipient["name"],
                    "title": recipient["title"][language],
                    "salutation": recipient["salutation"][language],
                    "postal_address_lines": recipient["postal_address_lines"],
                },
                **context))
    # One wrapper per letter: a print run starts each letter on a new page.
    return Markup('<div class="letter-set">\n{}\n</div>').format(Markup("\n").join(map(Markup, parts)))


def draft(values, recipient, district, created_at):
    """A letter that is not stored (a sign-up sheet's row, a blank letter for paper) as the plain dict
    compose() and a print run take: the same keys letters.store.letter_dict gives a stored one."""
    return {"name": values["name"], "email": values.get("email") or "", "phone": values.get("phone") or "",
            "street": values["street"], "city": values["city"], "zip": values["zip"],
            "note": values.get("note") or "", "language": values["letter_language"], "district": district,
            "recipient": recipient, "created_at": created_at, "blank": bool(values.get("blank"))}
