"""Issue 11's pages as production serves them (gunicorn with the repo's config, the worker), over HTTP:
the campaign's identity from settings, the language switch that keeps what was typed, the district choice
by member and areas when the address service is down, and the thank-you page with its share links."""

import re

import pytest

from tests.helpers import HOME
from tests.served.pages import redirect_path, run_id, say, visible

pytestmark = pytest.mark.served

IDENTITY = {
    "CAMPAIGN_NAME": "Keep Families Together",
    "CAMPAIGN_ORGANISATION": "Rainier Valley Neighbours",
    "CAMPAIGN_CONTACT_EMAIL": "hello@neighbours.example.org",
    "CAMPAIGN_COLOUR": "#005a8c",
    "CAMPAIGN_NEXT_STEP_URL": "https://neighbours.example.org/events",
    "CAMPAIGN_NEXT_STEP_TEXT_ES": "Venga a la reunión del Consejo",
}


def test_a_campaign_served_with_its_own_identity_language_switch_district_choice_and_thanks(serve_another):
    served = serve_another(settings=IDENTITY)
    run = run_id()
    name = served.remember(f"Itzel Mamani {run.capitalize()}", "name")
    note = served.remember(f"Por mis vecinos ({run}).", "note")
    served.remember(HOME["street"], "street")
    browser = served.browser(new_address=True)

    landing = browser.get("/?lang=en")
    assert "Rainier Valley Neighbours" in visible(landing) and "hello@neighbours.example.org" in visible(landing)
    stylesheet = re.search(r'href="(/campaign\.css\?v=\w+)"', landing.text).group(1)
    assert "--accent: #005a8c;" in browser.get(stylesheet).text

    # The Español button posts the form: the Spanish page comes back with what was typed, nothing saved.
    typed = {"name": name, "email": "", **HOME, "note": note, "letter_language": "both"}
    switched = browser.submit("/write?lang=en", {**typed, "switch_language": "es"}, action="/write?lang=es")
    assert switched.status_code == 200 and '<html lang="es">' in switched.text
    assert f'value="{name}"' in switched.text and f"{note}</textarea>" in switched.text
    assert "field-errors" not in switched.text

    # The address service is down: the choice names each district's member and the places it covers.
    served.geocoder.fail_status = 503
    try:
        choice = browser.submit("/write", typed)
    finally:
        served.geocoder.fail_status = None
    assert choice.status_code == 200, visible(choice)
    assert "Jorge L. Barón" in visible(choice) and "Federal Way" in visible(choice)
    written = browser.submit("/write", {**typed, "district": "4"})
    letter = redirect_path(written)

    # Printing leads to the thank-you page: the PDF, the next step, share links with the tool's address only.
    thanks = browser.get(f"{letter}/thanks")
    assert thanks.status_code == 200 and thanks.headers["Cache-Control"] == "no-store"
    assert say("es", "Thank you for writing!") in visible(thanks)
    assert f'href="{letter}.pdf"' in thanks.text
    assert 'href="https://neighbours.example.org/events">Venga a la reunión del Consejo</a>' in thanks.text
    shares = re.findall(r'href="((?:https://wa\.me/|sms:|mailto:\?)[^"]*)"', thanks.text)
    assert len(shares) == 3
    token = letter.rsplit("/", 1)[1]
    for share in shares:
        assert token not in share and served.url.replace(":", "%3A").replace("/", "%2F") in share
