"""When the address service cannot answer, the letter form and the signer form let the person pick their
district by its member and the places it covers (district_areas.csv), not by a bare number."""

import re

import pytest

from actiontool.roster.areas import apply_areas, district_choices, parse_areas
from tests.helpers import AREAS, signed_in_client, submit_letter, text
from tests.test_events import create_event, csrf_token, signer


@pytest.fixture(autouse=True)
def shipped_areas(app):
    """district_areas.csv installed, as `make roster` does."""
    with app.app_context():
        apply_areas(parse_areas(AREAS))


def assert_choice_of_every_district(page, lang, app):
    html = page.get_data(as_text=True)
    with app.test_request_context():
        expected = district_choices(lang)
    assert len(expected) == 9
    for choice in expected:
        number = choice["district"]
        option = re.search(rf'<input type="radio" id="district[-\d]*" name="district" value="{number}"', html)
        assert option, number
        assert choice["member"] in text(page)
        assert choice["areas"] and choice["areas"] in text(page)
    assert '<select id="district"' not in html


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_letter_form_offers_each_district_with_its_member_and_areas(app, client, geocoder, lang):
    geocoder.fail_status = 503
    page = submit_letter(client, lang=lang)
    assert page.status_code == 200
    assert_choice_of_every_district(page, lang, app)
    assert "Federal Way" in text(page) and "Jorge L. Barón" in text(page)


def test_the_chosen_district_writes_the_letter_to_its_member(app, client, geocoder):
    geocoder.fail_status = 503
    chosen = submit_letter(client, district="8")
    assert chosen.status_code == 302
    letter = client.get(chosen.headers["Location"])
    assert "Teresa Mosqueda" in text(letter)


def test_the_signer_form_offers_the_same_choice(app, runner, geocoder):
    canvasser = signed_in_client(app, runner, "canvas@campaign.test", "canvasser")
    event_id = create_event(canvasser)
    geocoder.fail_status = 503
    page = canvasser.get(f"/staff/events/{event_id}")
    answered = canvasser.post(f"/staff/events/{event_id}", data={**signer(), "csrf_token": csrf_token(
        page.get_data(as_text=True))})
    assert answered.status_code == 200
    assert_choice_of_every_district(answered, "en", app)
