"""The staff dashboard counts written public comment as a channel of its own, by the comment's state, and the
letters CSV says which letters also went as public comment. The counts survive `actiontool purge`.

Letters are written through the public form; their comments are rows of the real public_comments table (the
comment flow itself is tested with the meetings)."""

import datetime as dt
import re

from actiontool.models import CommentStatus, Letter, LetterStatus, Meeting, PublicComment, db, utcnow
from tests.helpers import letter_token, submit_letter, text

# One letter per entry: the state of its public comment (None: no comment asked for).
COMMENTS = [CommentStatus.SENT, CommentStatus.SENT, CommentStatus.LATE, CommentStatus.QUEUED, None]


def letters_with_comments(app, client, comments=COMMENTS):
    """One letter per entry of `comments`, sent by email, each with a comment in that state (or none)."""
    tokens = [letter_token(submit_letter(client, name=f"Supporter {n}")) for n in range(len(comments))]
    with app.app_context():
        now = utcnow()
        meeting = Meeting(body_en="Committee of the Whole", body_es="Comité Plenario",
                          starts_at=now + dt.timedelta(days=2), cutoff_at=now + dt.timedelta(days=2, hours=-3),
                          comment_email="clerk@council.test", agenda_url="https://council.test/agenda")
        db.session.add(meeting)
        db.session.flush()
        for token, state in zip(tokens, comments, strict=True):
            letter = db.session.scalar(db.select(Letter).where(Letter.token == token))
            letter.status, letter.email, letter.sent_at = LetterStatus.SENT, "someone@example.org", now
            if state is not None:
                db.session.add(PublicComment(letter_id=letter.id, meeting_id=meeting.id, status=state))
        db.session.commit()
    return tokens


def comment_counts(page):
    """The dashboard's "Written public comment" table as {row heading: count}."""
    html = page.get_data(as_text=True)
    table = re.search(r'<caption id="channel-public_comment">Written public comment</caption>(.*?)</table>',
                      html, re.S)
    assert table, "the dashboard has no public comment table"
    return {heading: int(count) for heading, count in
            re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', table.group(1))}


def letters_csv(staff):
    lines = staff.get("/staff/letters.csv").get_data(as_text=True).splitlines()
    header, *rows = [line.split(",") for line in lines]
    return header, [dict(zip(header, row, strict=True)) for row in rows]


EXPECTED_COUNTS = {
    "In all": 4,
    "waiting for the supporter's confirmation": 0,
    "queued": 1,
    "sent before the cut-off": 2,
    "too late to send": 1,
    "failed": 0,
    "meeting cancelled": 0,
}


def test_the_dashboard_counts_public_comments_by_their_state(app, client, staff):
    letters_with_comments(app, client)
    page = staff.get("/staff/")
    assert comment_counts(page) == EXPECTED_COUNTS
    # The letters themselves are counted as before: five letters, all by email.
    assert "5 letters in all" in text(page)
    assert '<th scope="row">By email</th><td>5</td>' in page.get_data(as_text=True)


def test_without_comments_the_dashboard_shows_zero_of_each(app, client, staff):
    submit_letter(client)
    assert comment_counts(staff.get("/staff/")) == dict.fromkeys(EXPECTED_COUNTS, 0)


def test_the_letters_csv_says_which_letters_also_went_as_public_comment_and_how_it_went(app, client, staff):
    letters_with_comments(app, client)
    header, rows = letters_csv(staff)
    assert header == ["created_on", "district", "official", "language", "channel", "status", "confirmed_on",
                      "sent_on", "public_comment", "whole_council"]
    assert [row["public_comment"] for row in rows] == ["sent", "sent", "late", "queued", ""]
    assert all(row["channel"] == "email" and row["status"] == "sent" for row in rows)


def test_comment_counts_and_the_csv_survive_purge(app, client, staff, runner):
    tokens = letters_with_comments(app, client)
    with app.app_context():
        for letter in db.session.scalars(db.select(Letter)):
            letter.created_at = utcnow() - dt.timedelta(days=int(app.config["RETENTION_DAYS"]) + 1)
        db.session.commit()
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    # The supporters' details are gone (retention keeps a letter whose comment is still queued: not asked here).
    for token, state in zip(tokens, COMMENTS, strict=True):
        if state != CommentStatus.QUEUED:
            assert client.get(f"/letters/{token}").status_code == 410

    assert comment_counts(staff.get("/staff/")) == EXPECTED_COUNTS
    _header, rows = letters_csv(staff)
    assert [row["public_comment"] for row in rows] == ["sent", "sent", "late", "queued", ""]


def test_the_spanish_dashboard_names_the_public_comment_channel(app, client, staff):
    letters_with_comments(app, client, comments=[CommentStatus.FAILED])
    staff.get("/?lang=es")
    page = staff.get("/staff/").get_data(as_text=True)
    assert '<html lang="es">' in page and 'id="channel-public_comment"' in page
    assert re.search(r'<caption id="channel-public_comment">[^<]+</caption>', page)
