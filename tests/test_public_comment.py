"""Written public comment: a supporter's letter, confirmed once, goes to their councilmember and to a meeting's
comment address before the clerk's cut-off, or not at all (the supporter is told, in their language, and
offered the next meeting). The clock is the tests' (time-machine); mail goes through the real SMTP server."""

import datetime as dt
import re

import pytest
import time_machine

from actiontool.meetings.schedule import county_moment
from actiontool.models import (
    CommentStatus,
    Letter,
    Meeting,
    MeetingReminder,
    OutboxMessage,
    PublicComment,
    db,
)
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


def at(moment):
    """The tests' clock, set to `moment` (naive UTC), running on from there."""
    return time_machine.travel(moment.replace(tzinfo=UTC), tick=True)


def write_and_ask(client, lang="en", **send_fields):
    token = letter_token(submit_letter(client, lang=lang, email="jose@example.org"))
    response = ask_to_email(client, token, **send_fields)
    return token, response


def confirm_from_email(client, smtp):
    return confirm(client, confirmation_link(smtp.messages_to("jose@example.org")[-1]))


def comment_row(app, token):
    with app.app_context():
        letter = db.session.scalar(db.select(Letter).where(Letter.token == token))
        return db.session.scalar(db.select(PublicComment).where(PublicComment.letter_id == letter.id))


def body_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


MEETING_DAY = dt.date(2026, 12, 8)  # a Tuesday
BEFORE = dt.datetime(2026, 12, 7, 18, 0)  # the day before, 10 a.m. in Seattle


def test_a_confirmed_letter_goes_to_the_member_and_as_comment_to_the_clerk_without_street_or_email(
        app, client, smtp):
    meeting_id, (item,) = add_meeting(app, MEETING_DAY)
    with at(BEFORE):
        token, page = write_and_ask(client, comment="y")
        assert "written public comment for the King County Council meeting" in text(page)
        run_worker(app)
        assert "written public comment" in body_of(smtp.messages_to("jose@example.org")[0])
        assert smtp.messages_to(CLERK) == [], "nothing goes before the supporter confirms"
        confirm_from_email(client, smtp)
        run_worker(app)
    official = smtp.messages_to("jorge.baron@kingcounty.gov")
    assert len(official) == 1
    (comment,) = smtp.messages_to(CLERK)
    assert comment["Subject"] == ("Public comment: Item 2025-0216, Detainer ordinance 2025-0216 "
                                  "(King County Council, Tuesday, December 8, 2026)")
    raw = comment.as_string()
    assert "jose@example.org" not in raw, "the supporter's email address is not given to the public record"
    assert comment["Reply-To"] is None
    words = body_of(comment)
    assert "From José Núñez, Seattle." in words
    assert "100 Main St" not in words
    assert "Please keep our county" in words, "the letter's own text is the comment"
    assert comment_row(app, token).status == CommentStatus.SENT


def test_the_street_goes_only_when_the_supporter_includes_it(app, client, smtp):
    add_meeting(app, MEETING_DAY)
    with at(BEFORE):
        write_and_ask(client, comment="y", include_street="y")
        run_worker(app)
        confirm_from_email(client, smtp)
        run_worker(app)
    (comment,) = smtp.messages_to(CLERK)
    assert "100 Main St" in body_of(comment)


def test_without_the_box_ticked_nothing_goes_to_the_clerk(app, client, smtp):
    add_meeting(app, MEETING_DAY)
    with at(BEFORE):
        token, _ = write_and_ask(client)
        run_worker(app)
        confirm_from_email(client, smtp)
        run_worker(app)
    assert smtp.messages_to(CLERK) == []
    assert comment_row(app, token) is None


