"""What many tests share: the addresses the stand-in services know, and the way a browser fills in forms
(CSRF token included), signs in and runs the worker."""

import csv
import datetime as dt
import html
import io
import re
from pathlib import Path

from actiontool.meetings.schedule import county_moment
from actiontool.models import AgendaItem, Letter, LetterStatus, Meeting, OutboxMessage, db
from tests.fakes.census import census_match
from tests.fakes.geography import OUTSIDE_POINT, district_center

ROOT = Path(__file__).resolve().parent.parent
ROSTER = (ROOT / "officials.csv").read_text(encoding="utf-8")
AREAS = (ROOT / "district_areas.csv").read_text(encoding="utf-8")
# Addresses the fake geocoder knows. ZIP 98104 is in King County; the districts are synthetic.
HOME = {"street": "100 Main St", "city": "Seattle", "zip": "98104"}  # district 4
TWO_DISTRICTS = {"street": "1 Twin St", "city": "Seattle", "zip": "98104"}  # districts 1 and 5
TWO_SAME_DISTRICT = {"street": "2 Twin St", "city": "Seattle", "zip": "98104"}  # both in 3
PIERCE = {"street": "5 Border Rd", "city": "Auburn", "zip": "98092"}  # ZIP crosses the line
NO_DISTRICT = {"street": "9 Lake Rd", "city": "Seattle", "zip": "98104"}  # county, no district
UNKNOWN = {"street": "77 Nowhere Ln", "city": "Seattle", "zip": "98104"}


def register_addresses(geocoder):
    geocoder.clear_addresses()
    geocoder.add_address(**HOME, matches=[census_match("100 MAIN ST, SEATTLE, WA, 98104",
                                                       *district_center("4"))])
    geocoder.add_address(**TWO_DISTRICTS, matches=[
        census_match("1 TWIN ST N, SEATTLE, WA, 98104", *district_center("1")),
        census_match("1 TWIN ST S, SEATTLE, WA, 98104", *district_center("5")),
    ])
    lon, lat = district_center("3")
    geocoder.add_address(**TWO_SAME_DISTRICT, matches=[
        census_match("2 TWIN ST E, SEATTLE, WA, 98104", lon, lat),
        census_match("2 TWIN ST W, SEATTLE, WA, 98104", lon + 0.01, lat),
    ])
    geocoder.add_address(**PIERCE, matches=[
        census_match("5 BORDER RD, AUBURN, WA, 98092", -122.2, 47.25, county="053",
                     county_name="Pierce County")])
    geocoder.add_address(**NO_DISTRICT, matches=[
        census_match("9 LAKE RD, SEATTLE, WA, 98104", *OUTSIDE_POINT)])


def csrf_token(html):
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "the form has no CSRF token"
    return match.group(1)


def letter_form(**fields):
    """A complete, valid submission of the letter form, with `fields` overriding."""
    values = {"name": "José Núñez", "email": "", **HOME, "note": "",
              "letter_language": "en"}
    values.update(fields)
    return values


def letter_token(response):
    """The letter token from the redirect after a successful submission."""
    assert response.status_code == 302, response.status_code
    return response.headers["Location"].rsplit("/", 1)[1]


def ask_to_email(client, token, email="jose@example.org", **fields):
    """Press "Send by email" on the preview page, the way a browser does (with the page's hidden fields: the
    meeting it offers, its only agenda item)."""
    page = client.get(f"/letters/{token}").get_data(as_text=True)
    hidden_fields = dict(re.findall(r'<input[^>]*name="(meeting|agenda_item)" type="hidden" value="([^"]*)"', page))
    hidden_fields.update(re.findall(r'<input type="hidden" name="(agenda_item)" value="([^"]*)"', page))
    data = {**hidden_fields, "email": email, "csrf_token": csrf_token(page), **fields}
    return client.post(f"/letters/{token}/send", data=data)


def run_worker(app):
    """`actiontool worker --once`, through the real CLI."""
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    if result.exc_info and result.exc_info[0] is not SystemExit:
        raise result.exc_info[1]
    assert result.exit_code == 0, result.output
    return result.output


