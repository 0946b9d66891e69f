"""The staff console: sign-in and sign-out, the home page and dashboard, CSV exports, the districts page, the
roster pages, and the letters staff decide on (held and failed)."""

import datetime as dt
import hashlib
import re

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import escape

from actiontool import accounts, lookup, reports, roster, uploads
from actiontool.addresses.build import SKIP_REASONS
from actiontool.forms import ButtonForm, LoginForm, OfficialForm, RosterApplyForm, RosterUploadForm
from actiontool.i18n import LANGUAGES, force_locale
from actiontool.letters.content import local_date
from actiontool.lookup.service import ServiceUnavailable
from actiontool.mail import held
from actiontool.models import Official, User, db, utcnow
from actiontool.web import auth
from actiontool.web.auth import current_user, role_required, staff_required
from actiontool.web.pages import done_notice, require_button_token, show_problems, staff_page

bp = Blueprint("staff", __name__, url_prefix="/staff")


# A path on this site, in plain URL characters (no escapes): browsers drop tabs and newlines and read "\\" as "/",
# so "/\t/evil.example" would become "//evil.example" (another host).
LOCAL_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9/_.~?=&+-]*")
# The partner snippet's frame height (px): the letter form at a phone's width, with no inner scroll bar.
EMBED_HEIGHT = 1900


