"""Client for the US Census Bureau geocoder (geographies/address, layer Counties)."""

from dataclasses import dataclass

import requests

from actiontool.lookup.service import ServiceUnavailable, get_json

KING_COUNTY_GEOID = "53033"


@dataclass(frozen=True)
class AddressMatch:
    matched_address: str
    lon: float
    lat: float
    county_geoid: str

    @property
    def in_king_county(self):
        return self.county_geoid == KING_COUNTY_GEOID


class CensusGeocoder:
    """Finds the coordinates and county of a street address."""

    def __init__(self, base_url, timeout=5.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()

    def geocode(self, street, city, state, zip_code):
        """Return every match for the address (an empty list when there is none)."""
        params = {
            "street": street,
            "city": city,
            "state": state,
            "zip": zip_code,
            "benchmark": "Public_AR_Current",
            "vintage": "Current_Current",
            "layers": "Counties",
            "format": "json",
        }
        status, body = get_json(self.session, self.base_url + "/geographies/address", params,
                                self.timeout)
        if status == 400:
            # The geocoder answers 400 for addresses it cannot parse at all.
            return []
        try:
            return [_parse_match(m) for m in body["result"]["addressMatches"]]
        except (KeyError, TypeError, ValueError) as error:
            raise ServiceUnavailable(f"geocoder: unexpected answer ({error!r})") from error


def _parse_match(match):
    counties = match.get("geographies", {}).get("Counties") or [{}]
    county = counties[0]
    geoid = county.get("GEOID") or (county.get("STATE", "") + county.get("COUNTY", ""))
    return AddressMatch(
        matched_address=match["matchedAddress"],
        lon=float(match["coordinates"]["x"]),
        lat=float(match["coordinates"]["y"]),
        county_geoid=geoid,
    )
