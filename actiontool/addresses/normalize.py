"""One canonical form for a street address, whoever wrote it: a supporter on a phone, a canvasser copying a
sign-up sheet, or the county's address file.

`usaddress` (a trained parser of US addresses) labels the parts; the tables here standardise each part the way
King County writes it: directions as N, S, E, W, NE, NW, SE, SW (also typed in full, or in Spanish: "Sur",
"Noreste"); street types as the USPS abbreviation ("Avenue", "Av.", "Avenida" -> AVE); numbered streets as
ordinals ("3", "Third", "3rd" -> 3RD); units without their designator ("Apt 2", "#2", "Apto 2", "Unit 2" -> 2).
Spanish habits are read too: a street type before the name ("Calle Main", "Avenida 3 Sur"), "Apto"/"Depto".

Plain values in, plain values out; nothing here is stored or logged.
"""

import re
from dataclasses import dataclass

import usaddress
from rapidfuzz import fuzz, process

DIRECTIONS = {
    "N": "N", "NORTH": "N", "NORTE": "N",
    "S": "S", "SOUTH": "S", "SUR": "S",
    "E": "E", "EAST": "E", "ESTE": "E",
    "W": "W", "WEST": "W", "OESTE": "W",
    "NE": "NE", "NORTHEAST": "NE", "NORESTE": "NE", "NORDESTE": "NE",
    "NW": "NW", "NORTHWEST": "NW", "NOROESTE": "NW",
    "SE": "SE", "SOUTHEAST": "SE", "SURESTE": "SE",
    "SW": "SW", "SOUTHWEST": "SW", "SUROESTE": "SW",
}

# Street types as the USPS (and the county) abbreviate them, with the spellings people type.
STREET_TYPES = {
    "AVE": ("AV", "AVE", "AVEN", "AVENUE", "AVENIDA"),
    "ST": ("ST", "STR", "STREET", "CALLE"),
    "RD": ("RD", "ROAD"),
    "BLVD": ("BLVD", "BOUL", "BOULEVARD", "BULEVAR"),
    "DR": ("DR", "DRIV", "DRIVE"),
    "PL": ("PL", "PLACE"),
    "CT": ("CT", "CRT", "COURT"),
    "LN": ("LN", "LANE"),
    "WAY": ("WAY", "WY"),
    "PKWY": ("PKWY", "PARKWAY", "PKY"),
    "HWY": ("HWY", "HIGHWAY", "CARRETERA"),
    "TER": ("TER", "TERR", "TERRACE"),
    "CIR": ("CIR", "CIRCLE"),
    "LOOP": ("LOOP",),
    "SQ": ("SQ", "SQUARE", "PLAZA"),
    "TRL": ("TRL", "TRAIL"),
}
TYPE_OF = {spelling: canonical for canonical, spellings in STREET_TYPES.items() for spelling in spellings}
# Spanish puts the street type first ("Calle Main", "Avenida 3 Sur"): these are read as types there.
TYPE_FIRST = ("CALLE", "AVENIDA", "AV", "AVE", "BULEVAR", "CARRETERA")
# Spanish words the parser was not trained on, given to it as the English abbreviation.
SPANISH = {"CALLE": "ST", "AVENIDA": "AVE", "BULEVAR": "BLVD", "CARRETERA": "HWY",
           "NORTE": "N", "SUR": "S", "ESTE": "E", "OESTE": "W", "NORESTE": "NE", "NORDESTE": "NE", "NOROESTE": "NW",
           "SURESTE": "SE", "SUROESTE": "SW"}

ORDINAL_WORDS = {
    "FIRST": 1, "SECOND": 2, "THIRD": 3, "FOURTH": 4, "FIFTH": 5, "SIXTH": 6, "SEVENTH": 7, "EIGHTH": 8,
    "NINTH": 9, "TENTH": 10, "ELEVENTH": 11, "TWELFTH": 12, "THIRTEENTH": 13, "FOURTEENTH": 14,
    "FIFTEENTH": 15, "SIXTEENTH": 16, "SEVENTEENTH": 17, "EIGHTEENTH": 18, "NINETEENTH": 19, "TWENTIETH": 20,
    "PRIMERA": 1, "PRIMERO": 1, "SEGUNDA": 2, "SEGUNDO": 2, "TERCERA": 3, "TERCERO": 3,
}
UNIT_WORDS = ("APT", "APARTMENT", "APTO", "DEPTO", "DEPARTAMENTO", "UNIT", "STE", "SUITE", "NO", "NUM", "NUMERO",
              "RM", "ROOM", "BLDG", "SPC", "SPACE", "LOT", "TRLR")
NUMBERED = re.compile(r"([0-9]+)(ST|ND|RD|TH)?\Z")


@dataclass(frozen=True)
class Address:
    """A street address in canonical form. `number` is the house number as digits (and a letter, if any);
    `street` the street as the county writes it ("NE 45TH ST", "3RD AVE S"); `unit` the unit without its
    designator, or ""."""

    number: str
    predir: str
    name: str
    street_type: str
    postdir: str
    unit: str = ""

    @property
    def street(self):
        return " ".join(part for part in (self.predir, self.name, self.street_type, self.postdir) if part)


def ordinal(number):
    """3 -> "3RD", 11 -> "11TH", 21 -> "21ST", 112 -> "112TH"."""
    if 10 <= number % 100 <= 20:
        suffix = "TH"
    else:
        suffix = {1: "ST", 2: "ND", 3: "RD"}.get(number % 10, "TH")
    return f"{number}{suffix}"


