"""Real HTTP test doubles for the external services actiontool talks to.

Each fake is a genuine HTTP server (``http.server.ThreadingHTTPServer``) bound to
127.0.0.1 on a random free port, running in a daemon thread.  It answers in the
exact wire formats of the real services (``docs/sources.md`` names them):

* :class:`FakeCensusGeocoder` -- the US Census Bureau geocoder
  (``/geocoder/geographies/address``, ``/geocoder/geographies/onelineaddress``,
  ``/geocoder/locations/address``, ``/geocoder/locations/onelineaddress``).
* :class:`FakeCountyLayer` -- the King County council district layer, an ArcGIS
  REST FeatureServer layer (``.../KCCDST_AREA_185/FeatureServer/0/query``).
* :func:`closed_port_url` -- a base URL where nothing listens.

Standard library only: the servers do not need shapely.  Districts are nine
axis-aligned rectangles (:data:`DISTRICT_BOUNDS`), so point-in-polygon is done by
hand.

Failure modes (settable at any time, also while a test runs):

* ``delay`` -- seconds to wait before answering (interrupted by ``stop()``).
* ``fail_status`` -- e.g. 500/502/503: answer that status with an HTML body, as a
  proxy in front of the real service would.
* ``fail_times`` -- if an int, only that many further requests fail (with
  ``fail_status``, or by dropping the connection if ``drop_connections``); then
  the fake answers normally again.  ``None`` (default) = fail every request.
* ``drop_connections`` -- close the socket without sending any HTTP answer.

Every request received (including failed ones) is recorded in ``.requests`` as a
``(path, {param: value})`` tuple.
"""

from __future__ import annotations

import copy
import json
import math
import re
import socket
import threading
import zlib
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "DISTRICT_BOUNDS",
    "DISTRICT_IDS",
    "OUTSIDE_POINT",
    "LAYER_PATH",
    "Closed",
    "FakeCensusGeocoder",
    "FakeCountyLayer",
    "arcgis_error_body",
    "census_match",
    "closed_port_url",
    "district_attributes",
    "district_at",
    "district_center",
    "districts_geojson",
    "normalise_address",
]

# ---------------------------------------------------------------------------
# Synthetic districts
# ---------------------------------------------------------------------------

_GRID_WEST = -122.40
_GRID_NORTH = 47.70
_CELL = 0.10

DISTRICT_IDS: tuple[str, ...] = tuple(str(n) for n in range(1, 10))


def _build_bounds() -> dict[str, tuple[float, float, float, float]]:
    bounds: dict[str, tuple[float, float, float, float]] = {}
    for row in range(3):  # row 0 = northernmost
        for col in range(3):  # col 0 = westernmost
            min_lon = round(_GRID_WEST + col * _CELL, 10)
            max_lon = round(_GRID_WEST + (col + 1) * _CELL, 10)
            max_lat = round(_GRID_NORTH - row * _CELL, 10)
            min_lat = round(_GRID_NORTH - (row + 1) * _CELL, 10)
            bounds[str(row * 3 + col + 1)] = (min_lon, min_lat, max_lon, max_lat)
    return bounds


#: district -> (min_lon, min_lat, max_lon, max_lat), WGS84 degrees.
DISTRICT_BOUNDS: dict[str, tuple[float, float, float, float]] = _build_bounds()

#: A point (lon, lat) in no district.
OUTSIDE_POINT: tuple[float, float] = (-121.0, 47.0)


def district_center(d: str) -> tuple[float, float]:
    """(lon, lat) of the centre of district ``d`` ("1".."9")."""
    min_lon, min_lat, max_lon, max_lat = DISTRICT_BOUNDS[str(d)]
    return (round((min_lon + max_lon) / 2, 10), round((min_lat + max_lat) / 2, 10))


def district_attributes(d: str) -> dict[str, str]:
    """The layer's attribute values for district ``d``."""
    d = str(d)
    return {"KCCDST": d, "COUNCILMEM": f"Member {d}", "EMAIL": f"Member.{d}@kingcounty.gov"}


def _in_rect(lon: float, lat: float, rect: tuple[float, float, float, float]) -> bool:
    # Boundary inclusive, like esriSpatialRelIntersects: a point exactly on a
    # shared edge intersects both districts.
    min_lon, min_lat, max_lon, max_lat = rect
    return min_lon <= lon <= max_lon and min_lat <= lat <= max_lat


