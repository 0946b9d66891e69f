"""Composing the emails: plain values in, email.message.EmailMessage out.

Every message has a plain-text part and an HTML alternative (UTF-8, quoted-printable:
the message is ASCII from its first byte to its last), names and subjects RFC 2047-encoded
by the email package, a Message-ID that is the same every time the same message is built
(so a retried send is recognisably the same message), and no header built from text that
could carry a line break.
"""

import hashlib
import hmac
import re
from email.charset import QP, Charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from html.parser import HTMLParser

from flask import render_template
from flask_babel import gettext as _

from actiontool.i18n import force_locale
from actiontool.letters.content import languages_of
from actiontool.meetings.schedule import when_text
from actiontool.officials import official_in_text

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def header_text(value):
    """Text safe for a header: control characters (CR, LF, ...) become one space."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", value).split())


def address(display_name, addr_spec):
    """`"Name" <addr>`, the name RFC 2047-encoded when it is not ASCII, never with a line break."""
    if not addr_spec or "@" not in addr_spec or CONTROL_CHARACTERS.search(addr_spec):
        raise ValueError("not an email address")
    return formataddr((header_text(display_name), addr_spec), charset="utf-8")


def _header(text, name):
    text = header_text(text)
    return text if text.isascii() else Header(text, "utf-8", header_name=name)


def message_id(secret, letter_id, kind, recipient, domain, serial=""):
    """The same Message-ID for the same (letter, kind of message, recipient), every time.

    `serial` tells apart messages of one kind that are meant to be different
    (a second confirmation link asked for by the supporter), so mail services do
    not drop the new one as a duplicate.
    """
    key = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(key, f"{letter_id}/{kind}/{recipient.lower()}/{serial}".encode(), hashlib.sha256)
    return f"<{kind}.{digest.hexdigest()[:32]}@{domain}>"


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "div", "article", "ul", "ol", "li", "h1", "h2", "h3", "address"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.current = [], []

    def _flush(self):
        text = " ".join("".join(self.current).split())
        if text:
            self.lines.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self._flush()
        elif tag in self.BLOCKS:
            self._flush()
            if tag in ("p", "ul", "ol", "article") and self.lines and self.lines[-1] != "":
                self.lines.append("")
            if tag == "li":
                self.current.append("- ")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data):
        self.current.append(data)


def html_to_text(html):
    """A readable plain-text version of a letter's HTML (paragraphs, lines, list items)."""
    extractor = _TextExtractor()
    extractor.feed(str(html))
    extractor.close()
    extractor._flush()
    text = "\n".join(extractor.lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


# UTF-8 bodies as quoted-printable: 7-bit clean with short lines, so any mail server takes them
# unchanged, and still readable in the raw message.
UTF8 = Charset("utf-8")
UTF8.body_encoding = QP


def _part(text, subtype):
    """A UTF-8 text part, its body quoted-printable and its Content-Transfer-Encoding saying so."""
    part = MIMEText(text, subtype, UTF8)
    del part["MIME-Version"]  # the message as a whole carries it
    return part


def build_message(subject, sender, to, text, html, message_id_value, when, reply_to=None, cc=None, from_a_person=None):
    """Built with the email package's classic (compat32) API: several times faster than
    EmailMessage's header parsing, with the same bytes on the wire. Every header value
    here is either built by `address` or passed through `header_text`. A message a person wrote (a letter,
    a public comment) says so in Auto-Submitted; the tool's own notices are "auto-generated"."""
    message = MIMEMultipart("alternative")
    message["Subject"] = _header(subject, "Subject")
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    if reply_to:
        message["Reply-To"] = reply_to
    message["Date"] = format_datetime(when)
    message["Message-ID"] = message_id_value
    person = bool(reply_to) if from_a_person is None else from_a_person
    message["Auto-Submitted"] = "no" if person else "auto-generated"
    message.attach(_part(text, "plain"))
    message.attach(_part(html, "html"))
    return message


def official_subject(letter_language):
    subjects = []
    for language in languages_of(letter_language):
        with force_locale(language):
            subjects.append(_("Please keep and strengthen detainer reform in King County"))
    return " / ".join(subjects)


def to_official(letter, letter_html, settings, when):
    """The letter itself: From "<name> via <campaign>" <MAIL_FROM>, Reply-To the supporter,
    To the official, Cc the supporter when they asked for a copy."""
    recipient = letter["recipient"]
    official = address(recipient["name"], recipient["email"])
    supporter = address(letter["name"], letter["email"])
    first_language = languages_of(letter["language"])[0]
    with force_locale(first_language):
        via = _("%(name)s via %(campaign)s", name=header_text(letter["name"]),
                campaign=settings["campaign"])
        html = render_template("emails/letter.html", letter_html=letter_html, language=first_language)
    return build_message(
        subject=official_subject(letter["language"]),
        sender=address(via, settings["mail_from"]),
        to=official,
        cc=supporter if letter["wants_copy"] else None,
        reply_to=supporter,
        text=html_to_text(letter_html),
        html=html,
        message_id_value=message_id(settings["secret"], letter["id"], "to_official",
                                    recipient["email"], settings["domain"]),
        when=when,
    )


def to_supporter(kind, letter, letter_html, links, settings, when, serial="", comment=None):
    """A confirmation, reminder or failure notice, in the language the supporter used (a confirmation says
    when the letter will also go as public comment: `comment`, meetings.comments.comment_values')."""
    language = letter["ui_language"]
    context = {
        "comment": comment,
        "comment_when": when_text(comment["meeting"], language, settings["comment_margin"]) if comment else {},
        "language": language,
        "name": header_text(letter["name"]),
        "official": official_in_text(letter["recipient"]["title"][language], letter["recipient"]["name"], language),
        "letter_text": html_to_text(letter_html),
        "whole_council": letter.get("whole_council", False),
        "letter_html": letter_html,
        "links": links,
        "campaign": settings["campaign"],
        "valid_days": settings["confirmation_days"],
        "reason": letter.get("failure_reason", ""),
    }
    template = "failure" if kind == "failure_notice" else "confirmation"
    with force_locale(language):
        if context["whole_council"] and kind != "failure_notice":
            context["official"] = _("the nine members of the King County Council")
        subject = {
            "confirmation": _("Please confirm your letter to %(official)s", official=context["official"]),
            "reminder": _("Reminder: your letter to %(official)s is waiting for you",
                          official=context["official"]),
            "failure_notice": _("We could not deliver your letter to %(official)s",
                                official=context["official"]),
        }[kind]
        text = render_template(f"emails/{template}.txt", reminder=kind == "reminder", **context)
        html = render_template(f"emails/{template}.html", reminder=kind == "reminder", **context)
    return build_message(
        subject=subject,
        sender=address(settings["campaign"], settings["mail_from"]),
        to=address(letter["name"], letter["email"]),
        text=text,
        html=html,
        message_id_value=message_id(settings["secret"], letter["id"], kind, letter["email"],
                                    settings["domain"], serial),
        when=when,
    )
