"""Building the local index of King County's address points (`actiontool addresses import`, build.build): the
district of each point found from the installed polygons whatever the file's format and coordinates, bad rows
left out and counted by reason, an old index that keeps answering until a new one is finished (and after one
fails), nothing personal stored, and what `addresses status` and the staff district-data page say about it.

The records come from the synthetic county file (tests/fakes/address_points.py) over the synthetic districts
(tests/fakes/geography.py); what each record's district should be is computed there, from the squares."""

import csv
import datetime as dt
import json
import re
from collections import Counter

import flask_babel
import pytest
import sqlalchemy

from actiontool.addresses import build, index, match, sources
from actiontool.lookup import districts
from actiontool.models import AddressIndex, AddressPoint, AddressStreet, db, utcnow
from tests.fakes.address_points import FIELDS, county_points, expected_district, write_csv, write_geojson
from tests.fakes.geography import district_center, districts_geojson
from tests.helpers import text

COUNT = 3000  # the index most tests install first
BIG = build.BATCH + 1500  # more than one batch: a build that stops after its first one
OUTSIDE_STREET = "SE 416TH ST"  # the synthetic file's street in no district
ONLY_FOR_THE_PROBE = 2_147_483_647  # a SITEID the synthetic file never gives (its SITEIDs are below this prime)


@pytest.fixture(scope="module")
def records():
    return county_points(COUNT)


@pytest.fixture(scope="module")
def big_records():
    return county_points(BIG)


@pytest.fixture
def districts_installed(app, runner, tmp_path):
    """The nine synthetic district polygons installed, as an operator does with `districts import`."""
    path = tmp_path / "council-districts.geojson"
    path.write_text(json.dumps(districts_geojson()), encoding="utf-8")
    result = runner.invoke(args=["districts", "import", str(path)])
    assert result.exit_code == 0, result.output


def import_file(runner, path, *options):
    return runner.invoke(args=["addresses", "import", str(path), *options])


def install(runner, path, records):
    """`addresses import` of `records` written as GeoJSON at `path`, which must succeed."""
    write_geojson(path, records)
    result = import_file(runner, path)
    assert result.exit_code == 0, result.output
    return result


def usable(records):
    return [record for record in records if expected_district(record) is not None]


def plain(records):
    """Records of one point at one address: no unit, no letter, no alias, in a district."""
    return [record for record in usable(records) if record["SITETYPE"] != "R3" and record["ADDR_NUM"].isdigit()
            and not record["ALIAS1"]]


def unit_of(record):
    return record["ADDR_FULL"][len(f"{record['ADDR_NUM']} {record['FULLNAME']}"):].replace("UNIT", "").strip()


def key(record):
    """What identifies a record's point in the index: (street, number, suffix, unit, ZIP)."""
    return (record["FULLNAME"], record["ADDR_HN"], record["ADDR_NUM"][len(str(record["ADDR_HN"])):], unit_of(record),
            record["ZIP5"])


def stored(app):
    """{(street, number, suffix, unit, ZIP): [(district, lon, lat), ...]} of the index's own rows (not aliases)."""
    with app.app_context():
        rows = db.session.execute(db.select(AddressPoint).where(AddressPoint.alias.is_(False))).scalars()
        points = {}
        for row in rows:
            points.setdefault((row.street, row.number, row.number_suffix, row.unit, row.zip), []).append(
                (row.district, row.lon, row.lat))
        return points


def state(app):
    """What a failed build must leave as it was: the index in use and every row of every build."""
    with app.app_context():
        in_use = index.in_use()
        current = index.current()
        return {"in_use": in_use, "points": current.points if current else None,
                **{model.__name__: db.session.scalar(db.select(db.func.count()).select_from(model))
                   for model in (AddressIndex, AddressPoint, AddressStreet)}}


def district_found_here(record):
    """The district the index answers for a record's address as a supporter types it (in the app context
    already pushed), or None."""
    answer = match.find(f"{record['ADDR_NUM']} {record['FULLNAME']}", record["POSTALCTYNAME"], record["ZIP5"])
    return answer.district if answer else None


def district_found(app, record):
    with app.app_context():
        return district_found_here(record)


