"""Building the index from the county's records: each point's street in canonical form, its coordinates in
longitude/latitude, and its council district from the installed district polygons, once, here.

The new index is written beside the one in use and swapped in only when every record has been read: one
transaction sets its `ready_at`. A build that fails or is interrupted removes its own rows and leaves the index
in use as it was; so does a build far smaller than the index in use (a file cut short), unless told otherwise.
"""

import re
from collections import Counter
from functools import lru_cache
from itertools import islice

import numpy as np
import shapely
from flask_babel import lazy_gettext as _l

from actiontool.addresses.coordinates import to_wgs84
from actiontool.addresses.index import current
from actiontool.addresses.normalize import UNIT_WORDS, from_parts, normalize
from actiontool.models import HOUSE_NUMBER_DIGITS, AddressIndex, AddressPoint, AddressStreet, db, utcnow

BATCH = 5000
# A new build with fewer points than this share of the index in use is not installed without being told to.
MIN_SHARE = 0.9
# King County, generously (longitude, latitude): a point outside was read in the wrong coordinates.
KING_COUNTY_BOUNDS = (-122.6, 47.0, -120.9, 47.9)

# Why a record was left out (codes stored with the build; the words shown to staff).
SKIP_REASONS = {
    "no_number": _l("no house number"),
    "no_street": _l("no street name"),
    "no_zip": _l("no 5-digit ZIP code"),
    "no_coordinates": _l("no coordinates"),
    "outside_county": _l("coordinates outside King County"),
    "no_district": _l("in no council district"),
    "duplicate": _l("the same SITEID twice"),
}


class BuildFailed(Exception):
    """The new index was not installed; the one in use (if any) still answers."""


def build(records, source, districts, progress=None, allow_smaller=False):
    """Build an index from `records` (sources.Record) and swap it in; return the new AddressIndex.

    `districts` is {"1": shapely geometry, ...} (the installed polygons). `progress(points_read)` is called after
    each batch. Raises BuildFailed (or the source's own error) with the index in use unchanged.
    """
    remove_unfinished()
    index = AddressIndex(source=source[:1000], points=0, per_district={}, skipped={})
    db.session.add(index)
    db.session.commit()
    index_id = index.id
    try:
        per_district, skipped = _load(index_id, records, districts, progress)
        points = sum(per_district.values())
        if not points:
            raise BuildFailed("not the county's address points: no record has a house number and a street name"
                              if set(skipped) <= {"no_number", "no_street"} else "no usable point in the file")
        in_use = current()
        if in_use is not None and points < MIN_SHARE * in_use.points and not allow_smaller:
            raise BuildFailed(f"the new file has {points:,} usable points, far fewer than the {in_use.points:,} "
                              "of the index in use (a file cut short?). If the county's file really shrank, run "
                              "the same command with --allow-smaller")
        db.session.execute(AddressStreet.__table__.insert().from_select(
            ["index_id", "zip", "street"],
            db.select(AddressPoint.index_id, AddressPoint.zip, AddressPoint.street)
            .where(AddressPoint.index_id == index_id).distinct()))
        index = db.session.get(AddressIndex, index_id)
        index.points, index.per_district, index.skipped = points, dict(per_district), dict(skipped)
        index.ready_at = utcnow()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        _remove([index_id])
        raise
    _remove([old for old in db.session.scalars(db.select(AddressIndex.id).where(AddressIndex.id != index_id))])
    return index


def remove_unfinished():
    """Remove what an interrupted build left (an index never finished)."""
    _remove(db.session.scalars(db.select(AddressIndex.id).where(AddressIndex.ready_at.is_(None))).all())


def _remove(index_ids):
    if not index_ids:
        return
    for model in (AddressPoint, AddressStreet):
        db.session.execute(db.delete(model).where(model.index_id.in_(index_ids)))
    db.session.execute(db.delete(AddressIndex).where(AddressIndex.id.in_(index_ids)))
    db.session.commit()


