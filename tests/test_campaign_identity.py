"""The campaign's identity is configuration: name, organisation, contact, colours, logo and next step come
from settings (the environment or the instance folder's settings.toml) and files in the instance folder,
and every page says who runs the tool and how to reach them."""

import re

import pytest

from actiontool import create_app
from actiontool.campaign import contrast
from actiontool.config import ConfigurationError
from tests.helpers import letter_token, submit_letter, text

IDENTITY = {
    "CAMPAIGN_NAME": "Keep Families Together",
    "CAMPAIGN_ORGANISATION": "Rainier Valley Neighbours",
    "CAMPAIGN_WEBSITE": "https://neighbours.example.org",
    "CAMPAIGN_CONTACT_EMAIL": "hello@neighbours.example.org",
    "CAMPAIGN_PRIVACY_EMAIL": "privacy@neighbours.example.org",
    "CAMPAIGN_COLOUR": "#005a8c",
    "CAMPAIGN_COLOUR_DARK": "#003b5c",
    "CAMPAIGN_NEXT_STEP_URL": "https://neighbours.example.org/events",
    "CAMPAIGN_NEXT_STEP_TEXT_EN": "Come to the council meeting on December 9",
    "CAMPAIGN_NEXT_STEP_TEXT_ES": "Venga a la reunión del Consejo el 9 de diciembre",
}
LOGO = b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18"/></svg>'


def configured(app, **settings):
    """A second app on the same database and services as `app`, with these settings on top."""
    return create_app({**app.config, **settings})


def in_instance(app, monkeypatch, folder, **settings):
    """A second app like `app` whose instance folder is `folder`, without `app`'s campaign settings."""
    monkeypatch.setenv("ACTIONTOOL_INSTANCE_PATH", str(folder))
    kept = {key: value for key, value in app.config.items() if not key.startswith("CAMPAIGN_")}
    return create_app({**kept, **settings})


@pytest.fixture
def campaign_app(app):
    return configured(app, **IDENTITY)


def test_every_public_page_names_who_runs_the_tool_and_how_to_reach_them(campaign_app):
    client = campaign_app.test_client()
    token = letter_token(submit_letter(client))
    for path in ("/", "/write", "/privacy", f"/letters/{token}", f"/letters/{token}/thanks",
                 f"/letters/{token}/status", "/no-such-page"):
        for lang in ("en", "es"):
            page = client.get(f"{path}?lang={lang}").get_data(as_text=True)
            marked = ' lang="en"' if lang == "es" else ""  # English names, marked on Spanish pages
            link = f'<a href="https://neighbours.example.org"{marked}>Rainier Valley Neighbours</a>'
            assert link in page, (path, lang)
            assert f'<span{marked}>Keep Families Together</span>' in page, (path, lang)
            assert 'href="mailto:hello@neighbours.example.org"' in page, (path, lang)
            assert 'href="mailto:privacy@neighbours.example.org"' in page, (path, lang)
            assert "Keep Families Together" in page and "Stop ICE" not in page, (path, lang)


