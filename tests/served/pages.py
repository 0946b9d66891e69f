"""Reading what the served app answers, as a person would: pages, PDFs, emails, in either language."""

import html
import io
import re
import secrets
import string
from urllib.parse import urlsplit

import pypdf
from babel.support import Translations

from actiontool.config import TRANSLATIONS

LANGUAGES = ["en", "es"]
CATALOGS = {"es": Translations.load(str(TRANSLATIONS), ["es"])}


def say(lang, msgid, plural=None, **values):
    """What the app shows for `msgid` in `lang` (Spanish must be translated), values filled in."""
    if lang == "en":
        shown = plural if plural and values.get("num") != 1 else msgid
    else:
        catalog = CATALOGS[lang]
        shown = catalog.ngettext(msgid, plural, values["num"]) if plural else catalog.gettext(msgid)
        assert shown != msgid, f"{msgid!r} has no {lang} translation"
    return shown % values if values else shown


def before_value(lang, msgid):
    """The fixed start of a message that ends with a value (a date): what can be looked for."""
    return say(lang, msgid).split("%(")[0]


def visible(response):
    """A page as a reader sees it: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def pdf_text(data):
    """Every page's text, whitespace collapsed (the bytes must be a PDF)."""
    assert data.startswith(b"%PDF-"), data[:20]
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def redirect_path(response):
    """Where a redirect sends the browser: path and query."""
    assert response.status_code in (302, 303), f"expected a redirect, got {response.status_code}"
    location = urlsplit(response.headers["Location"])
    return location.path + (f"?{location.query}" if location.query else "")


def hidden(response, name):
    """The value of the hidden field `name` on a page."""
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*\bvalue="([^"]*)"', response.text)
    assert match, f"no hidden field {name}"
    return html.unescape(match.group(1))


def plain_text(message):
    """An email's plain-text part, decoded."""
    return message.get_body(preferencelist=("plain",)).get_content()


def run_id():
    """Six letters that make one test's names, emails and notes its own."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(6))
