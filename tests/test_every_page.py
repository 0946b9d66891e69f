"""Every page, seen: one browser tour of the whole site, in English and Spanish, at 360 px and 1280 px.

The data is made the way people make it (issue 11): supporters write letters on the site and confirm them
by the emailed link, the worker delivers them to the loopback SMTP server (one official's mailbox refuses),
a roster upload changes an official (holding a letter), retention purges an old letter, a canvasser runs an
event with a sign-up sheet that has rows to fix, and print runs are rendered. Then one Chromium visits
every page: the public pages in a context with JavaScript off (they must work without it), the staff and
event pages signed in. Each page must not scroll sideways, axe-core must find nothing, and a public page
must cost at most 30 KB of HTML and CSS. A last check makes sure no page of the app escapes the tour.

ACTIONTOOL_SCREENSHOTS=DIR also saves every page as DIR/<page>-<lang>-<width>.png, and the first page of
each kind of PDF (a letter in English, Spanish and both; an event's print run with its cover sheets; blank
letters) as DIR/pdf-<kind>.png (pdftoppm). `make screenshots` runs this module so.
"""

import datetime as dt
import html
import io
import json
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from werkzeug.serving import make_server

from actiontool import create_app
from actiontool.mail.links import SALT
from actiontool.models import CommentStatus, Letter, Official, PublicComment, db, utcnow
from actiontool.roster import apply_roster, parse_roster
from actiontool.roster.areas import apply_areas, parse_areas
from tests.browser import AXE_JS, TIMEOUT_MS, browser  # noqa: F401 - the module's browser fixture
from tests.fakes.address_points import FIELDS, write_geojson
from tests.fakes.geography import district_center, districts_geojson
from tests.helpers import (
    AREAS,
    CANVASSER,
    HOME,
    ROSTER,
    STAFF,
    STAFF_PASSWORD,
    UNKNOWN,
    add_meeting,
    add_user,
    ask_to_email,
    confirm,
    confirmation_link,
    csrf_token,
    empty_database,
    letter_token,
    register_addresses,
    replace_field,
    run_worker,
    sign_in,
    submit_letter,
)
from tests.tour import LANGUAGES, WIDTHS, Tour
from tests.tour_pages import CANVASSER_PAGES, PUBLIC_PAGES, STAFF_PAGES

pytestmark = pytest.mark.browser

SECRET = "test-secret-key"

# GET routes that are not pages, so the tour does not open them as pages (each with its reason).
NOT_PAGES = {
    "numbers.numbers_csv": "a CSV download (the public figures)",
    "health.healthz": "JSON for uptime monitors (tests/test_healthz.py)",
    "static": "files (CSS, JavaScript, fonts): their bytes are counted in each public page's weight",
    "identity.colours": "the campaign's colours, a stylesheet (counted in each public page's weight)",
    "identity.logo": "an image file",
    "supporter.executive_letter_as_pdf": "a PDF download (the same letter, to the County Executive)",
    "api.lookup_address": "JSON for scripts, not a page",
    "prints.print_job_json": "JSON polled by the print progress page",
    "supporter.letter_as_pdf": "a PDF download (rendered to pdf-letter-*.png with ACTIONTOOL_SCREENSHOTS)",
    "staff.letters_csv": "a CSV download",
    "staff.opt_ins_csv": "a CSV download",
    "staff.roster_csv": "a CSV download",
    "events.sheet_template": "a CSV download (the blank sign-up sheet)",
    "areas.area_csv": "a CSV download",
}

NAMES = ["Ana Torres", "Beto Ruiz", "Carla Méndez", "Dora Paz", "Eva Abad", "Fidel Núñez", "Gloria Sáenz"]
SHEET = ("name,street,city,zip,language\n"
         f"Ana López,{HOME['street']},Seattle,98104,es\n"
         "No Street,,Seattle,98104,en\n"
         f"Lost Person,{UNKNOWN['street']},Seattle,98104,es\n")


# ---------------------------------------------------------------------------- the app, served once


