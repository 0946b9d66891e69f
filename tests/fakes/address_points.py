"""A synthetic copy of King County's address points (layer ``address``, "Addresses in King County";
/work/shared/reference/county-address-points.md), laid over the synthetic districts of geography.py.

Each record is a dict of the county's fields, every key in every record, as an ArcGIS export gives them
(``FIELDS``): ``OBJECTID``, ``SITEID`` (unique id), ``SITETYPE`` ("R1" a house, "R3" a unit of an apartment
building, "C1" commercial), ``ADDR_HN`` (house number, int), ``ADDR_NUM`` (the number as written, ~1% with a
letter: "1204A"), the street parts ``ADDR_PD`` (prefix direction), ``ADDR_PT`` (prefix type, always "" here),
``ADDR_SN`` (name), ``ADDR_ST`` (type), ``ADDR_SD`` (suffix direction), ``ADDR_FULL`` ("4512 NE 45TH ST", ~5%
with "UNIT n"), ``FULLNAME`` (the street: "NE 45TH ST"), ``ALIAS1``/``ALIAS2`` (other names of the street),
``ZIP5``/``PLUS4`` (PLUS4 "" when USPS has no ZIP+4 record), ``CTYNAME`` (jurisdiction, "" when unincorporated),
``POSTALCTYNAME``, ``LAT``/``LON`` (WGS84) and ``POINT_X``/``POINT_Y``: the layer's own spatial reference,
NAD83(HARN) Washington North State Plane, US feet (EPSG:2926), computed with pyproj; ``COMMENTS``.

Layout, Seattle-like: a meridian at lon -122.3 (between district columns 1 and 2) and a parallel at lat 47.6
(between district rows 1 and 2). Numbered streets (east-west, every 0.002 deg) are "NE/NW nTH ST" north of the
parallel (n = 1..50) and "S/SW nTH ST" south of it (n = 51..150), NE/S east of the meridian, NW/SW west of it;
numbered avenues (north-south, every 0.003 deg) are "nTH AVE NE/NW" and "nTH AVE S/SW" (n = 1..33 west,
1..66 east), and "1ST".."6TH AVE" without a direction downtown (the first 15 blocks north of the parallel).
House numbers count blocks from the meridian (streets) or the parallel (avenues), 100 a block, even numbers on
the left going away from it, odd on the right; the streets of one name ("45TH ST": NE and NW; "3RD AVE": NE,
NW, S, SW) have their houses at the same numbers, so an address typed without its direction is ambiguous
wherever the number exists on more than one of them.
Named streets: PINE ST / E PINE ST, NW MARKET ST, AURORA AVE N (alias SR 99), CALIFORNIA AVE SW, LAKE CITY
WAY NE, and the diagonals RAINIER AVE S and MARTIN LUTHER KING JR WAY S (alias MLK JR WAY S). SE 416TH ST,
near Enumclaw, lies outside every district. ZIPs and cities come from a 6x6 grid of 0.05-degree cells.
"""

from __future__ import annotations

import csv
import json
import math
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pyproj import Transformer

from tests.fakes.geography import DISTRICT_BOUNDS, districts_at

FIELDS = ("OBJECTID", "SITEID", "SITETYPE", "ADDR_HN", "ADDR_NUM", "ADDR_PD", "ADDR_PT", "ADDR_SN", "ADDR_ST",
          "ADDR_SD", "ADDR_FULL", "FULLNAME", "ALIAS1", "ALIAS2", "ZIP5", "PLUS4", "CTYNAME", "POSTALCTYNAME",
          "LAT", "LON", "POINT_X", "POINT_Y", "COMMENTS")
LON0, LAT0, DLON, DLAT = -122.3, 47.6, 0.003, 0.002  # the meridian, the parallel, a block each way
BUILDING_EVERY, UNITS = 60, 3  # every 60th site of a street is an apartment building with 3 unit points
LETTER_EVERY = 97  # and every 97th house number has a letter
TO_STATE_PLANE = Transformer.from_crs(4326, 2926, always_xy=True)

# ZIP of each 0.05-degree cell, rows from the north (lat 47.70) and columns from the west (lon -122.40).
ZIP_GRID = [row.split() for row in ("98117 98103 98103 98115 98004 98007",
                                    "98199 98109 98102 98112 98004 98008",
                                    "98116 98134 98144 98118 98006 98006",
                                    "98126 98108 98118 98178 98056 98059",
                                    "98146 98108 98168 98178 98056 98058",
                                    "98166 98148 98188 98188 98055 98058")]
