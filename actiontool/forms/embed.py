"""The letter form in a partner's page (/embed), with a CSRF check that needs no cookie.

Inside a partner's page our form is in a third-party frame, where browsers do not send our session cookie
(it is SameSite=Lax), so Flask-WTF's session-bound token could never match there. This form's token is
signed instead (SECRET_KEY, salt "embed-form") and dated, good for EMBED_TOKEN_HOURS; and a POST must come
from a page of ours: its Origin header (or its Referer, when a browser sends no Origin) is BASE_URL's origin.
Any site can get a valid token by fetching /embed, but none can make a person's browser send our origin, so a
POST forged from another site is refused. The view is exempt from the app-wide CSRFProtect; this is its check.
"""

from urllib.parse import urlsplit

from flask import current_app, request
from itsdangerous import BadData, URLSafeTimedSerializer
from wtforms.csrf.core import CSRF
from wtforms.validators import ValidationError

from actiontool.forms.letter import LetterForm
from actiontool.i18n import lazy_gettext as _l

EMBED_TOKEN_SALT = "embed-form"
EMBED_TOKEN_HOURS = 4
DEFAULT_PORTS = {"http": 80, "https": 443}

# One message for a token expired, missing or forged and a POST from elsewhere: a person only ever meets the
# first (the page was left open), and the others are not people.
TRY_AGAIN = _l("This page was open for a while, so for your safety please check your details and press the "
               "button again.")


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=EMBED_TOKEN_SALT)


def origin_of(url):
    """The origin of `url` as a browser sends it ("https://host" or "http://host:8000", lower case), or None."""
    text = str(url).strip()
    try:
        parts = urlsplit(text)
        scheme, host, port = parts.scheme.lower(), parts.hostname, parts.port
    except ValueError:
        return None
    # A backslash or user info reads as another host to some parsers than to others: never ours.
    if "\\" in text or "@" in parts.netloc or scheme not in DEFAULT_PORTS or not host:
        return None
    return f"{scheme}://{host}" + ("" if port in (None, DEFAULT_PORTS[scheme]) else f":{port}")


def sent_from_our_pages():
    """Whether this request was sent by a page of ours: its Origin, or when absent its Referer, is BASE_URL's.
    A request with neither is refused (as Flask-WTF refuses one without a Referer over HTTPS)."""
    ours = origin_of(current_app.config["BASE_URL"])
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin_of(origin) == ours  # "null" (a sandboxed or privacy-stripped origin) is never ours
    referer = request.headers.get("Referer")
    return referer is not None and origin_of(referer) == ours


class SignedTokenCSRF(CSRF):
    """WTForms' CSRF field with a signed, dated token (no session) and the same-origin rule above."""

    def generate_csrf_token(self, csrf_token_field):
        return _serializer().dumps("embed")

    def validate_csrf_token(self, form, field):
        if not isinstance(field.data, str) or not field.data:
            raise ValidationError(TRY_AGAIN)
        try:
            _serializer().loads(field.data, max_age=EMBED_TOKEN_HOURS * 3600)
        except BadData:  # expired (SignatureExpired), forged or damaged
            raise ValidationError(TRY_AGAIN) from None
        if not sent_from_our_pages():
            raise ValidationError(TRY_AGAIN)


class EmbedLetterForm(LetterForm):
    """The letter form's fields and limits (forms.letter), protected by SignedTokenCSRF, always on."""

    class Meta:
        csrf = True
        csrf_class = SignedTokenCSRF
