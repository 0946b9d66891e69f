"""Confirming by the emailed link, and the pages around it.

Links: an expired link offers a new one, a changed link does nothing, a used
link is harmless; opening a link (GET, as mail scanners do) confirms nothing,
only the button (POST with its CSRF token) does. The status page in every state
and both languages; "send me a new link"; an official without an email; the
send form's errors.
"""

import csv
import io
import re
import time
from urllib.parse import urlsplit

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from actiontool.models import Letter, OutboxMessage, db
from tests.helpers import (
    ROSTER,
    ask_to_email,
    confirm,
    confirmation_link,
    csrf_token,
    letter_token,
    run_worker,
    submit_letter,
    text,
)

SECRET, SALT = "test-secret-key", "confirm-letter"
SUPPORTER_EMAIL = "jose@example.org"
OFFICIAL_EMAIL = "Jorge.Baron@kingcounty.gov"
DAY = 24 * 3600


# ---------------------------------------------------------------- helpers


def state(app, token):
    """The letter's status and reason, and the kinds of outbox rows it has, in order."""
    with app.app_context():
        letter = db.session.scalar(db.select(Letter).where(Letter.token == token))
        kinds = db.session.scalars(db.select(OutboxMessage.kind).where(OutboxMessage.letter_id == letter.id)
                                   .order_by(OutboxMessage.id)).all()
        return {"status": letter.status, "reason": letter.failure_reason, "email": letter.email,
                "outbox": list(kinds)}


def awaiting(app, client, smtp, lang="en", email=SUPPORTER_EMAIL):
    """A letter whose confirmation email has arrived: (letter token, the link's path)."""
    token = letter_token(submit_letter(client, lang=lang))
    assert ask_to_email(client, token, email=email).status_code == 200
    run_worker(app)
    return token, confirmation_link(smtp.messages_to(email)[-1])


