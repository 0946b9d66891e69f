"""Limits against abuse, each shown doing its job and saying so in the supporter's language.

One letter a day from one address to one official (checked when confirming);
a few confirmation emails an hour to one address; a honeypot that fools bots
without telling them; and per-IP request limits (Flask-Limiter) with a
translated page, JSON for the API, and counts shared through Redis.
"""

import datetime as dt
import os
import uuid

import pytest

from actiontool import create_app
from actiontool.mail import confirmation
from actiontool.models import Letter, OutboxMessage, db
from tests.helpers import (
    HOME,
    ask_to_email,
    confirm,
    confirmation_link,
    csrf_token,
    letter_token,
    run_worker,
    submit_letter,
    text,
)

SUPPORTER_EMAIL = "jose@example.org"
BARON = "Jorge.Baron@kingcounty.gov"  # district 4
VON_REICHBAUER = "Pete.vonReichbauer@kingcounty.gov"  # district 7
REDIS_URL = "redis://127.0.0.1:6379"

DAILY_LIMIT = {
    "en": "You have already sent a letter to this official today. Thank you! One letter a day from each "
          "person is what we send, so that every letter counts.",
    "es": "Usted ya envió hoy una carta a esta persona. ¡Gracias! Enviamos una carta al día por persona, "
          "para que cada carta cuente.",
}
HOURLY_CAP = {
    "en": "We have sent several emails to this address in the last hour. Please check your inbox (and spam "
          "folder), or try again in an hour.",
    "es": "Ya enviamos varios correos electrónicos a esta dirección en la última hora. Revise su bandeja de "
          "entrada (y la carpeta de correo no deseado), o inténtelo de nuevo en una hora.",
}
TOO_MANY_REQUESTS = {
    "en": ("Please wait a moment",
           "You have done that many times in a short while. Please wait a few minutes and try again."),
    "es": ("Por favor, espere un momento",
           "Hizo eso muchas veces en poco tiempo. Por favor, espere unos minutos e inténtelo de nuevo."),
}


# ---------------------------------------------------------------- helpers


def state(app, token):
    with app.app_context():
        letter = db.session.scalar(db.select(Letter).where(Letter.token == token))
        kinds = db.session.scalars(db.select(OutboxMessage.kind).where(OutboxMessage.letter_id == letter.id)
                                   .order_by(OutboxMessage.id)).all()
        return {"status": letter.status, "email": letter.email, "outbox": list(kinds)}


def count_letters(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Letter.id)))


def awaiting(app, client, smtp, lang="en", email=SUPPORTER_EMAIL, **fields):
    """A letter whose confirmation email has arrived: (letter token, the link's path)."""
    token = letter_token(submit_letter(client, lang=lang, **fields))
    assert ask_to_email(client, token, email=email).status_code == 200
    run_worker(app)
    return token, confirmation_link(smtp.messages_to(email)[-1])


def move_back(app, token, hours, column):
    """Pretend `hours` passed since the letter's `column` moment (confirmed_at) or its outbox rows were made."""
    with app.app_context():
        letter = db.session.scalar(db.select(Letter).where(Letter.token == token))
        if column == "confirmed_at":
            letter.confirmed_at = letter.confirmed_at - dt.timedelta(hours=hours)
        else:
            for row in db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.letter_id == letter.id)):
                row.created_at = row.created_at - dt.timedelta(hours=hours)
        db.session.commit()


# ---------------------------------------------------------------- one letter a day to one official

@pytest.mark.parametrize("lang", ["en", "es"])
def test_second_letter_from_one_address_to_one_official_in_a_day_is_refused_at_confirmation(app, client, smtp,
                                                                                          lang):
    first, first_link = awaiting(app, client, smtp, lang)
    assert confirm(client, first_link).status_code == 200

    # The same address, typed differently, writes again to the same official.
    second, second_link = awaiting(app, client, smtp, lang, email="JOSE@Example.org",
                                   note="Una segunda carta.")
    refused = confirm(client, second_link)
    assert refused.status_code == 429
    assert DAILY_LIMIT[lang] in text(refused)
    assert state(app, second) == {"status": "awaiting_confirmation", "email": "JOSE@Example.org",
                                  "outbox": ["confirmation"]}
    run_worker(app)
    assert len(smtp.messages_to(BARON)) == 1

    # A day later, the waiting letter can go.
    move_back(app, first, 25, "confirmed_at")
    assert confirm(client, second_link).status_code == 200
    assert state(app, second)["status"] == "queued"
    run_worker(app)
    assert len(smtp.messages_to(BARON)) == 2