def test_confirmed_after_the_deadline_the_comment_is_never_sent_and_the_next_meeting_is_offered(app, client, smtp):
    add_meeting(app, MEETING_DAY)
    next_id, (next_item,) = add_meeting(app, dt.date(2026, 12, 15), items=("2025-0300",))
    with at(BEFORE):
        token, _ = write_and_ask(client, comment="y")
        run_worker(app)
    # 09:45 in Seattle: before the clerk's 10:00 cut-off, but inside the 30 minutes we keep in hand.
    with at(county_moment(MEETING_DAY, dt.time(9, 45))):
        confirm_from_email(client, smtp)
        run_worker(app)
        assert smtp.messages_to(CLERK) == []
        assert comment_row(app, token).status == CommentStatus.LATE
        status = client.get(f"/letters/{token}/status?lang=es")
        assert "No se envió" in text(status) or "no se envió" in text(status)
        assert "2025-0300" in text(status), "the next meeting's item is offered"
        moved = client.post(f"/letters/{token}/comment", data={
            "csrf_token": csrf_token(status.get_data(as_text=True)), "meeting": str(next_id),
            "agenda_item": str(next_item)})
        assert moved.status_code == 302
        run_worker(app)
    (comment,) = smtp.messages_to(CLERK)
    assert "Item 2025-0300" in comment["Subject"] and "December 15" in comment["Subject"]


def test_a_comment_queued_in_time_but_still_waiting_at_the_deadline_is_not_sent_and_the_supporter_is_told(
        app, client, smtp):
    add_meeting(app, MEETING_DAY)
    with at(BEFORE):
        token, _ = write_and_ask(client, lang="es", comment="y")
        run_worker(app)
        confirm_from_email(client, smtp)
    # The worker was down until 09:31 on the meeting day: the comment is not handed over late.
    with at(county_moment(MEETING_DAY, dt.time(9, 31))):
        run_worker(app)
        run_worker(app)
    assert smtp.messages_to(CLERK) == []
    assert len(smtp.messages_to("jorge.baron@kingcounty.gov")) == 1, "the letter itself still goes"
    notice = [m for m in smtp.messages_to("jose@example.org") if "comentario" in m["Subject"]]
    assert len(notice) == 1, [m["Subject"] for m in smtp.messages_to("jose@example.org")]
    assert "10:00" in body_of(notice[0])
    assert comment_row(app, token).status == CommentStatus.LATE


def test_a_comment_the_clerks_server_refuses_is_failed_and_the_supporter_is_told(app, client, smtp):
    add_meeting(app, MEETING_DAY)
    smtp.handler.refuse[CLERK] = "550 5.1.1 No such user"
    with at(BEFORE):
        token, _ = write_and_ask(client, comment="y")
        run_worker(app)
        confirm_from_email(client, smtp)
        run_worker(app)
        run_worker(app)
    assert comment_row(app, token).status == CommentStatus.FAILED
    assert any("could not go" in m["Subject"] for m in smtp.messages_to("jose@example.org"))


def test_a_cancelled_meeting_sends_no_comment(app, client, smtp):
    meeting_id, _ = add_meeting(app, MEETING_DAY)
    with at(BEFORE):
        token, _ = write_and_ask(client, comment="y")
        run_worker(app)
        confirm(client, confirmation_link(smtp.messages_to("jose@example.org")[-1]))
        with app.app_context():
            db.session.get(Meeting, meeting_id).cancelled_at = BEFORE
            db.session.commit()
        run_worker(app)
        run_worker(app)
    assert smtp.messages_to(CLERK) == []
    assert comment_row(app, token).status == CommentStatus.CANCELLED


