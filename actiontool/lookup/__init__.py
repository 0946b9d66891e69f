"""From a home address to a King County Council district and its councilmember.

ZIP code (King County's list) -> the local index of the county's address points
(actiontool.addresses: the address never leaves this server) -> only when it has
no answer, and only when GEOCODER_FALLBACK allows, the Census geocoder -> King
County? -> district (local polygons when installed, else the county's layer) ->
the roster's councilmember. `resolve` is the one way in, for the letter form, the API, the
event signer form and sign-up sheets. Every failure is a LookupFailed with one
of the codes they all share.
"""

import csv
import datetime as dt
import os
import re
from dataclasses import dataclass, field
from importlib import resources

from flask import current_app
from flask_babel import lazy_gettext as _l

from actiontool.addresses import index as address_index
from actiontool.addresses import match as address_match
from actiontool.lookup import districts
from actiontool.lookup.cache import LookupCache
from actiontool.lookup.county_layer import DistrictLayer
from actiontool.lookup.geocoder import AddressMatch, CensusGeocoder
from actiontool.lookup.service import ServiceUnavailable
from actiontool.models import FoundBy
from actiontool.officials import councilmember_for

STATE = "WA"
INVALID = "invalid"
NOT_FOUND = "not_found"
NOT_IN_INDEX = "not_in_index"  # not in the local index, and the geocoder may not be asked
NOT_SENT = "not_sent"  # no local index, and the geocoder may not be asked: nothing is looked up
OUTSIDE_COUNTY = "outside_county"
ZIP_OUTSIDE_COUNTY = "zip_outside_county"
AMBIGUOUS = "ambiguous"
UNAVAILABLE = "unavailable"
NO_COUNCILMEMBER = "no_councilmember"  # a district the roster has nobody for (a vacancy)



def _load_zips():
    with resources.files("actiontool").joinpath("data/king_county_zips.csv").open(encoding="utf-8") as f:
        return frozenset(row["zip"] for row in csv.DictReader(f))


KING_COUNTY_ZIPS = _load_zips()

MESSAGES = {
    INVALID: _l("Please check the address: we need the street, the city and a 5-digit ZIP code."),
    ZIP_OUTSIDE_COUNTY: _l(
        "That ZIP code is not in King County. This letter is for people who live in King County: "
        "please check the ZIP code."
    ),
    NOT_FOUND: _l(
        "We could not find that address. Please check the house number and street name, "
        "or choose your council district below."
    ),
    OUTSIDE_COUNTY: _l(
        "That address is outside King County, so it has no King County Council member. "
        "This letter is only for King County residents."
    ),
    NOT_IN_INDEX: _l(
        "We could not find that address in our copy of King County's address list (it was not sent anywhere). "
        "Please check the house number and street name. If your home is new, or the address is right, choose "
        "your council district below."
    ),
    NOT_SENT: _l(
        "To keep your address private, we do not look it up anywhere: please choose your council district below."
    ),
    AMBIGUOUS: _l("We found more than one address like yours. Please choose yours."),
    UNAVAILABLE: _l(
        "The address service is not answering right now. You can choose your council district "
        "below, or come back in a few minutes."
    ),
    NO_COUNCILMEMBER: _l(
        "Our list has no council member for district %(district)s right now, so we cannot address "
        "this letter yet. Please try again in a few days."
    ),
}


@dataclass(frozen=True)
class DistrictFound:
    district: str
    matched_address: str
    found_by: str


@dataclass(frozen=True)
class Resolved:
    """Where a letter goes: the district, its councilmember (an Official) and the address the geocoder
    matched ("" when the district was chosen by hand)."""

    district: str
    official: object
    matched_address: str = ""
    found_by: str = FoundBy.CHOSEN


@dataclass
class LookupFailed(Exception):
    code: str
    candidates: list = field(default_factory=list)
    district: str = ""

    def __str__(self):
        return self.code

    @property
    def message(self):
        """What to tell the supporter, in the page's language."""
        return str(MESSAGES[self.code]) % {"district": self.district}


def normalise_address(street, city, zip_code):
    """One canonical spelling of an address, for the cache: case, spaces and punctuation ignored."""
    text = " ".join([street, city, zip_code[:5]]).casefold()
    text = re.sub(r"[^\w#/ -]", " ", text)
    return " ".join(text.split())