def test_a_letter_to_a_different_official_the_same_day_is_fine(app, client, smtp):
    first, first_link = awaiting(app, client, smtp)
    confirm(client, first_link)
    other, other_link = awaiting(app, client, smtp, district="7")
    page = confirm(client, other_link)
    assert page.status_code == 200
    assert "is confirmed and will be sent shortly." in text(page)
    run_worker(app)
    assert len(smtp.messages_to(BARON)) == 1
    assert len(smtp.messages_to(VON_REICHBAUER)) == 1
    assert state(app, other)["status"] == "sent"


def test_another_address_writing_to_the_same_official_the_same_day_is_fine(app, client, smtp):
    _, first_link = awaiting(app, client, smtp)
    confirm(client, first_link)
    _, other_link = awaiting(app, client, smtp, email="maria@example.org", name="María López")
    assert confirm(client, other_link).status_code == 200
    run_worker(app)
    assert len(smtp.messages_to(BARON)) == 2


# ---------------------------------------------------------------- confirmation emails per hour

@pytest.mark.parametrize("lang", ["en", "es"])
def test_fourth_confirmation_email_to_one_address_within_an_hour_is_refused(app, client, smtp, lang):
    assert app.config["CONFIRMATIONS_PER_HOUR"] == 3
    # Four letters, each to a different official, all from one address.
    tokens = [letter_token(submit_letter(client, lang=lang, district=d)) for d in "1234"]
    for token in tokens[:3]:
        assert ask_to_email(client, token).status_code == 200

    refused = ask_to_email(client, tokens[3], email="Jose@Example.ORG")
    assert refused.status_code == 422
    assert HOURLY_CAP[lang] in text(refused)
    assert 'value="Jose@Example.ORG"' in refused.get_data(as_text=True)  # what was typed stays
    assert state(app, tokens[3]) == {"status": "written", "email": "", "outbox": []}
    run_worker(app)
    assert len(smtp.messages_to(SUPPORTER_EMAIL)) == 3

    # Another address is not held back by it.
    assert ask_to_email(client, letter_token(submit_letter(client, district="5")),
                        email="maria@example.org").status_code == 200

    # An hour later the address can have another.
    for token in tokens[:3]:
        move_back(app, token, 1.1, "outbox")
    assert ask_to_email(client, tokens[3]).status_code == 200
    run_worker(app)
    assert len(smtp.messages_to(SUPPORTER_EMAIL)) == 4


def test_send_me_a_new_link_stops_at_the_hourly_cap(app, client, smtp):
    token, _ = awaiting(app, client, smtp)

    def press_resend():
        status = client.get(f"/letters/{token}/status")
        return client.post(f"/letters/{token}/resend", data={"csrf_token": csrf_token(status.get_data(as_text=True))})

    assert press_resend().status_code == 200
    assert press_resend().status_code == 200
    refused = press_resend()
    assert refused.status_code == 429
    assert HOURLY_CAP["en"] in text(refused)
    run_worker(app)
    assert len(smtp.messages_to(SUPPORTER_EMAIL)) == 3
    assert state(app, token)["outbox"] == ["confirmation"] * 3


# ---------------------------------------------------------------- the honeypot

@pytest.mark.parametrize("lang", ["en", "es"])
def test_honeypot_filled_gets_the_same_check_your_email_page_but_nothing_is_queued_or_sent(app, client, smtp,
                                                                                           lang):
    person = letter_token(submit_letter(client, lang=lang))
    person_page = ask_to_email(client, person, email="person@example.org")
    bot = letter_token(submit_letter(client, lang=lang))
    bot_page = ask_to_email(client, bot, email="bot@example.org", website="http://cheap-pills.example")

    assert bot_page.status_code == person_page.status_code == 200
    assert text(bot_page) == text(person_page)
    assert ("Check your email" if lang == "en" else "Revise su correo electrónico") in text(bot_page)
    assert state(app, bot) == {"status": "written", "email": "", "outbox": []}

    run_worker(app)
    assert smtp.messages_to("bot@example.org") == []
    assert [r.rcpt_tos for r in smtp.received] == [["person@example.org"]]