@pytest.fixture(scope="module")
def tour_app(database_url, geocoder, county_layer, smtp_server, tmp_path_factory):
    """One app for the whole tour (the conftest `app` is per test), on the shared test database."""
    for service in (geocoder, county_layer):
        service.reset_failures()
        service.reset_requests()
    register_addresses(geocoder)
    if smtp_server.controller is None:
        smtp_server.start()
    smtp_server.reset()
    app = create_app({
        "TESTING": True, "SECRET_KEY": SECRET, "DATABASE_URL": database_url,
        "GEOCODER_URL": geocoder.base_url, "DISTRICT_LAYER_URL": county_layer.layer_url,
        "DISTRICTS_FILE": str(tmp_path_factory.mktemp("tour") / "districts.geojson"),
        "LOOKUP_TIMEOUT": 1.0, "MAIL_URL": smtp_server.url, "MAIL_FROM": "letters@campaign.test",
        "MAIL_TIMEOUT": 5, "BASE_URL": "http://letters.campaign.test",
        "CAMPAIGN_NAME": "Stop ICE's Insecure Communities",
        # Everything comes from 127.0.0.1: the tour writes more letters than one person may.
        "RATELIMIT_SUBMISSIONS": "1000 per minute", "RATELIMIT_LOOKUPS": "1000 per minute",
        # A partner site may frame /embed; "did they reply?" is asked as soon as a letter is delivered.
        "EMBED_PARTNERS": "casa=https://casa.example.org", "FOLLOW_UP_AFTER_DAYS": 0,
        # The local address index answers for the home address (its letter page says so); the geocoder
        # still answers the addresses the tour needs it for (two matches, none).
        "GEOCODER_FALLBACK": "on",
    })
    with app.app_context():
        apply_roster(parse_roster(ROSTER))
        apply_areas(parse_areas(AREAS))  # as `make roster` does: the district choice shows them
    yield app
    smtp_server.reset()
    empty_database(app)