CITIES = {"98004": ("BELLEVUE", "BELLEVUE"), "98006": ("BELLEVUE", "BELLEVUE"), "98007": ("BELLEVUE", "BELLEVUE"),
          "98008": ("BELLEVUE", "BELLEVUE"), "98055": ("RENTON", "RENTON"), "98056": ("RENTON", "RENTON"),
          "98058": ("RENTON", "RENTON"), "98059": ("", "RENTON"), "98146": ("", "SEATTLE"),
          "98166": ("BURIEN", "BURIEN"), "98148": ("BURIEN", "SEATTLE"), "98168": ("TUKWILA", "SEATTLE"),
          "98188": ("TUKWILA", "TUKWILA"), "98022": ("", "ENUMCLAW")}  # (CTYNAME, POSTALCTYNAME); else SEATTLE
# Areas that differ from the grid, first match wins: (min_lon, min_lat, max_lon, max_lat, ZIP, city, postal city).
ZIP_AREAS = [(-122.40, 47.685, -122.30, 47.70, "98133", "SHORELINE", "SEATTLE"),
             (-122.30, 47.685, -122.25, 47.70, "98133", "SEATTLE", "SEATTLE"),
             (-122.25, 47.45, -122.20, 47.50, "98178", "", "SEATTLE"),  # Skyway, unincorporated
             (-122.00, 47.00, -121.80, 47.30, "98022", "", "ENUMCLAW")]
DIRECTION_WORDS = {"N": ("North", "Norte"), "S": ("South", "Sur"), "E": ("East", "Este"), "W": ("West", "Oeste"),
                   "NE": ("Northeast", "Noreste"), "NW": ("Northwest", "Noroeste"), "SE": ("Southeast", "Sureste"),
                   "SW": ("Southwest", "Suroeste")}
TYPE_WORDS = {"ST": "Street", "AVE": "Avenue", "WAY": "Way", "PL": "Place", "RD": "Road", "BLVD": "Boulevard",
              "DR": "Drive", "LN": "Lane", "CT": "Court"}
TYPE_TYPOS = {"ST": "Stret", "AVE": "Avnue", "WAY": "Wya", "PL": "Plce", "RD": "Raod", "BLVD": "Boulvard",
              "DR": "Drvie", "LN": "Lnae", "CT": "Cuort"}


@dataclass(frozen=True)
class Street:
    """A straight street from ``start`` to ``end`` (lon, lat), numbered from block ``first_block`` (house
    numbers ``100 * (first_block + 1)`` up) over ``blocks`` blocks. ``key``: streets with the same key have
    their houses at the same numbers (the numbered streets of one name)."""

    pd: str
    sn: str
    st: str
    sd: str
    start: tuple[float, float]
    end: tuple[float, float]
    first_block: float
    blocks: float
    alias1: str = ""
    alias2: str = ""
    commercial: float = 0.05
    key: str = ""

    @property
    def fullname(self) -> str:
        return " ".join(part for part in (self.pd, self.sn, self.st, self.sd) if part)


def ordinal(n: int) -> str:
    suffix = "TH" if 10 <= n % 100 <= 20 else {1: "ST", 2: "ND", 3: "RD"}.get(n % 10, "TH")
    return f"{n}{suffix}"


def _numbered_streets() -> list[Street]:
    streets = []
    for n in range(1, 151):  # east-west: NE/NW 1ST..50TH ST going north, S/SW 51ST..150TH ST going south
        north = n <= 50
        lat = LAT0 + (n - 0.5) * DLAT if north else LAT0 - (n - 50.5) * DLAT
        east, west = ("NE", "NW") if north else ("S", "SW")
        streets.append(Street(east, ordinal(n), "ST", "", (LON0, lat), (-122.1, lat), 0, 0.2 / DLON))
        streets.append(Street(west, ordinal(n), "ST", "", (LON0, lat), (-122.4, lat), 0, 0.1 / DLON))
    for n in range(1, 67):  # north-south
        for side in (1, -1) if n <= 33 else (1,):
            lon = LON0 + side * (n - 0.5) * DLON
            north, south = ("NE", "S") if side == 1 else ("NW", "SW")
            if side == 1 and n <= 6:  # downtown: "3RD AVE", then "3RD AVE NE" from the 1600 block
                streets.append(Street("", ordinal(n), "AVE", "", (lon, LAT0), (lon, LAT0 + 15 * DLAT), 0, 15))
                streets.append(Street("", ordinal(n), "AVE", north, (lon, LAT0 + 15 * DLAT), (lon, 47.7), 15, 35))
            else:
                streets.append(Street("", ordinal(n), "AVE", north, (lon, LAT0), (lon, 47.7), 0, 50))
            streets.append(Street("", ordinal(n), "AVE", south, (lon, LAT0), (lon, 47.4), 0, 100))
    return [Street(**{**s.__dict__, "key": f"{s.sn} {s.st}"}) for s in streets]