def _words(text):
    """Upper case, accents kept out of the way ("Número" reads as NUMERO), punctuation but # and - as spaces."""
    text = text.upper().translate(str.maketrans("ÁÉÍÓÚÜÑ", "AEIOUUN"))
    text = re.sub(r"(?<=[A-Z])\.", "", text)  # N.E. -> NE, Av. -> AV
    return " ".join(re.sub(r"[^A-Z0-9#\- ]", " ", text).replace("#", " # ").split())


def _type_after_name(words):
    """A Spanish-style type before the name ("15 CALLE MAIN", "15 AVENIDA 3 SUR") moved after it (before a
    closing direction), where the parser expects it; Spanish types and directions in English abbreviations."""
    parts = words.split(" ")
    unit_at = next((i for i, part in enumerate(parts) if i > 2 and (part == "#" or part in UNIT_WORDS)), len(parts))
    street, unit = parts[:unit_at], parts[unit_at:]
    numbered = len(street) >= 3 and re.fullmatch(r"[0-9]+[A-Z]?", street[0])
    if numbered and street[1] in TYPE_FIRST and street[2] not in DIRECTIONS:
        rest = street[2:]
        tail = [rest.pop()] if len(rest) > 1 and rest[-1] in DIRECTIONS else []
        street = [street[0], *rest, street[1], *tail]
    if numbered:
        street = _misspelt_type(street)
    return " ".join(SPANISH.get(part, part) for part in street + unit)


def _misspelt_type(street):
    """A misspelt street type at the end ("45TH STRET", "1ST AVNUE S") spelt right, so the parser reads it as one:
    only a word of 4 letters or more that is no known word here and close to a type's spelling (rapidfuzz)."""
    at = len(street) - 2 if street[-1] in DIRECTIONS else len(street) - 1
    word = street[at]
    if at < 2 or len(word) < 4 or not word.isalpha() or word in TYPE_OF or word in DIRECTIONS or word in SPANISH:
        return street
    found = process.extractOne(word, TYPE_OF.keys(), scorer=fuzz.ratio, score_cutoff=85)
    return street if found is None else [*street[:at], TYPE_OF[found[0]], *street[at + 1:]]


def _name(text):
    """A street name: a numbered street as an ordinal, words as they are."""
    words = text.split()
    if len(words) == 1:
        word = words[0]
        if word in ORDINAL_WORDS:
            return ordinal(ORDINAL_WORDS[word])
        numbered = NUMBERED.match(word)
        if numbered:
            return ordinal(int(numbered.group(1)))
    return " ".join(words)


def _unit(parts):
    words = " ".join(filter(None, (parts.get("OccupancyType", ""), parts.get("OccupancyIdentifier", "")))).split()
    return " ".join(word for word in words if word not in UNIT_WORDS and word != "#")


def normalize(street_line):
    """The canonical Address of a street line ("516 3rd Ave, Apt 2"), or None when it has no house number and
    street name that can be told apart (a PO box, an intersection, words the parser cannot label)."""
    words = _type_after_name(_words(street_line or ""))
    if not words:
        return None
    try:
        tagged, kind = usaddress.tag(words)
    except usaddress.RepeatedLabelError:
        return None
    if kind != "Street Address" or not tagged.get("AddressNumber") or not tagged.get("StreetName"):
        return None
    number = tagged["AddressNumber"].replace(" ", "")
    if not re.fullmatch(r"[0-9]+[A-Z]?", number):
        return None
    # "Camino Real", "Avenue of the Stars": words the parser labels as before the name belong to it.
    name_words = " ".join(tagged.get(label, "") for label in ("StreetNamePreModifier", "StreetNamePreType",
                                                             "StreetName")).split()
    street_type = TYPE_OF.get(tagged.get("StreetNamePostType", ""), tagged.get("StreetNamePostType", ""))
    # The parser sometimes leaves a Spanish type word at the front of the name.
    if not street_type and len(name_words) > 1 and name_words[0] in TYPE_FIRST:
        street_type, name_words = TYPE_OF[name_words[0]], name_words[1:]
    predir = DIRECTIONS.get(tagged.get("StreetNamePreDirectional", ""), tagged.get("StreetNamePreDirectional", ""))
    postdir = DIRECTIONS.get(tagged.get("StreetNamePostDirectional", ""),
                             tagged.get("StreetNamePostDirectional", ""))
    return Address(number=number, predir=predir, name=_name(" ".join(name_words)), street_type=street_type,
                   postdir=postdir, unit=_unit(tagged))


def from_parts(number, predir, name, street_type, postdir, unit=""):
    """The canonical Address of an address already split into parts (as the county's file gives it), or None
    without a house number and a street name. The same tables as `normalize`, without the parser."""
    number, name = _words(str(number or "")).replace(" ", ""), _words(name or "")
    if not re.fullmatch(r"[0-9]+[A-Z]?", number) or not name:
        return None
    street_type = _words(street_type or "")
    predir, postdir = _words(predir or ""), _words(postdir or "")
    return Address(number=number, predir=DIRECTIONS.get(predir, predir), name=_name(name),
                   street_type=TYPE_OF.get(street_type, street_type), postdir=DIRECTIONS.get(postdir, postdir),
                   unit=" ".join(word for word in _words(unit or "").split() if word not in UNIT_WORDS
                                 and word != "#"))
