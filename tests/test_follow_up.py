"""Did they reply? Two weeks after a letter is delivered, a supporter who said yes gets one email with four
one-click answers; each opens a page with one button (a GET, as a mail scanner makes, counts nothing); an
answer counts once, only within its week, and survives the purge only as a count. The clock is the tests'
(time-machine); mail goes through the real SMTP server."""

import datetime as dt
import re

import time_machine

from actiontool.models import FollowUp, Letter, OutboxMessage, ReplyTally, db
from actiontool.retention import purge
from tests.helpers import (
    ask_to_email,
    confirm,
    confirmation_link,
    csrf_token,
    letter_token,
    run_worker,
    submit_letter,
    text,
)
from tests.test_events import add_signer, create_event

UTC = dt.timezone.utc
START = dt.datetime(2026, 12, 1, 18, 0)
MEMBER = "jorge.baron@kingcounty.gov"  # District 4's member, who the test address writes to
SUPPORTER = "jose@example.org"


def at(moment):
    return time_machine.travel(moment.replace(tzinfo=UTC), tick=True)


def body_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def delivered_letter(app, client, smtp, lang="en", **send_fields):
    """A letter written, asked to be emailed (with `send_fields`), confirmed and delivered at START."""
    with at(START):
        token = letter_token(submit_letter(client, lang=lang, email=SUPPORTER))
        ask_to_email(client, token, **send_fields)
        run_worker(app)
        confirm(client, confirmation_link(smtp.messages_to(SUPPORTER)[-1]))
        run_worker(app)
    assert len(smtp.messages_to(MEMBER)) == 1
    return token


def follow_up_emails(smtp):
    return [m for m in smtp.messages_to(SUPPORTER) if "reply to your letter" in m["Subject"]
            or "respondió" in m["Subject"]]


def answer_links(message):
    """{answer: path} from the email's plain text."""
    return {answer: path for path, answer in
            re.findall(r"http://letters\.campaign\.test(/reply/[^/\s]+/(\w+))\?lang=\w+", body_of(message))}


def tallies(app):
    with app.app_context():
        return [(t.answer, t.days, t.district, t.official_name, t.language, t.channel)
                for t in db.session.scalars(db.select(ReplyTally).order_by(ReplyTally.id))]


def press(client, path, **data):
    """Open an answer link's page and press its button with `data` (the chosen answer by default)."""
    page = client.get(path)
    assert page.status_code == 200, text(page)
    return client.post(path.rsplit("/", 1)[0], data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data},
                       follow_redirects=True)


def asked(app, client, smtp, lang="en"):
    """A delivered letter whose question went out, 14 days later; returns its links."""
    delivered_letter(app, client, smtp, lang=lang, follow_up="y")
    with at(START + dt.timedelta(days=14, minutes=1)):
        run_worker(app)
    (message,) = follow_up_emails(smtp)
    return answer_links(message)


def test_the_question_goes_fourteen_days_after_delivery_not_before_and_only_once(app, client, smtp):
    delivered_letter(app, client, smtp, follow_up="y")
    with at(START + dt.timedelta(days=13, hours=23)):
        run_worker(app)
    assert follow_up_emails(smtp) == [], "not before 14 days"
    with at(START + dt.timedelta(days=14, minutes=1)):
        run_worker(app)
        run_worker(app)
    (message,) = follow_up_emails(smtp)
    assert message["Subject"] == "Did Councilmember Jorge L. Barón reply to your letter?"
    assert set(answer_links(message)) == {"personal", "form", "none", "unknown"}
    assert "this is the only time we ask" in " ".join(body_of(message).split())
    html = message.get_body(preferencelist=("html",)).get_content()
    tappable = re.findall(r'<a href="http://letters\.campaign\.test/reply/[^"/]+/(\w+)\?lang=en"[^>]*>([^<]+)</a>',
                          html)
    assert tappable == [("personal", "Yes, a personal reply (written to me)"),
                        ("form", "Yes, a form reply (the same for everyone)"), ("none", "No reply yet"),
                        ("unknown", "I don't know")], "each answer's own words are its link"
    with at(START + dt.timedelta(days=40)):
        run_worker(app)
    assert len(follow_up_emails(smtp)) == 1, "one question, never a reminder"


def test_a_supporter_who_said_no_is_never_asked(app, client, smtp):
    delivered_letter(app, client, smtp)  # the box unticked
    with at(START + dt.timedelta(days=15)):
        run_worker(app)
    assert follow_up_emails(smtp) == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(FollowUp.id))) == 0


def test_the_send_form_asks_with_the_box_ticked_and_says_what_it_is(app, client):
    token = letter_token(submit_letter(client, email=SUPPORTER))
    page = client.get(f"/letters/{token}").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="follow_up"[^>]*>', page).group(0)
    assert "checked" in box
    assert "We count the answers, never who gave them" in " ".join(page.split())