def district_at(
    lon: float, lat: float, bounds: dict[str, tuple[float, float, float, float]] | None = None
) -> list[str]:
    """All districts whose (closed) rectangle contains the point."""
    bounds = DISTRICT_BOUNDS if bounds is None else bounds
    return [d for d, rect in bounds.items() if _in_rect(lon, lat, rect)]


def _ring(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> list[list[float]]:
    """Closed counter-clockwise ring (GeoJSON exterior ring orientation)."""
    return [
        [min_lon, min_lat],
        [max_lon, min_lat],
        [max_lon, max_lat],
        [min_lon, max_lat],
        [min_lon, min_lat],
    ]


def _district_geometry(
    rect: tuple[float, float, float, float], multipolygon: bool
) -> dict[str, Any]:
    min_lon, min_lat, max_lon, max_lat = rect
    if multipolygon:
        mid = round((min_lon + max_lon) / 2, 10)
        return {
            "type": "MultiPolygon",
            "coordinates": [
                [_ring(min_lon, min_lat, mid, max_lat)],
                [_ring(mid, min_lat, max_lon, max_lat)],
            ],
        }
    return {"type": "Polygon", "coordinates": [_ring(min_lon, min_lat, max_lon, max_lat)]}


def districts_geojson(
    districts: Iterable[str] | None = None, multipolygon_for: Iterable[str] = ("9",)
) -> dict[str, Any]:
    """The layer as ArcGIS ``f=geojson`` returns it: a FeatureCollection.

    ``districts`` picks a subset (default all nine, in order); districts listed in
    ``multipolygon_for`` get a MultiPolygon made of two halves.
    """
    wanted = list(DISTRICT_IDS if districts is None else (str(d) for d in districts))
    return _features_collection({d: DISTRICT_BOUNDS[d] for d in wanted}, multipolygon_for)


def _features_collection(
    bounds: dict[str, tuple[float, float, float, float]], multipolygon_for: Iterable[str] = ("9",)
) -> dict[str, Any]:
    multi = {str(d) for d in multipolygon_for}
    features = []
    for n, (d, rect) in enumerate(bounds.items(), start=1):
        features.append(
            {
                "type": "Feature",
                "id": int(d) if d.isdigit() else 100 + n,
                "geometry": _district_geometry(rect, d in multi),
                "properties": district_attributes(d),
            }
        )
    return {"type": "FeatureCollection", "features": features}


# ---------------------------------------------------------------------------
# Shared server machinery
# ---------------------------------------------------------------------------

_PROXY_REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
}


