"""Find a typed address in the local index, on this server only.

In order, within the typed ZIP code: the address itself (same street and house number); then, when the street
is known but not that number, its neighbours on the same side of the street (when the nearest numbers below and
above agree on the district); then close street names (a typo, a missing or misplaced direction), scored with
rapidfuzz. Only then the same in the typed city, in its other ZIP codes (a mistyped ZIP code): a street of the
same name elsewhere in the city must not win over the supporter's own street spelt a little differently.
Places in more than one district are offered as choices, never picked.

Plain values in and out. Nothing here is stored or logged.
"""

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from actiontool.addresses import index
from actiontool.addresses.normalize import STREET_TYPES, normalize
from actiontool.models import HOUSE_NUMBER_DIGITS, AddressPoint, db

# A house number missing from the file takes its neighbours' district only when they are this close.
NEIGHBOUR_SPAN = 200
# How alike (rapidfuzz ratio, 0-100) a street name must be to what was typed to count as a close match.
CLOSE = 85
# At most this many close streets are looked at.
CLOSE_LIMIT = 6

EXACT, NEIGHBOURS, CLOSE_MATCH = "exact", "neighbours", "close"


@dataclass(frozen=True)
class Place:
    """An address of the index, written as the supporter is shown it ("4512 NE 45TH ST, SEATTLE, WA, 98105")."""

    label: str
    district: str


@dataclass(frozen=True)
class Answer:
    """What the index says about a typed address: one or more places, and how they were found."""

    places: tuple
    how: str

    @property
    def district(self):
        """The district, when every place agrees on one; else None (the supporter chooses among the places)."""
        districts = {place.district for place in self.places}
        return districts.pop() if len(districts) == 1 else None

    @property
    def labels(self):
        return [place.label for place in self.places]


def find(street_line, city, zip_code, candidate=None):
    """The index's Answer for a typed address, or None when no index is installed or it has no answer.

    `candidate` is a label the supporter picked among earlier choices: the answer is narrowed to it.
    """
    build = index.in_use()
    if build is None:
        return None
    typed = normalize(street_line)
    if typed is None or len(re.match(r"[0-9]*", typed.number).group(0)) > HOUSE_NUMBER_DIGITS:
        return None  # no house in the index has such a number (a phone number typed in?)
    zip_code, city = zip_code[:5], " ".join(city.upper().split())
    number, suffix = _number(typed.number)
    answer = _as_typed(build[0], typed, number, suffix, zip_code, "")
    if answer is None:
        # A close street in the typed ZIP code, and the street as typed elsewhere in the city (a mistyped ZIP
        # code): both kept, so that when they disagree the supporter chooses.
        answer = _merged(_close(build, typed, number, zip_code),
                         city and _as_typed(build[0], typed, number, suffix, "", city))
    if answer is not None and candidate:
        chosen = tuple(place for place in answer.places if place.label == candidate)
        if chosen:
            return Answer(chosen, answer.how)
    return answer


def _as_typed(index_id, typed, number, suffix, zip_code, city):
    """The typed street (its direction before or after the name: "Calle 45 Noreste" is NE 45TH ST) at that
    number, or its neighbours' district, in the ZIP code or (without one) the city."""
    for street in _spellings(typed):
        answer = (_exact(index_id, typed, number, suffix, zip_code, city, street=street)
                  or _neighbours(index_id, street, number, zip_code, city))
        if answer:
            return answer
    return None


def _spellings(typed):
    """The typed street, then the same with a lone direction on the other side of the name."""
    spellings = [typed.street]
    if bool(typed.predir) != bool(typed.postdir):
        moved = (typed.postdir, typed.name, typed.street_type, "") if typed.postdir else \
            ("", typed.name, typed.street_type, typed.predir)
        spellings.append(" ".join(part for part in moved if part))
    return spellings


def _merged(close, elsewhere):
    if not close or not elsewhere:
        return close or elsewhere or None
    places = {place.label: place for place in close.places + elsewhere.places}
    return Answer(tuple(places.values()), CLOSE_MATCH)


def _number(text):
    """"1204A" -> (1204, "A")."""
    digits = re.match(r"[0-9]+", text).group(0)
    return int(digits), text[len(digits):]


