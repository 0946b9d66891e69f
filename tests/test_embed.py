"""The letter form in partners' pages (/embed): framed only by the partners' sites, its cookie-free CSRF check,
letters saved exactly as on /write with the partner's tag, the full form keeping language and partner, and the
staff's snippet page. Every POST here comes from a client with no cookies, as inside a third-party frame."""

import datetime as dt
import re

import pytest
import time_machine

from actiontool.forms.embed import EMBED_TOKEN_HOURS
from actiontool.models import Letter, db
from tests.helpers import (
    HOME,
    TWO_DISTRICTS,
    UNKNOWN,
    csrf_token,
    letter_form,
    letter_token,
    submit_letter,
    text,
)

PARTNERS = {"casa": "https://casa.example.org", "unidos": "https://www.unidos.example:8443"}
OURS = {"Origin": "http://letters.campaign.test"}  # the app fixture's BASE_URL
EXPIRED = "This page was open for a while, so for your safety please check your details and press the button again."


@pytest.fixture(autouse=True)
def partners(app):
    app.config["EMBED_PARTNERS"] = dict(PARTNERS)
    return app


def frame_ancestors(response):
    policy = response.headers["Content-Security-Policy"]
    found = re.search(r"frame-ancestors ([^;]+)", policy)
    assert found, policy
    return found.group(1)


def other_directives(response):
    return re.sub(r"frame-ancestors [^;]+", "", response.headers["Content-Security-Policy"])


def embed_page(app, path="/embed?partner=casa&lang=en"):
    return app.test_client().get(path)


def post_embed(app, path="/embed?partner=casa&lang=en", headers=OURS, token=True, **fields):
    """Open the embed, then send its form back from a new client (no cookie, as in a partner's frame), with the
    page's token and hidden partner field."""
    page = embed_page(app, path).get_data(as_text=True)
    data = letter_form(**fields)
    hidden_partner = re.search(r'name="partner" type="hidden" value="([^"]*)"', page)
    if hidden_partner:
        data.setdefault("partner", hidden_partner.group(1))
    if token is True:
        data["csrf_token"] = csrf_token(page)
    elif token is not None:
        data["csrf_token"] = token
    return app.test_client().post(path, data=data, headers=headers)


def saved(app):
    """(name, partner) of every letter, in order."""
    with app.app_context():
        return [tuple(row) for row in db.session.execute(db.select(Letter.name, Letter.partner).order_by(Letter.id))]


def ready_token(response):
    assert response.status_code == 302, (response.status_code, text(response)[:500])
    match = re.fullmatch(r"/embed/letters/([\w-]+)\?(.*)", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1), match.group(2)


# ---------------------------------------------------------------- framing

def test_only_the_partners_sites_may_frame_the_embed(app, client):
    framed = client.get("/embed?partner=casa")
    assert framed.status_code == 200
    assert frame_ancestors(framed) == "https://casa.example.org https://www.unidos.example:8443"
    assert "X-Frame-Options" not in framed.headers
    assert framed.headers["Referrer-Policy"] == "same-origin" and framed.headers["Cache-Control"] == "no-store"
    write = client.get("/write")
    assert other_directives(framed) == other_directives(write)
    token = letter_token(submit_letter(client))
    for path in ("/", "/write", f"/letters/{token}", "/privacy", "/staff/login", "/no-such-page"):
        assert frame_ancestors(client.get(path)) == "'none'", path


def test_with_no_partners_set_no_site_may_frame_the_embed(app, client):
    app.config["EMBED_PARTNERS"] = {}
    assert frame_ancestors(client.get("/embed")) == "'none'"


def test_every_answer_inside_the_frame_may_be_framed_by_the_partners(app):
    mistake = post_embed(app, name="")
    forged = post_embed(app, token="forged")
    token, _query = ready_token(post_embed(app))
    ready = app.test_client().get(f"/embed/letters/{token}?partner=casa&lang=en")
    missing = app.test_client().get("/embed/letters/no-such-letter")
    for response, status in ((mistake, 422), (forged, 400), (ready, 200), (missing, 404)):
        assert response.status_code == status
        assert frame_ancestors(response) == "https://casa.example.org https://www.unidos.example:8443"
        assert response.headers["Cache-Control"] == "no-store"


# ---------------------------------------------------------------- letters and partners

def test_a_letter_written_in_the_frame_is_saved_with_the_partners_tag(app):
    token, query = ready_token(post_embed(app, name="Ana Ruiz"))
    assert query == "partner=casa&lang=en"
    assert saved(app) == [("Ana Ruiz", "casa")]
    ready = app.test_client().get(f"/embed/letters/{token}?{query}")
    html = ready.get_data(as_text=True)
    assert "Your letter is ready" in text(ready)
    assert "To: Councilmember" in text(ready) and "District 4" in text(ready)
    link = re.search(rf'<a class="button" href="/letters/{token}\?lang=en" target="_blank"\s+rel="noopener">', html)
    assert link, html


