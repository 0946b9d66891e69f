"""Canvassers at events: many signers entered fast (or a sign-up sheet), then one print run."""

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from actiontool import events, lookup, print_jobs, signers
from actiontool.accounts import current_user, role_required, staff_required
from actiontool.forms import BlankLettersForm, ButtonForm, EventForm, EventSignerForm, PacketForm, SheetUploadForm
from actiontool.i18n import current_language
from actiontool.letters import default_letter_language
from actiontool.models import User
from actiontool.views import lookup_failed_context

bp = Blueprint("events", __name__, url_prefix="/staff")
canvasser_or_staff = role_required(User.STAFF, User.CANVASSER)


def _page(template, status=200, **context):
    return render_template(template, logout_form=ButtonForm(), **context), status


def _event_or_404(event_id):
    event = events.event_values(event_id)
    if event is None:
        abort(404)
    return event


def _signer_form():
    form = EventSignerForm()
    if not form.is_submitted():
        form.letter_language.data = default_letter_language(current_language())
    return form


def _event_page(event, status=200, form=None, upload_form=None, **context):
    return _page("events/event.html", status, event=event, form=form or _signer_form(),
                 upload_form=upload_form or SheetUploadForm(), print_form=ButtonForm(),
                 signers=events.event_letters(event["id"]), **context)


@bp.route("/events", methods=["GET", "POST"])
@canvasser_or_staff
def event_list():
    form = EventForm()
    if form.validate_on_submit():
        event_id = events.create_event(form.name.data, form.date.data, form.place.data, current_user().email)
        return redirect(url_for("events.event", event_id=event_id))
    return _page("events/list.html", 422 if form.is_submitted() else 200, form=form, events=events.recent_events())


@bp.route("/events/<int:event_id>", methods=["GET", "POST"])
@canvasser_or_staff
def event(event_id):
    """The signers so far, and the row to enter the next one (looked up as it is saved)."""
    event = _event_or_404(event_id)
    form = _signer_form()
    if not form.is_submitted():
        return _event_page(event, form=form)
    if not form.validate():
        return _event_page(event, 422, form=form)
    values = dict(form.data, ui_language=current_language())
    try:
        district, official = lookup.resolve(values)
    except lookup.LookupFailed as failure:
        context = lookup_failed_context(form, failure)
        return _event_page(event, 200 if context else 422, form=form, **context)
    events.add_signer(event_id, values, official, district, form.email_it.data)
    return redirect(url_for("events.event", event_id=event_id, added=1) + "#next")


@bp.post("/events/<int:event_id>/upload")
@canvasser_or_staff
def event_upload(event_id):
    """A whole sign-up sheet: good rows saved, each bad row listed by line to fix by hand."""
    event = _event_or_404(event_id)
    upload_form = SheetUploadForm()
    if not upload_form.validate():
        return _event_page(event, 422, upload_form=upload_form)
    try:
        text = upload_form.file.data.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return _event_page(event, 422, upload_form=upload_form, sheet_error=_(
            'The file is not UTF-8 text. Save it as "CSV UTF-8" and try again.'))
    letters, problems = signers.read_signers(text, default_language=default_letter_language(current_language()))
    for letter in letters:
        events.add_signer(event_id, dict(letter, letter_language=letter["language"], ui_language=current_language()),
                          _official(letter), letter["district"], email_it=False)
    return _event_page(_event_or_404(event_id), 422 if problems else 200, sheet_problems=problems,
                       sheet_added=len(letters))


def _official(letter):
    from actiontool.letters import councilmember_for

    return councilmember_for(letter["district"])


@bp.get("/events/template.csv")
@canvasser_or_staff
def sheet_template():
    language = request.args.get("lang_sheet")
    if language not in ("en", "es"):
        language = current_language()
    return Response(signers.template_csv(language), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="sign-up-sheet-{language}.csv"'})


@bp.post("/events/<int:event_id>/print")
@canvasser_or_staff
def event_print(event_id):
    _event_or_404(event_id)
    if not ButtonForm().validate():
        abort(400)
    token = print_jobs.request_job("event", {"event_id": event_id, "cover_language": current_language()},
                                   current_user().email)
    return redirect(url_for("events.print_job", token=token))


@bp.route("/print/blank", methods=["GET", "POST"])
@canvasser_or_staff
def blank_letters():
    form = BlankLettersForm()
    if form.validate_on_submit():
        token = print_jobs.request_job("blank", {"district": form.district.data, "copies": form.copies.data,
                                                 "language": form.language.data,
                                                 "cover_language": current_language()}, current_user().email)
        return redirect(url_for("events.print_job", token=token))
    return _page("events/blank.html", 422 if form.is_submitted() else 200, form=form)


@bp.route("/print/packet", methods=["GET", "POST"])
@staff_required
def delivery_packet():
    form = PacketForm()
    form.office.choices = [(f"{office}:{district}", f"{name} ({office} {district})".strip())
                           for office, district, name in print_jobs.offices()]
    if form.validate_on_submit():
        office, _sep, district = form.office.data.partition(":")
        token = print_jobs.request_job("packet", {
            "office": office, "district": district, "since": form.since.data.isoformat(),
            "until": form.until.data.isoformat(), "cover_language": current_language()}, current_user().email)
        return redirect(url_for("events.print_job", token=token))
    return _page("events/packet.html", 422 if form.is_submitted() else 200, form=form)


@bp.get("/prints/<token>")
@canvasser_or_staff
def print_job(token):
    """Progress of a print run: refreshes itself without JavaScript; with it, updates live."""
    job = print_jobs.job_values(token) or abort(404)
    return _page("events/print_job.html", job=job)


@bp.get("/prints/<token>.json")
@canvasser_or_staff
def print_job_json(token):
    job = print_jobs.job_values(token) or abort(404)
    return jsonify({k: job[k] for k in ("status", "done", "total", "letters", "ready")})


@bp.get("/prints/<token>.pdf")
@canvasser_or_staff
def print_job_pdf(token):
    print_jobs.job_values(token) or abort(404)
    pdf = print_jobs.take_pdf(token)
    if pdf is None:
        return render_template("error.html", title=_("This PDF is no longer here"), message=_(
            "This PDF was already downloaded or has expired. Start a new print run if you need it again.")), 410
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="letters.pdf"'})


def init_app(app):
    app.register_blueprint(bp)
