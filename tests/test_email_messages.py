"""What the emails say and how they are built, read off a real SMTP server.

The letter to the official: who it is from, where replies go, who receives it
(headers and envelope), its subject in the letter's language(s), a plain-text
and an HTML alternative, names outside ASCII, names that try to add headers,
and a Message-ID that is the same every time the message is built.

The supporter's emails (confirmation, reminder, failure notice): in the
language of the pages the supporter used. Every link in every email opens its
page in that language (?lang=), even in a browser that has never seen the site.
"""

import datetime as dt
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from actiontool.mail import outbox
from actiontool.models import Letter, OutboxMessage, db, utcnow
from tests.helpers import (
    ask_to_email,
    confirm,
    confirmation_link,
    csrf_token,
    letter_token,
    run_worker,
    submit_letter,
)
from tests.helpers import text as page_text

CAMPAIGN = "Stop ICE's Insecure Communities"
MAIL_FROM = "letters@campaign.test"
OFFICIAL = ("Jorge L. Barón", "Jorge.Baron@kingcounty.gov")
SUPPORTER_EMAIL = "jose@example.org"

SUBJECT_EN = "Please keep and strengthen detainer reform in King County"
SUBJECT_ES = "Por favor, mantenga y fortalezca la reforma de las retenciones de ICE en el Condado de King"


# ---------------------------------------------------------------- helpers

def text_part(message):
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def html_part(message):
    return message.get_body(preferencelist=("html",)).get_content()


def readable(markup):
    """HTML as a reader sees it: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def flat(text):
    return " ".join(text.split())


def header_block(received):
    """The raw bytes of a received message's header section."""
    return re.split(rb"\r?\n\r?\n", received.raw, maxsplit=1)[0]


def header_names(received):
    """The name of every header line in the raw message (continuation lines skipped)."""
    lines = re.split(rb"\r?\n", header_block(received))
    return [line.split(b":", 1)[0].decode("ascii") for line in lines if line[:1] not in (b" ", b"\t")]


def only_address(message, header):
    values = message.get_all(header)
    assert values is not None and len(values) == 1, (header, values)
    [entry] = values[0].addresses
    return entry.display_name, entry.addr_spec


def letter_row(app, token):
    with app.app_context():
        letter = db.session.scalar(db.select(Letter).where(Letter.token == token))
        return {"id": letter.id, "status": letter.status, "failure_reason": letter.failure_reason}


def sent_to_official(app, client, smtp, email=SUPPORTER_EMAIL, lang="en", send_fields=None, **fields):
    """Write, ask to email, confirm by the emailed link: the Received that reached the official."""
    token = letter_token(submit_letter(client, lang=lang, **fields))
    page = ask_to_email(client, token, email=email, **(send_fields or {}))
    assert page.status_code == 200, page.get_data(as_text=True)
    run_worker(app)
    [confirmation] = smtp.messages_to(email)
    assert confirm(client, confirmation_link(confirmation)).status_code == 200
    before = len(smtp.received)
    run_worker(app)
    [delivery] = [r for r in smtp.received[before:] if OFFICIAL[1] in r.rcpt_tos]
    return token, delivery


def copy_of(smtp, delivery):
    """The supporter's copy of a delivered letter: the same message, in its own envelope."""
    return [r for r in smtp.received if r.rcpt_tos == [SUPPORTER_EMAIL]
            and r.message["Message-ID"] == delivery.message["Message-ID"]]


def confirmations(smtp):
    return [r for r in smtp.received if r.rcpt_tos == [SUPPORTER_EMAIL]
            and r.message["Message-ID"].startswith("<confirmation.")]


# ---------------------------------------------------------------- the letter to the official

