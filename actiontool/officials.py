"""Officials as letters see them: who holds an office, and whether a letter's recipient still does."""

from actiontool.models import Official, db


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


def councilmember_for(district):
    """The roster's councilmember for a district, or None."""
    return db.session.scalar(
        db.select(Official).where(Official.office == "councilmember", Official.district == district)
    )


def holder_of(letter):
    recipient = letter.recipient
    return db.session.scalar(db.select(Official).where(
        Official.office == recipient["office"], Official.district == recipient["district"]))


def official_changed(letter):
    """Whether the person the letter was written to no longer holds its office (name or email)."""
    official = letter.official
    return official is None or official.name != letter.recipient["name"] or \
        official.email != letter.recipient.get("email", "")
