"""Alerts to staff through real SMTP, on a clock the tests move: each cause raised gives exactly one email to the
staff list, nothing more while it lasts, and one "all clear" when it is over; an email the mail server did not
take is sent at a later check, once; nothing in any of it is about a supporter."""

import datetime as dt

import pytest
import time_machine

from actiontool import worker
from actiontool.mail import outbox
from actiontool.models import DATABASE_AWAY, Alert, CommentStatus, Letter, OutboxMessage, PublicComment, db
from actiontool.monitoring import alerts
from actiontool.roster import apply_roster, parse_roster
from tests.helpers import add_meeting
from tests.test_database_outage import app_on, dispose
from tests.test_outbox_delivery import BARON, queue_letters
from tests.test_staff_roster import roster_matching_the_county_layer

UTC = dt.timezone.utc
START = dt.datetime(2026, 12, 1, 18, 0)  # naive UTC, as the database keeps it: 10 a.m. in King County
STAFF_LIST = ["alerts@campaign.test", "director@campaign.test"]


@pytest.fixture
def alerting(app):
    """The test's app with a staff list, and the roster check off unless a test turns it on."""
    app.config.update(ALERT_EMAILS=", ".join(STAFF_LIST), ROSTER_CHECK_HOURS=0)
    return app


def at(moment):
    return time_machine.travel(moment.replace(tzinfo=UTC), tick=False)


def check(app, moment):
    with at(moment), app.app_context():
        return alerts.check(app.config)


def deliver(app, moment):
    with at(moment), app.app_context():
        return outbox.deliver_due(app.config)


def alert_mails(smtp):
    """What reached the staff list, oldest first: each one sent once to every address on it."""
    mails = [r for r in smtp.received if set(r.rcpt_tos) & set(STAFF_LIST)]
    for mail in mails:
        assert sorted(mail.rcpt_tos) == sorted(STAFF_LIST)
    return [mail.message for mail in mails]


def body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def subjects(smtp):
    return [" ".join(str(m["Subject"]).split()) for m in alert_mails(smtp)]


# ---------------------------------------------------------------- a stuck queue

def test_mail_waiting_longer_than_the_limit_gives_one_alert_then_nothing_then_one_all_clear(alerting, smtp):
    with at(START):
        queue_letters(alerting, 3)
    assert check(alerting, START + dt.timedelta(minutes=14))["active"] == []
    assert alert_mails(smtp) == []

    report = check(alerting, START + dt.timedelta(minutes=16))
    assert report["emailed"] == ["alert stuck_queue"]
    [mail] = alert_mails(smtp)
    assert mail["Subject"].startswith("Stop ICE's Insecure Communities: Email is not going out")
    assert mail["From"] == "Stop ICE's Insecure Communities <letters@campaign.test>"
    assert mail["Auto-Submitted"] == "auto-generated"
    words = " ".join(body(mail).split())
    assert "Emails waiting to be sent: 3. The oldest has waited 16 minutes (the limit is 15)." in words
    assert "http://letters.campaign.test/staff/?lang=en" in words
    assert "http://letters.campaign.test/staff/?lang=es" in words  # the Spanish half links in Spanish

    for minutes in (20, 40, 90):
        assert check(alerting, START + dt.timedelta(minutes=minutes))["emailed"] == []
    assert len(alert_mails(smtp)) == 1

    assert deliver(alerting, START + dt.timedelta(minutes=91))["sent"] == 3
    assert check(alerting, START + dt.timedelta(minutes=92))["emailed"] == ["all clear stuck_queue"]
    assert check(alerting, START + dt.timedelta(minutes=93))["emailed"] == []
    clear = alert_mails(smtp)[1]
    assert "All clear: Email is going out again" in clear["Subject"]
    assert "All clear: Email is going out again" in body(clear)


def test_a_cause_that_comes_back_after_its_all_clear_is_a_new_alert(alerting, smtp):
    with at(START):
        queue_letters(alerting, 1)
    check(alerting, START + dt.timedelta(minutes=20))
    deliver(alerting, START + dt.timedelta(minutes=21))
    check(alerting, START + dt.timedelta(minutes=22))
    with at(START + dt.timedelta(minutes=30)):
        queue_letters(alerting, 2, prefix="later")
    check(alerting, START + dt.timedelta(minutes=50))
    assert [s.split(": ", 1)[1].split(" / ")[0] for s in subjects(smtp)] == [
        "Email is not going out", "All clear: Email is going out again", "Email is not going out"]


