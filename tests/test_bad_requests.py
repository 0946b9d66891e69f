"""Requests no person's browser sends get a clear page in the page's language, never a 500:
NUL characters (PostgreSQL cannot store them), bodies that are not forms, files where text belongs."""

import io
import json
import re

import pytest

from tests.helpers import HOME, csrf_token, letter_form, letter_token, submit_letter, text

CANNOT_READ = {"en": "We could not read that", "es": "No pudimos leer eso"}


def form_with_token(client, path="/write"):
    return {**letter_form(), "csrf_token": csrf_token(client.get(path).get_data(as_text=True))}


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("field", ["name", "email", "street", "city", "zip", "note", "csrf_token", "Ana\x00"])
def test_a_nul_character_in_any_letter_field_gets_a_translated_400(app, client, lang, field):
    client.get(f"/?lang={lang}")
    data = form_with_token(client)
    if field in data:
        data[field] = "Ana\x00López"
    else:
        data[field] = "x"  # a NUL in the field's name
    response = client.post("/write", data=data)
    assert response.status_code == 400
    assert CANNOT_READ[lang] in text(response)


@pytest.mark.parametrize("path", ["/letters/ab\x00cd", "/letters/ab%00cd/status", "/letters/ab%00cd.pdf",
                                  "/confirm/x%00y", "/api/lookup?street=1%00Main&city=Seattle&zip=98104",
                                  "/?lang=e%00s", "/staff/prints/a%00b"])
def test_a_nul_character_in_an_address_gets_a_400(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert CANNOT_READ["en"] in text(response)


def test_a_nul_character_in_the_staff_sign_in_gets_a_400(client):
    token = csrf_token(client.get("/staff/login").get_data(as_text=True))
    response = client.post("/staff/login", data={"email": "a\x00@b.org", "password": "x" * 12, "csrf_token": token})
    assert response.status_code == 400


@pytest.mark.parametrize("body, content_type", [
    (json.dumps({"name": "Ana"}), "application/json"),
    ("[1, 2]", "application/json"),
    ('{"name": {"a": 1}}', "application/json"),
    ("{not json", "application/json"),
    ("name=Ana", "text/plain"),
    ("<x/>", "application/xml"),
])
@pytest.mark.parametrize("path", ["/write", "/letters/unknown/send", "/staff/login", "/confirm/abc"])
def test_a_body_that_is_not_a_form_gets_a_400_page(client, path, body, content_type):
    response = client.post(path, data=body, content_type=content_type)
    assert response.status_code == 400
    assert response.mimetype == "text/html"


def test_a_body_that_is_not_a_form_on_a_real_letter_gets_a_400_page(client):
    token = letter_token(submit_letter(client))
    response = client.post(f"/letters/{token}/send", data="{}", content_type="application/json")
    assert response.status_code == 400


def test_an_expired_form_for_a_letter_that_does_not_exist_is_a_translated_404(client):
    response = client.post("/letters/no-such-letter/send", data={"email": "a@b.org"})
    assert response.status_code == 404
    assert "Page not found" in text(response)


@pytest.mark.parametrize("field", ["name", "street", "note", "csrf_token"])
def test_a_text_field_sent_as_a_file_gets_a_400(client, field):
    data = form_with_token(client)
    data[field] = (io.BytesIO(b"Ana"), "a.txt")
    response = client.post("/write", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert CANNOT_READ["en"] in text(response)


def test_an_ordinary_multipart_letter_form_still_works(client):
    response = client.post("/write", data=form_with_token(client), content_type="multipart/form-data")
    assert response.status_code == 302


def test_api_lookup_with_a_nul_answers_400_and_is_never_stored(app, client):
    response = client.get("/api/lookup", query_string={**HOME, "street": "100\x00 Main St"})
    assert response.status_code == 400


def test_a_multipart_part_without_a_name_gets_a_400_on_any_path(client):
    body = b"--a\r\nContent-Disposition: form-data\r\n\r\nhi\r\n--a--\r\n"
    for path in ("/write", "/staff/login", "/letters/x/send", "/nope"):
        response = client.post(path, data=body, content_type="multipart/form-data; boundary=a")
        assert response.status_code in (400, 404, 405), path
        assert response.status_code != 500


@pytest.mark.parametrize("path", ["/staff/events/2147483648", "/staff/roster/2147483648/edit",
                                  "/staff/events/1/rows/99999999999999999999"])
def test_an_id_too_large_for_the_database_is_a_404(app, staff, path):
    response = staff.get(path)
    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_a_host_header_that_cannot_be_read_gets_a_plain_400(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/", headers={"Host": "a" * 70})
    assert response.status_code == 400
    assert "We could not read that" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["token=x", "_anchor=x", "_external=1&_scheme=https"])
def test_a_query_naming_a_path_part_or_a_link_option_is_ignored_by_the_language_link(client, query):
    token = letter_token(submit_letter(client))
    # The status page: its language switch is a link built from the query (the preview page's is a
    # button that takes the send form along).
    response = client.get(f"/letters/{token}/status?{query}")
    assert response.status_code == 200
    assert f'href="/letters/{token}/status?lang=es"' in response.get_data(as_text=True)


@pytest.mark.parametrize("zip_code", ["\uff19\uff18\uff11\uff10\uff14", "98104-\u0661\u0661\u0661\u0661"])
def test_a_zip_in_other_digits_gets_the_zip_message_not_a_wrong_county(client, zip_code):
    response = client.get("/api/lookup", query_string={**HOME, "zip": zip_code})
    assert response.status_code == 400
    assert "zip" in response.get_json()["fields"]


@pytest.mark.parametrize("email", ["josé@example.com", "ana@ñandú.example"])
def test_an_email_address_no_mail_server_can_take_is_refused_on_the_form(client, email):
    token = letter_token(submit_letter(client))
    page = client.get(f"/letters/{token}")
    response = client.post(f"/letters/{token}/send", data={"email": email,
                                                           "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 422
    assert "Please enter an email address like name@example.com." in text(response)


def test_an_accented_email_address_is_explained_once(client):
    token = letter_token(submit_letter(client))
    page = client.get(f"/letters/{token}")
    response = client.post(f"/letters/{token}/send", data={"email": "josé@example.com",
                                                           "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 422
    field_errors = re.search(r'<ul class="field-errors" id="email-errors">(.*?)</ul>', response.get_data(as_text=True),
                             re.S).group(1)
    assert field_errors.count("Please enter an email address like name@example.com.") == 1
