"""The Spanish words, checked where supporters read them: the compiled catalog the pages, emails and
PDFs are translated with, and the Spanish prose templates (the letter, the landing-page explainer).

House terms: "por correo postal" or "por correo electrónico", never a bare "por correo"; "Condado de
King" written one way; "toque el botón", never "haga clic"; "se enviará en breve", never "está en fila".
A title inside a sentence takes its article: "el concejal Barón", "la concejala Mosqueda"."""

import csv
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from actiontool.config import TEMPLATES, TRANSLATIONS
from actiontool.officials import official_in_text, spanish_article, title_in_sentence

ROOT = Path(__file__).resolve().parent.parent
PO = TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
TAG = re.compile(r"<[^>]+>")
ADDED_TAGS_ALLOWED = {'<span lang="en">', "</span>"}  # a translation may mark English words, nothing else

# What a Spanish text must never say, and why.
NEVER = [
    (re.compile(r"\bpor correo\b(?! (?:postal|electrónico)\b)", re.IGNORECASE),
     'a bare "por correo": say "por correo postal" or "por correo electrónico"'),
    (re.compile(r"\b(?:haga|hacer|haz|hagan|dé|de) clic", re.IGNORECASE), 'say "toque" (phones), not "haga clic"'),
    (re.compile(r"\ben fila\b", re.IGNORECASE), 'say "se enviará en breve", not "está en fila"'),
]
KING_COUNTY = re.compile(r"\bcondado\s+de\s+king\b", re.IGNORECASE)


