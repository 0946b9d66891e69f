"""Checking the roster against the county's own layer (COUNCILMEM, EMAIL), changing nothing."""

import re
import unicodedata

from actiontool.roster.rows import COUNCILMEMBER, DISTRICTS


def _comparable_name(name):
    """A name without accents, case, punctuation or middle initials ("Jorge L. Barón" ~ "Jorge Baron")."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return " ".join(word for word in re.split(r"[^a-z]+", plain) if len(word) > 1)


def check_against_county(rows, members):
    """Differences between the roster's councilmembers and the county layer's COUNCILMEM and
    EMAIL fields, as plain dicts; changes nothing."""
    differences = []
    ours = {row["district"]: row for row in rows if row["office"] == COUNCILMEMBER}
    for district in DISTRICTS:
        row, county = ours.get(district), members.get(district)
        if county is None:
            differences.append({"district": district, "field": "district", "roster": "present",
                                "county": "missing"})
            continue
        if row is None:
            continue
        if _comparable_name(row["name"]) != _comparable_name(county["name"]):
            differences.append({"district": district, "field": "name", "roster": row["name"],
                                "county": county["name"]})
        if row["email"].casefold() != county["email"].casefold():
            differences.append({"district": district, "field": "email", "roster": row["email"],
                                "county": county["email"]})
    return differences
