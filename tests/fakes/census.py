"""Stand-in for the US Census Bureau geocoder (https://geocoding.geo.census.gov/geocoder).

It serves the one question the app asks (actiontool/lookup/geocoder.py):

    GET {base}/geographies/address?street=&city=&state=WA&zip=&benchmark=Public_AR_Current
        &vintage=Current_Current&layers=Counties&format=json

answering ``{"result": {"input": ..., "addressMatches": [...]}}`` with the matches registered by
``add_address`` (``[]`` for any other address), or HTTP 400 ``{"errors": [...], "status": "400"}`` for a
missing street or an unknown benchmark or vintage, as the real service does. Other paths: 404.
"""

from __future__ import annotations

import copy
import zlib
from typing import Any

from tests.fakes.http import Answer, FakeService, json_answer

GEOCODER_PATH = "/geocoder"
ADDRESS_PATH = GEOCODER_PATH + "/geographies/address"
BENCHMARK = {"isDefault": True, "benchmarkDescription": "Public Address Ranges - Current Benchmark",
             "id": "4", "benchmarkName": "Public_AR_Current"}
VINTAGE = {"isDefault": True, "id": "4", "vintageName": "Current_Current",
           "vintageDescription": "Current Vintage - Current Benchmark"}
_SUFFIXES = {"AVE", "ST", "RD", "WAY", "PL", "DR", "BLVD", "LN", "CT", "HWY", "PKWY", "TER", "CIR", "LOOP"}
_DIRECTIONS = {"N", "S", "E", "W", "NE", "NW", "SE", "SW"}


def normalise_address(text: str) -> str:
    """Casefolded, '.' dropped, ',' read as a space, spaces collapsed: how the geocoder ignores spelling."""
    return " ".join(text.casefold().replace(".", "").replace(",", " ").split())


def _components(street: str, city: str, state: str, zip_code: str) -> dict[str, str]:
    tokens = street.upper().split()
    if tokens and tokens[0].isdigit():
        tokens.pop(0)
    pre = tokens.pop(0) if len(tokens) > 1 and tokens[0] in _DIRECTIONS else ""
    post = tokens.pop() if len(tokens) > 1 and tokens[-1] in _DIRECTIONS else ""
    suffix = tokens.pop() if len(tokens) > 1 and tokens[-1] in _SUFFIXES else ""
    return {"zip": zip_code, "city": city, "state": state, "preDirection": pre, "streetName": " ".join(tokens),
            "suffixType": suffix, "suffixDirection": post}


def census_match(matched_address: str, lon: float, lat: float, county: str = "033",
                 county_name: str = "King County") -> dict[str, Any]:
    """One element of ``addressMatches``, for an address the geocoder puts in Washington county ``county``.

    ``matched_address`` is spelled as the geocoder does: ``"516 3RD AVE, SEATTLE, WA, 98104"``.
    """
    street, city, state, zip_code = (p.strip() for p in matched_address.split(","))
    return {
        "matchedAddress": matched_address,
        "coordinates": {"x": lon, "y": lat},
        "tigerLine": {"tigerLineId": str(100_000_000 + zlib.crc32(matched_address.encode()) % 900_000_000),
                      "side": "L"},
        "addressComponents": _components(street, city, state, zip_code),
        "geographies": {"Counties": [{"STATE": "53", "COUNTY": county, "GEOID": "53" + county,
                                      "NAME": county_name}]},
    }


class FakeCensusGeocoder(FakeService):
    """Register answers with ``add_address``; the app's base URL is ``base_url``."""

    def __init__(self) -> None:
        super().__init__()
        self._addresses: dict[tuple[str, str, str], list[dict[str, Any]]] = {}

    @property
    def base_url(self) -> str:
        return self.root_url + GEOCODER_PATH

    def add_address(self, street: str, city: str, zip: str, matches: list[dict[str, Any]]) -> None:  # noqa: A002
        """Answer ``matches`` (made with ``census_match``) for this address, however it is spelled."""
        key = (normalise_address(street), normalise_address(city), normalise_address(zip))
        with self._lock:
            self._addresses[key] = copy.deepcopy(matches)

    def clear_addresses(self) -> None:
        with self._lock:
            self._addresses.clear()

    def _matches(self, street: str, city: str, zip_code: str) -> list[dict[str, Any]]:
        # The street, and the city or the ZIP code (the one given must agree), are enough.
        s, c, z = normalise_address(street), normalise_address(city), normalise_address(zip_code)
        with self._lock:
            for (es, ec, ez), matches in self._addresses.items():
                if es == s and (c or z) and c in ("", ec) and z in ("", ez):
                    return copy.deepcopy(matches)
        return []

    def respond(self, path: str, params: dict[str, str]) -> Answer:
        if path != ADDRESS_PATH:
            return 404, "text/html", b"<html><body><h1>404 Not Found</h1></body></html>"
        errors = []
        if not params.get("street", "").strip():
            errors.append("Street address cannot be empty and cannot exceed 100 characters")
        for name, known in (("benchmark", BENCHMARK["benchmarkName"]), ("vintage", VINTAGE["vintageName"])):
            if params.get(name) != known:
                errors.append(f"Invalid {name}: {params.get(name, '')}" if params.get(name)
                              else f"{name.capitalize()} must be specified")
        if errors:
            return json_answer(400, {"errors": errors, "status": "400"})
        if params.get("format", "").casefold() != "json":  # the real service then answers its HTML page
            return 200, "text/html;charset=UTF-8", b"<!DOCTYPE html><html><body><h1>Geocoding</h1></body></html>"
        matches = self._matches(params["street"], params.get("city", ""), params.get("zip", ""))
        layers = {layer.strip().casefold() for layer in params.get("layers", "").split(",")}
        for match in matches:  # only the layers asked for
            match["geographies"] = {k: v for k, v in match["geographies"].items() if k.casefold() in layers}
        echo = {k: params[k] for k in ("street", "city", "state", "zip") if params.get(k)}
        return json_answer(200, {"result": {"input": {"address": echo, "benchmark": BENCHMARK, "vintage": VINTAGE},
                                            "addressMatches": matches}})