def test_the_deadline_holds_on_the_day_daylight_saving_time_ends(app, client, smtp):
    """2026-11-01: clocks go back at 2 a.m. A 10:00 cut-off is 18:00 UTC (PST), not 17:00 (PDT); 08:45
    Seattle time (16:45 UTC) is on time. The reminder goes at 09:00 the day before, in PDT (16:00 UTC)."""
    day = dt.date(2026, 11, 1)
    meeting_id, _ = add_meeting(app, day)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert (meeting.starts_at, meeting.cutoff_at) == (dt.datetime(2026, 11, 1, 21, 30),
                                                          dt.datetime(2026, 11, 1, 18, 0))
    with at(dt.datetime(2026, 10, 30, 20, 0)):
        token, _ = write_and_ask(client, comment="y", meeting_reminder="y")
        run_worker(app)
    with at(dt.datetime(2026, 10, 31, 15, 0)):
        confirm_from_email(client, smtp)
        with app.app_context():
            reminder = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == "meeting_reminder"))
            assert reminder.next_attempt_at == dt.datetime(2026, 10, 31, 16, 0)
    with at(dt.datetime(2026, 11, 1, 16, 45)):
        run_worker(app)
    assert len(smtp.messages_to(CLERK)) == 1
    assert comment_row(app, token).status == CommentStatus.SENT


def test_the_reminder_goes_the_day_before_in_the_supporters_language_and_is_deleted_with_the_letter(
        app, client, smtp):
    add_meeting(app, MEETING_DAY)
    with at(dt.datetime(2026, 12, 4, 20, 0)):
        token, page = write_and_ask(client, lang="es", meeting_reminder="y")
        run_worker(app)
        confirm_from_email(client, smtp)
        run_worker(app)
    assert not [m for m in smtp.messages_to("jose@example.org") if "Recordatorio" in m["Subject"]]
    with at(county_moment(dt.date(2026, 12, 7), dt.time(9, 5))):
        run_worker(app)
    (reminder,) = [m for m in smtp.messages_to("jose@example.org") if "Recordatorio" in m["Subject"]]
    words = body_of(reminder)
    assert "https://zoom.example/j/123" in words and "516 3rd Ave" in words
    assert "martes, 8 de diciembre de 2026" in words
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(MeetingReminder.id))) == 1
    with at(dt.datetime(2027, 1, 20)):
        app.test_cli_runner().invoke(args=["purge"])
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(MeetingReminder.id))) == 0


def test_no_meeting_no_offer_and_none_after_its_deadline(app, client):
    with at(BEFORE):
        token = letter_token(submit_letter(client))
        assert "public record" not in text(client.get(f"/letters/{token}"))
    add_meeting(app, MEETING_DAY)
    with at(BEFORE):
        assert "public record" in text(client.get(f"/letters/{token}"))
    with at(county_moment(MEETING_DAY, dt.time(9, 31))):
        assert "public record" not in text(client.get(f"/letters/{token}"))


@pytest.mark.parametrize("lang, message", [("en", "Please choose what your comment is about."),
                                           ("es", "Elija sobre qué es su comentario.")])
def test_with_two_items_the_supporter_must_choose_one_and_what_they_typed_stays(app, client, lang, message):
    add_meeting(app, MEETING_DAY, items=("2025-0216", "2025-0217"))
    with at(BEFORE):
        token = letter_token(submit_letter(client, lang=lang))
        page = ask_to_email(client, token, comment="y", wants_copy="y")
        assert page.status_code == 422
        assert message in text(page)
        assert 'value="jose@example.org"' in page.get_data(as_text=True)
        assert re.search(r'id="wants_copy"[^>]*checked|checked[^>]*id="wants_copy"', page.get_data(as_text=True))
    assert comment_row(app, token) is None


def test_a_page_offering_a_meeting_that_has_closed_since_sends_nothing(app, client):
    add_meeting(app, MEETING_DAY)
    with at(BEFORE):
        token = letter_token(submit_letter(client))
        page = client.get(f"/letters/{token}")
    with at(county_moment(MEETING_DAY, dt.time(9, 40))):
        data = {"csrf_token": csrf_token(page.get_data(as_text=True)), "email": "jose@example.org",
                "comment": "y", "meeting": re.search(r'name="meeting" type="hidden" value="(\d+)"',
                                                     page.get_data(as_text=True)).group(1)}
        response = client.post(f"/letters/{token}/send", data=data)
    assert response.status_code == 409
    assert "stopped taking written comment" in text(response)
    with app.app_context():
        assert db.session.scalar(db.select(Letter.status).where(Letter.token == token)) == "written"