def test_the_ready_step_follows_the_language_chosen_in_the_frame(app):
    token, query = ready_token(post_embed(app, path="/embed?partner=unidos&lang=es", name="Ana Ruiz"))
    assert query == "partner=unidos&lang=es"
    ready = app.test_client().get(f"/embed/letters/{token}?{query}")
    assert '<html lang="es">' in ready.get_data(as_text=True)
    assert f'href="/letters/{token}?lang=es"' in ready.get_data(as_text=True)
    assert saved(app) == [("Ana Ruiz", "unidos")]


@pytest.mark.parametrize("path", ["/embed?partner=evil&lang=en", "/embed?lang=en", "/embed?partner=CASA",
                                  "/embed?partner=casa.example.org"])
def test_an_unknown_or_missing_partner_tag_still_writes_a_letter_with_no_partner(app, path):
    page = embed_page(app, path)
    assert page.status_code == 200 and 'name="partner"' not in page.get_data(as_text=True)
    token, query = ready_token(post_embed(app, path=path, name="Ana Ruiz"))
    assert "partner" not in query
    assert saved(app) == [("Ana Ruiz", "")]


def test_a_partner_tag_sent_in_the_form_counts_only_if_it_is_a_partners(app):
    ready_token(post_embed(app, path="/embed?lang=en", name="One", partner="evil"))
    ready_token(post_embed(app, path="/embed?lang=en", name="Two", partner="unidos"))
    assert saved(app) == [("One", ""), ("Two", "unidos")]


def test_every_copy_of_a_letter_to_the_whole_council_counts_for_the_partner(app):
    token, query = ready_token(post_embed(app, recipients="council"))
    rows = saved(app)
    assert len(rows) == 9 and {partner for _name, partner in rows} == {"casa"}
    ready = app.test_client().get(f"/embed/letters/{token}?{query}")
    assert "To every member of the King County Council" in text(ready)


def test_a_bot_filling_the_hidden_field_in_the_frame_saves_nothing(app, geocoder):
    response = post_embed(app, website="http://spam.example")
    assert response.status_code == 302 and response.headers["Location"] == "/embed?partner=casa&lang=en"
    assert saved(app) == [] and geocoder.request_count == 0


# ---------------------------------------------------------------- the lookup, mistakes, language

def test_an_address_the_service_cannot_find_is_explained_in_the_frame_and_the_district_chosen_there(app):
    page = post_embed(app, **UNKNOWN)
    assert page.status_code == 200
    assert "Please choose your district" in text(page) or "Please check" in text(page)
    html = page.get_data(as_text=True)
    assert 'name="district"' in html and 'target="_blank" rel="noopener">Look it up' in html
    assert 'action="/embed?partner=casa&amp;lang=en"' in html and f'value="{UNKNOWN["street"]}"' in html
    token, _query = ready_token(app.test_client().post("/embed?partner=casa&lang=en", headers=OURS, data={
        **letter_form(**UNKNOWN), "district": "7", "partner": "casa", "csrf_token": csrf_token(html)}))
    with app.app_context():
        letter = db.session.scalar(db.select(Letter).where(Letter.token == token))
        assert (letter.district, letter.partner) == ("7", "casa")


def test_the_address_service_down_offers_the_district_choice_in_the_frame(app, geocoder):
    geocoder.fail_status = 503
    page = post_embed(app)
    assert page.status_code == 200 and 'name="district"' in page.get_data(as_text=True)
    assert saved(app) == []


def test_an_address_matching_two_places_asks_which_in_the_frame(app):
    page = post_embed(app, **TWO_DISTRICTS)
    assert page.status_code == 200 and "Which of these is your address?" in text(page)
    assert 'name="candidate"' in page.get_data(as_text=True)


def test_a_zip_outside_king_county_is_shown_under_the_zip_in_the_frame(app):
    page = post_embed(app, zip="99201")
    assert page.status_code == 422 and 'id="zip-errors"' in page.get_data(as_text=True)
    assert "That ZIP code is not in King County." in text(page)
    assert saved(app) == []


def test_mistakes_and_limits_are_shown_on_the_compact_page_with_what_was_typed(app):
    page = post_embed(app, name="N" * 101, street="", email="not-an-address", note="x" * 5000)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Please keep this under 100 characters." in text(page)
    assert "Please enter your street address." in text(page)
    assert "Please enter an email address like name@example.com." in text(page)
    assert 'class="error-summary"' in html and 'value="not-an-address"' in html
    assert 'class="site-footer embed-footer"' in html and "site-header embed-header" in html
    assert saved(app) == []


