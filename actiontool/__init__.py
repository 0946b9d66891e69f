"""actiontool: a bilingual letter-writing tool for the Stop ICE's Insecure Communities campaign."""

import os
from pathlib import Path

from flask import Flask

from actiontool import config

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
TRANSLATIONS = ROOT / "translations"
MIGRATIONS = ROOT / "migrations"


def create_app(test_config=None):
    """Build the application: defaults, then ACTIONTOOL_* from the environment, then test_config."""
    app = Flask(__name__, instance_relative_config=True, template_folder=str(TEMPLATES),
                instance_path=os.environ.get("ACTIONTOOL_INSTANCE_PATH") or None)
    config.load(app, test_config)

    from actiontool import (
        api,
        cli,
        delivery_pages,
        event_pages,
        i18n,
        models,
        pdf,
        privacy,
        ratelimit,
        request_guard,
        staff_pages,
        views,
    )

    privacy.init_app(app)
    request_guard.init_app(app)
    models.init_app(app)
    i18n.init_app(app)
    pdf.init_app(app)
    views.init_app(app)
    delivery_pages.init_app(app)
    staff_pages.init_app(app)
    event_pages.init_app(app)
    api.init_app(app)
    ratelimit.init_app(app)
    cli.init_app(app)
    return app