def test_without_settings_the_contact_is_the_address_mail_comes_from(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="mailto:letters@campaign.test"' in page
    assert "This tool is run by <span>Stop ICE&#39;s Insecure Communities</span>." in page
    assert "Privacy questions" not in page  # one address: said once


def test_the_campaign_colours_reach_every_page_as_a_versioned_stylesheet(campaign_app, client):
    themed = campaign_app.test_client().get("/").get_data(as_text=True)
    href = re.search(r'<link rel="stylesheet" href="(/campaign\.css\?v=\w+)">', themed).group(1)
    css = campaign_app.test_client().get(href)
    assert css.mimetype == "text/css"
    assert "--accent: #005a8c;" in css.get_data(as_text=True)
    assert "--accent-dark: #003b5c;" in css.get_data(as_text=True)
    default_href = re.search(r'href="(/campaign\.css\?v=\w+)"', client.get("/").get_data(as_text=True)).group(1)
    assert default_href != href  # a new palette is a new address, so no browser keeps the old one


@pytest.mark.parametrize("setting, value, complaint", [
    ("CAMPAIGN_COLOUR", "#ffcc00", "too light"),
    ("CAMPAIGN_COLOUR_DARK", "#7a1f5c; } body { display: none", "must be a colour"),
    ("CAMPAIGN_COLOUR", "purple", "must be a colour"),
    ("CAMPAIGN_NEXT_STEP_URL", "javascript:alert(1)", "must start with https://"),
    ("CAMPAIGN_WEBSITE", "neighbours.example.org", "must start with https://"),
    ("CAMPAIGN_LOGO", "../secret_key.svg", "in the instance folder"),
    ("CAMPAIGN_LOGO", "logo.html", "must be one of"),
    ("CAMPAIGN_NAMES_LANGUAGE", "fr", "must be en or es"),
    ("CAMPAIGN_CONTACT_EMAIL", "hello at example.org", "must be an email address"),
    ("CAMPAIGN_PRIVACY_EMAIL", "privacy@example.org?subject=x", "must be an email address"),
])
def test_a_setting_that_would_break_pages_stops_the_app_from_starting(app, setting, value, complaint):
    with pytest.raises(ConfigurationError, match=re.escape(complaint)):
        configured(app, **{setting: value})


def test_the_default_colours_hold_white_text(app):
    campaign = app.extensions["campaign"]
    assert contrast(campaign.colour, "#ffffff") >= 4.5 and contrast(campaign.colour_dark, "#ffffff") >= 4.5


def test_the_instance_folder_settings_file_names_the_campaign_and_the_environment_wins(app, tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "settings.toml").write_text(
        'CAMPAIGN_NAME = "Vecinos Unidos"\nCAMPAIGN_ORGANISATION = "Vecinos Unidos de Kent"\n', encoding="utf-8")
    page = in_instance(app, monkeypatch, instance).test_client().get("/").get_data(as_text=True)
    assert "Vecinos Unidos de Kent" in page and "· Vecinos Unidos</title>" in page
    monkeypatch.setenv("ACTIONTOOL_CAMPAIGN_ORGANISATION", "Kent Neighbours")
    page = in_instance(app, monkeypatch, instance).test_client().get("/").get_data(as_text=True)
    assert "Kent Neighbours" in page and "Vecinos Unidos de Kent" not in page


def test_an_unreadable_settings_file_stops_the_app_with_its_path(app, tmp_path, monkeypatch):
    instance = tmp_path / "broken"
    instance.mkdir()
    (instance / "settings.toml").write_text('CAMPAIGN_NAME = "unterminated\n', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="settings.toml"):
        in_instance(app, monkeypatch, instance)


def test_the_logo_file_in_the_instance_folder_is_shown_and_served_safely(app, tmp_path, monkeypatch):
    instance = tmp_path / "with-logo"
    instance.mkdir()
    (instance / "logo.svg").write_bytes(LOGO)
    client = in_instance(app, monkeypatch, instance).test_client()
    assert '<img class="logo" src="/campaign/logo" alt=""' in client.get("/").get_data(as_text=True)
    logo = client.get("/campaign/logo")
    assert logo.status_code == 200 and logo.data == LOGO and logo.mimetype == "image/svg+xml"
    assert "sandbox" in logo.headers["Content-Security-Policy"]


def test_without_a_logo_file_the_name_stands_alone(client):
    assert 'class="logo"' not in client.get("/").get_data(as_text=True)
    assert client.get("/campaign/logo").status_code == 404


def test_the_next_step_appears_after_the_letter_in_the_supporters_language(campaign_app, client):
    themed = campaign_app.test_client()
    token = letter_token(submit_letter(themed))
    for lang in ("en", "es"):
        wording = IDENTITY[f"CAMPAIGN_NEXT_STEP_TEXT_{lang.upper()}"]
        page = themed.get(f"/letters/{token}/thanks?lang={lang}").get_data(as_text=True)
        assert f'<a class="button" href="https://neighbours.example.org/events">{wording}</a>' in page
    plain = letter_token(submit_letter(client))
    assert "One more step" not in text(client.get(f"/letters/{plain}/thanks?lang=en"))


def test_the_staff_console_says_who_runs_the_tool_too(staff):
    for path in ("/staff/login", "/staff/", "/staff/roster", "/staff/events"):
        page = staff.get(path).get_data(as_text=True)
        assert "This tool is run by" in page and 'href="mailto:letters@campaign.test"' in page, path