# ---------------------------------------------------------------- per-IP request limits (Flask-Limiter)

@pytest.mark.parametrize("lang", ["en", "es"])
def test_third_letter_in_a_minute_from_one_ip_gets_a_translated_429_page(app, client, lang):
    app.config["RATELIMIT_SUBMISSIONS"] = "2 per minute"
    assert submit_letter(client, lang=lang).status_code == 302
    assert submit_letter(client, lang=lang).status_code == 302

    third = submit_letter(client, lang=lang)
    assert third.status_code == 429
    title, message = TOO_MANY_REQUESTS[lang]
    assert title in text(third) and message in text(third)
    assert f'<html lang="{lang}">' in third.get_data(as_text=True)
    assert third.mimetype == "text/html"
    assert int(third.headers["Retry-After"]) > 0
    assert count_letters(app) == 2
    # Reading the form is not limited.
    assert client.get("/write").status_code == 200


@pytest.mark.parametrize("lang", ["en", "es"])
def test_lookups_over_the_limit_get_429_json(app, client, lang):
    app.config["RATELIMIT_LOOKUPS"] = "2 per minute"
    for _ in range(2):
        response = client.get("/api/lookup", query_string={**HOME, "lang": lang})
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["district"] == "4"

    limited = client.get("/api/lookup", query_string={**HOME, "lang": lang})
    assert limited.status_code == 429
    assert limited.mimetype == "application/json"
    assert limited.get_json() == {"error": "rate_limited", "message": TOO_MANY_REQUESTS[lang][1]}