def test_letter_is_from_the_campaign_address_in_the_supporters_name_with_replies_to_the_supporter(app, client, smtp):
    _, delivery = sent_to_official(app, client, smtp)
    message = delivery.message

    assert only_address(message, "From") == (f"José Núñez via {CAMPAIGN}", MAIL_FROM)
    assert SUPPORTER_EMAIL not in str(message["From"])
    assert only_address(message, "Reply-To") == ("José Núñez", SUPPORTER_EMAIL)
    assert only_address(message, "To") == OFFICIAL
    assert message["Cc"] is None
    assert delivery.mail_from == MAIL_FROM
    assert delivery.rcpt_tos == [OFFICIAL[1]]


def test_supporter_is_copied_on_the_letter_only_when_they_asked_for_a_copy(app, client, smtp):
    _, delivery = sent_to_official(app, client, smtp, send_fields={"wants_copy": "y"})
    message = delivery.message

    assert only_address(message, "To") == OFFICIAL
    assert only_address(message, "Cc") == ("José Núñez", SUPPORTER_EMAIL)
    # The copy travels in its own envelope, so retrying the official never resends it.
    assert delivery.rcpt_tos == [OFFICIAL[1]]
    [copy] = copy_of(smtp, delivery)
    for header in ("Subject", "From", "To", "Cc", "Reply-To"):
        assert str(copy.message[header]) == str(message[header])
    assert text_part(copy.message) == text_part(message)
    assert delivery.mail_from == copy.mail_from == MAIL_FROM
    assert "Bcc" not in message


@pytest.mark.parametrize("letter_language, subject, via", [
    ("en", SUBJECT_EN, "via"),
    ("es", SUBJECT_ES, "vía"),
    ("both", f"{SUBJECT_ES} / {SUBJECT_EN}", "vía"),
])
def test_subject_is_in_the_letters_language_spanish_first_when_both(app, client, smtp, letter_language,
                                                                    subject, via):
    # An English-speaking page, so the subject follows the letter, not the page.
    _, delivery = sent_to_official(app, client, smtp, letter_language=letter_language)
    message = delivery.message
    assert message["Subject"] == subject
    assert only_address(message, "From") == (f"José Núñez {via} {CAMPAIGN}", MAIL_FROM)


def test_letter_has_a_plain_text_and_an_html_alternative_both_with_the_letter_and_the_note(app, client, smtp):
    note = "Mi hermana & yo <vivimos> aquí.\n\nSegundo párrafo."
    _, delivery = sent_to_official(app, client, smtp, note=note)
    message = delivery.message

    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    text, markup = text_part(message), html_part(message)

    for part in (text, readable(markup)):
        assert "Dear Councilmember Barón:" in part
        assert "Mi hermana & yo <vivimos> aquí." in part
        assert "Segundo párrafo." in part
        assert "José Núñez" in part
        assert "100 Main St" in part
    # The plain text is text, not markup; the HTML escapes what the supporter typed.
    assert "<p" not in text and "&amp;" not in text
    assert "Mi hermana &amp; yo &lt;vivimos&gt; aquí." in markup
    assert "<vivimos>" not in markup
    # Paragraphs stay paragraphs in the plain text.
    assert "Mi hermana & yo <vivimos> aquí.\n\nSegundo párrafo." in text


@pytest.mark.parametrize("name", ["José Núñez", "Nguyễn Thị Hường"])
def test_names_outside_ascii_are_encoded_in_the_headers_and_read_back_exactly(app, client, smtp, name):
    _, delivery = sent_to_official(app, client, smtp, name=name, send_fields={"wants_copy": "y"})

    raw_headers = header_block(delivery)
    raw_headers.decode("ascii")  # every header byte is ASCII: names travel as RFC 2047 encoded words
    raw_from = re.search(rb"^From:.*(?:\r?\n[ \t].*)*", raw_headers, re.M).group(0)
    assert re.search(rb"=\?utf-8\?[qb]\?", raw_from, re.I), raw_from
    assert name.encode() not in raw_headers

    message = delivery.message
    assert only_address(message, "From") == (f"{name} via {CAMPAIGN}", MAIL_FROM)
    assert only_address(message, "Reply-To") == (name, SUPPORTER_EMAIL)
    assert only_address(message, "Cc") == (name, SUPPORTER_EMAIL)
    assert only_address(message, "To") == OFFICIAL
    # And in the body, in UTF-8.
    assert name in text_part(message)
    assert name in html_part(message)

    # The confirmation email, addressed to the supporter by name, too.
    [confirmation] = confirmations(smtp)
    header_block(confirmation).decode("ascii")
    assert only_address(confirmation.message, "To") == (name, SUPPORTER_EMAIL)
    assert f"Hello {name}," in text_part(confirmation.message)


