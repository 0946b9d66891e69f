"""A language chosen with ?lang= is remembered: on later pages it beats the browser's Accept-Language."""

import pytest


@pytest.mark.parametrize("chosen, browser", [("es", "en-US,en;q=0.9"), ("en", "es-MX,es;q=0.9")])
def test_a_remembered_language_beats_the_browsers_accept_language(client, chosen, browser):
    assert f'<html lang="{chosen}">' in client.get(f"/?lang={chosen}").get_data(as_text=True)
    later = client.get("/write", headers={"Accept-Language": browser})
    assert f'<html lang="{chosen}">' in later.get_data(as_text=True)
