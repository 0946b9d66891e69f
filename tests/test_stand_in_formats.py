"""Each stand-in in tests/fakes/ answers in the documented format of the service it replaces.

The expected paths, field names, nesting, values and error shapes below are copied from the reference,
/work/shared/reference/external-services.md (sections 1 and 2), not taken from the stand-ins: a
stand-in that drifts from the real service's format fails here, before the app's tests pass against
answers the real service never gives.
"""

import re

import pytest
import requests

from tests.fakes.census import FakeCensusGeocoder, census_match
from tests.fakes.county_layer import FakeCountyLayer
from tests.fakes.geography import OUTSIDE_POINT, district_center

# Section 1, the Census geocoder: base https://geocoding.geo.census.gov/geocoder, and the question the
# app asks, GET {base}/geographies/address?street=...&city=...&state=WA&zip=...&benchmark=... .
CENSUS_BASE_PATH = "/geocoder"
CENSUS_PATH = "/geocoder/geographies/address"
CENSUS_QUESTION = {"street": "516 3rd Ave", "city": "Seattle", "state": "WA", "zip": "98104",
                   "benchmark": "Public_AR_Current", "vintage": "Current_Current", "layers": "Counties",
                   "format": "json"}
# The reference's example answer.
MATCHED = "516 3RD AVE, SEATTLE, WA, 98104"
LON, LAT = -122.3306, 47.6025
COMPONENTS = {"zip": "98104", "city": "SEATTLE", "state": "WA", "streetName": "3RD", "suffixType": "AVE"}
KING_COUNTY = {"STATE": "53", "COUNTY": "033", "GEOID": "53033", "NAME": "King County"}

# Section 2, the county's layer .../arcgis/rest/services/KCCDST_AREA_185/FeatureServer/0.
LAYER_PATH = "/arcgis/rest/services/KCCDST_AREA_185/FeatureServer/0"
LAYER_FIELDS = {"KCCDST", "COUNCILMEM", "EMAIL"}
POINT_QUESTION = {"geometryType": "esriGeometryPoint", "inSR": "4326", "spatialRel": "esriSpatialRelIntersects",
                  "outFields": "KCCDST,COUNCILMEM,EMAIL", "returnGeometry": "false", "f": "json"}
GEOJSON_QUESTION = {"where": "1=1", "outFields": "KCCDST,COUNCILMEM,EMAIL", "returnGeometry": "true",
                    "outSR": "4326", "f": "geojson"}
# The app's third question (actiontool/lookup/county_layer.py, members): every district, attributes only.
MEMBERS_QUESTION = {"where": "1=1", "outFields": "KCCDST,COUNCILMEM,EMAIL", "returnGeometry": "false", "f": "json"}
DISTRICTS = [str(n) for n in range(1, 10)]  # KCCDST is a string "1".."9"


@pytest.fixture(scope="module")
def census():
    with FakeCensusGeocoder() as fake:
        yield fake


@pytest.fixture
def geocoder(census):
    census.clear_addresses()
    census.reset_failures()
    return census


@pytest.fixture(scope="module")
def layer_service():
    with FakeCountyLayer() as fake:
        yield fake


@pytest.fixture
def layer(layer_service):
    layer_service.reset_failures()
    return layer_service


def json_body(response):
    """The body of an answer that says it is JSON (format=json, f=json, f=geojson all ask for JSON)."""
    media_type = response.headers["Content-Type"].split(";")[0].strip()
    assert re.fullmatch(r"application/([\w.-]+\+)?json", media_type), media_type
    return response.json()


def ask_census(geocoder, **changes):
    return requests.get(geocoder.root_url + CENSUS_PATH, params={**CENSUS_QUESTION, **changes}, timeout=5)


def ask_layer(layer, question, **changes):
    return requests.get(layer.root_url + LAYER_PATH + "/query", params={**question, **changes}, timeout=5)


def test_the_apps_base_urls_are_the_services_documented_paths(geocoder, layer):
    assert geocoder.base_url == geocoder.root_url + CENSUS_BASE_PATH
    assert layer.layer_url == layer.root_url + LAYER_PATH


# ---------------------------------------------------------------- Census geocoder


def test_census_match_has_the_documented_fields_nesting_and_values(geocoder):
    geocoder.add_address("516 3rd Ave", "Seattle", "98104", [census_match(MATCHED, LON, LAT)])
    response = ask_census(geocoder)
    assert response.status_code == 200
    result = json_body(response)["result"]
    assert result["input"]["address"]
    assert result["input"]["benchmark"]["benchmarkName"] == "Public_AR_Current"
    assert result["input"]["vintage"]["vintageName"] == "Current_Current"
    [match] = result["addressMatches"]
    assert match["matchedAddress"] == MATCHED
    assert match["coordinates"] == {"x": LON, "y": LAT}  # x is the longitude, y the latitude
    assert {"tigerLineId", "side"} <= set(match["tigerLine"])
    assert COMPONENTS.items() <= match["addressComponents"].items()
    assert list(match["geographies"]) == ["Counties"]  # the layers asked for, no others
    [county] = match["geographies"]["Counties"]
    assert KING_COUNTY.items() <= county.items()


