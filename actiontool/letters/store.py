"""Storing letters: the one place a Letter row is made, and letters read back as plain dicts."""

import secrets

from actiontool.models import Letter, LetterStatus, db
from actiontool.officials import executive, recipient_snapshot


def new_letter(values, official, district, ui_language, event_id=None):
    """A new letter to `official`, from a signer form's values, added to the caller's transaction (the
    caller commits). Every letter is made here: on the public form, at an event, from a sign-up sheet."""
    letter = Letter(
        token=secrets.token_urlsafe(24),
        official_id=official.id,
        recipient=recipient_snapshot(official),
        district=district,
        name=values["name"],
        email=values.get("email") or "",
        phone=values.get("phone") or "",
        street=values["street"],
        city=values["city"],
        zip=values["zip"],
        note=values.get("note") or "",
        language=values["letter_language"],
        ui_language=ui_language,
        event_id=event_id,
        status=LetterStatus.WRITTEN,
    )
    db.session.add(letter)
    return letter


def save_letter(values, official, district, ui_language):
    """Store a supporter's new letter to `official`; return its unguessable token."""
    letter = new_letter(values, official, district, ui_language)
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


def readdressed(letter, official):
    """The same letter (sender, note, language(s), date) addressed to another official, as a plain dict like
    letter_dict's. It is a copy to print, never stored: the supporter's letter stays the one they wrote.

    It is filed under its recipient's district, where print runs sort and group letters: a county-wide
    office has none, so its copies come after the council districts' letters, under their own cover sheet.
    """
    recipient = recipient_snapshot(official)
    return dict(letter, recipient=recipient, district=recipient["district"])


def to_executive(letter):
    """`letter` (a plain dict) readdressed to the County Executive, or None when the roster has no Executive."""
    official = executive()
    return None if official is None else readdressed(letter, official)
