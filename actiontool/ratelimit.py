"""Per-IP limits on lookups and submissions (Flask-Limiter), with a translated page when reached.

One process keeps counts in memory; several processes share them through
ACTIONTOOL_RATELIMIT_STORAGE_URL, e.g. redis://127.0.0.1:6379. Each app gets
its own Limiter (settings never leak from one app to another), applied here to
the endpoints it guards, so the views stay free of it.
"""

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix


def lookups():
    return current_app.config["RATELIMIT_LOOKUPS"]


def submissions():
    return current_app.config["RATELIMIT_SUBMISSIONS"]


# endpoint -> (limit, methods it applies to; None for all)
LIMITS = {
    "api.lookup_address": (lookups, None),
    "views.write": (submissions, ["POST"]),
    "delivery.send": (submissions, None),
    "delivery.resend": (submissions, None),
    "delivery.confirm": (submissions, ["POST"]),
}


def init_app(app):
    """Call after every blueprint is registered."""
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter = Limiter(key_func=get_remote_address, app=app)
    # Flask-Limiter's decorators hold the Limiter only weakly: the app keeps it alive.
    app.extensions["actiontool.limiter"] = limiter
    for endpoint, (limit, methods) in LIMITS.items():
        app.view_functions[endpoint] = limiter.limit(limit, methods=methods)(app.view_functions[endpoint])

    @app.errorhandler(429)
    def too_many_requests(error):
        message = _("You have done that many times in a short while. Please wait a few minutes "
                    "and try again.")
        if request.path.startswith("/api/"):
            return jsonify({"error": "rate_limited", "message": message}), 429
        return render_template("error.html", title=_("Please wait a moment"), message=message), 429
