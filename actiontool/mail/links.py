"""Links in emails: absolute, in the supporter's language, and the signed confirmation link."""

from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import URLSafeTimedSerializer

from actiontool.followup.survey import ANSWERS, link_token

SALT = "confirm-letter"


def serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def confirmation_token(letter_token):
    """A signed, timestamped link token for one letter."""
    return serializer().dumps(letter_token)


def external_url(endpoint, language, **values):
    """An absolute link for an email, built on ACTIONTOOL_BASE_URL (no request needed), that opens
    its page in `language` (?lang=), even in a browser that has never been to the site."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, {**values, "lang": language}, force_external=True)


def supporter_links(letter, confirm=False):
    """The links in a supporter's email (with `confirm`, the confirmation link too), each opening its page
    in the supporter's language."""
    language = letter["ui_language"]
    links = {
        "status": external_url("email.status", language, token=letter["token"]),
        "pdf": external_url("supporter.letter_as_pdf", language, token=letter["token"]),
    }
    if confirm:
        links["confirm"] = external_url("email.confirm", language, signed=confirmation_token(letter["token"]))
    return links


def follow_up_links(letter, key):
    """The one-click answers of a "did they reply?" email ({answer: link}), and the public numbers' page, each
    in the supporter's language."""
    language, signed = letter["ui_language"], link_token(key)
    links = {answer: external_url("replies.question", language, signed=signed, answer=answer) for answer in ANSWERS}
    links["numbers"] = external_url("numbers.page", language)
    return links
