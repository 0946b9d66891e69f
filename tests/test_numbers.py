"""/numbers and /numbers.csv: letters counted one per writer, by district and by how they went; emails delivered
and failed, and how quickly; each councilmember's emails received beside writers' answers to "did they reply?",
never a share or count from fewer than 5 answers (nor a median from fewer than 5 deliveries); the same figures in
the CSV; the counts surviving the purge; computed at most once per NUMBERS_CACHE_SECONDS.

Letters are rows made by the store (as the form makes them) and moved to their state here; answers are
ReplyTally rows, as the follow-up survey writes them."""

import csv
import datetime as dt
import io
import re
import time

import pytest

from actiontool.letters.store import new_letter, save_letters_to_council
from actiontool.models import Event, Letter, LetterStatus, ReplyTally, db, utcnow
from actiontool.officials import councilmember_for
from actiontool.retention import purge
from tests.helpers import text

START = utcnow().replace(microsecond=0) - dt.timedelta(days=2)
SIGNER = {"name": "Ana Torres", "email": "ana@example.org", "street": "100 Main St", "city": "Seattle",
          "zip": "98104", "note": "", "letter_language": "en"}


def add_letter(app, district="4", status=LetterStatus.SENT, minutes=2, whole_council=False, at_event=False,
               partner="", created_at=START, **signer):
    """One writer's letter from `district` in `status` (emailed ones confirmed at `created_at` and, when sent,
    delivered `minutes` later); to the whole council when asked (every member's copy in the same state)."""
    values = dict(SIGNER, **signer)
    with app.app_context():
        official = councilmember_for(district)
        if whole_council:
            token = save_letters_to_council(values, official, district, "en")
            lead = db.session.scalar(db.select(Letter).where(Letter.token == token))
            rows = db.session.scalars(db.select(Letter).where(Letter.group_id == lead.id)).all()
        else:
            event_id = None
            if at_event:
                event = Event(name="Fiesta", date=START.date(), created_by="canvasser@campaign.test")
                db.session.add(event)
                db.session.flush()
                event_id = event.id
            rows = [new_letter(values, official, district, "en", event_id=event_id)]
        for row in rows:
            row.status, row.created_at, row.partner = status, created_at, partner
            if status in (LetterStatus.QUEUED, LetterStatus.SENT, LetterStatus.FAILED):
                row.confirmed_at = created_at
            if status == LetterStatus.SENT:
                row.sent_at = created_at + dt.timedelta(minutes=minutes)
        db.session.commit()


def add_answers(app, district, *answers, name=None, days=()):
    """Answers to "did they reply?" about `district`'s councilmember (or, with `name`, someone who held the office
    before), as the survey counts them; `days`, when given, the days each answer's reply took."""
    with app.app_context():
        official = councilmember_for(district)
        for answer, took in zip(answers, (list(days) + [None] * len(answers))[:len(answers)], strict=True):
            db.session.add(ReplyTally(official_id=official.id, office="councilmember", district=district,
                                      official_name=name or official.name, language="en", channel="email",
                                      answer=answer, days=took))
        db.session.commit()


def figures_csv(client):
    """/numbers.csv as {(figure, district, detail): value} (the official is named by the district)."""
    rows = list(csv.DictReader(io.StringIO(client.get("/numbers.csv").get_data(as_text=True))))
    return {(row["figure"], row["district"], row["detail"]): row["value"] for row in rows}


def official_text(page, district):
    """What the page says about `district`'s councilmember (their item in the list)."""
    found = re.search(rf"District {district}: (.*?)(?=District {int(district) + 1}:|$)",
                      text(page).split("Did they reply?")[1])
    return found.group(1).strip()


@pytest.fixture
def fresh(app):
    """Figures computed for every request (the cache is tested on its own)."""
    app.config["NUMBERS_CACHE_SECONDS"] = 0
    return app


def test_letters_are_counted_once_per_writer_by_district_and_by_how_they_went(fresh, client):
    add_letter(fresh, "4")
    add_letter(fresh, "4")
    add_letter(fresh, "2", status=LetterStatus.WRITTEN)  # written to print: nobody stands behind it
    add_letter(fresh, "3", status=LetterStatus.AWAITING_CONFIRMATION)  # never confirmed
    add_letter(fresh, "7", whole_council=True)  # nine emails, one writer
    add_letter(fresh, "1", status=LetterStatus.WRITTEN, at_event=True)
    add_letter(fresh, "9", status=LetterStatus.FAILED)
    figures = figures_csv(client)
    assert figures[("letters", "", "")] == "5"
    assert {district: figures[("letters_by_district", district, "")] for district in "123456789"} == {
        "1": "1", "2": "0", "3": "0", "4": "2", "5": "0", "6": "0", "7": "1", "8": "0", "9": "1"}
    assert [figures[("letters_by_channel", "", channel)] for channel in ("email", "event")] == ["4", "1"]
    assert figures[("written_to_print", "", "not counted above: we cannot see whether they were mailed")] == "1"
    assert (figures[("emails_delivered", "", "")], figures[("emails_failed", "", "")]) == ("11", "1")
    # Emails each member received: the whole-council copies count for each of them.
    assert [figures[("letters_received", district, "")] for district in "123456789"] == \
        ["1", "1", "1", "3", "1", "1", "1", "1", "1"]
    page = client.get("/numbers")
    assert "5 letters in all" in text(page)
    assert "Also 1 letter written to print: we cannot see whether it was mailed" in text(page)
    assert '<tr><td>4</td><td>2</td></tr>' in page.get_data(as_text=True)
    assert "11 emails accepted by the officials' mail servers 1 emails that could not be delivered" in text(page)
    assert official_text(page, "4").startswith("Councilmember Jorge L. Barón Emails received: 3")