INJECTIONS = [
    "Eve\r\nBcc: victim@example.org",
    "Eve\nTo: x@example.org",
    "Eve\rCc: x@example.org",
]
LETTER_HEADERS = ["Subject", "From", "To", "Cc", "Reply-To", "Date", "Message-ID", "Auto-Submitted",
                  "MIME-Version", "Content-Type"]
SUPPORTER_HEADERS = ["Subject", "From", "To", "Date", "Message-ID", "Auto-Submitted", "MIME-Version",
                     "Content-Type"]


@pytest.mark.parametrize("name", INJECTIONS)
def test_a_name_with_a_line_break_never_adds_a_header_or_a_recipient(app, client, smtp, name):
    # The name field is a one-line text field; a script can still post a line break in it.
    _, delivery = sent_to_official(app, client, smtp, name=name, send_fields={"wants_copy": "y"})
    one_line = " ".join(name.split())  # "Eve Bcc: victim@example.org"

    assert delivery.rcpt_tos == [OFFICIAL[1]]
    assert [copy.rcpt_tos for copy in copy_of(smtp, delivery)] == [[SUPPORTER_EMAIL]]
    assert sorted(header_names(delivery)) == sorted(LETTER_HEADERS)
    message = delivery.message
    assert "Bcc" not in message
    assert only_address(message, "To") == OFFICIAL
    assert only_address(message, "From") == (f"{one_line} via {CAMPAIGN}", MAIL_FROM)
    assert only_address(message, "Reply-To") == (one_line, SUPPORTER_EMAIL)
    assert only_address(message, "Cc") == (one_line, SUPPORTER_EMAIL)
    for header in ("From", "Reply-To", "Cc"):
        assert "\r" not in str(message[header]) and "\n" not in str(message[header])

    [confirmation] = confirmations(smtp)
    assert sorted(header_names(confirmation)) == sorted(SUPPORTER_HEADERS)
    assert only_address(confirmation.message, "To") == (one_line, SUPPORTER_EMAIL)
    assert all(len(r.rcpt_tos) == 1 for r in smtp.received)
    assert not any("victim@example.org" in r.rcpt_tos or "x@example.org" in r.rcpt_tos for r in smtp.received)


@pytest.mark.parametrize("email", [
    "jose@example.org\r\nBcc: victim@example.org",
    "jose@example.org\nBcc: victim@example.org",
    "jose@example.org, victim@example.org",
])
def test_an_email_field_carrying_a_second_address_or_header_is_refused(app, client, smtp, email):
    token = letter_token(submit_letter(client))
    page = ask_to_email(client, token, email=email)
    assert page.status_code == 422
    assert "Please enter an email address like name@example.com." in page.get_data(as_text=True)
    run_worker(app)
    assert smtp.received == []
    assert letter_row(app, token)["status"] == "written"


