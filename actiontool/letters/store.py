"""Storing letters: the one place a Letter row is made, and letters read back as plain dicts."""

import secrets

from actiontool.models import FoundBy, Letter, LetterStatus, db
from actiontool.officials import councilmembers, executive, recipient_snapshot


def new_letter(values, official, district, ui_language, event_id=None, group_id=None, partner=""):
    """A new letter to `official`, from a signer form's values, added to the caller's transaction (the
    caller commits). Every letter is made here: on the public form, at an event, from a sign-up sheet.
    `partner`: the tag of the partner site it came from (one of EMBED_PARTNERS, checked by the caller), or ""."""
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
        group_id=group_id,
        partner=partner,
        found_by=values.get("found_by") or "",
        status=LetterStatus.WRITTEN,
    )
    db.session.add(letter)
    return letter


def save_letter(values, official, district, ui_language, partner=""):
    """Store a supporter's new letter to `official`; return its unguessable token."""
    letter = new_letter(values, official, district, ui_language, partner=partner)
    db.session.commit()
    return letter.token


def save_letters_to_council(values, own_official, district, ui_language, partner=""):
    """Store a supporter's letter to every councilmember: their own member's letter leads the group (its token
    is the supporter's), and each other member gets a copy addressed to them. Returns the lead's token."""
    lead = new_letter(values, own_official, district, ui_language, partner=partner)
    db.session.flush()
    lead.group_id = lead.id
    for member in councilmembers():
        if member.id != own_official.id:
            new_letter(values, member, district, ui_language, group_id=lead.id, partner=partner)
    db.session.commit()
    return lead.token


def group_of(letter):
    """Every Letter row of `letter`'s group (the lead first, then by the member's district), or [letter]."""
    if letter.group_id is None:
        return [letter]
    rows = db.session.scalars(db.select(Letter).where(Letter.group_id == letter.group_id)).all()
    return sorted(rows, key=lambda row: (row.id != row.group_id, int(row.recipient["district"] or 99)))


def group_values(token):
    """The letters of the group `token` leads, as plain dicts in delivery order (by district), or None."""
    letter = db.session.scalar(db.select(Letter).where(Letter.token == token))
    if letter is None:
        return None
    return sorted((letter_dict(row) for row in group_of(letter)),
                  key=lambda row: int(row["recipient"]["district"] or 99))


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
        # The district was found on our server only: the letter's page says so.
        "found_here": letter.found_by == FoundBy.HERE,
        "created_at": letter.created_at,
        "recipient": letter.recipient,
        "ui_language": letter.ui_language,
        "status": letter.status,
        "wants_copy": letter.wants_copy,
        "failure_reason": letter.failure_reason,
        "confirmed_at": letter.confirmed_at,
        "sent_at": letter.sent_at,
        "purged_at": letter.purged_at,
        # Written to all nine councilmembers (this is one member's copy, or the supporter's own letter).
        "whole_council": letter.group_id is not None,
        "leads_group": letter.group_id is not None and letter.group_id == letter.id,
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
