"""Composing the letter from plain values: language, date, recipient and the supporter's own words."""

import datetime as dt
import re

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


def test_both_is_one_spanish_letter_then_a_headed_english_translation_with_one_sender_date_and_signature(
        context):
    html = compose(letter(language="both", note="Mi hija nació aquí."))
    spanish, english = html.split('<article class="letter letter-translation" lang="en">')
    assert '<article class="letter" lang="es">' in spanish
    assert english.lstrip().startswith('<h3 class="translation-heading">English translation</h3>')
    order = [spanish.index(text) for text in (
        "wrote to you in Spanish. An English translation follows.", "1 Pine St", "28 de noviembre de 2026",
        "Concejala Teresa Mosqueda", "Estimada concejala Mosqueda:", "Mi hija nació aquí.", "Atentamente,",
        'class="signature-line"', "Residente de Burien")]
    assert order == sorted(order)
    assert "Dear Councilmember Mosqueda:" in english and "Sincerely," in english
    # Once each: the sender, the date, the recipient, the note, the signature.
    for once in ("1 Pine St", "2026", "516 Third Avenue", "Mi hija nació aquí.", 'class="signature-line"',
                 'class="letter-signature"', "Resident"):
        assert html.count(once) == 1, once
    assert "not translated" in english


@pytest.mark.parametrize("language, top", [
    ("es", "A constituent of District 8 wrote to you in Spanish.</p>"),
    ("both", "A constituent of District 8 wrote to you in Spanish. An English translation follows.</p>"),
])
def test_a_letter_in_spanish_first_tells_the_official_in_english(context, language, top):
    html = compose(letter(language=language))
    first = html.split("<p", 2)[1]
    assert first.startswith(' class="letter-language-note" lang="en">' + top), first


def test_an_english_letter_has_no_language_line(context):
    assert "letter-language-note" not in compose(letter(language="en"))


@pytest.mark.parametrize("language, note_language", [("en", "en"), ("es", "es"), ("both", "es")])
def test_the_personal_note_is_marked_with_its_language(context, language, note_language):
    html = compose(letter(language=language, note="Mis vecinos.\n\nMi barrio."))
    assert html.count('<div class="personal-note"') == 1
    assert f'<div class="personal-note" lang="{note_language}">' in html


@pytest.mark.parametrize("language, district", [("en", "Councilmember Teresa Mosqueda, District 8"),
                                                ("es", "Concejala Teresa Mosqueda, Distrito 8")])
def test_the_recipient_block_names_the_council_once(context, language, district):
    recipient = dict(RECIPIENT, postal_address_lines=["Metropolitan King County Council", "King County Courthouse",
                                                      "516 Third Avenue, Room 1200", "Seattle, WA 98104"])
    html = compose(letter(language=language, recipient=recipient))
    block = html.split('<div class="letter-recipient">', 1)[1].split("</div>", 1)[0]
    assert " ".join(block.split()).startswith(district + "<br> Metropolitan King County Council<br>")
    assert block.count("King County Council") + block.count("Consejo del Condado") == 1
    # An address that does not name the council gets it named once, with the district.
    other = compose(letter(language=language))
    block = other.split('<div class="letter-recipient">', 1)[1].split("</div>", 1)[0]
    assert block.count("King County Council, District 8") + block.count("Consejo del Condado de King, Distrito 8") == 1


FACTS = {
    "en": ["fingerprints of anyone booked into a jail are checked against DHS immigration databases",
           "ICE is notified automatically, even if the person has not been convicted of anything",
           "in 2021, University of Washington Center for Human Rights reports documented violations of the Keep "
           "Washington Working Act in several counties"],
    "es": ["huellas digitales de toda persona que entra detenida a una cárcel se comparan con las bases de datos "
           "de inmigración del DHS", "ICE recibe un aviso automático, aunque no haya sido condenada por nada",
           "en 2021, el Centro de Derechos Humanos de la Universidad de Washington documentó violaciones de la ley "
           "Keep Washington Working en varios condados",
           "Con la Ordenanza 17886 (2014), el condado dejó de cumplir las solicitudes civiles de retención de ICE"],
}
SOURCES = ["17706 (2013)", "17886 (2014)", "18665 (2018)", "RCW 10.93.160", "2025-0216"]


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_letter_says_what_secure_communities_does_and_why_to_report_publicly_citing_its_sources(
        context, language):
    text = " ".join(re.sub(r"<[^>]+>", "", compose(letter(language=language))).split())  # as read
    for fact in FACTS[language] + SOURCES:
        assert fact in text, fact
    assert "Condado de king" not in text and "condado de King" not in text  # "Condado de King", capitalised


def test_blank_letters_have_lines_labelled_in_both_languages_and_no_date_or_name(context):
    html = " ".join(compose(letter(language="es", blank=True, name="", street="", city="", zip="")).split())
    for label in ("Nombre / Name", "Dirección / Address", "Ciudad / City", "Código postal / ZIP",
                  "Teléfono (opcional) / Phone (optional)", "Sus propias palabras (opcional) / Your own words",
                  "Fecha / Date", "Firma / Signature"):
        assert html.count(label) == 1, label
    assert "2026" not in html and "Residente" not in html
    english = compose(letter(language="en", blank=True, name="", street="", city="", zip=""))
    assert "Name / Nombre" in english and "Signature / Firma" in english


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
    sender = with_phone.split('<div class="letter-sender">', 1)[1].split("</div>", 1)[0]
    assert " ".join(sender.split()).endswith("Burien, WA 98166<br> 206-555-0100")
    assert with_phone.count("206-555-0100") == 1
    without = compose(letter(language=language))
    assert "<br>\n    \n" not in without
    assert without.count("<br>") == with_phone.count("<br>") - 1