def _proxy_error_html(status: int) -> bytes:
    reason = _PROXY_REASONS.get(status, "Error")
    return (
        f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    ).encode("ascii")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):  # noqa: D401 - stdlib override
        # Clients that time out and hang up make writes fail; that is expected.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeService/1.0"
    sys_version = ""
    fake: _FakeService  # set on a per-fake subclass

    def log_message(self, format, *args):  # silence stderr logging
        pass

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        self.close_connection = True
        parts = urlsplit(self.path)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            ctype = self.headers.get("Content-Type", "")
            if "application/x-www-form-urlencoded" in ctype:
                params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        fake = self.fake
        fake._record(parts.path, params)

        if fake.delay:
            if fake._stopping.wait(float(fake.delay)):
                self._drop()
                return

        failing = fake._consume_failure()
        if failing and fake.drop_connections:
            self._drop()
            return
        if failing and fake.fail_status:
            status = int(fake.fail_status)
            self._send(status, "text/html", _proxy_error_html(status))
            return

        try:
            status, ctype, body = fake._respond(method, parts.path, params)
        except Exception as exc:  # a bug in the fake: make it visible, not a hang
            status, ctype = 500, "text/plain; charset=utf-8"
            body = f"fake service error: {exc!r}".encode()
        self._send(status, ctype, body)

    def _drop(self) -> None:
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.connection.close()
        except OSError:
            pass

    def _send(self, status: int, ctype: str, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass


def _json(status: int, obj: Any, ctype: str = "application/json") -> tuple[int, str, bytes]:
    return status, f"{ctype}; charset=utf-8", json.dumps(obj).encode("utf-8")


class _FakeService:
    """Base: lifecycle, failure modes and request recording."""

    def __init__(self) -> None:
        self.delay: float = 0
        self.fail_status: int | None = None
        self.fail_times: int | None = None
        self.drop_connections: bool = False
        self._lock = threading.Lock()
        self._requests: list[tuple[str, dict[str, str]]] = []
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------
    def start(self):
        if self._server is not None:
            return self
        self._stopping.clear()
        handler = type(f"{type(self).__name__}Handler", (_Handler,), {"fake": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # wakes handlers sleeping in `delay`
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not running")
        return self._server.server_address[1]

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- failure modes -----------------------------------------------------
    def reset_failures(self) -> None:
        self.delay = 0
        self.fail_status = None
        self.fail_times = None
        self.drop_connections = False

    def _consume_failure(self) -> bool:
        if not (self.drop_connections or self.fail_status):
            return False
        with self._lock:
            if self.fail_times is None:
                return True
            if self.fail_times > 0:
                self.fail_times -= 1
                return True
            return False

    # -- recording -----------------------------------------------------------
    def _record(self, path: str, params: dict[str, str]) -> None:
        with self._lock:
            self._requests.append((path, dict(params)))

    @property
    def requests(self) -> list[tuple[str, dict[str, str]]]:
        """Copy of every (path, query params) received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self._requests)

    def reset_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def _respond(self, method: str, path: str, params: dict[str, str]):
        raise NotImplementedError


# ---------------------------------------------------------------------------
# US Census Bureau geocoder
# ---------------------------------------------------------------------------

_BENCHMARKS = {
    "Public_AR_Current": {
        "isDefault": True,
        "benchmarkDescription": "Public Address Ranges - Current Benchmark",
        "id": "4",
        "benchmarkName": "Public_AR_Current",
    },
    "Public_AR_ACS2024": {
        "isDefault": False,
        "benchmarkDescription": "Public Address Ranges - ACS2024 Benchmark",
        "id": "8",
        "benchmarkName": "Public_AR_ACS2024",
    },
    "Public_AR_Census2020": {
        "isDefault": False,
        "benchmarkDescription": "Public Address Ranges - Census 2020 Benchmark",
        "id": "2020",
        "benchmarkName": "Public_AR_Census2020",
    },
}

_VINTAGES = {
    "Current_Current": {
        "isDefault": True,
        "id": "4",
        "vintageName": "Current_Current",
        "vintageDescription": "Current Vintage - Current Benchmark",
    },
    "Census2020_Current": {
        "isDefault": False,
        "id": "410",
        "vintageName": "Census2020_Current",
        "vintageDescription": "Census2020 Vintage - Current Benchmark",
    },
    "ACS2024_Current": {
        "isDefault": False,
        "id": "424",
        "vintageName": "ACS2024_Current",
        "vintageDescription": "ACS2024 Vintage - Current Benchmark",
    },
}

# Layer names/ids accepted for the Counties layer in the `layers` parameter.
_COUNTY_LAYER_NAMES = {"counties", "82", "all"}

_STATE_ABBR = {"53": "WA", "41": "OR", "16": "ID", "06": "CA", "11": "DC"}
_SUFFIXES = {
    "AVE", "ST", "RD", "WAY", "PL", "DR", "BLVD", "LN", "CT", "HWY", "PKWY", "TER", "CIR",
    "LOOP", "SQ", "TRL", "CRES",
}
_DIRECTIONS = {"N", "S", "E", "W", "NE", "NW", "SE", "SW"}

_PUNCT = re.compile(r"[.]")
_COMMA = re.compile(r",")
_SPACES = re.compile(r"\s+")


def normalise_address(*parts: str | None) -> str:
    """Casefold, drop '.', turn ',' into a space, collapse whitespace; join parts."""
    text = " ".join(p for p in parts if p)
    text = _PUNCT.sub("", text.casefold())
    text = _COMMA.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _find_bucket(value: str, table: dict[str, dict[str, Any]]) -> dict | None:
    for name, obj in table.items():
        if value.casefold() in (name.casefold(), str(obj["id"])):
            return obj
    return None


def _split_street(street: str) -> dict[str, str]:
    tokens = street.upper().split()
    comp = {
        "fromAddress": "",
        "toAddress": "",
        "preQualifier": "",
        "preDirection": "",
        "preType": "",
        "streetName": "",
        "suffixType": "",
        "suffixDirection": "",
        "suffixQualifier": "",
    }
    if tokens and tokens[0].isdigit():
        number = int(tokens.pop(0))
        low = number - number % 100 + (number % 2)
        comp["fromAddress"] = str(low if low > 0 else number)
        comp["toAddress"] = str(low + 98 if low > 0 else number)
    if len(tokens) > 1 and tokens[0] in _DIRECTIONS:
        comp["preDirection"] = tokens.pop(0)
    if len(tokens) > 1 and tokens[-1] in _DIRECTIONS:
        comp["suffixDirection"] = tokens.pop()
    if len(tokens) > 1 and tokens[-1] in _SUFFIXES:
        comp["suffixType"] = tokens.pop()
    comp["streetName"] = " ".join(tokens)
    return comp


def _county_record(state: str, county: str, county_name: str) -> dict[str, Any]:
    geoid = f"{state}{county}"
    basename = county_name[: -len(" County")] if county_name.endswith(" County") else county_name
    crc = zlib.crc32(geoid.encode())
    return {
        "GEOID": geoid,
        "CENTLAT": "+47.4907440",
        "AREAWATER": 496_983_578,
        "BASENAME": basename,
        "STATE": state,
        "OID": str(27590331148000 + crc % 1000),
        "LSADC": "06",
        "FUNCSTAT": "A",
        "INTPTLAT": "+47.4903540",
        "NAME": county_name,
        "OBJECTID": 1000 + crc % 2000,
        "CENTLON": "-121.8339710",
        "COUNTYCC": "H1",
        "COUNTYNS": f"{crc % 10**8:08d}",
        "AREALAND": 5_478_268_306,
        "INTPTLON": "-121.8361430",
        "MTFCC": "G4020",
        "COUNTY": county,
    }


def census_match(
    matched_address: str,
    lon: float,
    lat: float,
    state: str = "53",
    county: str | None = "033",
    county_name: str = "King County",
    zip: str | None = None,  # noqa: A002 - mirrors the service's field name
) -> dict[str, Any]:
    """One element of the geocoder's ``addressMatches``, in the real shape.

    ``matched_address`` looks like ``"516 3RD AVE, SEATTLE, WA, 98104"``;
    ``zip`` defaults to the last 5-digit group of it.  ``county=None`` gives a
    match whose ``Counties`` layer is empty.
    """
    pieces = [p.strip() for p in matched_address.split(",")]
    street = pieces[0] if pieces else ""
    city = pieces[1].upper() if len(pieces) > 1 else ""
    state_abbr = pieces[2].upper() if len(pieces) > 2 else _STATE_ABBR.get(state, "")
    if zip is None:
        found = re.findall(r"\b\d{5}\b", matched_address)
        zip = found[-1] if found else ""
    components = _split_street(street)
    components.update({"zip": zip, "city": city, "state": state_abbr})
    tiger_id = str(100_000_000 + zlib.crc32(matched_address.encode()) % 900_000_000)
    counties = [] if county is None else [_county_record(state, county, county_name)]
    return {
        "tigerLine": {"side": "L" if zlib.crc32(street.encode()) % 2 else "R",
                      "tigerLineId": tiger_id},
        "geographies": {"Counties": counties},
        "coordinates": {"x": lon, "y": lat},
        "addressComponents": components,
        "matchedAddress": matched_address,
    }


class FakeCensusGeocoder(_FakeService):
    """Fake of https://geocoding.geo.census.gov/geocoder.

    Register answers with :meth:`add_address`; unknown addresses get
    ``"addressMatches": []``.  ``format`` other than ``json`` gets the HTML page
    the real service would serve.
    """

    def __init__(self) -> None:
        super().__init__()
        # list of (street_key, city_key, zip_key, matches)
        self._addresses: list[tuple[str, str, str, list[dict[str, Any]]]] = []

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/geocoder"

    def add_address(
        self,
        street: str,
        city: str,
        zip: str,  # noqa: A002
        matches: list[dict[str, Any]],
    ) -> None:
        """Register ``matches`` (built with :func:`census_match`) for an address."""
        entry = (normalise_address(street), normalise_address(city), normalise_address(zip),
                 copy.deepcopy(list(matches)))
        with self._lock:
            self._addresses = [
                a for a in self._addresses if a[:3] != entry[:3]
            ] + [entry]

    def clear_addresses(self) -> None:
        with self._lock:
            self._addresses.clear()

    # -- lookup --------------------------------------------------------------
    def _lookup(self, street: str, city: str, zip_: str) -> list[dict[str, Any]]:
        s, c, z = normalise_address(street), normalise_address(city), normalise_address(zip_)
        with self._lock:
            entries = list(self._addresses)
        for es, ec, ez, matches in entries:
            if (es, ec, ez) == (s, c, z):
                return copy.deepcopy(matches)
        # Like the real service, city or ZIP alone is enough with the street.
        for es, ec, ez, matches in entries:
            if es != s or not (c or z):
                continue
            if (not c or not ec or c == ec) and (not z or not ez or z == ez):
                return copy.deepcopy(matches)
        return []

    def _lookup_oneline(self, address: str) -> list[dict[str, Any]]:
        key = normalise_address(address)
        with self._lock:
            entries = list(self._addresses)
        for es, ec, ez, matches in entries:
            forms = set()
            for state in ("", "wa", "washington"):
                forms.add(normalise_address(es, ec, state, ez))
                forms.add(normalise_address(es, ec, state))
            if key in forms:
                return copy.deepcopy(matches)
        return []

    # -- HTTP ----------------------------------------------------------------
    def _respond(self, method: str, path: str, params: dict[str, str]):
        routes = {
            "/geocoder/geographies/address": (True, False),
            "/geocoder/geographies/onelineaddress": (True, True),
            "/geocoder/locations/address": (False, False),
            "/geocoder/locations/onelineaddress": (False, True),
        }
        if method != "GET":
            return 405, "text/html", b"<html><body>Method Not Allowed</body></html>"
        if path.rstrip("/") not in routes:
            return 404, "text/html", b"<html><body><h1>404 Not Found</h1></body></html>"
        geographies, oneline = routes[path.rstrip("/")]

        errors = []
        if oneline:
            address = params.get("address", "").strip()
            if not address or len(address) > 100:
                errors.append("Address cannot be empty and cannot exceed 100 characters")
        else:
            street = params.get("street", "").strip()
            if not street or len(street) > 100:
                errors.append("Street address cannot be empty and cannot exceed 100 characters")
        bench_param = params.get("benchmark", "").strip()
        benchmark = _find_bucket(bench_param, _BENCHMARKS) if bench_param else None
        if not bench_param:
            errors.append("Benchmark must be specified")
        elif benchmark is None:
            errors.append(f"Invalid benchmark: {bench_param}")
        vintage = None
        if geographies:
            vint_param = params.get("vintage", "").strip()
            vintage = _find_bucket(vint_param, _VINTAGES) if vint_param else None
            if not vint_param:
                errors.append("Vintage must be specified")
            elif vintage is None:
                errors.append(f"Invalid vintage: {vint_param}")
        if errors:
            return _json(400, {"errors": errors, "status": "400"})

        if oneline:
            echo_address: dict[str, str] = {"address": params["address"]}
            matches = self._lookup_oneline(params["address"])
        else:
            echo_address = {
                k: params[k] for k in ("zip", "city", "street", "state") if params.get(k)
            }
            matches = self._lookup(params["street"], params.get("city", ""),
                                   params.get("zip", ""))

        for m in matches:
            if not geographies:
                m.pop("geographies", None)
            else:
                m["geographies"] = self._filter_layers(m.get("geographies", {}),
                                                       params.get("layers", "all"))

        result_input: dict[str, Any] = {"address": echo_address, "benchmark": benchmark}
        if geographies:
            result_input["vintage"] = vintage
        answer = {"result": {"input": result_input, "addressMatches": matches}}

        if params.get("format", "").casefold() != "json":
            html = (
                "<!DOCTYPE html><html><head><title>Census Geocoder</title></head><body>"
                f"<h1>Geocoding Results</h1><pre>{len(matches)} match(es)</pre></body></html>"
            )
            return 200, "text/html;charset=UTF-8", html.encode("utf-8")
        return _json(200, answer)

    @staticmethod
    def _filter_layers(geos: dict[str, Any], layers: str) -> dict[str, Any]:
        wanted = {w.strip().casefold() for w in (layers or "all").split(",") if w.strip()}
        out: dict[str, Any] = {}
        if wanted & _COUNTY_LAYER_NAMES:
            out["Counties"] = geos.get("Counties", [])
        if "all" in wanted:
            # layers=all brings in layers that failed server-side (see the reference).
            out["States"] = [{"STATE": c["STATE"], "NAME": "Washington"}
                             for c in geos.get("Counties", [])[:1]]
            out["2020 Census Blocks"] = {
                "status": "Layer query encountered an error: java.lang.NullPointerException"
            }
        return out


# ---------------------------------------------------------------------------
# King County council districts layer (ArcGIS FeatureServer)
# ---------------------------------------------------------------------------

LAYER_PATH = "/arcgis/rest/services/KCCDST_AREA_185/FeatureServer/0"

_FIELDS = [
    {"name": "OBJECTID", "type": "esriFieldTypeOID", "alias": "OBJECTID",
     "sqlType": "sqlTypeOther", "domain": None, "defaultValue": None},
    {"name": "KCCDST", "type": "esriFieldTypeString", "alias": "KCCDST",
     "sqlType": "sqlTypeOther", "length": 2, "domain": None, "defaultValue": None},
    {"name": "COUNCILMEM", "type": "esriFieldTypeString", "alias": "COUNCILMEM",
     "sqlType": "sqlTypeOther", "length": 50, "domain": None, "defaultValue": None},
    {"name": "EMAIL", "type": "esriFieldTypeString", "alias": "EMAIL",
     "sqlType": "sqlTypeOther", "length": 80, "domain": None, "defaultValue": None},
]
_FIELD_NAMES = {f["name"].casefold(): f["name"] for f in _FIELDS}
_NATIVE_WKID = 2926  # NAD83(HARN) / Washington North (ftUS)
_EARTH_R = 6378137.0


def arcgis_error_body(details: Iterable[str] = (), message: str = "Unable to complete operation.",
                      code: int = 400) -> dict[str, Any]:
    """The body ArcGIS sends (with HTTP 200) when a request fails."""
    return {"error": {"code": code, "message": message, "details": list(details)}}


class _QueryError(Exception):
    pass


class FakeCountyLayer(_FakeService):
    """Fake of the KCCDST_AREA_185 FeatureServer layer.

    ``bounds`` (district -> rectangle) drives spatial and ``f=json`` answers;
    ``geojson`` is what ``f=geojson`` attribute queries return (replace it to
    serve bad data).  ``arcgis_error = True`` makes every query answer HTTP 200
    with the ArcGIS error body.
    """

    def __init__(
        self,
        bounds: dict[str, tuple[float, float, float, float]] | None = None,
        geojson: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.bounds = dict(DISTRICT_BOUNDS if bounds is None else bounds)
        self.geojson: Any = districts_geojson() if geojson is None else geojson
        self.arcgis_error: bool = False

    @property
    def layer_url(self) -> str:
        return f"{self.root_url}{LAYER_PATH}"

    def reset_failures(self) -> None:
        super().reset_failures()
        self.arcgis_error = False

    # -- HTTP ----------------------------------------------------------------
    def _respond(self, method: str, path: str, params: dict[str, str]):
        path = path.rstrip("/")
        if not path.startswith("/arcgis/rest/services"):
            return 404, "text/html", b"<html><body><h1>404 Not Found</h1></body></html>"
        if path == LAYER_PATH:
            return _json(200, self._layer_info())
        if path != LAYER_PATH + "/query":
            return _json(200, arcgis_error_body(["Invalid URL"], message="Invalid URL"))
        if self.arcgis_error:
            return _json(200, arcgis_error_body(["Unable to perform query. Please check your "
                                                 "parameters."]))
        try:
            return self._query(params)
        except _QueryError as exc:
            return _json(200, arcgis_error_body([str(exc)]))

    def _layer_info(self) -> dict[str, Any]:
        return {
            "currentVersion": 11.3,
            "id": 0,
            "name": "KCCDST_AREA",
            "type": "Feature Layer",
            "geometryType": "esriGeometryPolygon",
            "objectIdField": "OBJECTID",
            "displayField": "KCCDST",
            "maxRecordCount": 2000,
            "supportedQueryFormats": "JSON, geoJSON, PBF",
            "extent": {"xmin": 1_217_000, "ymin": 30_000, "xmax": 1_583_000, "ymax": 287_000,
                       "spatialReference": {"wkid": _NATIVE_WKID, "latestWkid": _NATIVE_WKID}},
            "fields": _FIELDS,
        }

    @staticmethod
    def _out_fields(raw: str | None) -> list[str]:
        if raw is None or not raw.strip():
            return ["OBJECTID"]  # ArcGIS default: only the object id
        names = [n.strip() for n in raw.split(",") if n.strip()]
        if "*" in names:
            return [f["name"] for f in _FIELDS]
        out = []
        for n in names:
            real = _FIELD_NAMES.get(n.casefold())
            if real is None:
                raise _QueryError(f"'outFields' parameter is invalid: unknown field {n}")
            if real not in out:
                out.append(real)
        return out

    @staticmethod
    def _to_wgs84(x: float, y: float, wkid: int) -> tuple[float, float] | None:
        if wkid in (4326, 4269):
            return x, y
        if wkid in (3857, 102100):
            lon = math.degrees(x / _EARTH_R)
            lat = math.degrees(math.atan(math.sinh(y / _EARTH_R)))
            return lon, lat
        if wkid == _NATIVE_WKID:
            return None  # lon/lat read as State Plane feet: never inside a district
        raise _QueryError(f"Invalid spatial reference: {wkid}")

    @staticmethod
    def _wkid(raw: Any) -> int | None:
        if raw is None or raw == "":
            return None
        if isinstance(raw, dict):
            raw = raw.get("latestWkid", raw.get("wkid"))
        if isinstance(raw, str):
            raw = raw.strip()
            if raw.startswith("{"):
                try:
                    return FakeCountyLayer._wkid(json.loads(raw))
                except ValueError:
                    raise _QueryError("'inSR' parameter is invalid") from None
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise _QueryError("'inSR' parameter is invalid") from None

    def _spatial_filter(self, params: dict[str, str]) -> set[str] | None:
        raw = params.get("geometry", "").strip()
        if not raw:
            return None
        gtype = params.get("geometryType", "").strip() or "esriGeometryEnvelope"
        rel = params.get("spatialRel", "").strip() or "esriSpatialRelIntersects"
        if rel not in ("esriSpatialRelIntersects", "esriSpatialRelWithin",
                       "esriSpatialRelContains", "esriSpatialRelEnvelopeIntersects"):
            raise _QueryError("'spatialRel' parameter is invalid")
        geom_sr = None
        if raw.startswith("{"):
            try:
                geom = json.loads(raw)
            except ValueError:
                raise _QueryError("Invalid geometry: unable to parse JSON") from None
            if not isinstance(geom, dict):
                raise _QueryError("Invalid geometry")
            geom_sr = self._wkid(geom.get("spatialReference"))
        else:
            try:
                nums = [float(v) for v in raw.split(",")]
            except ValueError:
                raise _QueryError("Invalid geometry: unable to parse coordinates") from None
            if gtype == "esriGeometryPoint" and len(nums) == 2:
                geom = {"x": nums[0], "y": nums[1]}
            elif gtype == "esriGeometryEnvelope" and len(nums) == 4:
                geom = dict(zip(("xmin", "ymin", "xmax", "ymax"), nums, strict=True))
            else:
                raise _QueryError("Invalid geometry for geometryType " + gtype)
        wkid = geom_sr or self._wkid(params.get("inSR")) or _NATIVE_WKID

        def num(key: str) -> float:
            try:
                v = float(geom[key])
            except (KeyError, TypeError, ValueError):
                raise _QueryError(f"Invalid geometry: '{key}' missing or not a number") from None
            if math.isnan(v) or math.isinf(v):
                raise _QueryError(f"Invalid geometry: '{key}' is not finite")
            return v

        if gtype == "esriGeometryPoint":
            pt = self._to_wgs84(num("x"), num("y"), wkid)
            if pt is None:
                return set()
            return set(district_at(pt[0], pt[1], self.bounds))
        if gtype == "esriGeometryEnvelope":
            lo = self._to_wgs84(num("xmin"), num("ymin"), wkid)
            hi = self._to_wgs84(num("xmax"), num("ymax"), wkid)
            if lo is None or hi is None:
                return set()
            return {
                d for d, (a, b, c, e) in self.bounds.items()
                if a <= hi[0] and lo[0] <= c and b <= hi[1] and lo[1] <= e
            }
        raise _QueryError(f"'geometryType' parameter is invalid: {gtype}")

    @staticmethod
    def _where_filter(raw: str | None) -> set[str] | None:
        """Supports ``1=1`` and ``KCCDST = 'N'`` (or ``IN ('N', ...)``)."""
        if raw is None or not raw.strip():
            return None
        text = raw.strip()
        if re.fullmatch(r"1\s*=\s*1", text):
            return None
        m = re.fullmatch(r"(?i)KCCDST\s*=\s*'?(\w+)'?", text)
        if m:
            return {m.group(1)}
        m = re.fullmatch(r"(?i)KCCDST\s+IN\s*\(([^)]*)\)", text)
        if m:
            return {v.strip().strip("'") for v in m.group(1).split(",") if v.strip()}
        raise _QueryError("'where' parameter is invalid")

    def _query(self, params: dict[str, str]):
        fmt = params.get("f", "").strip().casefold()
        if not fmt:
            raise _QueryError("'f' parameter is required")
        if fmt not in ("json", "pjson", "geojson"):
            raise _QueryError(f"'f' parameter is invalid: {fmt}")
        out_fields = self._out_fields(params.get("outFields"))
        has_where = "where" in params and params["where"].strip() != ""
        spatial = self._spatial_filter(params)
        where = self._where_filter(params.get("where"))
        if spatial is None and not has_where and not params.get("objectIds"):
            raise _QueryError("Either 'where' or 'geometry' or 'objectIds' must be specified")
        if params.get("objectIds"):
            try:
                ids = {str(int(v)) for v in params["objectIds"].split(",") if v.strip()}
            except ValueError:
                raise _QueryError("'objectIds' parameter is invalid") from None
            where = ids if where is None else where & ids
        return_geometry = params.get("returnGeometry", "true").strip().casefold() != "false"

        selected = None
        for f in (spatial, where):
            if f is not None:
                selected = set(f) if selected is None else selected & f
        if params.get("returnCountOnly", "").casefold() == "true":
            count = len([d for d in self.bounds if selected is None or d in selected])
            return _json(200, {"count": count} if fmt != "geojson"
                         else {"type": "FeatureCollection", "properties": {"count": count},
                               "features": []})

        if fmt == "geojson":
            return _json(200, self._geojson_answer(selected, spatial is not None, out_fields,
                                                   return_geometry),
                         ctype="application/geo+json")
        features = []
        for d in self.bounds:
            if selected is not None and d not in selected:
                continue
            values = {"OBJECTID": int(d) if d.isdigit() else 0, **district_attributes(d)}
            feat: dict[str, Any] = {"attributes": {k: values[k] for k in out_fields}}
            if return_geometry:
                a, b, c, e = self.bounds[d]
                # Esri rings: exterior clockwise.
                feat["geometry"] = {"rings": [list(reversed(_ring(a, b, c, e)))]}
            features.append(feat)
        answer: dict[str, Any] = {
            "objectIdFieldName": "OBJECTID",
            "uniqueIdField": {"name": "OBJECTID", "isSystemMaintained": True},
            "globalIdFieldName": "",
            "geometryType": "esriGeometryPolygon",
            "spatialReference": {"wkid": 4326, "latestWkid": 4326},
            "fields": [f for f in _FIELDS if f["name"] in out_fields],
            "features": features,
        }
        if not return_geometry:
            del answer["geometryType"]
            del answer["spatialReference"]
        return _json(200, answer, ctype="application/json" if fmt == "json" else "text/plain")

    def _geojson_answer(self, selected: set[str] | None, spatial: bool,
                        out_fields: list[str], return_geometry: bool) -> Any:
        if spatial:
            # A spatial query answers from the rectangles the layer uses.
            source: Any = _features_collection(
                {d: r for d, r in self.bounds.items() if d in (selected or set())}
            )
        elif selected is None:
            source = copy.deepcopy(self.geojson)  # served as is: may be bad data on purpose
        else:
            source = copy.deepcopy(self.geojson)
            if isinstance(source, dict) and isinstance(source.get("features"), list):
                source["features"] = [
                    f for f in source["features"]
                    if not isinstance(f, dict)
                    or not isinstance(f.get("properties"), dict)
                    or str(f["properties"].get("KCCDST")) in selected
                    or str(f.get("id")) in selected
                ]
        if isinstance(source, dict) and isinstance(source.get("features"), list):
            for f in source["features"]:
                if not isinstance(f, dict):
                    continue
                props = f.get("properties")
                if isinstance(props, dict):
                    keep = {k.casefold() for k in out_fields}
                    props = {k: v for k, v in props.items() if k.casefold() in keep}
                    if "OBJECTID" in out_fields and "id" in f:
                        props = {"OBJECTID": f["id"], **props}
                    f["properties"] = props
                if not return_geometry and "geometry" in f:
                    f["geometry"] = None
        return source


# ---------------------------------------------------------------------------
# Nothing listening
# ---------------------------------------------------------------------------


def closed_port_url() -> str:
    """``http://127.0.0.1:PORT`` where nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class Closed:
    """A URL where nothing listens, in the same shapes as the live fakes."""

    def __init__(self) -> None:
        self.root_url = closed_port_url()
        self.base_url = f"{self.root_url}/geocoder"
        self.layer_url = f"{self.root_url}{LAYER_PATH}"