def signed_in_the_past(letter_token, seconds_ago, secret=SECRET, salt=SALT):
    """A confirmation token signed as if `seconds_ago` seconds had passed since."""

    class SignerInThePast(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - int(seconds_ago)

    return URLSafeTimedSerializer(secret, salt=salt, signer=SignerInThePast).dumps(letter_token)


def to_official(smtp):
    return smtp.messages_to(OFFICIAL_EMAIL)


def input_tag(response, name):
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', response.get_data(as_text=True))
    assert match, name
    return match.group(0)


# ---------------------------------------------------------------- links: expired, changed, used

EXPIRED = {
    "en": "This confirmation link has expired: links work for 7 days. You can ask for a new one below.",
    "es": "Este enlace de confirmación ya venció: los enlaces sirven durante 7 días. Puede pedir uno nuevo "
          "aquí abajo.",
}
NEW_LINK_BUTTON = {"en": "Send me a new link", "es": "Envíenme un enlace nuevo"}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_expired_link_gets_410_and_a_status_page_offering_a_new_link_that_works(app, client, smtp, lang):
    token, _ = awaiting(app, client, smtp, lang)
    expired = f"/confirm/{signed_in_the_past(token, 8 * DAY)}"

    page = client.get(expired)
    assert page.status_code == 410
    assert EXPIRED[lang] in text(page)
    assert NEW_LINK_BUTTON[lang] in text(page)
    assert f'action="/letters/{token}/resend"' in page.get_data(as_text=True)
    # Pressing a button on an expired link confirms nothing either.
    pressed = client.post(expired, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert pressed.status_code == 410
    assert state(app, token)["status"] == "awaiting_confirmation"

    # The new link from the page arrives and works.
    resent = client.post(f"/letters/{token}/resend", data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert resent.status_code == 200
    run_worker(app)
    _, second = smtp.messages_to(SUPPORTER_EMAIL)
    assert confirm(client, confirmation_link(second)).status_code == 200
    assert state(app, token)["status"] == "queued"
    run_worker(app)
    assert len(to_official(smtp)) == 1


def test_link_works_until_its_seventh_day_and_not_after(app, client, smtp):
    token, _ = awaiting(app, client, smtp)
    almost = client.get(f"/confirm/{signed_in_the_past(token, 7 * DAY - 60)}")
    assert almost.status_code == 200 and "Confirm and send my letter" in text(almost)
    assert client.get(f"/confirm/{signed_in_the_past(token, 7 * DAY + 60)}").status_code == 410


def test_expired_link_to_a_letter_already_confirmed_just_says_so(app, client, smtp):
    token, path = awaiting(app, client, smtp)
    confirm(client, path)
    page = client.get(f"/confirm/{signed_in_the_past(token, 30 * DAY)}")
    assert page.status_code == 200
    assert "This link was already used: your letter is confirmed." in text(page)
    assert state(app, token)["outbox"] == ["confirmation", "to_official"]


def tampered_links(token, path):
    signed = urlsplit(path).path.rsplit("/", 1)[1]
    payload, timestamp, signature = signed.split(".")
    other_payload = URLSafeTimedSerializer(SECRET, salt=SALT).dumps("someone-elses-letter").split(".")[0]
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return {
        "signature changed": f"{payload}.{timestamp}.{flipped}",
        "payload swapped": f"{other_payload}.{timestamp}.{signature}",
        "timestamp changed": f"{payload}.{'A' + timestamp[1:] if timestamp[0] != 'A' else 'B' + timestamp[1:]}."
                             f"{signature}",
        "cut short": signed[:-6],
        "other secret": URLSafeTimedSerializer("not-our-secret", salt=SALT).dumps(token),
        "other salt": URLSafeTimedSerializer(SECRET, salt="other-purpose").dumps(token),
        "garbage": "not-a-link",
    }


@pytest.mark.parametrize("lang, title, explanation", [
    ("en", "This link does not work", "The link may have been cut or changed."),
    ("es", "Este enlace no funciona", "Puede que el enlace esté cortado o cambiado."),
])
def test_changed_link_gets_400_this_link_does_not_work_and_changes_nothing(app, client, smtp, lang, title,
                                                                         explanation):
    token, path = awaiting(app, client, smtp, lang)
    button = csrf_token(client.get(path).get_data(as_text=True))
    before = state(app, token)

    for how, signed in tampered_links(token, path).items():
        for response in (client.get(f"/confirm/{signed}"),
                         client.post(f"/confirm/{signed}", data={"csrf_token": button})):
            assert response.status_code == 400, how
            assert title in text(response), how
            assert explanation in text(response), how
        assert state(app, token) == before, how

    run_worker(app)
    assert to_official(smtp) == []
    assert len(smtp.messages_to(SUPPORTER_EMAIL)) == 1


def test_genuine_link_to_a_letter_that_does_not_exist_is_not_found(app, client, smtp):
    signed = URLSafeTimedSerializer(SECRET, salt=SALT).dumps("no-such-letter")
    assert client.get(f"/confirm/{signed}").status_code == 404


@pytest.mark.parametrize("lang, already", [
    ("en", "This link was already used: your letter is confirmed."),
    ("es", "Este enlace ya se usó: su carta está confirmada."),
])
def test_a_used_link_is_harmless_and_the_official_gets_one_letter(app, client, smtp, lang, already):
    token, path = awaiting(app, client, smtp, lang)
    # The link open in two tabs, and both buttons pressed.
    first_tab = csrf_token(client.get(path).get_data(as_text=True))
    second_tab = csrf_token(client.get(path).get_data(as_text=True))
    confirmed = client.post(path, data={"csrf_token": first_tab})
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"].startswith(f"/letters/{token}/thanks")
    again = client.post(path, data={"csrf_token": second_tab})
    assert again.status_code == 200
    assert already in text(again)

    run_worker(app)
    # Opened and pressed again after the letter went out.
    reopened = client.get(path)
    assert reopened.status_code == 200 and already in text(reopened)
    assert 'action="/confirm/' not in reopened.get_data(as_text=True)
    assert client.post(path, data={"csrf_token": first_tab}).status_code == 200
    run_worker(app)

    assert len(to_official(smtp)) == 1
    assert state(app, token) == {"status": "sent", "reason": "", "email": SUPPORTER_EMAIL,
                                 "outbox": ["confirmation", "to_official"]}


# ---------------------------------------------------------------- only the button confirms

def test_opening_the_link_confirms_nothing_only_the_button_does(app, client, smtp):
    token, path = awaiting(app, client, smtp)
    for _ in range(3):
        page = client.get(path)
        assert page.status_code == 200
        assert "Confirm and send my letter" in text(page)
        assert re.search(r'<form method="post" action="/confirm/[^"]+">', page.get_data(as_text=True))
    assert client.head(path).status_code == 200
    # A scanner that also fetches with another client (no session, no cookie):
    app.test_client().get(path)

    run_worker(app)
    assert to_official(smtp) == []
    assert state(app, token)["status"] == "awaiting_confirmation"
    assert state(app, token)["outbox"] == ["confirmation"]

    assert confirm(client, path).status_code == 200
    assert state(app, token)["status"] == "queued"


def test_pressing_confirm_without_a_valid_csrf_token_changes_nothing(app, client, smtp):
    token, path = awaiting(app, client, smtp)
    client.get(path)
    attacker = app.test_client()
    attackers_token = csrf_token(attacker.get(path).get_data(as_text=True))

    for data in ({}, {"csrf_token": ""}, {"csrf_token": "forged"}, {"csrf_token": attackers_token}):
        response = client.post(path, data=data)
        assert response.status_code == 400, data
        assert "This page expired. Please go back, reload it and try again." in text(response)
    assert attacker.post(path, data={}).status_code == 400

    run_worker(app)
    assert to_official(smtp) == []
    assert state(app, token)["status"] == "awaiting_confirmation"
    assert state(app, token)["outbox"] == ["confirmation"]


# ---------------------------------------------------------------- the status page

STATUS_TEXT = {
    "written": {
        "en": ["Written, not sent yet.", "Send it by email or print it", "Download the letter (PDF)"],
        "es": ["Escrita, todavía no se ha enviado.", "Enviarla por correo electrónico o imprimirla",
               "Descargar la carta (PDF)"],
    },
    "awaiting_confirmation": {
        "en": ["Waiting for you to confirm your email address.",
               "We emailed you a link. Open it to send your letter. Nothing arrived? Look in your spam "
               "folder, or ask for a new link.", "Send me a new link"],
        "es": ["Esperando que usted confirme su correo electrónico.",
               "Le enviamos un enlace por correo electrónico. Ábralo para enviar su carta. ¿No le llegó? "
               "Busque en su carpeta de correo no deseado (spam) o pida un enlace nuevo.",
               "Envíenme un enlace nuevo"],
    },
    "queued": {
        "en": ["Confirmed: it will be sent shortly."],
        "es": ["Confirmada: se enviará en breve."],
    },
    "sent": {
        "en": ["Sent by email on "],
        "es": ["Enviada por correo electrónico el "],
    },
    "refused": {
        "en": ["Not delivered.", "The official's mail server refused the email.",
               "Your letter still counts: download it, sign it, and mail it or hand it in.",
               "Download the letter (PDF)"],
        "es": ["No se pudo entregar.", "El servidor de correo de la oficina rechazó el mensaje.",
               "Su carta sigue contando: descárguela, fírmela y envíela por correo postal o entréguela en "
               "persona.",
               "Descargar la carta (PDF)"],
    },
    "supporter_unreachable": {
        "en": ["Not delivered.",
               "We could not deliver the confirmation email to your address, so your letter was not sent.",
               "Your letter still counts: download it, sign it, and mail it or hand it in."],
        "es": ["No se pudo entregar.",
               "No pudimos hacer llegar el mensaje de confirmación a su correo electrónico, así que su carta "
               "no se envió.",
               "Su carta sigue contando: descárguela, fírmela y envíela por correo postal o entréguela en "
               "persona."],
    },
}
HEADLINE = {"en": "Your letter to Councilmember Jorge L. Barón.", "es": "Su carta para el concejal Jorge L. Barón."}


def letter_in_state(app, client, smtp, name):
    """Drive a letter to a state the way it happens: forms, emailed link, worker, refusing server."""
    if name == "supporter_unreachable":
        smtp.handler.refuse[SUPPORTER_EMAIL] = "550 5.1.1 Mailbox unavailable"
    if name == "refused":
        smtp.handler.refuse[OFFICIAL_EMAIL.lower()] = "550 5.1.1 No such user"
    token = letter_token(submit_letter(client))
    if name == "written":
        return token
    ask_to_email(client, token)
    run_worker(app)
    if name in ("awaiting_confirmation", "supporter_unreachable"):
        return token
    confirm(client, confirmation_link(smtp.messages_to(SUPPORTER_EMAIL)[0]))
    if name != "queued":
        run_worker(app)
    return token


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", list(STATUS_TEXT))
def test_status_page_says_where_the_letter_is_in_the_page_language(app, client, smtp, name, lang):
    token = letter_in_state(app, client, smtp, name)
    expected_status = {"refused": "failed", "supporter_unreachable": "failed"}.get(name, name)
    assert state(app, token)["status"] == expected_status
    if expected_status == "failed":
        assert state(app, token)["reason"] == name

    page = client.get(f"/letters/{token}/status?lang={lang}")
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.get_data(as_text=True)
    assert HEADLINE[lang] in text(page)
    for sentence in STATUS_TEXT[name][lang]:
        assert sentence in text(page), sentence
    other = "es" if lang == "en" else "en"
    for sentence in STATUS_TEXT[name][other]:
        assert sentence not in text(page), sentence
    if name == "sent":
        assert re.search(STATUS_TEXT["sent"][lang][0] + r".*\b20\d\d\b", text(page))


# ---------------------------------------------------------------- send me a new link

@pytest.mark.parametrize("lang, check_email, subject", [
    ("en", "Check your email", "Please confirm your letter to Councilmember Jorge L. Barón"),
    ("es", "Revise su correo electrónico", "Por favor, confirme su carta para el concejal Jorge L. Barón"),
])
def test_send_me_a_new_link_emails_a_new_confirmation_that_works(app, client, smtp, lang, check_email, subject):
    token, _ = awaiting(app, client, smtp, lang)
    status = client.get(f"/letters/{token}/status")
    pressed = client.post(f"/letters/{token}/resend", data={"csrf_token": csrf_token(status.get_data(as_text=True))})
    assert pressed.status_code == 200
    assert check_email in text(pressed)
    assert smtp.messages_to(SUPPORTER_EMAIL)[1:] == []  # sent by the worker, not the request
    run_worker(app)

    _, second = smtp.messages_to(SUPPORTER_EMAIL)
    assert second["Subject"] == subject
    new_link = confirmation_link(second)  # signed anew (equal to the first within the same second)
    assert state(app, token)["outbox"] == ["confirmation", "confirmation"]
    assert confirm(client, new_link).status_code == 200
    run_worker(app)
    assert len(to_official(smtp)) == 1


def test_a_new_link_comes_in_a_message_with_its_own_message_id(app, client, smtp):
    token, _ = awaiting(app, client, smtp)
    status = client.get(f"/letters/{token}/status")
    client.post(f"/letters/{token}/resend", data={"csrf_token": csrf_token(status.get_data(as_text=True))})
    run_worker(app)
    first, second = smtp.messages_to(SUPPORTER_EMAIL)
    assert second["Message-ID"] != first["Message-ID"]


def test_new_link_button_does_nothing_once_the_letter_is_confirmed_or_without_csrf(app, client, smtp):
    token, path = awaiting(app, client, smtp)
    status = client.get(f"/letters/{token}/status")
    button = csrf_token(status.get_data(as_text=True))
    assert client.post(f"/letters/{token}/resend", data={}).status_code == 400

    confirm(client, path)
    stale = client.post(f"/letters/{token}/resend", data={"csrf_token": button})
    assert stale.status_code == 200
    assert "Confirmed: it will be sent shortly." in text(stale)
    run_worker(app)
    assert len(smtp.messages_to(SUPPORTER_EMAIL)) == 1
    assert state(app, token)["outbox"] == ["confirmation", "to_official"]


# ---------------------------------------------------------------- an official without an email

BY_POST = {
    "en": "This official has no public email address, so this letter goes by post: download the PDF, sign it "
          "and mail it.",
    "es": "Esta persona no tiene un correo electrónico público, así que la carta va por correo postal: "
          "descargue el PDF, fírmelo y envíelo por correo postal.",
}


def roster_without_email(tmp_path, district):
    rows = list(csv.reader(io.StringIO(ROSTER, newline="")))
    header = rows[0]
    for row in rows[1:]:
        if row[header.index("office")] == "councilmember" and row[header.index("district")] == district:
            row[header.index("email")] = ""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path = tmp_path / "officials-no-email.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_official_without_email_letter_goes_by_post_and_sending_is_refused(app, client, smtp, runner,
                                                                          tmp_path, lang):
    result = runner.invoke(args=["roster", "import", roster_without_email(tmp_path, "4")])
    assert result.exit_code == 0, result.output
    assert "1 changed" in result.output

    token = letter_token(submit_letter(client, lang=lang))
    preview = client.get(f"/letters/{token}")
    body = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert BY_POST[lang] in text(preview)
    assert f'action="/letters/{token}/send"' not in body
    assert 'name="email"' not in body
    assert f'href="/letters/{token}/thanks"' in body
    assert f'href="/letters/{token}.pdf"' in client.get(f"/letters/{token}/thanks").get_data(as_text=True)

    # A script posting anyway, with a good CSRF token from the letter form.
    form_token = csrf_token(client.get("/write").get_data(as_text=True))
    refused = client.post(f"/letters/{token}/send", data={"email": SUPPORTER_EMAIL, "csrf_token": form_token})
    assert refused.status_code == 422
    assert BY_POST[lang] in text(refused)
    run_worker(app)
    assert smtp.received == []
    assert state(app, token) == {"status": "written", "reason": "", "email": "", "outbox": []}

    # Another district's councilmember still takes email.
    other = letter_token(submit_letter(client, lang=lang, district="7"))
    assert ask_to_email(client, other).status_code == 200


# ---------------------------------------------------------------- the send form's errors

LONG_EMAIL = "a" * 288 + "@example.org"
SEND_ERRORS = {
    "empty": ("", {"en": "Please enter your email address: we send you a link to confirm.",
                   "es": "Escriba su correo electrónico: le enviaremos un enlace para confirmar."}),
    "not an address": ("jose-at-example.org", {"en": "Please enter an email address like name@example.com.",
                                                "es": "Escriba un correo electrónico como nombre@ejemplo.com."}),
    "300 characters": (LONG_EMAIL, {"en": "Please keep this under 254 characters.",
                                    "es": "Por favor, use 254 caracteres como máximo."}),
}


def assert_nothing_queued(app, smtp, token):
    run_worker(app)
    assert smtp.received == []
    assert state(app, token) == {"status": "written", "reason": "", "email": "", "outbox": []}


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("case", list(SEND_ERRORS))
def test_send_form_error_is_shown_in_the_page_language_keeping_what_was_typed(app, client, smtp, case, lang):
    assert len(LONG_EMAIL) == 300
    email, messages = SEND_ERRORS[case]
    token = letter_token(submit_letter(client, lang=lang))
    response = ask_to_email(client, token, email=email, wants_copy="y", opt_in="y")

    assert response.status_code == 422
    assert messages[lang] in text(response)
    other = "es" if lang == "en" else "en"
    assert messages[other] not in text(response)
    if email:
        assert f'value="{email}"' in input_tag(response, "email")
    assert 'aria-invalid="true"' in input_tag(response, "email")
    assert "checked" in input_tag(response, "wants_copy")
    assert "checked" in input_tag(response, "opt_in")
    assert_nothing_queued(app, smtp, token)


@pytest.mark.parametrize("lang, title, message", [
    ("en", "Send it by email", "press the button again"),
    ("es", "Envíela por correo electrónico", "vuelva a tocar el botón"),
])
def test_send_form_without_csrf_token_is_refused_in_the_page_language(app, client, smtp, lang, title, message):
    token = letter_token(submit_letter(client, lang=lang))
    client.get(f"/letters/{token}")
    for data in ({"email": SUPPORTER_EMAIL, "wants_copy": "y"},
                 {"email": SUPPORTER_EMAIL, "wants_copy": "y", "csrf_token": "forged"}):
        response = client.post(f"/letters/{token}/send", data=data)
        assert response.status_code == 400
        assert title in text(response) and message in text(response)
    assert_nothing_queued(app, smtp, token)


def test_send_form_without_csrf_token_keeps_what_was_typed(app, client, smtp):
    token = letter_token(submit_letter(client))
    client.get(f"/letters/{token}")
    response = client.post(f"/letters/{token}/send", data={"email": SUPPORTER_EMAIL, "wants_copy": "y"})
    assert response.status_code == 400
    assert f'value="{SUPPORTER_EMAIL}"' in input_tag(response, "email")
    assert "checked" in input_tag(response, "wants_copy")
