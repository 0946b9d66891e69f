"""Lookups answered from our own copy of King County's address points (issue 14): with an index installed, an
address in the file is found on this server (exactly, by a close spelling, or from its neighbours), the Census
geocoder stand-in receives no request, the supporter's page says so in their language, and the geocoder is asked
only for what the index cannot answer, and only as GEOCODER_FALLBACK allows.

The index is built the operator's way, through `actiontool districts import` and `actiontool addresses import`,
from a small synthetic copy of the county's file (tests/fakes/address_points.py) laid over the synthetic
districts (tests/fakes/geography.py). Each address a test types is taken from that file, so the expected
district is the one its point lies in (expected_district)."""

import csv
import html
import io
import json
import re

import pytest

from actiontool import create_app
from actiontool.canvassing.sheets import NOT_LOOKED_UP
from actiontool.config import ConfigurationError
from actiontool.models import Letter, SheetRow, db
from tests.fakes.address_points import (
    DLON,
    LON0,
    TO_STATE_PLANE,
    county_points,
    expected_district,
    typed_variants,
    write_geojson,
    zip_and_cities,
)
from tests.fakes.census import census_match
from tests.fakes.geography import district_center, districts_geojson
from tests.helpers import submit_letter, text
from tests.test_events import EN_HEADER, add_signer, create_event, rows_to_fix, saved, upload

POINTS = 3000

# What the letter page says when the district was found on our server (templates/letter.html, and its msgstr).
FOUND_HERE = {
    "en": "We found your district in our own copy of King County's address list, on our server: the address on "
          "your letter was not sent to anyone to find it.",
    "es": "Encontramos su distrito en nuestra propia copia de la lista de direcciones del Condado de King, "
          "en nuestro servidor: para encontrarlo, no enviamos a nadie la dirección de su carta.",
}
# Not in the index, and the geocoder may not be asked: the page says the address went nowhere (lookup.MESSAGES).
NOT_IN_INDEX_MESSAGE = {
    "en": "We could not find that address in our copy of King County's address list (it was not sent anywhere).",
    "es": "No encontramos esa dirección en nuestra copia de la lista de direcciones del Condado de King (no la "
          "enviamos a ningún sitio).",
}
NOTHING_LOOKED_UP_MESSAGE = "To keep your address private, we do not look it up anywhere"

# What the privacy page says about finding the district, in each of its four ways (templates/privacy.html).
PRIVACY_HERE = {
    "en": "To find your district, we look up your street, city and ZIP code in our own copy of King County's "
          "address list, on our server. Your address is not sent to anyone to do this. If it is not in that list, "
          "you choose your district yourself.",
    "es": "Para encontrar su distrito, buscamos su calle, ciudad y código postal en nuestra propia copia de la "
          "lista de direcciones del Condado de King, en nuestro servidor. Para esto no enviamos su dirección a "
          "nadie. Si no está en esa lista, usted elige su distrito.",
}
PRIVACY_HERE_THEN_CENSUS = {
    "en": ("To find your district, we first look up your street, city and ZIP code in our own copy of King "
           "County's address list, on our server.", "Only if your address is not in that list do we send your "
           "street, city and ZIP code (never your name or email) to the U.S. Census Bureau's public address "
           "service"),
    "es": ("Para encontrar su distrito, primero buscamos su calle, ciudad y código postal en nuestra propia copia "
           "de la lista de direcciones del Condado de King, en nuestro servidor.", "Solo si su dirección no está "
           "en esa lista, enviamos su calle, ciudad y código postal (nunca su nombre ni su correo electrónico) al "
           "servicio público de direcciones de la Oficina del Censo"),
}
PRIVACY_CENSUS = {
    "en": "To find your district, we send your street, city and ZIP code (never your name or email) to the U.S. "
          "Census Bureau's public address service",
    "es": "Para encontrar su distrito, enviamos su calle, ciudad y código postal (nunca su nombre ni su correo "
          "electrónico) al servicio público de direcciones de la Oficina del Censo",
}
PRIVACY_NOWHERE = {
    "en": "We do not send your address anywhere to find your district: you choose your district yourself.",
    "es": "Para encontrar su distrito no enviamos su dirección a ningún sitio: usted elige su distrito.",
}
CENSUS_NAMED = {"en": "Census Bureau", "es": "Oficina del Censo"}
OUR_COPY = {"en": "our own copy of King County's address list", "es": "nuestra propia copia de la lista"}

