"""The supporter's pages: landing, the letter form, the preview and the PDF."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from wtforms.fields import SelectChoice

from actiontool import lookup
from actiontool.forms import LetterForm, SendForm
from actiontool.i18n import current_language
from actiontool.letters import (
    compose,
    default_letter_language,
    letter_values,
    save_letter,
)
from actiontool.models import DATABASE_AWAY, discard_failed_transaction
from actiontool.pdf import letter_pdf

bp = Blueprint("views", __name__)
csrf = CSRFProtect()

# Lookup outcomes after which the supporter may pick the district by hand.
CHOOSE_BY_HAND = (lookup.NOT_FOUND, lookup.UNAVAILABLE)


@bp.get("/")
def index():
    """What Secure Communities and ICE holds are, what the letter asks, and the way in."""
    return render_template("index.html")


@bp.get("/privacy")
def privacy():
    """What we collect, who receives what, how long we keep it: each sentence true of the code."""
    return render_template("privacy.html", retention_days=int(current_app.config["RETENTION_DAYS"]))


@bp.route("/write", methods=["GET", "POST"])
def write():
    """The letter form: find the supporter's district, then save the letter and show it."""
    form = LetterForm()
    if not form.is_submitted():
        form.letter_language.data = default_letter_language(current_language())
        return render_template("write.html", form=form)
    if not form.validate():
        return render_template("write.html", form=form), 422
    if form.website.data:
        # A bot filled the hidden field: it gets a page, and nothing is looked up or saved.
        return redirect(url_for("views.index"))

    values = form.data
    try:
        district, official = lookup.resolve(values)
    except lookup.LookupFailed as failure:
        return _lookup_failed(form, failure)

    token = save_letter(values, official, district, current_language())
    return redirect(url_for("views.letter", token=token))


def lookup_failed_context(form, failure):
    """Template values that explain a failed lookup and offer the way forward (shared with events)."""
    if failure.code == lookup.ZIP_OUTSIDE_COUNTY:
        form.zip.errors = [failure.message]
        return {}
    form.candidate.choices = [SelectChoice(c) for c in failure.candidates]
    return {
        "outcome": failure.code,
        "outcome_message": failure.message,
        "choose_district": failure.code in CHOOSE_BY_HAND,
        "finder_url": current_app.config["COUNTY_DISTRICT_FINDER_URL"],
    }


def _lookup_failed(form, failure):
    """The form again, with what was typed, the outcome explained and the way forward."""
    context = lookup_failed_context(form, failure)
    return render_template("write.html", form=form, **context), (200 if context else 422)


def _letter_or_404(token):
    """The letter with its supporter's details; 404 if unknown, 410 once retention removed them."""
    letter = letter_values(token)
    if letter is None:
        abort(404)
    if letter["purged_at"]:
        abort(410)
    return letter


@bp.get("/letters/<token>")
def letter(token):
    """The preview: exactly the text the official will receive."""
    letter = _letter_or_404(token)
    form = SendForm(email=letter["email"] or None)
    return render_template("letter.html", letter=letter, letter_html=compose(letter), send_form=form)


@bp.get("/letters/<token>.pdf")
def letter_as_pdf(token):
    """The letter as a printable US-Letter PDF."""
    letter = _letter_or_404(token)
    response = make_response(letter_pdf(letter, compose(letter)))
    response.headers["Content-Type"] = "application/pdf"
    filename = f"letter-king-county-district-{letter['district']}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _error_page(status, title, message):
    if request_ctx.url_adapter is None:
        # The request's Host header could not be read, so no link can be built: the message alone.
        return Response(f"{title}\n\n{message}\n", mimetype="text/plain"), status
    return render_template("error.html", title=title, message=message), status


def init_app(app):
    """Register the pages, CSRF protection, privacy headers and translated error pages."""
    csrf.init_app(app)
    app.register_blueprint(bp)

    @app.after_request
    def privacy_headers(response):
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        )
        if request.endpoint in ("views.letter", "views.letter_as_pdf", "views.write") or \
                request.blueprint in ("delivery", "staff", "events", "api"):
            response.headers["Cache-Control"] = "no-store"
        if app.config["BASE_URL"].startswith("https:"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        if request.endpoint == "views.write":
            # Keep what the supporter typed: show the form again with a fresh token.
            form = LetterForm()
            form.validate()
            return render_template(
                "write.html", form=form, outcome="expired",
                outcome_message=_("This page was open for a while, so for your safety "
                                  "please check your details and press the button again."),
            ), 400
        if request.endpoint == "delivery.send":
            from actiontool.delivery_pages import send_form_again

            try:
                return send_form_again(request.view_args["token"])
            except HTTPException as missing:  # no such letter: its own translated page
                return app.handle_user_exception(missing)
        return _error_page(400, _("Please try again"),
                           _("This page expired. Please go back, reload it and try again."))

    @app.errorhandler(400)
    def bad_request(error):
        return _error_page(400, _("We could not read that"),
                           _("What was sent is not something this page can read. Please go back, check "
                             "what you typed and try again."))

    @app.errorhandler(403)
    def forbidden(error):
        return _error_page(403, _("Not for this account"),
                           _("Your account cannot open this page. Ask a staff member if you need it."))

    @app.errorhandler(404)
    def not_found(error):
        return _error_page(404, _("Page not found"),
                           _("We could not find that page. The link may be incomplete."))

    @app.errorhandler(405)
    def method_not_allowed(error):
        return _error_page(405, _("Please try again"),
                           _("That page cannot be reached this way. Please start again from the home page."))

    @app.errorhandler(410)
    def gone(error):
        return _error_page(410, _("This letter's details were deleted"),
                           _("To protect your privacy we keep your name and address only for a short time. "
                             "Thank you for writing!"))

    @app.errorhandler(413)
    def too_large(error):
        return _error_page(413, _("That was too much"),
                           _("What you sent was too large for us to read. Please shorten your note "
                             "and try again."))

    def database_away(error):
        # The message, not the statement: hide_parameters keeps values out, and this keeps the SQL out too.
        app.logger.error("database unavailable: %s", error.__class__.__name__)
        discard_failed_transaction()
        message = _("We cannot reach our records right now, so nothing was saved. "
                    "Please go back and try again in a few minutes.")
        if request.blueprint == "api":
            return jsonify({"error": "unavailable", "message": message}), 503, {"Retry-After": "60"}
        response, status = _error_page(503, _("We are having trouble on our side"), message)
        return response, status, {"Retry-After": "60"}

    for away in DATABASE_AWAY:
        app.register_error_handler(away, database_away)

    @app.errorhandler(500)
    def server_error(error):
        return _error_page(500, _("Something went wrong on our side"),
                           _("We are sorry. Please try again in a few minutes."))
