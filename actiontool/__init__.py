"""actiontool: a bilingual letter-writing tool for the Stop ICE's Insecure Communities campaign."""

import os

from flask import Flask

from actiontool import cli, config, i18n, models, privacy, web
from actiontool.web import guard


def create_app(test_config=None):
    """Build the application: defaults, then ACTIONTOOL_* from the environment, then test_config."""
    app = Flask(__name__, instance_relative_config=True, template_folder=str(config.TEMPLATES),
                instance_path=os.environ.get("ACTIONTOOL_INSTANCE_PATH") or None)
    config.load(app, test_config)
    privacy.init_app(app)
    guard.init_app(app)  # before anything reads the request
    models.init_app(app)
    i18n.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    return app