# An address the index does not hold, which the geocoder stand-in places in district 5.
NOT_IN_INDEX = {"street": "5150 Hidden Ln", "city": "Seattle", "zip": "98118"}
NOT_IN_INDEX_MATCH = "5150 HIDDEN LN, SEATTLE, WA, 98118"

# The street where the neighbours tests add houses: NE 20TH ST runs east from the meridian (house number
# 100 + 100 * blocks from it, a block DLON of longitude) across the line between districts 2 and 3 at -122.2.
NEIGHBOURS_STREET = "NE 20TH ST"
SAME_DISTRICT_PAIR, TYPED_BETWEEN = (3220, 3224), 3222  # both in district 2
SPLIT_PAIR, TYPED_ACROSS = (3420, 3440), 3430  # 3420 in district 2, 3440 in district 3


# ---------------------------------------------------------------------------
# The synthetic county file and the index built from it
# ---------------------------------------------------------------------------


def house_on(record, number):
    """A house of `record`'s east-running street at `number`, where the street's numbering puts it; its ZIP
    code and cities are those of the pair it belongs to (set by the caller)."""
    lon = round(LON0 + (number - 100) / 100 * DLON, 7)
    x, y = TO_STATE_PLANE.transform(lon, record["LAT"])
    return dict(record, ADDR_HN=number, ADDR_NUM=str(number), ADDR_FULL=f"{number} {record['FULLNAME']}",
                SITETYPE="R1", LON=lon, POINT_X=round(x, 3), POINT_Y=round(y, 3))


def with_neighbour_houses(records):
    """The county's records with two pairs of houses on NEIGHBOURS_STREET, each pair in one ZIP code (ZIP codes
    need not follow district lines), and no other house of that street near them: one pair in one district with
    a number missing between them, one pair across the line between districts 2 and 3."""
    base = next(record for record in records if record["FULLNAME"] == NEIGHBOURS_STREET)
    low, high = min(SAME_DISTRICT_PAIR + SPLIT_PAIR) - 500, max(SAME_DISTRICT_PAIR + SPLIT_PAIR) + 500
    kept = [record for record in records
            if not (record["FULLNAME"] == NEIGHBOURS_STREET and low <= record["ADDR_HN"] <= high)]
    next_id = max(record["OBJECTID"] for record in records) + 1
    for pair in (SAME_DISTRICT_PAIR, SPLIT_PAIR):
        houses = [house_on(base, number) for number in pair]
        zip5, city, postal = zip_and_cities(houses[0]["LON"], houses[0]["LAT"])
        for house in houses:
            house.update(OBJECTID=next_id, SITEID=2_147_483_647 + next_id, ZIP5=zip5, CTYNAME=city,
                         POSTALCTYNAME=postal)
            kept.append(house)
            next_id += 1
    return kept


@pytest.fixture(scope="module")
def county():
    """The synthetic county file's records (a few thousand points)."""
    return with_neighbour_houses(county_points(POINTS))


@pytest.fixture(scope="module")
def county_file(county, tmp_path_factory):
    """The records as the county's GeoJSON download."""
    path = tmp_path_factory.mktemp("county") / "addresses.geojson"
    write_geojson(path, county)
    return path


