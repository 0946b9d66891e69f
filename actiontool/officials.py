"""Officials as letters see them: who holds an office, and whether a letter's recipient still does."""

from actiontool.models import Official, db

# King County's nine council districts, as the roster, the forms and the polygons name them.
COUNCIL_DISTRICTS = tuple(str(n) for n in range(1, 10))


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


# The County Executive's office, as the roster names it. The Executive has no public email: letters to them
# are printed (a supporter's own copy, a copy in each canvasser's packet when the campaign asks for it).
EXECUTIVE = "executive"


def executive():
    """The roster's County Executive (an Official), or None when the roster has none."""
    return db.session.scalar(db.select(Official).where(Official.office == EXECUTIVE).order_by(Official.id).limit(1))


def councilmembers():
    """Every councilmember in the roster (a vacant district has none), in district order."""
    members = db.session.scalars(db.select(Official).where(Official.office == "councilmember")).all()
    return sorted(members, key=lambda official: int(official.district or 99))


def holder_of(recipient):
    """Whoever holds the office a letter's recipient held (an Official), or None when nobody does."""
    return db.session.scalar(db.select(Official).where(
        Official.office == recipient["office"], Official.district == recipient["district"]))


# "The same official", in one place. `before` and `now` are plain dicts with a name and an email (a
# recipient snapshot, a roster row) or an Official; None is nobody.

def same_person(before, now):
    """The same person holds the office: a letter to `before` may go to `now` (at their current email)."""
    return now is not None and _value(now, "name") == _value(before, "name")


def same_official(before, now):
    """The same person at the same email: a letter addressed to `before` can go out exactly as written.
    Anything else (a new person, or a new email) holds letters waiting for them until staff decide."""
    return same_person(before, now) and (_value(now, "email") or "") == (_value(before, "email") or "")


def _value(official, key):
    return official[key] if isinstance(official, dict) else getattr(official, key)


# An official's title inside a Spanish sentence: "su carta para el concejal Barón", "la concejala Mosqueda".
# The roster's title_es gives the gender ("Concejal" / "Concejala"); the functions below read it.

def spanish_article(title_es):
    """The article of a Spanish title, "el" or "la", from its first word; "" when there is no title.

    A first word ending in "a" is feminine ("Concejala", "Ejecutiva del Condado", "Presidenta"),
    anything else masculine ("Concejal", "Ejecutivo del Condado"). A title that already starts
    with its article ("la Representante") keeps it. Words that name both genders ("Representante",
    "Fiscal") can't tell: the roster should write the article in front of them, or a gendered title.
    """
    words = (title_es or "").split()
    if not words:
        return ""
    first = words[0].lower()
    if first in ("el", "la"):
        return first
    return "la" if first.endswith("a") else "el"


def title_in_sentence(title, language):
    """An official's title as it reads inside a sentence of `language`: "Councilmember"; in Spanish
    with its article and a small first letter, "el concejal", "la concejala" (as in "Estimado concejal
    Barón:"). Spanish strings put it after "para" or first, never after "a" or "de" ("al", "del")."""
    title = (title or "").strip()
    if language != "es" or not title:
        return title
    article = spanish_article(title)
    words = title.split()
    if words[0].lower() == article:
        words = words[1:]
    if words:
        words[0] = words[0][:1].lower() + words[0][1:]
    return " ".join([article, *words])


def official_in_text(title, name, language):
    """An official named inside a sentence: "Councilmember Jorge L. Barón", "el concejal Jorge L. Barón",
    "la concejala Teresa Mosqueda"."""
    return " ".join(part for part in (title_in_sentence(title, language), (name or "").strip()) if part)
