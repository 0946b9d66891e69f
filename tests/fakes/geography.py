"""The synthetic council districts the stand-ins answer about and the tests share.

Nine 0.1-degree squares (WGS84) in a 3x3 grid over Seattle, numbered 1-9 row by row from the north-west;
district 9 is served as a MultiPolygon of two halves, the others as Polygons. District N's member is
"Member N", email "Member.N@kingcounty.gov".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Rect = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat

DISTRICT_BOUNDS: dict[str, Rect] = {
    str(row * 3 + col + 1): (round(-122.4 + col * 0.1, 10), round(47.6 - row * 0.1, 10),
                             round(-122.3 + col * 0.1, 10), round(47.7 - row * 0.1, 10))
    for row in range(3) for col in range(3)
}

#: A point (lon, lat) in no district.
OUTSIDE_POINT: tuple[float, float] = (-121.0, 47.0)


def district_center(district: str) -> tuple[float, float]:
    """(lon, lat) of the centre of the district ("1".."9")."""
    min_lon, min_lat, max_lon, max_lat = DISTRICT_BOUNDS[str(district)]
    return round((min_lon + max_lon) / 2, 10), round((min_lat + max_lat) / 2, 10)


def district_attributes(district: str) -> dict[str, str]:
    """The county layer's fields for the district."""
    return {"KCCDST": district, "COUNCILMEM": f"Member {district}", "EMAIL": f"Member.{district}@kingcounty.gov"}


def districts_at(lon: float, lat: float, bounds: dict[str, Rect]) -> list[str]:
    """The districts whose square holds the point; edges included, as esriSpatialRelIntersects does."""
    return [d for d, (x0, y0, x1, y1) in bounds.items() if x0 <= lon <= x1 and y0 <= lat <= y1]


def _ring(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    """A closed counter-clockwise ring (the exterior ring orientation of GeoJSON)."""
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


def _geometry(district: str) -> dict[str, Any]:
    x0, y0, x1, y1 = DISTRICT_BOUNDS[district]
    if district == "9":
        mid = round((x0 + x1) / 2, 10)
        return {"type": "MultiPolygon", "coordinates": [[_ring(x0, y0, mid, y1)], [_ring(mid, y0, x1, y1)]]}
    return {"type": "Polygon", "coordinates": [_ring(x0, y0, x1, y1)]}


def districts_geojson(districts: Iterable[str] | None = None) -> dict[str, Any]:
    """The districts (default all nine, in order) as the layer's ``f=geojson`` query gives them."""
    wanted = [str(d) for d in (DISTRICT_BOUNDS if districts is None else districts)]
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": int(d), "geometry": _geometry(d), "properties": district_attributes(d)}
        for d in wanted
    ]}