NAMED = [Street("", "PINE", "ST", "", (LON0, LAT0 + 8 * DLAT), (LON0 - 0.05, LAT0 + 8 * DLAT), 0, 0.05 / DLON,
                commercial=0.4, key="PINE ST"),
         Street("E", "PINE", "ST", "", (LON0, LAT0 + 8 * DLAT), (LON0 + 0.06, LAT0 + 8 * DLAT), 0, 0.06 / DLON,
                commercial=0.4, key="PINE ST"),
         Street("NW", "MARKET", "ST", "", (LON0, LAT0 + 34 * DLAT), (-122.4, LAT0 + 34 * DLAT), 0, 0.1 / DLON),
         Street("", "AURORA", "AVE", "N", (LON0 - 15 * DLON, LAT0), (LON0 - 15 * DLON, 47.7), 0, 50, "SR 99", "HWY 99",
                0.5),
         Street("", "CALIFORNIA", "AVE", "SW", (LON0 - 29 * DLON, LAT0), (LON0 - 29 * DLON, 47.45), 0, 75),
         Street("", "LAKE CITY", "WAY", "NE", (LON0 + 0.02, 47.66), (LON0 + 0.08, 47.695), 30, 20),
         Street("", "MARTIN LUTHER KING JR", "WAY", "S", (-122.29, 47.58), (-122.26, 47.43), 10, 75, "MLK JR WAY S")]
RAINIER = Street("", "RAINIER", "AVE", "S", (-122.305, 47.599), (-122.205, 47.449), 0, 75, commercial=0.3)
OUTSIDE = Street("SE", "416TH", "ST", "", (-121.95, 47.22), (-121.90, 47.22), 240, 16)
STREETS = _numbered_streets() + NAMED  # houses at one spacing for all; RAINIER and OUTSIDE take what is left


def zip_and_cities(lon: float, lat: float) -> tuple[str, str, str]:
    """(ZIP5, CTYNAME, POSTALCTYNAME) of a point."""
    for x0, y0, x1, y1, zip5, city, postal in ZIP_AREAS:
        if x0 <= lon < x1 and y0 <= lat < y1:
            return zip5, city, postal
    row = min(5, max(0, int((47.7 - lat) / 0.05)))
    col = min(5, max(0, int((lon + 122.4) / 0.05)))
    zip5 = ZIP_GRID[row][col]
    return (zip5, *CITIES.get(zip5, ("SEATTLE", "SEATTLE")))


def _phases(street: Street, seed: int) -> tuple[float, int, int]:
    """Where a street's houses start (a fraction of the spacing) and which sites are buildings and lettered."""
    rng = random.Random(f"{seed}/{street.key or street.fullname}")
    return 0.05 + 0.9 * rng.random(), rng.randrange(BUILDING_EVERY), rng.randrange(LETTER_EVERY)


def _site_range(street: Street, spacing: float, phase: float) -> tuple[int, int]:
    """Site k of a street stands at block (k + phase) * spacing: the ks within the street."""
    return (math.ceil(street.first_block / spacing - phase),
            math.ceil((street.first_block + street.blocks) / spacing - phase))


def _points_on(street: Street, spacing: float, seed: int) -> int:
    phase, building, _ = _phases(street, seed)
    lo, hi = _site_range(street, spacing, phase)
    buildings = (hi - 1 - building) // BUILDING_EVERY - (lo - 1 - building) // BUILDING_EVERY
    return max(0, hi - lo) + (UNITS - 1) * max(0, buildings)


