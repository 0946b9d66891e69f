"""Both languages, always: the Spanish catalog is complete, current and consistent."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "translations" / "es" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHODS = [("actiontool/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def source_messages():
    """Every UI string in the code and templates, extracted as `make catalog` does."""
    return {message for _, _, message, _, _ in
            extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS)}


@pytest.fixture(scope="module")
def catalog():
    with CATALOG.open("rb") as source:
        return read_po(source, locale="es")


def test_catalog_is_current_with_the_source(catalog):
    in_source = source_messages()
    in_catalog = {m.id for m in catalog if m.id}
    assert not in_source - in_catalog, "run `make catalog`: strings missing from the catalog"
    assert not in_catalog - in_source, "run `make catalog`: the catalog has stale strings"


def forms(value):
    """A message's text, or each of its plural forms."""
    return value if isinstance(value, tuple) else (value,)


def test_every_string_has_a_spanish_translation(catalog):
    untranslated = [m.id for m in catalog if m.id and not all(forms(m.string))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_translations_keep_every_placeholder(catalog):
    for message in catalog:
        if message.id:
            expected = sorted(PLACEHOLDER.findall(forms(message.id)[-1]))
            for translation in forms(message.string):
                assert sorted(PLACEHOLDER.findall(translation)) == expected, message.id


def test_every_prose_template_exists_in_both_languages():
    for folder in ("letters", "about"):
        english = {p.name.replace(".en.", ".") for p in (ROOT / "templates" / folder).glob("*.en.html")}
        spanish = {p.name.replace(".es.", ".") for p in (ROOT / "templates" / folder).glob("*.es.html")}
        assert english and english == spanish
