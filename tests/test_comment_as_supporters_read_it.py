"""What the new-user review found unclear, now stated: the deadline a supporter must confirm by (30 minutes
before the clerk's cut-off) on every page and email that asks them to confirm; a comment confirmed too late is
told at once (page and email); the clerk gets a comment addressed to the council as a body, headed in English;
no reminder "the day before" is offered or sent on the meeting's day; letters to the whole council are described
as such on every page."""

import datetime as dt
import re

import pytest
import time_machine

from actiontool.meetings.schedule import county_moment
from tests.helpers import (
    CLERK,
    add_meeting,
    ask_to_email,
    confirm,
    confirmation_link,
    csrf_token,
    letter_token,
    run_worker,
    submit_letter,
    text,
)

UTC = dt.timezone.utc
MEETING_DAY = dt.date(2026, 12, 8)
BEFORE = dt.datetime(2026, 12, 7, 18, 0, tzinfo=UTC)  # 10 a.m. the day before, in Seattle
DEADLINE = ("To go on the record, confirm your email by 9:30 AM on Tuesday, December 8, 2026. We send comments "
            "30 minutes before the clerk's cut-off (10:00 AM), so that they arrive in time.")


def plain(message):
    return " ".join(message.get_body(preferencelist=("plain",)).get_content().split())


def test_the_deadline_to_confirm_by_is_on_the_preview_the_check_email_page_the_email_and_the_status(
        app, client, smtp):
    add_meeting(app, MEETING_DAY)
    with time_machine.travel(BEFORE, tick=True):
        token = letter_token(submit_letter(client))
        assert DEADLINE in text(client.get(f"/letters/{token}"))
        assert DEADLINE in text(ask_to_email(client, token, comment="y"))
        run_worker(app)
        assert DEADLINE in plain(smtp.messages_to("jose@example.org")[0])
        assert DEADLINE in text(client.get(f"/letters/{token}/status"))


def test_a_comment_confirmed_too_late_is_told_on_the_thank_you_page_and_by_email(app, client, smtp):
    add_meeting(app, MEETING_DAY)
    with time_machine.travel(BEFORE, tick=True):
        token = letter_token(submit_letter(client, lang="es"))
        ask_to_email(client, token, comment="y")
        run_worker(app)
    with time_machine.travel(county_moment(MEETING_DAY, dt.time(9, 40)).replace(tzinfo=UTC), tick=True):
        thanks = confirm(client, confirmation_link(smtp.messages_to("jose@example.org")[-1]))
        assert "No se envió: no pudo salir antes de las 9:30" in text(thanks)
        run_worker(app)
    notices = [m for m in smtp.messages_to("jose@example.org") if m["Subject"].startswith("Su comentario")]
    assert len(notices) == 1 and "9:30" in plain(notices[0])
    assert smtp.messages_to(CLERK) == []


def test_the_clerk_gets_a_comment_to_the_council_as_a_body_headed_in_english(app, client, smtp):
    add_meeting(app, MEETING_DAY)
    with time_machine.travel(BEFORE, tick=True):
        token = letter_token(submit_letter(client, lang="es", letter_language="es"))
        ask_to_email(client, token, comment="y")
        run_worker(app)
        confirm(client, confirmation_link(smtp.messages_to("jose@example.org")[-1]))
        run_worker(app)
    words = plain(smtp.messages_to(CLERK)[0])
    assert words.startswith("Written public comment for the King County Council meeting on Tuesday, December 8")
    assert "Comentario público por escrito para la reunión" in words
    assert "Estimados miembros del Consejo:" in words and "Les pido que mantengan" in words
    assert "Vivo en el Distrito 4 del Condado de King." in words
    for to_one_member in ("Estimado concejal", "que usted representa", "A constituent of District",
                          "Metropolitan King County Council"):
        assert to_one_member not in words, to_one_member
    member = plain(smtp.messages_to("jorge.baron@kingcounty.gov")[0])
    assert "Estimado concejal Barón:" in member and "que usted representa" in member


def test_no_reminder_is_offered_or_sent_on_the_meetings_own_day(app, client, smtp):
    add_meeting(app, MEETING_DAY)
    with time_machine.travel(county_moment(MEETING_DAY, dt.time(7)).replace(tzinfo=UTC), tick=True):
        token = letter_token(submit_letter(client))
        page = client.get(f"/letters/{token}").get_data(as_text=True)
        assert "public record" in page and 'name="meeting_reminder"' not in page
        ask_to_email(client, token, comment="y", meeting_reminder="y")  # as a stale page would send it
        run_worker(app)
        confirm(client, confirmation_link(smtp.messages_to("jose@example.org")[-1]))
        run_worker(app)
        assert "We will email you a reminder" not in text(client.get(f"/letters/{token}/status"))
    assert not [m for m in smtp.messages_to("jose@example.org") if m["Subject"].startswith("Reminder")]


def test_every_page_describes_a_letter_to_the_whole_council_as_one(app, client, smtp):
    token = letter_token(submit_letter(client, recipients="council"))
    assert "we send each member of the King County Council their copy" in text(ask_to_email(client, token))
    run_worker(app)
    link = confirmation_link(smtp.messages_to("jose@example.org")[-1])
    assert "email each member of the King County Council their copy" in text(client.get(link))
    status = text(client.get(f"/letters/{token}/status"))
    assert "Your letter to the members of the King County Council." in status
    printing = letter_token(submit_letter(client, recipients="council"))
    assert "Your letters to the nine members of the King County Council are ready to print." in text(
        client.get(f"/letters/{printing}/thanks"))


@pytest.mark.parametrize("lang, recipients, message", [
    ("en", "", "Please choose who should receive your letter."),
    ("es", "", "Elija quién debe recibir su carta, por favor."),
    ("en", "all", "Not a valid choice."),
])
def test_the_recipients_choice_is_explained_on_the_form_with_what_was_typed(client, lang, recipients, message):
    response = submit_letter(client, lang=lang, recipients=recipients)
    assert response.status_code == 422
    assert message in text(response)
    assert 'value="José Núñez"' in response.get_data(as_text=True)


def test_moving_a_late_comment_without_choosing_an_item_is_explained_on_the_status_page(app, client, smtp):
    add_meeting(app, MEETING_DAY)
    add_meeting(app, dt.date(2026, 12, 15), items=("2025-0300", "2025-0301"))
    with time_machine.travel(BEFORE, tick=True):
        token = letter_token(submit_letter(client, lang="es"))
        ask_to_email(client, token, comment="y")
        run_worker(app)
    with time_machine.travel(county_moment(MEETING_DAY, dt.time(9, 40)).replace(tzinfo=UTC), tick=True):
        confirm(client, confirmation_link(smtp.messages_to("jose@example.org")[-1]))
        status = client.get(f"/letters/{token}/status").get_data(as_text=True)
        meeting = re.search(r'name="meeting" type="hidden" value="(\d+)"', status).group(1)
        response = client.post(f"/letters/{token}/comment", data={"csrf_token": csrf_token(status),
                                                                  "meeting": meeting})
    assert response.status_code == 422
    assert "Elija sobre qué es su comentario." in text(response)
