"""A district the roster has nobody for (a councilmember resigned, the seat is vacant) gets one answer
everywhere an address is resolved: the letter form, the API, the event signer form and sign-up sheets."""

import pytest

from actiontool.models import Letter, Official, db
from tests.helpers import HOME, submit_letter, text
from tests.test_events import add_signer, create_event, rows_to_fix, upload

VACANT_EN = ("Our list has no council member for district 4 right now, so we cannot address this letter yet. "
             "Please try again in a few days.")
VACANT_ES = ("En este momento nuestra lista no tiene concejal para el Distrito 4, así que todavía no podemos "
             "dirigir esta carta. Por favor, vuelva a intentarlo en unos días.")


@pytest.fixture
def district_4_vacant(app):
    """HOME is in district 4; its councilmember leaves the roster (as a resignation would)."""
    with app.app_context():
        db.session.execute(db.delete(Official).where(Official.office == "councilmember", Official.district == "4"))
        db.session.commit()


def _letters(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Letter.id)))


@pytest.mark.parametrize(("lang", "message"), [("en", VACANT_EN), ("es", VACANT_ES)])
def test_letter_form_says_the_seat_is_vacant_keeps_what_was_typed_and_saves_nothing(
        app, client, district_4_vacant, lang, message):
    response = submit_letter(client, lang=lang, name="Rosa Vacante")
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert 'value="Rosa Vacante"' in response.get_data(as_text=True)
    assert _letters(app) == 0


def test_api_answers_no_councilmember_with_the_same_message(client, district_4_vacant):
    response = client.get("/api/lookup", query_string=HOME)
    assert response.status_code == 503
    assert response.get_json() == {"error": "no_councilmember", "message": VACANT_EN}


def test_event_signer_form_gives_the_same_answer(app, canvasser, district_4_vacant):
    event_id = create_event(canvasser)
    response = add_signer(canvasser, event_id, name="Rosa Vacante")
    assert response.status_code == 200
    assert VACANT_EN in text(response)
    assert _letters(app) == 0


def test_sheet_row_in_a_vacant_district_is_kept_to_fix_with_the_same_message(app, canvasser, district_4_vacant):
    event_id = create_event(canvasser)
    sheet = "name,street,city,zip\nRosa Vacante,{street},{city},{zip}\n".format(**HOME)
    response = upload(canvasser, event_id, sheet.encode())
    assert rows_to_fix(response) == [(2, "Rosa Vacante", VACANT_EN)]
    assert _letters(app) == 0
