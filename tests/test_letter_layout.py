"""The printed letter's layout, read back out of real WeasyPrint PDFs with pypdf: how many pages, where
the signature block falls, how big the text is, and what a letter in Spanish tells the official first.

Every letter here is as long as the forms allow: the longest name, street, city and phone a signer may
type, the official with the longest name and address in officials.csv, and a 600-character note (or
the longest note the form takes).
"""

import csv
import datetime as dt
import io

import pypdf
import pytest
from wtforms.validators import Length

from actiontool.forms import EventSignerForm, LetterForm
from actiontool.letters.content import NOTE_MAX_LENGTH, compose
from actiontool.mail.emails import to_official
from actiontool.models import Official
from actiontool.officials import recipient_snapshot
from actiontool.printing.batch import blank_letters
from actiontool.printing.pdf import letter_pdf
from tests.helpers import ROOT

INCH = 72  # PDF points
CLOSING = {"en": "Sincerely,", "es": "Atentamente,"}
PLACE = {"en": "Resident of ", "es": "Residente de "}
SPANISH_LINE = "A constituent of District {district} wrote to you in Spanish."
TRANSLATION_FOLLOWS = "An English translation follows."


def form_limit(field):
    """The most characters a form field takes (its Length validator)."""
    return next(v.max for v in field.kwargs["validators"] if isinstance(v, Length))


