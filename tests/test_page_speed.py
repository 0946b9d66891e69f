"""The busiest pages' speed-ups write exactly what they replace, and keep every limit and language.

(Proposed for tests/test_page_speed.py.)
"""

import threading
import time

import pytest
from markupsafe import Markup
from wtforms.widgets import html_params

from actiontool import forms
from actiontool.forms import LetterForm, html_attributes
from actiontool.i18n import lazy_gettext
from tests.helpers import submit_letter

# A value of every kind html_params meets: text with markup and quotes, numbers, booleans, lazy strings.
ATTRIBUTE_SETS = [
    {},
    {"autocomplete": "name", "aria-describedby": "name-hint name-errors", "aria-invalid": "true"},
    {"class_": 'a"b <c> & d', "data_x_y": "1", "aria_label": lazy_gettext("City"), "maxlength": 100},
    {"required": True, "disabled": False, "tabindex": "-1", "value": "O'Brien \"Jr\" <b>"},
    {"title": Markup('say "hi" <b>'), "id": "x&y"},
]
ODD_DATA = {"name": '<script>"x"</script> & O\'Brien', "street": "1 Main St", "city": "", "zip": "abc",
            "email": "a@", "note": "x\r\n<y>", "letter_language": "zz", "district": "12", "website": "",
            "candidate": "1 MAIN ST", "phone": "+1 206", "email_it": "y", "copies": "3", "date": "2026-11-28",
            "password": "secret", "since": "2026-01-01", "until": "2025-01-01"}
CHOSEN = {**ODD_DATA, "letter_language": "es", "district": "3", "candidate": "1 MAIN ST N", "office": "x",
          "language": "both", "wants_copy": "y", "opt_in": "y"}


def every_form():
    return [cls for cls in vars(forms).values()
            if isinstance(cls, type) and issubclass(cls, forms.Form) and cls is not forms.Form]


@pytest.mark.parametrize("attributes", ATTRIBUTE_SETS)
def test_html_attributes_writes_what_wtforms_html_params_writes(app, attributes):
    with app.test_request_context("/?lang=es"):
        assert html_attributes(dict(attributes)) == html_params(**attributes)


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("form_class", every_form(), ids=lambda cls: cls.__name__)
def test_every_field_is_drawn_as_wtforms_draws_it(app, form_class, lang):
    for method, data in (("GET", None), ("POST", ODD_DATA), ("POST", CHOSEN)):
        with app.test_request_context(f"/?lang={lang}", method=method, data=data):
            form = form_class()
            if method == "POST":
                form.validate()
            if "candidate" in form:
                form.candidate.choices = ["1 MAIN ST N", '2 "MAIN" <ST>']
            for field in form:
                parts = [field] + (list(field) if hasattr(field, "iter_choices") else [])
                for part in parts:
                    for attributes in ATTRIBUTE_SETS:
                        expected = part.widget(part, **dict(attributes))
                        assert part(**dict(attributes)) == expected, (form_class.__name__, part.name)


def test_wtforms_own_messages_follow_the_page_language_and_force_locale(app, client):
    from actiontool.i18n import force_locale

    with app.test_request_context("/?lang=es", method="POST", data={"district": "12"}):
        form = LetterForm()
        form.validate()
        assert form.district.errors == ["Opción inválida."]
        with force_locale("en"):
            assert form.meta.get_translations(form).gettext("Not a valid choice.") == "Not a valid choice."


def test_limited_requests_start_no_thread(app, client, monkeypatch):
    """limits' own memory storage started a Timer thread for nearly every limited request."""
    app.config["RATELIMIT_SUBMISSIONS"] = "1000 per minute"
    started = []
    real_start = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda thread: (started.append(thread), real_start(thread))[1])
    for _ in range(5):
        assert submit_letter(client, name="").status_code == 422
        time.sleep(0.02)  # longer than limits' 10 ms timer, which then starts again
    assert started == []


def test_expired_counts_are_swept_from_memory(app, client, monkeypatch):
    from actiontool.web import ratelimit

    monkeypatch.setattr(ratelimit, "SWEEP_SECONDS", 0)
    app.config["RATELIMIT_SUBMISSIONS"] = "2 per second"
    storage = app.extensions["actiontool.limiter"].storage
    assert submit_letter(client, name="").status_code == 422
    first_keys = set(storage.expirations)
    assert first_keys
    time.sleep(1.1)
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.9"
    assert submit_letter(other, name="").status_code == 422  # another supporter's count sweeps the first
    assert set(storage.expirations) and not first_keys & set(storage.expirations)


def test_reading_pages_does_not_count_against_any_limit(app, client):
    app.config["RATELIMIT_SUBMISSIONS"] = "2 per minute"
    for _ in range(5):
        assert client.get("/write").status_code == 200
    assert [submit_letter(client).status_code for _ in range(3)] == [302, 302, 429]


@pytest.mark.parametrize("lang, expected", [("en", "Your letter to your council member"),
                                            ("es", "Su carta para su concejal o concejala")])
def test_template_text_follows_force_locale_inside_a_page_request(app, lang, expected):
    from flask import render_template_string

    from actiontool.i18n import force_locale

    other = "es" if lang == "en" else "en"
    with app.test_request_context(f"/?lang={other}"):
        render_template_string("{{ _('Your letter to your council member') }}")  # the page's language first
        with force_locale(lang):
            assert render_template_string("{{ _('Your letter to your council member') }}") == expected
            assert str(lazy_gettext("Your letter to your council member")) == expected
        assert render_template_string("{{ _('100%% sure') }}") == "100% sure"


@pytest.mark.parametrize("path, method, limited", [
    ("/write", "GET", False), ("/write", "POST", True), ("/", "GET", False), ("/static/site.css", "GET", False),
    ("/api/lookup", "GET", True), ("/letters/x/send", "POST", True), ("/confirm/x", "GET", False),
    ("/confirm/x", "POST", True),
])
def test_only_the_limited_requests_go_through_the_limiter(app, path, method, limited):
    from actiontool.web import ratelimit

    with app.test_request_context(path, method=method):
        assert ratelimit.unlimited() is not limited