def _spacing(target: int, seed: int) -> float:
    """The densest spacing (blocks between houses) at which STREETS and RAINIER, as dense, fit in target."""
    lo, hi = 0.011, 1e6  # 100 houses a block at most, or numbers would repeat
    if sum(_points_on(s, lo, seed) for s in STREETS) + RAINIER.blocks / lo < target:
        raise ValueError(f"more points than the streets hold: {target}")
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if sum(_points_on(s, mid, seed) for s in STREETS) + RAINIER.blocks / mid <= target \
            else (mid, hi)
    return hi


def _sites(street: Street, seed: int, spacing: float | None = None, count: int = 0) -> Iterator[tuple]:
    """(k, block position, units, lettered) of each house of a street: at ``spacing``, or ``count`` evenly."""
    phase, building, letter = _phases(street, seed)
    if spacing is None:
        for k in range(count):
            yield k, street.first_block + (k + 0.5) * street.blocks / count, 1, k % LETTER_EVERY == letter
        return
    for k in range(*_site_range(street, spacing, phase)):
        units = UNITS if k % BUILDING_EVERY == building else 1
        yield k, (k + phase) * spacing, units, k % LETTER_EVERY == letter


def _records(street: Street, sites: Iterable[tuple], seed: int) -> Iterator[dict[str, Any]]:
    """The records of a street's houses (OBJECTID and SITEID set by the caller)."""
    sites = list(sites)
    rng = random.Random(f"{seed}:{street.fullname}")
    (x0, y0), (x1, y1) = street.start, street.end
    cos = math.cos(math.radians(y0))
    length = math.hypot((x1 - x0) * cos, y1 - y0)
    left = (-(y1 - y0) / length * 12 / 111_320 / cos, (x1 - x0) * cos / length * 12 / 110_574)  # 12 m left
    points = []
    for k, block, _, _ in sites:
        t, side = (block - street.first_block) / street.blocks, (1 if k % 2 == 0 else -1)
        points.append((round(x0 + t * (x1 - x0) + side * left[0], 7), round(y0 + t * (y1 - y0) + side * left[1], 7)))
    xs, ys = TO_STATE_PLANE.transform([p[0] for p in points], [p[1] for p in points]) if points else ([], [])
    fullname = street.fullname
    for (k, block, units, lettered), (lon, lat), x, y in zip(sites, points, xs, ys, strict=True):
        hn = 100 + 2 * int(block * 50) + k % 2  # the 100s of block 0, the 200s of block 1, ...
        number = f"{hn}{'AB'[(k // LETTER_EVERY) % 2]}" if lettered else str(hn)
        zip5, city, postal = zip_and_cities(lon, lat)
        plus4 = "" if rng.random() < 0.06 else f"{(int(block) * 2 + k % 2 + len(fullname) * 37) % 10000:04d}"
        kind = "C1" if rng.random() < street.commercial else "R1"
        for unit in range(1, units + 1):
            yield {"OBJECTID": 0, "SITEID": 0, "SITETYPE": "R3" if units > 1 else kind, "ADDR_HN": hn,
                   "ADDR_NUM": number, "ADDR_PD": street.pd, "ADDR_PT": "", "ADDR_SN": street.sn,
                   "ADDR_ST": street.st, "ADDR_SD": street.sd,
                   "ADDR_FULL": f"{number} {fullname} UNIT {unit}" if units > 1 else f"{number} {fullname}",
                   "FULLNAME": fullname, "ALIAS1": street.alias1, "ALIAS2": street.alias2, "ZIP5": zip5, "PLUS4": plus4,
                   "CTYNAME": city, "POSTALCTYNAME": postal, "LAT": lat, "LON": lon,
                   "POINT_X": round(x, 3), "POINT_Y": round(y, 3), "COMMENTS": ""}


