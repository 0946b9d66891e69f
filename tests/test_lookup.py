"""Finding the district: every outcome, through real HTTP servers standing in for the services."""

import json
import re

import pytest

from actiontool.models import Letter, LookupCacheEntry, db
from tests.fakes import Closed
from tests.fakes.geography import districts_geojson
from tests.helpers import (
    HOME,
    NO_DISTRICT,
    PIERCE,
    TWO_DISTRICTS,
    TWO_SAME_DISTRICT,
    UNKNOWN,
    submit_letter,
)


def lookup(client, address, lang="en"):
    response = client.get("/api/lookup", query_string={**address, "lang": lang})
    return response.status_code, response.get_json()


def letters_saved(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Letter.id)))


def install_local_districts(runner, tmp_path, data=None):
    path = tmp_path / "upload.geojson"
    path.write_text(json.dumps(data or districts_geojson()))
    return runner.invoke(args=["districts", "import", str(path)])


def test_address_gives_district_member_and_matched_address(client, geocoder, county_layer):
    status, body = lookup(client, HOME)
    assert status == 200
    assert body["district"] == "4"
    assert body["matched_address"] == "100 MAIN ST, SEATTLE, WA, 98104"
    assert body["officials"] == [{"office": "councilmember", "name": "Jorge L. Barón",
                                  "title": "Councilmember", "district": "4"}]
    assert geocoder.request_count == 1
    assert county_layer.request_count == 1
    path, params = geocoder.requests[0]
    assert path == "/geocoder/geographies/address"
    assert params["layers"] == "Counties" and params["state"] == "WA"


def test_same_address_never_costs_a_second_call(client, geocoder, county_layer):
    lookup(client, HOME)
    status, body = lookup(client, {"street": "  100   MAIN st. ", "city": "seattle", "zip": "98104-1234"})
    assert status == 200 and body["district"] == "4"
    assert geocoder.request_count == 1
    assert county_layer.request_count == 1


def test_cache_stores_no_address_in_clear_text(app, client):
    lookup(client, HOME)
    with app.app_context():
        rows = db.session.scalars(db.select(LookupCacheEntry)).all()
    assert rows
    stored = " ".join(row.key + row.value for row in rows).casefold()
    for fragment in ("main", "seattle", "98104", "-122.", "47."):
        assert fragment not in stored


def test_local_district_polygons_answer_without_the_county_layer(client, runner, tmp_path, county_layer):
    assert install_local_districts(runner, tmp_path).exit_code == 0
    status, body = lookup(client, HOME)
    assert (status, body["district"]) == (200, "4")
    assert county_layer.request_count == 0


def test_several_matches_in_different_districts_are_offered_as_candidates(client):
    status, body = lookup(client, TWO_DISTRICTS)
    assert status == 409
    assert body["error"] == "ambiguous"
    assert body["candidates"] == ["1 TWIN ST N, SEATTLE, WA, 98104", "1 TWIN ST S, SEATTLE, WA, 98104"]


def test_several_matches_in_one_district_need_no_choice(client):
    status, body = lookup(client, TWO_SAME_DISTRICT)
    assert (status, body["district"]) == (200, "3")


def test_address_outside_king_county_is_refused(client):
    status, body = lookup(client, PIERCE)
    assert status == 422
    assert body["error"] == "outside_county"
    assert "outside King County" in body["message"]


def test_zip_outside_king_county_is_refused_before_any_call(client, geocoder):
    status, body = lookup(client, {"street": "1 Main St", "city": "Spokane", "zip": "99201"})
    assert (status, body["error"]) == (422, "outside_county")
    assert "ZIP code" in body["message"]
    assert geocoder.request_count == 0


@pytest.mark.parametrize("address", [UNKNOWN, NO_DISTRICT], ids=["unknown", "in-county-no-district"])
def test_address_not_found(client, address):
    status, body = lookup(client, address)
    assert (status, body["error"]) == (404, "not_found")


def test_slow_geocoder_is_unavailable_after_the_timeout_without_retry(client, geocoder):
    geocoder.delay = 1.5  # the test app's timeout is 1 s
    status, body = lookup(client, HOME)
    assert (status, body["error"]) == (503, "unavailable")
    assert geocoder.request_count == 1