def test_message_id_is_stable_for_the_same_message_and_distinct_between_messages(app, client, smtp):
    token, delivery = sent_to_official(app, client, smtp)
    letter_id = letter_row(app, token)["id"]

    with app.app_context(), app.test_request_context():
        rows = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.letter_id == letter_id)
                                  .order_by(OutboxMessage.id)).all()
        [to_official] = [row for row in rows if row.kind == outbox.TO_OFFICIAL]
        [confirmation_row] = [row for row in rows if row.kind == outbox.CONFIRMATION]
        first, sender, recipients = outbox.build(to_official, app.config)
        second, _, _ = outbox.build(to_official, app.config)
        confirmation_message, _, _ = outbox.build(confirmation_row, app.config)

    assert (sender, recipients) == (MAIL_FROM, [OFFICIAL[1]])
    message_id = first["Message-ID"]
    assert re.fullmatch(r"<to_official\.[0-9a-f]{32}@campaign\.test>", message_id), message_id
    assert second["Message-ID"] == message_id
    assert delivery.message["Message-ID"] == message_id  # what was sent is what a retry would send
    assert re.fullmatch(r"<confirmation\.[0-9a-f]{32}@campaign\.test>", confirmation_message["Message-ID"])
    assert confirmation_message["Message-ID"] != message_id

    # Another letter to the same official has a Message-ID of its own.
    _, other = sent_to_official(app, client, smtp, email="other@example.org")
    assert other.message["Message-ID"] != message_id


# ---------------------------------------------------------------- the supporter's emails, in their language

OFFICIAL_IN = {"en": "Councilmember Jorge L. Barón", "es": "Concejal Jorge L. Barón"}

CONFIRMATION = {
    "en": ("Please confirm your letter to Councilmember Jorge L. Barón", [
        "Hello José Núñez,",
        "You asked us to email your letter to Councilmember Jorge L. Barón. Before we send it, please "
        "confirm that it was you by opening this link:",
        "The link works for 7 days. If you did not ask for this, ignore this email: nothing will be sent.",
        "Your letter:",
    ]),
    "es": ("Por favor, confirme su carta para el concejal Jorge L. Barón", [
        "Hola, José Núñez:",
        "Usted nos pidió enviar por correo electrónico su carta para el concejal Jorge L. Barón. Antes de "
        "enviarla, confirme que fue usted abriendo este enlace:",
        "El enlace sirve durante 7 días. Si usted no pidió esto, ignore este correo electrónico: no se "
        "enviará nada.",
        "Su carta:",
    ]),
}
REMINDER = {
    "en": ("Reminder: your letter to Councilmember Jorge L. Barón is waiting for you",
           "Your letter is still waiting for your confirmation. We will not remind you again."),
    "es": ("Recordatorio: su carta para el concejal Jorge L. Barón espera su confirmación",
           "Su carta sigue esperando su confirmación. No le enviaremos otro recordatorio."),
}
FAILURE = {
    "en": ("We could not deliver your letter to Councilmember Jorge L. Barón", [
        "Hello José Núñez,",
        "We are sorry: we could not deliver your letter to Councilmember Jorge L. Barón by email. "
        "The mail server refused it.",
        "Your letter still counts. You can download it as a PDF, sign it, and mail it or hand it in:",
    ]),
    "es": ("No pudimos entregar su carta para el concejal Jorge L. Barón", [
        "Hola, José Núñez:",
        "Lo sentimos: no pudimos entregar por correo electrónico su carta para el concejal Jorge L. Barón. "
        "El servidor de correo la rechazó.",
        "Su carta sigue contando. Puede descargarla en PDF, firmarla y enviarla por correo postal o "
        "entregarla en persona:",
    ]),
}
STATUS_LINK = {"en": "See where your letter is at any time", "es": "Vea el estado de su carta en cualquier momento"}


def awaiting_confirmation(app, client, lang):
    token = letter_token(submit_letter(client, lang=lang))
    assert ask_to_email(client, token).status_code == 200
    run_worker(app)
    return token


def assert_in_both_parts(message, sentences):
    text, markup = flat(text_part(message)), readable(html_part(message))
    for sentence in sentences:
        assert sentence in text, sentence
        assert sentence in markup, sentence


