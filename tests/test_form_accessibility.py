"""Every form page, sent back with mistakes: each field in error says so to a screen reader.

A field with an error carries aria-invalid="true" and an aria-describedby naming elements that exist
on the page (once each), one of which holds the error's text; every list of errors on the page is
named by its field; a field without errors carries no aria-invalid. Pages are read with html.parser,
as a browser builds its tree, not by matching the macros' markup.
"""

import io
import re
from html.parser import HTMLParser

import pytest
from flask import render_template_string
from flask_babel import force_locale, gettext

from actiontool.forms import LetterForm, RosterUploadForm, SendForm
from actiontool.letters.content import NOTE_MAX_LENGTH
from tests.helpers import csrf_token, letter_token, submit_letter

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
NOT_FIELDS = {"hidden", "submit", "button", "reset", "image"}

NAME = "Please enter your name."
STREET = "Please enter your street address."
CITY = "Please enter your city."
ZIP = "Please enter your ZIP code."
NOT_A_CHOICE = "Not a valid choice."
EMAIL_LIKE = "Please enter an email address like name@example.com."
CSV_FILE = "Please choose a CSV file."
DATE = "Please enter the date, like 2026-11-28."


def under(limit):
    return f"Please keep this under {limit} characters."


class Page(HTMLParser):
    """A page's form fields (with their attributes) and the text of every element that has an id."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.fields = []  # (tag, attributes) of every <input>, <select> and <textarea> a person fills in
        self.texts = {}  # id -> one list of text pieces per element carrying that id
        self.error_lists = []  # ids of the <ul class="field-errors"> on the page
        self._open = []  # (tag, id, index into self.texts[id]) of the elements not closed yet
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = {key: value if value is not None else "" for key, value in attrs}
        if tag in ("input", "select", "textarea") and attrs.get("type") not in NOT_FIELDS:
            self.fields.append((tag, attrs))
        element_id = attrs.get("id")
        if element_id is not None:
            self.texts.setdefault(element_id, []).append([])
            if "field-errors" in attrs.get("class", "").split():
                self.error_lists.append(element_id)
        if tag not in VOID:
            self._open.append((tag, element_id, len(self.texts.get(element_id, [])) - 1))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        for depth in range(len(self._open) - 1, -1, -1):
            if self._open[depth][0] == tag:
                del self._open[depth:]
                return

    def handle_data(self, data):
        for _tag, element_id, index in self._open:
            if element_id is not None:
                self.texts[element_id][index].append(data)

    def named(self, name):
        return [attrs for _tag, attrs in self.fields if attrs.get("name") == name]

    def text_of(self, element_id):
        [pieces] = self.texts[element_id]
        return " ".join("".join(pieces).split())


def assert_errors_wired(response, expected, status=422):
    """`expected`: field name -> (part of) its error message; those fields, and no others, are in error."""
    html = response.get_data(as_text=True)
    assert response.status_code == status, (response.status_code, html[:300])
    page = Page(html)
    named_by_fields = set()
    for name, message in expected.items():
        fields = page.named(name)
        assert fields, f"no field named {name!r} on the page"
        for attrs in fields:  # a radio group: every button in it
            assert attrs.get("aria-invalid") == "true", f"{name!r} is in error but not aria-invalid: {attrs}"
            described_by = attrs.get("aria-describedby", "").split()
            assert described_by, f"{name!r} is in error but has no aria-describedby: {attrs}"
            for element_id in described_by:
                assert len(page.texts.get(element_id, [])) == 1, (
                    f"{name!r}: aria-describedby names #{element_id}, which is not on the page exactly once")
            assert any(message in page.text_of(element_id) for element_id in described_by), (
                f"{name!r}: none of {described_by} holds {message!r}: "
                f"{[page.text_of(element_id) for element_id in described_by]}")
            named_by_fields.update(described_by)
    for _tag, attrs in page.fields:
        if attrs.get("name") not in expected:
            assert "aria-invalid" not in attrs, f"{attrs.get('name')!r} has no error but is marked invalid"
            for element_id in attrs.get("aria-describedby", "").split():
                assert len(page.texts.get(element_id, [])) == 1, f"{attrs.get('name')!r} names a missing #{element_id}"
    orphans = [element_id for element_id in page.error_lists if element_id not in named_by_fields]
    assert not orphans, f"errors shown but no field points at them: {[page.text_of(i) for i in orphans]}"


def open_and_post(client, page_url, action=None, data=None, files=None):
    """Open `page_url`, then send its form back to `action` (the same URL by default) with its CSRF token."""
    page = client.get(page_url)
    assert page.status_code == 200, page.status_code
    values = {**(data or {}), "csrf_token": csrf_token(page.get_data(as_text=True))}
    for name, content in (files or {}).items():
        values[name] = (io.BytesIO(content), f"{name}.csv")
    return client.post(action or page_url, data=values, content_type="multipart/form-data")


def new_event(client):
    response = open_and_post(client, "/staff/events", data={"name": "Fiesta", "date": "2026-11-28", "place": ""})
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


# ---------------------------------------------------------------------------
# The supporter's pages
# ---------------------------------------------------------------------------


def test_the_empty_letter_form_ties_each_message_to_its_field(client):
    response = submit_letter(client, name="", street="", city="", zip="")
    assert_errors_wired(response, {"name": NAME, "street": STREET, "city": CITY, "zip": ZIP})


def test_the_letter_form_in_spanish_ties_the_spanish_messages_to_their_fields(app, client):
    with app.test_request_context("/"), force_locale("es"):
        spanish = {name: gettext(message) for name, message in
                   (("name", NAME), ("street", STREET), ("city", CITY), ("zip", ZIP))}
    assert spanish["name"] != NAME
    response = submit_letter(client, lang="es", name="", street="", city="", zip="")
    assert_errors_wired(response, spanish)


def test_the_letter_form_ties_errors_on_its_select_textarea_radio_buttons_and_honeypot(client):
    response = submit_letter(client, email="not-an-email", district="12", letter_language="zz",
                             note="x" * (NOTE_MAX_LENGTH + 1), website="w" * 201)
    assert_errors_wired(response, {"email": EMAIL_LIKE, "district": NOT_A_CHOICE, "letter_language": NOT_A_CHOICE,
                                   "note": under(NOTE_MAX_LENGTH), "website": under(200)})


def test_the_send_by_email_form_on_the_letter_page_ties_its_message_to_the_email_field(client):
    token = letter_token(submit_letter(client))
    response = open_and_post(client, f"/letters/{token}", f"/letters/{token}/send", {"email": "", "wants_copy": "y"})
    assert_errors_wired(response, {"email": "Please enter your email address: we send you a link to confirm."})


# ---------------------------------------------------------------------------
# Staff and canvassers' pages
# ---------------------------------------------------------------------------


def test_the_empty_sign_in_form_ties_each_message_to_its_field(client):
    response = open_and_post(client, "/staff/login", data={"email": "", "password": ""})
    assert_errors_wired(response, {"email": "Please enter your email address.",
                                   "password": "Please enter your password."})


def test_the_roster_upload_without_a_file_ties_the_message_to_the_file_field(staff):
    response = open_and_post(staff, "/staff/roster/upload")
    assert_errors_wired(response, {"file": CSV_FILE})


def official_edit_url(client):
    match = re.search(r'href="(/staff/roster/\d+/edit)"', client.get("/staff/roster").get_data(as_text=True))
    assert match, "no official to edit"
    return match.group(1)


def official_values(client, url):
    """What the official form shows now, as a browser would send it back untouched."""
    form = Page(client.get(url).get_data(as_text=True))
    values = {attrs["name"]: form.text_of(attrs["id"]) if tag == "textarea" else attrs.get("value", "")
              for tag, attrs in form.fields}
    assert values["source"], "the textarea's text was not read"
    return values


def test_the_official_form_ties_errors_on_its_text_fields_and_its_source_textarea(staff):
    url = official_edit_url(staff)
    values = official_values(staff, url)
    response = open_and_post(staff, url, data={**values, "name": "n" * 121, "source": "s" * 2001})
    assert_errors_wired(response, {"name": under(120), "source": under(2000)})


def test_the_official_form_ties_the_roster_rules_message_to_its_field(staff):
    url = official_edit_url(staff)
    response = open_and_post(staff, url, data={**official_values(staff, url), "email": "not an email"})
    assert_errors_wired(response, {"email": "not a valid email address"})


def test_the_new_event_form_ties_each_message_to_its_field(staff):
    response = open_and_post(staff, "/staff/events", data={"name": "", "date": "", "place": "p" * 201})
    assert_errors_wired(response, {"name": "Please give the event a name.", "date": DATE, "place": under(200)})


def test_the_signer_form_on_the_event_page_ties_errors_on_every_kind_of_field(staff):
    url = new_event(staff)
    response = open_and_post(staff, url, data={
        "name": "", "street": "1 Main St", "city": "Seattle", "zip": "981", "letter_language": "zz",
        "district": "12", "email": "", "email_it": "y", "phone": "call me", "note": "x" * (NOTE_MAX_LENGTH + 1)})
    assert_errors_wired(response, {
        "name": NAME, "zip": "A ZIP code has 5 digits, like 98104.", "letter_language": NOT_A_CHOICE,
        "district": NOT_A_CHOICE, "email": "To email the letter, please enter the signer's email address.",
        "phone": "Please enter a phone number, like 206-555-0100.", "note": under(NOTE_MAX_LENGTH)})


def test_the_sheet_upload_without_a_file_ties_the_message_to_the_file_field(staff):
    url = new_event(staff)
    response = open_and_post(staff, url, f"{url}/upload")
    assert_errors_wired(response, {"file": CSV_FILE})


def test_a_sheet_row_to_fix_ties_its_problems_to_its_fields_when_opened_and_when_sent_back(staff):
    url = new_event(staff)
    sheet = "name,street,city,zip,language,email,phone,note,district\nAna Lopez,,Seattle,98104,en,,,,\n"
    response = open_and_post(staff, url, f"{url}/upload", files={"file": sheet.encode()})
    assert response.status_code == 303, response.status_code
    event_page = staff.get(response.headers["Location"]).get_data(as_text=True)
    row_url = re.search(r'href="(/staff/events/\d+/rows/\d+)"', event_page).group(1)
    assert_errors_wired(staff.get(row_url), {"street": STREET}, status=200)
    response = open_and_post(staff, row_url, data={"name": "", "street": "", "city": "Seattle", "zip": "98104",
                                                   "letter_language": "en", "phone": "call me"})
    assert_errors_wired(response, {"name": NAME, "street": STREET,
                                   "phone": "Please enter a phone number, like 206-555-0100."})


def test_the_blank_letters_form_ties_errors_on_its_selects_and_number(staff):
    response = open_and_post(staff, "/staff/print/blank", data={"district": "12", "copies": "0", "language": "zz"})
    assert_errors_wired(response, {"district": NOT_A_CHOICE, "copies": "Between 1 and 200, please.",
                                   "language": NOT_A_CHOICE})


def test_the_packet_form_ties_errors_on_its_select_and_dates(staff):
    response = open_and_post(staff, "/staff/print/packet", data={"office": "nobody:0", "since": "", "until": ""})
    assert_errors_wired(response, {"office": NOT_A_CHOICE, "since": DATE, "until": DATE})
    response = open_and_post(staff, "/staff/print/packet", data={
        "office": "councilmember:4", "since": "2026-11-28", "until": "2026-11-01"})
    assert_errors_wired(response, {"until": "The end date must not be before the start date."})


# ---------------------------------------------------------------------------
# The macros themselves, for the kinds of field no page can put in error today
# ---------------------------------------------------------------------------

MACROS = [
    ("text_field", LetterForm, "name", True),
    ("select_field", LetterForm, "district", True),
    ("textarea_field", LetterForm, "note", True),
    ("file_field", RosterUploadForm, "file", True),
    ("checkbox_field", SendForm, "wants_copy", True),
    ("radio_group", LetterForm, "letter_language", True),
    ("radio_group", LetterForm, "candidate", True),
    ("honeypot", LetterForm, "website", False),
]


def draw(app, macro, form_class, name, errors, hint):
    with app.test_request_context("/", method="POST", data={}):
        form = form_class(meta={"csrf": False})
        field = form[name]
        if name == "candidate":
            field.choices = ["1 TWIN ST N, SEATTLE, WA, 98104", "1 TWIN ST S, SEATTLE, WA, 98104"]
        field.errors = errors
        call = f"{macro}(field, hint=hint)" if hint else f"{macro}(field)"
        return Page(render_template_string(f'{{% from "_form.html" import {macro} %}}{{{{ {call} }}}}',
                                           field=field, hint=hint))


@pytest.mark.parametrize("macro, form_class, name, has_hint", MACROS, ids=[f"{m}-{n}" for m, _f, n, _h in MACROS])
def test_every_field_macro_ties_its_errors_and_hint_to_the_field(app, macro, form_class, name, has_hint):
    hint = "A hint for this field." if has_hint else None
    page = draw(app, macro, form_class, name, ["The first problem.", "The second problem."], hint)
    fields = page.named(name)
    assert fields, name
    for attrs in fields:
        assert attrs.get("aria-invalid") == "true", attrs
        described = [page.text_of(element_id) for element_id in attrs["aria-describedby"].split()]
        assert any("The first problem." in text and "The second problem." in text for text in described), described
    if hint and macro != "radio_group":  # a group's hint is named by its <fieldset>, not by each button
        for attrs in fields:
            assert any(hint in page.text_of(i) for i in attrs["aria-describedby"].split()), attrs

    calm = draw(app, macro, form_class, name, [], hint)
    for attrs in calm.named(name):
        assert "aria-invalid" not in attrs, attrs
        for element_id in attrs.get("aria-describedby", "").split():
            assert calm.text_of(element_id) == hint, attrs  # the hint alone
    assert calm.error_lists == []


def test_the_error_summary_lists_the_fields_in_the_order_the_page_shows_them(client):
    page = client.get("/write").get_data(as_text=True)
    sent = client.post("/write", data={"csrf_token": csrf_token(page), "email": "not-an-email",
                                       "letter_language": "zz", "note": "x" * (NOTE_MAX_LENGTH + 1)})
    html = sent.get_data(as_text=True)
    summary = re.search(r'<ul class="error-summary">(.*?)</ul>', html, re.S).group(1)
    linked = [target.removesuffix("-0") for target in re.findall(r'href="#([\w-]+)"', summary)]
    shown = [re.sub(r"-\d+$", "", attrs["id"]) for _, attrs in Page(html).fields]
    shown = [field for field in shown if field in linked]
    assert linked == list(dict.fromkeys(shown))
    assert linked == ["name", "email", "street", "city", "zip", "note", "letter_language"]


def test_the_address_fields_tell_phones_what_they_hold(client):
    fields = {attrs.get("id"): attrs for _, attrs in Page(client.get("/write").get_data(as_text=True)).fields}
    assert {name: fields[name].get("autocomplete") for name in ("name", "email", "street", "city", "zip")} == {
        "name": "name", "email": "email", "street": "address-line1", "city": "address-level2", "zip": "postal-code"}
    assert fields["zip"].get("inputmode") == "numeric"
