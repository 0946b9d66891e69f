"""Print runs: a whole event, blank letters, delivery packets; their progress and their one download."""

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _

from actiontool import roster
from actiontool.forms import BlankLettersForm, PacketForm
from actiontool.i18n import current_language
from actiontool.models import User
from actiontool.printing import jobs
from actiontool.web.auth import canvasser_or_staff, current_user, staff_required
from actiontool.web.pages import event_or_404, require_button_token, staff_page

bp = Blueprint("prints", __name__, url_prefix="/staff")


@bp.post("/events/<int:event_id>/print")
@canvasser_or_staff
def event_print(event_id):
    event_or_404(event_id)
    require_button_token()
    token = jobs.request_job("event", {"event_id": event_id, "cover_language": current_language()},
                                   current_user().email)
    return redirect(url_for("prints.print_job", token=token))


@bp.route("/print/blank", methods=["GET", "POST"])
@canvasser_or_staff
def blank_letters():
    form = BlankLettersForm()
    if form.validate_on_submit():
        token = jobs.request_job("blank", {"district": form.district.data, "copies": form.copies.data,
                                                 "language": form.language.data,
                                                 "cover_language": current_language()}, current_user().email)
        return redirect(url_for("prints.print_job", token=token))
    return staff_page("events/blank.html", 422 if form.is_submitted() else 200, form=form)


@bp.route("/print/packet", methods=["GET", "POST"])
@staff_required
def delivery_packet():
    form = PacketForm()
    # Letters are written to councilmembers only, so only they can have a packet.
    form.office.choices = [(f"{row['office']}:{row['district']}", f"{row['name']} ({row['office']} {row['district']})")
                           for row in roster.roster_rows() if row["office"] == "councilmember"]
    if form.validate_on_submit():
        office, _sep, district = form.office.data.partition(":")
        token = jobs.request_job("packet", {
            "office": office, "district": district, "since": form.since.data.isoformat(),
            "until": form.until.data.isoformat(), "cover_language": current_language()}, current_user().email)
        return redirect(url_for("prints.print_job", token=token))
    return staff_page("events/packet.html", 422 if form.is_submitted() else 200, form=form)


@bp.get("/prints/<token>")
@canvasser_or_staff
def print_job(token):
    """Progress of a print run: refreshes itself without JavaScript; with it, updates live."""
    job = _job_or_404(token)
    return staff_page("events/print_job.html", job=job)


@bp.get("/prints/<token>.json")
@canvasser_or_staff
def print_job_json(token):
    job = _job_or_404(token)
    return jsonify({k: job[k] for k in ("status", "done", "total", "letters", "ready")})


@bp.get("/prints/<token>.pdf")
@canvasser_or_staff
def print_job_pdf(token):
    _job_or_404(token)
    pdf = jobs.take_pdf(token)
    if pdf is None:
        return render_template("error.html", title=_("This PDF is no longer here"), message=_(
            "This PDF was already downloaded or has expired. Start a new print run if you need it again.")), 410
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="letters.pdf"'})


def _job_or_404(token):
    """A print job's values; 404 if unknown. A delivery packet (every event letter to one office) and a packet
    of public comments are staff's, like the pages that make them: a canvasser gets 403 even holding the link."""
    job = jobs.job_values(token) or abort(404)
    if job["kind"] in ("packet", "comments") and current_user().role != User.STAFF:
        abort(403)
    return job


def init_app(app):
    app.register_blueprint(bp)