class DistrictFinder:
    """Holds the service clients and cache; `find` does one lookup."""

    def __init__(self, config):
        self.geocoder = CensusGeocoder(config["GEOCODER_URL"], config["LOOKUP_TIMEOUT"])
        self.layer = DistrictLayer(config["DISTRICT_LAYER_URL"], config["LOOKUP_TIMEOUT"])
        self.districts_file = config["DISTRICTS_FILE"]
        self.cache = LookupCache(config["SECRET_KEY"], config["LOOKUP_CACHE_DAYS"])
        self.fallback = config["GEOCODER_FALLBACK"]

    def find(self, street, city, zip_code, candidate=None):
        """The district of a King County address, or LookupFailed.

        `candidate` is the matched address the supporter picked when the
        index or the geocoder found several.
        """
        if zip_code[:5] not in KING_COUNTY_ZIPS:
            raise LookupFailed(ZIP_OUTSIDE_COUNTY)
        here = address_match.find(street, city, zip_code, candidate)
        if here is not None:
            if here.district is None:
                raise LookupFailed(AMBIGUOUS, candidates=here.labels)
            return DistrictFound(here.district, here.places[0].label, FoundBy.HERE)
        if not self.may_ask_geocoder():
            raise LookupFailed(NOT_IN_INDEX if address_index.in_use() else NOT_SENT)
        matches = self._geocode(street, city, zip_code)
        if candidate:
            matches = [m for m in matches if m.matched_address == candidate] or matches
        if not matches:
            raise LookupFailed(NOT_FOUND)
        if not any(m.in_king_county for m in matches):
            raise LookupFailed(OUTSIDE_COUNTY)

        found = {m.matched_address: self._district_at(m) for m in matches if m.in_king_county}
        outcomes = {d for d in found.values()} | ({None} if len(found) < len(matches) else set())
        if len(outcomes) > 1:
            raise LookupFailed(AMBIGUOUS, candidates=[m.matched_address for m in matches])
        district = outcomes.pop()
        if district is None:
            raise LookupFailed(NOT_FOUND)
        return DistrictFound(district=district, matched_address=next(iter(found)), found_by=FoundBy.GEOCODER)

    def may_ask_geocoder(self):
        """Whether an address the index cannot answer may be sent to the Census geocoder: GEOCODER_FALLBACK
        "on" or "off", or "auto" (the default): only while no index is installed."""
        if self.fallback == "auto":
            return address_index.in_use() is None
        return self.fallback == "on"

    def _geocode(self, street, city, zip_code):
        question = "geocode\n" + normalise_address(street, city, zip_code)
        cached = self.cache.get(question)
        if cached is None:
            try:
                matches = self.geocoder.geocode(street, city, STATE, zip_code)
            except ServiceUnavailable as error:
                current_app.logger.warning("geocoder unavailable: %s", error.__class__.__name__)
                raise LookupFailed(UNAVAILABLE) from error
            cached = [m.__dict__ for m in _unique(matches)]
            self.cache.put(question, cached)
        return [AddressMatch(**m) for m in cached]

    def _district_at(self, match):
        local = districts.load(self.districts_file)
        if local is not None:
            return local.district_at(match.lon, match.lat)
        question = f"district\n{match.lon:.6f},{match.lat:.6f}"
        cached = self.cache.get(question)
        if cached is None:
            try:
                cached = {"district": self.layer.district_at(match.lon, match.lat)}
            except ServiceUnavailable as error:
                current_app.logger.warning("district layer unavailable: %s", error.__class__.__name__)
                raise LookupFailed(UNAVAILABLE) from error
            self.cache.put(question, cached)
        return cached["district"]


def _unique(matches):
    seen = {}
    for match in matches:
        seen.setdefault(match.matched_address, match)
    return list(seen.values())


def how_addresses_are_looked_up():
    """What the privacy page says: "here" (our index only), "here_then_census" (the geocoder for what the index
    cannot answer), "census" (no index yet) or "nowhere" (no index, fallback off: the supporter chooses)."""
    installed = address_index.in_use() is not None
    asks = finder().may_ask_geocoder()
    if installed:
        return "here_then_census" if asks else "here"
    return "census" if asks else "nowhere"


def data_in_use():
    """What answers lookups, for the staff page: the district polygons ("info": the local file, when fetched, or
    why it cannot be read), the address index's status (or None), how addresses are looked up and the setting."""
    config = current_app.config
    info = {"path": config["DISTRICTS_FILE"], "layer": config["DISTRICT_LAYER_URL"], "local": False}
    try:
        district_map = districts.load(config["DISTRICTS_FILE"])
    except (ValueError, OSError) as error:
        info["error"], district_map = str(error), None
    if district_map is not None:
        info.update(local=True, count=len(district_map.geometries), fetched=dt.datetime.fromtimestamp(
            os.path.getmtime(config["DISTRICTS_FILE"]), dt.timezone.utc))
    return {"info": info, "addresses": address_index.status(), "lookup_way": how_addresses_are_looked_up(),
            "fallback_setting": config["GEOCODER_FALLBACK"]}


def districts_are_here():
    """Whether the district polygons are installed here (else a geocoder's map point goes to the county's layer)."""
    try:
        return districts.load(current_app.config["DISTRICTS_FILE"]) is not None
    except (OSError, ValueError):
        return False


def finder():
    """The app's DistrictFinder, built once per app."""
    extensions = current_app.extensions
    if "district_finder" not in extensions:
        extensions["district_finder"] = DistrictFinder(current_app.config)
    return extensions["district_finder"]


def resolve(values):
    """Resolved(district, councilmember, matched address) for an address form's values (street, city,
    zip, and optionally the district chosen by hand or the candidate picked among several matches).

    Raises LookupFailed; NO_COUNCILMEMBER when the roster has nobody for the district.
    """
    district, matched, found_by = values.get("district"), "", FoundBy.CHOSEN
    if not district:
        found = finder().find(values["street"], values["city"], values["zip"], values.get("candidate"))
        district, matched, found_by = found.district, found.matched_address, found.found_by
    official = councilmember_for(district)
    if official is None:
        current_app.logger.error("roster has no councilmember for district %s", district)
        raise LookupFailed(NO_COUNCILMEMBER, district=district)
    return Resolved(district, official, matched, found_by)


def county_members(timeout=None):
    """The county layer's councilmembers, {"1": {"name", "email"}, ...}, for checking the roster.
    Raises ServiceUnavailable when the layer does not answer."""
    config = current_app.config
    return DistrictLayer(config["DISTRICT_LAYER_URL"], timeout or config["LOOKUP_TIMEOUT"]).members()