def filled(text, length):
    """`text` repeated (words and spaces, as people type) to exactly `length` characters."""
    out = (text * (length // len(text) + 1))[:length]
    return out[:-1] + "x" if out.endswith(" ") else out


def longest_official():
    """The councilmember whose recipient block is longest: its title, name and postal address."""
    rows = [row for row in csv.DictReader((ROOT / "officials.csv").open(encoding="utf-8"))
            if row["office"] == "councilmember"]  # letters go to councilmembers only
    row = max(rows, key=lambda r: len(r["title_es"] + r["name"] + r["postal_address"] + r["salutation_es"]))
    fields = ("office", "name", "title_en", "title_es", "salutation_en", "salutation_es", "email", "phone",
              "postal_address")
    return recipient_snapshot(Official(district=row["district"] or None, **{k: row[k] for k in fields}))


NOTE_600 = filled("Mi familia llegó a Burien hace veinte años y aquí crecieron mis hijos. ", 600)
NOTE_LONGEST = filled("Nuestros vecinos deben poder llamar a la policía sin miedo. ", NOTE_MAX_LENGTH)


def longest_letter(language, note=NOTE_600):
    recipient = longest_official()
    return {
        "name": filled("María de los Ángeles Fernández-Villaseñor ", form_limit(LetterForm.name)),
        "street": filled("12345 Southwest Martin Luther King Junior Way, Apt 6 ", form_limit(LetterForm.street)),
        "city": filled("Saint Something Very Long City Name ", form_limit(LetterForm.city)),
        "zip": "98166", "phone": filled("+1 (206) 555-0100 ext 12345 ", form_limit(EventSignerForm.phone)),
        "note": note, "language": language, "recipient": recipient, "district": recipient["district"],
        "created_at": dt.datetime(2026, 11, 29, 3, 0), "email": "ana@example.org", "id": 1, "wants_copy": False,
    }


class Text:
    """One run of text drawn on a page: its page, its height on the page (points from the bottom),
    its size in points as printed, and the text."""

    def __init__(self, page, y, size, text):
        self.page, self.y, self.size, self.text = page, y, size, text

    def __repr__(self):
        return f"Text(page={self.page}, y={self.y:.1f}, size={self.size:.2f}, {self.text[:30]!r})"


def read_pdf(pdf_bytes):
    """(pages, texts, rules): each page's text; every text run in drawing order; and each page's
    horizontal rules as (page, y, length) in points, from the drawing operators."""
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
    texts, rules, pages = [], [], []
    for number, page in enumerate(reader.pages):
        start = []

        def on_text(text, cm, tm, font, size, number=number):
            if text.strip():
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                texts.append(Text(number, y, size * abs(tm[3]) * abs(cm[3]), text))

        def on_operator(operator, args, cm, tm, number=number, start=start):
            if operator == b"m":
                start[:] = [float(a) for a in args] + [cm]
            elif operator == b"l" and start:
                (x1, y1, matrix), (x2, y2) = (start[0], start[1], start[2]), map(float, args)
                if abs(y1 - y2) < 0.01:
                    rules.append((number, y1 * matrix[3] + matrix[5], abs(x2 - x1) * abs(matrix[0])))
                start.clear()

        pages.append(" ".join(page.extract_text(visitor_text=on_text, visitor_operand_before=on_operator).split()))
    return pages, texts, rules


def first(texts, needle, after=None):
    """The first text run holding `needle` (after the run `after`, if given)."""
    begin = texts.index(after) + 1 if after else 0
    found = next((t for t in texts[begin:] if needle in t.text), None)
    assert found is not None, f"{needle!r} not printed: {texts}"
    return found


@pytest.fixture
def context(app):
    with app.test_request_context():
        yield


def render(letter):
    return letter_pdf(letter, compose(letter))


# --- how many pages -------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_one_language_letter_with_a_600_character_note_and_the_longest_names_fits_one_page(context, language):
    letter = longest_letter(language)
    assert len(letter["note"]) == 600 and len(letter["name"]) == 100 and len(letter["street"]) == 200
    pages, _, _ = read_pdf(render(letter))
    assert len(pages) == 1, pages
    assert " ".join(letter["note"].split()) in pages[0]


def test_a_letter_in_both_languages_is_the_signed_spanish_letter_then_its_translation_on_page_two(context):
    pages, texts, _ = read_pdf(render(longest_letter("both")))
    assert len(pages) == 2, pages
    assert CLOSING["es"] in pages[0] and "Estimado concejal" in pages[0]
    assert pages[1].startswith("English translation Dear Councilmember"), pages[1][:80]
    # One sender, one date, one recipient, one signature: the translation repeats none of them.
    assert "Metropolitan King County Council" not in pages[1] and "2026" not in pages[1]
    assert "12345 Southwest" not in pages[1] and PLACE["en"] not in pages[1]


# --- the signature block --------------------------------------------------------------------


# Notes from 600 characters to the longest: the page break falls before, inside and after the
# signature block in turn.
NOTE_LENGTHS = [*range(600, 1300, 100), NOTE_MAX_LENGTH]


@pytest.mark.parametrize("language", ["en", "es", "both"])
@pytest.mark.parametrize("length", NOTE_LENGTHS)
def test_closing_signature_line_name_and_place_stay_together_in_order(context, language, length):
    letter = longest_letter(language, filled(NOTE_600, length))
    _, texts, rules = read_pdf(render(letter))
    signer = letter["name"][:20]
    closing = first(texts, CLOSING["es" if language != "en" else "en"])
    name = first(texts, signer, after=closing)
    place = first(texts, PLACE["es" if language != "en" else "en"], after=name)
    thanks = texts[texts.index(closing) - 1]

    assert closing.page == name.page == place.page == thanks.page, (closing, name, place)
    assert thanks.y > closing.y > name.y > place.y  # top to bottom: thanks, closing, name, place
    assert closing.y - place.y < 2 * INCH, "the signature block is spread out"
    # The signature line: a 3-inch rule between the closing and the name, with room to sign above it.
    [line] = [r for r in rules if r[0] == closing.page and name.y < r[1] < closing.y and 200 < r[2] < 230]
    assert closing.y - line[1] >= 0.25 * INCH
    # Never alone on its page: some of the letter above it comes along.
    assert any(t.page == closing.page and t.y > thanks.y for t in texts), "the signature block is alone"


def test_a_note_too_long_for_one_page_takes_its_end_over_with_the_whole_signature_block(context):
    _, texts, _ = read_pdf(render(longest_letter("en", NOTE_LONGEST)))
    closing = first(texts, CLOSING["en"])
    page_two = [t for t in texts if t.page == 1]
    assert closing.page == 1
    assert page_two[0].text.split()[0] in NOTE_LONGEST, page_two[0]


# --- the text -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es", "both", "blank"])
def test_every_line_of_the_letter_is_printed_at_11_points_or_more(context, language):
    if language == "blank":
        letter = blank_letters(longest_official(), longest_official()["district"], "both", 1)[0]
    else:
        letter = longest_letter(language)
    _, texts, _ = read_pdf(render(letter))
    assert texts
    assert min(t.size for t in texts) >= 11 - 0.01, min(texts, key=lambda t: t.size)


@pytest.mark.parametrize("language, top", [
    ("es", SPANISH_LINE), ("both", SPANISH_LINE + " " + TRANSLATION_FOLLOWS)])
def test_a_letter_in_spanish_opens_with_an_english_line_for_the_official(context, language, top):
    letter = longest_letter(language)
    pages, texts, _ = read_pdf(render(letter))
    expected = top.format(district=letter["district"])
    assert pages[0].startswith(expected), pages[0][:120]
    assert texts[0].page == 0 and texts[0].y == max(t.y for t in texts if t.page == 0)


def test_an_english_letter_has_no_such_line(context):
    pages, _, _ = read_pdf(render(longest_letter("en")))
    assert "wrote to you in Spanish" not in pages[0]
    assert pages[0].startswith("María de los Ángeles")


@pytest.mark.parametrize("language, note_language", [("en", "en"), ("es", "es"), ("both", "es")])
def test_the_note_carries_its_language_in_the_pdf_and_the_email_to_the_official(context, language,
                                                                                  note_language):
    letter = longest_letter(language)
    html = compose(letter)
    assert html.count('class="personal-note"') == 1
    assert f'<div class="personal-note" lang="{note_language}">' in html
    # The PDF's language is the note's: WeasyPrint writes the document's language, not an element's.
    reader = pypdf.PdfReader(io.BytesIO(render(letter)))
    assert reader.trailer["/Root"]["/Lang"] == note_language
    settings = {"secret": "x", "mail_from": "letters@campaign.test", "domain": "campaign.test",
                "campaign": "Campaign", "confirmation_days": 7}
    message = to_official(letter, html, settings, dt.datetime(2026, 11, 29, tzinfo=dt.timezone.utc))
    text_part, html_part = (part.get_payload(decode=True).decode() for part in message.get_payload())
    assert f'<div class="personal-note" lang="{note_language}">' in html_part
    assert " ".join(NOTE_600.split()[:8]) in " ".join(text_part.split())


# --- blank letters for people who sign on paper ---------------------------------------------


@pytest.mark.parametrize("language, labels", [
    ("es", ["Nombre / Name", "Dirección / Address", "Ciudad / City", "Código postal / ZIP",
            "Teléfono (opcional) / Phone (optional)", "Fecha / Date", "Firma / Signature"]),
    ("en", ["Name / Nombre", "Address / Dirección", "City / Ciudad", "ZIP / Código postal",
            "Phone (optional) / Teléfono (opcional)", "Date / Fecha", "Signature / Firma"]),
])
def test_blank_letters_label_every_line_in_both_languages_and_fit_one_page(context, language, labels):
    recipient = longest_official()
    [letter] = blank_letters(recipient, recipient["district"], language, 1)
    pages, _, rules = read_pdf(render(letter))
    assert len(pages) == 1, pages
    for label in labels:
        assert pages[0].count(label) == 1, (label, pages[0][:400])
    assert len([r for r in rules if r[2] > INCH]) >= 8  # a line to write on beside every label


def test_a_blank_letter_in_both_languages_is_two_pages_with_one_set_of_lines(context):
    recipient = longest_official()
    [letter] = blank_letters(recipient, recipient["district"], "both", 1)
    pages, _, _ = read_pdf(render(letter))
    assert len(pages) == 2
    assert "Firma / Signature" in pages[0] and "/ Name" not in pages[1] and "Signature" not in pages[1]