@pytest.fixture(scope="module")
def tour_server(tour_app):
    server = make_server("127.0.0.1", 0, tour_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


# ---------------------------------------------------------------------------- the data, made as people make it


def signed_in_the_past(letter_token, seconds_ago):
    """A confirmation link token signed as if `seconds_ago` seconds had passed since (as the email's is)."""

    class SignerInThePast(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - int(seconds_ago)

    return URLSafeTimedSerializer(SECRET, salt=SALT, signer=SignerInThePast).dumps(letter_token)


def post_form(client, page, action=None, **fields):
    """GET `page`, then POST its form (CSRF token included) to `action` (default: the same page)."""
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(action or page, data={"csrf_token": token, **fields}, content_type="multipart/form-data")


def official_email(app, district):
    with app.app_context():
        return db.session.scalar(db.select(Official.email).where(Official.district == district))


def install_address_index(runner, folder):
    """The district polygons, and a local address index holding the home address's block (district 4)."""
    (folder / "districts.geojson").write_text(json.dumps(districts_geojson()))
    assert runner.invoke(args=["districts", "import", str(folder / "districts.geojson")]).exit_code == 0
    lon, lat = district_center("4")
    points = [dict(dict.fromkeys(FIELDS, ""), OBJECTID=n, SITEID=n, ADDR_HN=number, ADDR_NUM=str(number),
                   ADDR_SN="MAIN", ADDR_ST="ST", ADDR_FULL=f"{number} MAIN ST", FULLNAME="MAIN ST",
                   ZIP5=HOME["zip"], CTYNAME="SEATTLE", POSTALCTYNAME="SEATTLE", LON=lon + n * 1e-4, LAT=lat)
              for n, number in enumerate(range(90, 130, 2), start=1)]
    write_geojson(folder / "addresses.geojson", points)
    installed = runner.invoke(args=["addresses", "import", str(folder / "addresses.geojson")])
    assert installed.exit_code == 0, installed.output


def make_world(app, smtp):
    """Letters in every state, an event with signers and rows to fix, print runs, roster history."""
    runner = app.test_cli_runner()
    for email, role in ((STAFF, "staff"), (CANVASSER, "canvasser")):
        assert add_user(runner, email, role).exit_code == 0
    install_address_index(runner, Path(tempfile.mkdtemp()))
    supporter, staff, canvasser = app.test_client(), app.test_client(), app.test_client()
    assert sign_in(staff, STAFF).status_code == 302
    assert sign_in(canvasser, CANVASSER).status_code == 302
    world = {}

    def write(key, lang="en", **fields):
        name = f"{NAMES[len(world) % len(NAMES)]} ({key.replace('_', ' ')})"
        world[key] = letter_token(submit_letter(supporter, lang=lang, name=name, **fields))
        return world[key]

    # Drafts in each language of letter (their PDFs are screenshot), and one to be purged.
    for language in ("en", "es", "both"):
        write(f"draft_{language}", lang="es" if language != "en" else "en", letter_language=language,
              note="Mis vecinos deben poder llamar a la policía sin miedo." if language != "en" else "")
    write("purged")
    write("council", recipients="council")  # to the whole council
    # Letters asked to be emailed: confirmed later (sent, refused, held) or left awaiting confirmation.
    # (Emailed links open in the letter's page language, so each language of the tour has its own.)
    for key, district in (("sent", "4"), ("failed", "9"), ("held", "2"), ("awaiting_en", "4"),
                          ("awaiting_es", "4"), ("expiring_en", "4"), ("expiring_es", "4"), ("replied", "4")):
        token = write(key, lang="es" if key.endswith("_es") else "en", district=district)
        assert ask_to_email(supporter, token, email=f"{key}@example.org",
                            follow_up="y" if key in ("sent", "replied") else "").status_code == 200
    # Two meetings taking written comment: a letter also sent as comment to the first, which misses it.
    for days, item in ((5, "2025-0216"), (12, "2025-0300")):
        add_meeting(app, dt.date.today() + dt.timedelta(days=days), items=(item,))
    assert ask_to_email(supporter, write("commented"), email="commented@example.org", comment="y",
                        meeting_reminder="y").status_code == 200

    # A canvasser's event: signers typed in, a sign-up sheet with two rows to fix, one print run.
    created = post_form(canvasser, "/staff/events", name="Fiesta del barrio", date="2026-11-28",
                        place="El Centro de la Raza")
    event_page = created.headers["Location"]
    world["event"] = event_id = int(event_page.rsplit("/", 1)[1])
    for name, language in (("Zoe Adams", "en"), ("Bea Núñez", "es"), ("Dan Brown", "both")):
        response = post_form(canvasser, event_page, name=name, letter_language=language, **HOME)
        assert response.status_code == 302, response.status_code
    page = canvasser.get(event_page).get_data(as_text=True)
    uploaded = canvasser.post(f"{event_page}/upload", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "file": (io.BytesIO(SHEET.encode()), "sheet.csv")})
    assert uploaded.status_code == 303, uploaded.status_code
    world["row"] = int(re.search(rf"/staff/events/{event_id}/rows/(\d+)", canvasser.get(event_page).text).group(1))
    world["event_job"] = post_form(canvasser, event_page, f"/staff/events/{event_id}/print") \
        .headers["Location"].rsplit("/", 1)[1]
    world["blank_job"] = post_form(canvasser, "/staff/print/blank", district="4", copies="2", language="both") \
        .headers["Location"].rsplit("/", 1)[1]
    today = dt.date.today()
    packet = post_form(staff, "/staff/print/packet", office="councilmember:4",
                       since=(today - dt.timedelta(days=7)).isoformat(),
                       until=(today + dt.timedelta(days=1)).isoformat())
    world["packet_job"] = packet.headers["Location"].rsplit("/", 1)[1]

    run_worker(app)  # the confirmation emails and the print runs
    links = {key: confirmation_link(smtp.messages_to(f"{key}@example.org")[-1])
             for key in ("sent", "failed", "held", "awaiting_en", "awaiting_es", "commented", "replied")}
    world["links"] = links
    world["expired_links"] = {lang: f"/confirm/{signed_in_the_past(world[f'expiring_{lang}'], 8 * 24 * 3600)}"
                              for lang in LANGUAGES}
    confirm(supporter, links["held"])
    # District 2 gets a new member through the staff upload: the letter waiting for the old one is held.
    new_member = replace_field(replace_field(ROSTER, 3, "name", "Nueva Persona"), 3, "email",
                               "Nueva.Persona@kingcounty.gov")
    preview = staff.post("/staff/roster/upload", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(staff.get("/staff/roster/upload").text),
        "file": (io.BytesIO(new_member.encode()), "officials.csv")}).text
    fields = dict(re.findall(r'<input[^>]*\bname="(roster|base)"[^>]*\bvalue="([^"]*)"', preview))
    applied = staff.post("/staff/roster/apply", data={
        "csrf_token": csrf_token(preview), **{k: html.unescape(v) for k, v in fields.items()}})
    assert applied.status_code == 302, applied.status_code

    confirm(supporter, links["commented"])
    with app.app_context():
        db.session.execute(db.update(PublicComment).values(status=CommentStatus.LATE))
        db.session.commit()
    confirm(supporter, links["sent"])
    confirm(supporter, links["failed"])
    confirm(supporter, links["replied"])
    smtp.handler.refuse[official_email(app, "9").lower()] = "550 5.1.1 No such user"
    run_worker(app)  # delivers two letters (and asks their writers "did they reply?"), the other is refused
    run_worker(app)
    # "Did they reply?": one question left open, one answered with a reply (its page asks how long it took).
    for key in ("sent", "replied"):
        (question,) = [m for m in smtp.messages_to(f"{key}@example.org") if "/reply/" in str(m)]
        world[f"reply_{key}"] = re.search(r"(/reply/[^/\s]+)/personal", question.get_body(
            preferencelist=("plain",)).get_content()).group(1)
    page = supporter.get(world["reply_replied"] + "/personal").get_data(as_text=True)
    assert supporter.post(world["reply_replied"], data={"csrf_token": csrf_token(page),
                                                        "answer": "personal"}).status_code == 302

    # Retention: a letter written 40 days ago loses its supporter's details.
    with app.app_context():
        db.session.execute(db.update(Letter).where(Letter.token == world["purged"])
                           .values(created_at=utcnow() - dt.timedelta(days=40)))
        db.session.commit()
    assert runner.invoke(args=["purge"]).exit_code == 0

    world["pdfs"] = {f"letter-{language}": supporter.get(f"/letters/{world[f'draft_{language}']}.pdf").data
                     for language in ("en", "es", "both")}
    world["pdfs"]["event-packet"] = canvasser.get(f"/staff/prints/{world['event_job']}.pdf").data
    world["pdfs"]["blank-letters"] = canvasser.get(f"/staff/prints/{world['blank_job']}.pdf").data
    with app.app_context():
        world["official_id"] = db.session.scalar(db.select(Official.id).where(Official.district == "4"))
    return world