def _safe_next(target):
    """Only a path inside this site (never another host) after signing in."""
    if target and LOCAL_PATH.fullmatch(target):
        return target
    return url_for("staff.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in; failures are counted per account and per client, and too many make them wait."""
    form = LoginForm()
    if not form.is_submitted():
        return render_template("staff/login.html", form=form)
    if not form.validate():
        return render_template("staff/login.html", form=form), 422
    device = accounts.known_device(request.cookies.get(accounts.DEVICE_COOKIE), form.email.data)
    outcome, user = accounts.authenticate(form.email.data, form.password.data, request.remote_addr or "-", device)
    if outcome == accounts.OK:
        auth.log_in(user)
        response = redirect(_safe_next(request.args.get("next")))
        response.set_cookie(accounts.DEVICE_COOKIE, accounts.device_cookie(user.email), path=url_for("staff.login"),
                            max_age=accounts.DEVICE_COOKIE_DAYS * 86400, httponly=True, samesite="Strict",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
        return response
    if outcome == accounts.SLOWED:
        minutes = int(current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
        message, status = _("Too many failed attempts. Please wait %(minutes)d minutes and try again.",
                            minutes=minutes), 429
    else:
        message, status = _("That email and password do not match an active account."), 401
    return render_template("staff/login.html", form=form, message=message), status


@bp.post("/logout")
def logout():
    require_button_token()
    auth.log_out()
    return redirect(url_for("staff.login"))


@bp.get("/")
@role_required(User.STAFF, User.CANVASSER)
def home():
    """Staff see what was sent; canvassers see their tools."""
    user = current_user()
    if user.role != User.STAFF:
        return staff_page("staff/home.html", user=user)
    counts = reports.summary()
    chart = reports.bar_chart_svg(counts["per_day"], label=_("Letters per day, last 30 days"))
    return staff_page("staff/dashboard.html", user=user, counts=counts, chart=chart)


@bp.get("/letters.csv")
@staff_required
def letters_csv():
    return Response(reports.letters_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="letters.csv"'})


@bp.get("/opt-ins.csv")
@staff_required
def opt_ins_csv():
    return Response(reports.opt_ins_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="campaign-opt-ins.csv"'})


@bp.get("/districts")
@staff_required
def districts_page():
    """Which data answers lookups: the district polygons (local or the live layer) and the address index."""
    return staff_page("staff/districts.html", skip_reasons=SKIP_REASONS, **lookup.data_in_use())


def _fingerprint(rows):
    """Identifies the roster a preview was computed against."""
    return hashlib.sha256(roster.export_roster(rows).encode()).hexdigest()


NOTICES = {
    "applied": lambda: _("The roster was updated."),
    "restored": lambda: _("The roster was restored."),
    "saved": lambda: _("The official was saved."),
}


def is_stale(verified_on, today, stale_after_days):
    """Whether a roster row last verified on `verified_on` (ISO date) is over `stale_after_days` days old."""
    return dt.date.fromisoformat(verified_on) < today - dt.timedelta(days=stale_after_days)


@bp.get("/roster")
@staff_required
def roster_list():
    """The roster, each row flagged when it was last verified too long ago (on King County's calendar)."""
    officials = db.session.scalars(db.select(Official)).all()
    ids = {(o.office, o.district): o.id for o in officials}
    notice = done_notice(NOTICES)
    today, stale_after = local_date(utcnow()), int(current_app.config["ROSTER_STALE_AFTER_DAYS"])
    rows = [dict(row, stale=is_stale(row["verified_on"], today, stale_after)) for row in roster.roster_rows()]
    return staff_page("staff/roster.html", officials=rows, ids=ids, notice=notice, stale_after=stale_after)


@bp.route("/roster/upload", methods=["GET", "POST"])
@staff_required
def roster_upload():
    """Check a whole file, then show exactly what would change; nothing changes until Apply."""
    form = RosterUploadForm()
    if not form.validate_on_submit():
        return staff_page("staff/roster_upload.html", 422 if form.is_submitted() else 200, form=form)
    try:
        text = uploads.csv_text(form.file.data)
    except uploads.NotText as error:
        return staff_page("staff/roster_upload.html", 422, form=form, file_error=str(error))
    try:
        rows = roster.parse_roster(text)
    except roster.RosterInvalid as error:
        return staff_page("staff/roster_upload.html", 422, form=form, problems=error.problems)
    current = roster.roster_rows()
    apply_form = RosterApplyForm(roster=text, base=_fingerprint(current))
    return staff_page("staff/roster_preview.html", changes=roster.diff_roster(current, rows), form=apply_form)


@bp.post("/roster/apply")
@staff_required
def roster_apply():
    """Apply a previewed roster, in one transaction, unless the roster changed since the preview."""
    form = RosterApplyForm()
    if not form.validate():
        abort(400)
    if form.base.data != _fingerprint(roster.roster_rows()):
        return staff_page("staff/roster_upload.html", 409, form=RosterUploadForm(), file_error=_(
            "The roster changed since this preview. Please upload the file again to see what would change now."))
    try:
        rows = roster.parse_roster(form.roster.data)
    except roster.RosterInvalid as error:
        return staff_page("staff/roster_upload.html", 422, form=RosterUploadForm(), problems=error.problems)
    roster.apply_roster(rows, author=current_user().email, action="upload")
    return redirect(url_for("staff.roster_list", done="applied"))


@bp.route("/roster/<int:official_id>/edit", methods=["GET", "POST"])
@staff_required
def official_edit(official_id):
    official = db.session.get(Official, official_id) or abort(404)
    row = next(r for r in roster.roster_rows() if roster.identity(r) == (official.office, official.district))
    form = OfficialForm(data=row)
    if not form.validate_on_submit():
        return staff_page("staff/official_edit.html", 422 if form.is_submitted() else 200, form=form, official=row)
    values = {name: field.data or "" for name, field in form._fields.items() if name in roster.COLUMNS}
    try:
        roster.edit_official(official.office, official.district, values, author=current_user().email)
    except roster.RosterInvalid as error:
        show_problems(form, error.problems)
        return staff_page("staff/official_edit.html", 422, form=form, official=row)
    return redirect(url_for("staff.roster_list", done="saved"))


@bp.get("/roster/history")
@staff_required
def roster_history():
    return staff_page("staff/roster_history.html", revisions=roster.revisions(), restore_form=ButtonForm())


@bp.post("/roster/history/<int:revision_id>/restore")
@staff_required
def roster_restore(revision_id):
    require_button_token()
    try:
        roster.restore_revision(revision_id, author=current_user().email)
    except LookupError:
        abort(404)
    return redirect(url_for("staff.roster_list", done="restored"))


@bp.route("/roster/check", methods=["GET", "POST"])
@staff_required
def roster_check():
    """Compare with the county's layer (COUNCILMEM, EMAIL) when the button is pressed."""
    form = ButtonForm()
    if not form.validate_on_submit():
        return staff_page("staff/roster_check.html", form=form)
    try:
        differences = roster.check_against_county(roster.roster_rows(), lookup.county_members())
    except ServiceUnavailable:
        return staff_page("staff/roster_check.html", 503, form=form,
                     error=_("The county's layer did not answer. Please try again later."))
    return staff_page("staff/roster_check.html", form=form, differences=differences, checked=True)


@bp.get("/letters/held")
@staff_required
def held_letters():
    notice = done_notice(NOTICES)
    return staff_page("staff/held.html", letters=held.held_letters(), form=ButtonForm(), notice=notice)


@bp.post("/letters/<token>/readdress")
@staff_required
def letter_readdress(token):
    require_button_token()
    outcome = held.readdress(token)
    if outcome == held.NOT_HELD:
        abort(404)
    if outcome == held.VACANT:
        return staff_page("staff/held.html", 409, letters=held.held_letters(), form=ButtonForm(), notice=_(
            "Nobody holds that office in the roster now. Add the new official first, then re-address."))
    if outcome == held.NO_EMAIL:
        return staff_page("staff/held.html", 409, letters=held.held_letters(), form=ButtonForm(), notice=_(
            "The new official has no email address in the roster, so this letter cannot be emailed. "
            "Add their email first, or cancel the letter."))
    return redirect(url_for("staff.held_letters"))


@bp.get("/letters/failed")
@staff_required
def failed_letters():
    return staff_page("staff/failed.html", letters=held.failed_letters(), form=ButtonForm())


@bp.post("/letters/<token>/retry")
@staff_required
def letter_retry(token):
    require_button_token()
    if not held.retry(token):
        return staff_page("staff/failed.html", 409, letters=held.failed_letters(), form=ButtonForm(), notice=_(
            "This letter cannot be sent again: its official has left or has no email address now. "
            "Cancel it; the supporter can still print it."))
    return redirect(url_for("staff.failed_letters"))


@bp.post("/letters/<token>/cancel")
@staff_required
def letter_cancel(token):
    require_button_token()
    if not held.cancel(token):
        abort(404)
    back = "staff.failed_letters" if request.args.get("back") == "failed" else "staff.held_letters"
    return redirect(url_for(back))


@bp.get("/roster.csv")
@staff_required
def roster_csv():
    return Response(roster.export_roster(roster.roster_rows()), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="officials.csv"'})


@bp.get("/embed")
@staff_required
def embed_snippets():
    """The copy-paste snippet that shows the letter form in each partner site of EMBED_PARTNERS, in each language."""
    base = current_app.config["BASE_URL"].rstrip("/")
    partners = []
    for tag, origin in sorted(current_app.config["EMBED_PARTNERS"].items()):
        snippets = {}
        for language in LANGUAGES:
            with force_locale(language):
                title = _("Write to your King County Council member")
            src = f"{base}{url_for('embed.embed')}?partner={tag}&amp;lang={language}"
            snippets[language] = (f'<iframe src="{src}" title="{escape(title)}" width="100%" height="{EMBED_HEIGHT}" '
                                  'loading="lazy" style="border: 0"></iframe>')
        partners.append({"tag": tag, "origin": origin, "snippets": snippets})
    return staff_page("staff/embed.html", partners=partners)


def init_app(app):
    app.register_blueprint(bp)

    @app.context_processor
    def signed_in_user():
        return {"signed_in_user": current_user}