def confirmation_link(message):
    """The confirmation link in a confirmation email's plain-text part."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"http://letters\.campaign\.test(/confirm/\S+)", text)
    assert match, text
    return match.group(1)


def confirm(client, path):
    """Open the emailed link and press the confirm button (following the redirect)."""
    page = client.get(path)
    return client.post(path, data={"csrf_token": csrf_token(page.get_data(as_text=True))},
                       follow_redirects=True)


def submit_letter(client, lang="en", **fields):
    """Open the form the way a browser does, then send it back with its CSRF token."""
    page = client.get(f"/write?lang={lang}")
    data = letter_form(**fields)
    data["csrf_token"] = csrf_token(page.get_data(as_text=True))
    return client.post("/write", data=data)


def text(response):
    """A page as a reader sees it: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def replace_field(text_, line_no, column, value):
    """CSV text with one field of one line (1 = header) replaced, via the csv module."""
    rows = list(csv.reader(io.StringIO(text_, newline="")))
    rows[line_no - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


STAFF_PASSWORD = "correct horse battery"


def add_user(runner, email, role, password=STAFF_PASSWORD):
    """`actiontool users add EMAIL --role ROLE`, the password on standard input."""
    return runner.invoke(args=["users", "add", email, "--role", role], input=password + "\n")


STAFF = "staff@campaign.test"
CANVASSER = "canvasser@campaign.test"


def signed_in_client(app, runner, email, role):
    """A test client signed in, through the login page, as a new user with `role`."""
    assert add_user(runner, email, role).exit_code == 0
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def sign_in(client, email, password=STAFF_PASSWORD, **request_options):
    """Sign in through the login page, CSRF token included; returns the POST's response."""
    page = client.get("/staff/login")
    return client.post("/staff/login", data={"email": email, "password": password,
                                             "csrf_token": csrf_token(page.get_data(as_text=True))},
                       **request_options)


def write_letters(app, statuses, last_error="550 5.1.1 mailbox unavailable"):
    """One public letter per status, written through the form, then moved to that status (a failed one
    with the official's mail server's refusal, `last_error`)."""
    client = app.test_client()
    for n, status in enumerate(statuses):
        response = submit_letter(client, name=f"Supporter {n}")
        assert response.status_code == 302, response.status_code
        token = response.headers["Location"].rsplit("/", 1)[1]
        with app.app_context():
            letter = db.session.scalar(db.select(Letter).where(Letter.token == token))
            letter.status, letter.email = status, f"supporter{n}@example.org"
            if status == LetterStatus.FAILED:
                letter.failure_reason = "refused"
                db.session.add(OutboxMessage(letter_id=letter.id, kind="to_official", status="failed",
                                             last_error=last_error))
            db.session.commit()


def empty_database(app):
    """Every table emptied and the connections closed (what each test's app leaves behind)."""
    with app.app_context():
        db.session.remove()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.engine.dispose()


CLERK = "clerk@council.example"


def add_meeting(app, day, starts=dt.time(13, 30), cutoff=dt.time(10), email=CLERK, items=("2025-0216",),
                open_comment=False, body=("King County Council", "Consejo del Condado de King")):
    """A meeting as staff enter it (King County wall-clock times), with agenda items."""
    with app.app_context():
        meeting = Meeting(body_en=body[0], body_es=body[1], starts_at=county_moment(day, starts),
                          cutoff_at=county_moment(day, cutoff), comment_email=email, open_comment=open_comment,
                          place="516 3rd Ave, Room 1001, Seattle", online_url="https://zoom.example/j/123",
                          phone="+1 253 215 8782, webinar 123", agenda_url="https://kingcounty.example/agenda")
        for number in items:
            meeting.items.append(AgendaItem(file_number=number, title_en=f"Detainer ordinance {number}",
                                            title_es=f"Ordenanza de detenciones {number}",
                                            summary_en="Limits ICE holds.", summary_es="Limita las retenciones."))
        db.session.add(meeting)
        db.session.commit()
        return meeting.id, [item.id for item in meeting.items]
