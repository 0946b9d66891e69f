"""The staff console's roster pages: list, upload -> preview -> Apply, edit one official,
history and restore, CSV download, and the comparison with the county's GIS layer.

Everything goes through the real pages (CSRF tokens taken from the pages, the way a browser
does) and the real CLI, on the real database; the county layer is the loopback fake.
"""

import csv
import hashlib
import html
import io
import re

import pytest

from actiontool.models import Official, RosterRevision, db
from actiontool.roster import apply_roster, check_against_county, export_roster, parse_roster, roster_rows
from tests.helpers import ROSTER, STAFF, csrf_token, replace_field, text

# ---------------------------------------------------------------- helpers

def drop_line(text_, line_no):
    lines = text_.splitlines(keepends=True)
    return "".join(lines[:line_no - 1] + lines[line_no:])


def drop_column(text_, column):
    rows = list(csv.reader(io.StringIO(text_, newline="")))
    index = rows[0].index(column)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:index] + r[index + 1:] for r in rows])
    return out.getvalue()


# District 2 is line 3 of the shipped file.
NEW_MEMBER = replace_field(replace_field(ROSTER, 3, "name", "Nueva Persona"),
                           3, "email", "Nueva.Persona@kingcounty.gov")


def set_language(client, lang):
    """?lang= on any page switches the session's language."""
    client.get(f"/staff/?lang={lang}")


def upload(client, content, filename="officials.csv"):
    """Choose a file (bytes, or None for no file chosen) on the upload page and press the button."""
    page = client.get("/staff/roster/upload")
    data = {"csrf_token": csrf_token(page.get_data(as_text=True))}
    if content is not None:
        data["file"] = (io.BytesIO(content), filename)
    return client.post("/staff/roster/upload", data=data, content_type="multipart/form-data")


def hidden(response, name):
    page = response.get_data(as_text=True)
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*\bvalue="([^"]*)"', page)
    assert match, f"no hidden field {name}"
    return html.unescape(match.group(1))


def apply_form(preview):
    """What a browser sends when Apply is pressed (it sends line breaks in fields as CRLF)."""
    return {
        "csrf_token": csrf_token(preview.get_data(as_text=True)),
        "roster": hidden(preview, "roster").replace("\r\n", "\n").replace("\n", "\r\n"),
        "base": hidden(preview, "base"),
    }


def current_roster(app):
    """The roster as its CSV export, and how many revisions there are."""
    with app.app_context():
        return export_roster(roster_rows()), db.session.scalar(db.select(db.func.count(RosterRevision.id)))


def revisions(app):
    with app.app_context():
        return [(r.id, r.author, r.action, r.changes)
                for r in db.session.scalars(db.select(RosterRevision).order_by(RosterRevision.id))]


def official_id(app, district="2", office="councilmember"):
    with app.app_context():
        return db.session.scalar(db.select(Official.id).where(Official.office == office,
                                                              Official.district == district))


def problems(response):
    """The listed problems, one string each, as the reader sees them."""
    page = response.get_data(as_text=True)
    block = re.search(r'<ul class="problems">(.*?)</ul>', page, re.S)
    assert block, "no list of problems on the page"
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", li)).split())
            for li in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)]


