"""The local copy of the district polygons: fetched or imported, and only ever all of 1-9."""

import json

import pytest

from actiontool.lookup.districts import DistrictMap, DistrictsInvalid
from tests.fakes.geography import OUTSIDE_POINT, district_center, districts_geojson


def test_fetch_downloads_the_nine_districts_into_the_instance_folder(app, runner, county_layer):
    result = runner.invoke(args=["districts", "fetch"])
    assert result.exit_code == 0, result.output
    path, params = county_layer.requests[-1]
    assert params["f"] == "geojson" and params["outSR"] == "4326"
    with open(app.config["DISTRICTS_FILE"]) as installed:
        assert len(json.load(installed)["features"]) == 9


def test_fetch_refuses_a_layer_missing_a_district(app, runner, county_layer):
    county_layer.geojson = districts_geojson(districts=[str(n) for n in range(1, 9)])
    try:
        result = runner.invoke(args=["districts", "fetch"])
    finally:
        county_layer.geojson = districts_geojson()
    assert result.exit_code != 0
    assert "missing district(s) 9" in result.output


def test_fetch_reports_an_unreachable_layer(app, runner, county_layer):
    county_layer.arcgis_error = True
    result = runner.invoke(args=["districts", "fetch"])
    assert result.exit_code != 0
    assert "Could not download" in result.output


@pytest.mark.parametrize("content, reason", [
    ("not json", "is not JSON"),
    (json.dumps({"type": "Feature"}), "not a GeoJSON FeatureCollection"),
    (json.dumps(districts_geojson(districts=["1", "2"])), "missing district(s) 3"),
])
def test_import_refuses_bad_files_and_keeps_the_installed_one(app, runner, tmp_path, content, reason):
    good = tmp_path / "good.geojson"
    good.write_text(json.dumps(districts_geojson()))
    assert runner.invoke(args=["districts", "import", str(good)]).exit_code == 0
    before = open(app.config["DISTRICTS_FILE"]).read()
    bad = tmp_path / "bad.geojson"
    bad.write_text(content)
    result = runner.invoke(args=["districts", "import", str(bad)])
    assert result.exit_code != 0
    assert reason in result.output
    assert open(app.config["DISTRICTS_FILE"]).read() == before


def test_duplicate_district_is_refused():
    data = districts_geojson()
    data["features"].append(data["features"][0])
    with pytest.raises(DistrictsInvalid, match="appears twice"):
        DistrictMap.from_geojson(data)


def test_projected_coordinates_are_refused():
    data = districts_geojson()
    data["features"][0]["geometry"]["coordinates"] = [[[1270000, 220000], [1280000, 220000],
                                                       [1280000, 230000], [1270000, 220000]]]
    with pytest.raises(DistrictsInvalid, match="not WGS84"):
        DistrictMap.from_geojson(data)


def test_point_in_polygon_finds_each_district_including_multipolygons():
    district_map = DistrictMap.from_geojson(districts_geojson())
    for district in map(str, range(1, 10)):
        assert district_map.district_at(*district_center(district)) == district
    assert district_map.district_at(*OUTSIDE_POINT) is None
