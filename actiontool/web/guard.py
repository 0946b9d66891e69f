"""Requests we refuse before any page sees them, with a translated 400 page.

Every form here is an HTML form, so a POST must be form-encoded (a JSON or
plain-text body is refused, not half-read); a file may be sent only as the
upload field `file`; and no text may hold a NUL character, which PostgreSQL
cannot store and no person types.
"""

from flask import abort, request

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
FILE_FIELD = "file"
# The largest id a database integer column holds: a larger one names nothing, so it is a 404.
LARGEST_ID = 2**31 - 1


def _has_nul(pairs):
    """True if a key or value holds a NUL, or a part has no name at all (werkzeug gives it the key None)."""
    return any(key is None or "\x00" in key or "\x00" in str(value) for key, value in pairs)


def unreadable(req):
    """Why this request cannot be read as a person's form submission, or None."""
    if "\x00" in req.path or _has_nul(req.args.items(multi=True)):
        return "NUL in the address"
    if req.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if req.mimetype and req.mimetype not in FORM_TYPES:
        return "not a form body"
    if any(name != FILE_FIELD for name in req.files):
        return "a file where text belongs"
    if _has_nul(req.form.items(multi=True)):
        return "NUL in a field, or a part without a name"
    return None


def init_app(app):
    @app.before_request
    def refuse_unreadable():
        if unreadable(request):
            abort(400)
        if any(isinstance(value, int) and value > LARGEST_ID for value in (request.view_args or {}).values()):
            abort(404)