def move_confirmation_sent_at(app, token, hours_ago):
    with app.app_context():
        letter = db.session.scalar(db.select(Letter).where(Letter.token == token))
        letter.confirmation_sent_at = utcnow() - dt.timedelta(hours=hours_ago)
        db.session.commit()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_confirmation_email_is_in_the_supporters_language(app, client, smtp, lang):
    token = awaiting_confirmation(app, client, lang)
    [received] = smtp.received
    assert received.rcpt_tos == [SUPPORTER_EMAIL] and received.mail_from == MAIL_FROM
    message = received.message
    subject, sentences = CONFIRMATION[lang]
    assert message["Subject"] == subject
    assert only_address(message, "From") == (CAMPAIGN, MAIL_FROM)
    assert only_address(message, "To") == ("José Núñez", SUPPORTER_EMAIL)
    assert_in_both_parts(message, sentences)
    assert f'<html lang="{lang}">' in html_part(message)
    assert "Dear Councilmember Barón:" in text_part(message)  # the letter itself, as written
    assert f"http://letters.campaign.test/letters/{token}/status" in text_part(message)
    assert STATUS_LINK[lang] in readable(html_part(message))
    assert confirmation_link(message) in html_part(message)


@pytest.mark.parametrize("kind", ["confirmation", "failure_notice"])
def test_spanish_plain_text_emails_have_no_english_line(app, client, smtp, kind):
    if kind == "failure_notice":
        smtp.handler.refuse[OFFICIAL[1].lower()] = "550 5.1.1 No such user"
    token = awaiting_confirmation(app, client, "es")
    if kind == "failure_notice":
        confirm(client, confirmation_link(smtp.messages_to(SUPPORTER_EMAIL)[0]))
        run_worker(app)
        assert letter_row(app, token)["status"] == "failed"
    message = smtp.messages_to(SUPPORTER_EMAIL)[-1]
    text = text_part(message)
    assert "See where your letter is" not in text
    assert STATUS_LINK["es"] in text


@pytest.mark.parametrize("lang", ["en", "es"])
def test_one_reminder_a_day_after_an_unanswered_confirmation_and_never_a_second(app, client, smtp, lang):
    token = awaiting_confirmation(app, client, lang)
    with app.app_context():
        assert outbox.queue_reminders(app.config) == 0  # just sent: too early

    move_confirmation_sent_at(app, token, hours_ago=23)
    with app.app_context():
        assert outbox.queue_reminders(app.config) == 0  # not yet a day

    move_confirmation_sent_at(app, token, hours_ago=25)
    with app.app_context():
        assert outbox.queue_reminders(app.config) == 1
        assert outbox.queue_reminders(app.config) == 0
    run_worker(app)
    run_worker(app)
    move_confirmation_sent_at(app, token, hours_ago=72)
    run_worker(app)

    subject, sentence = REMINDER[lang]
    messages = smtp.messages_to(SUPPORTER_EMAIL)
    assert [m["Subject"] for m in messages] == [CONFIRMATION[lang][0], subject]
    reminder = messages[1]
    assert_in_both_parts(reminder, [sentence, CONFIRMATION[lang][1][1]])
    assert re.fullmatch(r"<reminder\.[0-9a-f]{32}@campaign\.test>", reminder["Message-ID"])

    # The reminder's link confirms the letter.
    page = confirm(client, confirmation_link(reminder))
    assert page.status_code == 200
    assert letter_row(app, token)["status"] == "queued"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_failure_notice_when_the_officials_server_refuses_is_in_the_supporters_language(app, client, smtp, lang):
    smtp.handler.refuse[OFFICIAL[1].lower()] = "550 5.1.1 No such user"
    token = awaiting_confirmation(app, client, lang)
    confirm(client, confirmation_link(smtp.messages_to(SUPPORTER_EMAIL)[0]))
    run_worker(app)
    run_worker(app)

    assert smtp.messages_to(OFFICIAL[1]) == []
    letter = letter_row(app, token)
    assert (letter["status"], letter["failure_reason"]) == ("failed", "refused")
    confirmation_message, notice = smtp.messages_to(SUPPORTER_EMAIL)  # exactly one notice
    subject, sentences = FAILURE[lang]
    assert flat(notice["Subject"]) == subject  # exact spacing: see the test below
    assert only_address(notice, "To") == ("José Núñez", SUPPORTER_EMAIL)
    assert only_address(notice, "From") == (CAMPAIGN, MAIL_FROM)
    assert_in_both_parts(notice, sentences)
    assert f"http://letters.campaign.test/letters/{token}.pdf" in text_part(notice)
    assert f"http://letters.campaign.test/letters/{token}.pdf" in html_part(notice)
    assert "/confirm/" not in text_part(notice)
    assert re.fullmatch(r"<failure_notice\.[0-9a-f]{32}@campaign\.test>", notice["Message-ID"])


