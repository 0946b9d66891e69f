"""The staff pages for the district areas: the nine districts with their areas, editing one district, uploading
a whole file (checked, previewed, then applied in one transaction), and downloading it."""

import hashlib

from flask import Blueprint, Response, abort, redirect, url_for
from flask_babel import gettext as _

from actiontool import uploads
from actiontool.forms.areas import AreasApplyForm, AreasUploadForm, DistrictAreaForm
from actiontool.officials import COUNCIL_DISTRICTS
from actiontool.roster import areas
from actiontool.web.auth import current_user, staff_required
from actiontool.web.pages import done_notice, show_problems, staff_page

bp = Blueprint("areas", __name__, url_prefix="/staff/areas")

NOTICES = {
    "saved": lambda: _("The district's areas were saved."),
    "applied": lambda: _("The district areas were updated."),
}


@bp.get("/")
@staff_required
def area_list():
    """The nine districts, each with its member, its areas in both languages, their source and date."""
    stored = {row["district"]: row for row in areas.area_rows()}
    members = {choice["district"]: choice["member"] for choice in areas.district_choices("en")}
    notice = done_notice(NOTICES)
    return staff_page("staff/areas.html", districts=COUNCIL_DISTRICTS, stored=stored, members=members,
                      notice=notice)


@bp.route("/<district>/edit", methods=["GET", "POST"])
@staff_required
def area_edit(district):
    """Change one district's areas, source and date; every problem is shown next to its field."""
    if district not in COUNCIL_DISTRICTS:
        abort(404)
    form = DistrictAreaForm(data=areas.area_row(district) or {})
    if not form.is_submitted():
        return staff_page("staff/areas_edit.html", form=form, district=district)
    valid = form.validate()
    values = {name: field.data or "" for name, field in form._fields.items() if name in areas.COLUMNS}
    try:
        if valid:
            areas.edit_area(district, values, author=current_user().email)
            return redirect(url_for("areas.area_list", done="saved"))
        problems = areas.check_row(dict(values, district=district))  # every problem at once, not limits first
    except areas.AreasInvalid as error:
        problems = error.problems
    show_problems(form, problems)
    return staff_page("staff/areas_edit.html", 422, form=form, district=district)


def _fingerprint(rows):
    """Identifies the stored areas a preview was computed against."""
    return hashlib.sha256(areas.export_areas(rows).encode()).hexdigest()


def _changes(current, rows):
    """Per district of the new file: "added", "changed" (with each field's old and new value) or "unchanged"."""
    old = {row["district"]: row for row in current}
    changes = []
    for row in rows:
        before = old.get(row["district"])
        fields = {c: [before[c], row[c]] for c in areas.COLUMNS if before is not None and before[c] != row[c]}
        state = "added" if before is None else "changed" if fields else "unchanged"
        changes.append({"district": row["district"], "state": state, "fields": fields, "row": row})
    return changes


@bp.route("/upload", methods=["GET", "POST"])
@staff_required
def area_upload():
    """Check a whole file, then show what would change; nothing changes until Apply."""
    form = AreasUploadForm()
    if not form.validate_on_submit():
        return staff_page("staff/areas_upload.html", 422 if form.is_submitted() else 200, form=form)
    try:
        text = uploads.csv_text(form.file.data)
    except uploads.NotText as error:
        return staff_page("staff/areas_upload.html", 422, form=form, file_error=str(error))
    try:
        rows = areas.parse_areas(text)
    except areas.AreasInvalid as error:
        return staff_page("staff/areas_upload.html", 422, form=form, problems=error.problems)
    current = [{c: row[c] for c in areas.COLUMNS} for row in areas.area_rows()]
    apply_form = AreasApplyForm(areas=text, base=_fingerprint(current))
    return staff_page("staff/areas_preview.html", changes=_changes(current, rows), form=apply_form)


@bp.post("/apply")
@staff_required
def area_apply():
    """Apply a previewed file in one transaction, unless the stored areas changed since the preview."""
    form = AreasApplyForm()
    if not form.validate():
        abort(400)
    current = [{c: row[c] for c in areas.COLUMNS} for row in areas.area_rows()]
    if form.base.data != _fingerprint(current):
        return staff_page("staff/areas_upload.html", 409, form=AreasUploadForm(), file_error=_(
            "The district areas changed since this preview. Please upload the file again to see what would "
            "change now."))
    try:
        rows = areas.parse_areas(form.areas.data)
    except areas.AreasInvalid as error:
        return staff_page("staff/areas_upload.html", 422, form=AreasUploadForm(), problems=error.problems)
    areas.apply_areas(rows, author=current_user().email)
    return redirect(url_for("areas.area_list", done="applied"))


@bp.get("/district_areas.csv")
@staff_required
def area_csv():
    return Response(areas.export_areas(areas.area_rows()), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="district_areas.csv"'})


def init_app(app):
    app.register_blueprint(bp)
