"""Configuration in layers: defaults here, then the instance folder's settings.toml, then ACTIONTOOL_*
from the environment, then tests."""

import os
import re
import tomllib
from pathlib import Path

from sqlalchemy.engine import make_url

from actiontool import campaign

# Folders beside the package: the page templates, the translation catalogs, the database migrations.
ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
TRANSLATIONS = ROOT / "translations"
MIGRATIONS = ROOT / "migrations"

DEFAULT_SECRET_KEY = "dev-only-not-secret"
# In the instance folder: the key used when ACTIONTOOL_SECRET_KEY is not set.
SECRET_KEY_FILE = "secret_key"
# In the instance folder: settings as TOML (CAMPAIGN_NAME = "..."), read before the environment.
SETTINGS_FILE = "settings.toml"
# How every outside service this app calls (the geocoder, the county's layers) sees it.
USER_AGENT = "actiontool/0.1 (+https://github.com/actiontool; King County letter tool)"

DEFAULTS = {
    "SECRET_KEY": DEFAULT_SECRET_KEY,
    # None means: an SQLite file in the instance folder.
    "DATABASE_URL": None,
    # Seconds to wait for the database to connect or answer a statement (PostgreSQL) before a 503.
    "DATABASE_TIMEOUT_SECONDS": 5,
    "GEOCODER_URL": "https://geocoding.geo.census.gov/geocoder",
    "DISTRICT_LAYER_URL": (
        "https://services.arcgis.com/Ej0PsM5Aw677QF1W/arcgis/rest/services/"
        "KCCDST_AREA_185/FeatureServer/0"
    ),
    # None means: districts.geojson in the instance folder, used when it exists.
    "DISTRICTS_FILE": None,
    "LOOKUP_TIMEOUT": 5.0,
    "LOOKUP_CACHE_DAYS": 30,
    # An address the local index of the county's address points cannot answer is sent to the Census geocoder:
    # "on", "off", or "auto" (on only while no index is installed: `actiontool addresses fetch`).
    "GEOCODER_FALLBACK": "auto",
    # The county's address points (ArcGIS REST layer) that `actiontool addresses fetch` downloads.
    "ADDRESS_LAYER_URL": "https://gismaps.kingcounty.gov/arcgis/rest/services/Address/KingCo_AddressPoints/MapServer/0",
    "COUNTY_DISTRICT_FINDER_URL": "https://kingcounty.gov/council",
    # Whole requests larger than this are refused with a translated page (413).
    "MAX_CONTENT_LENGTH": 64 * 1024,
    # Email delivery. MAIL_URL None means: .eml files in the instance folder's mail/.
    "MAIL_URL": None,
    "MAIL_FROM": "letters@localhost",
    "BASE_URL": "http://127.0.0.1:5000",
    # Who runs the tool and how it looks (campaign.py says what each one is).
    **campaign.SETTINGS,
    "MAIL_TIMEOUT": 30,
    "MAIL_RETRY_BASE_SECONDS": 30,
    "MAIL_RETRY_MAX_SECONDS": 3600,
    "MAIL_GIVE_UP_HOURS": 48,
    "MAIL_LEASE_SECONDS": 300,
    "WORKER_POLL_SECONDS": 5,
    # Seconds one request may spend looking up a sign-up sheet's addresses (gunicorn's timeout is 30);
    # the rest are looked up when the canvasser asks, on the event page.
    "SHEET_LOOKUP_SECONDS": 15,
    # Signers one sign-up sheet may hold, and sheet rows one event keeps to be fixed (pages stay fast).
    "SHEET_MAX_ROWS": 1000,
    "EVENT_MAX_ROWS_TO_FIX": 300,
    # Print jobs rendering at the same time, across every worker; each one uses up to 2 cores.
    "PRINT_JOBS_AT_ONCE": 1,
    # The roster page flags an official whose row was last verified more days ago than this.
    "ROSTER_STALE_AFTER_DAYS": 90,
    "CONFIRMATION_DAYS": 7,
    # Public comment: a comment is handed to the mail server at least this long before the clerk's cut-off,
    # or not at all (the supporter is offered the next meeting).
    "COMMENT_MARGIN_MINUTES": 30,
    "REMINDER_AFTER_HOURS": 24,
    # "Did they reply?": asked this many days after a letter is delivered (if the supporter said yes); its
    # one-click answers work for this many days after it is sent, then nothing more is asked.
    "FOLLOW_UP_AFTER_DAYS": 14,
    "FOLLOW_UP_ANSWER_DAYS": 7,
    # /numbers is computed at most once in this many seconds (per web process) and cached by browsers as long.
    "NUMBERS_CACHE_SECONDS": 300,
    # Alerts: who is told (comma-separated addresses; empty: alerts are only logged), and when. Mail due for
    # longer than ALERT_QUEUE_MINUTES means the worker is down or stuck; more than ALERT_FAILURE_SHARE (0 to
    # 1) of the last hour's messages refused for good, once at least ALERT_FAILURE_MIN_MESSAGES finished.
    "ALERT_EMAILS": "",
    "ALERT_QUEUE_MINUTES": 15,
    "ALERT_FAILURE_SHARE": 0.25,
    "ALERT_FAILURE_MIN_MESSAGES": 5,
    # The worker compares the roster with the county's layer this often (hours; 0: never).
    "ROSTER_CHECK_HOURS": 24,
    # GET /healthz answers 503 when no worker has been seen for this many seconds.
    "HEALTH_WORKER_SECONDS": 120,
    # Partner sites that may show the letter form in a frame (/embed?partner=<tag>): "tag=https://origin"
    # pairs, comma-separated. Letters written there are counted under the tag. Empty: no site may frame it.
    "EMBED_PARTNERS": "",
    # Days after which a finished letter loses the supporter's name, email, address and note.
    "RETENTION_DAYS": 30,
    # Abuse limits.
    "CONFIRMATIONS_PER_HOUR": 3,
    "LETTERS_PER_OFFICIAL_PER_DAY": 1,
    "RATELIMIT_STORAGE_URL": "memory://",
    "RATELIMIT_LOOKUPS": "30 per minute;300 per day",
    "RATELIMIT_SUBMISSIONS": "10 per minute;100 per day",
    # How many proxies in front of the app set X-Forwarded-For (for per-IP limits).
    "TRUSTED_PROXIES": 0,
    # Failed logins within the window after which that account or client must wait.
    "LOGIN_FAILURE_WINDOW_MINUTES": 15,
    "LOGIN_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_FAILURES_PER_CLIENT": 20,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "WTF_CSRF_TIME_LIMIT": None,
}


