"""What was sent: the dashboard's counts and chart, the CSV exports, the district data page, retention."""

import datetime as dt
import json
import re

from actiontool.letters.content import local_date
from actiontool.models import Letter, db, utcnow
from tests.fakes.geography import districts_geojson
from tests.helpers import (
    add_user,
    ask_to_email,
    confirm,
    confirmation_link,
    letter_token,
    run_worker,
    sign_in,
    submit_letter,
)


def signed_in(app, runner, role="staff"):
    """A client signed in with `role`; the user is added the first time (a test may sign in twice)."""
    email = f"{role}@campaign.test"
    add_user(runner, email, role)
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def write_letters(client):
    """Three letters: district 4 by PDF, district 4 by email (Spanish page), district 7 by PDF."""
    submit_letter(client)
    token = letter_token(submit_letter(client, lang="es", letter_language="both", note="Nota"))
    ask_to_email(client, token, email="ana@example.org", opt_in="y")
    submit_letter(client, lang="en", district="7")
    return token


def test_dashboard_counts_letters_by_district_language_channel_and_state(app, client, runner):
    write_letters(client)
    staff = signed_in(app, runner)
    page = staff.get("/staff/").get_data(as_text=True)
    assert "<strong>3</strong> letters in all" in page
    assert "<strong>1</strong> awaiting confirmation" in page
    assert "<tr><td>4</td><td>2</td></tr>" in page and "<tr><td>7</td><td>1</td></tr>" in page
    assert '<th scope="row">By email</th><td>1</td>' in page
    assert '<th scope="row">Written to print (PDF; we cannot see if mailed)</th><td>2</td>' in page
    assert page.count("<rect ") == 30  # one bar a day
    assert f"<title>{local_date(utcnow()).isoformat()}: 3</title>" in page  # the chart's days are King County's


def test_dashboard_in_spanish(app, client, runner):
    staff = signed_in(app, runner)
    staff.get("/?lang=es")
    page = staff.get("/staff/").get_data(as_text=True)
    assert "Lo que se envió" in page and '<html lang="es">' in page