def test_failure_notice_subject_reads_back_exactly_as_written(app, client, smtp):
    smtp.handler.refuse[OFFICIAL[1].lower()] = "550 5.1.1 No such user"
    awaiting_confirmation(app, client, "en")
    confirm(client, confirmation_link(smtp.messages_to(SUPPORTER_EMAIL)[0]))
    run_worker(app)
    notice = smtp.messages_to(SUPPORTER_EMAIL)[-1]
    assert notice["Subject"] == FAILURE["en"][0]


# ---------------------------------------------------------------- every kind of message, and its links

KINDS = ("confirmation", "reminder", "to_official", "copy_to_supporter", "failure_notice")
LONG_PARAGRAPH = "Mi familia vive aquí desde hace veinte años y queremos que el condado siga protegiéndonos. " * 14
NOTE = f"¿Por qué? ñ\n\nFrom my family: gracias.\n\n{LONG_PARAGRAPH.strip()}"
REFUSED_SUPPORTER = "maria@example.org"


def every_kind_of_message(app, client, smtp, ui_language, letter_language, name="José Núñez", note=NOTE):
    """Every email there is, as the SMTP server received it: {kind: Received}.

    A supporter who asked for a copy gets a confirmation, then a reminder a day later, and
    confirms by the reminder's link (the letter and the copy go out). A second supporter's
    letter is refused by the official's server, and they get a failure notice.
    """
    fields = {"lang": ui_language, "letter_language": letter_language, "name": name, "note": note}
    token = letter_token(submit_letter(client, **fields))
    assert ask_to_email(client, token, wants_copy="y").status_code == 200
    run_worker(app)
    move_confirmation_sent_at(app, token, hours_ago=25)
    with app.app_context():
        assert outbox.queue_reminders(app.config) == 1
    run_worker(app)
    reminder = smtp.messages_to(SUPPORTER_EMAIL)[-1]
    assert confirm(client, confirmation_link(reminder)).status_code == 200
    run_worker(app)

    smtp.handler.refuse[OFFICIAL[1].lower()] = "550 5.1.1 No such user"
    refused = letter_token(submit_letter(client, **fields))
    assert ask_to_email(client, refused, email=REFUSED_SUPPORTER).status_code == 200
    run_worker(app)
    assert confirm(client, confirmation_link(smtp.messages_to(REFUSED_SUPPORTER)[-1])).status_code == 200
    run_worker(app)

    def only(kind, recipient):
        found = [r for r in smtp.received if r.rcpt_tos == [recipient]
                 and r.message["Message-ID"].startswith(f"<{kind}.")]
        assert len(found) == 1, (kind, recipient, len(found))
        return found[0]

    return {
        "confirmation": only("confirmation", SUPPORTER_EMAIL),
        "reminder": only("reminder", SUPPORTER_EMAIL),
        "to_official": only("to_official", OFFICIAL[1]),
        "copy_to_supporter": only("to_official", SUPPORTER_EMAIL),
        "failure_notice": only("failure_notice", REFUSED_SUPPORTER),
    }


