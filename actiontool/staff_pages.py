"""The staff console: sign-in and sign-out, the console's home, and the roster pages."""

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from actiontool import accounts, roster
from actiontool.accounts import current_user, role_required, staff_required
from actiontool.forms import ButtonForm, LoginForm
from actiontool.models import User

bp = Blueprint("staff", __name__, url_prefix="/staff")


def _safe_next(target):
    """Only a path inside this site (never another host) after signing in."""
    if target and target.startswith("/") and not target.startswith("//"):
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
    outcome, user = accounts.authenticate(form.email.data, form.password.data, request.remote_addr or "-")
    if outcome == accounts.OK:
        accounts.log_in(user)
        return redirect(_safe_next(request.args.get("next")))
    if outcome == accounts.SLOWED:
        message, status = _("Too many failed attempts. Please wait 15 minutes and try again."), 429
    else:
        message, status = _("That email and password do not match an active account."), 401
    return render_template("staff/login.html", form=form, message=message), status


@bp.post("/logout")
def logout():
    if ButtonForm().validate():
        accounts.log_out()
    return redirect(url_for("staff.login"))


@bp.get("/")
@role_required(User.STAFF, User.CANVASSER)
def home():
    return render_template("staff/home.html", user=current_user(), logout_form=ButtonForm())


@bp.get("/roster")
@staff_required
def roster_list():
    return render_template("staff/roster.html", officials=roster.roster_rows(), logout_form=ButtonForm())


@bp.get("/roster.csv")
@staff_required
def roster_csv():
    return Response(roster.export_roster(roster.roster_rows()), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="officials.csv"'})


def init_app(app):
    app.register_blueprint(bp)

    @app.context_processor
    def signed_in_user():
        return {"signed_in_user": current_user}
