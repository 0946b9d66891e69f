"""The synthetic county address file (tests/fakes/address_points.py) and its ArcGIS stand-in
(tests/fakes/address_layer.py) behave as documented, so that the address index's tests and benchmark can
rely on them: the county's fields, real-looking streets, ZIPs and districts, the two export formats, the
layer's paging and its failures."""

import csv
import json
import math
import re
from collections import defaultdict
from pathlib import Path

import pytest
import requests
from pyproj import Transformer

from actiontool.addresses.normalize import from_parts, normalize
from tests.fakes.address_layer import LAYER_PATH, FakeAddressLayer
from tests.fakes.address_points import (
    FIELDS,
    county_points,
    expected_district,
    iter_county_points,
    typed_variants,
    write_csv,
    write_geojson,
)

COUNT = 5000
KING_COUNTY_ZIPS = Path(__file__).parent.parent / "actiontool" / "data" / "king_county_zips.csv"
DIRECTIONS = {"N", "S", "E", "W", "NE", "NW", "SE", "SW"}


@pytest.fixture(scope="module")
def records():
    return county_points(COUNT)


@pytest.fixture(scope="module")
def layer_service(records):
    with FakeAddressLayer(records, max_record_count=700) as fake:
        yield fake


@pytest.fixture
def layer(layer_service):
    layer_service.reset_failures()
    layer_service.reset_requests()
    return layer_service


def by_street(records):
    streets = defaultdict(list)
    for record in records:
        streets[record["FULLNAME"]].append(record)
    return streets


def test_records_have_every_county_field_unique_ids_and_are_the_same_each_time(records):
    assert [r["OBJECTID"] for r in records] == list(range(1, COUNT + 1))
    assert all(tuple(r) == FIELDS for r in records)
    assert len({r["SITEID"] for r in records}) == COUNT
    assert len({(r["ADDR_FULL"], r["ZIP5"]) for r in records}) == COUNT
    assert records == list(iter_county_points(COUNT))
    assert records != county_points(COUNT, seed=15)
    assert [r["OBJECTID"] for r in county_points(7)] == list(range(1, 8))


def test_each_field_holds_what_the_county_writes_there(records):
    for r in records:
        assert r["ADDR_NUM"] == str(r["ADDR_HN"]) or re.fullmatch(f"{r['ADDR_HN']}[AB]", r["ADDR_NUM"])
        assert r["FULLNAME"] == " ".join(p for p in (r["ADDR_PD"], r["ADDR_SN"], r["ADDR_ST"], r["ADDR_SD"]) if p)
        assert re.fullmatch(re.escape(f"{r['ADDR_NUM']} {r['FULLNAME']}") + r"( UNIT \d+)?", r["ADDR_FULL"])
        assert re.fullmatch(r"\d{4}|", r["PLUS4"]) and r["ADDR_PT"] == r["COMMENTS"] == ""
        assert {r["ADDR_PD"], r["ADDR_SD"]} <= DIRECTIONS | {""}
    with_unit = sum("UNIT" in r["ADDR_FULL"] for r in records) / COUNT
    with_letter = sum(not r["ADDR_NUM"].isdigit() for r in records) / COUNT
    assert 0.02 < with_unit < 0.08 and 0.003 < with_letter < 0.02
    assert {r["ALIAS1"] for r in records if r["FULLNAME"] == "AURORA AVE N"} == {"SR 99"}
    assert {r["SITETYPE"] for r in records} == {"R1", "R3", "C1"}


def test_state_plane_feet_are_the_same_place_as_lat_lon(records):
    to_degrees = Transformer.from_crs(2926, 4326, always_xy=True)
    lons, lats = to_degrees.transform([r["POINT_X"] for r in records], [r["POINT_Y"] for r in records])
    for r, lon, lat in zip(records, lons, lats, strict=True):
        metres = math.hypot((lon - r["LON"]) * 111_320 * math.cos(math.radians(lat)), (lat - r["LAT"]) * 110_574)
        assert metres < 1, r


def test_house_numbers_rise_along_each_street_with_even_numbers_on_one_side(records):
    checked = 0
    for name, points in by_street(records).items():
        if name == "RAINIER AVE S" or points[0]["ADDR_ST"] not in ("ST", "AVE") or len(points) < 4:
            continue  # the straight streets: east-west STs, north-south AVEs
        along, across = ("LON", "LAT") if points[0]["ADDR_ST"] == "ST" else ("LAT", "LON")
        points.sort(key=lambda r: r["ADDR_HN"])
        steps = [b[along] - a[along] for a, b in zip(points, points[1:], strict=False)]
        assert all(step >= 0 for step in steps) or all(step <= 0 for step in steps), name
        even = [r[across] for r in points if r["ADDR_HN"] % 2 == 0]
        odd = [r[across] for r in points if r["ADDR_HN"] % 2 == 1]
        assert max(even) < min(odd) or max(odd) < min(even), name
        checked += 1
    assert checked > 400


