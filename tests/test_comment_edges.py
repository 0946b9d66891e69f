"""Edges the attacker review found: a reminder never keeps an unconfirmed letter's details past retention (nor a
confirmed one past its meeting); a stale second outbox row for a comment already sent tells the supporter
nothing false; a meeting id that is not a number is a 409, not a 500; staff fields refuse Unicode line breaks,
other scripts' digits and a broken IPv6 address with a message."""

import datetime as dt

import time_machine

from actiontool.mail import outbox
from actiontool.models import CommentStatus, Letter, MeetingReminder, PublicComment, db
from tests.helpers import (
    CLERK,
    STAFF,
    add_meeting,
    ask_to_email,
    confirm,
    confirmation_link,
    csrf_token,
    letter_token,
    run_worker,
    signed_in_client,
    submit_letter,
    text,
)
from tests.test_staff_meetings import meeting_form

UTC = dt.timezone.utc
MEETING_DAY = dt.date(2026, 12, 8)
BEFORE = dt.datetime(2026, 12, 4, 20, 0, tzinfo=UTC)


def details_kept(app, token):
    with app.app_context():
        return db.session.scalar(db.select(Letter.street).where(Letter.token == token)) != ""


def test_a_reminder_keeps_a_letters_details_only_while_confirmed_and_before_its_meeting(app, client, smtp):
    add_meeting(app, MEETING_DAY)
    with time_machine.travel(BEFORE, tick=True):
        unconfirmed = letter_token(submit_letter(client, email="jose@example.org"))
        ask_to_email(client, unconfirmed, meeting_reminder="y")
        confirmed = letter_token(submit_letter(client, email="ana@example.org"))
        ask_to_email(client, confirmed, email="ana@example.org", meeting_reminder="y")
        run_worker(app)
        confirm(client, confirmation_link(smtp.messages_to("ana@example.org")[-1]))
        run_worker(app)  # the letter is delivered; its reminder waits for the day before the meeting
    with app.app_context():  # both written 40 days before the purge below
        db.session.execute(db.update(Letter).values(created_at=dt.datetime(2026, 10, 26)))
        db.session.commit()
    with time_machine.travel(dt.datetime(2026, 12, 5, tzinfo=UTC), tick=True):
        app.test_cli_runner().invoke(args=["purge"])
    assert not details_kept(app, unconfirmed), "an unconfirmed letter's reminder never goes: nothing is kept for it"
    assert details_kept(app, confirmed), "the reminder has still to go"
    with time_machine.travel(dt.datetime(2026, 12, 9, tzinfo=UTC), tick=True):
        app.test_cli_runner().invoke(args=["purge"])
    assert not details_kept(app, confirmed), "once the meeting has started, the reminder is no reason to keep it"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(MeetingReminder.id))) == 0


def test_a_second_outbox_row_for_a_comment_already_sent_tells_the_supporter_nothing_false(app, client, smtp):
    add_meeting(app, MEETING_DAY)
    with time_machine.travel(BEFORE, tick=True):
        token = letter_token(submit_letter(client, email="jose@example.org"))
        ask_to_email(client, token, comment="y")
        run_worker(app)
        confirm(client, confirmation_link(smtp.messages_to("jose@example.org")[-1]))
        run_worker(app)
        with app.app_context():
            letter = db.session.scalar(db.select(Letter).where(Letter.token == token))
            outbox.enqueue(letter, outbox.PUBLIC_COMMENT)  # as two presses of "move" at once once did
            db.session.commit()
        run_worker(app)
    assert len(smtp.messages_to(CLERK)) == 1
    assert not [m for m in smtp.messages_to("jose@example.org") if "could not go" in m["Subject"]]
    with app.app_context():
        assert db.session.scalar(db.select(PublicComment.status)) == CommentStatus.SENT


def test_a_meeting_id_that_is_not_a_plain_number_is_refused_without_an_error(app, client):
    add_meeting(app, MEETING_DAY)
    with time_machine.travel(BEFORE, tick=True):
        token = letter_token(submit_letter(client))
        page = client.get(f"/letters/{token}").get_data(as_text=True)
        for meeting in ("abc", "1.5", "١"):
            response = client.post(f"/letters/{token}/send", data={
                "csrf_token": csrf_token(page), "email": "jose@example.org", "comment": "y", "meeting": meeting})
            assert response.status_code == 409, (meeting, response.status_code)
            assert "stopped taking written comment" in text(response)


def test_staff_fields_refuse_unicode_line_breaks_other_digits_and_a_broken_address(app, runner):
    staff = signed_in_client(app, runner, STAFF, "staff")
    page = staff.get("/staff/meetings/new").get_data(as_text=True)
    for field, value, message in (
            ("body_en", "King County\u2028Council", "Please keep this on one line."),
            ("body_es", "Consejo\u0085del Condado", "Please keep this on one line."),
            ("starts", "١٣:٣٠", "Please enter the time like 13:30 (24-hour clock)."),
            ("online_url", "http://[::1", "Please enter a web address that starts with https:// or http://.")):
        response = staff.post("/staff/meetings/new", data={**meeting_form(), field: value,
                                                          "csrf_token": csrf_token(page)})
        assert response.status_code == 422, (field, response.status_code)
        assert message in text(response), field