def _label(number, suffix, street, city, zip_code):
    return ", ".join(part for part in (f"{number}{suffix} {street}", city, "WA", zip_code) if part)


def _rows(index_id, street, low, high):
    return db.session.execute(
        db.select(AddressPoint.number, AddressPoint.number_suffix, AddressPoint.unit, AddressPoint.zip,
                  AddressPoint.city, AddressPoint.district)
        .where(AddressPoint.index_id == index_id, AddressPoint.street == street,
               AddressPoint.number.between(low, high))).all()


def _in_place(rows, zip_code, city):
    """The rows in the ZIP code, or (without one) in the city."""
    return [row for row in rows if (row.zip == zip_code if zip_code else row.city == city)]


def _exact(index_id, typed, number, suffix, zip_code, city, how=EXACT, street=None):
    street = street or typed.street
    rows = _in_place(_rows(index_id, street, number, number), zip_code, city)
    if not rows:
        return None
    rows = [row for row in rows if row.number_suffix == suffix] or rows
    if typed.unit:
        rows = [row for row in rows if row.unit == typed.unit] or rows
    places = {}
    for row in rows:
        places.setdefault(row.district, Place(_label(number, row.number_suffix if suffix else "", street,
                                                     row.city, row.zip), row.district))
    return Answer(tuple(places.values()), how)


def _neighbours(index_id, street, number, zip_code, city):
    """The district of the nearest numbers below and above on the same side of the street, when they agree."""
    rows = _in_place(_rows(index_id, street, number - NEIGHBOUR_SPAN, number + NEIGHBOUR_SPAN), zip_code, city)
    side = [row for row in rows if row.number % 2 == number % 2 and row.number != number]
    below = [row for row in side if row.number < number]
    above = [row for row in side if row.number > number]
    if not below or not above:
        return None
    nearest_below, nearest_above = max(row.number for row in below), min(row.number for row in above)
    districts = {row.district for row in side if row.number in (nearest_below, nearest_above)}
    if len(districts) != 1:
        return None
    district = districts.pop()
    near = next(row for row in side if row.number == nearest_below)
    return Answer((Place(_label(number, "", street, near.city, near.zip), district),), NEIGHBOURS)


def close_streets(build, typed, zip_code):
    """The index's street names in the ZIP code close to the typed one (best first). Close: the same name, or a
    worded name a typo away ("Rainer" for "Rainier"), with the directions typed (before or after the name), or
    with one the supporter left out; and the type typed, or any when none was typed. Never another direction
    (NE is not NW), another type (in Seattle "30th St" and "30th Ave" are far apart) or another number ("54TH"
    is not "45TH"). When the typed street is itself in the ZIP code, only the same street with a direction the
    supporter left out ("1ST AVE" for "1ST AVE NE")."""
    streets = index.streets(build).get(zip_code, [])
    wanted = index.street_parts(typed.street)
    if any(known.street == typed.street for known in streets):
        if wanted.directions:
            return []
        return sorted(known.street for known in streets if known.street != typed.street and known.directions
                      and (known.name, known.street_type) == (wanted.name, wanted.street_type))[:CLOSE_LIMIT]
    scored = []
    for known in streets:
        if wanted.directions and known.directions and not wanted.directions & known.directions:
            continue  # another direction: another street
        if wanted.street_type in STREET_TYPES and known.street_type and wanted.street_type != known.street_type:
            continue  # another type: another street
        score = _name_score(wanted.name, known.name)
        if score:
            scored.append((score - (0 if wanted.street_type == known.street_type else 5), known.street))
    scored.sort(key=lambda entry: (-entry[0], entry[1]))
    return [street for _, street in scored[:CLOSE_LIMIT]]


def _name_score(typed, known):
    if typed == known:
        return 100
    if any(character.isdigit() for character in typed + known):
        return 0
    return fuzz.ratio(typed, known, score_cutoff=CLOSE)


def _close(build, typed, number, zip_code):
    places = {}
    for street in close_streets(build, typed, zip_code):
        answer = (_exact(build[0], typed, number, "", zip_code, "", street=street)
                  or _neighbours(build[0], street, number, zip_code, ""))
        for place in answer.places if answer else ():
            places.setdefault(place.label, place)
    return Answer(tuple(places.values()), CLOSE_MATCH) if places else None