def test_request_limits_count_each_ip_on_its_own(app):
    app.config["RATELIMIT_LOOKUPS"] = "1 per minute"
    one, two = app.test_client(), app.test_client()
    query = {**HOME}
    assert one.get("/api/lookup", query_string=query, environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 200
    assert one.get("/api/lookup", query_string=query, environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 429
    assert two.get("/api/lookup", query_string=query, environ_base={"REMOTE_ADDR": "192.0.2.2"}).status_code == 200


# Counts kept in memory belong to the module-level `limiter`, which every create_app re-initialises.
# These two tests run in this order: the second starts where the first left off and must find no count.

def test_limits_do_not_leak_between_tests_first_uses_up_the_limit(app, client):
    app.config["RATELIMIT_SUBMISSIONS"] = "2 per minute"
    assert [submit_letter(client).status_code for _ in range(3)] == [302, 302, 429]


def test_limits_do_not_leak_between_tests_second_starts_fresh(app, client):
    app.config["RATELIMIT_SUBMISSIONS"] = "2 per minute"
    assert [submit_letter(client).status_code for _ in range(3)] == [302, 302, 429]


def same_app_config(app, **overrides):
    """The test app's settings (the `app` fixture's), for another app on the same database and servers."""
    keys = ("TESTING", "SECRET_KEY", "DATABASE_URL", "GEOCODER_URL", "DISTRICT_LAYER_URL", "DISTRICTS_FILE",
            "LOOKUP_TIMEOUT", "MAIL_URL", "MAIL_FROM", "MAIL_TIMEOUT", "BASE_URL", "CAMPAIGN_NAME")
    return {**{key: app.config[key] for key in keys}, **overrides}


def dispose(*apps):
    for other in apps:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_new_app_starts_with_fresh_in_memory_limits(app, client):
    app.config["RATELIMIT_SUBMISSIONS"] = "2 per minute"
    assert [submit_letter(client).status_code for _ in range(3)] == [302, 302, 429]

    fresh = create_app(same_app_config(app, RATELIMIT_SUBMISSIONS="2 per minute"))
    try:
        assert submit_letter(fresh.test_client()).status_code == 302
    finally:
        dispose(fresh)


# ---------------------------------------------------------------- counts shared through Redis

def redis_or_skip():
    """A Redis client, or skip (fail in CI, where ACTIONTOOL_REQUIRE_TOOLS=1)."""
    try:
        import redis

        connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        connection.ping()
        return connection
    except Exception as error:  # ImportError, ConnectionError, TimeoutError, ...
        if os.environ.get("ACTIONTOOL_REQUIRE_TOOLS") == "1":
            pytest.fail(f"Redis is required here (ACTIONTOOL_REQUIRE_TOOLS=1) but {REDIS_URL} failed: {error!r}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({error!r})")


def delete_keys(connection, prefix):
    for key in list(connection.scan_iter(match=f"*{prefix}*")):
        connection.delete(key)


def test_limits_kept_in_redis_are_shared_by_every_app_process(app):
    connection = redis_or_skip()
    prefix = f"actiontool-test-{uuid.uuid4().hex}"
    config = same_app_config(app, RATELIMIT_STORAGE_URL=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix,
                             RATELIMIT_LOOKUPS="2 per minute")
    apps = []
    try:
        first = create_app(config)
        apps.append(first)
        for _ in range(2):
            assert first.test_client().get("/api/lookup", query_string=HOME).status_code == 200
        assert list(connection.scan_iter(match=f"*{prefix}*")), "no counter under the key prefix in Redis"

        # Another process (or the same one restarted) sees the same counts: memory storage would not.
        second = create_app(config)
        apps.append(second)
        limited = second.test_client().get("/api/lookup", query_string={**HOME, "lang": "es"})
        assert limited.status_code == 429
        assert limited.get_json() == {"error": "rate_limited", "message": TOO_MANY_REQUESTS["es"][1]}
    finally:
        delete_keys(connection, prefix)
        dispose(*apps)


def test_each_app_counts_under_its_own_redis_key_prefix(app):
    connection = redis_or_skip()
    prefixes = [f"actiontool-test-{uuid.uuid4().hex}" for _ in range(2)]
    apps = []
    try:
        for prefix in prefixes:
            other = create_app(same_app_config(app, RATELIMIT_STORAGE_URL=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix,
                                               RATELIMIT_LOOKUPS="1 per minute"))
            apps.append(other)
            assert other.test_client().get("/api/lookup", query_string=HOME).status_code == 200
            assert list(connection.scan_iter(match=f"*{prefix}*")), f"nothing counted under {prefix}"
    finally:
        for prefix in prefixes:
            delete_keys(connection, prefix)
        dispose(*apps)


@pytest.mark.parametrize("path", ["/api/lookup", "/write"])
def test_limits_still_apply_after_a_garbage_collection(app, client, path):
    """Flask-Limiter holds its Limiter only weakly: the app must keep it, or every limited page 500s."""
    import gc

    app.config["RATELIMIT_LOOKUPS"] = app.config["RATELIMIT_SUBMISSIONS"] = "1 per minute"
    gc.collect()
    if path == "/api/lookup":
        responses = [client.get(path, query_string=HOME) for _ in range(2)]
    else:
        responses = [submit_letter(client) for _ in range(2)]
    assert [r.status_code for r in responses] == [200 if path == "/api/lookup" else 302, 429]


# ---------------------------------------------------------------- one inbox, many spellings

def test_sub_addresses_of_one_inbox_share_its_hourly_cap(app, client, smtp):
    tokens = [letter_token(submit_letter(client, district=d)) for d in "1234"]
    for token, email in zip(tokens[:3], ["victim@example.org", "victim+1@example.org", "Victim+x@Example.org"],
                            strict=True):
        assert ask_to_email(client, token, email=email).status_code == 200
    refused = ask_to_email(client, tokens[3], email="victim+4@example.org")
    assert refused.status_code == 422
    assert HOURLY_CAP["en"] in text(refused)
    # A different inbox at the same domain is not held back.
    assert ask_to_email(client, letter_token(submit_letter(client, district="5")),
                        email="victimo@example.org").status_code == 200


def test_gmail_dots_and_tags_reach_one_inbox_so_they_share_the_daily_limit(app, client, smtp):
    first, first_link = awaiting(app, client, smtp, email="jose.nunez@gmail.com")
    assert confirm(client, first_link).status_code == 200
    second, second_link = awaiting(app, client, smtp, email="JoseNunez+again@googlemail.com", note="Otra carta.")
    refused = confirm(client, second_link)
    assert refused.status_code == 429
    assert DAILY_LIMIT["en"] in text(refused)


@pytest.mark.parametrize("address, inbox", [
    ("Victim+tag@Example.ORG", "victim@example.org"), ("v.i.c.t.i.m@gmail.com", "victim@gmail.com"),
    ("victim+a+b@googlemail.com", "victim@gmail.com"), ("v.ictim@example.org", "v.ictim@example.org"),
])
def test_inbox_of_folds_only_what_mail_services_ignore(address, inbox):
    assert confirmation.inbox_of(address) == inbox
