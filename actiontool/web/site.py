"""App-wide web behaviour: CSRF protection, privacy headers and every translated error page."""

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect

from actiontool.i18n import current_language
from actiontool.meetings.schedule import when_text
from actiontool.models import DATABASE_AWAY, discard_failed_transaction
from actiontool.officials import title_in_sentence
from actiontool.web.pages import error_page, expired_page

csrf = CSRFProtect()


def content_security_policy(frame_ancestors="'none'"):
    """The Content-Security-Policy every page gets; only `frame_ancestors` may differ (the partners' embed)."""
    return ("default-src 'self'; img-src 'self' data:; style-src 'self'; "
            f"frame-ancestors {frame_ancestors}; form-action 'self'; base-uri 'none'")


def title_for_sentence(recipient):
    """The recipient's title as it reads inside a sentence of the page's language: "Councilmember",
    "el concejal", "la concejala"."""
    language = current_language()
    return title_in_sentence(recipient["title"][language], language)


def meeting_when(meeting):
    """A meeting's day, start and cut-off (meetings.schedule.when_text) in the page's language."""
    return when_text(meeting, current_language(), current_app.config["COMMENT_MARGIN_MINUTES"])


def init_app(app):
    """CSRF protection, privacy headers and translated error pages, for every page."""
    csrf.init_app(app)
    app.add_template_filter(title_for_sentence)
    app.add_template_filter(meeting_when)

    @app.after_request
    def privacy_headers(response):
        # Our own pages get the Referer (over HTTPS, Flask-WTF refuses a POST without a same-origin one); no
        # other site ever sees a letter's secret address.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # The partners' embed (web.embed) sets its own, which differs only in frame-ancestors.
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        if request.endpoint in ("supporter.letter", "supporter.letter_as_pdf", "supporter.write", "supporter.thanks",
                                "supporter.executive_letter_as_pdf") \
                or request.blueprint in ("email", "staff", "events", "prints", "api", "areas", "meetings",
                                         "replies", "embed", "health"):
            response.headers["Cache-Control"] = "no-store"
        if app.config["BASE_URL"].startswith("https:"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        # The letter form and the send form keep what was typed (their own handlers); elsewhere, this page.
        return expired_page()

    @app.errorhandler(400)
    def bad_request(error):
        return error_page(400, _("We could not read that"),
                           _("What was sent is not something this page can read. Please go back, check "
                             "what you typed and try again."))

    @app.errorhandler(403)
    def forbidden(error):
        return error_page(403, _("Not for this account"),
                           _("Your account cannot open this page. Ask a staff member if you need it."))

    @app.errorhandler(404)
    def not_found(error):
        return error_page(404, _("Page not found"),
                           _("We could not find that page. The link may be incomplete."))

    @app.errorhandler(405)
    def method_not_allowed(error):
        return error_page(405, _("Please try again"),
                           _("That page cannot be reached this way. Please start again from the home page."))

    @app.errorhandler(410)
    def gone(error):
        return error_page(410, _("This letter's details were deleted"),
                           _("To protect your privacy we keep your name and address only for a short time. "
                             "Thank you for writing!"))

    @app.errorhandler(413)
    def too_large(error):
        return error_page(413, _("That was too much"),
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
        response, status = error_page(503, _("We are having trouble on our side"), message)
        return response, status, {"Retry-After": "60"}

    for away in DATABASE_AWAY:
        app.register_error_handler(away, database_away)

    @app.errorhandler(500)
    def server_error(error):
        return error_page(500, _("Something went wrong on our side"),
                           _("We are sorry. Please try again in a few minutes."))