@pytest.fixture
def index(app, runner, tmp_path, county_file):
    """The district polygons and the address index installed, as an operator installs them."""
    districts = tmp_path / "districts-upload.geojson"
    districts.write_text(json.dumps(districts_geojson()))
    result = runner.invoke(args=["districts", "import", str(districts)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["addresses", "import", str(county_file)])
    assert result.exit_code == 0, result.output
    return county_file


def fallback(app, setting):
    """GEOCODER_FALLBACK for this test's app (read once per app, at its first lookup)."""
    app.config["GEOCODER_FALLBACK"] = setting
    app.extensions.pop("district_finder", None)


# ---------------------------------------------------------------------------
# Addresses from the file
# ---------------------------------------------------------------------------


def typed(record, kind="exact"):
    """The form's address fields for `record`, its street line typed as `kind` (typed_variants)."""
    return {"street": typed_variants(record)[kind], "city": record["POSTALCTYNAME"].title(), "zip": record["ZIP5"]}


def in_districts(records):
    return [record for record in records if expected_district(record) is not None]


def house(record):
    """A single house (no unit), not on the street where the neighbours tests add houses."""
    return record["SITETYPE"] != "R3" and record["FULLNAME"] != NEIGHBOURS_STREET


def one_per_district(records):
    """The first house of the file in each district, "1" to "9"."""
    first = {}
    for record in in_districts(records):
        if house(record):
            first.setdefault(expected_district(record), record)
    assert sorted(first) == [str(n) for n in range(1, 10)]
    return [first[str(n)] for n in range(1, 10)]


def with_worded_street(records):
    """A house on a street with a worded name (a typo there is a misspelt word, not a misspelt type)."""
    return next(r for r in in_districts(records) if house(r) and not r["ADDR_SN"][0].isdigit()
                and typed_variants(r)["typo"] != typed_variants(r)["exact"])


def with_direction_alone_in_its_zip(records):
    """A house whose street has a direction, where no other street of the same name and type is in its ZIP code
    (nor the name without a direction): typed without the direction, it can be only that street."""
    streets = {}
    for record in records:
        streets.setdefault((record["ZIP5"], record["ADDR_SN"], record["ADDR_ST"]), set()).add(record["FULLNAME"])
    return next(r for r in in_districts(records) if house(r) and (r["ADDR_PD"] or r["ADDR_SD"])
                and streets[(r["ZIP5"], r["ADDR_SN"], r["ADDR_ST"])] == {r["FULLNAME"]}
                and not r["ADDR_NUM"][-1].isalpha())


def beside_its_undirected_namesake(records):
    """A house on a street with a direction ("1ST AVE NE") whose ZIP code also has the street without one
    ("1ST AVE"), though not this number nor numbers on both sides of it: typed without the direction, the street
    typed exists in the ZIP code, yet the house is on the other."""
    numbers = {}
    for record in records:
        if not (record["ADDR_PD"] or record["ADDR_SD"]):
            numbers.setdefault((record["ZIP5"], record["ADDR_SN"], record["ADDR_ST"]), []).append(record["ADDR_HN"])
    for record in in_districts(records):
        on_namesake = numbers.get((record["ZIP5"], record["ADDR_SN"], record["ADDR_ST"]))
        if house(record) and (record["ADDR_PD"] or record["ADDR_SD"]) and on_namesake:
            side = [n for n in on_namesake if n % 2 == record["ADDR_HN"] % 2]
            if record["ADDR_HN"] not in on_namesake and not (min(side, default=1e9) < record["ADDR_HN"]
                                                             < max(side, default=-1)):
                return record
    raise AssertionError("no house beside a namesake without a direction")


def on_a_numbered_street(records):
    """A house on a numbered street with a direction, which a Spanish speaker writes "Calle 45 Noreste"."""
    return next(r for r in in_districts(records) if house(r) and r["ADDR_SN"][0].isdigit() and r["ADDR_ST"] == "ST"
                and r["ADDR_PD"] and not r["ADDR_NUM"][-1].isalpha())


def in_a_building(records):
    """A unit of an apartment building."""
    return next(r for r in in_districts(records) if r["SITETYPE"] == "R3")


def twin_houses(records, zip_code):
    """(NE house, NW house): the same number on "NE nTH ST" and "NW nTH ST" in one ZIP code, in different districts."""
    by_place = {(r["ZIP5"], r["ADDR_PD"], r["ADDR_SN"], r["ADDR_ST"], r["ADDR_HN"]): r for r in in_districts(records)}
    for (zip5, pd, sn, st, hn), east in by_place.items():
        west = by_place.get((zip5, "NW", sn, st, hn))
        if zip5 == zip_code and pd == "NE" and west and expected_district(east) != expected_district(west):
            return east, west
    raise AssertionError(f"no NE/NW twins in {zip_code}")


def label(record):
    """The address as the index shows it among choices ("214 NE 26TH ST, SEATTLE, WA, 98103")."""
    return f"{record['ADDR_NUM']} {record['FULLNAME']}, {record['POSTALCTYNAME']}, WA, {record['ZIP5']}"


def typed_on_neighbours_street(records, number):
    """The form's fields for `number` on NEIGHBOURS_STREET, in the ZIP code of the pair around it."""
    pair_house = next(r for r in records if r["FULLNAME"] == NEIGHBOURS_STREET and abs(r["ADDR_HN"] - number) <= 10)
    return {"street": f"{number} NE 20th St", "city": pair_house["POSTALCTYNAME"].title(), "zip": pair_house["ZIP5"]}


# ---------------------------------------------------------------------------
# What a test reads back
# ---------------------------------------------------------------------------


def token_of(response):
    assert response.status_code == 302, text(response)
    return response.headers["Location"].rsplit("/", 1)[1]


def saved_letter(app, token):
    """(district, found_by) of the letter saved under `token`."""
    with app.app_context():
        letter = db.session.scalar(db.select(Letter).where(Letter.token == token))
        return letter.district, letter.found_by


def letters_saved(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Letter.id)))


