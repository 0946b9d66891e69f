"""Every CSV a person downloads opens in a spreadsheet as text: no cell runs as a formula.

A cell that starts with = + - @, a tab or a carriage return gets a leading ' (OWASP's
advice on CSV injection), in the opt-in list, the letters list and the roster, on the web
and from `actiontool roster export`; the roster still comes back unchanged through
`roster import`. And the campaign's opt-in list holds only addresses their owners confirmed,
or gave to a canvasser at an event.
"""

import csv
import datetime as dt
import io

import pytest

from actiontool.canvassing import events
from actiontool.models import Letter, db, utcnow
from actiontool.officials import councilmember_for
from actiontool.reports import cell_value, spreadsheet_cell
from actiontool.roster import apply_roster, roster_rows
from tests.helpers import (
    ask_to_email,
    confirm,
    confirmation_link,
    letter_token,
    run_worker,
    submit_letter,
    text,
)
from tests.test_staff_roster import official_id, upload

# What someone can type into a form field: the forms keep it as typed.
TYPED_FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)"]
# The forms strip leading whitespace, so only stored data could start like these; still neutralised.
WHITESPACE_FORMULAS = ["\t=1+1", "\r=1+1"]
FORMULAS = TYPED_FORMULAS + WHITESPACE_FORMULAS
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def today():
    return utcnow().date().isoformat()


def rows_of(csv_text):
    """A downloaded CSV's rows, read the way a spreadsheet reads them (the csv module)."""
    return list(csv.reader(io.StringIO(csv_text, newline="")))


def assert_no_cell_runs(csv_text):
    """No cell of the file starts the way a spreadsheet formula does."""
    for row in rows_of(csv_text):
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell


def confirmed_opt_in(app, client, smtp, name="José Núñez", email="jose@example.org"):
    """A supporter writes on the public form, asks for email and campaign news, and confirms by the link."""
    token = letter_token(submit_letter(client, name=name))
    ask_to_email(client, token, email=email, opt_in="y")
    run_worker(app)
    [message] = smtp.messages_to(email)
    confirm(client, confirmation_link(message))
    return token


def event_signer(app, name, email, opt_in):
    """A signer witnessed at an event (the event form has no campaign-news box: `opt_in` is stored directly)."""
    with app.app_context():
        event_id = events.create_event("Fiesta", dt.date(2026, 11, 28), "", "staff@campaign.test")
        values = {"name": name, "email": email, "street": "1 Pine St", "city": "Seattle", "zip": "98104",
                  "letter_language": "es"}
        token = events.add_signer(event_id, values, councilmember_for("4"), "4", email_it=False)
        db.session.execute(db.update(Letter).where(Letter.token == token).values(opt_in=opt_in))
        db.session.commit()


def set_name(app, token, name):
    with app.app_context():
        db.session.execute(db.update(Letter).where(Letter.token == token).values(name=name))
        db.session.commit()


# ---------------------------------------------------------------- the one rule

@pytest.mark.parametrize("value", FORMULAS + ["+1 206 477 1000", "'=already quoted", "''-two quotes"])
def test_a_cell_that_could_run_gets_a_leading_quote_and_reads_back_as_the_value(value):
    assert spreadsheet_cell(value) == "'" + value
    assert cell_value(spreadsheet_cell(value)) == value


@pytest.mark.parametrize("value", ["José Núñez", "206-477-1000", "", "'quoted", "a=b", " =space first", "''", 4])
def test_a_cell_that_cannot_run_is_written_as_it_is(value):
    assert spreadsheet_cell(value) == value
    if isinstance(value, str):
        assert cell_value(value) == value


# ---------------------------------------------------------------- /staff/opt-ins.csv