def test_a_spanish_supporter_is_asked_in_spanish(app, client, smtp):
    delivered_letter(app, client, smtp, lang="es", follow_up="y")
    with at(START + dt.timedelta(days=14, minutes=1)):
        run_worker(app)
    (message,) = follow_up_emails(smtp)
    assert message["Subject"] == "¿Le respondió el concejal Jorge L. Barón a su carta?"
    assert "?lang=es" in body_of(message)
    with at(START + dt.timedelta(days=15)):
        page = client.get(answer_links(message)["none"]).get_data(as_text=True)
    assert "¿Le respondió el concejal Jorge L. Barón a su carta?" in page
    assert "Por favor, revise" not in page


def test_opening_an_answer_link_counts_nothing_and_pressing_the_button_counts_it_once(app, client, smtp):
    links = asked(app, client, smtp)
    with at(START + dt.timedelta(days=15)):
        for _ in range(3):  # a mail scanner following every link, more than once
            for path in links.values():
                assert client.get(path).status_code == 200
        assert tallies(app) == [], "a GET changes nothing"
        page = client.get(links["form"]).get_data(as_text=True)
        assert "Please check" not in page, "no error before the supporter presses anything"
        assert client.get(links["form"]).headers["Cache-Control"] == "no-store", "the link is the page's only key"
        assert "Did Councilmember Jorge L. Barón reply to your letter?" in page
        assert re.search(r'<input[^>]*checked[^>]*value="form"|<input[^>]*value="form"[^>]*checked', page), \
            "the clicked answer is chosen on the page"
        answered = press(client, links["form"], answer="form")
        assert "your answer is counted" in text(answered)
        again = client.get(links["personal"])  # another link of the same email: no second button
        assert "You already answered this question" in text(again)
        assert "your answer is counted" not in text(again) and 'name="answer"' not in again.get_data(as_text=True)
        client.post(links["none"].rsplit("/", 1)[0], data={"answer": "none", "csrf_token": csrf_token(
            client.get("/write").get_data(as_text=True))})
    assert tallies(app) == [("form", None, "4", "Jorge L. Barón", "en", "email")]


def test_a_changed_or_foreign_token_counts_nothing(app, client, smtp):
    links = asked(app, client, smtp)
    path = links["personal"]
    signed = path.split("/")[2]
    tampered = signed[:-2] + ("AA" if not signed.endswith("AA") else "BB")
    with at(START + dt.timedelta(days=15)):
        assert client.get(f"/reply/{tampered}/personal").status_code == 400
        assert client.get(f"/reply/{signed[:10]}/personal").status_code == 400
        page = client.get(path).get_data(as_text=True)
        refused = client.post(f"/reply/{tampered}", data={"answer": "personal", "csrf_token": csrf_token(page)})
        assert refused.status_code == 400
        # A confirmation link's token is signed with the same key but another purpose: it names no question.
        confirm_token = confirmation_link(smtp.messages_to(SUPPORTER)[0]).rsplit("/", 1)[1]
        assert client.get(f"/reply/{confirm_token}/personal").status_code == 400
    assert tallies(app) == []


def test_the_answer_needs_the_pages_csrf_token_and_a_choice(app, client, smtp):
    links = asked(app, client, smtp)
    action = links["none"].rsplit("/", 1)[0]
    with at(START + dt.timedelta(days=15)):
        assert client.post(action, data={"answer": "none"}).status_code == 400
        page = client.get(links["none"]).get_data(as_text=True)
        missing = client.post(action, data={"csrf_token": csrf_token(page)})
        assert missing.status_code == 422
        assert "Please choose an answer." in text(missing)
        odd = client.post(action, data={"csrf_token": csrf_token(page), "answer": "x" * 5000})
        assert odd.status_code in (413, 422)
    assert tallies(app) == []


def test_with_a_reply_one_more_click_says_how_many_days_it_took(app, client, smtp):
    links = asked(app, client, smtp)
    with at(START + dt.timedelta(days=15)):
        page = client.get(links["personal"])
        assert "If they replied: how long did the reply take? (optional)" in text(page)
        action = links["personal"].rsplit("/", 1)[0]
        token = csrf_token(page.get_data(as_text=True))
        bad = client.post(action, data={"csrf_token": token, "answer": "personal", "days": "2"})
        assert bad.status_code == 422, "only the offered choices"
        assert tallies(app) == []
        done = client.post(action, data={"csrf_token": token, "answer": "personal", "days": "7"},
                           follow_redirects=True)
        assert "your answer is counted" in text(done)
        client.post(action, data={"csrf_token": token, "answer": "form", "days": "30"})
    assert tallies(app) == [("personal", 7, "4", "Jorge L. Barón", "en", "email")]


def test_days_are_counted_only_with_a_reply(app, client, smtp):
    links = asked(app, client, smtp)
    with at(START + dt.timedelta(days=15)):
        press(client, links["none"], answer="none", days="3")
    assert tallies(app) == [("none", None, "4", "Jorge L. Barón", "en", "email")]


