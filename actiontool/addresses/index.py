"""The index in use: which build answers lookups, what it holds, and its street names per ZIP code (kept in
memory once per process and per build, since close matches are chosen among them)."""

import datetime as dt
import threading
from dataclasses import dataclass

from actiontool.addresses.normalize import DIRECTIONS, STREET_TYPES
from actiontool.models import AddressIndex, AddressStreet, db, utcnow
from actiontool.officials import COUNCIL_DISTRICTS

# The county republishes its address points weekly: an index older than this is flagged to staff.
OLD_AFTER = dt.timedelta(days=14)


def _newest_finished(*columns):
    return (db.select(*columns).where(AddressIndex.ready_at.is_not(None))
            .order_by(AddressIndex.ready_at.desc(), AddressIndex.id.desc()).limit(1))


def current():
    """The AddressIndex that answers lookups (the newest finished build), or None when none is installed."""
    return db.session.scalar(_newest_finished(AddressIndex))


def in_use():
    """(id, ready_at) of the index in use, or None: what names one build for good (a database may give a later
    build the id of one removed)."""
    row = db.session.execute(_newest_finished(AddressIndex.id, AddressIndex.ready_at)).first()
    return tuple(row) if row else None


def status():
    """What the staff page and `addresses status` show: a plain dict, or None when no index is installed."""
    index = current()
    if index is None:
        return None
    return {"source": index.source, "built_at": index.ready_at, "started_at": index.started_at,
            "old": index.ready_at < utcnow() - OLD_AFTER,
            "points": index.points,
            "per_district": {district: index.per_district.get(district, 0) for district in COUNCIL_DISTRICTS},
            "skipped": dict(index.skipped)}


@dataclass(frozen=True)
class Street:
    """A street of the index in parts: "NE 45TH ST" is name "45TH", type "ST", directions {"NE"}."""

    street: str
    name: str
    street_type: str
    directions: frozenset


def street_parts(street):
    """A canonical street ("NE 45TH ST", "3RD AVE S") as a Street."""
    words = street.split(" ")
    directions = set()
    if len(words) > 1 and words[0] in DIRECTIONS:
        directions.add(words.pop(0))
    if len(words) > 1 and words[-1] in DIRECTIONS:
        directions.add(words.pop())
    street_type = words.pop() if len(words) > 1 and words[-1] in STREET_TYPES else ""
    return Street(street, " ".join(words), street_type, frozenset(directions))


_streets = {}
_lock = threading.Lock()


def streets(build):
    """{zip: [Street, ...]} of the index `build` (as in_use() gives it), read once per process."""
    with _lock:
        if build not in _streets:
            by_zip = {}
            rows = db.session.execute(db.select(AddressStreet.zip, AddressStreet.street)
                                      .where(AddressStreet.index_id == build[0]))
            for zip_code, street in rows:
                by_zip.setdefault(zip_code, []).append(street_parts(street))
            _streets.clear()  # only the index in use is kept
            _streets[build] = by_zip
        return _streets[build]