def candidates(response):
    """The addresses offered to choose from (the candidate radio buttons' values), and whether one is checked."""
    tags = re.findall(r'<input[^>]*name="candidate"[^>]*>', response.get_data(as_text=True))
    values = [html.unescape(re.search(r'value="([^"]*)"', tag).group(1)) for tag in tags]
    return values, any(re.search(r"\schecked(\s|>|=)", tag) for tag in tags)


def offers_district_choice(response):
    return re.search(r'<input type="radio" id="district[-\d]*" name="district" value="\d"',
                     response.get_data(as_text=True)) is not None


def api_lookup(client, address):
    response = client.get("/api/lookup", query_string=address)
    return response.status_code, response.get_json()


def sheet_of(rows):
    """A sign-up sheet (CSV bytes, the older header without the agreement column) of (name, address) rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EN_HEADER.split(","))
    for name, address in rows:
        writer.writerow([name, address["street"], address["city"], address["zip"], "en", "", "", "", ""])
    return out.getvalue().encode("utf-8")


def event_letters(app, event_id):
    """{name: (district, found_by)} of the event's letters."""
    with app.app_context():
        return {letter.name: (letter.district, letter.found_by)
                for letter in db.session.scalars(db.select(Letter).where(Letter.event_id == event_id))}


# ---------------------------------------------------------------------------
# An address in the file: found here, sent nowhere
# ---------------------------------------------------------------------------


def test_an_address_in_the_file_is_found_here_in_every_district_without_asking_the_geocoder(
        app, client, index, county, geocoder):
    fallback(app, "on")  # the geocoder may be asked: it must not be needed
    for record in one_per_district(county):
        token = token_of(submit_letter(client, **typed(record)))
        assert saved_letter(app, token) == (expected_district(record), "local"), typed(record)
    assert geocoder.request_count == 0


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_letter_page_says_in_the_supporters_language_that_the_address_stayed_on_our_server(
        app, client, index, county, geocoder, lang):
    record = one_per_district(county)[3]
    response = submit_letter(client, lang=lang, **typed(record))
    page = text(client.get(response.headers["Location"]))
    assert FOUND_HERE[lang] in page
    if lang == "es":
        assert FOUND_HERE["en"] not in page
    assert geocoder.request_count == 0


@pytest.mark.parametrize("kind, pick", [
    ("typo", with_worded_street),
    ("missing_direction", with_direction_alone_in_its_zip),
    ("missing_direction", beside_its_undirected_namesake),
    ("spanish", on_a_numbered_street),
    ("spanish", in_a_building),
    ("unit", in_a_building),
    ("unit", with_worded_street),
    ("full_words", on_a_numbered_street),
])
def test_a_close_spelling_of_an_address_in_the_file_is_found_here(app, client, index, county, geocoder, kind, pick):
    fallback(app, "on")
    record = pick(county)
    address = typed(record, kind)
    assert address["street"] != typed(record)["street"]
    token = token_of(submit_letter(client, **address))
    assert saved_letter(app, token) == (expected_district(record), "local"), address
    assert geocoder.request_count == 0