class ConfigurationError(RuntimeError):
    """The application refuses to start with this configuration."""


def load(app, test_config=None):
    """Fill app.config from DEFAULTS, the environment and test_config, then check it."""
    app.config.from_mapping(DEFAULTS)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    try:
        app.config.from_file(SETTINGS_FILE, load=tomllib.load, text=False, silent=True)
    except tomllib.TOMLDecodeError as error:
        raise ConfigurationError(f"{os.path.join(app.instance_path, SETTINGS_FILE)}: {error}") from None
    app.config.from_prefixed_env("ACTIONTOOL")
    if test_config:
        app.config.from_mapping(test_config)

    if app.config["SECRET_KEY"] in (DEFAULT_SECRET_KEY, ""):
        app.config["SECRET_KEY"] = _instance_secret_key(app.instance_path) or DEFAULT_SECRET_KEY
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = "sqlite:///" + os.path.join(app.instance_path, "actiontool.db")
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if not app.config["DISTRICTS_FILE"]:
        app.config["DISTRICTS_FILE"] = os.path.join(app.instance_path, "districts.geojson")
    app.config["LOOKUP_TIMEOUT"] = float(app.config["LOOKUP_TIMEOUT"])
    app.config["GEOCODER_FALLBACK"] = geocoder_fallback(app.config["GEOCODER_FALLBACK"])
    if not app.config["MAIL_URL"]:
        app.config["MAIL_URL"] = "file://" + os.path.join(app.instance_path, "mail")
    app.config["RATELIMIT_STORAGE_URI"] = app.config["RATELIMIT_STORAGE_URL"]
    # Secure cookies whenever the app is served over HTTPS.
    app.config["SESSION_COOKIE_SECURE"] = bool(app.config["SESSION_COOKIE_SECURE"]) or \
        str(app.config["BASE_URL"]).startswith("https:")

    if app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY and not (app.debug or app.testing):
        raise ConfigurationError(
            "Set ACTIONTOOL_SECRET_KEY to a long random value, or put one in "
            f"{os.path.join(app.instance_path, SECRET_KEY_FILE)} (`make setup` writes one); "
            "the built-in key is only for debug and tests."
        )
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    app.config["EMBED_PARTNERS"] = embed_partners(app.config["EMBED_PARTNERS"])
    monitoring_settings(app.config)
    try:
        app.extensions["campaign"] = campaign.load(app.config, app.instance_path)
    except campaign.CampaignSettingError as error:
        raise ConfigurationError(str(error)) from None