def write_table(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def write_csv_with(path, records, coordinates):
    """The county's CSV with only the coordinate columns named in `coordinates` ({"X": "LON", ...}: column ->
    the record's field it holds), the other fields as they are."""
    fields = [name for name in FIELDS if name not in ("LON", "LAT", "POINT_X", "POINT_Y")]
    write_table(path, [*coordinates, *fields],
                ([record[field] for field in coordinates.values()] + [record[name] for name in fields]
                 for record in records))


def test_import_assigns_each_point_its_district_reports_counts_and_status_shows_the_index(
        app, runner, districts_installed, records, tmp_path):
    path = tmp_path / "address-points.geojson"
    write_geojson(path, records)

    result = import_file(runner, path)

    assert result.exit_code == 0, result.output
    per_district = Counter(expected_district(record) for record in usable(records))
    outside = sum(record["FULLNAME"] == OUTSIDE_STREET for record in records)
    assert outside and len(per_district) == 9
    assert f"Installed an address index of {sum(per_district.values()):,} points from address-points.geojson" \
        in result.output
    reported = dict(re.findall(r"District (\d): ([0-9,]*[0-9])", result.output))
    assert reported == {d: f"{n:,}" for d, n in per_district.items()}
    assert f"left out, in no council district: {outside}" in result.output
    with app.app_context():
        built = index.current()
        assert built.per_district == dict(per_district)
        assert built.points == len(usable(records)) == COUNT - outside
        assert built.skipped == {"no_district": outside}
        assert built.source == "address-points.geojson"
        assert db.session.scalar(db.select(db.func.count()).select_from(AddressPoint)
                                 .where(AddressPoint.alias.is_(False))) == built.points
        built_at = built.ready_at
    points = stored(app)
    assert Counter(key(record) for record in usable(records)) == Counter({k: len(v) for k, v in points.items()})
    assert all(district == expected_district(record) for record in usable(records)
               for district, _, _ in points[key(record)])

    status = runner.invoke(args=["addresses", "status"])

    assert status.exit_code == 0, status.output
    assert (f"Address index built {built_at:%Y-%m-%d %H:%M} UTC from address-points.geojson: "
            f"{COUNT - outside:,} points.") in status.output
    assert ", ".join(f"District {d}: {n:,}" for d, n in sorted(per_district.items())) in status.output
    assert f"left out, in no council district: {outside}" in status.output


def test_status_says_when_no_index_is_installed(app, runner):
    result = runner.invoke(args=["addresses", "status"])

    assert result.exit_code == 0, result.output
    assert "No address index is installed" in result.output


FORMATS = [
    ("wgs84.geojson", write_geojson),
    ("state-plane.geojson", lambda path, records: write_geojson(path, records, crs=2926)),
    ("county-export.csv", write_csv),  # X/Y and LON/LAT in degrees, POINT_X/POINT_Y in feet
    ("x-y-degrees.csv", lambda path, records: write_csv_with(path, records, {"X": "LON", "Y": "LAT"})),
    ("x-y-feet.csv", lambda path, records: write_csv_with(path, records, {"X": "POINT_X", "Y": "POINT_Y"})),
    ("point-x-point-y-feet.csv", lambda path, records: write_csv_with(
        path, records, {"POINT_X": "POINT_X", "POINT_Y": "POINT_Y"})),
]


def test_every_format_and_coordinate_system_gives_each_point_the_same_place_and_district(
        app, runner, districts_installed, records, tmp_path):
    expected = {key(record): {expected_district(record)} for record in usable(records)}
    where = {key(record): (record["LON"], record["LAT"]) for record in usable(records)}
    for name, write in FORMATS:
        path = tmp_path / name
        write(path, records)

        result = import_file(runner, path)

        assert result.exit_code == 0, (name, result.output)
        points = stored(app)
        assert {k: {district for district, _, _ in v} for k, v in points.items()} == expected, name
        assert all(abs(lon - where[k][0]) < 1e-6 and abs(lat - where[k][1]) < 1e-6
                   for k, v in points.items() for _, lon, lat in v), name


def break_records(records):
    """A copy of `records` with two bad rows of each kind: {reason code: [broken records]}, and the copy."""
    rows = [dict(record) for record in records]
    candidates = plain(rows)[::40]
    originals = [candidates.pop(0), candidates.pop(0)]
    bad = {code: [candidates.pop(0), candidates.pop(0)] for code in (
        "no_number", "no_street", "no_zip", "no_coordinates", "outside_county", "duplicate")}
    bad["no_number"][0].update(ADDR_HN="", ADDR_NUM="")
    bad["no_number"][1].update(ADDR_HN=None, ADDR_NUM="UNIT")
    for record in bad["no_street"]:
        record.update(ADDR_PD="", ADDR_SN="", ADDR_ST="", ADDR_SD="", FULLNAME="", ALIAS1="", ALIAS2="")
    bad["no_zip"][0].update(ZIP5="")
    bad["no_zip"][1].update(ZIP5="WA 98")
    bad["no_coordinates"][0].update(LON=None, LAT=None, POINT_X=None, POINT_Y=None)
    bad["no_coordinates"][1].update(LON="", LAT="", POINT_X="", POINT_Y="")
    first = bad["outside_county"][0]
    first.update(LON=first["LAT"], LAT=first["LON"])  # swapped
    bad["outside_county"][1].update(LON=0.0, LAT=0.0)
    for record, original in zip(bad["duplicate"], originals, strict=True):
        assert rows.index(original) < rows.index(record)
        record["SITEID"] = original["SITEID"]
    return bad, originals, rows


@pytest.mark.parametrize(("name", "write"), [("address-points.geojson", write_geojson),
                                              ("address-points.csv", write_csv)])
def test_bad_rows_are_left_out_and_counted_by_reason_and_good_rows_still_go_in(
        app, runner, districts_installed, records, tmp_path, name, write):
    bad, originals, rows = break_records(records)
    outside = [record for record in rows if record["FULLNAME"] == OUTSIDE_STREET]
    broken = [id(record) for kind in bad.values() for record in kind]
    good = [record for record in rows if id(record) not in broken and record["FULLNAME"] != OUTSIDE_STREET]
    path = tmp_path / name
    write(path, rows)

    result = import_file(runner, path)

    assert result.exit_code == 0, result.output
    expected_skipped = {"no_number": 2, "no_street": 2, "no_zip": 2, "no_coordinates": 2, "outside_county": 2,
                        "duplicate": 2, "no_district": len(outside)}
    with app.app_context():
        built = index.current()
        assert built.skipped == expected_skipped
        assert built.points == len(good) == len(rows) - sum(expected_skipped.values())
        assert built.per_district == dict(Counter(expected_district(record) for record in good))
    for words, count in (("no house number", 2), ("no street name", 2), ("no 5-digit ZIP code", 2),
                         ("no coordinates", 2), ("coordinates outside King County", 2), ("the same SITEID twice", 2),
                         ("in no council district", len(outside))):
        assert f"left out, {words}: {count}" in result.output
    points = stored(app)
    assert Counter({k: len(v) for k, v in points.items()}) == Counter(key(record) for record in good)
    for record in originals:  # the first of two records with one SITEID is the one kept
        assert points[key(record)] == [(expected_district(record), record["LON"], record["LAT"])]
    for record in bad["duplicate"] + bad["no_zip"] + bad["outside_county"] + bad["no_coordinates"]:
        assert key(record) not in points


def test_a_file_whose_every_point_is_outside_the_county_installs_nothing_and_keeps_the_index(
        app, runner, districts_installed, records, tmp_path):
    install(runner, tmp_path / "good.geojson", records)
    before = state(app)
    swapped = [dict(record, LON=record["LAT"], LAT=record["LON"]) for record in records]
    path = tmp_path / "swapped.geojson"
    write_geojson(path, swapped)

    result = import_file(runner, path)

    assert result.exit_code != 0
    assert "Not installed: no usable point in the file. The index in use is unchanged." in result.output
    assert state(app) == before


def test_a_file_cut_short_fails_clearly_and_leaves_the_index_in_use_and_no_rows_of_its_own(
        app, runner, districts_installed, records, big_records, tmp_path):
    install(runner, tmp_path / "good.geojson", records)
    before = state(app)
    probe = plain(records)[100]
    path = tmp_path / "cut.geojson"
    write_geojson(path, big_records)
    lines = path.read_bytes().split(b"\n")
    cut_in = build.BATCH + 1000  # a line (a feature) after the first batch
    path.write_bytes(b"\n".join(lines[:cut_in]) + b"\n" + lines[cut_in][:len(lines[cut_in]) // 2])

    result = import_file(runner, path)

    assert result.exit_code != 0
    assert "Not installed: not a readable GeoJSON file" in result.output
    assert "The index in use is unchanged." in result.output
    assert state(app) == before
    assert district_found(app, probe) == expected_district(probe)


def test_a_build_interrupted_after_its_first_batch_leaves_the_index_in_use_and_no_rows_of_its_own(
        app, runner, districts_installed, records, big_records, tmp_path):
    install(runner, tmp_path / "good.geojson", records)
    before = state(app)
    probe = plain(records)[100]
    path = tmp_path / "big.geojson"
    write_geojson(path, big_records)
    read = []

    def progress(points):
        read.append(points)
        with app.app_context():  # as a request in another session sees it
            read.append(db.session.scalar(db.select(db.func.count()).select_from(AddressPoint)))
        raise KeyboardInterrupt

    with app.app_context(), pytest.raises(KeyboardInterrupt):
        build.build(sources.read(str(path)), "big.geojson", districts.load(app.config["DISTRICTS_FILE"]).geometries,
                    progress)

    assert read[0] == build.BATCH and read[1] > before["AddressPoint"]  # it had written its first batch
    assert state(app) == before
    assert district_found(app, probe) == expected_district(probe)


def leave_unfinished_build(app, record):
    """What a build killed mid-way leaves: an index never finished (ready_at NULL) with a point of its own, at
    `record`'s address but in another district."""
    wrong = "9" if expected_district(record) != "9" else "1"
    with app.app_context():
        leftover = AddressIndex(source="killed.geojson", points=0, per_district={}, skipped={})
        db.session.add(leftover)
        db.session.flush()
        db.session.add(AddressPoint(index_id=leftover.id, street=record["FULLNAME"], number=record["ADDR_HN"],
                                    zip=record["ZIP5"], city=record["POSTALCTYNAME"], district=wrong,
                                    lon=district_center(wrong)[0], lat=district_center(wrong)[1]))
        db.session.add(AddressStreet(index_id=leftover.id, zip=record["ZIP5"], street=record["FULLNAME"]))
        db.session.commit()


def test_an_unfinished_build_left_behind_never_answers_and_the_next_build_removes_it(
        app, runner, districts_installed, records, tmp_path):
    probe = plain(records)[100]
    leave_unfinished_build(app, probe)
    with app.app_context():
        assert index.in_use() is None and index.status() is None
    assert district_found(app, probe) is None
    assert "No address index is installed" in runner.invoke(args=["addresses", "status"]).output

    install(runner, tmp_path / "good.geojson", records)

    with app.app_context():  # (SQLite may give the new build the id the leftover had)
        built = index.in_use()
        assert db.session.execute(db.select(AddressIndex.id, AddressIndex.ready_at)).all() == [built]
        for model in (AddressPoint, AddressStreet):
            assert not db.session.scalar(db.select(db.func.count()).select_from(model)
                                         .where(model.index_id != built[0]))
    assert stored(app)[key(probe)] == [(expected_district(probe), probe["LON"], probe["LAT"])]
    assert district_found(app, probe) == expected_district(probe)


def test_an_unfinished_build_is_removed_even_by_a_next_build_that_fails_and_the_index_in_use_answers_meanwhile(
        app, runner, districts_installed, records, tmp_path):
    install(runner, tmp_path / "good.geojson", records)
    before = state(app)
    probe = plain(records)[100]
    leave_unfinished_build(app, probe)
    assert state(app)["in_use"] == before["in_use"]
    assert district_found(app, probe) == expected_district(probe)
    path = tmp_path / "swapped.geojson"
    write_geojson(path, [dict(record, LON=record["LAT"], LAT=record["LON"]) for record in records])

    result = import_file(runner, path)

    assert result.exit_code != 0
    assert state(app) == before
    assert district_found(app, probe) == expected_district(probe)


def test_a_much_smaller_file_is_refused_unless_allowed(app, runner, districts_installed, records, tmp_path):
    install(runner, tmp_path / "good.geojson", records)
    in_use = len(usable(records))
    slightly_smaller = county_points(int(COUNT * 0.97))
    install(runner, tmp_path / "slightly-smaller.geojson", slightly_smaller)  # above 90%: no question asked
    assert state(app)["points"] == len(usable(slightly_smaller)) < in_use
    before = state(app)
    smaller = county_points(COUNT * 2 // 3)
    path = tmp_path / "smaller.geojson"
    write_geojson(path, smaller)

    refused = import_file(runner, path)

    assert refused.exit_code != 0
    assert (f"Not installed: the new file has {len(usable(smaller)):,} usable points, far fewer than the "
            f"{before['points']:,} of the index in use") in refused.output
    assert state(app) == before

    allowed = import_file(runner, path, "--allow-smaller")

    assert allowed.exit_code == 0, allowed.output
    after = state(app)
    assert after["points"] == len(usable(smaller))
    assert after["AddressIndex"] == 1 and after["in_use"] != before["in_use"]
    assert Counter({k: len(v) for k, v in stored(app).items()}) == Counter(key(record) for record in usable(smaller))


def test_aliases_units_and_lettered_numbers_are_stored_as_lookup_needs_them(
        app, runner, districts_installed, records, tmp_path):
    install(runner, tmp_path / "good.geojson", records)
    aurora = [record for record in records if record["FULLNAME"] == "AURORA AVE N"]
    units = [record for record in usable(records) if "UNIT" in record["ADDR_FULL"]]
    lettered = [record for record in usable(records) if not record["ADDR_NUM"].isdigit()]
    assert aurora and aurora[0]["ALIAS1"] == "SR 99" and units and lettered

    with app.app_context():
        def rows(**where):
            return db.session.scalars(db.select(AddressPoint).filter_by(**where)).all()

        for record in aurora:
            own = rows(street="AURORA AVE N", number=record["ADDR_HN"], zip=record["ZIP5"])
            alias = rows(street="SR 99", number=record["ADDR_HN"], zip=record["ZIP5"])
            assert [(row.alias, row.district) for row in own] == [(False, expected_district(record))]
            assert [(row.alias, row.district, row.lon, row.lat) for row in alias] == \
                [(True, expected_district(record), own[0].lon, own[0].lat)]
        assert len(rows(alias=True, street="SR 99")) == len(aurora)
        assert {row.street for row in rows(alias=True)} == {"SR 99", "HWY 99", "MLK JR WAY S"}
        assert {row.street for row in rows(alias=False)} == {record["FULLNAME"] for record in usable(records)}
        assert sum(row.alias for row in rows()) == sum(
            bool(record["ALIAS1"]) + bool(record["ALIAS2"]) for record in usable(records))

        for record in units:
            unit = record["ADDR_FULL"].rsplit(" ", 1)[1]
            assert record["ADDR_FULL"].endswith(f" UNIT {unit}")
            assert [row.unit for row in rows(street=record["FULLNAME"], number=record["ADDR_HN"], unit=unit,
                                             zip=record["ZIP5"], alias=False)] == [unit]
        assert {row.unit for row in rows()} == {""} | {unit_of(record) for record in units}  # no "UNIT 2"

        for record in lettered:
            letter = record["ADDR_NUM"][len(str(record["ADDR_HN"])):]
            assert letter in ("A", "B")
            found = rows(street=record["FULLNAME"], number=record["ADDR_HN"], zip=record["ZIP5"], alias=False)
            assert letter in {row.number_suffix for row in found}
        assert len(rows(number_suffix="A")) + len(rows(number_suffix="B")) == sum(
            1 + bool(record["ALIAS1"]) + bool(record["ALIAS2"]) for record in lettered)


def test_without_district_polygons_import_refuses_and_names_districts_fetch(app, runner, records, tmp_path):
    path = tmp_path / "address-points.geojson"
    write_geojson(path, records)

    result = import_file(runner, path)

    assert result.exit_code != 0
    assert "actiontool districts fetch" in result.output
    assert state(app) == {"in_use": None, "points": None, "AddressIndex": 0, "AddressPoint": 0, "AddressStreet": 0}


def county_csv_without(path, records, columns):
    header = [name for name in ("X", "Y", *FIELDS) if name not in columns]
    write_table(path, header, ([{"X": r["LON"], "Y": r["LAT"], **r}[name] for name in header] for r in records))


def write_text_file(path, records):
    path.write_text("".join(f"{r['ADDR_FULL']}, {r['POSTALCTYNAME']} {r['ZIP5']}\n" for r in records))


def write_not_json(path, records):
    path.write_text("4512 NE 45TH ST, SEATTLE 98105\n", encoding="utf-8")


def write_empty(path, records):
    path.write_bytes(b"")


def write_one_feature(path, records):
    path.write_text(json.dumps({"type": "Feature", "geometry": {"type": "Point", "coordinates": [-122.3, 47.6]},
                                "properties": records[0]}))


def write_web_mercator(path, records):
    write_geojson(path, records, crs=2926)
    path.write_text(path.read_text().replace('"EPSG:2926"', '"EPSG:3857"'))


def write_csv_without_house_numbers(path, records):
    county_csv_without(path, records, {"ADDR_HN"})


def write_csv_without_coordinates(path, records):
    county_csv_without(path, records, {"X", "Y", "LON", "LAT", "POINT_X", "POINT_Y"})


def write_nested_deep(path, records):
    """A few hundred KB of nested brackets (parsed with prefixes, it once took tens of GB of memory)."""
    path.write_bytes(b'{"type": "FeatureCollection", "junk": ' + b"[" * 200_000 + b"]" * 200_000 + b', "features": []}')


def write_district_polygons(path, records):
    path.write_text(json.dumps(districts_geojson()))


NOT_THE_EXPORT = "not the county's address export: it needs ADDR_HN and LON/LAT, X/Y or POINT_X/POINT_Y columns"


@pytest.mark.parametrize(("name", "write", "reason"), [
    pytest.param("addresses.txt", write_text_file, "expected a .geojson, .json or .csv file", id="a_text_file"),
    pytest.param("points.geojson", write_not_json, "not a GeoJSON FeatureCollection", id="geojson_not_json"),
    pytest.param("points.geojson", write_empty, "not a readable GeoJSON file", id="an_empty_file"),
    pytest.param("points.json", write_one_feature, "not a GeoJSON FeatureCollection",
                 id="geojson_not_a_feature_collection"),
    pytest.param("points.geojson", write_web_mercator,
                 "coordinates in a reference system other than EPSG:4326 or EPSG:2926",
                 id="geojson_in_another_reference_system"),
    pytest.param("points.csv", write_csv_without_house_numbers, NOT_THE_EXPORT, id="csv_without_house_numbers"),
    pytest.param("points.csv", write_csv_without_coordinates, NOT_THE_EXPORT, id="csv_without_coordinates"),
    pytest.param("points.geojson", write_nested_deep, "not a GeoJSON file of points (nested more than 32 levels",
                 id="geojson_nested_deep"),
    pytest.param("districts.geojson", write_district_polygons,
                 "not the county's address points: no record has a house number and a street name",
                 id="the_district_polygons"),
])
def test_a_file_that_is_not_the_county_export_is_refused_clearly_and_nothing_changes(
        app, runner, districts_installed, records, tmp_path, name, write, reason):
    install(runner, tmp_path / "good.geojson", records[:600])
    before = state(app)
    path = tmp_path / name
    write(path, records[:600])

    result = import_file(runner, path)

    assert result.exit_code != 0
    assert f"Not installed: {reason}" in result.output
    assert "The index in use is unchanged." in result.output
    assert state(app) == before


EXPECTED_COLUMNS = {"id", "index_id", "street", "number", "number_suffix", "unit", "zip", "city", "district", "lon",
                    "lat", "alias"}


def test_the_index_stores_nothing_personal_only_what_lookup_needs(app, runner, districts_installed, records,
                                                                  tmp_path):
    install(runner, tmp_path / "good.geojson", records)

    with app.app_context():
        in_the_database = {column["name"] for column in sqlalchemy.inspect(db.engine).get_columns("address_points")}

    assert in_the_database == EXPECTED_COLUMNS
    assert {column.name for column in AddressPoint.__table__.columns} == EXPECTED_COLUMNS


def built_at_as_shown(app, lang):
    with app.app_context():
        built_at = index.current().ready_at
    with app.test_request_context(), flask_babel.force_locale(lang):
        return " ".join(flask_babel.format_datetime(built_at, "medium").split())  # as text() reads the page


PAGE = {
    "en": {"summary": "Lookups first use our own copy of the county's address points: {points} points, built {when} "
                      "from {source}.",
           "table": "Points per council district District Points",
           "no_district": "in no council district: {count}",
           "none": "No address index is installed."},
    "es": {"summary": "Las búsquedas usan primero nuestra propia copia de los puntos de dirección del condado: "
                      "{points} puntos, creada el {when} a partir de {source}.",
           "table": "Puntos por distrito del Consejo Distrito Puntos",
           "no_district": "en ningún distrito del Consejo: {count}",
           "none": "No hay ningún índice de direcciones instalado."},
}


@pytest.mark.parametrize("lang", PAGE)
def test_the_staff_district_data_page_shows_the_index_or_says_none_is_installed(
        app, runner, staff, districts_installed, records, tmp_path, lang):
    words = PAGE[lang]
    empty = staff.get(f"/staff/districts?lang={lang}")
    assert empty.status_code == 200
    assert words["none"] in text(empty)
    assert words["table"] not in text(empty)

    install(runner, tmp_path / "address-points.geojson", records)
    page = staff.get(f"/staff/districts?lang={lang}")

    assert page.status_code == 200
    shown = text(page)
    per_district = Counter(expected_district(record) for record in usable(records))
    outside = COUNT - len(usable(records))
    assert words["summary"].format(points=f"{len(usable(records)):,}", when=built_at_as_shown(app, lang),
                                   source="address-points.geojson") in shown
    assert words["table"] + " " + " ".join(f"{d} {n:,}" for d, n in sorted(per_district.items())) in shown
    assert words["no_district"].format(count=outside) in shown
    assert words["none"] not in shown


def test_the_staff_page_flags_an_index_built_more_than_two_weeks_ago(app, runner, staff, districts_installed,
                                                                     records, tmp_path):
    """The county republishes weekly: an index two weeks old is flagged, one 13 days old is not."""
    install(runner, tmp_path / "address-points.geojson", records[:600])
    flag = "This index was built more than two weeks ago"
    for days, flagged in ((13, False), (15, True)):
        with app.app_context():
            db.session.execute(db.update(AddressIndex).values(ready_at=utcnow() - dt.timedelta(days=days)))
            db.session.commit()
        assert (flag in text(staff.get("/staff/districts"))) is flagged, days


def test_a_canvasser_may_not_see_the_district_data_page(canvasser):
    assert canvasser.get("/staff/districts").status_code == 403


def test_while_a_build_runs_the_index_in_use_still_answers_from_its_own_data(
        app, runner, districts_installed, records, big_records, tmp_path):
    install(runner, tmp_path / "old.geojson", records)
    before = state(app)
    probe = plain(records)[100]
    old_district = expected_district(probe)
    new_district = "9" if old_district != "9" else "1"
    lon, lat = district_center(new_district)
    moved = dict(probe, LON=lon, LAT=lat, SITEID=ONLY_FOR_THE_PROBE)  # the county corrected this point
    new_records = [moved] + [record for record in big_records if key(record) != key(probe)]
    path = tmp_path / "new.geojson"
    write_geojson(path, new_records)
    seen = []

    def progress(points):
        seen.append(("same session", points, index.in_use(), district_found_here(probe)))
        with app.app_context():  # a request's own session
            seen.append(("another session", points, index.in_use(), district_found_here(probe)))

    with app.app_context():
        built = build.build(sources.read(str(path)), "new.geojson",
                            districts.load(app.config["DISTRICTS_FILE"]).geometries, progress)
        built_id = built.id

    assert [entry[:2] for entry in seen] == [("same session", build.BATCH), ("another session", build.BATCH),
                                             ("same session", len(new_records)),
                                             ("another session", len(new_records))]
    assert all(in_use == before["in_use"] and district == old_district for _, _, in_use, district in seen)
    after = state(app)
    assert after["in_use"][0] == built_id and after["AddressIndex"] == 1
    assert district_found(app, probe) == new_district


def test_a_geojson_with_a_byte_order_mark_or_an_odd_crs_member_is_read(app, runner, districts_installed, records,
                                                                       tmp_path):
    """Windows tools write a byte-order mark; a crs member that names nothing leaves the coordinates as given."""
    path = tmp_path / "points.geojson"
    write_geojson(path, records[:600])
    data = json.loads(path.read_text())
    data["crs"] = {"type": "name", "properties": ["EPSG:4326"]}
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(data).encode())
    result = import_file(runner, path)
    assert result.exit_code == 0, result.output
    assert state(app)["points"] == sum(1 for record in records[:600] if expected_district(record))
