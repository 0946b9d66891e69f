"""Keeping supporters out of the logs.

Addresses travel in query strings (GET /api/lookup?street=...), a letter's
secret token is in its URLs (/letters/<token>, .pdf, /send, /status,
/resend), a confirmation link carries a signed token (/confirm/<signed>), so does a "did they reply?" link
(/reply/<signed>/<answer>), and
a request log line names the client's IP. One rule, `redact`, removes all of
them, and one filter applies it to every record of every logger we own: the
development server's request log (werkzeug), the app's own log, and gunicorn's
error log (see `gunicorn.conf.py`), tracebacks included. Database errors never
carry their statement's parameters (`hide_parameters`, in config.engine_options).
"""

import logging
import re

# werkzeug's request line starts with the client's address: "<ip> - - [<date>] ...".
CLIENT_ADDRESS = re.compile(r"^\S+ - - \[")
# gunicorn: "Invalid request from ip=<ip>: ...".
IP_FIELD = re.compile(r"\bip=\S+?(?=[:,\s]|$)")
# A query string, up to the end of the request line (which may hold raw spaces, quotes and apostrophes).
QUERY_STRING = re.compile(r"\?[^\n]*?(?=\sHTTP/|\n|$)")
# gunicorn's "Invalid request from ip=...: <reason>: '<what was sent>'": what was sent may be any part of a
# request line; it goes whole, from its first quote to the line's last.
INVALID_REQUEST_TEXT = re.compile(r"(Invalid request from ip=[^\n]*?)(['\"].*['\"])")
# Paths whose next segment is a secret: a letter's token, a signed confirmation, a print job's token; and, dots
# and all (its short payload is a number), a signed "did they reply?" link.
SECRET_PATH = re.compile(r"(/(?:letters|confirm|prints)/)[^\s/?\"'.]+|(/reply/)[^\s/?\"']+")


def redact(text):
    """`text` without query strings, secret tokens in paths and client addresses."""
    text = CLIENT_ADDRESS.sub("- - - [", text)
    text = IP_FIELD.sub("ip=…", text)
    text = INVALID_REQUEST_TEXT.sub(r"\1'…'", text)
    text = QUERY_STRING.sub("?…", text)
    return SECRET_PATH.sub(lambda match: (match.group(1) or match.group(2)) + "…", text)


class Redact(logging.Filter):
    """Rewrites each record as its redacted message, traceback included, before any handler sees it."""

    def filter(self, record):
        message = redact(record.getMessage())
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.msg, record.args = message, ()
        return True


def protect(logger):
    """Add the Redact filter to `logger` (a logging.Logger, or its name) once."""
    if isinstance(logger, str):
        logger = logging.getLogger(logger)
    if not any(isinstance(f, Redact) for f in logger.filters):
        logger.addFilter(Redact())
    return logger


def init_app(app):
    """Redact the development server's request log and the app's own log."""
    protect("werkzeug")
    protect(app.logger)
