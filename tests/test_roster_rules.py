"""Two roster rules, on the command line and on the staff upload page: only councilmembers have a
district, and no field holds a line break (a bare LF as much as a CR). A file breaking either is
refused whole: the good change it also carries is not applied."""

import io

import pytest

from actiontool.models import Official, db
from tests.helpers import ROSTER, csrf_token, replace_field, text

# Line 11 of the shipped file is the executive; line 5 is district 4; line 10 is district 9.
RULES = {
    "executive with a district": (
        lambda t: replace_field(t, 11, "district", "5"),
        "line 11, column district: only councilmembers have a district"),
    "LF in a field": (
        lambda t: replace_field(t, 5, "postal_address", "King County Courthouse\n516 Third Avenue, Seattle"),
        "line 5, column postal_address: has a line break (separate address lines with ;)"),
}


def broken_file(kind):
    spoil, _message = RULES[kind]
    return spoil(replace_field(ROSTER, 10, "name", "Should Not Apply"))


def officials(app):
    with app.app_context():
        return sorted((o.office, o.district, o.name, o.postal_address)
                      for o in db.session.scalars(db.select(Official)))


@pytest.mark.parametrize("kind", RULES)
def test_roster_import_refuses_the_file_and_changes_nothing(app, runner, tmp_path, kind):
    path = tmp_path / "officials.csv"
    path.write_text(broken_file(kind), encoding="utf-8")
    before = officials(app)
    result = runner.invoke(args=["roster", "import", str(path)])
    assert result.exit_code == 1, result.output
    assert "1 problem(s); nothing was changed" in result.output
    assert RULES[kind][1] in result.output
    assert officials(app) == before


@pytest.mark.parametrize("kind", RULES)
def test_roster_upload_page_refuses_the_file_and_changes_nothing(app, staff, kind):
    before = officials(app)
    page = staff.get("/staff/roster/upload")
    response = staff.post("/staff/roster/upload", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "file": (io.BytesIO(broken_file(kind).encode()), "officials.csv")})
    assert response.status_code == 422
    assert RULES[kind][1].capitalize() in text(response)
    assert 'name="roster"' not in response.get_data(as_text=True)  # no Apply button
    assert officials(app) == before
