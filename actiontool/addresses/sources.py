"""Reading the county's address points from what an operator has: its GeoJSON or CSV export, or the pages
`addresses fetch` saved from its ArcGIS layer. Each reader yields Records, one per point, streaming (a full
county file is hundreds of MB), and raises SourceInvalid for a file it cannot read at all.

Coordinates are read as given and converted once, in batches (coordinates.py): the county publishes in
Washington North State Plane, US feet (EPSG:2926); GeoJSON is in longitude/latitude unless it says otherwise.
"""

import codecs
import csv
import json
import os
from dataclasses import dataclass

import ijson

from actiontool.addresses.coordinates import STATE_PLANE, WGS84
from actiontool.addresses.layer import saved_pages


class SourceInvalid(ValueError):
    """The file is not an address-point export we can read."""


@dataclass
class Record:
    """One point of the county's file: its fields (SITEID, ADDR_HN, ...) and coordinates as given."""

    fields: dict
    x: float | None
    y: float | None
    srid: int | None  # 4326, 2926, or None when the file does not say (told apart by the numbers' size)


def _float(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def read(path):
    """Records from a GeoJSON (.geojson, .json) or CSV (.csv) file. Like every reader here, nothing is read (and
    nothing raised) until the first record is asked for."""
    extension = os.path.splitext(path)[1].lower()
    if extension in (".geojson", ".json"):
        yield from read_geojson(path)
    elif extension == ".csv":
        yield from read_csv(path)
    else:
        raise SourceInvalid("expected a .geojson, .json or .csv file")


def _srid(crs):
    """The EPSG code a GeoJSON `crs` member names (the county's older exports carry one), None when it names
    none, -1 for another system."""
    properties = crs.get("properties") if isinstance(crs, dict) else None
    name = str(properties.get("name", "")) if isinstance(properties, dict) else ""
    for code in (STATE_PLANE, WGS84):
        if name.endswith(f":{code}") or name.endswith(f"::{code}"):
            return code
    if name.endswith("CRS84"):
        return WGS84
    return None if not name else -1


# No GeoJSON point is nested deeper than this; a file that is (junk, or made to exhaust memory) is refused.
MOST_DEPTH = 32
_END = object()


def read_geojson(path):
    """Records from a FeatureCollection of Points, streamed with ijson's basic events (a county export is ~400 MB:
    parsed whole, it would take gigabytes of memory). A file cut short raises SourceInvalid where it ends."""
    try:
        with open(path, "rb") as source:
            if source.read(3) != codecs.BOM_UTF8:
                source.seek(0)
            events = _shallow(ijson.basic_parse(source, use_float=True))
            if next(events, (None, None))[0] != "start_map":
                raise SourceInvalid("not a GeoJSON FeatureCollection")
            srid, features = None, False
            for event, key in events:
                if event == "end_map":
                    break
                if key == "features":
                    features = True
                    if next(events, (None, None))[0] != "start_array":
                        raise SourceInvalid("not a GeoJSON FeatureCollection")
                    while (feature := _value(events)) is not _END:
                        yield _feature_record(feature, srid)
                    continue
                value = _value(events)
                if key == "type" and value != "FeatureCollection":
                    raise SourceInvalid("not a GeoJSON FeatureCollection")
                if key == "crs":
                    srid = _srid(value)
                    if srid == -1:
                        raise SourceInvalid("coordinates in a reference system other than EPSG:4326 or EPSG:2926")
            if not features:
                raise SourceInvalid("not a GeoJSON FeatureCollection")
    except OSError as error:
        raise SourceInvalid(f"cannot open the file ({error})") from error
    except ijson.IncompleteJSONError as error:
        raise SourceInvalid("not a readable GeoJSON file: it ends early (empty, or a download cut short?)"
                            if "premature EOF" in str(error) else f"not a readable GeoJSON file ({_first_line(error)})"
                            ) from error
    except (ijson.JSONError, UnicodeDecodeError) as error:
        raise SourceInvalid(f"not a readable GeoJSON file ({_first_line(error)})") from error


def _first_line(error):
    return str(error).strip().splitlines()[0] if str(error).strip() else error.__class__.__name__


def _shallow(events):
    """The events, refused past MOST_DEPTH levels of nesting."""
    depth = 0
    for event, value in events:
        if event in ("start_map", "start_array"):
            depth += 1
            if depth > MOST_DEPTH:
                raise SourceInvalid(f"not a GeoJSON file of points (nested more than {MOST_DEPTH} levels deep)")
        elif event in ("end_map", "end_array"):
            depth -= 1
        yield event, value


def _value(events):
    """The next whole JSON value of the event stream, or _END at the close of the array being read."""
    builder, depth = ijson.ObjectBuilder(), 0
    for event, value in events:
        if depth == 0 and event == "end_array":
            return _END
        builder.event(event, value)
        depth += event in ("start_map", "start_array")
        depth -= event in ("end_map", "end_array")
        if depth == 0:
            return builder.value
    raise SourceInvalid("not a readable GeoJSON file: it ends early (empty, or a download cut short?)")


def _feature_record(feature, srid):
    feature = feature if isinstance(feature, dict) else {}
    geometry = feature.get("geometry") or {}
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) and geometry.get("type") == "Point" \
        else None
    x, y = coordinates[:2] if isinstance(coordinates, list) and len(coordinates) >= 2 else (None, None)
    properties = feature.get("properties")
    return Record(properties if isinstance(properties, dict) else {}, _float(x), _float(y), srid)


# Coordinate columns of a CSV export, in the order they are trusted: longitude/latitude first.
CSV_COORDINATES = (("LON", "LAT", WGS84), ("X", "Y", None), ("POINT_X", "POINT_Y", STATE_PLANE))


def read_csv(path):
    """Records from the county's CSV export (a header row; LON/LAT, X/Y or POINT_X/POINT_Y columns)."""
    try:
        source = open(path, encoding="utf-8-sig", newline="")
    except OSError as error:
        raise SourceInvalid(f"cannot open the file ({error})") from error
    with source:
        try:
            reader = csv.DictReader(source)
            header = [name.strip().upper() for name in reader.fieldnames or []]
        except (UnicodeDecodeError, csv.Error) as error:
            raise SourceInvalid(f"not a readable CSV file ({error})") from error
        columns = [(x, y, srid) for x, y, srid in CSV_COORDINATES if x in header and y in header]
        if "ADDR_HN" not in header or not columns:
            raise SourceInvalid("not the county's address export: it needs ADDR_HN and LON/LAT, X/Y or "
                                "POINT_X/POINT_Y columns")
        reader.fieldnames = header
        try:
            for row in reader:
                yield _csv_record(row, columns)
        except (UnicodeDecodeError, csv.Error) as error:
            raise SourceInvalid(f"unreadable at line {reader.line_num} ({error})") from error


def _csv_record(row, columns):
    for x_name, y_name, srid in columns:
        x, y = _float(row.get(x_name)), _float(row.get(y_name))
        if x is not None and y is not None:
            return Record(row, x, y, srid)
    return Record(row, None, None, None)


def read_pages(folder):
    """Records from the pages `addresses fetch` saved (ArcGIS JSON features, asked for in longitude/latitude)."""
    for name in saved_pages(folder):
        with open(os.path.join(folder, name), encoding="utf-8") as page:
            features = json.load(page)["features"]
        for feature in features:
            geometry = feature.get("geometry") or {}
            yield Record(feature.get("attributes") or {}, _float(geometry.get("x")), _float(geometry.get("y")),
                         WGS84)