def test_switching_language_in_the_frame_keeps_what_was_typed_and_the_partner(app):
    page = embed_page(app).get_data(as_text=True)
    switch = re.search(r'name="switch_language" value="es" formnovalidate\s+formaction="([^"]+)"', page)
    assert switch and switch.group(1) == "/embed?partner=casa&amp;lang=es"
    typed = {**letter_form(name="María Elena Ríos", email="maria@example.org", note="Mi hijo nació aquí.",
                           letter_language="both"), "partner": "casa", "switch_language": "es"}
    switched = app.test_client().post("/embed?partner=casa&lang=es", data=typed, headers=OURS)
    html = switched.get_data(as_text=True)
    assert switched.status_code == 200 and '<html lang="es">' in html
    for field in ("name", "email", "street", "city", "zip"):
        assert f'value="{typed[field]}"' in html, field
    assert "Mi hijo nació aquí.</textarea>" in html
    assert 'name="partner" type="hidden" value="casa"' in html
    assert 'action="/embed?partner=casa&amp;lang=es"' in html
    assert "field-errors" not in html and 'role="alert"' not in html
    assert saved(app) == []


# ---------------------------------------------------------------- the cookie-free CSRF check

def test_a_letter_needs_no_cookie_only_the_pages_signed_token(app):
    client = app.test_client()
    page = client.get("/embed?partner=casa&lang=en").get_data(as_text=True)
    assert client.get_cookie("session") is not None  # the page set one (?lang=), which a frame would not send
    cookieless = app.test_client()
    response = cookieless.post("/embed?partner=casa&lang=en", headers=OURS,
                               data={**letter_form(), "partner": "casa", "csrf_token": csrf_token(page)})
    ready_token(response)


@pytest.mark.parametrize("token", [None, "", "forged", "ImVtYmVkIg.aaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbb"],
                         ids=["missing", "empty", "junk", "forged-signature"])
def test_a_missing_or_forged_token_shows_the_form_again_with_what_was_typed(app, token):
    response = post_embed(app, token=token, name="Ana Ruiz")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and EXPIRED in text(response)
    assert 'value="Ana Ruiz"' in html and csrf_token(html)  # a fresh token to try again with
    assert saved(app) == []


def test_a_token_signed_with_another_key_is_refused(app):
    other = app.config["SECRET_KEY"]
    page = embed_page(app).get_data(as_text=True)
    app.config["SECRET_KEY"] = other + "-rotated"
    response = app.test_client().post("/embed?partner=casa&lang=en", headers=OURS,
                                      data={**letter_form(), "csrf_token": csrf_token(page)})
    assert response.status_code == 400 and saved(app) == []


def test_a_token_older_than_its_life_is_refused_and_a_younger_one_accepted(app):
    start = dt.datetime(2026, 3, 2, 18, 0, tzinfo=dt.timezone.utc)
    with time_machine.travel(start, tick=False):
        page = embed_page(app).get_data(as_text=True)
    data = {**letter_form(name="Ana Ruiz"), "partner": "casa", "csrf_token": csrf_token(page)}
    with time_machine.travel(start + dt.timedelta(hours=EMBED_TOKEN_HOURS, minutes=1), tick=False):
        late = app.test_client().post("/embed?partner=casa&lang=en", headers=OURS, data=data)
        assert late.status_code == 400 and EXPIRED in text(late)
        assert 'value="Ana Ruiz"' in late.get_data(as_text=True)
        fresh = csrf_token(late.get_data(as_text=True))
    with time_machine.travel(start + dt.timedelta(hours=EMBED_TOKEN_HOURS - 1), tick=False):
        ready_token(app.test_client().post("/embed?partner=casa&lang=en", headers=OURS, data=data))
    with time_machine.travel(start + dt.timedelta(hours=EMBED_TOKEN_HOURS, minutes=2), tick=False):
        ready_token(app.test_client().post("/embed?partner=casa&lang=en", headers=OURS,
                                           data={**data, "csrf_token": fresh}))
    assert saved(app) == [("Ana Ruiz", "casa"), ("Ana Ruiz", "casa")]


@pytest.mark.parametrize("headers", [
    {"Origin": "https://casa.example.org"},  # even a partner's page may not post the form itself
    {"Origin": "https://evil.example"},
    {"Origin": "http://letters.campaign.test.evil.example"},
    {"Origin": "https://letters.campaign.test"},  # another scheme is another origin
    {"Origin": "http://letters.campaign.test:8080"},
    {"Origin": "null"},
    {"Referer": "https://evil.example/page"},
    # Parsers disagree on these: one reads letters.campaign.test as the host, a browser would not send them.
    {"Referer": "http://evil.example\\@letters.campaign.test/embed"},
    {"Referer": "http://someone@letters.campaign.test/embed"},
    {},
], ids=["partner", "other-site", "lookalike", "https", "other-port", "null", "foreign-referer", "backslash-referer",
        "userinfo-referer", "neither"])
