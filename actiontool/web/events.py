"""Canvassers at events: many signers entered fast (or a sign-up sheet), then one print run."""

from flask import Blueprint, Response, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import MultiDict

from actiontool import lookup, uploads
from actiontool.canvassing import events, sheets
from actiontool.forms import ButtonForm, EventForm, EventSignerForm, SheetUploadForm
from actiontool.i18n import current_language
from actiontool.letters.content import default_letter_language
from actiontool.web.auth import canvasser_or_staff, current_user
from actiontool.web.pages import (
    district_choice_context,
    event_or_404,
    lookup_failed_context,
    page_of,
    require_button_token,
    staff_page,
)

bp = Blueprint("events", __name__, url_prefix="/staff")


def _signer_form(formdata=None):
    if formdata is not None:
        return EventSignerForm(formdata=formdata)
    form = EventSignerForm()
    if not form.is_submitted():
        form.letter_language.data = default_letter_language(current_language())
    return form


# Rows to fix and signers shown on one page of an event; the rest are a page link away.
ROWS_PER_PAGE = 50
SIGNERS_PER_PAGE = 100


def _event_page(event, status=200, form=None, upload_form=None, **context):
    rows_page = page_of("rows_page", event["to_fix"], ROWS_PER_PAGE)
    signers_page = page_of("signers_page", event["letters"], SIGNERS_PER_PAGE)
    rows = events.sheet_rows(event["id"], rows_page["offset"], rows_page["limit"])
    for row in rows:
        row["problems"] = sheets.problem_messages(row["cells"], row["lookup_problem"],
                                                   default_letter_language(current_language()))
    return staff_page("events/event.html", status, event=event, form=form or _signer_form(),
                      upload_form=upload_form or SheetUploadForm(), print_form=ButtonForm(),
                      signers=events.event_letters(event["id"], signers_page["offset"], signers_page["limit"],
                                                   newest_first=True),
                      sheet_rows=rows, row_form=ButtonForm(), rows_page=rows_page, signers_page=signers_page,
                      not_looked_up=events.count_not_looked_up(event["id"]),
                      sheet_added=request.args.get("sheet_added", type=int),
                      sheet_to_fix=request.args.get("sheet_to_fix", 0, type=int), **context)


def _check_signer(form):
    """Check one signer's row and look up the address, as the public form does.

    Returns (lookup.Resolved, None) when the row is ready to save, else
    (None, (status, context)): the form then carries its errors, and the
    context explains a failed lookup and offers the way forward.
    """
    if not form.validate():
        return None, (422, district_choice_context(form))
    try:
        return lookup.resolve(_values(form)), None
    except lookup.LookupFailed as failure:
        context = lookup_failed_context(form, failure)
        return None, (200 if context else 422, context)


def _values(form, found=None):
    """The signer form's values, with the page's language and (once looked up) how the district was found."""
    return dict(form.data, ui_language=current_language(), found_by=found.found_by if found else "")


@bp.route("/events", methods=["GET", "POST"])
@canvasser_or_staff
def event_list():
    form = EventForm()
    if form.validate_on_submit():
        event_id = events.create_event(form.name.data, form.date.data, form.place.data, current_user().email)
        return redirect(url_for("events.event", event_id=event_id))
    return staff_page("events/list.html", 422 if form.is_submitted() else 200, form=form, events=events.recent_events())


@bp.route("/events/<int:event_id>", methods=["GET", "POST"])
@canvasser_or_staff
def event(event_id):
    """The signers so far, and the row to enter the next one (looked up as it is saved)."""
    event = event_or_404(event_id)
    form = _signer_form()
    if not form.is_submitted():
        return _event_page(event, form=form)
    found, problem = _check_signer(form)
    if problem:
        status, context = problem
        return _event_page(event, status, form=form, **context)
    events.add_signer(event_id, _values(form, found), found.official, found.district, form.email_it.data)
    return redirect(url_for("events.event", event_id=event_id, added=1) + "#next")