def test_census_county_geoid_is_state_then_county_code(geocoder):
    geocoder.add_address("5 Border Rd", "Auburn", "98092",
                         [census_match("5 BORDER RD, AUBURN, WA, 98092", -122.2, 47.25, county="053",
                                       county_name="Pierce County")])
    [match] = json_body(ask_census(geocoder, street="5 Border Rd", city="Auburn", zip="98092"))["result"][
        "addressMatches"]
    [county] = match["geographies"]["Counties"]
    assert (county["STATE"], county["COUNTY"], county["GEOID"]) == ("53", "053", "53053")


def test_census_no_match_is_an_empty_list_with_http_200(geocoder):
    response = ask_census(geocoder, street="1 Nowhere Rd")
    assert response.status_code == 200
    assert json_body(response)["result"]["addressMatches"] == []


def test_census_several_matches_are_all_listed(geocoder):
    geocoder.add_address("100 Main St", "Seattle", "98104", [
        census_match("100 MAIN ST N, SEATTLE, WA, 98104", *district_center("1")),
        census_match("100 MAIN ST S, SEATTLE, WA, 98104", *district_center("5")),
    ])
    matches = json_body(ask_census(geocoder, street="100 Main St"))["result"]["addressMatches"]
    assert [m["matchedAddress"] for m in matches] == ["100 MAIN ST N, SEATTLE, WA, 98104",
                                                      "100 MAIN ST S, SEATTLE, WA, 98104"]
    assert all(set(m["coordinates"]) == {"x", "y"} for m in matches)


def test_census_error_is_http_400_with_errors_and_status(geocoder):
    response = ask_census(geocoder, street="")
    assert response.status_code == 400
    body = json_body(response)
    assert set(body) == {"errors", "status"}
    assert body["status"] == "400"
    assert body["errors"] and all(isinstance(error, str) and error for error in body["errors"])


# ---------------------------------------------------------------- county council-district layer


@pytest.mark.parametrize("district", DISTRICTS)
def test_layer_point_query_answers_the_district_in_attributes(layer, district):
    lon, lat = district_center(district)
    response = ask_layer(layer, POINT_QUESTION, geometry=f"{lon},{lat}")
    assert response.status_code == 200
    body = json_body(response)
    assert "error" not in body
    [feature] = body["features"]
    assert set(feature) == {"attributes"}  # returnGeometry=false
    attributes = feature["attributes"]
    assert set(attributes) == LAYER_FIELDS
    assert attributes["KCCDST"] == district
    assert isinstance(attributes["COUNCILMEM"], str) and attributes["COUNCILMEM"]
    assert isinstance(attributes["EMAIL"], str) and "@" in attributes["EMAIL"]


def test_layer_point_outside_every_district_has_no_features(layer):
    response = ask_layer(layer, POINT_QUESTION, geometry="{},{}".format(*OUTSIDE_POINT))
    assert response.status_code == 200
    assert json_body(response)["features"] == []


def test_layer_members_query_lists_every_district_in_attributes(layer):
    body = json_body(ask_layer(layer, MEMBERS_QUESTION))
    assert sorted(f["attributes"]["KCCDST"] for f in body["features"]) == DISTRICTS
    assert all(set(f) == {"attributes"} and set(f["attributes"]) == LAYER_FIELDS for f in body["features"])


@pytest.mark.parametrize("failure", ["service error", "unreadable geometry", "unknown where"])
def test_layer_error_is_http_200_with_an_error_object(layer, failure):
    changes = {"geometry": "-122.25,47.55"}
    if failure == "service error":
        layer.arcgis_error = True
    elif failure == "unreadable geometry":
        changes["geometry"] = "not,a,point"
    else:
        changes = {"geometry": "", "where": "no such thing"}
    response = ask_layer(layer, POINT_QUESTION, **changes)
    assert response.status_code == 200
    body = json_body(response)
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == 400
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], list)


def test_layer_geojson_is_a_feature_collection_of_the_nine_districts_in_wgs84(layer):
    response = ask_layer(layer, GEOJSON_QUESTION)
    assert response.status_code == 200
    collection = json_body(response)
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert sorted(f["properties"]["KCCDST"] for f in features) == DISTRICTS
    for feature in features:
        assert feature["type"] == "Feature"
        geometry = feature["geometry"]
        assert geometry["type"] in ("Polygon", "MultiPolygon")
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        for ring in (ring for polygon in polygons for ring in polygon):
            assert ring[0] == ring[-1] and len(ring) >= 4
            # WGS84 degrees, longitude first: the reference's King County example is x -122.33, y 47.60.
            assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in ring)