# A partner's tag as it appears in /embed?partner=<tag> and on /numbers: lowercase letters, digits and dashes.
PARTNER_TAG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?\Z")
# An origin a browser sends and CSP's frame-ancestors names: scheme, host and optional port, nothing else.
ORIGIN = re.compile(r"https?://(?:[a-z0-9-]+\.)*[a-z0-9-]+(?::[0-9]{1,5})?\Z")


def embed_partners(value):
    """EMBED_PARTNERS ("tag=https://origin, ...", or already a dict) as {tag: origin}; a malformed entry stops the
    app, so no typo can open the frame to a site nobody chose."""
    if isinstance(value, dict):
        pairs = value.items()
    else:
        pairs = []
        for entry in filter(None, (part.strip() for part in str(value or "").split(","))):
            tag, equals, origin = entry.partition("=")
            if not equals:
                raise ConfigurationError(f"EMBED_PARTNERS: {entry!r} is not tag=https://origin")
            pairs.append((tag.strip(), origin.strip()))
    partners = {}
    for tag, origin in pairs:
        origin = str(origin).lower().rstrip("/")
        if not PARTNER_TAG.match(str(tag)):
            raise ConfigurationError(f"EMBED_PARTNERS: the tag {tag!r} must be lowercase letters, digits and dashes")
        if not ORIGIN.match(origin):
            raise ConfigurationError(f"EMBED_PARTNERS: {origin!r} is not an origin like https://partner.example.org")
        partners[str(tag)] = origin
    return partners


def geocoder_fallback(value):
    """GEOCODER_FALLBACK as "auto", "on" or "off" (true/false and 1/0 read as on/off); anything else stops the app:
    a typo must not send addresses to an outside service the operator meant to keep them from."""
    text = str(value).strip().lower()
    text = {"true": "on", "1": "on", "yes": "on", "false": "off", "0": "off", "no": "off"}.get(text, text)
    if text not in ("auto", "on", "off"):
        raise ConfigurationError(f"GEOCODER_FALLBACK must be auto, on or off (got {value!r})")
    return text


def monitoring_settings(config):
    """The alert and /healthz settings as numbers in range, and ALERT_EMAILS as addresses: a wrong one stops the
    app (an alert that can never fire, or a list no mail server takes, would fail in silence)."""
    ranges = {"ALERT_QUEUE_MINUTES": (int, 0, None), "ALERT_FAILURE_SHARE": (float, 0.0, 1.0),
              "ALERT_FAILURE_MIN_MESSAGES": (int, 1, None), "ROSTER_CHECK_HOURS": (float, 0.0, None),
              "HEALTH_WORKER_SECONDS": (int, 1, None)}
    for name, (kind, low, high) in ranges.items():
        try:
            value = kind(config[name])
        except (TypeError, ValueError):
            raise ConfigurationError(f"{name} must be a number (got {config[name]!r})") from None
        if value < low or (high is not None and value > high):
            raise ConfigurationError(f"{name} must be at least {low}" + (f" and at most {high}" if high else ""))
        config[name] = value
    if config["HEALTH_WORKER_SECONDS"] <= float(config["WORKER_POLL_SECONDS"]):
        raise ConfigurationError("HEALTH_WORKER_SECONDS must be longer than WORKER_POLL_SECONDS (an idle worker "
                                 "would look stopped)")
    for address in (part.strip() for part in str(config["ALERT_EMAILS"] or "").split(",")):
        if address and not re.fullmatch(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+", address):
            raise ConfigurationError(f"ALERT_EMAILS: {address!r} is not an email address")


def _instance_secret_key(instance_path):
    """The key `make setup` wrote to the instance folder, if there is one."""
    path = Path(instance_path) / SECRET_KEY_FILE
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def _url_options(url):
    """The libpq `options` the operator put in the database URL (e.g. -csearch_path=...), kept."""
    value = make_url(url).query.get("options", "")
    return " ".join(value) if isinstance(value, tuple) else value


def engine_options(config):
    """SQLAlchemy engine settings: no statement parameters in any error (they hold supporters' details),
    stale pooled connections replaced before use, and bounded waits when the database is away."""
    options = {"hide_parameters": True, "pool_pre_ping": True}
    if str(config["DATABASE_URL"]).startswith("postgresql"):
        seconds = int(config["DATABASE_TIMEOUT_SECONDS"])
        options["pool_timeout"] = seconds
        options["connect_args"] = {
            "connect_timeout": seconds,
            # A statement may run at most this long; a connection whose peer stopped answering is dropped.
            "options": " ".join(filter(None, [_url_options(config["DATABASE_URL"]),
                                              f"-c statement_timeout={seconds * 1000}"])),
            "tcp_user_timeout": seconds * 1000,
            "keepalives": 1, "keepalives_idle": seconds, "keepalives_interval": 1, "keepalives_count": 3,
        }
    return options