def test_the_median_delivery_time_needs_five_deliveries(fresh, client):
    for minutes in (1, 2, 30, 40):
        add_letter(fresh, minutes=minutes)
    assert "How quickly emails are delivered is shown from 5 deliveries." in text(client.get("/numbers"))
    assert figures_csv(client)[("median_minutes_to_delivery", "", "fewer than 5 deliveries")] == ""
    add_letter(fresh, minutes=3)
    assert "Half of the emails were delivered within 3 minutes of the writer's confirmation" in \
        text(client.get("/numbers"))
    assert figures_csv(client)[("median_minutes_to_delivery", "", "")] == "3.0"


def test_with_four_answers_an_official_shows_no_count_or_share_of_answers(fresh, client):
    add_letter(fresh, "4")
    add_answers(fresh, "4", "personal", "personal", "form", "none")
    about = official_text(client.get("/numbers"), "4")
    assert "Fewer than 5 answers so far." in about
    assert "Answers:" not in about and "%" not in about and "reply" not in about
    assert 'id="answers-4-title"' not in client.get("/numbers").get_data(as_text=True)
    rows = {key: value for key, value in figures_csv(client).items()
            if key[1] == "4" and key[0] != "letters_by_district"}
    assert rows == {("letters_received", "4", ""): "1", ("answers", "4", "fewer than 5 answers"): ""}


def test_with_five_answers_an_official_shows_each_answer_with_its_share(fresh, client):
    add_letter(fresh, "4")
    add_answers(fresh, "4", "personal", "personal", "form", "none", "unknown")
    about = official_text(client.get("/numbers"), "4")
    assert about.startswith("Councilmember Jorge L. Barón Emails received: 1 · "
                            "Writers who told us whether they got a reply: 5 ")
    assert about.endswith("A personal reply: 2 (40%) A form reply: 1 (20%) No reply yet: 1 (20%) "
                          "Does not know: 1 (20%)")
    figures = figures_csv(fresh.test_client())
    assert figures[("answers", "4", "")] == "5"
    assert [figures[("answers_percent", "4", answer)] for answer in ("personal", "form", "none", "unknown")] == \
        ["40", "20", "20", "20"]


def test_answers_about_someone_who_held_the_office_before_are_not_counted_for_the_member_now(fresh, client):
    add_answers(fresh, "4", "personal", "personal", "form", "none", "unknown", name="Someone Before")
    add_answers(fresh, "4", "none")
    assert "Fewer than 5 answers so far." in official_text(client.get("/numbers"), "4")


def test_the_counts_survive_the_purge(fresh, client):
    old = utcnow() - dt.timedelta(days=40)
    for minutes in (1, 2, 3, 4, 5):
        add_letter(fresh, "4", minutes=minutes, created_at=old)
    add_letter(fresh, "3", whole_council=True, created_at=old, partner="casa-latina")
    add_letter(fresh, "2", status=LetterStatus.WRITTEN, created_at=old)
    add_answers(fresh, "4", "personal", "form", "form", "none", "unknown", "unknown")
    before = figures_csv(client)
    with fresh.app_context():
        assert purge(fresh.config)["letters"] == 15
        assert db.session.scalar(db.select(db.func.count()).where(Letter.name != "")) == 0
    after = figures_csv(client)
    assert {k: v for k, v in after.items() if k[0] != "as_of"} == {k: v for k, v in before.items() if k[0] != "as_of"}
    assert after[("answers", "4", "")] == "6" and after[("letters", "", "")] == "6"
    assert after[("letters_by_partner", "", "casa-latina")] == "1"