# ---------------------------------------------------------------------------
# Two districts possible: the supporter chooses
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("zip_code, chosen", [("98103", "west"), ("98133", "east")])
def test_a_street_without_its_direction_in_two_districts_is_offered_as_choices_never_picked(
        app, client, index, county, geocoder, zip_code, chosen):
    fallback(app, "on")
    east, west = twin_houses(county, zip_code)
    address = typed(east, "missing_direction")
    assert address == typed(west, "missing_direction")

    page = submit_letter(client, **address)
    assert page.status_code == 200
    assert "We found more than one address like yours. Please choose yours." in text(page)
    offered, one_checked = candidates(page)
    assert sorted(offered) == sorted([label(east), label(west)])
    assert not one_checked
    assert letters_saved(app) == 0

    place = {"east": east, "west": west}[chosen]
    token = token_of(submit_letter(client, **address, candidate=label(place)))
    assert saved_letter(app, token) == (expected_district(place), "local")
    assert geocoder.request_count == 0


def test_the_api_gives_the_two_places_as_candidates(app, client, index, county, geocoder):
    east, west = twin_houses(county, "98103")
    status, body = api_lookup(client, typed(east, "missing_direction"))
    assert (status, body["error"]) == (409, "ambiguous")
    assert sorted(body["candidates"]) == sorted([label(east), label(west)])
    assert geocoder.request_count == 0


# ---------------------------------------------------------------------------
# A number missing from the file: its neighbours on the same side
# ---------------------------------------------------------------------------


def test_the_neighbour_houses_are_laid_out_as_the_tests_need(county):
    near = {r["ADDR_HN"]: r for r in county if r["FULLNAME"] == NEIGHBOURS_STREET
            and SAME_DISTRICT_PAIR[0] - 500 <= r["ADDR_HN"] <= SPLIT_PAIR[1] + 500}
    assert sorted(near) == sorted(SAME_DISTRICT_PAIR + SPLIT_PAIR)
    assert [expected_district(near[n]) for n in SAME_DISTRICT_PAIR] == ["2", "2"]
    assert [expected_district(near[n]) for n in SPLIT_PAIR] == ["2", "3"]
    assert len({near[n]["ZIP5"] for n in SPLIT_PAIR}) == 1


def test_a_number_between_two_houses_of_one_district_on_its_side_gets_their_district(
        app, client, index, county, geocoder):
    fallback(app, "on")
    status, body = api_lookup(client, typed_on_neighbours_street(county, TYPED_BETWEEN))
    assert (status, body["district"]) == (200, "2")
    assert geocoder.request_count == 0


def test_a_number_between_houses_in_two_districts_is_not_answered_here(app, client, index, county, geocoder):
    fallback(app, "on")
    status, body = api_lookup(client, typed_on_neighbours_street(county, TYPED_ACROSS))
    assert (status, body["error"]) == (404, "not_found")  # the stand-in geocoder does not know it either
    assert geocoder.request_count == 1


def test_a_number_between_houses_in_two_districts_lets_the_supporter_choose_when_the_geocoder_may_not_be_asked(
        app, client, index, county, geocoder):
    page = submit_letter(client, **typed_on_neighbours_street(county, TYPED_ACROSS))
    assert NOT_IN_INDEX_MESSAGE["en"] in text(page)
    assert offers_district_choice(page)
    assert letters_saved(app) == 0
    assert geocoder.request_count == 0


# ---------------------------------------------------------------------------
# Not in the file: GEOCODER_FALLBACK decides
# ---------------------------------------------------------------------------


@pytest.fixture
def known_to_the_geocoder(geocoder):
    geocoder.add_address(**NOT_IN_INDEX, matches=[census_match(NOT_IN_INDEX_MATCH, *district_center("5"))])
    return NOT_IN_INDEX


def test_fallback_on_sends_an_address_not_in_the_file_to_the_geocoder_and_says_nothing_about_our_server(
        app, client, index, geocoder, known_to_the_geocoder):
    fallback(app, "on")
    response = submit_letter(client, **known_to_the_geocoder)
    assert saved_letter(app, token_of(response)) == ("5", "census")
    assert geocoder.request_count == 1
    page = text(client.get(response.headers["Location"]))
    assert "Steffanie Fain" in page  # district 5
    assert FOUND_HERE["en"] not in page and "on our server" not in page


@pytest.mark.parametrize("setting, lang", [("auto", "en"), ("off", "es")])
def test_with_an_index_and_fallback_auto_or_off_an_address_not_in_the_file_goes_nowhere(
        app, client, index, geocoder, known_to_the_geocoder, setting, lang):
    """The page says, in the supporter's language, that the address was not found in our copy and went nowhere."""
    fallback(app, setting)
    page = submit_letter(client, lang=lang, **known_to_the_geocoder)
    assert page.status_code == 200
    assert NOT_IN_INDEX_MESSAGE[lang] in text(page)
    assert offers_district_choice(page)
    assert letters_saved(app) == 0
    assert geocoder.request_count == 0


