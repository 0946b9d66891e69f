"""The HTTP fakes answer in the documented shapes of the real services."""

from __future__ import annotations

import threading
import time

import pytest
import requests

try:  # tests/ may or may not be a package
    from tests.fake_services import (
        DISTRICT_BOUNDS,
        OUTSIDE_POINT,
        Closed,
        FakeCensusGeocoder,
        FakeCountyLayer,
        census_match,
        closed_port_url,
        district_center,
        districts_geojson,
    )
except ImportError:  # pragma: no cover - depends on how pytest is invoked
    from fake_services import (  # type: ignore[no-redef]
        DISTRICT_BOUNDS,
        OUTSIDE_POINT,
        Closed,
        FakeCensusGeocoder,
        FakeCountyLayer,
        census_match,
        closed_port_url,
        district_center,
        districts_geojson,
    )

CENSUS_PARAMS = {
    "state": "WA",
    "benchmark": "Public_AR_Current",
    "vintage": "Current_Current",
    "layers": "Counties",
    "format": "json",
}
POINT_PARAMS = {
    "geometryType": "esriGeometryPoint",
    "inSR": "4326",
    "spatialRel": "esriSpatialRelIntersects",
    "outFields": "KCCDST,COUNCILMEM,EMAIL",
    "returnGeometry": "false",
    "f": "json",
}
GEOJSON_PARAMS = {
    "where": "1=1",
    "outFields": "KCCDST,COUNCILMEM,EMAIL",
    "returnGeometry": "true",
    "outSR": "4326",
    "f": "geojson",
}


@pytest.fixture
def census():
    with FakeCensusGeocoder() as fake:
        yield fake


@pytest.fixture
def layer():
    with FakeCountyLayer() as fake:
        yield fake


def _geocode(census, street, city, zip_, **extra):
    params = {**CENSUS_PARAMS, "street": street, "city": city, "zip": zip_, **extra}
    return requests.get(f"{census.base_url}/geographies/address", params=params, timeout=5)


def _point(layer, lon, lat, **extra):
    params = {**POINT_PARAMS, "geometry": f"{lon},{lat}", **extra}
    return requests.get(f"{layer.layer_url}/query", params=params, timeout=5)


# -- districts ----------------------------------------------------------------


def test_grid_layout():
    assert DISTRICT_BOUNDS["1"] == (-122.4, 47.6, -122.3, 47.7)  # north-west
    assert DISTRICT_BOUNDS["3"] == (-122.2, 47.6, -122.1, 47.7)  # north-east
    assert DISTRICT_BOUNDS["9"] == (-122.2, 47.4, -122.1, 47.5)  # south-east
    assert district_center("5") == (-122.25, 47.55)


def test_districts_geojson_shape():
    fc = districts_geojson()
    assert fc["type"] == "FeatureCollection"
    assert [f["properties"]["KCCDST"] for f in fc["features"]] == [str(n) for n in range(1, 10)]
    by_id = {f["properties"]["KCCDST"]: f for f in fc["features"]}
    assert by_id["9"]["geometry"]["type"] == "MultiPolygon"
    assert len(by_id["9"]["geometry"]["coordinates"]) == 2
    ring = by_id["4"]["geometry"]["coordinates"][0]
    assert by_id["4"]["geometry"]["type"] == "Polygon"
    assert ring[0] == ring[-1]
    edges = zip(ring, ring[1:], strict=False)
    signed_area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in edges)
    assert signed_area > 0  # counter-clockwise exterior
    assert by_id["2"]["properties"] == {
        "KCCDST": "2", "COUNCILMEM": "Member 2", "EMAIL": "Member.2@kingcounty.gov",
    }
    assert len(districts_geojson(districts=[str(n) for n in range(1, 9)])["features"]) == 8


# -- Census geocoder ---------------------------------------------------------------


