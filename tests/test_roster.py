"""`actiontool roster import/export`: the whole file is checked first; all of it applies, or none."""

import pytest

from actiontool.models import Official, db
from actiontool.roster import export_roster, roster_rows
from tests.helpers import ROSTER


def write(tmp_path, text, name="officials.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def names(app):
    with app.app_context():
        return {(o.office, o.district): o.name for o in db.session.scalars(db.select(Official))}


def replace_field(text, line_no, column, value):
    """The roster text with one field of one line (1 = header) replaced, via the csv module."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    rows[line_no - 1][header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def test_shipped_roster_has_nine_districts_and_the_executive_all_sourced(app):
    with app.app_context():
        rows = roster_rows()
    assert [r["district"] for r in rows if r["office"] == "councilmember"] == list("123456789")
    assert [r["office"] for r in rows if r["office"] != "councilmember"] == ["executive"]
    assert all(r["source"] and r["verified_on"] for r in rows)


def test_export_round_trips_byte_for_byte(runner, tmp_path):
    result = runner.invoke(args=["roster", "export"])
    assert result.exit_code == 0
    assert result.output == ROSTER
    path = tmp_path / "out.csv"
    assert runner.invoke(args=["roster", "export", "-o", str(path)]).exit_code == 0
    assert path.read_bytes() == ROSTER.encode("utf-8")


def test_import_applies_a_changed_member(app, runner, tmp_path):
    changed = replace_field(ROSTER, 3, "name", "Nueva Persona")  # line 3 is district 2
    result = runner.invoke(args=["roster", "import", write(tmp_path, changed)])
    assert result.exit_code == 0, result.output
    assert "0 added, 1 changed, 0 removed, 9 unchanged" in result.output
    assert names(app)[("councilmember", "2")] == "Nueva Persona"


def test_dry_run_changes_nothing(app, runner, tmp_path):
    changed = replace_field(ROSTER, 3, "name", "Nueva Persona")
    result = runner.invoke(args=["roster", "import", "--dry-run", write(tmp_path, changed)])
    assert result.exit_code == 0
    assert "dry run" in result.output
    assert names(app)[("councilmember", "2")] == "Rhonda Lewis"


def test_if_empty_leaves_an_existing_roster_alone(app, runner, tmp_path):
    changed = replace_field(ROSTER, 3, "name", "Nueva Persona")
    result = runner.invoke(args=["roster", "import", "--if-empty", write(tmp_path, changed)])
    assert result.exit_code == 0, result.output  # not an error: first setup simply has nothing to do
    assert "nothing imported" in result.output
    assert names(app)[("councilmember", "2")] == "Rhonda Lewis"


BAD_FILES = {
    "missing column": (lambda t: t.replace(",phone,", ",", 1), "line 1: missing columns: phone"),
    "unknown column": (lambda t: t.replace("verified_on\n", "verified_on,extra\n", 1),
                       "unknown columns: extra"),
    "bad email": (lambda t: replace_field(t, 4, "email", "not-an-email"), "line 4, column email"),
    "bad date": (lambda t: replace_field(t, 2, "verified_on", "13/08/2026"),
                 "line 2, column verified_on: not a date"),
    "district 10": (lambda t: replace_field(t, 2, "district", "10"),
                    "a councilmember needs a district from 1 to 9"),
    "duplicate district": (lambda t: replace_field(t, 3, "district", "1"), "duplicate office"),
    "empty name": (lambda t: replace_field(t, 5, "name", ""), "line 5, column name: is empty"),
    "unknown office": (lambda t: replace_field(t, 11, "office", "sheriff"), "unknown office 'sheriff'"),
    "too long": (lambda t: replace_field(t, 6, "name", "x" * 200), "longer than 120 characters"),
    "no rows": (lambda t: t.splitlines(keepends=True)[0], "no councilmember for district(s) 1, 2"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_bad_file_is_refused_whole_with_its_line_numbers(app, runner, tmp_path, kind):
    spoil, expected = BAD_FILES[kind]
    # Every bad file also carries a good change, to prove that nothing at all was applied.
    text = spoil(replace_field(ROSTER, 10, "name", "Should Not Apply"))
    if kind == "no rows":
        text = spoil(ROSTER)
    before = names(app)
    result = runner.invoke(args=["roster", "import", write(tmp_path, text)])
    assert result.exit_code == 1
    assert "nothing was changed" in result.output
    assert expected in result.output
    assert names(app) == before


def test_every_problem_is_reported_not_just_the_first(app, runner, tmp_path):
    # Besides its two problems, the file changes a name: none of it may apply.
    text = replace_field(replace_field(replace_field(ROSTER, 2, "email", "bad"), 7, "verified_on", "soon"),
                         3, "name", "Should Not Apply")
    before = names(app)
    result = runner.invoke(args=["roster", "import", write(tmp_path, text)])
    assert result.exit_code == 1, result.output
    assert "2 problem(s); nothing was changed" in result.output
    assert names(app) == before
    assert ":line 2, column email" in result.output and ":line 7, column verified_on" in result.output


def test_removed_office_is_deleted_and_letters_keep_their_recipient(app, client, runner, tmp_path):
    from tests.helpers import submit_letter

    token = submit_letter(client).headers["Location"].rsplit("/", 1)[1]
    without_executive = "".join(ROSTER.splitlines(keepends=True)[:-1])
    assert "executive" not in without_executive
    result = runner.invoke(args=["roster", "import", write(tmp_path, replace_field(
        without_executive, 5, "name", "Someone Else"))])  # line 5 is district 4
    assert result.exit_code == 0, result.output
    assert "Roster updated: 0 added, 1 changed, 1 removed, 8 unchanged." in result.output
    after = names(app)
    assert "executive" not in {office for office, _district in after}
    assert after[("councilmember", "4")] == "Someone Else"
    preview = client.get(f"/letters/{token}").get_data(as_text=True)
    assert "Jorge L. Barón" in preview and "Someone Else" not in preview


def test_export_of_an_empty_roster_is_just_the_header(app):
    with app.app_context():
        assert export_roster([]).count("\n") == 1