# ---------------------------------------------------------------------------- the tour


def _context(chromium, base_url, **options):
    context = chromium.new_context(base_url=base_url, viewport={"width": WIDTHS[0], "height": 800},
                                  locale="en-US", **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def _signed_in_tab(chromium, base_url, email, lang):
    tab = _context(chromium, base_url, bypass_csp=True).new_page()
    tab.goto(f"/staff/login?lang={lang}")
    tab.locator("#email").fill(email)
    tab.locator("#password").fill(STAFF_PASSWORD)
    tab.locator("main form button[type=submit]").click()
    tab.wait_for_url(re.compile(r"/staff/$"))
    return tab


def _public_tab(chromium, base_url, lang):
    """A JavaScript-free tab; Spanish is chosen with the site's language switch, and then remembered."""
    tab = _context(chromium, base_url, java_script_enabled=False).new_page()
    tab.goto("/")
    if lang == "es":
        tab.locator("nav a[hreflang=es]").click()
        tab.wait_for_url(re.compile(r"lang=es"))
    return tab


@pytest.fixture(scope="module")
def tour(tour_app, tour_server, smtp_server, browser):  # noqa: F811 - the fixture
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: run `npm install --no-audit --no-fund` at the repo root", pytrace=False)
    world = make_world(tour_app, smtp_server)
    world["session_cookie"] = lambda lang: tour_app.session_interface.get_signing_serializer(tour_app).dumps(
        {"lang": lang})
    replay = _context(browser, tour_server, bypass_csp=True).new_page()
    result = Tour(tour_app, AXE_JS, replay)
    for lang in LANGUAGES:
        tabs = {"public": _public_tab(browser, tour_server, lang),
                "staff": _signed_in_tab(browser, tour_server, STAFF, lang),
                "canvasser": _signed_in_tab(browser, tour_server, CANVASSER, lang)}
        for tab in tabs.values():
            result.watch(tab)
        for audience, pages in (("public", PUBLIC_PAGES), ("staff", STAFF_PAGES), ("canvasser", CANVASSER_PAGES)):
            for name, open_page in pages.items():
                result.visit(name, lang, tabs[audience], lambda tab, o=open_page, lang=lang: o(tab, world, lang),
                             public=audience == "public")
        for tab in tabs.values():
            tab.context.close()
    replay.context.close()
    result.pdfs = world["pdfs"]
    if result.shots:
        render_pdfs(world["pdfs"], result.shots)
    print("\n".join(["", "== the tour's findings =="] + result.summary()))
    return result


COVERED = ("event-packet", "blank-letters")  # print runs start with a cover sheet


def render_pdfs(pdfs, folder):
    """The first page of each PDF as DIR/pdf-<kind>.png (after a cover sheet, the first letter too)."""
    with tempfile.TemporaryDirectory() as scratch:
        for kind, data in pdfs.items():
            source = Path(scratch) / f"{kind}.pdf"
            source.write_bytes(data)
            pages = [(1, f"pdf-{kind}")] + ([(2, f"pdf-{kind}-first-letter")] if kind in COVERED else [])
            for number, png in pages:
                subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(number), "-l", str(number), "-singlefile",
                                str(source), str(folder / png)], check=True, timeout=60)


