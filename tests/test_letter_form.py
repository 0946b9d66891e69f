"""Bad input on the letter form: a clear message in the user's language, what they typed kept, never a 500."""

import html as htmllib
import re
from html.parser import HTMLParser

import pytest

from actiontool.models import Letter, db
from tests.helpers import csrf_token, letter_form, submit_letter

HOSTILE = '<b>bold</b><script>alert("x")</script>'


def letters(app):
    with app.app_context():
        return db.session.scalars(db.select(Letter)).all()


def inputs(page):
    """Every <input> on the page as its attributes (values unescaped), in page order."""
    found = []

    class Inputs(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "input":
                found.append(dict(attrs))

    Inputs().feed(page)
    return found


def field_input(page, name):
    [found] = [attrs for attrs in inputs(page) if attrs.get("name") == name]
    return found


def errors_listed(page, field):
    """The messages in the field's own error list (<ul id="FIELD-errors">), unescaped."""
    [items] = re.findall(rf'<ul class="field-errors" id="{field}-errors">(.*?)</ul>', page, re.S)
    return [htmllib.unescape(item).strip() for item in re.findall(r"<li>(.*?)</li>", items, re.S)]


def checked_language(page):
    """The letter_language values whose radio button is checked."""
    return [attrs["value"] for attrs in inputs(page) if attrs.get("name") == "letter_language" and "checked" in attrs]


@pytest.mark.parametrize("lang, messages", [
    ("en", ["Please enter your name.", "Please enter your street address.",
            "Please enter your city.", "Please enter your ZIP code."]),
    ("es", ["Por favor, escriba su nombre.", "Por favor, escriba su dirección.",
            "Por favor, escriba su ciudad.", "Por favor, escriba su código postal."]),
])
def test_empty_form_names_every_missing_field_in_the_page_language(app, client, lang, messages):
    response = submit_letter(client, lang=lang, name="", street="", city="", zip="", note="keep me")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in messages:
        assert message in page
    for field, message in zip(("name", "street", "city", "zip"), messages, strict=True):
        # The field points at its own list of errors (the street at its hint too), which holds its message.
        described_by = ["street-hint", "street-errors"] if field == "street" else [f"{field}-errors"]
        assert field_input(page, field)["aria-describedby"].split() == described_by
        assert field_input(page, field)["aria-invalid"] == "true"
        assert errors_listed(page, field) == [message]
    assert "keep me</textarea>" in page
    assert letters(app) == []


@pytest.mark.parametrize("lang, message", [
    ("en", "Please keep this under 2000 characters."),
    ("es", "Por favor, use 2000 caracteres como máximo."),
])
def test_ten_thousand_character_note_is_refused_and_kept(app, client, lang, message):
    note = "Mi familia " * 1000
    response = submit_letter(client, lang=lang, note=note)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert note.strip() in htmllib.unescape(page)
    assert letters(app) == []


@pytest.mark.parametrize("field, value, message", [
    ("zip", "9810", "A ZIP code has 5 digits, like 98104."),
    ("zip", "abcde", "A ZIP code has 5 digits, like 98104."),
    ("email", "not an email", "Please enter an email address like name@example.com."),
    ("name", "N" * 101, "Please keep this under 100 characters."),
    ("street", "1" * 201, "Please keep this under 200 characters."),
    ("city", "C" * 81, "Please keep this under 80 characters."),
    ("letter_language", "fr", "Not a valid choice"),
])
def test_each_bad_value_gets_its_own_message_and_other_fields_are_kept(client, field, value, message):
    response = submit_letter(client, **{field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in htmllib.unescape(page)
    typed = letter_form(**{field: value})
    for other in ("name", "street", "city", "zip", "email"):
        assert field_input(page, other)["value"] == typed[other], other  # the bad value too: nothing retyped
    assert checked_language(page) == ([] if field == "letter_language" else ["en"])


def test_html_and_script_in_every_field_are_escaped_in_the_pages(app, client):
    response = submit_letter(client, name=HOSTILE, street=HOSTILE, city=HOSTILE, note=HOSTILE)
    page = response.get_data(as_text=True)
    assert response.status_code == 200  # no such address: the supporter may pick a district
    assert "<script>" not in page
    assert page.count("&lt;script&gt;") == 4

    ok = submit_letter(client, name=HOSTILE, note=HOSTILE)
    preview = client.get(ok.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in preview and "<b>bold</b>" not in preview
    assert "&lt;b&gt;bold&lt;/b&gt;&lt;script&gt;" in preview


def test_non_ascii_names_and_notes_are_kept_exactly(app, client):
    response = submit_letter(client, name="Nguyễn Thị Minh Khai", note="¿Por qué? ¡Porque sí! Ñandú")
    assert response.status_code == 302
    [letter] = letters(app)
    assert letter.name == "Nguyễn Thị Minh Khai"
    assert letter.note == "¿Por qué? ¡Porque sí! Ñandú"


@pytest.mark.parametrize("lang, text", [("en", "That was too much"), ("es", "El texto es demasiado largo")])
def test_oversized_request_gets_a_translated_page_not_a_crash(client, lang, text):
    response = client.post(f"/write?lang={lang}", data={"note": "x" * 100_000})
    assert response.status_code == 413
    assert text in response.get_data(as_text=True)


def test_missing_csrf_token_shows_the_form_again_with_what_was_typed(app, client):
    response = client.post("/write", data=letter_form(note="my words"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "press the button again" in page
    assert 'value="José Núñez"' in page and "my words</textarea>" in page
    assert letters(app) == []
    resent = client.post("/write", data={**letter_form(note="my words"), "csrf_token": csrf_token(page)})
    assert resent.status_code == 302


def test_letter_is_saved_with_who_which_official_language_and_note(app, client):
    submit_letter(client, letter_language="both", note="Por mi familia")
    with app.app_context():
        letter = db.session.scalars(db.select(Letter)).one()
        assert (letter.name, letter.district, letter.language, letter.note) == (
            "José Núñez", "4", "both", "Por mi familia")
        assert letter.recipient["name"] == "Jorge L. Barón"
        assert (letter.official.office, letter.official.district) == ("councilmember", "4")


def test_page_language_sets_the_default_letter_language(client):
    english = client.get("/write?lang=en").get_data(as_text=True)
    spanish = client.get("/write?lang=es").get_data(as_text=True)
    assert checked_language(english) == ["en"]
    assert checked_language(spanish) == ["both"]


def test_bot_filling_the_hidden_field_saves_nothing_and_costs_no_lookup(app, client, geocoder):
    response = submit_letter(client, website="http://spam.example")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert letters(app) == []
    assert geocoder.request_count == 0
