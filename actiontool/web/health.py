"""GET /healthz for uptime monitors: 200 when the database answers and a worker was seen lately, else 503.

Always JSON (even with the database away, when the site's pages answer with an HTML 503), never cached
(web.site),
and only times and counts (monitoring.health says which).
"""

from flask import Blueprint, current_app, jsonify

from actiontool.models import DATABASE_AWAY, discard_failed_transaction
from actiontool.monitoring import health

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """{"ok", "database", "worker_seen_seconds_ago", "worker_limit_seconds", "oldest_due_seconds"}."""
    try:
        figures = health.health(current_app.config)
    except DATABASE_AWAY as error:
        # As the site's own handler does: the kind of error only, and the broken transaction dropped.
        current_app.logger.error("database unavailable: %s", error.__class__.__name__)
        discard_failed_transaction()
        figures = health.unreachable(current_app.config)
    response = jsonify(figures)
    response.status_code = 200 if figures["ok"] else 503
    return response


def init_app(app):
    app.register_blueprint(bp)