def test_without_an_index_fallback_auto_asks_the_geocoder_as_before(app, client, geocoder, known_to_the_geocoder):
    response = submit_letter(client, **known_to_the_geocoder)
    assert saved_letter(app, token_of(response)) == ("5", "census")
    assert geocoder.request_count == 1


def test_without_an_index_fallback_off_lets_the_supporter_choose(app, client, geocoder, known_to_the_geocoder):
    fallback(app, "off")
    page = submit_letter(client, **known_to_the_geocoder)
    assert NOTHING_LOOKED_UP_MESSAGE in text(page) and offers_district_choice(page)
    assert geocoder.request_count == 0


def test_a_district_chosen_by_hand_is_kept_as_chosen(app, client, index, geocoder, known_to_the_geocoder):
    assert submit_letter(client, **known_to_the_geocoder).status_code == 200
    token = token_of(submit_letter(client, **known_to_the_geocoder, district="7"))
    assert saved_letter(app, token) == ("7", "chosen")
    page = text(client.get(f"/letters/{token}"))
    assert "Pete von Reichbauer" in page
    assert FOUND_HERE["en"] not in page
    assert geocoder.request_count == 0


# ---------------------------------------------------------------------------
# The privacy page says what is true
# ---------------------------------------------------------------------------


def privacy_pages(client):
    return {lang: text(client.get(f"/privacy?lang={lang}")) for lang in ("en", "es")}


def test_privacy_with_an_index_and_no_fallback_says_the_address_stays_here(app, client, index):
    fallback(app, "off")
    for lang, page in privacy_pages(client).items():
        assert PRIVACY_HERE[lang] in page, lang
        assert CENSUS_NAMED[lang] not in page, lang


def test_privacy_with_an_index_and_fallback_on_says_here_first_then_the_census(app, client, index):
    fallback(app, "on")
    for lang, page in privacy_pages(client).items():
        first, only_if = PRIVACY_HERE_THEN_CENSUS[lang]
        assert first in page and only_if in page, lang
        assert PRIVACY_HERE[lang] not in page and PRIVACY_CENSUS[lang] not in page, lang


def test_privacy_with_an_index_and_fallback_auto_says_the_address_stays_here(app, client, index):
    for lang, page in privacy_pages(client).items():
        assert PRIVACY_HERE[lang] in page, lang
        assert CENSUS_NAMED[lang] not in page, lang


def test_privacy_without_an_index_says_the_address_goes_to_the_census(app, client):
    for lang, page in privacy_pages(client).items():
        assert PRIVACY_CENSUS[lang] in page, lang
        assert OUR_COPY[lang] not in page, lang


def test_privacy_without_an_index_or_fallback_says_the_address_goes_nowhere(app, client):
    fallback(app, "off")
    for lang, page in privacy_pages(client).items():
        assert PRIVACY_NOWHERE[lang] in page, lang
        assert CENSUS_NAMED[lang] not in page and OUR_COPY[lang] not in page, lang


# ---------------------------------------------------------------------------
# Canvassers and the API use the same lookup
# ---------------------------------------------------------------------------


def test_the_event_signer_form_finds_addresses_here(app, canvasser, index, county, geocoder):
    fallback(app, "on")
    event_id = create_event(canvasser)
    record, spanish = one_per_district(county)[0], on_a_numbered_street(county)
    saved(add_signer(canvasser, event_id, name="Ana López", **typed(record)), event_id)
    saved(add_signer(canvasser, event_id, name="Bea Núñez", **typed(spanish, "spanish")), event_id)
    assert event_letters(app, event_id) == {"Ana López": (expected_district(record), "local"),
                                            "Bea Núñez": (expected_district(spanish), "local")}
    assert geocoder.request_count == 0