def test_an_email_sent_long_ago_being_sent_again_by_a_stuck_worker_counts_from_its_lease(alerting, smtp):
    """A row a dead worker left `sending` is due again when its lease runs out, and waits from then."""
    with at(START):
        queue_letters(alerting, 1)
    with at(START), alerting.app_context():
        db.session.execute(db.update(OutboxMessage).values(
            status=OutboxMessage.SENDING, claimed_until=START + dt.timedelta(minutes=5)))
        db.session.commit()
    assert check(alerting, START + dt.timedelta(minutes=19))["active"] == []
    assert check(alerting, START + dt.timedelta(minutes=21))["emailed"] == ["alert stuck_queue"]


# ---------------------------------------------------------------- permanent failures

def finish(app, statuses, moment):
    """One letter's outbox row per status, finished at `moment`."""
    with at(moment):
        ids = queue_letters(app, len(statuses), prefix=f"finished{moment:%H%M}-")
    with app.app_context():
        rows = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.letter_id.in_(ids.values()))
                                  .order_by(OutboxMessage.id)).all()
        for row, status in zip(rows, statuses, strict=True):
            row.status, row.finished_at = status, moment
        db.session.commit()


def test_more_refusals_than_the_share_in_the_last_hour_alert_once_and_clear_an_hour_later(alerting, smtp):
    with at(START):
        queue_letters(alerting, 6, districts=("4", "5"))
    smtp.handler.refuse[BARON.lower()] = "550 5.1.1 mailbox unavailable"
    assert deliver(alerting, START + dt.timedelta(minutes=1))["failed"] == 3
    assert check(alerting, START + dt.timedelta(minutes=2))["emailed"] == ["alert failure_share"]
    [mail] = alert_mails(smtp)
    assert "Many emails are being refused" in mail["Subject"]
    words = " ".join(body(mail).split())
    # 3 letters refused, 3 delivered, and the 3 supporters told their letter failed.
    assert "In the last hour 3 of 9 emails were refused for good (33%; the limit is 25%)." in words
    assert "http://letters.campaign.test/staff/letters/failed?lang=en" in words

    assert check(alerting, START + dt.timedelta(minutes=50))["emailed"] == []
    assert check(alerting, START + dt.timedelta(minutes=62))["emailed"] == ["all clear failure_share"]
    assert len(alert_mails(smtp)) == 2


@pytest.mark.parametrize("statuses, alerted", [
    (["failed"] * 2 + ["sent"] * 3, True),  # 40% of 5
    (["failed"] * 2 + ["sent"] * 2, False),  # 50%, but 4 finished: too few to judge
    (["failed"] * 1 + ["sent"] * 3 + ["skipped"] * 6, False),  # skipped messages are no failures...
    (["failed"] * 2 + ["sent"] * 3 + ["skipped"] * 6, True),  # ...and do not water the failures down
    (["failed"] * 1 + ["sent"] * 4, False),  # 20%: under the limit
    (["failed"] * 3 + ["sent"] * 9, False),  # exactly 25%: not above it
])
def test_the_failure_share_counts_sent_and_failed_only_and_needs_enough_messages(alerting, smtp, statuses, alerted):
    finish(alerting, statuses, START)
    report = check(alerting, START + dt.timedelta(minutes=5))
    assert report["emailed"] == (["alert failure_share"] if alerted else [])


def test_refusals_finished_more_than_an_hour_ago_do_not_count(alerting, smtp):
    finish(alerting, ["failed"] * 5, START)
    assert check(alerting, START + dt.timedelta(minutes=61))["active"] == []


# ---------------------------------------------------------------- the roster

def test_a_roster_that_differs_from_the_county_alerts_once_checked_daily_and_clears_when_corrected(
        alerting, smtp, county_layer):
    alerting.config["ROSTER_CHECK_HOURS"] = 24
    county_layer.reset_requests()
    assert check(alerting, START)["emailed"] == ["alert roster"]
    [mail] = alert_mails(smtp)
    words = " ".join(body(mail).split())
    assert "Differences between the roster and the county's council district layer: 18 (district 1: name, " \
           "email address; district 2: name, email address; district 3:" in words
    assert "http://letters.campaign.test/staff/roster/check?lang=en" in words
    assert "Member 1" not in body(mail) and "kingcounty.gov" not in body(mail)  # no name, no address
    assert county_layer.request_count == 1

    with alerting.app_context():
        apply_roster(parse_roster(roster_matching_the_county_layer()))
    assert check(alerting, START + dt.timedelta(hours=23))["emailed"] == []  # not asked again within a day
    assert county_layer.request_count == 1
    assert check(alerting, START + dt.timedelta(hours=24))["emailed"] == ["all clear roster"]
    assert county_layer.request_count == 2


