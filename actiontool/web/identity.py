"""The campaign's identity on every page: its name, who runs the tool, its colours and logo."""

import hashlib

from flask import Blueprint, abort, current_app, has_request_context, send_file, url_for

bp = Blueprint("identity", __name__)


def current_campaign():
    return current_app.extensions["campaign"]


def _colours_css(campaign):
    return (f":root {{ --accent: {campaign.colour}; --accent-dark: {campaign.colour_dark}; }}\n")


@bp.get("/campaign.css")
def colours():
    """The campaign's colours as CSS variables (site.css uses them); cached, versioned by content."""
    response = current_app.response_class(_colours_css(current_campaign()), mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.get("/campaign/logo")
def logo():
    """The logo file from the instance folder, when the campaign has one."""
    campaign = current_campaign()
    if not campaign.logo_path:
        abort(404)
    response = send_file(campaign.logo_path, mimetype=campaign.logo_type, max_age=86400)
    # An SVG is a document: shown on its own, it may run nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


def init_app(app):
    app.register_blueprint(bp)
    version = hashlib.sha256(_colours_css(app.extensions["campaign"]).encode()).hexdigest()[:12]

    @app.context_processor
    def campaign_identity():
        context = {"campaign": current_campaign()}
        if has_request_context():  # emails are rendered by the worker, outside any request
            context["campaign_css_url"] = url_for("identity.colours", v=version)
        return context
