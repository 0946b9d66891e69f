"""The areas each council district covers: the shipped district_areas.csv, checking a file (every bad field
has its message and a bad file changes nothing), `actiontool areas import`, the staff pages (edit one
district, upload -> preview -> Apply), and the district choice that shows them to supporters.

Everything goes through the real CLI, pages (CSRF tokens taken from the pages) and database.
"""

import csv
import datetime as dt
import html
import io
import re

import pytest
from flask import render_template_string
from wtforms import RadioField

from actiontool.forms import Form, LetterForm
from actiontool.models import DistrictArea, Official, db
from actiontool.roster import areas
from tests.helpers import ROOT, STAFF, csrf_token, replace_field, text

AREAS = (ROOT / "district_areas.csv").read_text(encoding="utf-8")
MEMBERS = {"1": "Rod Dembowski", "2": "Rhonda Lewis", "3": "Sarah Perry", "4": "Jorge L. Barón",
           "5": "Steffanie Fain", "6": "Claudia Balducci", "7": "Pete von Reichbauer", "8": "Teresa Mosqueda",
           "9": "Reagan Dunn"}
MACRO = '{% from "_district_choice.html" import district_choice %}{{ district_choice(field, districts) }}'


def shipped_rows():
    return {row["district"]: row for row in csv.DictReader(io.StringIO(AREAS, newline=""))}


def write(tmp_path, content, name="areas.csv"):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return str(path)


def import_areas(runner, path, *options):
    return runner.invoke(args=["areas", "import", *options, path])


def stored(app):
    with app.app_context():
        return [{c: row[c] for c in areas.COLUMNS} for row in areas.area_rows()]


@pytest.fixture
def imported(app, runner, tmp_path):
    """The shipped areas, imported through the CLI."""
    result = import_areas(runner, write(tmp_path, AREAS))
    assert result.exit_code == 0, result.output
    return stored(app)


# ---------------------------------------------------------------- the shipped file

def test_shipped_file_has_all_nine_districts_each_with_areas_in_both_languages_a_source_and_a_date():
    rows = areas.parse_areas(AREAS)
    assert [row["district"] for row in rows] == [str(n) for n in range(1, 10)]
    for row in rows:
        assert row["areas_en"] and row["areas_es"] and row["source"]
        assert dt.date.fromisoformat(row["as_of"]) <= dt.date.today()


def test_shipped_rows_not_from_the_county_say_so_in_their_source():
    # Rows taken from the county's own pages name kingcounty.gov; every other row says plainly that it is not.
    for row in shipped_rows().values():
        assert "kingcounty.gov" in row["source"] or "NOT the county's" in row["source"] or \
            "COUNTY SOURCE NOT FOUND" in row["source"], row["district"]


# ---------------------------------------------------------------- the CLI

def test_cli_imports_the_shipped_file_and_if_empty_then_leaves_it_alone(app, runner, tmp_path):
    path = write(tmp_path, AREAS)
    first = import_areas(runner, path, "--if-empty")
    assert first.exit_code == 0 and "9 added" in first.output
    assert stored(app) == [{c: row[c] for c in areas.COLUMNS} for row in areas.parse_areas(AREAS)]
    again = import_areas(runner, write(tmp_path, replace_field(AREAS, 2, "areas_en", "Elsewhere")), "--if-empty")
    assert again.exit_code == 0 and "nothing imported" in again.output
    assert stored(app)[0]["areas_en"] == shipped_rows()["1"]["areas_en"]


def test_cli_import_of_a_changed_file_counts_what_changed(app, runner, imported, tmp_path):
    result = import_areas(runner, write(tmp_path, replace_field(AREAS, 4, "areas_en", "Somewhere else")))
    assert result.exit_code == 0
    assert "0 added, 1 changed, 0 removed, 8 unchanged" in result.output
    assert stored(app)[2]["areas_en"] == "Somewhere else"
    with app.app_context():
        assert db.session.get(DistrictArea, "3").changed_by == "command line"


TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()
BAD_FIELDS = [
    # (line, column, value, the message shown)
    (2, "district", "10", "line 2, column district: not a council district (a number from 1 to 9)"),
    (2, "district", "", "line 2, column district: is empty"),
    (3, "areas_en", "", "line 3, column areas_en: is empty"),
    (3, "areas_es", "   ", "line 3, column areas_es: is empty"),
    (4, "areas_es", "x" * 301, "line 4, column areas_es: longer than 300 characters"),
    (4, "areas_en", "Kent\nRenton", "line 4, column areas_en: has a line break"),
    (5, "source", "", "line 5, column source: is empty"),
    (5, "source", "s" * 2001, "line 5, column source: longer than 2000 characters"),
    (6, "as_of", "", "line 6, column as_of: is empty"),
    (6, "as_of", "2024-02-30", "line 6, column as_of: not a date in the form YYYY-MM-DD"),
    (6, "as_of", "12/01/2024", "line 6, column as_of: not a date in the form YYYY-MM-DD"),
    (6, "as_of", TOMORROW, "line 6, column as_of: is a date in the future"),
    (3, "district", "1", "line 3, column district: duplicate district: same as line 2"),
]


@pytest.mark.parametrize(("line", "column", "value", "message"), BAD_FIELDS)
def test_each_bad_field_is_refused_with_its_message_and_the_file_changes_nothing(
        app, runner, imported, tmp_path, line, column, value, message):
    # The same file also changes district 9: none of it is applied.
    bad = replace_field(replace_field(AREAS, 10, "areas_en", "Changed"), line, column, value)
    result = import_areas(runner, write(tmp_path, bad))
    assert result.exit_code == 1
    assert "nothing was changed" in result.output
    assert message in result.output
    assert stored(app) == imported


def test_a_file_without_a_district_names_the_missing_one(app, runner, imported, tmp_path):
    without_9 = "".join(AREAS.splitlines(keepends=True)[:-1])
    result = import_areas(runner, write(tmp_path, without_9))
    assert result.exit_code == 1 and "no areas for district(s) 9" in result.output
    missing_and_duplicate = replace_field(AREAS, 10, "district", "8")
    result = import_areas(runner, write(tmp_path, missing_and_duplicate))
    assert "duplicate district: same as line 9" in result.output and "district(s) 9" in result.output
    assert stored(app) == imported


def test_a_file_with_a_missing_or_unknown_column_is_refused(runner, tmp_path):
    renamed = AREAS.replace("as_of", "date", 1)
    result = import_areas(runner, write(tmp_path, renamed))
    assert result.exit_code == 1
    assert "missing columns: as_of" in result.output and "unknown columns: date" in result.output


def test_an_empty_file_is_refused(runner, tmp_path):
    result = import_areas(runner, write(tmp_path, "district,areas_en,areas_es,source,as_of\n"))
    assert result.exit_code == 1 and "the file has no districts" in result.output


def test_export_then_import_changes_nothing(app, imported):
    with app.app_context():
        exported = areas.export_areas(areas.area_rows())
    assert [{c: row[c] for c in areas.COLUMNS} for row in areas.parse_areas(exported)] == imported


# ---------------------------------------------------------------- the staff pages

def edit(client, district, **values):
    page = client.get(f"/staff/areas/{district}/edit")
    data = {"areas_en": "Kent", "areas_es": "Kent", "source": "https://kingcounty.gov/x", "as_of": "2025-01-02",
            "csrf_token": csrf_token(page.get_data(as_text=True)), **values}
    return client.post(f"/staff/areas/{district}/edit", data=data)


def test_staff_list_shows_each_district_with_its_member_and_areas(staff, imported):
    page = text(staff.get("/staff/areas/"))
    for district, name in MEMBERS.items():
        assert name in page
        assert shipped_rows()[district]["areas_en"] in page


def test_staff_list_shows_districts_without_areas_and_vacant_seats(app, staff):
    with app.app_context():
        db.session.execute(db.delete(Official).where(Official.office == "councilmember", Official.district == "4"))
        db.session.commit()
    page = text(staff.get("/staff/areas/"))
    assert page.count("No areas yet") == 9
    assert "vacant" in page