def test_a_county_layer_that_does_not_answer_leaves_the_roster_alert_as_it_was(alerting, smtp, county_layer):
    alerting.config["ROSTER_CHECK_HOURS"] = 24
    check(alerting, START)
    with alerting.app_context():
        apply_roster(parse_roster(roster_matching_the_county_layer()))
    county_layer.arcgis_error = True
    report = check(alerting, START + dt.timedelta(hours=25))
    assert [cause for cause, _ in report["active"]] == ["roster"] and report["emailed"] == []
    county_layer.arcgis_error = False
    assert check(alerting, START + dt.timedelta(hours=26))["emailed"] == []  # the next check is a day later
    assert check(alerting, START + dt.timedelta(hours=49))["emailed"] == ["all clear roster"]
    assert len(alert_mails(smtp)) == 2


def test_a_county_layer_that_never_answered_raises_nothing(alerting, smtp, county_layer):
    alerting.config["ROSTER_CHECK_HOURS"] = 24
    county_layer.arcgis_error = True
    assert check(alerting, START)["active"] == []
    assert alert_mails(smtp) == []


# ---------------------------------------------------------------- a meeting's comments

def comments_for(app, meeting_id, statuses):
    with at(START):
        ids = list(queue_letters(app, len(statuses), prefix="commenter").values())
    with app.app_context():
        for letter_id, status in zip(ids, statuses, strict=True):
            db.session.add(PublicComment(letter_id=letter_id, meeting_id=meeting_id, status=status))
        db.session.commit()
        db.session.execute(db.delete(OutboxMessage))  # only the comments matter here
        db.session.commit()


def test_a_comment_confirmed_too_late_to_send_raises_no_alert(alerting, smtp):
    """Confirming after the send-by time is the supporter's lateness, not a delivery problem: they are told, and
    no outsider can set off a staff alert that way."""
    day = dt.date(2026, 12, 8)
    meeting_id, _ = add_meeting(alerting, day)  # cut-off 18:00 UTC; send-by 17:30 UTC
    comments_for(alerting, meeting_id, [CommentStatus.LATE])
    with alerting.app_context():
        db.session.execute(db.update(Letter).values(confirmed_at=dt.datetime(2026, 12, 8, 17, 45)))
        db.session.commit()
    assert check(alerting, dt.datetime(2026, 12, 8, 17, 50))["emailed"] == []
    assert alert_mails(smtp) == []


def test_comments_that_failed_before_their_meeting_alert_for_that_meeting_until_a_day_after_its_cut_off(
        alerting, smtp):
    day = dt.date(2026, 12, 8)
    meeting_id, _ = add_meeting(alerting, day)  # cut-off 10 a.m. King County time: 18:00 UTC
    comments_for(alerting, meeting_id, [CommentStatus.FAILED, CommentStatus.LATE, CommentStatus.LATE,
                                        CommentStatus.SENT, CommentStatus.QUEUED])
    cause = f"meeting_comments:{meeting_id}"
    assert check(alerting, START)["emailed"] == [f"alert {cause}"]
    [mail] = alert_mails(smtp)
    assert f"Meeting {meeting_id}: public comments were not sent" in mail["Subject"]
    words = " ".join(body(mail).split())
    assert ("Public comments for the King County Council meeting of Tuesday, December 8, 2026 (cut-off 10:00 AM) "
            "that were not sent: 1 refused by the clerk's mail server, 2 too late for the cut-off.") in words
    assert f"http://letters.campaign.test/staff/meetings/{meeting_id}?lang=en" in words
    assert "clerk@council.example" not in body(mail)

    cut_off = dt.datetime(2026, 12, 8, 18, 0)
    assert check(alerting, cut_off + dt.timedelta(hours=23))["emailed"] == []
    assert check(alerting, cut_off + dt.timedelta(hours=25))["emailed"] == [f"all clear {cause}"]