def test_census_registered_address(census):
    lon, lat = district_center("4")
    census.add_address("516 3rd Ave", "Seattle", "98104",
                       [census_match("516 3RD AVE, SEATTLE, WA, 98104", lon, lat)])
    resp = _geocode(census, "516  3rd Ave.", "SEATTLE,", "98104")
    assert resp.status_code == 200
    result = resp.json()["result"]
    assert result["input"]["address"] == {
        "street": "516  3rd Ave.", "city": "SEATTLE,", "state": "WA", "zip": "98104",
    }
    assert result["input"]["benchmark"]["benchmarkName"] == "Public_AR_Current"
    assert result["input"]["vintage"]["vintageName"] == "Current_Current"
    (match,) = result["addressMatches"]
    assert match["matchedAddress"] == "516 3RD AVE, SEATTLE, WA, 98104"
    assert match["coordinates"] == {"x": lon, "y": lat}
    assert set(match["tigerLine"]) == {"tigerLineId", "side"}
    comps = match["addressComponents"]
    assert (comps["zip"], comps["city"], comps["state"]) == ("98104", "SEATTLE", "WA")
    assert (comps["streetName"], comps["suffixType"]) == ("3RD", "AVE")
    (county,) = match["geographies"]["Counties"]
    assert (county["STATE"], county["COUNTY"], county["GEOID"], county["NAME"]) == (
        "53", "033", "53033", "King County",
    )
    assert census.request_count == 1
    path, params = census.requests[0]
    assert path == "/geocoder/geographies/address"
    assert params["street"] == "516  3rd Ave."


def test_census_oneline_and_several_matches(census):
    m1 = census_match("100 MAIN ST, SEATTLE, WA, 98101", *district_center("1"))
    m2 = census_match("100 MAIN ST, SEATTLE, WA, 98102", *district_center("2"))
    census.add_address("100 Main St", "Seattle", "98101", [m1, m2])
    resp = requests.get(
        f"{census.base_url}/geographies/onelineaddress",
        params={"address": "100 Main St, Seattle, WA 98101", **CENSUS_PARAMS}, timeout=5,
    )
    assert resp.status_code == 200
    assert len(resp.json()["result"]["addressMatches"]) == 2


def test_census_unknown_address(census):
    resp = _geocode(census, "1 Nowhere Rd", "Seattle", "98104")
    assert resp.status_code == 200
    assert resp.json()["result"]["addressMatches"] == []


@pytest.mark.parametrize("drop", ["street", "benchmark"])
def test_census_missing_param_is_400(census, drop):
    params = {**CENSUS_PARAMS, "street": "516 3rd Ave", "city": "Seattle", "zip": "98104"}
    del params[drop]
    resp = requests.get(f"{census.base_url}/geographies/address", params=params, timeout=5)
    assert resp.status_code == 400
    body = resp.json()
    assert body["status"] == "400"
    assert isinstance(body["errors"], list) and body["errors"]


def test_census_fail_status_is_html(census):
    census.fail_status = 503
    resp = _geocode(census, "516 3rd Ave", "Seattle", "98104")
    assert resp.status_code == 503
    assert resp.headers["Content-Type"].startswith("text/html")
    census.fail_status = None
    assert _geocode(census, "516 3rd Ave", "Seattle", "98104").status_code == 200
    assert census.request_count == 2


# -- County layer ----------------------------------------------------------------


@pytest.mark.parametrize("district", [str(n) for n in range(1, 10)])
def test_layer_point_inside_each_district(layer, district):
    resp = _point(layer, *district_center(district))
    assert resp.status_code == 200
    body = resp.json()
    assert body["features"] == [{"attributes": {
        "KCCDST": district,
        "COUNCILMEM": f"Member {district}",
        "EMAIL": f"Member.{district}@kingcounty.gov",
    }}]
    assert body["objectIdFieldName"] == "OBJECTID"


