"""Composing the letter from plain values: language, date, recipient and the supporter's own words."""

import datetime as dt

import pytest

from actiontool.letters.content import compose, default_letter_language, note_paragraphs

RECIPIENT = {
    "office": "councilmember", "district": "8", "name": "Teresa Mosqueda",
    "title": {"en": "Councilmember", "es": "Concejala"},
    "salutation": {"en": "Dear Councilmember Mosqueda:", "es": "Estimada concejala Mosqueda:"},
    "email": "", "postal_address_lines": ["516 Third Avenue, Room 1200", "Seattle, WA 98104"],
}


def letter(**values):
    return {"name": "Ana López", "street": "1 Pine St", "city": "Burien", "zip": "98166",
            "note": "", "language": "en", "recipient": RECIPIENT,
            # 03:00 UTC on the 29th is still the evening of the 28th in King County.
            "created_at": dt.datetime(2026, 11, 29, 3, 0), **values}


@pytest.fixture
def context(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize("language, date, salutation", [
    ("en", "November 28, 2026", "Dear Councilmember Mosqueda:"),
    ("es", "28 de noviembre de 2026", "Estimada concejala Mosqueda:"),
])
def test_letter_is_dated_on_the_county_calendar_in_its_language(context, language, date, salutation):
    html = compose(letter(language=language))
    assert date in html
    assert salutation in html
    assert f'lang="{language}"' in html


def test_both_gives_the_spanish_letter_then_the_english_one_with_the_same_note(context):
    html = compose(letter(language="both", note="Mi hija nació aquí."))
    spanish, english = html.index('lang="es"'), html.index('lang="en"')
    assert spanish < english
    assert html.count("Mi hija nació aquí.") == 2


def test_letter_is_the_same_whatever_the_page_language(app):
    with app.test_request_context("/?lang=es"):
        assert "Dear Councilmember Mosqueda:" in compose(letter(language="en"))


def test_note_keeps_paragraphs_and_drops_stray_line_breaks():
    assert note_paragraphs("One\nline.\n\n\n  Two.  \r\n\r\nThree") == ["One line.", "Two.", "Three"]
    assert note_paragraphs("   ") == []


def test_default_letter_language_follows_the_page():
    assert default_letter_language("en") == "en"
    assert default_letter_language("es") == "both"


@pytest.mark.parametrize("language", ["en", "es", "both"])
def test_a_signers_phone_is_printed_under_their_address_and_absent_when_not_given(context, language):
    with_phone = compose(letter(language=language, phone="206-555-0100"))
    for part in with_phone.split("<article")[1:]:
        sender = part.split("</div>", 1)[0]
        assert " ".join(sender.split()).endswith("Burien, WA 98166<br> 206-555-0100")
    assert "<br>\n    \n" not in compose(letter(language=language))
    assert compose(letter(language=language)).count("<br>") == with_phone.count("<br>") - with_phone.count("<article")