def test_zips_come_from_the_county_list_several_a_district_some_across_two(records):
    with KING_COUNTY_ZIPS.open(newline="") as f:
        county_zips = {row["zip"] for row in csv.DictReader(f)}
    assert {r["ZIP5"] for r in records} <= county_zips
    districts_of_zip, zips_of_district = defaultdict(set), defaultdict(set)
    for r in records:
        districts_of_zip[r["ZIP5"]].add(expected_district(r))
        zips_of_district[expected_district(r)].add(r["ZIP5"])
    assert all(len(zips_of_district[str(d)]) >= 3 for d in range(1, 10))
    assert {z for z, ds in districts_of_zip.items() if len(ds) > 1} == {"98103", "98133", "98108", "98178", "98056"}


def test_cities_include_incorporated_neighbours_and_unincorporated_areas(records):
    cities = {(r["CTYNAME"], r["POSTALCTYNAME"]) for r in records}
    assert {"SEATTLE", "TUKWILA", "BURIEN", "SHORELINE", "BELLEVUE", "RENTON"} <= {c for c, _ in cities}
    assert {("", "SEATTLE"), ("", "RENTON"), ("", "ENUMCLAW"), ("SHORELINE", "SEATTLE")} <= cities


def test_a_few_points_lie_outside_every_district_and_all_others_inside_one(records):
    outside = [r for r in records if expected_district(r) is None]
    assert 3 <= len(outside) < 10 and {r["FULLNAME"] for r in outside} == {"SE 416TH ST"}
    assert expected_district({"LON": -122.3, "LAT": 47.65}) == "1"  # on the edge of 1 and 2: the first


def test_streets_cross_district_boundaries(records):
    districts = {name: {expected_district(r) for r in points} for name, points in by_street(records).items()}
    assert sum(len(ds) > 1 for ds in districts.values()) > 200
    assert len(districts["RAINIER AVE S"]) >= 2 and districts["MARTIN LUTHER KING JR WAY S"] == {"5", "8"}
    assert districts["NE 45TH ST"] == {"2", "3"} and districts["NW 45TH ST"] == {"1"}


def test_an_address_without_its_direction_is_ambiguous_only_sometimes(records):
    """Same number and street name in two districts: NE/NW, S/SW, and the avenues' NE/S; with the ZIP,
    only around the meridian where 98103 and 98133 reach both sides."""
    streets = by_street(records)
    assert {"NE 45TH ST", "NW 45TH ST", "3RD AVE", "3RD AVE S", "3RD AVE NE", "PINE ST", "E PINE ST"} <= set(streets)
    found, found_in_zip = defaultdict(set), defaultdict(set)
    for r in records:
        found[r["ADDR_NUM"], r["ADDR_SN"], r["ADDR_ST"]].add(expected_district(r))
        found_in_zip[r["ADDR_NUM"], r["ADDR_SN"], r["ADDR_ST"], r["ZIP5"]].add(expected_district(r))
    ambiguous = sum(len(ds) > 1 for ds in found.values())
    assert 0.2 < ambiguous / len(found) < 0.8
    ambiguous_in_zip = [key for key, ds in found_in_zip.items() if len(ds) > 1]
    assert 0 < len(ambiguous_in_zip) < 0.1 * len(found_in_zip)
    assert {key[3] for key in ambiguous_in_zip} <= {"98103", "98133"}


def test_typed_variants_are_the_same_address_typed_differently(records):
    kinds = {"exact", "typo", "missing_direction", "unit", "spanish", "full_words"}
    for r in records[::7]:
        typed = typed_variants(r)
        assert set(typed) == kinds and typed == typed_variants(dict(r))
        assert typed["exact"].upper() == r["ADDR_FULL"] and typed["typo"].upper() != typed["exact"].upper()
        assert not DIRECTIONS & set(typed["missing_direction"].upper().split()[1:])
        county = from_parts(r["ADDR_NUM"], r["ADDR_PD"], r["ADDR_SN"], r["ADDR_ST"], r["ADDR_SD"])
        for kind in ("exact", "unit", "full_words"):
            found = normalize(typed[kind])
            assert (found.number, found.street) == (county.number, county.street), typed[kind]
        assert re.search(r"Calle|Avenida|Apto|#|Sur|Nor|Este|Oeste", typed["spanish"]), typed
    rainier = next(r for r in records if r["FULLNAME"] == "RAINIER AVE S" and not r["ADDR_NUM"][-1].isalpha())
    assert typed_variants(rainier)["spanish"] == f"{rainier['ADDR_HN']} Avenida Rainier Sur"
    numbered = next(r for r in records if r["FULLNAME"] == "NE 45TH ST" and "UNIT" not in r["ADDR_FULL"])
    assert typed_variants(numbered)["typo"] == f"{numbered['ADDR_NUM']} NE 45th Stret"


