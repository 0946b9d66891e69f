"""Canvassers' print runs and the County Executive: with CAMPAIGN_PACKETS_INCLUDE_EXECUTIVE on, an event's print
run adds, after the council districts' letters and under its own cover sheet, a copy of each signer's letter
addressed to the Executive (who has no public email). Off by default; a value that is not true or false
stops the app from starting.

Through the real app: the event page and its forms, `actiontool worker --once` rendering the print job, and
pypdf reading the PDF back.
"""

import io
import re

import pypdf
import pytest

from actiontool import create_app
from actiontool.config import ConfigurationError
from actiontool.roster import apply_roster, parse_roster
from tests.helpers import (
    CANVASSER,
    HOME,
    ROSTER,
    TWO_SAME_DISTRICT,
    csrf_token,
    run_worker,
    signed_in_client,
    text,
)

SETTING = "CAMPAIGN_PACKETS_INCLUDE_EXECUTIVE"
EXECUTIVE_COVER = "Letters for King County Executive Girmay Zahilay"
EXECUTIVE_ADDRESS = "Office of the King County Executive Chinook Building 401 Fifth Avenue, Suite 800 Seattle, WA 98104"
WITHOUT_EXECUTIVE = "".join(ROSTER.splitlines(keepends=True)[:-1])  # the shipped roster's last line
# Two signers: Zoe in district 4 (English), Ana in district 3 (Spanish).
SIGNERS = [("Zoe Adams", HOME, "en"), ("Ana Bravo", TWO_SAME_DISTRICT, "es")]


def configured(app, **settings):
    """A second app on `app`'s database and services, with these settings on top."""
    return create_app({**app.config, **settings})


def send_form(client, page_url, action, data):
    page = client.get(page_url)
    assert page.status_code == 200, page.status_code
    return client.post(action, data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))})


def event_with_signers(client):
    """An event with SIGNERS entered on its page; returns its page's address."""
    response = send_form(client, "/staff/events", "/staff/events",
                         {"name": "Fiesta del barrio", "date": "2026-11-28", "place": ""})
    assert response.status_code == 302, response.status_code
    url = response.headers["Location"]
    for name, address, language in SIGNERS:
        saved = send_form(client, url, url, {"name": name, **address, "letter_language": language, "email": "",
                                              "note": f"Nota de {name}"})
        assert saved.status_code == 302, text(saved)
    return url


def printed(app, client, event_url):
    """Press "Print every letter" on the event page, run the worker, and read the PDF: each page's text."""
    response = send_form(client, event_url, f"{event_url}/print", {})
    token = re.fullmatch(r"/staff/prints/([\w-]+)", response.headers["Location"]).group(1)
    run_worker(app)
    download = client.get(f"/staff/prints/{token}.pdf")
    assert download.status_code == 200, text(client.get(f"/staff/prints/{token}"))
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(download.data)).pages]


def sections(pages):
    """The PDF as ("cover", text) and ("letter", text) sections: a cover starts with "Letters for", a letter with
    its signer's name (after the English line of a letter in Spanish); other pages continue the section."""
    found = []
    for page in pages:
        body = re.sub(r"^A (?:constituent of District \d+|King County resident) wrote to you in Spanish\. ", "", page)
        if page.startswith("Letters for "):
            found.append(["cover", page])
        elif body.startswith(tuple(name for name, _address, _language in SIGNERS)):
            found.append(["letter", page])
        else:
            found[-1][1] += " " + page
    return [tuple(section) for section in found]


@pytest.fixture
def with_executive(app):
    """The app with the campaign's packets including the Executive."""
    return configured(app, **{SETTING: True})


def test_by_default_a_print_run_has_only_the_signers_letters_to_their_councilmembers(app):
    canvasser = signed_in_client(app, app.test_cli_runner(), CANVASSER, "canvasser")
    event_url = event_with_signers(canvasser)
    assert "County Executive" not in text(canvasser.get(event_url))
    printed_sections = sections(printed(app, canvasser, event_url))
    assert [kind for kind, _text in printed_sections] == ["cover", "letter", "cover", "letter"]
    assert not any("Zahilay" in section for _kind, section in printed_sections)


