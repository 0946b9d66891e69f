"""Council district polygons kept on disk: validate, install, and find the district of a point."""

import json
import os
import tempfile
import threading

from shapely import Point, prepare
from shapely.geometry import shape

from actiontool.officials import COUNCIL_DISTRICTS

EXPECTED = COUNCIL_DISTRICTS


class DistrictsInvalid(ValueError):
    """The GeoJSON is not a set of districts 1-9 we can use."""


class DistrictMap:
    """Point-in-polygon over prepared shapely geometries."""

    def __init__(self, geometries):
        self.geometries = geometries  # {"1": geometry, ...}
        for geometry in geometries.values():
            prepare(geometry)

    @classmethod
    def from_geojson(cls, data):
        """Build from a FeatureCollection; raise DistrictsInvalid unless it holds exactly 1-9."""
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            raise DistrictsInvalid("not a GeoJSON FeatureCollection")
        geometries = {}
        for feature in data.get("features") or []:
            properties = feature.get("properties") or {}
            district = str(properties.get("KCCDST", "")).strip()
            if district not in EXPECTED:
                raise DistrictsInvalid(f"unexpected district {district!r}")
            if district in geometries:
                raise DistrictsInvalid(f"district {district} appears twice")
            try:
                geometry = shape(feature["geometry"])
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                raise DistrictsInvalid(f"district {district}: bad geometry ({error})") from error
            if geometry.geom_type not in ("Polygon", "MultiPolygon") or geometry.is_empty:
                raise DistrictsInvalid(f"district {district}: not a polygon")
            minx, miny, maxx, maxy = geometry.bounds
            if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
                raise DistrictsInvalid(f"district {district}: coordinates are not WGS84 degrees")
            geometries[district] = geometry
        missing = [d for d in EXPECTED if d not in geometries]
        if missing:
            raise DistrictsInvalid("missing district(s) " + ", ".join(missing))
        return cls(geometries)

    def district_at(self, lon, lat):
        """The district containing the point, or None."""
        point = Point(lon, lat)
        for district, geometry in self.geometries.items():
            if geometry.intersects(point):
                return district
        return None


def install(data, path):
    """Validate GeoJSON data and write it to path atomically; return the district map."""
    district_map = DistrictMap.from_geojson(data)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=directory, delete=False, suffix=".tmp") as out:
        json.dump(data, out)
    os.replace(out.name, path)
    return district_map


_loaded = {}
_lock = threading.Lock()


def load(path):
    """The district map in `path`, or None when no file is installed. Reloaded when the file changes."""
    try:
        stamp = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return None
    with _lock:
        cached = _loaded.get(path)
        if cached and cached[0] == stamp:
            return cached[1]
        with open(path, encoding="utf-8") as source:
            district_map = DistrictMap.from_geojson(json.load(source))
        _loaded[path] = (stamp, district_map)
        return district_map
