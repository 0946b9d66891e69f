"""Community events, as a canvasser: events, signers one by one or from a sign-up sheet, and print runs.

Everything goes through the real app: pages opened and forms sent back with their CSRF token,
the fake Census geocoder and county layer on loopback ports, the loopback SMTP server, and
`actiontool worker --once` through the CLI for email and print jobs. PDFs are checked by the text
pypdf extracts from them.
"""

import datetime as dt
import html
import io
import re

import pypdf
import pytest
from flask_babel import force_locale, gettext, ngettext

from actiontool.canvassing.sheets import read_signers
from actiontool.models import Event, Letter, LetterStatus, OutboxMessage, PrintJob, SheetRow, db, utcnow
from tests.helpers import HOME, TWO_DISTRICTS, TWO_SAME_DISTRICT, UNKNOWN, csrf_token, run_worker, submit_letter

# Sheets made before the agreement column still read (a missing agreement is a no).
EN_HEADER = "name,street,city,zip,language,email,phone,note,district"
ES_HEADER = "nombre,calle,ciudad,codigo_postal,idioma,correo,telefono,nota,distrito"
# The blank sheets handed out now.
EN_TEMPLATE = "name,street,city,zip,language,email,agrees_to_email,phone,note,district"
ES_TEMPLATE = "nombre,calle,ciudad,codigo_postal,idioma,correo,acepta_correo,telefono,nota,distrito"

# The shipped roster (officials.csv): district -> (name, English salutation, Spanish salutation).
OFFICIALS = {
    "1": ("Rod Dembowski", "Dear Councilmember Dembowski:", "Estimado concejal Dembowski:"),
    "3": ("Sarah Perry", "Dear Councilmember Perry:", "Estimada concejala Perry:"),
    "4": ("Jorge L. Barón", "Dear Councilmember Barón:", "Estimado concejal Barón:"),
    "5": ("Steffanie Fain", "Dear Councilmember Fain:", "Estimada concejala Fain:"),
    "6": ("Claudia Balducci", "Dear Councilmember Balducci:", "Estimada concejala Balducci:"),
    "7": ("Pete von Reichbauer", "Dear Councilmember von Reichbauer:", "Estimado concejal von Reichbauer:"),
    "8": ("Teresa Mosqueda", "Dear Councilmember Mosqueda:", "Estimada concejala Mosqueda:"),
    "9": ("Reagan Dunn", "Dear Councilmember Dunn:", "Estimado concejal Dunn:"),
    "2": ("Rhonda Lewis", "Dear Councilmember Lewis:", "Estimada concejala Lewis:"),
}
BARON_EMAIL = "Jorge.Baron@kingcounty.gov"
SPANISH_SALUTATIONS = {es for _name, _en, es in OFFICIALS.values()}
# A letter in Spanish starts with a line in English that tells the official so, before the sender's name.
SPANISH_LINE = re.compile(r"(?:A constituent of District \d+|A King County resident) wrote to you in Spanish\."
                          r"(?: An English translation follows\.)? ")
TRANSLATION_FOLLOWS = "An English translation follows."
# The English translation of a letter in both languages: the same letter, on a page of its own.
TRANSLATION_HEADING = "English translation "
# A blank letter starts with lines to fill in, labelled in both languages, the letter's own language first.
BLANK_EN, BLANK_ES = "Name / Nombre", "Nombre / Name"
BLANK_LETTERS = [BLANK_EN, BLANK_ES]


# ---------------------------------------------------------------------------
# Helpers (accounts, forms, pages)
# ---------------------------------------------------------------------------


@pytest.fixture
def es(app):
    """msgid -> the Spanish the app shows for it (failing if it is not translated)."""

    def translate(msgid, plural=None, num=None, **values):
        def in_language(lang):
            with app.test_request_context("/"), force_locale(lang):
                return ngettext(msgid, plural, num, **values) if plural else gettext(msgid, **values)

        shown = in_language("es")
        assert shown != in_language("en"), f"{msgid!r} has no Spanish translation"
        return shown

    return translate


def text(response):
    """The page's HTML with entities decoded (so quotes and accents read as typed)."""
    return html.unescape(response.get_data(as_text=True))


def visible(response):
    """The page's text without tags, whitespace collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(body).split())


def send_form(client, page_url, action, data, **kwargs):
    """Open `page_url`, then post `data` to `action` with the page's CSRF token, as a browser does."""
    page = client.get(page_url)
    assert page.status_code == 200, page.status_code
    return client.post(action, data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))}, **kwargs)


