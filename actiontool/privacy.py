"""Keeping supporters out of the logs.

Addresses travel in query strings (GET /api/lookup?street=...), a letter's
secret token is in its URL, and a request log line names the client's IP. The
development server's request log keeps none of them; in production,
`gunicorn.conf.py` keeps no access log at all.
"""

import logging
import re

CLIENT_ADDRESS = re.compile(r"^\S+ - - \[")
QUERY_STRING = re.compile(r"\?[^ \"]*")
LETTER_TOKEN = re.compile(r"/letters/[^ /?\"]+?(\.pdf)?(?=[ ?\"]|$)")


class RedactRequestLog(logging.Filter):
    """Drops the client address, query strings and letter tokens from werkzeug's request lines.

    werkzeug logs `"<ip> - - [<date>] \"%s\" %s %s"` with the request line as
    the first argument.
    """

    def filter(self, record):
        message = str(record.msg)
        if CLIENT_ADDRESS.match(message):
            record.msg = CLIENT_ADDRESS.sub("- - - [", message)
            if isinstance(record.args, tuple) and record.args:
                line = QUERY_STRING.sub("?…", str(record.args[0]))
                line = LETTER_TOKEN.sub(lambda m: "/letters/…" + (m.group(1) or ""), line)
                record.args = (line, *record.args[1:])
        return True


def init_app(app):
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactRequestLog) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(RedactRequestLog())