def links_in(message):
    """Every URL in a message: written out in the plain text, and every href in the HTML."""
    found = re.findall(r"https?://\S+", text_part(message))
    found += [html.unescape(href) for href in re.findall(r'href="([^"]*)"', html_part(message))]
    return found


LINKED_PAGES = {
    "confirmation": {"/letters/{token}/status", "/confirm/"},
    "reminder": {"/letters/{token}/status", "/confirm/"},
    "failure_notice": {"/letters/{token}/status", "/letters/{token}.pdf"},
    "to_official": set(),
    "copy_to_supporter": set(),
}


def page_of(link):
    """Which page a link opens, with the letter token and the signed confirmation left out."""
    path = urlsplit(link).path
    if path.startswith("/confirm/"):
        return "/confirm/"
    return re.sub(r"^/letters/[^/.]+", "/letters/{token}", path)


@pytest.mark.parametrize("ui_language, letter_language", [("en", "es"), ("es", "en"), ("es", "both")])
def test_every_link_in_every_email_opens_in_the_language_the_supporter_used(app, client, smtp, ui_language,
                                                                            letter_language):
    # The letter's language differs from the pages' language: the links follow the pages'.
    messages = every_kind_of_message(app, client, smtp, ui_language, letter_language)
    for kind in KINDS:
        links = links_in(messages[kind].message)
        assert {page_of(link) for link in links} == LINKED_PAGES[kind], kind
        for link in links:
            assert link.startswith("http://letters.campaign.test/"), (kind, link)
            assert parse_qs(urlsplit(link).query) == {"lang": [ui_language]}, (kind, link)


def local(link):
    """An emailed link as the test client opens it: path and query."""
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


FRESH_BROWSER = {
    # The supporter's language: (a fresh browser's own language, the other one; the confirm page's
    # title, what the page says once confirmed and the status page's title, in the supporter's language).
    "es": ("en", "Confirme su carta", "¡Gracias por escribir!", "Estado de su carta"),
    "en": ("es", "Confirm your letter", "Thank you for writing!", "Your letter's status"),
}


@pytest.mark.parametrize("ui_language", ["es", "en"])
def test_emailed_links_open_in_the_supporters_language_in_a_browser_that_never_saw_the_site(app, client, smtp,
                                                                                           ui_language):
    browser_language, confirm_title, confirmed, status_title = FRESH_BROWSER[ui_language]
    _, other_confirm_title, other_confirmed, other_status_title = FRESH_BROWSER[browser_language]
    token = letter_token(submit_letter(client, lang=ui_language, letter_language=browser_language))
    assert ask_to_email(client, token).status_code == 200
    run_worker(app)
    [received] = smtp.messages_to(SUPPORTER_EMAIL)
    links = {page_of(link): link for link in links_in(received)}
    headers = {"Accept-Language": browser_language}

    browser = app.test_client()  # no session, no cookie: only the link says which language
    page = browser.get(local(links["/confirm/"]), headers=headers)
    assert page.status_code == 200
    assert confirm_title in page_text(page) and other_confirm_title not in page_text(page)
    action = re.search(r'<form method="post" action="([^"]+)"', page.get_data(as_text=True)).group(1)
    done = browser.post(html.unescape(action), data={"csrf_token": csrf_token(page.get_data(as_text=True))},
                        headers=headers, follow_redirects=True)
    assert done.status_code == 200
    assert confirmed in page_text(done) and other_confirmed not in page_text(done)
    assert letter_row(app, token)["status"] == "queued"  # the signed link still verifies, ?lang= and all

    status = app.test_client().get(local(links["/letters/{token}/status"]), headers=headers)
    assert status.status_code == 200
    assert status_title in page_text(status) and other_status_title not in page_text(status)
