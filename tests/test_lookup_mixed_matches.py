"""An address the geocoder matches both inside King County and outside it: the supporter chooses which.

Neither match may win by itself: taking the King County one would send a letter for someone who may
live in Pierce County, and taking the other would turn a resident away.
"""

from actiontool.models import Letter, db
from tests.fakes.census import census_match
from tests.fakes.geography import district_center
from tests.helpers import submit_letter, text

# ZIP 98092 crosses the county line.
BORDER = {"street": "7 Line Rd", "city": "Auburn", "zip": "98092"}
IN_KING = "7 LINE RD N, AUBURN, WA, 98092"  # district 7
IN_PIERCE = "7 LINE RD S, AUBURN, WA, 98092"


def register_border_address(geocoder):
    geocoder.add_address(**BORDER, matches=[
        census_match(IN_KING, *district_center("7")),
        census_match(IN_PIERCE, -122.2, 47.25, county="053", county_name="Pierce County"),
    ])


def letters_saved(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Letter.id)))


def test_api_asks_which_address_when_one_match_is_in_king_county_and_one_is_not(client, geocoder):
    register_border_address(geocoder)
    response = client.get("/api/lookup", query_string=BORDER)
    body = response.get_json()
    assert response.status_code == 409, body
    assert body["error"] == "ambiguous"
    assert body["candidates"] == [IN_KING, IN_PIERCE]
    assert "district" not in body


def test_form_asks_which_address_then_uses_the_one_chosen(app, client, geocoder):
    register_border_address(geocoder)
    page = submit_letter(client, **BORDER)
    assert page.status_code == 200
    assert "We found more than one address like yours. Please choose yours." in text(page)
    html = page.get_data(as_text=True)
    assert IN_KING in html and IN_PIERCE in html
    assert letters_saved(app) == 0

    outside = submit_letter(client, **BORDER, candidate=IN_PIERCE)
    assert "outside King County" in text(outside)
    assert letters_saved(app) == 0

    chosen = submit_letter(client, **BORDER, candidate=IN_KING)
    assert "Pete von Reichbauer" in text(client.get(chosen.headers["Location"]))  # district 7
