"""Points to longitude/latitude (WGS84), in batches: the county publishes its address points in NAD83(HARN)
Washington North State Plane, US survey feet (EPSG:2926); pyproj does the conversion."""

from functools import cache

from pyproj import Transformer

WGS84 = 4326
STATE_PLANE = 2926


@cache
def _from_state_plane():
    return Transformer.from_crs(STATE_PLANE, WGS84, always_xy=True)


def looks_like_degrees(x, y):
    """Whether (x, y) can be longitude/latitude: a file that does not say is told apart by the numbers' size
    (State Plane feet in King County are in the hundreds of thousands or more)."""
    return abs(x) <= 180 and abs(y) <= 90


def to_wgs84(points):
    """[(x, y, srid), ...] -> [(lon, lat) or None, ...]: None for a point without coordinates."""
    out = [None] * len(points)
    feet = []
    for i, (x, y, srid) in enumerate(points):
        if x is None or y is None:
            continue
        if srid == WGS84 or (srid is None and looks_like_degrees(x, y)):
            out[i] = (x, y)
        else:
            feet.append(i)
    if feet:
        lons, lats = _from_state_plane().transform([points[i][0] for i in feet], [points[i][1] for i in feet])
        for i, lon, lat in zip(feet, lons, lats, strict=True):
            out[i] = (lon, lat) if lon == lon and lat == lat and abs(lon) != float("inf") else None
    return out