def forms(value):
    """A message's text, or each of its plural forms."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


@pytest.fixture(scope="module")
def compiled():
    """The Spanish catalog as the app loads it (conftest compiles it when the .po is newer)."""
    with MO.open("rb") as source:
        return read_mo(source)


@pytest.fixture(scope="module")
def source_catalog():
    with PO.open("rb") as source:
        return read_po(source, locale="es")


def spanish_templates():
    """Every Spanish prose template: templates/**/*.es.html."""
    return sorted(TEMPLATES.rglob("*.es.html"))


def text_of_template(path):
    """The words of a template as a reader meets them: no Jinja comments, no tags, one space between words."""
    source = re.sub(r"\{#.*?#\}", " ", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    return " ".join(TAG.sub("", source).split())


def catalog_texts(compiled):
    """(msgid, Spanish text) for every translated form in the compiled catalog."""
    for message in compiled:
        if message.id:
            for text in forms(message.string):
                yield forms(message.id)[0], " ".join(TAG.sub("", text).split())


def wrong_words(text):
    """What in `text` breaks the house terms (empty when nothing does)."""
    found = [f"{match.group(0)!r}: {why}" for pattern, why in NEVER for match in pattern.finditer(text)]
    found += [f'{match.group(0)!r}: write "Condado de King"' for match in KING_COUNTY.finditer(text)
              if match.group(0) != "Condado de King"]
    return found


def test_every_catalog_entry_is_translated_not_fuzzy_and_compiled(source_catalog, compiled):
    fuzzy = [m.id for m in source_catalog if m.id and m.fuzzy]
    untranslated = [m.id for m in source_catalog if m.id and not all(forms(m.string))]
    in_compiled = {forms(m.id)[0] for m in compiled if m.id and all(forms(m.string))}
    missing = [m.id for m in source_catalog if m.id and forms(m.id)[0] not in in_compiled]
    assert fuzzy == []
    assert untranslated == []
    assert missing == [], "entries left out of the compiled catalog (untranslated or fuzzy)"


def test_catalog_says_por_correo_postal_or_electronico_condado_de_king_toque_and_en_breve(compiled):
    problems = [(msgid, problem) for msgid, text in catalog_texts(compiled) for problem in wrong_words(text)]
    assert problems == []


@pytest.mark.parametrize("template", spanish_templates(), ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_spanish_templates_say_por_correo_postal_or_electronico_condado_de_king_toque_and_en_breve(template):
    assert wrong_words(text_of_template(template)) == []


def test_translations_keep_every_placeholder_and_the_markup_of_their_msgid(compiled):
    for message in compiled:
        if not message.id:
            continue
        original = forms(message.id)[-1]
        for translation in forms(message.string):
            assert sorted(PLACEHOLDER.findall(translation)) == sorted(PLACEHOLDER.findall(original)), message.id
            tags = TAG.findall(translation)
            for tag in TAG.findall(original):
                assert tag in tags, (message.id, tag)
                tags.remove(tag)
            assert set(tags) <= ADDED_TAGS_ALLOWED, (message.id, tags)


class _EnglishOutsideLangEn(HTMLParser):
    """Finds the given English names in text that is not inside an element with lang="en"."""

    VOID = {"br", "img", "hr", "input", "meta", "link", "wbr"}

    def __init__(self, names):
        super().__init__(convert_charrefs=True)
        self.names, self.langs, self.found = names, [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.langs.append(dict(attrs).get("lang"))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.langs:
            self.langs.pop()

    def handle_data(self, data):
        language = next((lang for lang in reversed(self.langs) if lang), "es")
        if language != "en":
            self.found += [name for name in self.names if name in data]


ENGLISH_NAMES = ["Secure Communities", "Keep Washington Working", "The Seattle Times", "The Columbian"]


@pytest.mark.parametrize("template", spanish_templates(), ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_english_names_in_spanish_templates_are_marked_lang_en(template):
    source = re.sub(r"\{#.*?#\}", " ", template.read_text(encoding="utf-8"), flags=re.DOTALL)
    parser = _EnglishOutsideLangEn(ENGLISH_NAMES)
    parser.feed(source)
    assert parser.found == []


@pytest.mark.parametrize("title, article", [
    ("Concejal", "el"), ("Concejala", "la"), ("concejala", "la"),
    ("Ejecutivo del Condado", "el"), ("Ejecutiva del Condado", "la"), ("Presidenta del Consejo", "la"),
    ("la Representante", "la"), ("El Fiscal", "el"), ("", ""), (None, ""), ("  ", ""),
])
def test_spanish_article_agrees_with_the_first_word_of_the_title(title, article):
    assert spanish_article(title) == article


def roster_rows():
    with (ROOT / "officials.csv").open(encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source))


@pytest.mark.parametrize("row", roster_rows(), ids=lambda row: row["name"])
def test_article_agrees_with_the_rosters_own_spanish_salutation(row):
    # "Estimado concejal Barón:" goes with "el", "Estimada concejala Mosqueda:" with "la".
    expected = {"Estimado": "el", "Estimada": "la"}[row["salutation_es"].split()[0]]
    assert spanish_article(row["title_es"]) == expected


@pytest.mark.parametrize("title, language, text", [
    ("Concejal", "es", "el concejal"), ("Concejala", "es", "la concejala"),
    ("Ejecutiva del Condado", "es", "la ejecutiva del Condado"), ("la Representante", "es", "la representante"),
    ("", "es", ""), ("Councilmember", "en", "Councilmember"), (" Councilmember ", "en", "Councilmember"),
])
def test_a_title_inside_a_sentence_takes_its_article_in_spanish(title, language, text):
    # What the page strings with %(title)s %(name)s are given: "Su carta para el concejal Jorge L. Barón."
    assert title_in_sentence(title, language) == text


@pytest.mark.parametrize("title, name, language, text", [
    ("Concejal", "Jorge L. Barón", "es", "el concejal Jorge L. Barón"),
    ("Concejala", "Teresa Mosqueda", "es", "la concejala Teresa Mosqueda"),
    ("la Representante", "Ana Ruiz", "es", "la representante Ana Ruiz"),
    ("", "Ana Ruiz", "es", "Ana Ruiz"),
    ("Councilmember", "Jorge L. Barón", "en", "Councilmember Jorge L. Barón"),
    ("", "Ana Ruiz", "en", "Ana Ruiz"),
])
def test_an_official_in_a_sentence_has_the_title_with_its_article(title, name, language, text):
    assert official_in_text(title, name, language) == text