def test_comments_moved_to_another_meeting_clear_the_alert(alerting, smtp):
    meeting_id, _ = add_meeting(alerting, dt.date(2026, 12, 8))
    comments_for(alerting, meeting_id, [CommentStatus.FAILED])
    check(alerting, START)
    with alerting.app_context():
        db.session.execute(db.update(PublicComment).values(status=CommentStatus.QUEUED))
        db.session.commit()
    assert check(alerting, START + dt.timedelta(minutes=1))["emailed"] == [f"all clear meeting_comments:{meeting_id}"]


def test_each_meeting_is_its_own_alert(alerting, smtp):
    first, _ = add_meeting(alerting, dt.date(2026, 12, 8))
    second, _ = add_meeting(alerting, dt.date(2026, 12, 9))
    comments_for(alerting, first, [CommentStatus.FAILED])
    check(alerting, START)
    with alerting.app_context():
        letter_id = db.session.scalar(db.select(PublicComment.letter_id))
        db.session.execute(db.update(PublicComment).values(meeting_id=second, status=CommentStatus.LATE))
        db.session.commit()
    assert letter_id
    report = check(alerting, START + dt.timedelta(minutes=1))
    assert sorted(report["emailed"]) == [f"alert meeting_comments:{second}", f"all clear meeting_comments:{first}"]


# ---------------------------------------------------------------- when the mail server is down

def test_an_alert_the_mail_server_did_not_take_is_sent_at_a_later_check_once(alerting, smtp):
    with at(START):
        queue_letters(alerting, 2)
    smtp.stop()
    try:
        report = check(alerting, START + dt.timedelta(minutes=20))
        assert report["emailed"] == [] and report["not_sent"] == ["alert stuck_queue"]
        assert check(alerting, START + dt.timedelta(minutes=21))["not_sent"] == ["alert stuck_queue"]
        with alerting.app_context():
            assert db.session.get(Alert, "stuck_queue").notified_at is None
    finally:
        smtp.start()
    assert check(alerting, START + dt.timedelta(minutes=22))["emailed"] == ["alert stuck_queue"]
    assert check(alerting, START + dt.timedelta(minutes=23))["emailed"] == []
    [mail] = alert_mails(smtp)
    assert "Raised Dec 1, 2026, 10:20:00\u202fAM (King County time)" in body(mail)  # when it was found


def test_a_refused_alert_is_kept_and_tried_again(alerting, smtp):
    with at(START):
        queue_letters(alerting, 1)
    for address in STAFF_LIST:
        smtp.handler.refuse[address] = "451 4.3.0 try again later"
    assert check(alerting, START + dt.timedelta(minutes=20))["not_sent"] == ["alert stuck_queue"]
    smtp.handler.refuse.clear()
    assert check(alerting, START + dt.timedelta(minutes=21))["emailed"] == ["alert stuck_queue"]
    assert len(alert_mails(smtp)) == 1


def test_an_all_clear_the_mail_server_did_not_take_is_sent_later_once(alerting, smtp):
    with at(START):
        queue_letters(alerting, 1)
    check(alerting, START + dt.timedelta(minutes=20))
    deliver(alerting, START + dt.timedelta(minutes=21))
    smtp.stop()
    try:
        assert check(alerting, START + dt.timedelta(minutes=22))["not_sent"] == ["all clear stuck_queue"]
    finally:
        smtp.start()
    assert check(alerting, START + dt.timedelta(minutes=23))["emailed"] == ["all clear stuck_queue"]
    assert check(alerting, START + dt.timedelta(minutes=24))["emailed"] == []


def test_a_cause_gone_before_anyone_was_told_sends_nothing(alerting, smtp):
    with at(START):
        queue_letters(alerting, 1)
    smtp.stop()
    try:
        check(alerting, START + dt.timedelta(minutes=20))
    finally:
        smtp.start()
    deliver(alerting, START + dt.timedelta(minutes=21))
    assert check(alerting, START + dt.timedelta(minutes=22))["emailed"] == []
    assert alert_mails(smtp) == []


def test_only_one_check_runs_at_a_time(alerting, smtp):
    with at(START):
        queue_letters(alerting, 1)
    with at(START + dt.timedelta(minutes=20)), alerting.app_context():
        with alerts.one_check_at_a_time() as first:
            assert first
            assert alerts.check(alerting.config)["busy"]
        assert alert_mails(smtp) == []
        assert alerts.check(alerting.config)["emailed"] == ["alert stuck_queue"]


# ---------------------------------------------------------------- nothing personal, and no staff list

