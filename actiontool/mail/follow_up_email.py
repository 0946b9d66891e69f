"""Composing the "did they reply?" email: plain values in, a message out, in the language of the supporter's
pages. Each answer is a link to a page with one button (followup.survey says why)."""

import datetime as dt

from babel.dates import format_date
from flask import render_template
from flask_babel import gettext as _

from actiontool.i18n import force_locale
from actiontool.letters.content import local_date
from actiontool.mail.emails import address, build_message, header_text, message_id
from actiontool.officials import official_in_text


def follow_up(letter, links, settings, when, closes):
    """The question about `letter` (a plain dict), with one link per answer (`links`: answer -> URL, and
    "numbers"), open until `closes` (an aware datetime)."""
    language = letter["ui_language"]
    official = official_in_text(letter["recipient"]["title"][language], letter["recipient"]["name"], language)
    with force_locale(language):
        subject = _("Did %(official)s reply to your letter?", official=official)
        context = {"name": header_text(letter["name"]), "official": official, "links": links,
                   "campaign": settings["campaign"], "language": language, "body": subject,
                   "closes": format_date(local_date(_naive_utc(closes)), format="long", locale=language)}
        text = render_template("emails/follow_up.txt", **context)
        html = render_template("emails/follow_up.html", **context)
    return build_message(
        subject=subject,
        sender=address(settings["campaign"], settings["mail_from"]),
        to=address(letter["name"], letter["email"]),
        text=text,
        html=html,
        message_id_value=message_id(settings["secret"], letter["id"], "follow_up", letter["email"], settings["domain"]),
        when=when,
    )


def _naive_utc(moment):
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