def test_failing_geocoder_is_unavailable(client, geocoder):
    geocoder.fail_status = 502
    status, body = lookup(client, HOME)
    assert (status, body["error"]) == (503, "unavailable")


def test_dropped_connection_is_retried_once(client, geocoder):
    geocoder.drop_connections = True
    geocoder.fail_times = 1
    status, body = lookup(client, HOME)
    assert (status, body["district"]) == (200, "4")
    assert geocoder.request_count == 2


def test_connection_errors_give_up_after_one_retry(client, geocoder):
    geocoder.drop_connections = True
    status, body = lookup(client, HOME)
    assert (status, body["error"]) == (503, "unavailable")
    assert geocoder.request_count == 2


def test_geocoder_refusing_connections_is_unavailable(app, client):
    app.config["GEOCODER_URL"] = Closed().base_url
    app.extensions.pop("district_finder", None)
    status, body = lookup(client, HOME)
    assert (status, body["error"]) == (503, "unavailable")


@pytest.mark.parametrize("failure", ["arcgis_error", "delay", "fail_status"])
def test_failing_district_layer_is_unavailable(client, county_layer, failure):
    setattr(county_layer, failure, {"arcgis_error": True, "delay": 1.5, "fail_status": 500}[failure])
    status, body = lookup(client, HOME)
    assert (status, body["error"]) == (503, "unavailable")


def test_failed_lookups_are_not_cached(client, geocoder):
    geocoder.fail_status = 500
    lookup(client, HOME)
    geocoder.reset_failures()
    status, body = lookup(client, HOME)
    assert (status, body["district"]) == (200, "4")


def test_bad_address_is_invalid_with_field_messages(client):
    status, body = lookup(client, {"street": "", "city": "Seattle", "zip": "981"})
    assert (status, body["error"]) == (400, "invalid")
    assert set(body["fields"]) == {"street", "zip"}


def test_lookup_messages_in_spanish(client):
    status, body = lookup(client, PIERCE, lang="es")
    assert status == 422
    assert body["message"].startswith("Esa dirección está fuera del Condado de King")
    status, body = lookup(client, HOME, lang="es")
    assert body["officials"][0]["title"] == "Concejal"


# The same outcomes in the supporter's form.

def test_form_offers_the_candidates_and_uses_the_one_chosen(app, client):
    page = submit_letter(client, **TWO_DISTRICTS)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "more than one address like yours" in html
    assert "1 TWIN ST S, SEATTLE, WA, 98104" in html
    assert letters_saved(app) == 0
    chosen = submit_letter(client, **TWO_DISTRICTS, candidate="1 TWIN ST S, SEATTLE, WA, 98104")
    preview = client.get(chosen.headers["Location"]).get_data(as_text=True)
    assert "Steffanie Fain" in preview  # district 5


@pytest.mark.parametrize("break_it", ["unknown", "unavailable"])
def test_form_lets_the_supporter_choose_the_district_by_hand(app, client, geocoder, break_it):
    if break_it == "unavailable":
        geocoder.fail_status = 503
        address = HOME
    else:
        address = UNKNOWN
    page = submit_letter(client, **address)
    html = page.get_data(as_text=True)
    assert 'name="district"' in html
    assert "kingcounty.gov" in html  # the county's own district finder
    for field in ("street", "city", "zip"):  # what was typed is kept, to change or to keep
        [typed] = re.findall(rf'<input [^>]*\bname="{field}"[^>]*\bvalue="([^"]*)"', html)
        assert typed == address[field], field
    chosen = submit_letter(client, **address, district="7")
    preview = client.get(chosen.headers["Location"]).get_data(as_text=True)
    assert "Pete von Reichbauer" in preview


def test_form_says_outside_king_county_and_writes_no_letter(app, client):
    page = submit_letter(client, **PIERCE)
    html = page.get_data(as_text=True)
    assert "outside King County" in html
    assert 'name="district"' not in html
    assert letters_saved(app) == 0


def test_form_flags_a_zip_outside_the_county_on_the_zip_field(app, client, geocoder):
    page = submit_letter(client, zip="99201", lang="es")
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert 'id="zip-errors"' in html
    assert "Ese código postal no es del Condado de King" in html
    assert geocoder.request_count == 0
