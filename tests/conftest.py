"""Fixtures: compiled catalogs, a real database (SQLite, or PostgreSQL when ACTIONTOOL_TEST_DATABASE_URL
is set), real HTTP servers on 127.0.0.1 standing in for the Census geocoder and the county's GIS layer,
a real SMTP server, and signed-in clients. Shared helpers live in tests/helpers.py."""

import os

import flask_migrate
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from actiontool import create_app
from actiontool.config import MIGRATIONS, TRANSLATIONS
from actiontool.models import db
from actiontool.roster import apply_roster, parse_roster
from tests.fakes.census import FakeCensusGeocoder
from tests.fakes.county_layer import FakeCountyLayer
from tests.helpers import CANVASSER, ROSTER, STAFF, empty_database, register_addresses, signed_in_client
from tests.smtp_server import SmtpServer


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs():
    """The Spanish pages need compiled catalogs: a bare `pytest` on a fresh clone compiles them
    (as `make translations` does) when a .mo file is missing or older than its .po file."""
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po:
            catalog = read_po(po)
        with mo_path.open("wb") as mo:
            write_mo(mo, catalog)


@pytest.fixture(scope="session")
def geocoder():
    with FakeCensusGeocoder() as service:
        yield service


@pytest.fixture(scope="session")
def county_layer():
    with FakeCountyLayer() as service:
        yield service


@pytest.fixture(scope="session")
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server):
    """The loopback SMTP server, running and empty."""
    if smtp_server.controller is None:
        smtp_server.start()
    smtp_server.reset()
    return smtp_server


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The test database, brought to the latest migration once per run."""
    url = os.environ.get("ACTIONTOOL_TEST_DATABASE_URL") or (
        "sqlite:///" + str(tmp_path_factory.mktemp("db") / "actiontool.db"))
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x"})
    with app.app_context():
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        flask_migrate.upgrade(directory=str(MIGRATIONS))
    return url


@pytest.fixture
def app(database_url, geocoder, county_layer, smtp, tmp_path):
    """A fresh app on a clean database holding the shipped roster."""
    for service in (geocoder, county_layer):
        service.reset_failures()
        service.reset_requests()
    register_addresses(geocoder)
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "GEOCODER_URL": geocoder.base_url,
        "DISTRICT_LAYER_URL": county_layer.layer_url,
        "DISTRICTS_FILE": str(tmp_path / "districts.geojson"),
        "LOOKUP_TIMEOUT": 1.0,
        "MAIL_URL": smtp.url,
        "MAIL_FROM": "letters@campaign.test",
        "MAIL_TIMEOUT": 5,
        "BASE_URL": "http://letters.campaign.test",
        "CAMPAIGN_NAME": "Stop ICE's Insecure Communities",
    })
    with app.app_context():
        apply_roster(parse_roster(ROSTER))
    yield app
    empty_database(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def staff(app, runner):
    """A test client signed in as staff (modules testing login itself define their own)."""
    return signed_in_client(app, runner, STAFF, "staff")


@pytest.fixture
def canvasser(app, runner):
    """A test client signed in as a canvasser."""
    return signed_in_client(app, runner, CANVASSER, "canvasser")