# ---------------------------------------------------------------------------- the checks

PAGES = [(name, True) for name in PUBLIC_PAGES] + [(name, False) for name in {**STAFF_PAGES, **CANVASSER_PAGES}]
VIEWS = [pytest.param(name, lang, width, id=f"{name}-{lang}-{width}")
         for name, _public in PAGES for lang in LANGUAGES for width in WIDTHS]
PUBLIC_VIEWS = [pytest.param(name, lang, id=f"{name}-{lang}") for name in PUBLIC_PAGES for lang in LANGUAGES]
EVERY_PAGE = [pytest.param(name, lang, id=f"{name}-{lang}") for name, _public in PAGES for lang in LANGUAGES]


@pytest.mark.parametrize("name, lang, width", VIEWS)
def test_page_does_not_scroll_sideways(tour, name, lang, width):
    assert tour.failures(name, lang, width, "overflow") == []


@pytest.mark.parametrize("name, lang, width", VIEWS)
def test_axe_finds_no_violation_on_the_page(tour, name, lang, width):
    assert tour.failures(name, lang, width, "axe") == []


@pytest.mark.parametrize("name, lang", EVERY_PAGE)
def test_page_is_shown_in_the_language_chosen(tour, name, lang):
    assert tour.failures(name, lang, None, "language") == []


@pytest.mark.parametrize("name, lang", PUBLIC_VIEWS)
def test_public_page_works_without_javascript(tour, name, lang):
    assert tour.failures(name, lang, None, "nojs") == []


@pytest.mark.parametrize("name, lang", PUBLIC_VIEWS)
def test_public_page_costs_at_most_30_kb_of_html_and_css(tour, name, lang):
    assert tour.failures(name, lang, None, "weight") == []


def test_every_page_of_the_app_is_in_the_tour(tour, tour_app):
    get_endpoints = {rule.endpoint for rule in tour_app.url_map.iter_rules() if "GET" in rule.methods}
    assert set(NOT_PAGES) - get_endpoints == set(), "an exclusion names a route that is gone"
    assert sorted(get_endpoints - set(NOT_PAGES) - set(tour.visited)) == []


def test_every_kind_of_pdf_is_a_pdf(tour):
    assert sorted(tour.pdfs) == ["blank-letters", "event-packet", "letter-both", "letter-en", "letter-es"]
    assert {kind: data[:5] for kind, data in tour.pdfs.items()} == {kind: b"%PDF-" for kind in tour.pdfs}
    if tour.shots:
        assert shutil.which("pdftoppm")
        assert all((tour.shots / f"pdf-{kind}.png").stat().st_size > 0 for kind in tour.pdfs)
