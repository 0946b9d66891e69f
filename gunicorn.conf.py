"""gunicorn settings for production: `gunicorn wsgi:app` picks this file up (`make run` uses it too).

No access log: request lines carry supporters' addresses (in /api/lookup's
query string), letters' secret tokens (in their URLs) and client IPs, none of
which we keep. The error log goes through the same redaction as the app's own
log (actiontool/privacy.py), so a worker timeout or a malformed request line
cannot write them there either.
"""

import os

from gunicorn.glogging import Logger

from actiontool import privacy

bind = os.environ.get("ACTIONTOOL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("ACTIONTOOL_WEB_WORKERS", "2"))
timeout = 30
accesslog = None
errorlog = "-"
# gunicorn 27's control socket defaults to one path in the home folder, shared by every gunicorn there.
control_socket_disable = True


class RedactingLogger(Logger):
    """gunicorn's logger, with supporters' details removed from every error-log line."""

    def setup(self, cfg):
        super().setup(cfg)
        privacy.protect(self.error_log)


logger_class = RedactingLogger


def when_ready(server):
    """Say loudly when per-IP limits would be counted per process (each worker allows the full limit)."""
    storage = os.environ.get("ACTIONTOOL_RATELIMIT_STORAGE_URL", "memory://")
    if storage.startswith("memory://") and server.cfg.workers > 1:
        server.log.warning(
            "Rate limits are kept in each worker's memory, so %d workers allow %d times each documented "
            "limit. Set ACTIONTOOL_RATELIMIT_STORAGE_URL=redis://127.0.0.1:6379 (or run one worker).",
            server.cfg.workers, server.cfg.workers)