def test_the_csv_gives_the_figures_of_the_page(fresh, client):
    for minutes in (5, 6, 7, 8, 9):
        add_letter(fresh, "6", minutes=minutes)
    add_letter(fresh, "8", whole_council=True, partner="casa-latina")
    add_answers(fresh, "6", "personal", "none", "none", "none", "form", "unknown", "none")
    page = client.get("/numbers")
    html, words = page.get_data(as_text=True), text(page)
    figures = figures_csv(client)
    assert f"{figures[('letters', '', '')]} letters in all" in words
    for (figure, district, detail), value in figures.items():
        if figure == "letters_by_district":
            assert f"<tr><td>{district}</td><td>{value}</td></tr>" in html
        elif figure == "letters_received":
            assert f"Emails received: {value}" in official_text(page, district)
        elif figure == "answers" and detail == "fewer than 5 answers":
            assert value == "" and "Fewer than 5 answers so far." in official_text(page, district)
        elif figure == "answers" and detail:
            label = {"personal": "A personal reply", "form": "A form reply", "none": "No reply yet",
                     "unknown": "Does not know"}[detail]
            percent = figures[("answers_percent", district, detail)]
            assert f"{label}: {value} ({percent}%)" in official_text(page, district)
        elif figure == "answers":
            assert f"Writers who told us whether they got a reply: {value}" in official_text(page, district)
        elif figure == "letters_by_partner":
            assert f"<tr><td>{detail}</td><td>{value}</td></tr>" in html
    assert f"within {figures[('median_minutes_to_delivery', '', '')].removesuffix('.0')} minutes" in words


def test_the_csv_is_a_download(fresh, client):
    response = client.get("/numbers.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="numbers.csv"'
    assert response.get_data(as_text=True).splitlines()[0] == '"figure","district","official","detail","value"'


def test_partners_are_listed_only_with_letters_and_a_whole_council_letter_counts_once(fresh, client):
    assert "partners' sites" not in text(client.get("/numbers"))
    add_letter(fresh, "4", partner="casa-latina")
    add_letter(fresh, "5", whole_council=True, partner="casa-latina")
    add_letter(fresh, "5", partner="")
    html = client.get("/numbers").get_data(as_text=True)
    assert re.findall(r"<tr><td>([a-z-]+)</td><td>(\d+)</td></tr>", html) == [("casa-latina", "2")]


def test_the_charts_are_svg_with_a_text_alternative_and_their_figures_beside_them(fresh, client):
    add_letter(fresh, "4")
    add_answers(fresh, "4", "personal", "personal", "personal", "form", "none")
    html = client.get("/numbers").get_data(as_text=True)
    districts = re.search(r'<svg [^>]*role="img" aria-labelledby="letters-by-district-title" '
                          r'aria-describedby="letters-by-district-desc".*?</svg>', html, re.S).group(0)
    assert '<title id="letters-by-district-title">Letters per council district</title>' in districts
    assert "District 4: 1; District 5: 0" in districts
    assert re.search(r"<table>\s*<caption[^>]*>Letters per council district</caption>", html)
    answers = re.search(r'<svg [^>]*role="img" aria-labelledby="answers-4-title".*?</svg>', html, re.S).group(0)
    assert "<title id=\"answers-4-title\">What writers said about Jorge L. Barón</title>" in answers
    assert "A personal reply: 60%; A form reply: 20%; No reply yet: 20%; Does not know: 0%" in answers
    assert ' style=' not in html  # the CSP allows no inline style


def test_the_spanish_page_names_the_members_and_formats_numbers_in_spanish(fresh, client):
    for minutes in (2, 2, 2.5, 3, 3):
        add_letter(fresh, "8", minutes=minutes)
    add_answers(fresh, "8", "personal", "form", "none", "none", "none", "none")
    page = client.get("/numbers?lang=es")
    assert '<html lang="es">' in page.get_data(as_text=True)
    words = text(page)
    assert "Concejala Teresa Mosqueda" in words
    assert "2,5" in words  # the median, in minutes
    assert "67 %" in words  # four of six: "no reply yet"


def test_the_figures_are_computed_at_most_once_per_cache_window(app, client):
    app.config["NUMBERS_CACHE_SECONDS"] = 1
    assert "0 letters in all" in text(client.get("/numbers"))
    add_letter(app, "4")
    assert "0 letters in all" in text(client.get("/numbers"))
    assert figures_csv(client)[("letters", "", "")] == "0"
    time.sleep(1.05)
    assert "1 letters in all" in text(client.get("/numbers"))


def test_with_no_cache_window_the_figures_are_computed_every_time(fresh, client):
    assert "0 letters in all" in text(client.get("/numbers"))
    add_letter(fresh, "4")
    assert "1 letters in all" in text(client.get("/numbers"))


def test_the_page_may_be_cached_as_long_as_the_figures_and_varies_on_what_chooses_its_language(app, client):
    for path in ("/numbers", "/numbers.csv"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "public, max-age=300"
        assert {"Cookie", "Accept-Language"} <= set(response.vary)
        assert "Set-Cookie" not in response.headers


def test_how_long_replies_took_is_shown_from_five_replies_with_their_time(fresh, client):
    add_answers(fresh, "4", "personal", "form", "form", "personal", "none", "unknown", days=(1, 7, 7, 14))
    assert "Half of the replies came within" not in official_text(client.get("/numbers"), "4")
    assert figures_csv(client)[("median_reply_within_days", "4", "fewer than 5 replies with their time")] == ""
    add_answers(fresh, "4", "form", days=(3,))
    assert "Half of the replies came within 7 days." in official_text(client.get("/numbers"), "4")
    assert figures_csv(client)[("median_reply_within_days", "4", "")] == "7"