def test_with_the_setting_on_each_signer_also_has_a_letter_to_the_executive_after_the_districts(with_executive):
    canvasser = signed_in_client(with_executive, with_executive.test_cli_runner(), CANVASSER, "canvasser")
    event_url = event_with_signers(canvasser)
    assert ("The print run also has a copy of each signer's letter for King County Executive Girmay Zahilay, "
            "after the council districts' letters.") in text(canvasser.get(event_url))

    printed_sections = sections(printed(with_executive, canvasser, event_url))
    assert [kind for kind, _text in printed_sections] == ["cover", "letter", "cover", "letter",
                                                           "cover", "letter", "letter"]
    # The districts first, as always: district 3 (Ana), then district 4 (Zoe).
    assert printed_sections[0][1].startswith("Letters for Councilmember Sarah Perry")
    assert "Estimada concejala Perry:" in printed_sections[1][1]
    assert printed_sections[2][1].startswith("Letters for Councilmember Jorge L. Barón")
    assert "Dear Councilmember Barón:" in printed_sections[3][1]
    # Then the Executive's cover sheet: the office and its address, how many letters, no council district.
    cover = printed_sections[4][1]
    assert cover.startswith(EXECUTIVE_COVER) and EXECUTIVE_ADDRESS in cover and "2 letters" in cover
    assert "District" not in cover and "Council" not in cover
    # And one letter per signer to the Executive, in the signer's language, by surname (Adams, Bravo).
    zoe, ana = printed_sections[5][1], printed_sections[6][1]
    assert zoe.startswith("Zoe Adams 100 Main St Seattle, WA 98104 King County Executive Girmay Zahilay "
                          + EXECUTIVE_ADDRESS)
    assert "Dear Executive Zahilay: I live in King County." in zoe and "Nota de Zoe Adams" in zoe
    assert ana.startswith("A King County resident wrote to you in Spanish. Ana Bravo 2 Twin St")
    assert "Estimado ejecutivo Zahilay: Vivo en el Condado de King." in ana and "Nota de Ana Bravo" in ana
    for letter in (zoe, ana):
        assert "Councilmember" not in letter and "Concejal" not in letter


def test_with_the_setting_on_but_no_executive_in_the_roster_the_print_run_is_as_before(app, with_executive):
    with app.app_context():
        apply_roster(parse_roster(WITHOUT_EXECUTIVE))
    canvasser = signed_in_client(with_executive, with_executive.test_cli_runner(), CANVASSER, "canvasser")
    event_url = event_with_signers(canvasser)
    assert "County Executive" not in text(canvasser.get(event_url))
    printed_sections = sections(printed(with_executive, canvasser, event_url))
    assert [kind for kind, _text in printed_sections] == ["cover", "letter", "cover", "letter"]


@pytest.mark.parametrize("value", ["yes", "no", "2", "", "on", 2])
def test_a_setting_that_is_not_true_or_false_stops_the_app_from_starting(app, value):
    with pytest.raises(ConfigurationError, match=re.escape(f"{SETTING} must be true or false, not {value!r}")):
        configured(app, **{SETTING: value})


def without_setting(app):
    """`app`'s settings without this one, so the environment or the settings file decides it."""
    return {key: value for key, value in app.config.items() if key != SETTING}


@pytest.mark.parametrize("value, expected", [("true", True), ("1", True), ("false", False), ("0", False),
                                             ("TRUE", True)])
def test_the_environment_turns_it_on_or_off(app, monkeypatch, value, expected):
    monkeypatch.setenv(f"ACTIONTOOL_{SETTING}", value)
    assert create_app(without_setting(app)).extensions["campaign"].packets_include_executive is expected


@pytest.mark.parametrize("value, expected", [("true", True), ("false", False)])
def test_the_settings_file_turns_it_on_or_off(app, monkeypatch, tmp_path, value, expected):
    (tmp_path / "settings.toml").write_text(f"{SETTING} = {value}\n", encoding="utf-8")
    monkeypatch.setenv("ACTIONTOOL_INSTANCE_PATH", str(tmp_path))
    assert create_app(without_setting(app)).extensions["campaign"].packets_include_executive is expected


def test_it_is_off_unless_a_campaign_turns_it_on(app):
    assert app.extensions["campaign"].packets_include_executive is False