def _load(index_id, records, districts, progress):
    per_district, skipped, seen, read = Counter(), Counter(), set(), 0
    records = iter(records)
    while batch := list(islice(records, BATCH)):
        read += len(batch)
        rows = []
        places = to_wgs84([(record.x, record.y, record.srid) for record in batch])
        in_district = _districts_of(places, districts)
        for record, place, district in zip(batch, places, in_district, strict=True):
            made = _rows(record.fields, place, district, seen)
            if isinstance(made, str):
                skipped[made] += 1
                continue
            per_district[district] += 1
            rows.extend(dict(row, index_id=index_id) for row in made)
        if rows:
            db.session.execute(AddressPoint.__table__.insert(), rows)
        db.session.commit()
        if progress:
            progress(read)
    return per_district, skipped


def _districts_of(places, districts):
    """The district of each (lon, lat) (None outside King County's box or every district), all at once."""
    found = [None] * len(places)
    west, south, east, north = KING_COUNTY_BOUNDS
    inside = [i for i, place in enumerate(places)
              if place and west <= place[0] <= east and south <= place[1] <= north]
    if not inside:
        return found
    xs = np.array([places[i][0] for i in inside])
    ys = np.array([places[i][1] for i in inside])
    for district, geometry in districts.items():
        hits = shapely.intersects_xy(geometry, xs, ys)
        for i, hit in zip(inside, hits, strict=True):
            if hit and found[i] is None:
                found[i] = district
    return found


def _text(fields, name):
    value = fields.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).upper().split())


def _rows(fields, place, district, seen):
    """The index rows of one record (its street, then its aliases), or the code of why it is left out."""
    number_text = _text(fields, "ADDR_NUM") or _text(fields, "ADDR_HN")
    number = re.match(rf"([0-9]{{1,{HOUSE_NUMBER_DIGITS}}})(?![0-9])\s*(\S{{0,8}})", number_text)
    if not number:
        return "no_number"
    name = " ".join(filter(None, (_text(fields, "ADDR_PT"), _text(fields, "ADDR_SN"))))
    address = from_parts(number.group(1), _text(fields, "ADDR_PD"), name, _text(fields, "ADDR_ST"),
                         _text(fields, "ADDR_SD"))
    if address is None and _text(fields, "FULLNAME"):
        address = _parsed(number.group(1) + " " + _text(fields, "FULLNAME"))
    if address is None or len(address.street) > 80:
        return "no_street"
    zip_code = _text(fields, "ZIP5")[:5]
    if not re.fullmatch(r"[0-9]{5}", zip_code):
        return "no_zip"
    if place is None:
        return "no_coordinates"
    if district is None:
        west, south, east, north = KING_COUNTY_BOUNDS
        inside = west <= place[0] <= east and south <= place[1] <= north
        return "no_district" if inside else "outside_county"
    site = _text(fields, "SITEID")
    if site:
        if site in seen:
            return "duplicate"
        seen.add(site)
    row = {"number": int(number.group(1)), "number_suffix": number.group(2)[:8], "unit": _unit(fields, number_text),
           "zip": zip_code, "city": (_text(fields, "POSTALCTYNAME") or _text(fields, "CTYNAME"))[:40],
           "district": district, "lon": place[0], "lat": place[1]}
    rows = [dict(row, street=address.street, alias=False)]
    for alias_field in ("ALIAS1", "ALIAS2"):
        alias = _text(fields, alias_field)
        parsed = _parsed("1 " + alias) if alias else None
        if parsed and parsed.street != address.street and len(parsed.street) <= 80 and all(
                other["street"] != parsed.street for other in rows):
            rows.append(dict(row, street=parsed.street, alias=True))
    return rows


@lru_cache(maxsize=100_000)
def _parsed(line):
    """normalize(line), remembered: street names and aliases repeat on every point of a street."""
    return normalize(line)


def _unit(fields, number_text):
    """The unit ADDR_FULL carries after the number and the street ("4512 NE 45TH ST UNIT 3" -> "3"), or ""."""
    full, street = _text(fields, "ADDR_FULL").split(), _text(fields, "FULLNAME").split()
    head = number_text.split() + street
    if not street or len(full) <= len(head) or full[:len(head)] != head:
        return ""
    return " ".join(word for word in full[len(head):] if word not in UNIT_WORDS and word != "#")[:16]