def create_event(client, name="Fiesta del barrio", date="2026-11-28", place="El Centro de la Raza"):
    response = send_form(client, "/staff/events", "/staff/events", {"name": name, "date": date, "place": place})
    assert response.status_code == 302, visible(response)
    match = re.fullmatch(r"/staff/events/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def signer(**fields):
    values = {"name": "Zoe Adams", **HOME, "letter_language": "en", "email": "", "note": ""}
    values.update(fields)
    return values


def add_signer(client, event_id, **fields):
    """One signer entered on the event page; returns the answer (a redirect when saved)."""
    url = f"/staff/events/{event_id}"
    return send_form(client, url, url, signer(**fields))


def saved(response, event_id):
    assert response.status_code == 302, visible(response)
    assert response.headers["Location"] == f"/staff/events/{event_id}?added=1#next"


def signer_rows(response):
    """The signers table as (name, district, letter language, by email), as shown (newest first)."""
    page = response.get_data(as_text=True)
    table = page.split('id="signers"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td></tr>", table)
    return [tuple(html.unescape(cell) for cell in row) for row in rows]


def checked(response, name):
    """The value of the checked radio button `name` (None if none is)."""
    for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', response.get_data(as_text=True)):
        if re.search(r"\schecked(\s|>|=)", tag):
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


def input_value(response, field_id):
    tag = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', response.get_data(as_text=True))
    assert tag, f"no input #{field_id}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else ""


def field_errors(response, field_id):
    """The messages shown under one field (its <ul id="<field>-errors">)."""
    block = re.search(rf'<ul class="field-errors" id="{field_id}-errors">(.*?)</ul>',
                      response.get_data(as_text=True), re.S)
    return [html.unescape(m) for m in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)] if block else []


def letters_of_event(app, event_id):
    with app.app_context():
        return [(letter.name, letter.district, letter.language, letter.status, letter.ui_language)
                for letter in db.session.scalars(db.select(Letter).where(Letter.event_id == event_id)
                                                 .order_by(Letter.id))]


def upload(client, event_id, content, filename="sheet.csv"):
    """Send a sign-up sheet (bytes), or no file at all when `content` is None."""
    url = f"/staff/events/{event_id}"
    page = client.get(url)
    data = {"csrf_token": csrf_token(page.get_data(as_text=True))}
    if content is not None:
        data["file"] = (io.BytesIO(content), filename)
    response = client.post(f"{url}/upload", data=data, content_type="multipart/form-data")
    if response.status_code == 303:  # saved: back to the event page (a reload cannot add the sheet twice)
        assert response.headers["Location"].startswith(f"{url}?sheet_added="), response.headers["Location"]
        return client.get(response.headers["Location"])
    return response


def rows_to_fix(response):
    """The "Rows to fix" table as (line, name, what to fix), as shown."""
    page = response.get_data(as_text=True)
    if 'id="rows-to-fix"' not in page:
        return []
    table = page.split('id="rows-to-fix"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>", table, re.S)
    return [(int(line), html.unescape(name), html.unescape(problems)) for line, name, problems in rows]


def fix_links(response):
    """line -> the URL of the page that fixes that sheet row."""
    return {int(line): url for url, line in
            re.findall(r'<a href="(/staff/events/\d+/rows/\d+)">Fix line (\d+)</a>', response.get_data(as_text=True))}


def start_print(client, event_id):
    """Press "Print every letter" on the event page; returns the print job's token."""
    url = f"/staff/events/{event_id}"
    response = send_form(client, url, f"{url}/print", {})
    assert response.status_code == 302, response.status_code
    match = re.fullmatch(r"/staff/prints/([\w-]+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def job_token(response):
    assert response.status_code == 302, visible(response)
    match = re.fullmatch(r"/staff/prints/([\w-]+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def download(client, token):
    response = client.get(f"/staff/prints/{token}.pdf")
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    return response.data


# ---------------------------------------------------------------------------
# Helpers (reading the printed PDF)
# ---------------------------------------------------------------------------


def pdf_pages(data):
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def spanish_line(page):
    """The English line a letter in Spanish starts with ("" if none), and the rest of the page."""
    match = SPANISH_LINE.match(page)
    return (match.group(0).strip(), page[match.end():]) if match else ("", page)


def pdf_sections(data, senders):
    """The PDF as a list of ("cover", text), ("letter", text) and ("translation", text) sections, in page order.

    A cover sheet starts with "Letters for" (or "Cartas para"). A letter starts on a new page with its
    sender's name (a blank letter with its first label, BLANK_EN or BLANK_ES), after the English line if
    it is in Spanish. The English translation of a letter in both languages starts on a new page with
    the heading "English translation", right after its letter. Any other page continues the section
    before it.
    """
    sections = []
    for page in pdf_pages(data):
        line, rest = spanish_line(page)
        if page.startswith(("Letters for ", "Cartas para ")):
            sections.append(["cover", page])
        elif any(rest.startswith(name) for name in senders):
            sections.append(["letter", page])
        elif page.startswith(TRANSLATION_HEADING):
            assert sections and sections[-1][0] == "letter", f"a translation without its letter: {page[:80]!r}"
            sections.append(["translation", page])
        else:
            assert not line, f"a letter in Spanish from none of {senders}: {page[:120]!r}"
            assert sections, f"the PDF starts with neither a cover nor a letter: {page[:80]!r}"
            sections[-1][1] += " " + page
    return sections


def salutation_in(section_text):
    found = [s for _name, en, es in OFFICIALS.values() for s in (en, es) if s in section_text]
    assert len(found) == 1, f"expected one salutation, found {found}: {section_text[:200]!r}"
    return found[0]


def summary(data, senders):
    """Each section in order: ("cover", official, count text), ("letter", sender, salutation), or
    ("translation", the sender of the letter it translates, salutation).

    Checks on the way that the English line is on every letter in Spanish and only there, and that it
    announces a translation exactly when one follows.
    """
    out = []
    sections = pdf_sections(data, senders)
    for index, (kind, body) in enumerate(sections):
        if kind == "cover":
            officials = [name for name, *_ in OFFICIALS.values() if name in body]
            assert len(officials) == 1, body[:200]
            count = re.search(r"(\d+ (?:letters?|cartas?))", body).group(1)
            out.append(("cover", officials[0], count))
        elif kind == "letter":
            line, rest = spanish_line(body)
            sender = next(name for name in senders if rest.startswith(name))
            salutation = salutation_in(body)
            assert bool(line) == (salutation in SPANISH_SALUTATIONS), body[:200]
            translated = index + 1 < len(sections) and sections[index + 1][0] == "translation"
            assert line.endswith(TRANSLATION_FOLLOWS) == translated, body[:200]
            out.append(("letter", sender, salutation))
        else:
            sender = out[-1][1]
            if sender not in BLANK_LETTERS:
                assert f"Sincerely, {sender}" in body, body[-200:]  # the same letter's translation
            out.append(("translation", sender, salutation_in(body)))
    return out


# ---------------------------------------------------------------------------
# Events: creating one, and its errors
# ---------------------------------------------------------------------------


def test_canvasser_creates_an_event_and_it_is_listed_with_its_letter_count(canvasser):
    event_id = create_event(canvasser, name="Fiesta del barrio", date="2026-11-28", place="El Centro de la Raza")
    page = canvasser.get(f"/staff/events/{event_id}")
    assert page.status_code == 200
    assert "<h1>Fiesta del barrio</h1>" in text(page)
    assert "Nov 28, 2026 · El Centro de la Raza · 0 letters" in visible(page)
    assert "No signers yet." in visible(page)
    listing = visible(canvasser.get("/staff/events"))
    assert "Fiesta del barrio · Nov 28, 2026 · El Centro de la Raza · 0 letters" in listing


def test_the_events_list_is_in_spanish_on_a_spanish_page(canvasser, es):
    create_event(canvasser, name="Feria", date="2026-11-28", place="")
    page = visible(canvasser.get("/staff/events?lang=es"))
    assert es("Events") in page and es("Create the event") in page
    assert "Feria · 28 nov 2026 · " + es("%(num)d letter", "%(num)d letters", 0) in page


@pytest.mark.parametrize("data, field, message", [
    ({"name": "", "date": "2026-11-28"}, "name", "Please give the event a name."),
    ({"name": "   ", "date": "2026-11-28"}, "name", "Please give the event a name."),
    ({"name": "x" * 121, "date": "2026-11-28"}, "name", "Please keep this under %(max)d characters."),
    ({"name": "Feria", "date": ""}, "date", "Please enter the date, like 2026-11-28."),
    ({"name": "Feria", "date": "28/11/2026"}, "date", "Please enter the date, like 2026-11-28."),
    ({"name": "Feria", "date": "2026-02-30"}, "date", "Please enter the date, like 2026-11-28."),
    ({"name": "Feria", "date": "2026-11-28", "place": "x" * 201}, "place",
     "Please keep this under %(max)d characters."),
])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_an_event_with_a_bad_field_is_refused_with_its_message_in_the_page_language(
        app, canvasser, es, lang, data, field, message):
    limit = {"name": 120, "place": 200}.get(field)
    expected = message % {"max": limit} if limit else message
    if lang == "es":
        expected = es(message, max=limit) if limit else es(message)
    response = send_form(canvasser, f"/staff/events?lang={lang}", "/staff/events", {"place": "", **data})
    assert response.status_code == 422
    assert expected in field_errors(response, field)
    assert 'aria-invalid="true"' in re.search(rf'<input[^>]*id="{field}"[^>]*>', text(response)).group(0)
    if field != "name" and data["name"].strip():
        assert input_value(response, "name") == data["name"]  # what was typed is kept
    with app.app_context():
        assert db.session.scalars(db.select(Event)).all() == []


def test_events_need_a_signed_in_canvasser_or_staff_member(app, client):
    response = client.get("/staff/events")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


# ---------------------------------------------------------------------------
# Signers one by one
# ---------------------------------------------------------------------------


def test_each_signer_is_saved_and_listed_newest_first(app, canvasser):
    event_id = create_event(canvasser)
    saved(add_signer(canvasser, event_id, name="Zoe Adams"), event_id)
    page = canvasser.get(f"/staff/events/{event_id}?added=1")
    assert "Saved. Next signer, please." in visible(page)
    assert signer_rows(page) == [("Zoe Adams", "4", "English", "—")]
    assert input_value(page, "name") == ""  # a blank row for the next signer

    saved(add_signer(canvasser, event_id, name="Eva Abad", letter_language="es", note="Por mi barrio"), event_id)
    page = canvasser.get(f"/staff/events/{event_id}")
    assert signer_rows(page) == [("Eva Abad", "4", "Spanish", "—"), ("Zoe Adams", "4", "English", "—")]
    assert "2 letters" in visible(page)
    assert letters_of_event(app, event_id) == [
        ("Zoe Adams", "4", "en", LetterStatus.WRITTEN, "en"),
        ("Eva Abad", "4", "es", LetterStatus.WRITTEN, "en"),
    ]
    with app.app_context():
        eva = db.session.scalar(db.select(Letter).where(Letter.name == "Eva Abad"))
        assert eva.note == "Por mi barrio" and eva.recipient["name"] == "Jorge L. Barón"
        assert eva.confirmed_at is None
    assert "Fiesta del barrio" in visible(canvasser.get("/staff/events"))
    assert "2 letters" in visible(canvasser.get("/staff/events"))


@pytest.mark.parametrize("lang, default", [("en", "en"), ("es", "both")])
def test_the_letter_language_starts_at_the_page_language(app, canvasser, lang, default):
    event_id = create_event(canvasser)
    page = canvasser.get(f"/staff/events/{event_id}?lang={lang}")
    assert checked(page, "letter_language") == default
    # The browser sends back what is checked: the letter is saved in that language.
    saved(add_signer(canvasser, event_id, name="Ana López", letter_language=checked(page, "letter_language")),
          event_id)
    assert letters_of_event(app, event_id) == [("Ana López", "4", default, LetterStatus.WRITTEN, lang)]
    # The next row starts at the default again.
    assert checked(canvasser.get(f"/staff/events/{event_id}"), "letter_language") == default


def test_the_event_page_is_in_spanish_after_the_toggle(canvasser, es):
    event_id = create_event(canvasser)
    saved(add_signer(canvasser, event_id), event_id)
    page = canvasser.get(f"/staff/events/{event_id}?lang=es&added=1")
    shown = visible(page)
    assert '<html lang="es">' in text(page)
    for msgid in ("Saved. Next signer, please.", "Save and next", "Print every letter, sorted for delivery",
                  "Sign-up sheet (CSV)", "Add the signers"):
        assert es(msgid) in shown, msgid
    assert es("%(num)d letter", "%(num)d letters", 1) in shown


REQUIRED = {"name": "Please enter your name.", "street": "Please enter your street address.",
            "city": "Please enter your city.", "zip": "Please enter your ZIP code."}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_an_empty_signer_row_shows_each_missing_field(app, canvasser, es, lang):
    event_id = create_event(canvasser)
    canvasser.get(f"/staff/events/{event_id}?lang={lang}")
    response = add_signer(canvasser, event_id, name="", street="", city="", zip="")
    assert response.status_code == 422
    for field, message in REQUIRED.items():
        assert field_errors(response, field) == [message if lang == "en" else es(message)]
    assert letters_of_event(app, event_id) == []


@pytest.mark.parametrize("fields, field, message", [
    ({"zip": "981"}, "zip", "A ZIP code has 5 digits, like 98104."),
    ({"email": "not-an-email"}, "email", "Please enter an email address like name@example.com."),
    ({"name": "x" * 101}, "name", "Please keep this under %(max)d characters."),
])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_bad_signer_field_is_refused_with_its_message_and_the_row_is_kept(
        app, canvasser, es, lang, fields, field, message):
    event_id = create_event(canvasser)
    canvasser.get(f"/staff/events/{event_id}?lang={lang}")
    response = add_signer(canvasser, event_id, note="Mi nota", **fields)
    assert response.status_code == 422
    values = {"max": 100} if "%(max)d" in message else {}
    expected = (message % values) if lang == "en" else es(message, **values)
    assert field_errors(response, field) == [expected]
    assert input_value(response, field) == fields[field]
    assert input_value(response, "city") == HOME["city"]
    assert "Mi nota" in text(response)
    assert letters_of_event(app, event_id) == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_signer_row_without_a_letter_language_asks_for_one(app, canvasser, es, lang):
    event_id = create_event(canvasser)
    canvasser.get(f"/staff/events/{event_id}?lang={lang}")
    response = add_signer(canvasser, event_id, letter_language="")
    assert response.status_code == 422
    message = "Please choose the letter's language."
    assert field_errors(response, "letter_language") == [message if lang == "en" else es(message)]
    assert letters_of_event(app, event_id) == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_zip_outside_king_county_is_an_error_on_the_zip_field(app, canvasser, es, lang):
    event_id = create_event(canvasser)
    canvasser.get(f"/staff/events/{event_id}?lang={lang}")
    response = add_signer(canvasser, event_id, name="Far Away", street="1 Main St", city="Spokane", zip="99201")
    assert response.status_code == 422
    message = ("That ZIP code is not in King County. This letter is for people who live in King County: "
               "please check the ZIP code.")
    assert field_errors(response, "zip") == [message if lang == "en" else es(message)]
    assert input_value(response, "zip") == "99201" and input_value(response, "name") == "Far Away"
    assert letters_of_event(app, event_id) == []


def test_the_signer_form_speaks_of_the_signer_and_the_public_form_still_of_you(app, canvasser, client):
    event_id = create_event(canvasser)
    labels = {"name": "Signer's full name", "note": "The signer's own words (optional)"}
    for page in (canvasser.get(f"/staff/events/{event_id}"),
                 canvasser.get(f"/staff/events/{event_id}/rows/{kept_row_id(app, canvasser, event_id)}")):
        for field, label in labels.items():
            assert f'<label for="{field}">{label}</label>' in text(page)
        assert "Your full name" not in text(page) and "Your own words" not in text(page)
    public = text(client.get("/write"))
    assert '<label for="name">Your full name</label>' in public
    assert '<label for="note">Your own words (optional)</label>' in public


def kept_row_id(app, client, event_id):
    """The id of a sheet row kept to fix (one missing its street)."""
    upload(client, event_id, sheet(EN_HEADER, "No Street,,Seattle,98104,en,,,,"))
    with app.app_context():
        return db.session.scalar(db.select(SheetRow.id).where(SheetRow.event_id == event_id))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_an_address_not_found_keeps_the_row_and_is_saved_once_the_district_is_chosen(app, canvasser, es, lang):
    event_id = create_event(canvasser)
    canvasser.get(f"/staff/events/{event_id}?lang={lang}")
    row = dict(name="Bea Núñez", **UNKNOWN, letter_language="es", email="bea@example.org", note="¡Sí se puede!")
    response = add_signer(canvasser, event_id, **row)
    assert response.status_code == 200
    message = ("We could not find that address. Please check the house number and street name, "
               "or choose your council district below.")
    assert (message if lang == "en" else es(message)) in visible(response)
    page = text(response)
    assert '<input type="radio" id="district" name="district" value="1"' in page  # choose it by hand
    label = "The signer's council district"
    assert (es(label) if lang == "es" else label) in visible(response)
    assert 'href="https://kingcounty.gov/council"' in page
    for field in ("name", "street", "city", "zip", "email"):
        assert input_value(response, field) == row[field], field
    assert checked(response, "letter_language") == "es"
    assert "¡Sí se puede!" in page
    assert letters_of_event(app, event_id) == []

    saved(add_signer(canvasser, event_id, **row, district="9"), event_id)
    assert letters_of_event(app, event_id) == [("Bea Núñez", "9", "es", LetterStatus.WRITTEN, lang)]
    spanish = es("Spanish") if lang == "es" else "Spanish"  # the table follows the page's language
    assert signer_rows(canvasser.get(f"/staff/events/{event_id}")) == [("Bea Núñez", "9", spanish, "—")]


def test_an_address_with_several_matches_asks_which_and_saves_the_chosen_one(app, canvasser, es):
    event_id = create_event(canvasser)
    response = add_signer(canvasser, event_id, name="Ana López", **TWO_DISTRICTS, letter_language="both")
    assert response.status_code == 200
    assert "We found more than one address like yours. Please choose yours." in visible(response)
    assert "Which of these is the signer's address?" in visible(response)
    candidates = re.findall(r'name="candidate" type="radio" value="([^"]+)"', text(response))
    assert candidates == ["1 TWIN ST N, SEATTLE, WA, 98104", "1 TWIN ST S, SEATTLE, WA, 98104"]
    assert input_value(response, "name") == "Ana López"
    assert letters_of_event(app, event_id) == []

    saved(add_signer(canvasser, event_id, name="Ana López", **TWO_DISTRICTS, letter_language="both",
                     candidate=candidates[1]), event_id)
    assert letters_of_event(app, event_id) == [("Ana López", "5", "both", LetterStatus.WRITTEN, "en")]

    canvasser.get(f"/staff/events/{event_id}?lang=es")
    response = add_signer(canvasser, event_id, name="Luis Ortiz", **TWO_DISTRICTS)
    assert es("We found more than one address like yours. Please choose yours.") in visible(response)
    assert es("Which of these is the signer's address?") in visible(response)


# ---------------------------------------------------------------------------
# Email: witnessed letters skip confirmation, and go only with the signer's agreement
# ---------------------------------------------------------------------------


def test_a_signer_who_agrees_has_the_letter_emailed_to_the_official_without_a_confirmation(
        app, canvasser, smtp):
    event_id = create_event(canvasser)
    saved(add_signer(canvasser, event_id, name="Rosa Díaz", email="rosa@example.org", email_it="y",
                     note="Mis vecinos necesitan confianza."), event_id)
    assert signer_rows(canvasser.get(f"/staff/events/{event_id}")) == [("Rosa Díaz", "4", "English", "yes")]
    assert smtp.received == []  # nothing goes out until the worker runs

    run_worker(app)
    [delivered] = smtp.received
    assert delivered.rcpt_tos == [BARON_EMAIL]  # to the official only: no confirmation to the signer
    assert smtp.messages_to("rosa@example.org") == []
    message = delivered.message
    assert "rosa@example.org" in message["Reply-To"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Dear Councilmember Barón:" in body and "Rosa Díaz" in body and "Mis vecinos necesitan confianza." in body
    with app.app_context():
        letter = db.session.scalar(db.select(Letter).where(Letter.event_id == event_id))
        assert letter.status == LetterStatus.SENT and letter.confirmed_at is not None
        kinds = [row.kind for row in db.session.scalars(db.select(OutboxMessage))]
        assert kinds == ["to_official"]

    run_worker(app)
    assert len(smtp.received) == 1  # sent once


def test_a_signer_who_gives_an_email_without_agreeing_gets_nothing_emailed(app, canvasser, smtp):
    event_id = create_event(canvasser)
    saved(add_signer(canvasser, event_id, name="Rosa Díaz", email="rosa@example.org"), event_id)
    assert signer_rows(canvasser.get(f"/staff/events/{event_id}")) == [("Rosa Díaz", "4", "English", "—")]
    run_worker(app)
    assert smtp.received == []
    assert letters_of_event(app, event_id) == [("Rosa Díaz", "4", "en", LetterStatus.WRITTEN, "en")]
    with app.app_context():
        assert db.session.scalars(db.select(OutboxMessage)).all() == []


def test_a_signers_phone_is_kept_on_their_letter(app, canvasser):
    event_id = create_event(canvasser)
    saved(add_signer(canvasser, event_id, name="Rosa Díaz", phone="(206) 555-0100 ext. 2"), event_id)
    with app.app_context():
        assert db.session.scalar(db.select(Letter.phone).where(Letter.event_id == event_id)) == "(206) 555-0100 ext. 2"


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("phone", ["call me maybe", "12345", "2" * 41])
def test_a_phone_that_is_not_a_phone_number_is_explained_and_kept(app, canvasser, es, lang, phone):
    event_id = create_event(canvasser)
    canvasser.get(f"/staff/events/{event_id}?lang={lang}")
    response = add_signer(canvasser, event_id, name="Rosa Díaz", phone=phone)
    assert response.status_code == 422
    if len(phone) > 40:  # digits, so shaped like a phone number: only its length is wrong
        too_long = "Please keep this under %(max)d characters."
        expected = too_long % {"max": 40} if lang == "en" else es(too_long, max=40)
    else:
        message = "Please enter a phone number, like 206-555-0100."
        expected = message if lang == "en" else es(message)
    assert field_errors(response, "phone") == [expected]
    assert input_value(response, "phone") == phone and input_value(response, "name") == "Rosa Díaz"
    assert letters_of_event(app, event_id) == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_ticking_the_email_agreement_without_an_email_asks_for_the_email(app, canvasser, es, lang):
    event_id = create_event(canvasser)
    canvasser.get(f"/staff/events/{event_id}?lang={lang}")
    response = add_signer(canvasser, event_id, name="Rosa Díaz", email="", email_it="y")
    assert response.status_code == 422
    message = "To email the letter, please enter the signer's email address."
    assert field_errors(response, "email") == [message if lang == "en" else es(message)]
    assert letters_of_event(app, event_id) == []


# ---------------------------------------------------------------------------
# Sign-up sheets
# ---------------------------------------------------------------------------


def sheet(header, *rows):
    return (header + "\n" + "".join(row + "\n" for row in rows)).encode("utf-8")


GOOD_AND_BAD = sheet(
    EN_HEADER,
    "Ana López,1 Pine St,Seattle,98104,es,,,,8",            # line 2: good (district given)
    "No Street,,Seattle,98104,en,,,,",                       # line 3: no street
    f"Carla Abad,{HOME['street']},{HOME['city']},{HOME['zip']},both,,,Por mi barrio,",  # line 4: looked up, 4
    "Far Away,1 Main St,Spokane,99201,en,,,,",               # line 5: ZIP outside the county
    "Bad Email,1 Main St,Seattle,98104,en,not-an-email,,,2",  # line 6: bad email
    ",,,,,,,,",                                              # line 7: empty, skipped
    f"Lost Person,{UNKNOWN['street']},{UNKNOWN['city']},{UNKNOWN['zip']},,,,,",  # line 8: not found
)


def test_a_sheet_adds_its_good_rows_and_keeps_the_bad_ones_listed_by_line_to_fix(app, canvasser):
    event_id = create_event(canvasser)
    response = upload(canvasser, event_id, GOOD_AND_BAD)
    assert response.status_code == 200
    assert "2 letters added. 4 rows need fixing: see below." in visible(response)
    assert rows_to_fix(response) == [
        (3, "No Street", "Street address: Please enter your street address."),
        (5, "Far Away", "That ZIP code is not in King County. This letter is for people who live in "
                        "King County: please check the ZIP code."),
        (6, "Bad Email", "Email (optional): Please enter an email address like name@example.com."),
        (8, "Lost Person", "We could not find that address. Please check the house number and street name, "
                           "or choose your council district below."),
    ]
    assert sorted(fix_links(response)) == [3, 5, 6, 8]
    assert letters_of_event(app, event_id) == [
        ("Ana López", "8", "es", LetterStatus.WRITTEN, "en"),
        ("Carla Abad", "4", "both", LetterStatus.WRITTEN, "en"),
    ]
    assert signer_rows(response) == [("Carla Abad", "4", "Spanish and English", "—"),
                                     ("Ana López", "8", "Spanish", "—")]
    # The rows stay until they are fixed: they are there on the next visit too.
    assert [row[0] for row in rows_to_fix(canvasser.get(f"/staff/events/{event_id}"))] == [3, 5, 6, 8]


def test_a_sheet_on_a_spanish_page_lists_its_rows_to_fix_in_spanish(app, canvasser, es):
    event_id = create_event(canvasser)
    canvasser.get(f"/staff/events/{event_id}?lang=es")
    response = upload(canvasser, event_id, GOOD_AND_BAD)
    shown = visible(response)
    assert es("%(num)d letter added.", "%(num)d letters added.", 2) in shown
    assert es("%(num)d row needs fixing: see below.", "%(num)d rows need fixing: see below.", 4) in shown
    problems = [row[2] for row in rows_to_fix(response)]
    assert es("Please enter your street address.") in problems[0]
    assert es("That ZIP code is not in King County. This letter is for people who live in King County: "
              "please check the ZIP code.") in problems[1]
    assert es("Please enter an email address like name@example.com.") in problems[2]
    assert problems[3] == es("We could not find that address. Please check the house number and street name, "
                             "or choose your council district below.")
    # A row with no language takes the page's default: both languages on a Spanish page.
    assert [row[:3] for row in letters_of_event(app, event_id)] == [("Ana López", "8", "es"),
                                                                   ("Carla Abad", "4", "both")]


def test_rows_to_fix_read_in_the_language_of_the_page_that_shows_them(canvasser, es):
    event_id = create_event(canvasser)
    upload(canvasser, event_id, GOOD_AND_BAD)  # uploaded on an English page
    spanish = canvasser.get(f"/staff/events/{event_id}?lang=es")
    problems = [row[2] for row in rows_to_fix(spanish)]
    assert problems[0].endswith(es("Please enter your street address."))
    assert problems[3] == es("We could not find that address. Please check the house number and street name, "
                             "or choose your council district below.")


def fix_page(client, event_id, line):
    """Open the page that fixes one sheet row (from its link on the event page)."""
    url = fix_links(client.get(f"/staff/events/{event_id}"))[line]
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return url, page


def save_row(client, url, page, **fields):
    """Send the fix page's form back as shown (what was kept from the sheet), with `fields` changed."""
    values = {name: input_value(page, name) for name in ("name", "street", "city", "zip", "email", "phone")}
    values["letter_language"] = checked(page, "letter_language")
    district = re.search(r'<input type="radio" id="district[-\d]*" name="district" value="(\d)" checked', text(page))
    values["district"] = district.group(1) if district else ""
    values.update(fields)
    return client.post(url, data={**values, "csrf_token": csrf_token(page.get_data(as_text=True))})


def test_a_row_missing_its_street_opens_filled_in_with_the_error_and_becomes_a_letter_once_fixed(app, canvasser):
    event_id = create_event(canvasser)
    upload(canvasser, event_id, GOOD_AND_BAD)
    url, page = fix_page(canvasser, event_id, 3)
    assert "Line 3 of the sign-up sheet" in visible(page)
    assert (input_value(page, "name"), input_value(page, "city"), input_value(page, "zip")) == (
        "No Street", "Seattle", "98104")
    assert checked(page, "letter_language") == "en"
    assert field_errors(page, "street") == ["Please enter your street address."]

    response = save_row(canvasser, url, page, street=HOME["street"])
    assert response.status_code == 303
    next_row = fix_links(canvasser.get(f"/staff/events/{event_id}"))[5]
    assert response.headers["Location"] == next_row + "?saved=1"  # straight on to the next row to fix
    assert "Saved. Here is the next row to fix." in visible(canvasser.get(response.headers["Location"]))
    assert ("No Street", "4", "en", LetterStatus.WRITTEN, "en") in letters_of_event(app, event_id)
    assert [row[0] for row in rows_to_fix(canvasser.get(f"/staff/events/{event_id}"))] == [5, 6, 8]


def test_a_row_that_is_still_wrong_keeps_what_was_typed_and_says_what_is_wrong(app, canvasser):
    event_id = create_event(canvasser)
    upload(canvasser, event_id, GOOD_AND_BAD)
    url, page = fix_page(canvasser, event_id, 6)
    assert field_errors(page, "email") == ["Please enter an email address like name@example.com."]
    assert input_value(page, "email") == "not-an-email"
    response = save_row(canvasser, url, page, email="still wrong", name="Bad Email Jr.")
    assert response.status_code == 422
    assert field_errors(response, "email") == ["Please enter an email address like name@example.com."]
    assert (input_value(response, "name"), input_value(response, "email")) == ("Bad Email Jr.", "still wrong")
    assert len(letters_of_event(app, event_id)) == 2
    response = save_row(canvasser, url, page, email="bad@example.org")
    assert response.status_code == 303
    assert ("Bad Email", "2", "en", LetterStatus.WRITTEN, "en") in letters_of_event(app, event_id)


def test_a_row_whose_address_is_not_found_offers_the_district_by_hand(app, canvasser):
    event_id = create_event(canvasser)
    upload(canvasser, event_id, GOOD_AND_BAD)
    url, page = fix_page(canvasser, event_id, 8)
    assert ("We could not find that address. Please check the house number and street name, "
            "or choose your council district below.") in visible(page)
    assert 'name="district"' in text(page)
    response = save_row(canvasser, url, page, district="7")
    assert response.status_code == 303
    assert ("Lost Person", "7", "en", LetterStatus.WRITTEN, "en") in letters_of_event(app, event_id)


def test_a_row_with_two_matching_addresses_offers_both_and_saves_the_chosen_one(app, canvasser):
    event_id = create_event(canvasser)
    upload(canvasser, event_id, sheet(EN_HEADER, "Luis Ortiz,{street},{city},{zip},es,,,,".format(**TWO_DISTRICTS)))
    url, page = fix_page(canvasser, event_id, 2)
    assert "We found more than one address like yours. Please choose yours." in visible(page)
    options = re.findall(r'name="candidate"[^>]*value="([^"]*)"', text(page))
    assert "1 TWIN ST S, SEATTLE, WA, 98104" in options and len(options) == 2
    response = save_row(canvasser, url, page, candidate="1 TWIN ST S, SEATTLE, WA, 98104")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/staff/events/{event_id}?added=1#sheet"  # the last row: back
    assert letters_of_event(app, event_id) == [("Luis Ortiz", "5", "es", LetterStatus.WRITTEN, "en")]
    assert rows_to_fix(canvasser.get(f"/staff/events/{event_id}")) == []


def test_a_row_kept_while_the_geocoder_was_down_is_found_when_it_is_back(app, canvasser, geocoder):
    event_id = create_event(canvasser)
    geocoder.fail_status = 503
    try:
        response = upload(canvasser, event_id, sheet(EN_HEADER, "Eva Abad,{street},{city},{zip},en,,,,".format(**HOME)))
    finally:
        geocoder.reset_failures()
    assert rows_to_fix(response) == [(2, "Eva Abad", "The address service is not answering right now. You can "
                                                     "choose your council district below, or come back in a few "
                                                     "minutes.")]
    url, page = fix_page(canvasser, event_id, 2)
    assert "This address is found now, in District 4. Check the row and save it." in visible(page)
    assert save_row(canvasser, url, page).status_code == 303
    assert letters_of_event(app, event_id) == [("Eva Abad", "4", "en", LetterStatus.WRITTEN, "en")]


def test_a_fixed_row_on_a_spanish_page_is_explained_in_spanish(canvasser, es):
    event_id = create_event(canvasser)
    upload(canvasser, event_id, GOOD_AND_BAD)
    canvasser.get(f"/staff/events/{event_id}?lang=es")
    url = re.search(r'<a href="(/staff/events/\d+/rows/\d+)">', text(canvasser.get(f"/staff/events/{event_id}")))
    page = canvasser.get(url.group(1))
    assert es("Line %(line)d of the sign-up sheet", line=3) in visible(page)
    assert field_errors(page, "street") == [es("Please enter your street address.")]


def test_a_long_sheet_is_looked_up_in_turns_so_no_request_runs_into_the_servers_timeout(app, canvasser):
    app.config["SHEET_LOOKUP_SECONDS"] = 0  # every request gets its one lookup, and no more
    event_id = create_event(canvasser)
    addresses = sheet(EN_HEADER, "Ana López,1 Pine St,Seattle,98104,es,,,,8",  # a district: no lookup
                      "Bea Núñez,{street},{city},{zip},es,,,,".format(**HOME),
                      "Carla Abad,{street},{city},{zip},en,,,,".format(**TWO_SAME_DISTRICT),
                      "Lost Person,{street},{city},{zip},en,,,,".format(**UNKNOWN))
    response = upload(canvasser, event_id, addresses)
    assert "2 letters added. 2 rows need fixing: see below." in visible(response)
    assert rows_to_fix(response) == [(4, "Carla Abad", "The address is not looked up yet."),
                                     (5, "Lost Person", "The address is not looked up yet.")]
    assert ("2 addresses were not looked up yet: the sheet is long, and each lookup takes a moment."
            in visible(response))

    response = send_form(canvasser, f"/staff/events/{event_id}", f"/staff/events/{event_id}/rows/look-up", {},
                         follow_redirects=True)
    assert "1 letter added. 1 row needs fixing: see below." in visible(response)
    assert rows_to_fix(response) == [(5, "Lost Person", "The address is not looked up yet.")]

    response = send_form(canvasser, f"/staff/events/{event_id}", f"/staff/events/{event_id}/rows/look-up", {},
                         follow_redirects=True)
    assert "0 letters added. 1 row needs fixing: see below." in visible(response)
    assert rows_to_fix(response) == [(5, "Lost Person", "We could not find that address. Please check the house "
                                                         "number and street name, or choose your council district "
                                                         "below.")]
    assert "Look up the rest" not in visible(response)
    assert [row[:2] for row in letters_of_event(app, event_id)] == [("Ana López", "8"), ("Bea Núñez", "4"),
                                                                    ("Carla Abad", "3")]


def test_looking_up_the_rest_needs_the_forms_csrf_token(app, canvasser):
    app.config["SHEET_LOOKUP_SECONDS"] = 0
    event_id = create_event(canvasser)
    upload(canvasser, event_id, sheet(EN_HEADER, *("Bea Núñez,{street},{city},{zip},es,,,,".format(**HOME),) * 2))
    assert canvasser.post(f"/staff/events/{event_id}/rows/look-up").status_code == 400
    assert len(rows_to_fix(canvasser.get(f"/staff/events/{event_id}"))) == 1


def test_a_discarded_row_is_gone_and_becomes_no_letter(app, canvasser):
    event_id = create_event(canvasser)
    upload(canvasser, event_id, GOOD_AND_BAD)
    url, page = fix_page(canvasser, event_id, 5)
    response = canvasser.post(f"{url}/discard", data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 303 and response.headers["Location"] == f"/staff/events/{event_id}#sheet"
    assert [row[0] for row in rows_to_fix(canvasser.get(f"/staff/events/{event_id}"))] == [3, 6, 8]
    assert len(letters_of_event(app, event_id)) == 2


def test_a_row_saved_by_one_canvasser_is_not_saved_again_by_another(app, canvasser, staff):
    event_id = create_event(canvasser)
    upload(canvasser, event_id, GOOD_AND_BAD)
    other = staff
    url, page = fix_page(canvasser, event_id, 8)
    _, other_page = fix_page(other, event_id, 8)
    assert save_row(canvasser, url, page, district="7").status_code == 303
    late = save_row(other, url, other_page, district="7")
    assert late.status_code == 409
    assert "Someone already saved or discarded that row. Nothing was saved twice." in visible(late)
    discard = other.post(f"{url}/discard", data={"csrf_token": csrf_token(other_page.get_data(as_text=True))})
    assert discard.status_code == 409
    assert [letter[0] for letter in letters_of_event(app, event_id)].count("Lost Person") == 1
    gone = canvasser.get(url)
    assert gone.status_code == 404 and "Someone already saved or discarded that row." in visible(gone)


def test_a_row_belongs_to_its_event_only(canvasser):
    event_id = create_event(canvasser)
    other_event = create_event(canvasser, name="Otra")
    upload(canvasser, event_id, GOOD_AND_BAD)
    url, page = fix_page(canvasser, event_id, 3)
    elsewhere = url.replace(f"/events/{event_id}/", f"/events/{other_event}/")
    assert canvasser.get(elsewhere).status_code == 404
    response = canvasser.post(elsewhere, data={"name": "X", **HOME, "letter_language": "en",
                                               "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 409
    assert [row[0] for row in rows_to_fix(canvasser.get(f"/staff/events/{event_id}"))] == [3, 5, 6, 8]


def test_saving_or_discarding_a_row_needs_the_forms_csrf_token(app, canvasser):
    event_id = create_event(canvasser)
    upload(canvasser, event_id, GOOD_AND_BAD)
    url, _page = fix_page(canvasser, event_id, 3)
    assert canvasser.post(url, data={"name": "X", **HOME, "letter_language": "en"}).status_code == 400
    assert canvasser.post(f"{url}/discard").status_code == 400
    assert len(rows_to_fix(canvasser.get(f"/staff/events/{event_id}"))) == 4


def test_retention_deletes_old_rows_to_fix_and_blanks_a_signers_phone(app, canvasser, runner):
    event_id = create_event(canvasser)
    upload(canvasser, event_id, GOOD_AND_BAD)
    saved(add_signer(canvasser, event_id, name="Rosa Díaz", phone="206-555-0100"), event_id)
    with app.app_context():
        db.session.execute(db.update(SheetRow).values(created_at=dt.datetime(2026, 1, 1)))
        db.session.execute(db.update(Letter).values(created_at=dt.datetime(2026, 1, 1)))
        db.session.commit()
    listing = visible(canvasser.get("/staff/events"))
    assert "Fiesta del barrio · Nov 28, 2026 · El Centro de la Raza · 3 letters · 4 sheet rows to fix" in listing
    result = runner.invoke(args=["purge"])
    assert "Purged 3 letters, 4 sign-up sheet rows" in result.output
    assert "rows to fix" not in visible(canvasser.get("/staff/events"))
    assert rows_to_fix(canvasser.get(f"/staff/events/{event_id}")) == []
    with app.app_context():
        assert set(db.session.scalars(db.select(Letter.phone))) == {""}
        assert set(db.session.scalars(db.select(Letter.name))) == {""}


def test_a_spanish_sheets_row_problems_name_no_english_columns(canvasser, es):
    event_id = create_event(canvasser)
    canvasser.get(f"/staff/events/{event_id}?lang=es")
    response = upload(canvasser, event_id, sheet(ES_HEADER, "Sin Calle,,Seattle,98104,es,,,,",
                                                 "Correo Malo,1 Main St,Seattle,98104,es,no-es-correo,,,2",
                                                 "Idioma Malo,1 Main St,Seattle,98104,fr,,,,2"))
    problems = [row[2] for row in rows_to_fix(response)]
    assert len(problems) == 3
    assert not any(re.search(r"\b(street|email|letter_language):", problem) for problem in problems), problems
    assert problems == [f"{es('Street address')}: {es('Please enter your street address.')}",
                        f"{es('Email (optional)')}: {es('Please enter an email address like name@example.com.')}",
                        f"{es('Language of the letter')}: Opción inválida."]  # WTForms' own catalog


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_sheet_row_with_an_unknown_language_or_district_is_listed_with_its_message(app, canvasser, es, lang):
    event_id = create_event(canvasser)
    canvasser.get(f"/staff/events/{event_id}?lang={lang}")
    response = upload(canvasser, event_id, sheet(EN_HEADER, "Ana López,1 Pine St,Seattle,98104,fr,,,,4",
                                                 "Luis Ortiz,1 Pine St,Seattle,98104,es,,,,12",
                                                 "Eva Abad,1 Pine St,Seattle,98104,es,,,,4"))
    invalid = "Not a valid choice." if lang == "en" else "Opción inválida."  # WTForms' own catalog
    language, district = {"en": ("Language of the letter", "The signer's council district"),
                          "es": ("Idioma de la carta", es("The signer's council district"))}[lang]
    assert rows_to_fix(response) == [(2, "Ana López", f"{language}: {invalid}"),
                                     (3, "Luis Ortiz", f"{district}: {invalid}")]
    assert [row[:3] for row in letters_of_event(app, event_id)] == [("Eva Abad", "4", "es")]


def test_a_sheet_with_spanish_headers_is_read(app, canvasser):
    event_id = create_event(canvasser)
    response = upload(canvasser, event_id, sheet(
        ES_HEADER,
        "Ana López,1 Pine St,Seattle,98104,es,,,,4",
        f"Luis Ortiz,{HOME['street']},{HOME['city']},{HOME['zip']},both,luis@example.org,,Mi nota,",
    ))
    assert response.status_code == 200
    assert "2 letters added." in visible(response)
    assert "These rows were not added" not in visible(response)
    assert letters_of_event(app, event_id) == [("Ana López", "4", "es", LetterStatus.WRITTEN, "en"),
                                               ("Luis Ortiz", "4", "both", LetterStatus.WRITTEN, "en")]
    with app.app_context():
        luis = db.session.scalar(db.select(Letter).where(Letter.name == "Luis Ortiz"))
        assert luis.email == "luis@example.org" and luis.note == "Mi nota"


def test_a_sheets_phone_column_is_kept_on_the_letter(app, canvasser):
    event_id = create_event(canvasser)
    upload(canvasser, event_id, sheet(ES_HEADER, "Ana López,1 Pine St,Seattle,98104,es,,206-555-0100,,4"))
    with app.app_context():
        assert db.session.scalar(db.select(Letter.phone).where(Letter.event_id == event_id)) == "206-555-0100"


def test_a_sheet_saved_by_excel_with_a_byte_order_mark_is_read(app, canvasser):
    event_id = create_event(canvasser)
    bom = "\ufeff".encode()
    response = upload(canvasser, event_id, bom + sheet(EN_HEADER, "Ana López,1 Pine St,Seattle,98104,es,,,,4"))
    assert response.status_code == 200 and "1 letter added." in visible(response)


def test_sheet_rows_are_never_emailed_even_with_an_email(app, canvasser, smtp):
    event_id = create_event(canvasser)
    upload(canvasser, event_id, sheet(EN_HEADER, "Ana López,1 Pine St,Seattle,98104,es,ana@example.org,,,4"))
    run_worker(app)
    assert smtp.received == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_sheet_that_is_not_utf8_is_refused_with_how_to_save_it(app, canvasser, es, lang):
    event_id = create_event(canvasser)
    canvasser.get(f"/staff/events/{event_id}?lang={lang}")
    response = upload(canvasser, event_id, sheet(EN_HEADER, "Ana López,1 Pine St,Seattle,98104,es,,,,4")
                      .decode().encode("latin-1"))
    assert response.status_code == 422
    message = 'The file is not UTF-8 text. Save it as "CSV UTF-8" and try again.'
    assert (message if lang == "en" else es(message)) in visible(response)
    assert letters_of_event(app, event_id) == []


@pytest.mark.parametrize("content", [
    EN_HEADER.encode() + b"\nAna L\x00pez,1 Pine St,Seattle,98104,es,,,,4\n",
    (EN_HEADER + "\nAna López,1 Pine St,Seattle,98104,es,,,,4\n").encode("utf-16"),
], ids=["a NUL in a row", "UTF-16"])
def test_a_sheet_with_nul_bytes_is_refused_as_not_text(app, canvasser, content):
    event_id = create_event(canvasser)
    response = upload(canvasser, event_id, content)
    assert response.status_code == 422
    assert 'The file is not UTF-8 text. Save it as "CSV UTF-8" and try again.' in visible(response)
    assert letters_of_event(app, event_id) == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_an_upload_without_a_file_asks_for_one(app, canvasser, es, lang):
    event_id = create_event(canvasser)
    canvasser.get(f"/staff/events/{event_id}?lang={lang}")
    response = upload(canvasser, event_id, None)
    assert response.status_code == 422
    message = "Please choose a CSV file."
    assert field_errors(response, "file") == [message if lang == "en" else es(message)]
    assert 'aria-describedby="file-errors"' in text(response)


def test_a_sheet_without_the_needed_columns_adds_nothing_and_says_which_are_missing(app, canvasser):
    event_id = create_event(canvasser)
    response = upload(canvasser, event_id, b"who,where\nAna,1 Pine\n")
    assert response.status_code == 422
    assert "The sheet could not be read: missing columns: name, street, city, zip" in visible(response)
    assert "letters added" not in visible(response)
    assert letters_of_event(app, event_id) == []


def test_a_sheet_without_the_needed_columns_is_explained_in_spanish_on_a_spanish_page(canvasser, es):
    event_id = create_event(canvasser)
    canvasser.get(f"/staff/events/{event_id}?lang=es")
    response = upload(canvasser, event_id, b"quien,donde\nAna,1 Pine\n")
    assert response.status_code == 422
    assert "missing columns" not in visible(response)
    missing = es("missing columns: %(columns)s", columns="name, street, city, zip")
    assert es("The sheet could not be read: %(problems)s", problems=missing) in visible(response)


@pytest.mark.parametrize("lang_sheet, header", [("en", EN_TEMPLATE), ("es", ES_TEMPLATE)])
def test_the_blank_sign_up_sheet_downloads_with_english_or_spanish_headers(canvasser, lang_sheet, header):
    response = canvasser.get(f"/staff/events/template.csv?lang_sheet={lang_sheet}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="sign-up-sheet-{lang_sheet}.csv"'
    assert response.get_data(as_text=True) == header + "\n"


def test_the_event_page_links_both_blank_sheets_and_a_filled_one_comes_back(app, canvasser):
    event_id = create_event(canvasser)
    page = text(canvasser.get(f"/staff/events/{event_id}"))
    assert 'href="/staff/events/template.csv?lang_sheet=en"' in page
    assert 'href="/staff/events/template.csv?lang_sheet=es"' in page
    blank = canvasser.get("/staff/events/template.csv?lang_sheet=es").data
    response = upload(canvasser, event_id, blank + "Ana López,1 Pine St,Seattle,98104,es,,,,,4\n".encode())
    assert response.status_code == 200 and "1 letter added." in visible(response)


def test_without_lang_sheet_the_blank_sheet_follows_the_page_language(canvasser):
    canvasser.get("/staff/events?lang=es")
    response = canvasser.get("/staff/events/template.csv")
    assert response.get_data(as_text=True) == ES_TEMPLATE + "\n"
    assert 'filename="sign-up-sheet-es.csv"' in response.headers["Content-Disposition"]


@pytest.mark.parametrize("lang_sheet", ["fr", "a%22%3B%20x%3D1", "a%0d%0aSet-Cookie:%20x=1"])
def test_an_unknown_sheet_language_gives_the_blank_sheet_of_the_page_language(app, canvasser, lang_sheet):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # what a visitor gets, not the test client's traceback
    response = canvasser.get(f"/staff/events/template.csv?lang_sheet={lang_sheet}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="sign-up-sheet-en.csv"'
    assert response.get_data(as_text=True) == EN_TEMPLATE + "\n"


# ---------------------------------------------------------------------------
# The blank sheet's columns, the agreement to email among them
# ---------------------------------------------------------------------------

# One value for each column of the blank sheet, as a canvasser would write it.
SHEET_VALUES = {"name": "Ana López", "street": "1 Pine St", "city": "Seattle", "zip": "98104", "language": "es",
                "email": "ana@example.org", "agrees_to_email": "sí", "phone": "206-555-0100",
                "note": "Por mi barrio", "district": "4"}


def filled_template(client, lang_sheet, **changes):
    """The blank sheet downloaded in `lang_sheet`, with one row: a value under each of its columns."""
    blank = client.get(f"/staff/events/template.csv?lang_sheet={lang_sheet}").get_data(as_text=True)
    english = EN_TEMPLATE.split(",")  # the blank sheet's columns in order, by their English names
    assert len(blank.strip().split(",")) == len(english)
    values = {**SHEET_VALUES, **changes}
    return (blank + ",".join(values[column] for column in english) + "\n").encode()


@pytest.mark.parametrize("lang_sheet", ["en", "es"])
def test_every_column_of_the_blank_sheet_is_read_back(app, canvasser, lang_sheet):
    content = filled_template(canvasser, lang_sheet)
    with app.test_request_context("/"):
        [letter], problems = read_signers(content.decode())
    assert problems == []
    assert {column: letter[column] for column in
            ("name", "street", "city", "zip", "language", "email", "phone", "note", "district")} == {
        column: value for column, value in SHEET_VALUES.items() if column != "agrees_to_email"}
    assert letter["email_it"] is True

    event_id = create_event(canvasser)
    response = upload(canvasser, event_id, content)
    assert "1 letter added." in visible(response)
    with app.app_context():
        saved_letter = db.session.scalar(db.select(Letter).where(Letter.event_id == event_id))
        assert (saved_letter.name, saved_letter.street, saved_letter.city, saved_letter.zip, saved_letter.language,
                saved_letter.email, saved_letter.phone, saved_letter.note, saved_letter.district) == (
            "Ana López", "1 Pine St", "Seattle", "98104", "es", "ana@example.org", "206-555-0100", "Por mi barrio",
            "4")


@pytest.mark.parametrize("cell, agreed", [
    ("yes", True), ("Yes", True), ("y", True), ("x", True), ("X", True), ("sí", True), ("Sí", True), ("si", True),
    ("SI", True), ("no", False), ("No", False), ("n", False), ("", False), ("  ", False),
])
def test_the_agreement_column_reads_yes_and_no_in_english_and_spanish(app, canvasser, cell, agreed):
    with app.test_request_context("/"):
        [letter], problems = read_signers(filled_template(canvasser, "en", agrees_to_email=cell).decode())
    assert problems == [] and letter["email_it"] is agreed


@pytest.mark.parametrize("cell", ["maybe", "quizás", "1", "yes please"])
def test_an_agreement_that_is_neither_yes_nor_no_is_a_row_to_fix_that_says_so(app, canvasser, cell):
    event_id = create_event(canvasser)
    response = upload(canvasser, event_id, filled_template(canvasser, "en", agrees_to_email=cell))
    assert rows_to_fix(response) == [
        (2, "Ana López", f"The signer agrees that we also email the letter: Please write yes or no, not “{cell}”.")]
    assert letters_of_event(app, event_id) == []

    # The fix page shows the whole row as it was written, the box unticked and the reason beside it.
    url, page = fix_page(canvasser, event_id, 2)
    assert [input_value(page, field) for field in ("name", "street", "city", "zip", "email", "phone")] == [
        "Ana López", "1 Pine St", "Seattle", "98104", "ana@example.org", "206-555-0100"]
    assert "Por mi barrio</textarea>" in text(page)
    assert checked(page, "letter_language") == "es"
    assert re.search(r'<input type="radio" id="district[-\d]*" name="district" value="4" checked', text(page))
    assert 'name="email_it"' in text(page) and not re.search(r'<input[^>]*name="email_it"[^>]*checked', text(page))
    assert field_errors(page, "email_it") == [f"Please write yes or no, not “{cell}”."]


def test_a_kept_row_whose_signer_agreed_opens_with_the_box_ticked(app, canvasser):
    event_id = create_event(canvasser)
    upload(canvasser, event_id, filled_template(canvasser, "es", street=""))
    _url, page = fix_page(canvasser, event_id, 2)
    assert re.search(r'<input[^>]*checked[^>]*name="email_it"|<input[^>]*name="email_it"[^>]*checked', text(page))


def test_a_sheet_row_that_agrees_without_an_email_asks_for_the_email(app, canvasser):
    event_id = create_event(canvasser)
    response = upload(canvasser, event_id, filled_template(canvasser, "en", email=""))
    assert rows_to_fix(response) == [
        (2, "Ana López", "Email (optional): To email the letter, please enter the signer's email address.")]


# ---------------------------------------------------------------------------
# Printing an event's letters
# ---------------------------------------------------------------------------

EVENT_SIGNERS = ["Dan Brown", "Eva Abad", "Zoe Adams", "Ana López", "Bea Núñez"]


def enter_five_signers(client, event_id):
    """Five signers in four districts, entered on the page the way a canvasser would."""
    saved(add_signer(client, event_id, name="Zoe Adams", **HOME, letter_language="en"), event_id)        # 4
    row = dict(name="Bea Núñez", **UNKNOWN, letter_language="es")
    assert add_signer(client, event_id, **row).status_code == 200                                        # not found
    saved(add_signer(client, event_id, **row, district="9"), event_id)                                   # 9
    saved(add_signer(client, event_id, name="Ana López", **TWO_DISTRICTS, letter_language="both",
                     candidate="1 TWIN ST S, SEATTLE, WA, 98104"), event_id)                             # 5
    saved(add_signer(client, event_id, name="Dan Brown", **TWO_SAME_DISTRICT, letter_language="en"), event_id)  # 3
    saved(add_signer(client, event_id, name="Eva Abad", **HOME, letter_language="es"), event_id)         # 4


EXPECTED_EVENT_PDF = [
    ("cover", "Sarah Perry", "1 letter"),
    ("letter", "Dan Brown", "Dear Councilmember Perry:"),
    ("cover", "Jorge L. Barón", "2 letters"),
    ("letter", "Eva Abad", "Estimado concejal Barón:"),   # abad before adams
    ("letter", "Zoe Adams", "Dear Councilmember Barón:"),
    ("cover", "Steffanie Fain", "1 letter"),
    ("letter", "Ana López", "Estimada concejala Fain:"),  # both: one letter in Spanish, then its
    ("translation", "Ana López", "Dear Councilmember Fain:"),  # English translation
    ("cover", "Reagan Dunn", "1 letter"),
    ("letter", "Bea Núñez", "Estimado concejal Dunn:"),
]


def test_printing_an_event_waits_for_the_worker_then_offers_the_pdf_in_delivery_order(app, canvasser):
    event_id = create_event(canvasser)
    enter_five_signers(canvasser, event_id)
    token = start_print(canvasser, event_id)

    waiting = canvasser.get(f"/staff/prints/{token}")
    assert waiting.status_code == 200
    assert "Waiting to start…" in visible(waiting)
    assert '<meta http-equiv="refresh" content="3">' in text(waiting)  # refreshes itself without JavaScript
    assert "Download the PDF" not in visible(waiting)

    run_worker(app)
    ready = canvasser.get(f"/staff/prints/{token}")
    assert "5 letters are ready." in visible(ready)
    assert f'href="/staff/prints/{token}.pdf"' in text(ready) and "Download the PDF" in visible(ready)
    assert 'http-equiv="refresh"' not in text(ready)

    pdf = download(canvasser, token)
    assert summary(pdf, EVENT_SIGNERS) == EXPECTED_EVENT_PDF
    sections = pdf_sections(pdf, EVENT_SIGNERS)
    baron_cover = sections[2][1]
    assert "King County Council District 4" in baron_cover and "516 Third Avenue, Room 1200" in baron_cover
    # Each letter carries its official's full name and the signer's address.
    assert "Sarah Perry" in sections[1][1] and "2 Twin St" in sections[1][1]
    assert "Councilmember Jorge L. Barón" in sections[4][1] and "100 Main St" in sections[4][1]
    assert "Concejal Jorge L. Barón" in sections[3][1]
    assert "77 Nowhere Ln" in sections[9][1] and "Concejal Reagan Dunn" in sections[9][1]


def test_an_event_printed_from_a_spanish_page_has_spanish_cover_sheets(app, canvasser, es):
    event_id = create_event(canvasser)
    saved(add_signer(canvasser, event_id, name="Zoe Adams", letter_language="en"), event_id)
    canvasser.get(f"/staff/events/{event_id}?lang=es")
    token = start_print(canvasser, event_id)
    assert es("Waiting to start…") in visible(canvasser.get(f"/staff/prints/{token}"))
    run_worker(app)
    ready = visible(canvasser.get(f"/staff/prints/{token}"))
    assert es("%(num)d letter is ready.", "%(num)d letters are ready.", 1) in ready
    assert es("Download the PDF") in ready
    pdf = download(canvasser, token)
    [cover, letter] = pdf_sections(pdf, ["Zoe Adams"])
    assert cover[1].startswith("Cartas para Concejal Jorge L. Barón")
    assert es("King County Council District %(district)s", district="4") in cover[1]
    assert "1 carta" in cover[1]
    assert "Dear Councilmember Barón:" in letter[1]  # the letter stays in the signer's language


def test_a_print_run_pdf_downloads_once_then_is_gone(app, canvasser):
    event_id = create_event(canvasser)
    saved(add_signer(canvasser, event_id), event_id)
    token = start_print(canvasser, event_id)
    run_worker(app)
    download(canvasser, token)

    again = canvasser.get(f"/staff/prints/{token}.pdf")
    assert again.status_code == 410
    assert again.mimetype == "text/html"
    assert "<h1>" in text(again) and "Back to the home page" in visible(again)
    page = canvasser.get(f"/staff/prints/{token}")
    assert ("This PDF was already downloaded or has expired. Start a new print run if you need it again."
            in visible(page))
    assert "Download the PDF" not in visible(page)
    assert canvasser.get(f"/staff/prints/{token}.json").get_json()["ready"] is False


def test_a_second_download_explains_that_the_pdf_was_already_downloaded(app, canvasser):
    event_id = create_event(canvasser)
    saved(add_signer(canvasser, event_id), event_id)
    token = start_print(canvasser, event_id)
    run_worker(app)
    download(canvasser, token)
    again = visible(canvasser.get(f"/staff/prints/{token}.pdf"))
    assert "already downloaded" in again
    assert "This letter's details were deleted" not in again


def test_the_progress_json_tells_the_status_counts_and_readiness(app, canvasser):
    event_id = create_event(canvasser)
    enter_five_signers(canvasser, event_id)
    token = start_print(canvasser, event_id)
    queued = canvasser.get(f"/staff/prints/{token}.json")
    assert queued.status_code == 200 and queued.mimetype == "application/json"
    assert queued.get_json() == {"status": "queued", "done": 0, "total": 0, "letters": 0, "ready": False}

    run_worker(app)
    done = canvasser.get(f"/staff/prints/{token}.json").get_json()
    assert done == {"status": "done", "done": 1, "total": 1, "letters": 5, "ready": True}  # one chunk of 9 blocks

    download(canvasser, token)
    assert canvasser.get(f"/staff/prints/{token}.json").get_json()["ready"] is False


def test_a_print_job_waits_while_another_worker_is_rendering_one(app, canvasser):
    """PRINT_JOBS_AT_ONCE (1): a job running elsewhere, with a live lease, holds back the next."""
    event_id = create_event(canvasser)
    saved(add_signer(canvasser, event_id), event_id)
    elsewhere, waiting = start_print(canvasser, event_id), start_print(canvasser, event_id)
    with app.app_context():
        job = db.session.scalar(db.select(PrintJob).where(PrintJob.token == elsewhere))
        job.status, job.claimed_until = PrintJob.RUNNING, utcnow() + dt.timedelta(minutes=10)
        db.session.commit()
    run_worker(app)
    assert canvasser.get(f"/staff/prints/{waiting}.json").get_json()["status"] == "queued"

    with app.app_context():  # the other worker died: its lease runs out, and both jobs are printed
        db.session.execute(db.update(PrintJob).where(PrintJob.token == elsewhere)
                           .values(claimed_until=dt.datetime(2026, 1, 1)))
        db.session.commit()
    run_worker(app)
    for token in (elsewhere, waiting):
        assert canvasser.get(f"/staff/prints/{token}.json").get_json()["ready"] is True


def test_an_unknown_print_job_is_not_found(canvasser):
    for url in ("/staff/prints/nope", "/staff/prints/nope.json", "/staff/prints/nope.pdf"):
        assert canvasser.get(url).status_code == 404, url


def test_printing_an_event_with_no_letters_says_there_was_nothing_to_print(app, canvasser, es):
    event_id = create_event(canvasser)
    page = text(canvasser.get(f"/staff/events/{event_id}"))
    assert re.search(r'<button type="submit" class="button" disabled>Print every letter', page)
    token = start_print(canvasser, event_id)  # sent anyway (an old tab)
    run_worker(app)
    response = canvasser.get(f"/staff/prints/{token}")
    assert "There was nothing to print." in visible(response)
    assert 'http-equiv="refresh"' not in text(response) and "Download the PDF" not in visible(response)
    assert es("There was nothing to print.") in visible(canvasser.get(f"/staff/prints/{token}?lang=es"))
    assert canvasser.get(f"/staff/prints/{token}.json").get_json() == {
        "status": "done", "done": 0, "total": 0, "letters": 0, "ready": False}
    assert canvasser.get(f"/staff/prints/{token}.pdf").status_code == 410


def test_a_print_request_without_its_csrf_token_is_refused(app, canvasser):
    event_id = create_event(canvasser)
    response = canvasser.post(f"/staff/events/{event_id}/print", data={})
    assert response.status_code == 400
    assert "This page expired. Please go back, reload it and try again." in visible(response)
    with app.app_context():
        assert db.session.scalars(db.select(PrintJob)).all() == []


def test_an_unknown_event_is_not_found(canvasser):
    assert canvasser.get("/staff/events/999999").status_code == 404


# ---------------------------------------------------------------------------
# Blank letters to sign on paper
# ---------------------------------------------------------------------------


def request_blank(client, lang="en", **data):
    return send_form(client, f"/staff/print/blank?lang={lang}", "/staff/print/blank",
                     {"district": "8", "copies": "2", "language": "es", **data})


def test_blank_letters_for_one_district_have_lines_to_fill_in(app, canvasser):
    token = job_token(request_blank(canvasser, district="8", copies="2", language="es"))
    assert "Waiting to start…" in visible(canvasser.get(f"/staff/prints/{token}"))
    run_worker(app)
    assert "2 letters are ready." in visible(canvasser.get(f"/staff/prints/{token}"))
    pdf = download(canvasser, token)
    assert summary(pdf, BLANK_LETTERS) == [
        ("cover", "Teresa Mosqueda", "2 letters"),
        ("letter", BLANK_ES, "Estimada concejala Mosqueda:"),
        ("letter", BLANK_ES, "Estimada concejala Mosqueda:"),
    ]


def test_blank_letters_for_every_district_come_one_district_after_another(app, canvasser):
    token = job_token(request_blank(canvasser, district="all", copies="1", language="en"))
    run_worker(app)
    pdf = download(canvasser, token)
    expected = []
    for district in map(str, range(1, 10)):
        name, salutation_en, _es = OFFICIALS[district]
        expected += [("cover", name, "1 letter"), ("letter", BLANK_EN, salutation_en)]
    assert summary(pdf, BLANK_LETTERS) == expected


@pytest.mark.parametrize("copies", ["0", "201", "-3", ""])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_blank_letters_need_between_1_and_200_copies(app, canvasser, es, lang, copies):
    response = request_blank(canvasser, lang=lang, copies=copies)
    assert response.status_code == 422
    message = "Between 1 and 200, please."
    assert (message if lang == "en" else es(message)) in field_errors(response, "copies")
    assert input_value(response, "copies") == copies
    with app.app_context():
        assert db.session.scalars(db.select(PrintJob)).all() == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_blank_letters_refuse_copies_that_are_not_a_number(app, canvasser, es, lang):
    response = request_blank(canvasser, lang=lang, copies="ten")
    assert response.status_code == 422
    message = "Between 1 and 200, please."
    assert (message if lang == "en" else es(message)) in field_errors(response, "copies")


def test_blank_letters_refuse_a_district_that_is_not_offered(app, canvasser):
    response = request_blank(canvasser, district="10")
    assert response.status_code == 422
    assert field_errors(response, "district") == ["Not a valid choice."]  # WTForms' own message
    with app.app_context():
        assert db.session.scalars(db.select(PrintJob)).all() == []


# ---------------------------------------------------------------------------
# Delivery packet for one official (staff only)
# ---------------------------------------------------------------------------


def request_packet(client, lang="en", **data):
    return send_form(client, f"/staff/print/packet?lang={lang}", "/staff/print/packet", data)


def test_a_delivery_packet_is_offered_for_each_councilmember_and_nobody_else(staff):
    page = text(staff.get("/staff/print/packet"))
    offered = re.findall(r'<option[^>]*value="([^"]+)"', page)
    assert offered == [f"councilmember:{district}" for district in range(1, 10)]  # letters only go to them


def set_created_at(app, name, when):
    with app.app_context():
        letter = db.session.scalar(db.select(Letter).where(Letter.name == name))
        letter.created_at = when
        db.session.commit()


def test_the_delivery_packet_is_for_staff_only(canvasser, es):
    response = canvasser.get("/staff/print/packet")
    assert response.status_code == 403
    assert "Not for this account" in visible(response)
    assert es("Not for this account") in visible(canvasser.get("/staff/print/packet?lang=es"))
    assert "Delivery packet for one official" not in visible(canvasser.get("/staff/events"))


def test_the_delivery_packet_has_only_that_officials_unsent_event_letters_in_the_date_range(app, staff, client):
    event_id = create_event(staff)
    saved(add_signer(staff, event_id, name="Zoe Adams", letter_language="en"), event_id)           # 4, today
    saved(add_signer(staff, event_id, name="Eva Abad", letter_language="es"), event_id)            # 4, today
    saved(add_signer(staff, event_id, name="Dan Brown", **TWO_SAME_DISTRICT), event_id)            # 3: other
    saved(add_signer(staff, event_id, name="Old Letter", letter_language="en"), event_id)          # 4, too old
    saved(add_signer(staff, event_id, name="Gone Letter", letter_language="en"), event_id)         # 4, cancelled
    saved(add_signer(staff, event_id, name="Emailed Signer", email="signer@example.org", email_it="y"),
          event_id)                                                                                # 4, emailed
    assert submit_letter(client, name="Web Writer", letter_language="both").status_code == 302     # 4, web form
    today = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    set_created_at(app, "Old Letter", today - dt.timedelta(days=10))
    with app.app_context():
        gone = db.session.scalar(db.select(Letter).where(Letter.name == "Gone Letter"))
        gone.status = LetterStatus.CANCELLED
        db.session.commit()

    page = text(staff.get("/staff/print/packet"))
    assert '<option value="councilmember:4">Jorge L. Barón (councilmember 4)</option>' in page
    since = (today - dt.timedelta(days=2)).date().isoformat()
    token = job_token(request_packet(staff, office="councilmember:4", since=since, until=today.date().isoformat()))
    run_worker(app)
    assert "2 letters are ready." in visible(staff.get(f"/staff/prints/{token}"))
    pdf = download(staff, token)
    names = ["Zoe Adams", "Eva Abad", "Dan Brown", "Old Letter", "Gone Letter", "Web Writer", "Emailed Signer"]
    assert summary(pdf, names) == [
        ("cover", "Jorge L. Barón", "2 letters"),
        ("letter", "Eva Abad", "Estimado concejal Barón:"),
        ("letter", "Zoe Adams", "Dear Councilmember Barón:"),
    ]


def test_the_delivery_packet_dates_are_king_county_dates(app, staff):
    event_id = create_event(staff)
    saved(add_signer(staff, event_id, name="Late Signer"), event_id)
    set_created_at(app, "Late Signer", dt.datetime(2026, 11, 29, 1, 0))  # 5 pm on Nov 28 in Seattle
    token = job_token(request_packet(staff, office="councilmember:4", since="2026-11-28", until="2026-11-28"))
    run_worker(app)
    assert staff.get(f"/staff/prints/{token}.json").get_json()["letters"] == 1
    assert "November 28, 2026" in " ".join(pdf_pages(download(staff, token)))


@pytest.mark.parametrize("data, field, message", [
    ({"office": "councilmember:4", "since": "", "until": "2026-11-28"}, "since",
     "Please enter the date, like 2026-11-28."),
    ({"office": "councilmember:4", "since": "2026-11-28", "until": "tomorrow"}, "until",
     "Please enter the date, like 2026-11-28."),
    ({"office": "councilmember:4", "since": "2026-11-28", "until": "2026-11-01"}, "until",
     "The end date must not be before the start date."),
])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_delivery_packet_with_a_bad_date_is_refused_with_its_message(app, staff, es, lang, data, field, message):
    response = request_packet(staff, lang=lang, **data)
    assert response.status_code == 422
    assert (message if lang == "en" else es(message)) in field_errors(response, field)
    with app.app_context():
        assert db.session.scalars(db.select(PrintJob)).all() == []


def test_a_delivery_packet_for_an_office_not_in_the_roster_is_refused(app, staff):
    response = request_packet(staff, office="councilmember:99", since="2026-11-01", until="2026-11-28")
    assert response.status_code == 422
    assert field_errors(response, "office") == ["Not a valid choice."]  # WTForms' own message
    with app.app_context():
        assert db.session.scalars(db.select(PrintJob)).all() == []


# ---------------------------------------------------------------------------
# Event letters in the staff console's counts
# ---------------------------------------------------------------------------


def test_event_letters_count_as_the_event_channel_on_the_dashboard_and_in_the_export(app, staff, client, smtp):
    event_id = create_event(staff)
    saved(add_signer(staff, event_id, name="Zoe Adams"), event_id)
    saved(add_signer(staff, event_id, name="Rosa Díaz", email="rosa@example.org", email_it="y"), event_id)
    assert submit_letter(client, name="Web Writer").status_code == 302  # a printed (PDF) letter
    run_worker(app)  # Rosa's letter is emailed, and stays an event letter

    dashboard = text(staff.get("/staff/"))
    assert '<th scope="row">At events</th><td>2</td>' in dashboard
    assert '<th scope="row">Written to print (PDF; we cannot see if mailed)</th><td>1</td>' in dashboard
    assert '<th scope="row">By email</th><td>0</td>' in dashboard
    export = staff.get("/staff/letters.csv").get_data(as_text=True).splitlines()
    channels = sorted(line.split(",")[4] for line in export[1:])
    assert channels == ["event", "event", "pdf"]


# --- limits: one canvasser cannot make the event page too heavy to load ------------------------------------

def bad_rows(count, start=0):
    """`count` sheet rows that each fail on their ZIP (no lookup needed)."""
    return [f"Signer {n},1 Pine St,Seattle,9810,en,,,,4" for n in range(start, start + count)]


def test_a_sheet_with_more_signers_than_one_upload_takes_is_refused_whole_before_any_lookup(
        app, canvasser, geocoder):
    app.config["SHEET_MAX_ROWS"] = 5
    event_id = create_event(canvasser)
    geocoder.reset_requests()
    rows = [f"Ana {n},100 Main St,Seattle,98104,es,,,,4" for n in range(6)]
    response = upload(canvasser, event_id, sheet(EN_HEADER, *rows))
    assert response.status_code == 422
    assert ("The sheet could not be read: it has 6 signers, and one upload takes at most 5. "
            "Please split it into smaller files.") in visible(response)
    assert letters_of_event(app, event_id) == []
    assert geocoder.request_count == 0


def test_an_upload_that_would_keep_too_many_rows_to_fix_is_refused_whole_without_looking_up_the_rest(
        app, canvasser, geocoder):
    app.config["EVENT_MAX_ROWS_TO_FIX"] = 10
    event_id = create_event(canvasser)
    assert "8 rows need fixing" in visible(upload(canvasser, event_id, sheet(EN_HEADER, *bad_rows(8))))
    response = upload(canvasser, event_id, sheet(EN_HEADER, "Ana López,100 Main St,Seattle,98104,es,,,,4",
                                                 *bad_rows(3, start=8)))
    assert response.status_code == 422
    assert ("Nothing was added: this sheet has at least 3 rows to fix, and this event already has 8. An event "
            "keeps at most 10.") in visible(response)
    assert letters_of_event(app, event_id) == []  # the good row was not added either
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(SheetRow.id)).where(SheetRow.event_id == event_id)) == 8
    # Reading stops at the row that breaks the limit: the addresses after it are never looked up.
    geocoder.reset_requests()
    unknown = [f"Signer {n},{n} Nowhere Ln,Seattle,98104,en,,,," for n in range(5)]
    response = upload(canvasser, event_id, sheet(EN_HEADER, *unknown))
    assert "this sheet has at least 3 rows to fix" in visible(response)
    assert geocoder.request_count <= 3


def test_rows_to_fix_are_shown_fifty_to_a_page(app, canvasser):
    event_id = create_event(canvasser)
    upload(canvasser, event_id, sheet(EN_HEADER, *bad_rows(120)))
    first = canvasser.get(f"/staff/events/{event_id}")
    assert "120 rows of a sign-up sheet are not letters yet." in visible(first)
    assert visible(first).count("Fix line ") == 50
    assert "Page 1 of 3" in visible(first)
    assert f'href="/staff/events/{event_id}?rows_page=2#rows-to-fix"' in first.get_data(as_text=True)
    last = canvasser.get(f"/staff/events/{event_id}?rows_page=3")
    assert visible(last).count("Fix line ") == 20
    assert "Fix line 121" in visible(last) and "Fix line 101 " not in visible(last)
    assert canvasser.get(f"/staff/events/{event_id}?rows_page=999").status_code == 200  # the last page


def test_signers_are_shown_a_hundred_to_a_page_newest_first(app, canvasser):
    event_id = create_event(canvasser)
    rows = [f"Signer {n:03d},100 Main St,Seattle,98104,es,,,,4" for n in range(105)]
    assert "105 letters added." in visible(upload(canvasser, event_id, sheet(EN_HEADER, *rows)))
    first = visible(canvasser.get(f"/staff/events/{event_id}"))
    assert "105 letters" in first and "Page 1 of 2" in first
    assert "Signer 104" in first and "Signer 004" not in first
    second = visible(canvasser.get(f"/staff/events/{event_id}?signers_page=2"))
    assert "Signer 004" in second and "Signer 000" in second and "Signer 104" not in second


@pytest.mark.parametrize("word, language", [("Español", "es"), ("espanol", "es"), ("Inglés", "en"),
                                            ("English", "en"), ("ambos", "both"), ("Both", "both"), ("", "en")])
def test_a_sheets_language_column_takes_the_words_people_write(app, canvasser, word, language):
    event_id = create_event(canvasser)
    response = upload(canvasser, event_id, sheet(ES_HEADER, f"Ana López,100 Main St,Seattle,98104,{word},,,,4"))
    assert "1 letter added." in visible(response)
    assert [row[2] for row in letters_of_event(app, event_id)] == [language]


def test_a_language_nobody_could_mean_is_still_refused(app, canvasser):
    event_id = create_event(canvasser)
    upload(canvasser, event_id, sheet(EN_HEADER, "Ana López,100 Main St,Seattle,98104,klingon,,,,4"))
    assert letters_of_event(app, event_id) == []
