"""Pages in both languages, the language switch, privacy headers and logs, and configuration."""

import logging
import re
import threading

import pytest
import requests
from flask import Flask
from werkzeug.serving import make_server

from actiontool import create_app
from actiontool.config import ConfigurationError
from tests.helpers import HOME, submit_letter, text


def test_lang_parameter_switches_and_is_remembered(client):
    assert '<html lang="es">' in client.get("/?lang=es").get_data(as_text=True)
    page = client.get("/write").get_data(as_text=True)
    assert '<html lang="es">' in page
    assert "Su nombre completo" in page
    assert '<html lang="en">' in client.get("/write?lang=en").get_data(as_text=True)


def test_browser_language_is_used_when_nothing_was_chosen(client):
    page = client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert '<html lang="es">' in page.get_data(as_text=True)
    page = client.get("/", headers={"Accept-Language": "fr-FR"})
    assert '<html lang="en">' in page.get_data(as_text=True)


def test_every_page_has_a_visible_toggle_to_the_other_language(client):
    """A link, or on a page with a form a button that sends the form along (what was typed stays)."""
    token = submit_letter(client).headers["Location"].rsplit("/", 1)[1]
    for url in ("/", "/write", f"/letters/{token}", f"/letters/{token}/thanks", "/no-such-page"):
        for lang, other, name in (("en", "es", "Español"), ("es", "en", "English")):
            page = client.get(f"{url}?lang={lang}").get_data(as_text=True)
            toggle = re.search(rf'<(a|button)[^>]*lang="{other}"[^>]*>{name}</(a|button)>', page)
            assert toggle, (url, lang)
            if toggle.group(1) == "a":
                assert f'hreflang="{other}"' in toggle.group(0)
            else:
                assert f'name="switch_language" value="{other}"' in toggle.group(0)


@pytest.mark.parametrize("lang, heading, sources", [
    ("en", "What is “Secure Communities”?", "Sources"),
    ("es", '¿Qué es “<span lang="en">Secure Communities</span>” (Comunidades Seguras)?', "Fuentes"),
])
def test_landing_page_explains_the_program_with_sources(client, lang, heading, sources):
    page = client.get(f"/?lang={lang}").get_data(as_text=True)
    assert heading in page
    assert f">{sources}</h2>" in page
    assert "17886" in page and "RCW 10.93.160" in page
    assert 'href="/write"' in page


def test_pages_load_nothing_from_elsewhere(client):
    for url in ("/", "/write"):
        page = client.get(url).get_data(as_text=True)
        assert "<script" not in page
        assert 'src="http' not in page and 'rel="stylesheet" href="http' not in page


@pytest.mark.parametrize("lang, text", [("en", "Page not found"), ("es", "No encontramos la página")])
def test_unknown_letter_is_a_translated_404(client, lang, text):
    for url in ("/letters/nope", "/letters/nope.pdf"):
        response = client.get(f"{url}?lang={lang}")
        assert response.status_code == 404
        assert text in response.get_data(as_text=True)


def test_letter_pages_are_private(client):
    location = submit_letter(client).headers["Location"]
    response = client.get(location)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert len(location.rsplit("/", 1)[1]) >= 32  # unguessable


def test_default_secret_key_is_refused_outside_debug_and_testing(monkeypatch, tmp_path):
    monkeypatch.delenv("ACTIONTOOL_SECRET_KEY", raising=False)
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(tmp_path / "instance"))
    with pytest.raises(ConfigurationError, match="ACTIONTOOL_SECRET_KEY"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert create_app({"TESTING": True}).config["SECRET_KEY"]


def test_the_key_in_the_instance_folder_is_used_when_the_environment_has_none(monkeypatch, tmp_path):
    monkeypatch.delenv("ACTIONTOOL_SECRET_KEY", raising=False)
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(tmp_path / "instance"))
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "secret_key").write_text("written-by-make-setup\n")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["SECRET_KEY"] == "written-by-make-setup"
    monkeypatch.setenv("ACTIONTOOL_SECRET_KEY", "from-the-environment")
    assert create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}).config["SECRET_KEY"] == "from-the-environment"


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ACTIONTOOL_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("ACTIONTOOL_GEOCODER_URL", "http://127.0.0.1:9/geocoder")
    monkeypatch.setenv("ACTIONTOOL_LOOKUP_TIMEOUT", "2.5")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["GEOCODER_URL"] == "http://127.0.0.1:9/geocoder"
    assert app.config["LOOKUP_TIMEOUT"] == 2.5
    assert app.config["DISTRICTS_FILE"].endswith("districts.geojson")


def test_request_log_holds_no_address_letter_token_or_client_ip(app, client, caplog):
    token = submit_letter(client).headers["Location"].rsplit("/", 1)[1]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            response = requests.get(f"http://127.0.0.1:{server.server_port}/api/lookup",
                                    params=HOME, timeout=10)
            for path in (f"/letters/{token}", f"/letters/{token}.pdf"):
                assert requests.get(f"http://127.0.0.1:{server.server_port}{path}",
                                    timeout=30).status_code == 200
    finally:
        server.shutdown()
    assert response.status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("/api/lookup?…" in line for line in lines)
    assert any("/letters/….pdf" in line for line in lines)
    logged = " ".join(lines) + caplog.text
    assert "Main" not in logged and "98104" not in logged and "127.0.0.1" not in logged
    assert token not in logged


@pytest.mark.parametrize("lang, days, expected", [
    ("en", 30, "30 days after you write your letter"),
    ("es", 30, "30 días después de que escriba su carta"),
    ("en", 14, "14 days after you write your letter"),
    ("en", 1, "1 day after you write your letter"),
])
def test_privacy_page_gives_the_retention_period_in_force(app, client, lang, days, expected):
    app.config["RETENTION_DAYS"] = days
    response = client.get(f"/privacy?lang={lang}")
    assert response.status_code == 200
    assert expected in text(response)


@pytest.mark.parametrize("lang, sentence", [
    ("en", "We never give anyone's information to immigration authorities."),
    ("es", "Nunca entregamos la información de nadie a las autoridades de inmigración."),
])
def test_every_page_links_to_the_privacy_page_and_promises_nothing_to_immigration_authorities(client, lang, sentence):
    for path in ("/", "/write", "/privacy", "/staff/login", "/no-such-page"):
        page = client.get(f"{path}?lang={lang}")
        assert sentence in text(page), path
        assert 'href="/privacy"' in page.get_data(as_text=True), path


def test_the_email_field_says_the_council_member_will_see_it_not_that_it_is_never_shared(client):
    page = text(client.get("/write?lang=en"))
    assert "never share it" not in page
    assert "your council member will see it, so they can reply to you" in page


def test_https_deployments_send_hsts_and_plain_http_ones_do_not(app, client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    app.config["BASE_URL"] = "https://letters.campaign.example"
    for path in ("/", "/write", "/privacy", "/no-such-page"):
        assert client.get(path).headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_address_lookup_answer_is_never_cached(client):
    response = client.get("/api/lookup", query_string=HOME)
    assert response.status_code == 200 and response.get_json()["matched_address"]
    assert response.headers["Cache-Control"] == "no-store"
