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
from actiontool.models import AddressPoint, db

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
    if typed is None:
        return None
    zip_code, city = zip_code[:5], " ".join(city.upper().split())
    number, suffix = _number(typed.number)
    answer = (_exact(build[0], typed, number, suffix, zip_code, "")
              or _neighbours(build[0], typed.street, number, zip_code, "")
              or _close(build, typed, number, zip_code)
              or (city and (_exact(build[0], typed, number, suffix, "", city)
                            or _neighbours(build[0], typed.street, number, "", city))) or None)
    if answer is not None and candidate:
        chosen = tuple(place for place in answer.places if place.label == candidate)
        if chosen:
            return Answer(chosen, answer.how)
    return answer


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
    """The index's street names in the ZIP code close to the typed one (best first). Close: the same name with
    other or no directions, or the street type missing or another one ("Ave" for "St"); or a worded name a typo
    away ("Rainer" for "Rainier"). A numbered name is never close to another number ("54TH" is not "45TH"). When
    the typed street is itself in the ZIP code, only the same street with a direction the supporter left out
    ("1ST AVE" for "1ST AVE NE")."""
    streets = index.streets(build).get(zip_code, [])
    wanted = index.street_parts(typed.street)
    if any(known.street == typed.street for known in streets):
        if wanted.directions:
            return []
        return sorted(known.street for known in streets if known.street != typed.street and known.directions
                      and (known.name, known.street_type) == (wanted.name, wanted.street_type))[:CLOSE_LIMIT]
    scored = []
    for known in streets:
        score = _name_score(wanted.name, known.name)
        if score and wanted.street_type != known.street_type and wanted.street_type in STREET_TYPES:
            score = score - 10 if score == 100 and known.street_type else 0  # another known type: a weaker match
        if score:
            scored.append((score, bool(wanted.directions & known.directions), known.street))
    if wanted.directions and any(same for _, same, _ in scored):
        scored = [entry for entry in scored if entry[1]]  # the direction typed, where a close street has it
    scored.sort(key=lambda entry: (-entry[0], entry[2]))
    return [street for _, _, street in scored[:CLOSE_LIMIT]]


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