def test_the_counted_answer_keeps_nothing_that_leads_back_to_the_question(app, client, smtp):
    links = asked(app, client, smtp)
    with at(START + dt.timedelta(days=15)):
        press(client, links["form"], answer="form")
    with app.app_context():
        (follow_up,) = db.session.scalars(db.select(FollowUp)).all()
        columns = set(FollowUp.__table__.columns.keys())
        assert follow_up.status == FollowUp.ANSWERED
        assert columns == {"id", "key", "letter_id", "status", "sent_at", "created_at"}, \
            "no answer, no time of answering, no link to the count"
        assert not {"letter_id", "created_at", "answered_at"} & set(ReplyTally.__table__.columns.keys())


def test_an_old_link_never_reaches_a_later_question(app, client, smtp):
    """Question rows are deleted after the purge and ids may come back: links name a random key instead."""
    old = asked(app, client, smtp)
    with app.app_context():
        purge(app.config, now=START + dt.timedelta(days=60))
        assert db.session.scalar(db.select(db.func.count(FollowUp.id))) == 0
    smtp.reset()
    app.config["FOLLOW_UP_AFTER_DAYS"] = 0
    later = dt.datetime.now(UTC).replace(tzinfo=None)
    token = letter_token(submit_letter(client, email=SUPPORTER, district="7"))
    ask_to_email(client, token, follow_up="y")
    run_worker(app)
    confirm(client, confirmation_link(smtp.messages_to(SUPPORTER)[-1]))
    run_worker(app)
    run_worker(app)
    (question,) = follow_up_emails(smtp)
    new = answer_links(question)
    assert new["personal"] != old["personal"]
    with at(later + dt.timedelta(minutes=5)):
        assert client.get(old["personal"]).status_code == 400


def test_seven_days_after_the_question_the_links_close(app, client, smtp):
    links = asked(app, client, smtp)
    with at(START + dt.timedelta(days=21, minutes=2)):
        page = client.get(links["personal"])
        assert page.status_code == 410
        assert "This question has closed" in text(page)
        assert client.post(links["personal"].rsplit("/", 1)[0], data={"answer": "personal"}).status_code in (400, 410)
    assert tallies(app) == []


def test_answers_survive_the_purge_as_counts_and_the_question_row_goes(app, client, smtp):
    links = asked(app, client, smtp)
    with at(START + dt.timedelta(days=16)):
        press(client, links["form"], answer="form")
    with app.app_context():
        purge(app.config, now=START + dt.timedelta(days=31))
        letter = db.session.scalar(db.select(Letter).where(Letter.group_id.is_(None)))
        assert letter.email == "" and letter.purged_at is not None
        assert db.session.scalar(db.select(db.func.count(FollowUp.id))) == 0
    assert tallies(app) == [("form", None, "4", "Jorge L. Barón", "en", "email")]


def test_a_question_due_after_the_letters_details_were_removed_is_skipped(app, client, smtp):
    app.config["RETENTION_DAYS"] = 10
    delivered_letter(app, client, smtp, follow_up="y")
    with app.app_context():
        purge(app.config, now=START + dt.timedelta(days=11))
    with at(START + dt.timedelta(days=14, minutes=1)):
        run_worker(app)
    assert follow_up_emails(smtp) == []
    with app.app_context():
        row = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == "follow_up"))
        assert row.status == OutboxMessage.SKIPPED


def test_a_letter_to_the_whole_council_asks_once_about_the_supporters_own_member(app, client, smtp):
    with at(START):
        token = letter_token(submit_letter(client, email=SUPPORTER, recipients="council"))
        ask_to_email(client, token, follow_up="y")
        run_worker(app)
        confirm(client, confirmation_link(smtp.messages_to(SUPPORTER)[-1]))
        run_worker(app)
    with at(START + dt.timedelta(days=14, minutes=1)):
        run_worker(app)
    (message,) = follow_up_emails(smtp)
    assert "Jorge L. Barón" in message["Subject"]


def test_an_event_signer_is_asked_only_with_their_agreement(app, canvasser, smtp):
    # The canvasser's session is today's, so the event is entered now and the clock moves on from here.
    event_id = create_event(canvasser)
    add_signer(canvasser, event_id, name="Ana Ruiz", email=SUPPORTER, email_it="y", follow_up="y")
    add_signer(canvasser, event_id, name="Luis Gil", email="luis@example.org", email_it="y")
    run_worker(app)
    delivered = dt.datetime.now(UTC).replace(tzinfo=None)
    with at(delivered + dt.timedelta(days=14, minutes=5)):
        run_worker(app)
    assert len(follow_up_emails(smtp)) == 1
    assert [m for m in smtp.messages_to("luis@example.org") if "reply" in m["Subject"]] == []
    links = answer_links(follow_up_emails(smtp)[0])
    with at(delivered + dt.timedelta(days=15)):
        client = app.test_client()
        press(client, links["unknown"], answer="unknown")
    assert tallies(app) == [("unknown", None, "4", "Jorge L. Barón", "en", "event")]
