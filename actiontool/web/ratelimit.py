"""Per-IP limits on lookups and submissions (Flask-Limiter), with a translated page when reached.

One process keeps counts in memory; several processes share them through
ACTIONTOOL_RATELIMIT_STORAGE_URL, e.g. redis://127.0.0.1:6379. Each app gets
its own Limiter (settings never leak from one app to another), applied here to
the endpoints it guards, so the views stay free of it.
"""

import time

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import MemoryStorage
from werkzeug.middleware.proxy_fix import ProxyFix

# How often the in-memory counts are swept of expired entries (memory only: an expired count is never used).
SWEEP_SECONDS = 10.0


def lookups():
    return current_app.config["RATELIMIT_LOOKUPS"]


def submissions():
    return current_app.config["RATELIMIT_SUBMISSIONS"]


# endpoint -> (limit, methods it applies to; None for all)
LIMITS = {
    "api.lookup_address": (lookups, None),
    "supporter.write": (submissions, ["POST"]),
    "embed.embed": (submissions, ["POST"]),
    "email.send": (submissions, None),
    "email.resend": (submissions, None),
    "email.confirm": (submissions, ["POST"]),
    # Each PDF costs a core for a moment: a reader downloads theirs a few times, not hundreds.
    "supporter.letter_as_pdf": (submissions, None),
    "supporter.executive_letter_as_pdf": (submissions, None),
}


class SweptMemoryStorage(MemoryStorage):
    """The `limits` library's in-memory counts, swept of expired entries every SWEEP_SECONDS as requests come.

    `limits` starts a new 10 ms threading.Timer whenever the last one has run, which under
    load is a thread for nearly every limited request: about a tenth of its time. The
    counts are the same either way, since an expired count is dropped when it is next read.
    """

    STORAGE_SCHEME = ["actiontool-memory"]

    def __init__(self, uri=None, wrap_exceptions=False, **options):
        self.next_sweep = 0.0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    def _MemoryStorage__schedule_expiry(self):
        """Called by MemoryStorage on every hit, in place of its own (which starts a Timer thread)."""
        now = time.monotonic()
        if now >= self.next_sweep:
            self.next_sweep = now + SWEEP_SECONDS
            self._MemoryStorage__expire_events()


def unlimited():
    """Whether no limit in LIMITS applies to this request (GET /write, every other page, static files)."""
    limit = LIMITS.get(request.endpoint)
    return limit is None or (limit[1] is not None and request.method not in limit[1])


def _drop_check_before_every_request(app, limiter):
    """Leave the limits in LIMITS to the decorators that check them.

    Flask-Limiter also checks before every request, for default and application-wide limits;
    with none set that pass finds nothing, yet it costs a limited request a second pass.
    """
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:
        hooks.remove(limiter._check_request_limit)


def storage_uri(configured):
    """The storage Flask-Limiter should use for ACTIONTOOL_RATELIMIT_STORAGE_URL: ours in place of memory://."""
    return "actiontool-memory://" if configured.startswith("memory://") else configured


def init_app(app):
    """Call after every blueprint is registered."""
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter = Limiter(key_func=get_remote_address, app=app,
                      storage_uri=storage_uri(app.config["RATELIMIT_STORAGE_URI"]))
    # Flask-Limiter's decorators hold the Limiter only weakly: the app keeps it alive.
    app.extensions["actiontool.limiter"] = limiter
    if not any(app.config.get(f"RATELIMIT_{kind}") for kind in ("DEFAULT", "APPLICATION", "META")):
        # Only LIMITS apply: other requests skip Flask-Limiter's work (a tenth of a form page's
        # time), and a limited one goes through it once.
        limiter.request_filter(unlimited)
        _drop_check_before_every_request(app, limiter)
    for endpoint, (limit, methods) in LIMITS.items():
        app.view_functions[endpoint] = limiter.limit(limit, methods=methods)(app.view_functions[endpoint])

    @app.errorhandler(429)
    def too_many_requests(error):
        message = _("You have done that many times in a short while. Please wait a few minutes "
                    "and try again.")
        if request.path.startswith("/api/"):
            return jsonify({"error": "rate_limited", "message": message}), 429
        return render_template("error.html", title=_("Please wait a moment"), message=message), 429