def test_staff_edits_one_district_and_the_others_stay(app, staff, imported):
    response = edit(staff, "5", areas_en="Kent, Renton", areas_es="Kent, Renton", as_of="2025-03-04")
    assert response.status_code == 302
    assert "The district's areas were saved." in text(staff.get(response.headers["Location"]))
    after = stored(app)
    assert after[4] == {"district": "5", "areas_en": "Kent, Renton", "areas_es": "Kent, Renton",
                        "source": "https://kingcounty.gov/x", "as_of": "2025-03-04"}
    assert after[:4] + after[5:] == imported[:4] + imported[5:]
    with app.app_context():
        assert db.session.get(DistrictArea, "5").changed_by == STAFF


def test_staff_can_give_a_district_its_areas_before_any_file_is_imported(app, staff):
    assert edit(staff, "7").status_code == 302
    assert [row["district"] for row in stored(app)] == ["7"]


def test_edit_errors_are_shown_next_to_their_fields_and_keep_what_was_typed(app, staff, imported):
    response = edit(staff, "2", areas_en="Typed areas", areas_es="", as_of="2024-13-40", source="Typed source")
    assert response.status_code == 422
    markup = response.get_data(as_text=True)
    assert 'id="areas_es-errors"' in markup and 'id="as_of-errors"' in markup
    page = text(response)
    assert "is empty" in page and "not a date in the form YYYY-MM-DD" in page
    assert "Typed areas" in markup and "Typed source" in markup and 'value="2024-13-40"' in markup
    assert stored(app) == imported


def test_edit_refuses_a_future_date_and_overlong_areas(app, staff, imported):
    response = edit(staff, "2", as_of=TOMORROW, areas_en="x" * 301)
    assert response.status_code == 422
    page = text(response)
    assert "is a date in the future" in page and "Please keep this under 300 characters." in page
    assert stored(app) == imported


def test_edit_without_the_csrf_token_changes_nothing(app, staff, imported):
    response = staff.post("/staff/areas/2/edit", data={"areas_en": "X", "areas_es": "X", "source": "X",
                                                       "as_of": "2025-01-01"})
    assert response.status_code == 400
    assert stored(app) == imported


def test_an_unknown_district_is_not_found(staff):
    assert staff.get("/staff/areas/10/edit").status_code == 404


@pytest.mark.parametrize("path", ["/staff/areas/", "/staff/areas/3/edit", "/staff/areas/upload",
                                  "/staff/areas/district_areas.csv"])
def test_canvassers_and_strangers_cannot_see_the_area_pages(client, canvasser, path):
    assert canvasser.get(path).status_code == 403
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/staff/login")


def test_canvasser_cannot_edit_a_district(app, canvasser, imported):
    token = csrf_token(canvasser.get("/staff/login").get_data(as_text=True))
    response = canvasser.post("/staff/areas/2/edit", data={"areas_en": "X", "areas_es": "X", "source": "X",
                                                           "as_of": "2025-01-01", "csrf_token": token})
    assert response.status_code == 403
    assert stored(app) == imported


def upload(client, content):
    page = client.get("/staff/areas/upload")
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), "file": (io.BytesIO(content), "areas.csv")}
    return client.post("/staff/areas/upload", data=data, content_type="multipart/form-data")


def apply_preview(client, preview):
    page = preview.get_data(as_text=True)
    form = {name: _hidden(page, name) for name in ("csrf_token", "areas", "base")}
    return client.post("/staff/areas/apply", data=form)


def _hidden(page, name):
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*\bvalue="([^"]*)"', page)
    assert match, name
    return html.unescape(match.group(1))


def test_upload_shows_what_would_change_and_apply_changes_it(app, staff, imported):
    changed = replace_field(AREAS, 8, "areas_es", "Seattle (barrios del oeste)")
    preview = upload(staff, changed.encode())
    assert preview.status_code == 200
    page = text(preview)
    assert "District 7: changed" in page and "Seattle (barrios del oeste)" in page
    assert "District 6" not in page
    assert stored(app) == imported
    assert apply_preview(staff, preview).status_code == 302
    assert stored(app)[6]["areas_es"] == "Seattle (barrios del oeste)"


