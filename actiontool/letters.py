"""Composing the detainer-reform letter from plain values, in the letter's language(s)."""

import datetime as dt
import re
import secrets
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask import render_template
from markupsafe import Markup

from actiontool.i18n import force_locale
from actiontool.models import Letter, LetterStatus, Official, OutboxMessage, db, utcnow

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


def recipient_snapshot(official):
    """The official as a plain dict, kept with the letter so later roster edits don't change it."""
    return {
        "office": official.office,
        "district": official.district,
        "name": official.name,
        "title": {"en": official.title_en, "es": official.title_es},
        "salutation": {"en": official.salutation_en, "es": official.salutation_es},
        "email": official.email,
        "postal_address_lines": [
            line.strip() for line in official.postal_address.split(";") if line.strip()
        ],
    }


def note_paragraphs(note):
    """The personal note as paragraphs, split on blank lines; single line breaks become spaces."""
    paragraphs = re.split(r"\n\s*\n", note.replace("\r\n", "\n").strip())
    return [" ".join(p.split()) for p in paragraphs if p.strip()]


def local_date(created_at):
    """The county's calendar date of a moment stored as naive UTC."""
    return created_at.replace(tzinfo=dt.timezone.utc).astimezone(COUNTY_TIME_ZONE).date()


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


def save_letter(values, official, district, ui_language):
    """Store a new letter for `official`; return its unguessable token."""
    letter = Letter(
        token=secrets.token_urlsafe(24),
        official_id=official.id,
        recipient=recipient_snapshot(official),
        district=district,
        name=values["name"],
        email=values.get("email") or "",
        street=values["street"],
        city=values["city"],
        zip=values["zip"],
        note=values.get("note") or "",
        language=values["letter_language"],
        ui_language=ui_language,
    )
    db.session.add(letter)
    db.session.commit()
    return letter.token


def letter_values(token):
    """The stored letter as a plain dict, or None."""
    letter = db.session.scalar(db.select(Letter).where(Letter.token == token))
    return None if letter is None else letter_dict(letter)


def letter_dict(letter):
    """A Letter row as the plain dict that templates and emails take."""
    return {
        "id": letter.id,
        "token": letter.token,
        "name": letter.name,
        "email": letter.email,
        "street": letter.street,
        "city": letter.city,
        "zip": letter.zip,
        "note": letter.note,
        "phone": letter.phone,
        "language": letter.language,
        "district": letter.district,
        "created_at": letter.created_at,
        "recipient": letter.recipient,
        "ui_language": letter.ui_language,
        "status": letter.status,
        "wants_copy": letter.wants_copy,
        "failure_reason": letter.failure_reason,
        "confirmed_at": letter.confirmed_at,
        "sent_at": letter.sent_at,
        "purged_at": letter.purged_at,
    }


def councilmember_for(district):
    """The roster's councilmember for a district, or None."""
    return db.session.scalar(
        db.select(Official).where(Official.office == "councilmember", Official.district == district)
    )


def held_letters():
    """Letters held because their official changed, oldest first, as plain dicts."""
    letters = db.session.scalars(db.select(Letter).where(Letter.status == LetterStatus.HELD)
                                 .order_by(Letter.created_at)).all()
    return [dict(letter_dict(letter), successor=_successor_name(letter)) for letter in letters]


def _successor(letter):
    recipient = letter.recipient
    return db.session.scalar(db.select(Official).where(
        Official.office == recipient["office"], Official.district == recipient["district"]))


def _successor_name(letter):
    successor = _successor(letter)
    return successor.name if successor else None


# Outcomes of readdress().
READDRESSED, NOT_HELD, VACANT, NO_EMAIL = "readdressed", "not_held", "vacant", "no_email"


def readdress(token):
    """Send a held letter to whoever now holds its office.

    Returns READDRESSED; NOT_HELD (unknown token, or no longer held); VACANT
    (nobody holds the office); or NO_EMAIL (the successor takes printed letters only).
    """
    letter = db.session.scalar(db.select(Letter).where(Letter.token == token,
                                                       Letter.status == LetterStatus.HELD))
    if letter is None:
        return NOT_HELD
    successor = _successor(letter)
    if successor is None:
        return VACANT
    if not successor.email:
        return NO_EMAIL
    letter.official_id, letter.recipient = successor.id, recipient_snapshot(successor)
    letter.status = LetterStatus.QUEUED if letter.confirmed_at else LetterStatus.AWAITING_CONFIRMATION
    for message in db.session.scalars(db.select(OutboxMessage).where(
            OutboxMessage.letter_id == letter.id, OutboxMessage.status == OutboxMessage.HELD)):
        message.status, message.next_attempt_at = OutboxMessage.PENDING, utcnow()
    db.session.commit()
    return READDRESSED


def official_changed(letter):
    """Whether the person the letter was written to no longer holds its office (name or email)."""
    official = letter.official
    return official is None or official.name != letter.recipient["name"] or \
        official.email != letter.recipient.get("email", "")


def failed_letters():
    """Letters whose delivery failed, newest first, with the mail server's last answer."""
    letters = db.session.scalars(db.select(Letter).where(Letter.status == LetterStatus.FAILED)
                                 .order_by(Letter.created_at.desc())).all()
    result = []
    for letter in letters:
        last = db.session.scalar(db.select(OutboxMessage).where(
            OutboxMessage.letter_id == letter.id, OutboxMessage.status == OutboxMessage.FAILED)
            .order_by(OutboxMessage.id.desc()).limit(1))
        result.append(dict(letter_dict(letter), error=last.last_error if last else ""))
    return result


def retry(token):
    """Queue a letter the official's server refused once more (after staff fixed what was wrong).

    If the same person still holds the office, the roster's current email is used (a corrected
    address); a letter is never retried to someone else.
    """
    letter = db.session.scalar(db.select(Letter).where(
        Letter.token == token, Letter.status == LetterStatus.FAILED, Letter.failure_reason == "refused"))
    if letter is None:
        return False
    current = _successor(letter)
    if current is None or current.name != letter.recipient["name"] or not current.email:
        return False
    letter.official_id, letter.recipient = current.id, recipient_snapshot(current)
    message = db.session.scalar(db.select(OutboxMessage).where(
        OutboxMessage.letter_id == letter.id, OutboxMessage.kind == "to_official"))
    now = utcnow()
    message.status, message.attempts, message.last_error = OutboxMessage.PENDING, 0, ""
    message.next_attempt_at = message.created_at = now
    letter.status, letter.failure_reason = LetterStatus.QUEUED, ""
    db.session.commit()
    return True


def cancel(token):
    """Cancel a held or failed letter: it will not be sent (the supporter can still print it)."""
    letter = db.session.scalar(db.select(Letter).where(
        Letter.token == token, Letter.status.in_([LetterStatus.HELD, LetterStatus.FAILED])))
    if letter is None:
        return False
    letter.status = LetterStatus.CANCELLED
    for message in db.session.scalars(db.select(OutboxMessage).where(
            OutboxMessage.letter_id == letter.id, OutboxMessage.status == OutboxMessage.HELD)):
        message.status, message.last_error = OutboxMessage.FAILED, "cancelled by staff"
    db.session.commit()
    return True
