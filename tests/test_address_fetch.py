"""`actiontool addresses fetch`: King County's address points downloaded from its ArcGIS layer page by page into a
folder (each page saved before the next is asked), then built into the local index and the folder removed. A
page that fails leaves the pages saved so far and the index in use as they were, and the next run goes on from
the last object id saved; `--restart` starts over. The layer is the stand-in of tests/fakes/address_layer.py, a
real HTTP server holding a synthetic county file."""

import datetime as dt
import json
import os
from collections import Counter

import pytest

from actiontool.addresses import index as address_index
from actiontool.models import AddressIndex, AddressPoint, db
from tests.fakes.address_layer import FakeAddressLayer
from tests.fakes.address_points import county_points, expected_district, write_geojson
from tests.fakes.county_layer import arcgis_error_body
from tests.fakes.http import json_answer

COUNT = 5000
PAGE = 180  # the layer's maxRecordCount: the app asks for more a page and must follow exceededTransferLimit
PAGES = -(-COUNT // PAGE)  # 28
FAILING_QUERY = 4  # the count, pages 1 and 2, then page 3 fails


class CountyAddressLayer(FakeAddressLayer):
    """The stand-in with more of the ways the county's layer goes wrong: an ArcGIS error body (HTTP 200) for the
    query requests numbered in `error_on_requests`; the connection dropped, once, on the request after query
    number `drop_after` (the base class's drop_connections and fail_times); and a count `missing` points larger
    than what its pages hold (points removed from the layer while it is read)."""

    def reset_failures(self):
        super().reset_failures()
        self.error_on_requests = set()
        self.drop_after = None
        self.missing = 0

    def respond(self, path, params):
        answer = super().respond(path, params)
        number = self.query_count
        if number == self.drop_after:
            self.drop_after, self.drop_connections, self.fail_times = None, True, 1
        if number in self.error_on_requests:
            return json_answer(200, arcgis_error_body(["Error performing query operation"],
                                                      message="Unable to perform query operation."))
        if self.missing and params.get("returnCountOnly") == "true" and answer[0] == 200:
            return json_answer(200, {"count": json.loads(answer[2])["count"] + self.missing})
        return answer


@pytest.fixture(scope="module")
def records():
    return county_points(COUNT)


@pytest.fixture(scope="module")
def expected(records):
    """Points per district the index must hold, and how many records lie in no district."""
    per_district = Counter(expected_district(record) for record in records)
    outside = per_district.pop(None)
    assert outside and len(per_district) == 9
    return {district: per_district[district] for district in sorted(per_district)}, outside


@pytest.fixture(scope="module")
def layer_service(records):
    with CountyAddressLayer(records, max_record_count=PAGE) as service:
        yield service


@pytest.fixture
def layer(app, layer_service):
    """The county's address layer, answering normally with no request yet, as the app's ADDRESS_LAYER_URL."""
    layer_service.reset_failures()
    layer_service.reset_requests()
    app.config["ADDRESS_LAYER_URL"] = layer_service.layer_url
    return layer_service


@pytest.fixture
def districts(runner):
    """The district polygons installed (each point's district is found from them)."""
    result = runner.invoke(args=["districts", "fetch"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def earlier_index(app, runner, districts, records, tmp_path):
    """An index already in use, built from a file of the first 1,000 points: what a failed fetch must not touch."""
    path = tmp_path / "earlier.geojson"
    write_geojson(path, records[:1000])
    result = runner.invoke(args=["addresses", "import", str(path)])
    assert result.exit_code == 0, result.output
    state = index_in_use(app)
    assert state["source"] == "earlier.geojson" and 900 < state["points"] <= 1000
    return state


def fetch(runner, folder, *options):
    return runner.invoke(args=["addresses", "fetch", "--folder", str(folder), *options])


def pages_asked(layer):
    """The `where` of each page query the layer received (failed ones too), in order; the count left out."""
    return [params.get("where") for path, params in layer.requests
            if path.endswith("/query") and params.get("returnCountOnly") != "true"]


def pages_from(first, last=PAGES):
    """The page queries of pages `first`..`last` (from 1), as the app asks them: by the last object id saved."""
    return [f"OBJECTID > {(page - 1) * PAGE}" for page in range(first, last + 1)]


def saved_pages(folder):
    """The object ids of each page saved in the download folder, in order of the files."""
    names = sorted(name for name in os.listdir(folder) if name.startswith("page-"))
    pages = []
    for name in names:
        with open(os.path.join(folder, name), encoding="utf-8") as page:
            pages.append([feature["attributes"]["OBJECTID"] for feature in json.load(page)["features"]])
    return pages


def index_in_use(app):
    """What the index in use holds (None when none is), with its rows counted in the database."""
    with app.app_context():
        status = address_index.status()
        builds = db.session.scalar(db.select(db.func.count()).select_from(AddressIndex))
        rows = db.session.execute(db.select(AddressPoint.district, db.func.count())
                                  .where(AddressPoint.alias.is_(False)).group_by(AddressPoint.district)).all()
        if status is None:
            return {"builds": builds, "rows": dict(rows)}
        build = address_index.in_use()
    return {"build": build, "builds": builds, "rows": dict(rows), **status}


def assert_every_point_once(app, layer, expected):
    """The index in use was built from the layer and holds each of its records once, in its district."""
    per_district, outside = expected
    state = index_in_use(app)
    assert state["source"] == layer.layer_url
    assert state["points"] == COUNT - outside
    assert state["per_district"] == per_district
    assert state["rows"] == per_district  # one row (aliases aside) per point, no point twice
    assert state["skipped"] == {"no_district": outside}  # no record read twice ("duplicate")
    assert state["builds"] == 1  # the earlier build is gone
    return state


def test_fetch_pages_through_the_layer_installs_the_index_and_removes_the_download(app, runner, layer, districts,
                                                                                  tmp_path, expected):
    folder = tmp_path / "download"
    result = fetch(runner, folder)
    assert result.exit_code == 0, result.output
    output = result.output
    assert f"page 25: {25 * PAGE:,} of {COUNT:,} points" in output
    assert f"page {PAGES}: {COUNT:,} of {COUNT:,} points" in output
    per_district, outside = expected
    assert f"Installed an address index of {COUNT - outside:,} points from {layer.layer_url}" in output
    report = next(line for line in output.splitlines() if line.startswith("  District "))
    assert sorted(report.strip().split(", ")) == sorted(f"District {d}: {n:,}" for d, n in per_district.items())
    assert f"left out, in no council district: {outside}" in output
    assert "Going on" not in output

    assert pages_asked(layer) == pages_from(1)  # each page once, by object id
    page_queries = [params for path, params in layer.requests if params.get("returnCountOnly") != "true"]
    assert all(params["outSR"] == "4326" and params["orderByFields"] == "OBJECTID" for params in page_queries)
    first = assert_every_point_once(app, layer, expected)
    assert not folder.exists()

    # A week later: the download starts from scratch and its index replaces the first one.
    layer.reset_requests()
    again = fetch(runner, folder)
    assert again.exit_code == 0, again.output
    assert "Going on" not in again.output
    assert pages_asked(layer) == pages_from(1)
    second = assert_every_point_once(app, layer, expected)
    assert second["build"] != first["build"]
    assert not folder.exists()


# How page 3 fails, and what the operator is told of it.
FAILURES = {
    "a proxy's 503 page": (lambda layer: layer.fail_on_requests.add(FAILING_QUERY), "HTTP 503"),
    "a body cut short": (lambda layer: layer.truncate_on_requests.add(FAILING_QUERY), "not JSON (cut short?)"),
    "a dropped connection": (lambda layer: setattr(layer, "drop_after", FAILING_QUERY - 1), "ConnectionError"),
    "an ArcGIS error": (lambda layer: layer.error_on_requests.add(FAILING_QUERY), "the layer answered an error"),
}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_page_keeps_the_saved_pages_and_the_index_in_use_and_the_next_run_goes_on_from_there(
        app, runner, layer, earlier_index, tmp_path, expected, failure):
    app.instance_path = str(tmp_path / "instance")  # the default folder, in this test's own instance folder
    folder = tmp_path / "instance" / "address-download"
    fail, told = FAILURES[failure]
    fail(layer)
    stopped = runner.invoke(args=["addresses", "fetch"])
    assert stopped.exit_code != 0
    assert "The download stopped: " in stopped.output and told in stopped.output
    assert (f"The 2 page(s) saved so far are kept in {folder}: run the same command again to go on from there "
            "(--restart to start over).") in stopped.output
    assert "The index in use is unchanged." in stopped.output
    assert sorted(os.listdir(folder)) == ["page-00001.json", "page-00002.json", "started.json"]  # no half page,
    # no "complete"
    assert saved_pages(folder) == [list(range(1, PAGE + 1)), list(range(PAGE + 1, 2 * PAGE + 1))]
    assert index_in_use(app) == earlier_index
    assert pages_asked(layer) == pages_from(1, 3)

    layer.reset_failures()
    layer.reset_requests()
    resumed = runner.invoke(args=["addresses", "fetch"])
    assert resumed.exit_code == 0, resumed.output
    assert f"Going on with the download in {folder} (2 page(s) already saved)." in resumed.output
    assert pages_asked(layer) == pages_from(3)  # "OBJECTID > 360" first; pages 1 and 2 never asked again
    assert_every_point_once(app, layer, expected)
    assert not folder.exists()


def test_a_layer_that_answers_an_arcgis_error_to_the_count_is_refused(app, runner, layer, earlier_index, tmp_path):
    layer.error_on_requests.add(1)
    result = fetch(runner, tmp_path / "download")
    assert result.exit_code != 0
    assert "The download stopped: the layer answered an error" in result.output
    assert "Unable to perform query operation." in result.output
    assert pages_asked(layer) == []
    assert index_in_use(app) == earlier_index


def test_a_layer_that_stops_short_of_the_count_it_announced_is_refused_until_it_is_whole(
        app, runner, layer, earlier_index, tmp_path, expected):
    folder = tmp_path / "download"
    layer.missing = 50
    short = fetch(runner, folder)
    assert short.exit_code != 0
    assert f"the layer stopped at {COUNT:,} of the {COUNT + 50:,} points it says it holds" in short.output
    assert "run the same command again" in short.output
    assert index_in_use(app) == earlier_index
    assert len(saved_pages(folder)) == PAGES and "complete.json" not in os.listdir(folder)

    layer.reset_failures()
    layer.reset_requests()
    whole = fetch(runner, folder)
    assert whole.exit_code == 0, whole.output
    assert pages_asked(layer) == [f"OBJECTID > {COUNT}"]  # only what might come after the last point saved
    assert_every_point_once(app, layer, expected)
    assert not folder.exists()


def test_restart_discards_the_saved_pages_and_downloads_everything_again(app, runner, layer, districts, tmp_path,
                                                                         expected):
    folder = tmp_path / "download"
    layer.fail_on_requests.add(FAILING_QUERY)
    assert fetch(runner, folder).exit_code != 0
    assert len(saved_pages(folder)) == 2

    layer.reset_failures()
    layer.reset_requests()
    result = fetch(runner, folder, "--restart")
    assert result.exit_code == 0, result.output
    assert "Going on" not in result.output
    assert pages_asked(layer) == pages_from(1)
    assert_every_point_once(app, layer, expected)
    assert not folder.exists()


def test_without_district_polygons_nothing_is_installed_and_no_page_is_downloaded_twice(app, runner, layer,
                                                                                       tmp_path, expected):
    folder = tmp_path / "download"
    refused = fetch(runner, folder)
    assert refused.exit_code != 0
    assert "Install the council district polygons first" in refused.output
    assert index_in_use(app) == {"builds": 0, "rows": {}}
    assert layer.request_count == 0  # refused before downloading anything

    assert runner.invoke(args=["districts", "fetch"]).exit_code == 0
    result = fetch(runner, folder)
    assert result.exit_code == 0, result.output
    assert pages_asked(layer) == pages_from(1)  # over both runs: each page asked once
    assert_every_point_once(app, layer, expected)
    assert not folder.exists()


def test_a_download_saved_more_than_two_days_ago_is_not_gone_on_with(app, runner, layer, districts, tmp_path,
                                                                    expected):
    """The county republishes weekly: pages from an earlier week must not be mixed with this week's."""
    folder = tmp_path / "download"
    layer.fail_on_requests.add(FAILING_QUERY)
    assert fetch(runner, folder).exit_code != 0
    started = json.loads((folder / "started.json").read_text())["started"]
    (folder / "started.json").write_text(json.dumps(
        {"started": (dt.datetime.fromisoformat(started) - dt.timedelta(days=3)).isoformat()}))

    layer.reset_failures()
    layer.reset_requests()
    result = fetch(runner, folder)
    assert result.exit_code == 0, result.output
    assert "more than 2 days old: starting over" in result.output and "Going on" not in result.output
    assert pages_asked(layer) == pages_from(1)
    assert_every_point_once(app, layer, expected)


def test_a_folder_holding_other_files_is_refused_and_left_as_it_was(app, runner, layer, districts, tmp_path):
    """--folder names where pages go; a folder with files that are not a download of ours (a typo, the instance
    folder, a home folder) is never emptied, and nothing is asked of the layer."""
    folder = tmp_path / "important"
    (folder / "sub").mkdir(parents=True)
    (folder / "notes.txt").write_text("precious")
    for options in ((), ("--restart",)):
        refused = fetch(runner, folder, *options)
        assert refused.exit_code != 0
        assert "holds files that are not a download of ours" in refused.output
    assert sorted(os.listdir(folder)) == ["notes.txt", "sub"] and (folder / "notes.txt").read_text() == "precious"
    assert layer.request_count == 0


def test_after_a_build_only_the_download_s_own_files_are_removed(app, runner, layer, districts, tmp_path, expected):
    """An empty folder the operator made is used; once the index is built the pages go, and so does the folder."""
    folder = tmp_path / "made-by-hand"
    folder.mkdir()
    assert fetch(runner, folder).exit_code == 0
    assert not folder.exists()
    assert_every_point_once(app, layer, expected)
