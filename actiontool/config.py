"""Configuration in layers: defaults here, then ACTIONTOOL_* from the environment, then tests."""

import os
from pathlib import Path

DEFAULT_SECRET_KEY = "dev-only-not-secret"

DEFAULTS = {
    "SECRET_KEY": DEFAULT_SECRET_KEY,
    # None means: an SQLite file in the instance folder.
    "DATABASE_URL": None,
    "GEOCODER_URL": "https://geocoding.geo.census.gov/geocoder",
    "DISTRICT_LAYER_URL": (
        "https://services.arcgis.com/Ej0PsM5Aw677QF1W/arcgis/rest/services/"
        "KCCDST_AREA_185/FeatureServer/0"
    ),
    # None means: districts.geojson in the instance folder, used when it exists.
    "DISTRICTS_FILE": None,
    "LOOKUP_TIMEOUT": 5.0,
    "LOOKUP_CACHE_DAYS": 30,
    "COUNTY_DISTRICT_FINDER_URL": "https://kingcounty.gov/council",
    # Whole requests larger than this are refused with a translated page (413).
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "WTF_CSRF_TIME_LIMIT": None,
}


class ConfigurationError(RuntimeError):
    """The application refuses to start with this configuration."""


def load(app, test_config=None):
    """Fill app.config from DEFAULTS, the environment and test_config, then check it."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("ACTIONTOOL")
    if test_config:
        app.config.from_mapping(test_config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = "sqlite:///" + os.path.join(app.instance_path, "actiontool.db")
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if not app.config["DISTRICTS_FILE"]:
        app.config["DISTRICTS_FILE"] = os.path.join(app.instance_path, "districts.geojson")
    app.config["LOOKUP_TIMEOUT"] = float(app.config["LOOKUP_TIMEOUT"])

    if app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY and not (app.debug or app.testing):
        raise ConfigurationError(
            "Set ACTIONTOOL_SECRET_KEY to a long random value "
            "(the built-in key is only for debug and tests)."
        )