@pytest.mark.parametrize("formula", TYPED_FORMULAS)
def test_opt_in_list_shows_a_name_typed_as_a_formula_as_text(app, client, smtp, staff, formula):
    confirmed_opt_in(app, client, smtp, name=formula)
    download = staff.get("/staff/opt-ins.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert rows_of(download.get_data(as_text=True))[1] == ["'" + formula, "jose@example.org", "4", "en", today()]
    assert_no_cell_runs(download.get_data(as_text=True))


@pytest.mark.parametrize("formula", WHITESPACE_FORMULAS)
def test_opt_in_list_shows_a_stored_name_starting_with_tab_or_cr_as_text(app, client, smtp, staff, formula):
    set_name(app, confirmed_opt_in(app, client, smtp), formula)
    csv_text = staff.get("/staff/opt-ins.csv").get_data(as_text=True)
    assert rows_of(csv_text)[1][0] == "'" + formula
    assert_no_cell_runs(csv_text)


@pytest.mark.parametrize("break_", ["\r", "\n", "\r\n"])
def test_opt_in_list_keeps_a_name_with_a_line_break_in_one_cell(app, client, smtp, staff, break_):
    confirmed_opt_in(app, client, smtp, name=f"José{break_}=1+1")
    assert rows_of(staff.get("/staff/opt-ins.csv").get_data(as_text=True))[1:] == [
        [f"José{break_}=1+1", "jose@example.org", "4", "en", today()]]


@pytest.mark.parametrize("email", ["=1+2@example.org", "+cmd@example.org", "-2+3@example.org"])
def test_opt_in_list_shows_an_email_that_starts_like_a_formula_as_text(app, client, smtp, staff, email):
    confirmed_opt_in(app, client, smtp, email=email)
    csv_text = staff.get("/staff/opt-ins.csv").get_data(as_text=True)
    assert rows_of(csv_text)[1][:2] == ["José Núñez", "'" + email]
    assert_no_cell_runs(csv_text)


# ---------------------------------------------------------------- /staff/letters.csv

@pytest.mark.parametrize("formula", FORMULAS)
def test_letters_list_shows_an_official_named_like_a_formula_as_text(app, client, staff, formula):
    store_in_district_4(app, name=formula)
    letter_token(submit_letter(client))
    download = staff.get("/staff/letters.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    csv_text = download.get_data(as_text=True)
    assert rows_of(csv_text)[1][:5] == [today(), "4", "'" + formula, "en", "pdf"]
    assert_no_cell_runs(csv_text)


# ---------------------------------------------------------------- the roster: /staff/roster.csv and the CLI

ROSTER_TEXT_COLUMNS = ("name", "title_en", "title_es", "salutation_en", "salutation_es", "phone",
                       "postal_address", "source")


@pytest.mark.parametrize("formula", FORMULAS)
def test_roster_download_and_export_show_every_formula_cell_as_text(app, staff, runner, formula):
    store_in_district_4(app, **dict.fromkeys(ROSTER_TEXT_COLUMNS, formula))
    download = staff.get("/staff/roster.csv")
    exported = runner.invoke(args=["roster", "export"])
    assert exported.exit_code == 0 and download.data == exported.stdout_bytes
    header, *rows = rows_of(download.get_data(as_text=True))
    district_4 = dict(zip(header, next(row for row in rows if row[1] == "4"), strict=True))
    assert {column: district_4[column] for column in ROSTER_TEXT_COLUMNS} == \
        dict.fromkeys(ROSTER_TEXT_COLUMNS, "'" + formula)
    assert_no_cell_runs(download.get_data(as_text=True))


# Values a roster can hold that start like a formula, or with quotes before such a start.
ROSTER_VALUES = [*TYPED_FORMULAS, "+1 206 477 1000", "'=already quoted", "''-two quotes"]


def store_in_district_4(app, **values):
    """Give district 4's official these values, the way every roster change is applied."""
    with app.app_context():
        apply_roster([dict(row, **values) if row["district"] == "4" else row for row in roster_rows()])


def district_4(app):
    with app.app_context():
        return next(row for row in roster_rows() if row["district"] == "4")


@pytest.mark.parametrize("value", ROSTER_VALUES)
def test_roster_export_then_import_is_byte_identical_and_keeps_each_value(app, runner, tmp_path, value):
    store_in_district_4(app, name=value, phone=value, source=value)
    path = tmp_path / "officials.csv"
    assert runner.invoke(args=["roster", "export", "-o", str(path)]).exit_code == 0
    exported = path.read_text(encoding="utf-8")
    header, *rows = rows_of(exported)
    in_file = dict(zip(header, rows[3], strict=True))
    assert (in_file["name"], in_file["phone"], in_file["source"]) == ("'" + value,) * 3
    imported = runner.invoke(args=["roster", "import", str(path)])
    assert imported.exit_code == 0 and imported.output.endswith(" 10 unchanged.\n")
    row = district_4(app)
    assert (row["name"], row["phone"], row["source"]) == (value, value, value)
    assert runner.invoke(args=["roster", "export"]).output == exported


@pytest.mark.parametrize("value", ROSTER_VALUES)
def test_uploading_the_downloaded_roster_says_nothing_would_change(app, staff, value):
    store_in_district_4(app, name=value, phone=value, source=value)
    preview = upload(staff, staff.get("/staff/roster.csv").data)
    assert preview.status_code == 200
    assert "This file is the same as the current roster: nothing would change." in text(preview)


def test_a_phone_with_a_country_code_comes_back_from_the_file_as_it_was_typed(app, staff, runner, tmp_path):

    store_in_district_4(app, phone="+1 206 477 1000")
    path = tmp_path / "officials.csv"
    runner.invoke(args=["roster", "export", "-o", str(path)])
    assert ",'+1 206 477 1000," in path.read_text(encoding="utf-8")
    store_in_district_4(app, phone="206-477-1000")
    assert runner.invoke(args=["roster", "import", str(path)]).output.endswith(" 1 changed, 0 removed, 9 unchanged.\n")
    assert district_4(app)["phone"] == "+1 206 477 1000"
    page = staff.get(f"/staff/roster/{official_id(app, '4')}/edit").get_data(as_text=True)
    assert 'name="phone" type="text" value="+1 206 477 1000"' in page


# ---------------------------------------------------------------- who is on the opt-in list

def test_an_unconfirmed_opt_in_is_left_off_until_the_supporter_confirms(app, client, smtp, staff):
    token = letter_token(submit_letter(client))
    ask_to_email(client, token, email="anyone@example.org", opt_in="y")
    assert rows_of(staff.get("/staff/opt-ins.csv").get_data(as_text=True)) == [
        ["name", "email", "district", "language", "date"]]
    run_worker(app)
    [message] = smtp.messages_to("anyone@example.org")
    confirm(client, confirmation_link(message))
    assert rows_of(staff.get("/staff/opt-ins.csv").get_data(as_text=True))[1:] == [
        ["José Núñez", "anyone@example.org", "4", "en", today()]]


def test_a_confirmed_supporter_who_did_not_tick_the_box_is_left_off(app, client, smtp, staff):
    token = letter_token(submit_letter(client))
    ask_to_email(client, token, email="quiet@example.org")
    run_worker(app)
    [message] = smtp.messages_to("quiet@example.org")
    confirm(client, confirmation_link(message))
    assert staff.get("/staff/opt-ins.csv").get_data(as_text=True).count("\n") == 1


def test_witnessed_event_signer_who_agreed_is_listed_and_one_who_did_not_is_not(app, staff):
    event_signer(app, "Eva Ruiz", "eva@example.org", opt_in=True)
    event_signer(app, "Luis Mora", "luis@example.org", opt_in=False)
    event_signer(app, "Sin Correo", "", opt_in=True)
    assert rows_of(staff.get("/staff/opt-ins.csv").get_data(as_text=True))[1:] == [
        ["Eva Ruiz", "eva@example.org", "4", "en", today()]]


@pytest.mark.parametrize("name", ["Ana;=1+1", "Bo;-2+3;x", "Cy\t=SUM(1)"])
def test_opt_in_list_quotes_every_cell_so_a_semicolon_spreadsheet_keeps_the_name_in_one_text_cell(
        app, client, smtp, staff, name):
    confirmed_opt_in(app, client, smtp, name=name)
    line = staff.get("/staff/opt-ins.csv").get_data(as_text=True).splitlines()[1]
    # Split the way a spreadsheet set to ";" would: outside quotes only.
    cells = next(csv.reader([line], delimiter=";"))
    assert all(not cell.lstrip().startswith(("=", "+", "-", "@")) for cell in cells), cells
    assert line.startswith('"') and line.count('"') >= 10  # five quoted cells