def test_canvassers_see_their_page_not_the_dashboard(app, client, runner):
    write_letters(client)
    canvasser = signed_in(app, runner, role="canvasser")
    response = canvasser.get("/staff/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    # Their page: who they are signed in as, and their tool (events), in the console's navigation too.
    assert "<h1>Staff console</h1>" in page
    assert "Signed in as canvasser@campaign.test." in page
    assert '<a class="button" href="/staff/events">Events</a>' in page
    nav = re.search(r'<nav class="staff-nav".*?</nav>', page, re.S).group(0)
    assert re.findall(r'<a href="([^"]+)"[^>]*>', nav) == ["/staff/", "/staff/events"]
    # Not the dashboard: none of its counts, chart or exports, and the exports themselves refused.
    assert "letters in all" not in page and "<svg" not in page and "letters.csv" not in page
    assert canvasser.get("/staff/letters.csv").status_code == 403


def test_letters_csv_has_no_names_emails_or_addresses(app, client, runner):
    write_letters(client)
    text = signed_in(app, runner).get("/staff/letters.csv").get_data(as_text=True)
    lines = text.splitlines()
    assert lines[0] == ("created_on,district,official,language,channel,status,confirmed_on,sent_on,"
                        "public_comment,whole_council")
    assert len(lines) == 4
    for secret in ("José", "Núñez", "ana@example.org", "Main St", "98104", "Nota"):
        assert secret not in text


def test_opt_in_csv_lists_only_supporters_who_asked_and_confirmed(app, client, runner, smtp):
    write_letters(client)
    staff = signed_in(app, runner)
    assert staff.get("/staff/opt-ins.csv").get_data(as_text=True) == '"name","email","district","language","date"\n'
    run_worker(app)
    [message] = smtp.messages_to("ana@example.org")
    confirm(client, confirmation_link(message))
    text = staff.get("/staff/opt-ins.csv").get_data(as_text=True)
    assert text.splitlines() == ['"name","email","district","language","date"',
                                 f'"José Núñez","ana@example.org","4","es","{utcnow().date().isoformat()}"']


def test_district_page_says_which_data_answers_lookups(app, runner, tmp_path):
    staff = signed_in(app, runner)
    page = staff.get("/staff/districts").get_data(as_text=True)
    assert "each lookup asks the county's live layer" in page
    upload = tmp_path / "d.geojson"
    upload.write_text(json.dumps(districts_geojson()))
    assert runner.invoke(args=["districts", "import", str(upload)]).exit_code == 0
    page = staff.get("/staff/districts").get_data(as_text=True)
    assert "local copy of the district map: 9 districts" in page


def test_purge_removes_supporters_details_from_old_finished_letters_and_keeps_the_counts(app, client, runner):
    token = write_letters(client)
    old = utcnow() - dt.timedelta(days=31)
    with app.app_context():
        for letter in db.session.scalars(db.select(Letter)):
            letter.created_at = old
        db.session.commit()
    result = runner.invoke(args=["purge"])
    assert "Purged 3 letters" in result.output
    with app.app_context():
        for letter in db.session.scalars(db.select(Letter)):
            assert (letter.name, letter.email, letter.street, letter.city, letter.zip, letter.note) == \
                ("", "", "", "", "", "")
            assert letter.district and letter.language and letter.purged_at
    staff = signed_in(app, runner)
    assert "<strong>3</strong> letters in all" in staff.get("/staff/").get_data(as_text=True)
    assert staff.get("/staff/opt-ins.csv").get_data(as_text=True).count("\n") == 1
    gone = client.get(f"/letters/{token}")
    assert gone.status_code == 410 and "details were deleted" in gone.get_data(as_text=True)


def test_purge_keeps_recent_letters_and_letters_still_on_their_way(app, client, runner):
    write_letters(client)
    with app.app_context():
        queued = db.session.scalars(db.select(Letter)).first()
        queued.status, queued.created_at = "queued", utcnow() - dt.timedelta(days=40)
        db.session.commit()
    assert "Purged 0 letters" in runner.invoke(args=["purge"]).output


def test_letters_signed_at_events_count_as_their_own_channel(app, client, runner):
    from actiontool.canvassing import events
    from actiontool.officials import councilmember_for

    write_letters(client)
    with app.app_context():
        event_id = events.create_event("Fiesta", dt.date(2026, 11, 28), "", "staff@campaign.test")
        values = {"name": "Eva Ruiz", "street": "1 Pine St", "city": "Seattle", "zip": "98104",
                  "letter_language": "es"}
        events.add_signer(event_id, values, councilmember_for("4"), "4", email_it=False)
    page = signed_in(app, runner).get("/staff/").get_data(as_text=True)
    assert '<th scope="row">At events</th><td>1</td>' in page
    assert '<th scope="row">Written to print (PDF; we cannot see if mailed)</th><td>2</td>' in page
    csv_text = signed_in(app, runner).get("/staff/letters.csv").get_data(as_text=True)
    assert csv_text.count(",event,") == 1


def test_purge_deletes_old_mail_files_with_the_letters_they_hold(app, runner, tmp_path):
    """With mail written to files (the embedded default), an .eml holds a whole letter: it goes with the rest."""
    import os

    folder = tmp_path / "mail"
    folder.mkdir()
    app.config["MAIL_URL"] = f"file://{folder}"
    old, recent = folder / "20261001-000000-aaaa.eml", folder / "20261203-000000-bbbb.eml"
    for path in (old, recent):
        path.write_text("Subject: a letter\n\nJosé Núñez, 100 Main St\n")
    month_ago = (utcnow() - dt.timedelta(days=31)).replace(tzinfo=dt.timezone.utc).timestamp()
    os.utime(old, (month_ago, month_ago))
    result = runner.invoke(args=["purge"])
    assert "and 1 mail files." in result.output
    assert not old.exists() and recent.exists()


def test_dashboard_counts_how_writers_districts_were_found(app, runner, tmp_path):
    """Chosen by hand, found by the geocoder (no local index here): one per writer, a whole-council letter once."""
    client = app.test_client()
    letter_token(submit_letter(client))  # the geocoder stand-in answers the home address
    letter_token(submit_letter(client, district="7"))
    letter_token(submit_letter(client, recipients="council", district="2"))
    page = signed_in(app, runner).get("/staff/").get_data(as_text=True)
    assert re.search(r"By the Census geocoder</th><td>1</td>", page)
    assert re.search(r"Chosen by hand</th><td>2</td>", page)
    assert re.search(r"On our server only \(the local address index\)</th><td>0</td>", page)
    with app.app_context():
        assert sorted(db.session.scalars(db.select(Letter.found_by).where(Letter.group_id.is_(None)))) == [
            "census", "chosen"]