def test_a_sign_up_sheet_of_addresses_in_the_file_is_found_here(app, canvasser, index, county, geocoder):
    fallback(app, "on")
    event_id = create_event(canvasser)
    rows = [(f"Signer {n}", typed(record)) for n, record in enumerate(one_per_district(county), start=1)]
    rows += [("Typo Person", typed(with_worded_street(county), "typo")),
             ("Unit Person", typed(in_a_building(county), "unit"))]
    response = upload(canvasser, event_id, sheet_of(rows))
    assert rows_to_fix(response) == []
    expected = {f"Signer {n}": (expected_district(record), "local")
                for n, record in enumerate(one_per_district(county), start=1)}
    expected["Typo Person"] = (expected_district(with_worded_street(county)), "local")
    expected["Unit Person"] = (expected_district(in_a_building(county)), "local")
    assert event_letters(app, event_id) == expected
    assert geocoder.request_count == 0


def test_a_300_row_sign_up_sheet_of_addresses_in_the_file_is_looked_up_in_one_upload(
        app, canvasser, index, county, geocoder):
    event_id = create_event(canvasser)
    records = in_districts(county)[:300]
    response = upload(canvasser, event_id, sheet_of([(f"Signer {n}", typed(r)) for n, r in enumerate(records)]))
    assert "300 letters added." in text(response)
    assert rows_to_fix(response) == []
    with app.app_context():
        left = db.session.scalar(db.select(db.func.count(SheetRow.id)).where(
            SheetRow.event_id == event_id, SheetRow.lookup_problem == NOT_LOOKED_UP))
    assert left == 0
    assert event_letters(app, event_id) == {f"Signer {n}": (expected_district(r), "local")
                                            for n, r in enumerate(records)}
    assert geocoder.request_count == 0


def test_the_api_answers_from_the_index(app, client, index, county, geocoder):
    fallback(app, "on")
    record = one_per_district(county)[5]
    status, body = api_lookup(client, typed(record))
    assert (status, body["district"]) == (200, expected_district(record))
    assert body["matched_address"] == label(record)
    assert body["officials"][0]["district"] == expected_district(record)
    assert geocoder.request_count == 0


# ---------------------------------------------------------------------------
# The setting itself
# ---------------------------------------------------------------------------


def app_with_fallback(database_url, monkeypatch, value):
    """An app started with ACTIONTOOL_GEOCODER_FALLBACK set as an operator sets it."""
    monkeypatch.setenv("ACTIONTOOL_GEOCODER_FALLBACK", value)
    return create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": database_url})


@pytest.mark.parametrize("value", ["sometimes", "", "ask"])
def test_a_bad_geocoder_fallback_stops_the_app_naming_the_setting(database_url, monkeypatch, value):
    with pytest.raises(ConfigurationError, match="GEOCODER_FALLBACK"):
        app_with_fallback(database_url, monkeypatch, value)


@pytest.mark.parametrize("value, read_as", [("true", "on"), ("false", "off"), ("on", "on"), ("off", "off"),
                                            ("auto", "auto"), ("ON", "on")])
def test_geocoder_fallback_reads_true_and_false_as_on_and_off(database_url, monkeypatch, value, read_as):
    assert app_with_fallback(database_url, monkeypatch, value).config["GEOCODER_FALLBACK"] == read_as


# ---------------------------------------------------------------------------
# What no house has: a number longer than any in the index
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["4255551234", "99999999999999999999", "9" * 100])
def test_a_house_number_longer_than_any_is_not_found_here_and_never_an_error(
        app, client, canvasser, index, county, geocoder, number):
    """A phone number typed as the house number (or any longer run of digits): not looked for in the index (a
    32-bit column on PostgreSQL; SQLite's 64 bits), so the page, the API and a sheet row answer as for any
    address not found, never a 500; and the good rows of the sheet are saved."""
    fallback(app, "off")
    record = one_per_district(county)[0]
    address = dict(typed(record), street=f"{number} {record['FULLNAME'].title()}")
    page = submit_letter(client, **address)
    assert page.status_code == 200 and NOT_IN_INDEX_MESSAGE["en"] in text(page)
    status, body = api_lookup(client, address)
    assert (status, body["error"]) == (404, "not_in_index")
    event_id = create_event(canvasser)
    response = upload(canvasser, event_id, sheet_of([("Good Row", typed(record)), ("Long Number", address)]))
    assert response.status_code < 500
    assert event_letters(app, event_id) == {"Good Row": (expected_district(record), "local")}
    assert geocoder.request_count == 0