def test_upload_of_a_bad_file_lists_its_problems_and_changes_nothing(app, staff, imported):
    response = upload(staff, replace_field(AREAS, 3, "as_of", "soon").encode())
    assert response.status_code == 422
    assert "Line 3, column as_of: not a date in the form YYYY-MM-DD" in text(response)
    assert stored(app) == imported


def test_a_preview_older_than_the_stored_areas_is_not_applied(app, staff, imported):
    preview = upload(staff, replace_field(AREAS, 2, "areas_en", "From the file").encode())
    assert edit(staff, "9", areas_en="Edited meanwhile").status_code == 302
    assert apply_preview(staff, preview).status_code == 409
    assert stored(app)[0]["areas_en"] == imported[0]["areas_en"]


# ---------------------------------------------------------------- the district choice

def render_choice(app, field_form, language, data=None):
    with app.test_request_context(f"/?lang={language}", method="POST", data=data or {}):
        form = field_form(meta={"csrf": False})
        return render_template_string(MACRO, field=form.district, districts=areas.district_choices(language))


class RadioDistrictForm(Form):
    district = RadioField("Your council district", choices=[str(n) for n in range(1, 10)])


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("field_form", [LetterForm, RadioDistrictForm])
def test_the_district_choice_shows_each_member_and_the_areas_in_the_page_language(
        app, imported, language, field_form):
    markup = render_choice(app, field_form, language)
    for district, name in MEMBERS.items():
        assert f'value="{district}"' in markup
        assert name in markup
        assert shipped_rows()[district][f"areas_{language}"].replace("'", "&#39;") in markup
    assert markup.count('type="radio"') == 9 and markup.count('name="district"') == 9
    assert "<fieldset" in markup and "<legend>" in markup and "checked" not in markup


def test_the_district_choice_in_english_says_district_and_member(app, imported):
    page = " ".join(render_choice(app, LetterForm, "en").split())
    assert "District 4 — Jorge L. Barón</span><br>" in page


@pytest.mark.parametrize("field_form", [LetterForm, RadioDistrictForm])
def test_the_district_choice_keeps_the_chosen_district_and_labels_each_button(app, imported, field_form):
    markup = render_choice(app, field_form, "en", data={"district": "6"})
    assert markup.count("checked") == 1
    chosen = markup[markup.index("checked") - 200: markup.index("checked")]
    assert 'value="6"' in chosen
    first_id = "district" if field_form is LetterForm else "district-0"
    assert f'id="{first_id}"' in markup and f'for="{first_id}"' in markup
    assert 'id="district-8"' in markup and 'for="district-8"' in markup


def test_a_vacant_seat_and_a_district_without_areas_are_shown_plainly(app, imported):
    with app.app_context():
        db.session.execute(db.delete(Official).where(Official.office == "councilmember", Official.district == "4"))
        db.session.execute(db.delete(DistrictArea).where(DistrictArea.district == "5"))
        db.session.commit()
    page = " ".join(render_choice(app, LetterForm, "en").split())
    assert "District 4 — vacant seat" in page and "Barón" not in page
    assert "District 5 — Steffanie Fain</span></label>" in page


def test_district_choices_are_plain_values(app, imported):
    with app.app_context():
        choices = areas.district_choices("es")
    assert choices[0] == {"district": "1", "member": "Rod Dembowski", "areas": shipped_rows()["1"]["areas_es"]}
    assert all(set(c) == {"district", "member", "areas"} for c in choices)


def test_applying_rows_is_all_or_nothing(app, imported):
    # Rows that only fail in the database (two rows for district 1): nothing of them stays, not even
    # the change to district 2 that came first.
    rows = areas.parse_areas(replace_field(AREAS, 3, "areas_en", "Changed first"))
    rows.append(dict(rows[0], areas_en="A second district 1"))
    with app.app_context(), pytest.raises(Exception):  # noqa: B017 - whatever the database raises
        areas.apply_areas(rows)
    assert stored(app) == imported