def test_a_post_not_sent_from_our_own_page_is_refused(app, headers):
    response = post_embed(app, headers=headers, name="Ana Ruiz")
    assert response.status_code == 400 and EXPIRED in text(response)
    assert saved(app) == []


@pytest.mark.parametrize("headers", [
    {"Origin": "http://letters.campaign.test"},
    {"Origin": "HTTP://Letters.Campaign.Test:80"},
    {"Referer": "http://letters.campaign.test/embed?partner=casa&lang=en"},
], ids=["origin", "origin-default-port", "referer-without-origin"])
def test_a_post_from_our_own_page_is_accepted(app, headers):
    ready_token(post_embed(app, headers=headers))
    assert saved(app) == [("José Núñez", "casa")]


def test_the_write_page_keeps_its_session_bound_csrf_check(app, client):
    page = embed_page(app).get_data(as_text=True)
    response = app.test_client().post("/write", headers=OURS, data={**letter_form(), "csrf_token": csrf_token(page)})
    assert response.status_code == 400 and saved(app) == []


# ---------------------------------------------------------------- the full form

def test_the_full_form_link_keeps_the_language_and_the_partner(app, client):
    page = embed_page(app, "/embed?partner=unidos&lang=es").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" target="_blank" rel="noopener">Abrir el formulario completo|'
                     r'<a href="(/write[^"]+)" target="_blank" rel="noopener">', page)
    assert link, page
    href = (link.group(1) or link.group(2)).replace("&amp;", "&")
    assert href == "/write?partner=unidos&lang=es"
    write = client.get(href).get_data(as_text=True)
    assert '<html lang="es">' in write and 'name="partner" type="hidden" value="unidos"' in write
    token = letter_token(client.post("/write", data={**letter_form(name="Ana Ruiz"), "partner": "unidos",
                                                     "csrf_token": csrf_token(write)}))
    assert saved(app) == [("Ana Ruiz", "unidos")]
    assert token


def test_the_write_page_ignores_a_tag_that_is_not_a_partners(app, client):
    write = client.get("/write?partner=evil").get_data(as_text=True)
    assert 'name="partner"' not in write
    letter_token(submit_letter(client, name="Ana Ruiz", partner="evil"))
    assert saved(app) == [("Ana Ruiz", "")]


def test_the_write_pages_language_switch_keeps_the_partner(app, client):
    page = client.get("/write?partner=casa&lang=en").get_data(as_text=True)
    switched = client.post("/write?lang=es", data={**letter_form(), "partner": "casa", "switch_language": "es",
                                                   "csrf_token": csrf_token(page)})
    assert 'name="partner" type="hidden" value="casa"' in switched.get_data(as_text=True)


# ---------------------------------------------------------------- staff

def test_staff_see_each_partners_snippet_in_both_languages(app, staff):
    page = staff.get("/staff/embed")
    assert page.status_code == 200
    shown = text(page)
    for tag in PARTNERS:
        for lang in ("en", "es"):
            assert (f'<iframe src="http://letters.campaign.test/embed?partner={tag}&amp;lang={lang}" title="'
                    in shown), (tag, lang)
    assert 'title="Escríbale a su concejal o concejala del Condado de King"' in shown
    assert 'loading="lazy"' in shown and 'width="100%"' in shown
    assert "Allowed site: https://casa.example.org" in shown
    assert re.search(r'<textarea id="snippet-casa-en" rows="4" readonly>', page.get_data(as_text=True))
    assert 'href="/staff/embed" aria-current="page"' in page.get_data(as_text=True)


def test_staff_are_told_how_to_set_partners_when_there_are_none(app, staff):
    app.config["EMBED_PARTNERS"] = {}
    page = staff.get("/staff/embed")
    assert page.status_code == 200 and "No partner sites are set" in text(page)
    assert "ACTIONTOOL_EMBED_PARTNERS" in text(page) and "<iframe" not in text(page)


def test_the_snippet_page_is_for_staff_only(app, client, canvasser):
    assert canvasser.get("/staff/embed").status_code == 403
    anonymous = client.get("/staff/embed")
    assert anonymous.status_code == 302 and "/staff/login" in anonymous.headers["Location"]
    assert 'href="/staff/embed"' not in canvasser.get("/staff/").get_data(as_text=True)


def test_the_embed_form_is_the_letter_forms_fields(app):
    html = embed_page(app).get_data(as_text=True)
    for field in ("name", "email", "street", "city", "zip", "note", "letter_language", "recipients", "website"):
        assert f'name="{field}"' in html, field
    assert HOME["zip"] not in html  # nothing prefilled