@pytest.mark.parametrize("crs", [4326, 2926])
def test_geojson_export_reads_back_as_the_records(records, tmp_path, crs):
    path = tmp_path / "address.geojson"
    assert write_geojson(path, iter(records), crs=crs) == COUNT
    data = json.loads(path.read_text())
    assert [f["properties"] for f in data["features"]] == records
    x, y = ("LON", "LAT") if crs == 4326 else ("POINT_X", "POINT_Y")
    assert all(f["geometry"] == {"type": "Point", "coordinates": [r[x], r[y]]}
               for f, r in zip(data["features"], records, strict=True))
    assert data.get("crs") == (None if crs == 4326 else {"type": "name", "properties": {"name": "EPSG:2926"}})


def test_csv_export_reads_back_as_the_records(records, tmp_path):
    path = tmp_path / "address.csv"
    assert write_csv(path, iter(records)) == COUNT
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["X", "Y", *FIELDS]
    assert [{name: row[name] for name in FIELDS} for row in rows] == [
        {name: str(r[name]) for name in FIELDS} for r in records]
    assert all((float(row["X"]), float(row["Y"])) == (r["LON"], r["LAT"]) for row, r in zip(rows, records, strict=True))


def query(layer, **params):
    answer = requests.get(layer.layer_url + "/query", params={"f": "json", **params}, timeout=10)
    assert answer.status_code == 200
    return answer.json()


@pytest.mark.parametrize(("out_sr", "x", "y"), [("4326", "LON", "LAT"), ("2926", "POINT_X", "POINT_Y"),
                                                (None, "POINT_X", "POINT_Y")])
def test_paging_by_object_id_returns_every_record_once(layer, records, out_sr, x, y):
    assert query(layer, where="1=1", returnCountOnly="true") == {"count": COUNT}
    assert layer.layer_url.endswith(LAYER_PATH)
    seen, after, pages = [], 0, []
    while True:
        params = {"where": f"OBJECTID > {after}", "outFields": "*", "orderByFields": "OBJECTID",
                  "resultRecordCount": "1000", "returnGeometry": "true", **({"outSR": out_sr} if out_sr else {})}
        page = query(layer, **params)
        assert page["spatialReference"]["wkid"] == int(out_sr or 2926)
        assert [f["name"] for f in page["fields"]] == list(FIELDS) and page["objectIdFieldName"] == "OBJECTID"
        seen += page["features"]
        pages.append(len(page["features"]))
        if not page.get("exceededTransferLimit"):
            break
        after = page["features"][-1]["attributes"]["OBJECTID"]
    assert pages == [700] * 7 + [100]  # resultRecordCount capped at the layer's 700
    assert [f["attributes"] for f in seen] == records
    assert [f["geometry"] for f in seen] == [{"x": r[x], "y": r[y]} for r in records]


def test_the_layer_answers_offsets_field_lists_and_what_it_cannot_read(layer, records):
    page = query(layer, where="OBJECTID>4990", outFields="OBJECTID,ZIP5", resultRecordCount="5",
                 resultOffset="2", returnGeometry="false")
    assert page["features"] == [{"attributes": {"OBJECTID": n, "ZIP5": records[n - 1]["ZIP5"]}}
                                for n in range(4993, 4998)]
    assert page["exceededTransferLimit"] is True
    assert "exceededTransferLimit" not in query(layer, where="OBJECTID > 4995", outFields="OBJECTID")
    for bad in ({"where": "1=1", "outFields": "NOPE"}, {"where": "ZIP5 = '98103'"}, {"where": ""},
                {"where": "1=1", "resultRecordCount": "many"}, {"where": "1=1", "orderByFields": "NOPE"}):
        error = query(layer, **bad)["error"]
        assert error["code"] == 400 and error["message"] and error["details"], bad


def test_a_chosen_query_request_fails_once_with_a_proxy_page_or_a_cut_body(layer):
    layer.fail_on_requests, layer.truncate_on_requests = {3}, {5}
    url, params = layer.layer_url + "/query", {"where": "1=1", "outFields": "*", "f": "json"}
    answers = [requests.get(url, params=params, timeout=10) for _ in range(6)]
    assert [a.status_code for a in answers] == [200, 200, 503, 200, 200, 200]
    assert "nginx" in answers[2].text and answers[2].headers["Content-Type"] == "text/html"
    with pytest.raises(ValueError):
        json.loads(answers[4].text)
    assert answers[4].content == answers[3].content[:len(answers[3].content) // 2]
    assert all(len(a.json()["features"]) == 700 for a in answers[:2] + answers[3:4] + answers[5:])