def iter_county_points(count: int, seed: int = 14) -> Iterator[dict[str, Any]]:
    """``count`` records, one at a time (a list of 665,000 takes about 1 GB; this, a few MB).
    The same count and seed give the same records."""
    outside = min(count, max(3, count // 2000))
    target = count - outside
    plan = [(OUTSIDE, _sites(OUTSIDE, seed, count=outside))]
    if target:
        spacing = _spacing(target, seed)
        plan += [(street, _sites(street, seed, spacing)) for street in STREETS]
        rest = target - sum(_points_on(street, spacing, seed) for street in STREETS)
        plan.append((RAINIER, _sites(RAINIER, seed, count=rest)))
    object_id = 0
    for street, sites in plan:
        for record in _records(street, sites, seed):
            object_id += 1
            record["OBJECTID"] = object_id
            record["SITEID"] = (object_id + seed * 1_000_003) * 48271 % 2_147_483_647  # a prime: all differ
            yield record


def county_points(count: int, seed: int = 14) -> list[dict[str, Any]]:
    """``count`` records (OBJECTID 1..count) as a list; see iter_county_points for big counts."""
    return list(iter_county_points(count, seed))


def expected_district(record: dict[str, Any]) -> str | None:
    """The district ("1".."9") holding the record's point, the first one on an edge; None outside them all."""
    found = districts_at(record["LON"], record["LAT"], DISTRICT_BOUNDS)
    return found[0] if found else None


def write_geojson(path, records: Iterable[dict[str, Any]], crs: int = 4326) -> int:
    """The records as ArcGIS Hub's GeoJSON download, written one at a time: Points at [LON, LAT], or with
    ``crs=2926`` at [POINT_X, POINT_Y] with the legacy ``crs`` member naming EPSG:2926. Returns the count."""
    if crs not in (4326, 2926):
        raise ValueError(f"crs must be 4326 or 2926, not {crs}")
    x, y = ("LON", "LAT") if crs == 4326 else ("POINT_X", "POINT_Y")
    written = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"type": "FeatureCollection", ')
        if crs == 2926:
            out.write('"crs": {"type": "name", "properties": {"name": "EPSG:2926"}}, ')
        out.write('"features": [\n')
        for record in records:
            feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [record[x], record[y]]},
                       "properties": record}
            out.write((",\n" if written else "") + json.dumps(feature))
            written += 1
        out.write("\n]}\n")
    return written


def write_csv(path, records: Iterable[dict[str, Any]]) -> int:
    """The records as the county's CSV download, written one at a time: ``X``, ``Y`` (LON, LAT) then
    every field. Returns the count."""
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(("X", "Y", *FIELDS))
        for record in records:
            writer.writerow((record["LON"], record["LAT"], *(record[name] for name in FIELDS)))
            written += 1
    return written


def _name(sn: str) -> str:
    return " ".join(word.lower() if word[0].isdigit() else word.title() for word in sn.split())


def _typo(word: str, at: int) -> str:
    """One letter of ``word`` dropped, swapped with the next, or doubled (by ``at``), never the first."""
    i = 1 + at % (len(word) - 2)
    for candidate in (word[:i] + word[i + 1:], word[:i] + word[i + 1] + word[i] + word[i + 2:],
                      word[:i] + word[i] + word[i:])[at % 3:]:
        if candidate != word:
            return candidate
    return word[:i] + word[i + 1:]


def typed_variants(record: dict[str, Any]) -> dict[str, str]:
    """How people type this record's street line, by kind: "exact", "typo", "missing_direction", "unit",
    "spanish", "full_words". Deterministic (from SITEID)."""
    num, pd, sn, st, sd = (record[f] for f in ("ADDR_NUM", "ADDR_PD", "ADDR_SN", "ADDR_ST", "ADDR_SD"))
    unit = record["ADDR_FULL"][len(f"{num} {record['FULLNAME']}"):].replace("UNIT", "").strip()
    at = record["SITEID"]

    def line(*parts: str) -> str:
        return " ".join(part for part in parts if part)

    name, kind = _name(sn), st.title()
    base = line(num, pd, name, kind, sd)
    if sn[0].isdigit():
        typo = line(num, pd, name, TYPE_TYPOS[st], sd)
    else:
        longest = max(sn.split(), key=len)
        typo = line(num, pd, _name(sn.replace(longest, _typo(longest, at), 1)), kind, sd)
    es = [DIRECTION_WORDS[d][1] for d in (pd, sd) if d]
    if unit:
        spanish = f"{base}, Apto {unit}" if at % 2 else f"{base} #{unit}"
    elif st in ("ST", "AVE"):
        spanish = line(num, "Calle" if st == "ST" else "Avenida", sn.rstrip("STNDRH") if sn[0].isdigit() else name,
                       *es)
    else:
        spanish = line(num, name, kind, *es)
    return {"exact": line(base, "Unit " + unit if unit else ""),
            "typo": typo,
            "missing_direction": line(num, name, kind),
            "unit": f"{base} Apt {unit or 1 + record['ADDR_HN'] % 12}",
            "spanish": spanish,
            "full_words": line(num, DIRECTION_WORDS.get(pd, ("",))[0], name, TYPE_WORDS[st],
                               DIRECTION_WORDS.get(sd, ("",))[0])}