def preview_changes(response):
    """{heading of a changed official: [(field, now, after), ...]} from the preview page."""
    page = response.get_data(as_text=True)
    changed = {}
    sections = re.findall(r"<h3[^>]*>(.*?)</h3>\s*<div class=\"table-wrap\"[^>]*><table>(.*?)</table>", page, re.S)
    for heading, table in sections:
        rows = re.findall(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td><td>(.*?)</td></tr>', table, re.S)
        changed[html.unescape(heading)] = [tuple(html.unescape(v) for v in row) for row in rows]
    return changed


def roster_fingerprint(app):
    with app.app_context():
        return hashlib.sha256(export_roster(roster_rows()).encode()).hexdigest()


def roster_matching_the_county_layer():
    """The shipped roster with every councilmember named and addressed as the fake layer lists them."""
    text_ = ROSTER
    for district in range(1, 10):
        text_ = replace_field(text_, district + 1, "name", f"Member {district}")
        text_ = replace_field(text_, district + 1, "email", f"Member.{district}@kingcounty.gov")
    return text_


# ---------------------------------------------------------------- the roster list

@pytest.mark.parametrize("lang, caption, edit", [
    ("en", "Officials who receive letters", "Edit"),
    ("es", "Representantes que reciben cartas", "Editar"),
])
def test_roster_list_shows_the_ten_officials_in_the_page_language(app, staff, lang, caption, edit):
    set_language(staff, lang)
    page = staff.get("/staff/roster")
    assert page.status_code == 200
    assert caption in text(page)
    body = page.get_data(as_text=True)
    rows = re.findall(r"<tr[^>]*>\s*<td[^>]*>(.*?)</td><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td>", body, re.S)
    assert [(o, d, html.unescape(n)) for o, d, n in rows] == [
        ("councilmember", "1", "Rod Dembowski"), ("councilmember", "2", "Rhonda Lewis"),
        ("councilmember", "3", "Sarah Perry"), ("councilmember", "4", "Jorge L. Barón"),
        ("councilmember", "5", "Steffanie Fain"), ("councilmember", "6", "Claudia Balducci"),
        ("councilmember", "7", "Pete von Reichbauer"), ("councilmember", "8", "Teresa Mosqueda"),
        ("councilmember", "9", "Reagan Dunn"), ("executive", "", "Girmay Zahilay"),
    ]
    assert body.count(f">{edit}<span") == 10
    assert f'href="/staff/roster/{official_id(app)}/edit"' in body


# ---------------------------------------------------------------- upload, preview, apply

@pytest.mark.parametrize("lang, heading, now, after", [
    ("en", "What would change", "Now", "After"),
    ("es", "Qué cambiaría", "Ahora", "Después"),
])
def test_upload_previews_exactly_the_changed_fields_and_changes_nothing_until_apply(app, staff, lang, heading,
                                                                                     now, after):
    set_language(staff, lang)
    before = current_roster(app)
    preview = upload(staff, NEW_MEMBER.encode())
    assert preview.status_code == 200
    assert heading in text(preview)
    assert f">{now}</th>" in preview.get_data(as_text=True) and f">{after}</th>" in preview.get_data(as_text=True)
    assert preview_changes(preview) == {"councilmember 2: Nueva Persona": [
        ("name", "Rhonda Lewis", "Nueva Persona"),
        ("email", "Rhonda.Lewis@kingcounty.gov", "Nueva.Persona@kingcounty.gov"),
    ]}
    page = preview.get_data(as_text=True)
    assert "<h2>Added</h2>" not in page and "<h2>Removed</h2>" not in page
    assert "<h2>Agregado</h2>" not in page and "<h2>Eliminado</h2>" not in page
    assert current_roster(app) == before


def test_excel_style_file_with_bom_and_crlf_previews_only_the_real_change(app, staff):
    excel = "\ufeff" + NEW_MEMBER.replace("\n", "\r\n")
    preview = upload(staff, excel.encode("utf-8"))
    assert preview.status_code == 200
    assert list(preview_changes(preview)) == ["councilmember 2: Nueva Persona"]


def test_uploading_the_current_roster_says_nothing_would_change(app, staff):
    preview = upload(staff, ROSTER.encode())
    assert preview.status_code == 200
    assert "This file is the same as the current roster: nothing would change." in text(preview)
    assert preview_changes(preview) == {}


def test_apply_changes_the_roster_and_records_a_revision_by_the_staff_member(app, staff, runner):
    preview = upload(staff, NEW_MEMBER.encode())
    applied = staff.post("/staff/roster/apply", data=apply_form(preview))
    assert applied.status_code == 302 and applied.headers["Location"] == "/staff/roster?done=applied"
    assert "The roster was updated." in text(staff.get(applied.headers["Location"]))

    assert current_roster(app)[0] == NEW_MEMBER
    *_, (_, author, action, changes) = revisions(app)
    assert (author, action) == (STAFF, "upload")
    assert changes["added"] == [] and changes["removed"] == []
    assert changes["changed"] == [{
        "office": "councilmember", "district": "2", "name": "Nueva Persona",
        "fields": {"name": ["Rhonda Lewis", "Nueva Persona"],
                   "email": ["Rhonda.Lewis@kingcounty.gov", "Nueva.Persona@kingcounty.gov"]}}]

    history = text(staff.get("/staff/roster/history"))
    assert f"{STAFF} · upload" in history
    assert "Changed: councilmember 2 · name: “Rhonda Lewis” → “Nueva Persona”" in history
    assert ("Changed: councilmember 2 · email: “Rhonda.Lewis@kingcounty.gov” → "
            "“Nueva.Persona@kingcounty.gov”") in history

    cli = runner.invoke(args=["roster", "history"])
    assert cli.exit_code == 0
    first_line = cli.output.splitlines()[0]
    assert re.fullmatch(r"#\d+  \d{4}-\d\d-\d\d \d\d:\d\d  staff@campaign\.test  upload: "
                        r"0 added, 1 changed, 0 removed", first_line), first_line
    assert "councilmember 2: name: 'Rhonda Lewis' -> 'Nueva Persona'" in cli.output
    assert "councilmember 2: email: 'Rhonda.Lewis@kingcounty.gov' -> 'Nueva.Persona@kingcounty.gov'" in cli.output


def test_history_page_is_translated(app, staff):
    set_language(staff, "es")
    apply_form_data = apply_form(upload(staff, NEW_MEMBER.encode()))
    staff.post("/staff/roster/apply", data=apply_form_data)
    history = text(staff.get("/staff/roster/history"))
    assert "Historial de la lista" in history
    assert "Cambiado: councilmember 2 · name: “Rhonda Lewis” → “Nueva Persona”" in history
    assert "Restaurar la lista como quedó después de este cambio" in history


def test_pressing_apply_twice_applies_once_and_the_second_press_is_refused_as_stale(app, staff):
    preview = upload(staff, NEW_MEMBER.encode())
    form = apply_form(preview)
    assert staff.post("/staff/roster/apply", data=form).status_code == 302
    after_first = current_roster(app)
    again = staff.post("/staff/roster/apply", data=form)
    assert again.status_code == 409
    assert current_roster(app) == after_first


# Each bad file also carries a good change (line 10, district 9), to prove nothing at all applies.
def _with_good_change(text_):
    return replace_field(text_, 10, "name", "Should Not Apply")


BAD_FILES = {
    "missing column": (
        lambda t: drop_column(t, "phone"),
        ["Line 1: missing columns: phone"],
        ["Línea 1: faltan columnas: phone"]),
    "bad email": (
        lambda t: replace_field(t, 4, "email", "not-an-email"),
        ["Line 4, column email: not a valid email address"],
        ["Línea 4, columna email: no es un correo electrónico válido"]),
    "bad date": (
        lambda t: replace_field(t, 2, "verified_on", "13/08/2026"),
        ["Line 2, column verified_on: not a date in the form YYYY-MM-DD"],
        ["Línea 2, columna verified_on: no es una fecha con el formato AAAA-MM-DD"]),
    "duplicate district": (
        lambda t: replace_field(t, 3, "district", "1"),
        ["Line 3, column office: duplicate office: same as line 2",
         "Line 12, column district: no councilmember for district(s) 2"],
        ["Línea 3, columna office: cargo repetido: igual que la línea 2",
         "Línea 12, columna district: no hay concejal para el/los distrito(s) 2"]),
    "missing district": (
        lambda t: drop_line(t, 4),  # district 3
        ["Line 11, column district: no councilmember for district(s) 3"],
        ["Línea 11, columna district: no hay concejal para el/los distrito(s) 3"]),
    "two problems": (
        lambda t: replace_field(replace_field(t, 5, "name", ""), 7, "verified_on", "soon"),
        ["Line 5, column name: is empty",
         "Line 7, column verified_on: not a date in the form YYYY-MM-DD"],
        ["Línea 5, columna name: está vacío",
         "Línea 7, columna verified_on: no es una fecha con el formato AAAA-MM-DD"]),
    "compact date": (
        lambda t: replace_field(t, 2, "verified_on", "20260813"),
        ["Line 2, column verified_on: not a date in the form YYYY-MM-DD"],
        ["Línea 2, columna verified_on: no es una fecha con el formato AAAA-MM-DD"]),
}


def _bad_file_cases():
    for kind, case in BAD_FILES.items():
        values, marks = (case.values, case.marks) if hasattr(case, "marks") else (case, ())
        spoil, english, spanish = values
        for lang, expected in (("en", english), ("es", spanish)):
            yield pytest.param(spoil, lang, expected, id=f"{kind}-{lang}", marks=marks)


@pytest.mark.parametrize("spoil, lang, expected", list(_bad_file_cases()))
def test_bad_file_is_refused_with_every_problem_by_line_and_column_and_nothing_applied(app, staff, spoil, lang,
                                                                                      expected):
    set_language(staff, lang)
    before = current_roster(app)
    response = upload(staff, spoil(_with_good_change(ROSTER)).encode())
    assert response.status_code == 422
    assert problems(response) == expected
    heading = {"en": "Nothing was changed. Please fix these problems and upload the file again:",
               "es": "No se cambió nada. Corrija estos problemas y vuelva a subir el archivo:"}[lang]
    assert heading in text(response)
    assert 'name="roster"' not in response.get_data(as_text=True)  # no Apply form
    assert current_roster(app) == before


FILE_ERRORS = {
    "not UTF-8": ((ROSTER.encode("latin-1"), "officials.csv"),
                  'The file is not UTF-8 text. Save it as "CSV UTF-8" and try again.',
                  'El archivo no es texto UTF-8. Guárdelo como "CSV UTF-8" e inténtelo de nuevo.'),
    "UTF-16 (NUL bytes)": ((ROSTER.encode("utf-16-le"), "officials.csv"),
                           'The file is not UTF-8 text. Save it as "CSV UTF-8" and try again.',
                           'El archivo no es texto UTF-8. Guárdelo como "CSV UTF-8" e inténtelo de nuevo.'),
    "a NUL in one cell": ((ROSTER.replace("Jorge", "Jor\x00ge", 1).encode(), "officials.csv"),
                          'The file is not UTF-8 text. Save it as "CSV UTF-8" and try again.',
                          'El archivo no es texto UTF-8. Guárdelo como "CSV UTF-8" e inténtelo de nuevo.'),
    "no file chosen (empty file part)": ((b"", ""), "Please choose a CSV file.", "Por favor, elija un archivo CSV."),
    "no file chosen (no file part)": (None, "Please choose a CSV file.", "Por favor, elija un archivo CSV."),
    "empty file": ((b"", "officials.csv"),
                   "Line 1: missing columns: office, district, name, title_en, title_es, salutation_en, "
                   "salutation_es, email, phone, postal_address, source, verified_on",
                   "Línea 1: faltan columnas: office, district, name, title_en, title_es, salutation_en, "
                   "salutation_es, email, phone, postal_address, source, verified_on"),
}


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("kind", FILE_ERRORS)
def test_unreadable_missing_or_empty_file_is_refused_with_a_message(app, staff, kind, lang):
    set_language(staff, lang)
    file, english, spanish = FILE_ERRORS[kind]
    before = current_roster(app)
    page = staff.get("/staff/roster/upload")
    data = {"csrf_token": csrf_token(page.get_data(as_text=True))}
    if file is not None:
        data["file"] = (io.BytesIO(file[0]), file[1])
    response = staff.post("/staff/roster/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert (english if lang == "en" else spanish) in text(response)
    assert current_roster(app) == before


@pytest.mark.parametrize("lang, message", [
    ("en", "The roster changed since this preview. Please upload the file again to see what would change now."),
    ("es", "La lista cambió desde esta vista previa. Vuelva a subir el archivo para ver qué cambiaría ahora."),
])
def test_stale_preview_is_refused_with_409_and_nothing_from_it_applies(app, staff, lang, message):
    set_language(staff, lang)
    preview = upload(staff, NEW_MEMBER.encode())
    # Meanwhile, someone edits another official.
    edit_page = staff.get(f"/staff/roster/{official_id(app, '5')}/edit")
    with app.app_context():
        row5 = next(r for r in roster_rows() if r["district"] == "5")
    edit = {k: v for k, v in row5.items() if k not in ("office", "district")}
    edit.update(phone="206-477-1005", csrf_token=csrf_token(edit_page.get_data(as_text=True)))
    assert staff.post(f"/staff/roster/{official_id(app, '5')}/edit", data=edit).status_code == 302
    after_edit = current_roster(app)

    stale = staff.post("/staff/roster/apply", data=apply_form(preview))
    assert stale.status_code == 409
    assert message in text(stale)
    assert current_roster(app) == after_edit
    assert "Rhonda Lewis" in after_edit[0] and "206-477-1005" in after_edit[0]


def test_tampered_roster_field_with_an_invalid_roster_is_refused_and_nothing_applied(app, staff):
    preview = upload(staff, NEW_MEMBER.encode())
    form = apply_form(preview)
    form["roster"] = replace_field(NEW_MEMBER, 4, "email", "not-an-email")
    before = current_roster(app)
    response = staff.post("/staff/roster/apply", data=form)
    assert response.status_code == 422
    assert problems(response) == ["Line 4, column email: not a valid email address"]
    assert current_roster(app) == before


def test_apply_with_an_empty_roster_field_is_refused_and_nothing_applied(app, staff):
    form = apply_form(upload(staff, NEW_MEMBER.encode()))
    form["roster"] = ""
    before = current_roster(app)
    assert staff.post("/staff/roster/apply", data=form).status_code == 400
    assert current_roster(app) == before


@pytest.mark.parametrize("lang, message", [
    ("en", "This page expired. Please go back, reload it and try again."),
    ("es", "Esta página caducó. Por favor, regrese, vuelva a cargarla e inténtelo otra vez."),
])
def test_apply_without_csrf_token_is_refused_with_400_and_nothing_applied(app, staff, lang, message):
    set_language(staff, lang)
    form = apply_form(upload(staff, NEW_MEMBER.encode()))
    del form["csrf_token"]
    before = current_roster(app)
    response = staff.post("/staff/roster/apply", data=form)
    assert response.status_code == 400
    assert message in text(response)
    assert current_roster(app) == before


# ---------------------------------------------------------------- editing one official

def edit_data(app, page, district="2", **changes):
    """The edit form as loaded (every field's current value), with `changes`."""
    with app.app_context():
        row = next(r for r in roster_rows() if r["office"] == "councilmember" and r["district"] == district)
    data = {k: v for k, v in row.items() if k not in ("office", "district")}
    data.update(changes, csrf_token=csrf_token(page.get_data(as_text=True)))
    return data


def test_edit_form_shows_the_official_and_saving_records_an_edit_revision(app, staff, runner):
    url = f"/staff/roster/{official_id(app, '4')}/edit"
    page = staff.get(url)
    assert page.status_code == 200
    assert "Edit official: councilmember 4" in text(page)
    assert 'value="Jorge L. Barón"' in page.get_data(as_text=True)

    saved = staff.post(url, data=edit_data(app, page, "4", email="Jorge.L.Baron@kingcounty.gov",
                                           verified_on="2026-09-01"))
    assert saved.status_code == 302 and saved.headers["Location"] == "/staff/roster?done=saved"
    assert "The official was saved." in text(staff.get(saved.headers["Location"]))

    with app.app_context():
        row = next(r for r in roster_rows() if r["district"] == "4")
    assert (row["email"], row["verified_on"], row["name"]) == ("Jorge.L.Baron@kingcounty.gov", "2026-09-01",
                                                               "Jorge L. Barón")
    *_, (_, author, action, changes) = revisions(app)
    assert (author, action) == (STAFF, "edit")
    assert changes["changed"][0]["fields"] == {
        "email": ["Jorge.Baron@kingcounty.gov", "Jorge.L.Baron@kingcounty.gov"],
        "verified_on": ["2026-08-13", "2026-09-01"]}
    assert f"{STAFF} · edit" in text(staff.get("/staff/roster/history"))
    assert "staff@campaign.test  edit: 0 added, 1 changed, 0 removed" in runner.invoke(
        args=["roster", "history"]).output


def test_saving_the_edit_form_unchanged_records_no_revision(app, staff):
    url = f"/staff/roster/{official_id(app)}/edit"
    before = current_roster(app)
    assert staff.post(url, data=edit_data(app, staff.get(url))).status_code == 302
    assert current_roster(app) == before


EDIT_ERRORS = [
    ("email", "not-an-email", "not a valid email address", "no es un correo electrónico válido"),
    ("name", "", "is empty", "está vacío"),
    ("name", "   ", "is empty", "está vacío"),
    ("verified_on", "13/08/2026", "not a date in the form YYYY-MM-DD", "no es una fecha con el formato AAAA-MM-DD"),
    ("title_en", "x" * 300, "Please keep this under 120 characters.", "Por favor, use 120 caracteres como máximo."),
    ("postal_address", "", "is empty", "está vacío"),
    ("verified_on", "20260813", "not a date in the form YYYY-MM-DD", "no es una fecha con el formato AAAA-MM-DD"),
]


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("field, value, english, spanish", EDIT_ERRORS)
def test_edit_errors_are_shown_on_their_field_and_nothing_is_saved(app, staff, lang, field, value, english,
                                                                   spanish):
    set_language(staff, lang)
    url = f"/staff/roster/{official_id(app)}/edit"
    before = current_roster(app)
    response = staff.post(url, data=edit_data(app, staff.get(url), **{field: value}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    errors = re.search(rf'<ul class="field-errors" id="{field}-errors">(.*?)</ul>', page, re.S)
    assert errors, f"no errors shown on {field}"
    assert html.unescape(re.sub(r"<[^>]+>", "", errors.group(1))).strip() == (english if lang == "en" else spanish)
    assert f'id="{field}"' in page and 'aria-invalid="true"' in page
    assert current_roster(app) == before


def test_edit_of_an_unknown_official_is_not_found(app, staff):
    assert staff.get("/staff/roster/999999/edit").status_code == 404


# ---------------------------------------------------------------- history and restore

def test_restore_button_brings_the_roster_back_and_is_itself_a_revert_revision(app, staff):
    first_id = revisions(app)[0][0]  # the shipped roster, imported by the fixture
    staff.post("/staff/roster/apply", data=apply_form(upload(staff, NEW_MEMBER.encode())))
    assert current_roster(app)[0] == NEW_MEMBER

    history = staff.get("/staff/roster/history")
    assert f'action="/staff/roster/history/{first_id}/restore"' in history.get_data(as_text=True)
    restored = staff.post(f"/staff/roster/history/{first_id}/restore",
                          data={"csrf_token": csrf_token(history.get_data(as_text=True))})
    assert restored.status_code == 302 and restored.headers["Location"] == "/staff/roster?done=restored"
    assert "The roster was restored." in text(staff.get(restored.headers["Location"]))
    assert current_roster(app)[0] == ROSTER

    *_, (_, author, action, changes) = revisions(app)
    assert (author, action) == (STAFF, "revert")
    assert changes["changed"][0]["fields"]["name"] == ["Nueva Persona", "Rhonda Lewis"]
    assert f"{STAFF} · revert" in text(staff.get("/staff/roster/history"))


def test_restore_command_brings_the_roster_back_and_is_itself_a_revert_revision(app, runner):
    first_id = revisions(app)[0][0]
    with app.app_context():
        apply_roster(parse_roster(NEW_MEMBER), author="someone@campaign.test", action="upload")
    result = runner.invoke(args=["roster", "restore", str(first_id)])
    assert result.exit_code == 0, result.output
    assert "Roster restored: 0 added, 1 changed, 0 removed." in result.output
    assert current_roster(app)[0] == ROSTER
    *_, (_, author, action, _) = revisions(app)
    assert (author, action) == ("command line", "revert")
    assert "command line  revert: 0 added, 1 changed, 0 removed" in runner.invoke(args=["roster", "history"]).output


def test_restore_of_an_unknown_revision_is_not_found_on_the_web_and_an_error_on_the_command_line(app, staff,
                                                                                                   runner):
    before = current_roster(app)
    history = staff.get("/staff/roster/history")
    response = staff.post("/staff/roster/history/999999/restore",
                          data={"csrf_token": csrf_token(history.get_data(as_text=True))})
    assert response.status_code == 404
    assert "Page not found" in text(response)
    result = runner.invoke(args=["roster", "restore", "999999"])
    assert result.exit_code == 1
    assert "Error: no roster revision 999999" in result.output
    assert current_roster(app) == before


def test_restore_without_csrf_token_is_refused(app, staff):
    first_id = revisions(app)[0][0]
    staff.post("/staff/roster/apply", data=apply_form(upload(staff, NEW_MEMBER.encode())))
    before = current_roster(app)
    assert staff.post(f"/staff/roster/history/{first_id}/restore").status_code == 400
    assert current_roster(app) == before


# ---------------------------------------------------------------- CSV download

def test_csv_download_equals_roster_export_byte_for_byte(app, staff, runner):
    for roster_text in (ROSTER, replace_field(ROSTER, 3, "name", "Ñandú Peña, \"Jr.\"")):
        with app.app_context():
            apply_roster(parse_roster(roster_text))
        download = staff.get("/staff/roster.csv")
        assert download.status_code == 200
        assert download.mimetype == "text/csv"
        assert download.headers["Content-Disposition"] == 'attachment; filename="officials.csv"'
        exported = runner.invoke(args=["roster", "export"])
        assert exported.exit_code == 0
        assert download.data == exported.stdout_bytes == roster_text.encode("utf-8")


# ---------------------------------------------------------------- comparison with the county layer

def press_compare(client):
    page = client.get("/staff/roster/check")
    return client.post("/staff/roster/check", data={"csrf_token": csrf_token(page.get_data(as_text=True))})


def difference_rows(response):
    page = response.get_data(as_text=True)
    return [tuple(html.unescape(c) for c in row) for row in
            re.findall(r"<tr><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td></tr>", page)]


SHIPPED = {row["district"]: row for row in parse_roster(ROSTER) if row["office"] == "councilmember"}
EVERY_DIFFERENCE = [
    row for d in "123456789" for row in (
        (d, "name", SHIPPED[d]["name"], f"Member {d}"),
        (d, "email", SHIPPED[d]["email"], f"Member.{d}@kingcounty.gov"))
]


def test_check_page_only_compares_when_the_button_is_pressed(app, staff, county_layer):
    page = staff.get("/staff/roster/check")
    assert page.status_code == 200
    assert "Compare now" in text(page)
    assert difference_rows(page) == []
    assert county_layer.request_count == 0
    press_compare(staff)
    assert county_layer.request_count == 1


@pytest.mark.parametrize("lang, caption, button", [
    ("en", "Differences", "Compare now"),
    ("es", "Diferencias", "Comparar ahora"),
])
def test_check_lists_each_name_and_email_difference_and_changes_nothing(app, staff, lang, caption, button):
    set_language(staff, lang)
    before = current_roster(app)
    response = press_compare(staff)
    assert response.status_code == 200
    assert caption in text(response) and button in text(response)
    assert difference_rows(response) == EVERY_DIFFERENCE
    assert current_roster(app) == before


def test_check_command_lists_the_differences_exits_3_and_changes_nothing(app, runner):
    before = current_roster(app)
    result = runner.invoke(args=["roster", "check"])
    assert result.exit_code == 3
    assert result.output.splitlines() == [
        f"District {d}: {field}: roster {ours!r}, county {theirs!r}" for d, field, ours, theirs in EVERY_DIFFERENCE]
    assert current_roster(app) == before


def test_check_reports_a_district_the_county_layer_does_not_list(app, staff, runner, county_layer, monkeypatch):
    with app.app_context():
        apply_roster(parse_roster(roster_matching_the_county_layer()))
    monkeypatch.setattr(county_layer, "bounds", {d: r for d, r in county_layer.bounds.items() if d != "9"})
    assert difference_rows(press_compare(staff)) == [("9", "district", "present", "missing")]
    result = runner.invoke(args=["roster", "check"])
    assert result.exit_code == 3
    assert result.output == "District 9: district: roster 'present', county 'missing'\n"


@pytest.mark.parametrize("lang, message", [
    ("en", "The roster matches the county's records."),
    ("es", "La lista coincide con los registros del condado."),
])
def test_check_says_the_roster_matches_when_the_county_layer_agrees(app, staff, runner, lang, message):
    matching = roster_matching_the_county_layer()
    # Accents, a middle initial and the email's case are not differences.
    matching = replace_field(matching, 5, "name", "Mémber Q. 4")
    matching = replace_field(matching, 5, "email", "MEMBER.4@KingCounty.gov")
    with app.app_context():
        apply_roster(parse_roster(matching))
    set_language(staff, lang)
    before = current_roster(app)
    response = press_compare(staff)
    assert response.status_code == 200
    assert message in text(response)
    assert difference_rows(response) == []
    result = runner.invoke(args=["roster", "check"])
    assert result.exit_code == 0
    assert result.output == "The roster matches the county layer.\n"
    assert current_roster(app) == before


def _members(**overrides):
    members = {d: {"name": SHIPPED[d]["name"], "email": SHIPPED[d]["email"]} for d in SHIPPED}
    members.update(overrides)
    return members


def test_comparison_ignores_accents_middle_initials_punctuation_and_case():
    rows = list(SHIPPED.values())
    county = _members(**{
        "4": {"name": "Jorge Baron", "email": "jorge.baron@KINGCOUNTY.GOV"},  # roster: Jorge L. Barón
        "7": {"name": "PETE VON REICHBAUER", "email": "Pete.vonReichbauer@kingcounty.gov"},
        "1": {"name": "  Rod  Dembowski ", "email": "Rod.Dembowski@kingcounty.gov"},
    })
    assert check_against_county(rows, county) == []


def test_comparison_reports_a_different_person_and_a_different_email():
    rows = list(SHIPPED.values())
    county = _members(**{
        "2": {"name": "Nueva Persona", "email": "Rhonda.Lewis@kingcounty.gov"},
        "4": {"name": "Jorge Baron", "email": "Jorge.Baron2@kingcounty.gov"},
    })
    assert check_against_county(rows, county) == [
        {"district": "2", "field": "name", "roster": "Rhonda Lewis", "county": "Nueva Persona"},
        {"district": "4", "field": "email", "roster": "Jorge.Baron@kingcounty.gov",
         "county": "Jorge.Baron2@kingcounty.gov"},
    ]


def test_comparison_reports_districts_missing_from_the_county_layer():
    members = _members()
    del members["3"]
    assert check_against_county(list(SHIPPED.values()), members) == [
        {"district": "3", "field": "district", "roster": "present", "county": "missing"}]


@pytest.mark.parametrize("lang, message", [
    ("en", "The county's layer did not answer. Please try again later."),
    ("es", "La capa del condado no respondió. Inténtelo más tarde."),
])
def test_check_with_the_county_layer_down_gives_503_with_a_message(app, staff, county_layer, lang, message):
    county_layer.arcgis_error = True
    set_language(staff, lang)
    before = current_roster(app)
    response = press_compare(staff)
    assert response.status_code == 503
    assert message in text(response)
    assert difference_rows(response) == []
    assert current_roster(app) == before


def test_check_command_with_the_county_layer_down_fails_with_a_message(app, runner, county_layer):
    county_layer.arcgis_error = True
    result = runner.invoke(args=["roster", "check"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: Could not read the county layer: district layer: ")
    assert result.output == "Error: Could not read the county layer: district layer: Unable to complete operation.\n"


def test_check_without_csrf_token_is_refused_and_does_not_compare(app, staff, county_layer):
    response = staff.post("/staff/roster/check")
    assert response.status_code == 400
    assert "This page expired. Please go back, reload it and try again." in text(response)
    assert difference_rows(response) == []
    assert county_layer.request_count == 0


# ---------------------------------------------------------------- who may press the buttons

def _post_targets(app):
    """(path, data) for each POST-only staff action, with data that would change something if let through."""
    with app.app_context():
        first = db.session.scalar(db.select(RosterRevision.id).order_by(RosterRevision.id))
        # A later revision, so restoring the first one would change the roster.
        apply_roster(parse_roster(NEW_MEMBER), author="someone@campaign.test", action="upload")
    return {
        "apply": ("/staff/roster/apply", {"roster": ROSTER, "base": roster_fingerprint(app)}),
        "restore": (f"/staff/roster/history/{first}/restore", {}),
        "readdress": ("/staff/letters/no-such-letter/readdress", {}),
        "cancel": ("/staff/letters/no-such-letter/cancel", {}),
        "check": ("/staff/roster/check", {}),
    }


ACTIONS = ["apply", "restore", "readdress", "cancel", "check"]


@pytest.mark.parametrize("action", ACTIONS)
def test_anonymous_post_to_a_staff_action_goes_to_the_login_page_and_changes_nothing(app, action):
    path, data = _post_targets(app)[action]
    client = app.test_client()
    token = csrf_token(client.get("/staff/login").get_data(as_text=True))
    before = current_roster(app)
    response = client.post(path, data={**data, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login?next=")
    assert current_roster(app) == before


@pytest.mark.parametrize("lang, title", [("en", "Not for this account"), ("es", "Esta cuenta no tiene acceso")])
@pytest.mark.parametrize("action", ACTIONS)
def test_canvasser_post_to_a_staff_action_is_forbidden_and_changes_nothing(app, canvasser, action, lang, title):
    path, data = _post_targets(app)[action]
    set_language(canvasser, lang)
    token = csrf_token(canvasser.get("/staff/login").get_data(as_text=True))
    before = current_roster(app)
    response = canvasser.post(path, data={**data, "csrf_token": token})
    assert response.status_code == 403
    assert title in text(response)
    assert current_roster(app) == before