def test_layer_point_outside(layer):
    resp = _point(layer, *OUTSIDE_POINT)
    assert resp.status_code == 200
    assert resp.json()["features"] == []


def test_layer_point_as_json_geometry_and_out_fields(layer):
    lon, lat = district_center("6")
    resp = _point(layer, lon, lat, geometry=f'{{"x": {lon}, "y": {lat}}}', outFields="KCCDST")
    assert resp.json()["features"] == [{"attributes": {"KCCDST": "6"}}]


def test_layer_geojson(layer):
    resp = requests.get(f"{layer.layer_url}/query", params=GEOJSON_PARAMS, timeout=5)
    assert resp.status_code == 200
    fc = resp.json()
    assert fc["type"] == "FeatureCollection"
    assert len(fc["features"]) == 9
    types = {f["properties"]["KCCDST"]: f["geometry"]["type"] for f in fc["features"]}
    assert types["9"] == "MultiPolygon"
    assert {t for d, t in types.items() if d != "9"} == {"Polygon"}


def test_layer_geojson_replaced_with_bad_data(layer):
    layer.geojson = districts_geojson(districts=[str(n) for n in range(1, 9)])
    fc = requests.get(f"{layer.layer_url}/query", params=GEOJSON_PARAMS, timeout=5).json()
    assert len(fc["features"]) == 8


@pytest.mark.parametrize(
    "change",
    [{"f": None}, {"geometry": "not,a,point"}, {"geometry": "{bad json"}],
)
def test_layer_bad_parameters_give_arcgis_error(layer, change):
    params = {**POINT_PARAMS, "geometry": "-122.25,47.55"}
    for key, value in change.items():
        if value is None:
            del params[key]
        else:
            params[key] = value
    resp = requests.get(f"{layer.layer_url}/query", params=params, timeout=5)
    assert resp.status_code == 200
    err = resp.json()["error"]
    assert err["code"] == 400
    assert err["message"] == "Unable to complete operation."
    assert isinstance(err["details"], list)


def test_layer_arcgis_error_mode(layer):
    layer.arcgis_error = True
    resp = _point(layer, *district_center("1"))
    assert resp.status_code == 200
    assert set(resp.json()) == {"error"}


# -- failure modes -----------------------------------------------------------------


def test_delay_causes_client_timeout(layer):
    layer.delay = 2
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(
            f"{layer.layer_url}/query",
            params={**POINT_PARAMS, "geometry": "-122.25,47.55"},
            timeout=0.3,
        )
    assert time.monotonic() - started < 1.5
    layer.delay = 0.2
    assert _point(layer, *district_center("1")).json()["features"]


def test_drop_connections(census, layer):
    for fake, url in ((census, f"{census.base_url}/geographies/address"),
                      (layer, f"{layer.layer_url}/query")):
        fake.drop_connections = True
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(url, params={"f": "json"}, timeout=5)
        assert fake.request_count == 1


def test_fail_times_then_recovers(layer):
    layer.fail_status = 500
    layer.fail_times = 1
    assert _point(layer, *district_center("2")).status_code == 500
    assert _point(layer, *district_center("2")).status_code == 200


def test_closed_port_refuses():
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(closed_port_url() + "/geocoder", timeout=2)
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(Closed().layer_url + "/query", timeout=2)


def test_stop_is_clean_even_while_a_request_waits():
    fake = FakeCountyLayer().start()
    fake.delay = 30
    url = f"{fake.layer_url}/query"

    def client():
        try:
            requests.get(url, timeout=5)
        except requests.exceptions.RequestException:
            pass

    t = threading.Thread(target=client, daemon=True)
    t.start()
    time.sleep(0.1)
    started = time.monotonic()
    fake.stop()
    assert time.monotonic() - started < 1
    t.join(timeout=2)
    assert not t.is_alive()  # the waiting request was ended, not left hanging
    with pytest.raises(RuntimeError):
        _ = fake.layer_url
