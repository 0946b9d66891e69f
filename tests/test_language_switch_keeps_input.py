"""Switching language on a page with a form sends the form along: the same page comes back in the other
language with everything typed still there, no error shown and nothing saved."""

import re

from actiontool.models import Letter, db
from tests.helpers import HOME, csrf_token, letter_token, submit_letter, text

TYPED = {"name": "María Elena Ríos", "email": "maria@example.org", "street": HOME["street"], "city": HOME["city"],
         "zip": HOME["zip"], "note": "Mi hijo nació aquí.", "letter_language": "both"}


def letters_saved(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Letter))


def test_the_letter_form_comes_back_in_spanish_with_what_was_typed(app, client):
    page = client.get("/write?lang=en").get_data(as_text=True)
    switch = re.search(r'<button type="submit" form="letter-form" name="switch_language" value="es"[^>]*'
                       r'formaction="([^"]+)"', page)
    assert switch, "the Español button sends the letter form"
    switched = client.post(switch.group(1), data={**TYPED, "switch_language": "es",
                                                   "csrf_token": csrf_token(page)})
    html = switched.get_data(as_text=True)
    assert switched.status_code == 200 and '<html lang="es">' in html
    for field in ("name", "email", "street", "city", "zip"):
        assert f'value="{TYPED[field]}"' in html, field
    assert "Mi hijo nació aquí.</textarea>" in html
    assert re.search(r'<input[^>]*checked[^>]*value="both"|<input[^>]*value="both"[^>]*checked', html)
    assert "field-errors" not in html and 'role="alert"' not in html
    assert letters_saved(app) == 0
    # ...and the language stays chosen for the next page.
    assert '<html lang="es">' in client.get("/").get_data(as_text=True)


def test_switching_with_an_empty_form_shows_no_errors(client):
    page = client.get("/write?lang=es").get_data(as_text=True)
    switched = client.post("/write?lang=en", data={"switch_language": "en", "csrf_token": csrf_token(page)})
    assert switched.status_code == 200 and "field-errors" not in switched.get_data(as_text=True)
    assert "Your full name" in text(switched)


def test_the_send_form_comes_back_in_the_other_language_with_the_email_typed(app, client):
    token = letter_token(submit_letter(client))
    page = client.get(f"/letters/{token}").get_data(as_text=True)
    assert f'formaction="/letters/{token}/send?lang=es"' in page
    switched = client.post(f"/letters/{token}/send?lang=es", data={
        "email": "maria@example.org", "wants_copy": "y", "switch_language": "es", "csrf_token": csrf_token(page)})
    html = switched.get_data(as_text=True)
    assert switched.status_code == 200 and '<html lang="es">' in html
    assert 'value="maria@example.org"' in html
    assert re.search(r'id="wants_copy"[^>]*checked|checked[^>]*id="wants_copy"', html)
    with app.app_context():
        assert db.session.scalar(db.select(Letter.status).where(Letter.token == token)) == "written"


def test_the_switch_still_needs_the_forms_csrf_token(app, client):
    switched = client.post("/write?lang=es", data={**TYPED, "switch_language": "es"})
    assert switched.status_code == 400
    assert letters_saved(app) == 0