@bp.post("/events/<int:event_id>/upload")
@canvasser_or_staff
def event_upload(event_id):
    """A whole sign-up sheet: good rows saved, bad rows kept to be fixed one by one in the browser."""
    event = event_or_404(event_id)
    upload_form = SheetUploadForm()
    if not upload_form.validate():
        return _event_page(event, 422, upload_form=upload_form)
    try:
        text = uploads.csv_text(upload_form.file.data)
    except uploads.NotText as error:
        return _event_page(event, 422, upload_form=upload_form, sheet_error=str(error))
    most = int(current_app.config["EVENT_MAX_ROWS_TO_FIX"])
    letters, problems = sheets.read_signers(text, default_language=default_letter_language(current_language()),
                                             budget=_lookup_budget(),
                                             max_rows=int(current_app.config["SHEET_MAX_ROWS"]),
                                             max_problems=most - event["to_fix"])
    sheet_wide = [problem for problem in problems if problem.cells is None]
    if sheet_wide:
        return _event_page(event, 422, upload_form=upload_form, sheet_error=_(
            "The sheet could not be read: %(problems)s",
            problems="; ".join(message for problem in sheet_wide for message in problem.messages)))
    if event["to_fix"] + len(problems) > most:
        return _event_page(event, 422, upload_form=upload_form, sheet_error=_(
            "Nothing was added: this sheet has at least %(new)d rows to fix, and this event already has %(kept)d. "
            "An event keeps at most %(most)d. Fix or discard the rows already here, or correct the sheet "
            "and upload it again.", new=len(problems), kept=event["to_fix"], most=most))
    events.add_sheet(event_id, letters, problems, current_language())
    return redirect(url_for("events.event", event_id=event_id, sheet_added=len(letters),
                            sheet_to_fix=len(problems)) + "#sheet", code=303)


@bp.post("/events/<int:event_id>/rows/look-up")
@canvasser_or_staff
def look_up_rows(event_id):
    """Look up the sheet rows whose turn had not come yet (the upload's time ran out first)."""
    event_or_404(event_id)
    require_button_token()
    added = events.look_up_kept_rows(event_id, default_letter_language(current_language()), current_language(),
                                     _lookup_budget())
    to_fix = events.event_values(event_id)["to_fix"]
    return redirect(url_for("events.event", event_id=event_id, sheet_added=added, sheet_to_fix=to_fix)
                    + "#sheet", code=303)


def _lookup_budget():
    """A sheet's lookups stop after SHEET_LOOKUP_SECONDS, well before the web server's timeout."""
    return sheets.LookupBudget(float(current_app.config["SHEET_LOOKUP_SECONDS"]))


@bp.route("/events/<int:event_id>/rows/<int:row_id>", methods=["GET", "POST"])
@canvasser_or_staff
def fix_row(event_id, row_id):
    """One kept sheet row in the signer form, with its problems shown; saving it makes the letter."""
    event = event_or_404(event_id)
    row = events.sheet_row(event_id, row_id)
    if row is None:
        return _row_gone(event, 404 if request.method == "GET" else 409)
    if request.method == "GET":
        # The kept row is checked exactly as if it had just been typed into the form (with a
        # token made for this session), so it shows the same errors, matches and choices.
        cells = sheets.form_values(row["cells"], default_language=default_letter_language(current_language()))
        form = _signer_form(MultiDict(dict(cells, csrf_token=generate_csrf())))
        found, problem = _check_signer(form)
        context = problem[1] if problem else {"found_district": found.district, **district_choice_context(form)}
        agreement = sheets.agreement_problem(row["cells"])
        if agreement:  # the box starts unticked: the sheet did not say yes
            form.email_it.errors = [*form.email_it.errors, agreement]
        return staff_page("events/fix_row.html", event=event, row=row, form=form, row_form=ButtonForm(), **context)
    form = _signer_form()
    found, problem = _check_signer(form)
    if problem:
        status, context = problem
        return staff_page("events/fix_row.html", status, event=event, row=row, form=form, row_form=ButtonForm(),
                     **context)
    if events.add_signer(event_id, _values(form, found), found.official, found.district, form.email_it.data,
                         sheet_row_id=row_id) is None:
        return _row_gone(event, 409)
    return _next_row(event_id)


@bp.post("/events/<int:event_id>/rows/<int:row_id>/discard")
@canvasser_or_staff
def discard_row(event_id, row_id):
    event = event_or_404(event_id)
    require_button_token()
    if not events.discard_sheet_row(event_id, row_id):
        return _row_gone(event, 409)
    return redirect(url_for("events.event", event_id=event_id) + "#sheet", code=303)


def _next_row(event_id):
    """After a fixed row: the next row to fix, or the event when none is left."""
    rows = events.sheet_rows(event_id, limit=1)
    if rows:
        return redirect(url_for("events.fix_row", event_id=event_id, row_id=rows[0]["id"], saved=1), code=303)
    return redirect(url_for("events.event", event_id=event_id, added=1) + "#sheet", code=303)


def _row_gone(event, status):
    """Someone else already saved or discarded the row: say so, and save nothing twice."""
    return _event_page(event, status, row_gone=True)


@bp.get("/events/template.csv")
@canvasser_or_staff
def sheet_template():
    language = request.args.get("lang_sheet")
    if language not in ("en", "es"):
        language = current_language()
    return Response(sheets.template_csv(language), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="sign-up-sheet-{language}.csv"'})


def init_app(app):
    app.register_blueprint(bp)