def test_no_alert_or_log_line_holds_anything_about_a_supporter(alerting, smtp, caplog):
    planted = {"name": "Zebulon Quixotic-Farnsworth", "email": "zebulon.quixotic@planted.example",
               "street": "4417 Marigold Crescent Way"}
    meeting_id, _ = add_meeting(alerting, dt.date(2026, 12, 8))
    with at(START):
        [letter_id] = queue_letters(alerting, 1, prefix="planted").values()
    with alerting.app_context():
        letter = db.session.get(outbox.Letter, letter_id)
        letter.name, letter.email, letter.street = planted["name"], planted["email"], planted["street"]
        db.session.add(PublicComment(letter_id=letter_id, meeting_id=meeting_id, status=CommentStatus.FAILED,
                                     include_street=True))
        db.session.commit()
    caplog.set_level("INFO")
    check(alerting, START + dt.timedelta(minutes=20))
    deliver(alerting, START + dt.timedelta(minutes=21))
    check(alerting, START + dt.timedelta(days=9))
    mails = alert_mails(smtp)
    assert len(mails) == 4  # the queue and the meeting, raised and cleared
    ours = [record.getMessage() for record in caplog.records if record.name.startswith("actiontool")]
    assert any("alert raised" in line for line in ours)
    everything = "\n".join([mail.as_string() + body(mail) for mail in mails] + ours)
    with alerting.app_context():
        everything += "".join(alert.detail for alert in db.session.scalars(db.select(Alert)))
    for kind, value in planted.items():
        assert value.lower() not in everything.lower(), kind
        assert value.split()[0].lower() not in everything.lower(), kind


def test_without_a_staff_list_alerts_are_only_logged(app, smtp, caplog):
    app.config["ROSTER_CHECK_HOURS"] = 0
    with at(START):
        queue_letters(app, 1)
    caplog.set_level("INFO")
    assert check(app, START + dt.timedelta(minutes=20))["logged"] == ["alert stuck_queue"]
    assert "alert raised: stuck_queue: Emails waiting to be sent: 1." in caplog.text
    assert smtp.received == [] or all("@campaign.test" not in ",".join(r.rcpt_tos) for r in smtp.received)
    assert check(app, START + dt.timedelta(minutes=21))["logged"] == []


# ---------------------------------------------------------------- the command

def test_the_alerts_check_command_says_what_it_found_and_emailed(alerting, smtp):
    with at(START):
        queue_letters(alerting, 2)
    runner = alerting.test_cli_runner()
    with at(START + dt.timedelta(minutes=5)):
        result = runner.invoke(args=["alerts", "check"])
    assert result.exit_code == 0, result.output
    assert result.output == "No alerts.\n"
    with at(START + dt.timedelta(minutes=30)):
        result = runner.invoke(args=["alerts", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Alerts now: 1.",
        "  stuck_queue: Emails waiting to be sent: 2. The oldest has waited 30 minutes (the limit is 15). "
        "The worker is down or stuck.",
        "Emailed: alert stuck_queue.",
    ]
    assert len(alert_mails(smtp)) == 1


def test_the_alerts_check_command_with_the_database_away_says_so_in_one_line(app, tmp_path):
    away = app_on(app, f"sqlite:///{tmp_path}/not-there/actiontool.db")
    try:
        result = away.test_cli_runner().invoke(args=["alerts", "check"])
    finally:
        dispose(away)
    assert result.exit_code == 1
    assert result.stderr == "Error: The database is unavailable (OperationalError); nothing was checked.\n"


def test_an_alerts_check_that_fails_is_logged_and_the_worker_delivers_on(alerting, smtp, caplog):
    alerting.config["ALERT_EMAILS"] = "not an address"
    with at(START):
        queue_letters(alerting, 1)
    with at(START + dt.timedelta(minutes=20)), alerting.app_context():
        worker.Watch(alerting, check_alerts=True).check()
        assert outbox.deliver_due(alerting.config)["sent"] == 1
    assert "checking for alerts failed; the next check tries again" in caplog.text


def test_the_worker_leaves_a_database_that_is_away_to_its_own_wait_and_retry(app, tmp_path):
    """Not a logged traceback every minute: the worker's loop says the database is away and waits."""
    away = app_on(app, f"sqlite:///{tmp_path}/not-there/actiontool.db")
    try:
        with away.app_context(), pytest.raises(DATABASE_AWAY):
            worker.Watch(away, check_alerts=True).check()
    finally:
        dispose(away)
