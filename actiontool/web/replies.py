"""The "did they reply?" pages: each answer link in the email opens a page with that answer chosen and one
button (a mail scanner that follows the link records nothing); after a reply, one more press may say how many
days it took. No account and no JavaScript needed; the signed link is the only key."""

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_babel import gettext as _

from actiontool.followup import survey
from actiontool.forms.replies import AnswerForm, DaysForm
from actiontool.models import utcnow
from actiontool.web.pages import error_page

bp = Blueprint("replies", __name__)


def _window():
    return int(current_app.config["FOLLOW_UP_ANSWER_DAYS"])


def _closed_or_invalid(code):
    """The page for a link that cannot take an answer, or None when it can."""
    if code == survey.INVALID:
        return error_page(400, _("This link does not work"), _(
            "The link may have been cut or changed. Please open it exactly as it is in your email."))
    if code == survey.CLOSED:
        return error_page(410, _("This question has closed"), _(
            "Answers to this question were open for %(days)d days after we asked, and that time has passed. "
            "Thank you all the same!", days=_window()))
    return None


def _answered_page(signed, found, days_form=None, status=200):
    """Thank you, your answer is counted; after a reply, the question of how long it took."""
    if days_form is None and found["can_add_days"]:
        days_form = DaysForm()
    return render_template("replies/answered.html", signed=signed, official=found["official"],
                           days_form=days_form if found["can_add_days"] else None), status


@bp.get("/reply/<signed>/<answer>")
def question(signed, answer):
    """The answer the supporter clicked, chosen, with one button to record it (a GET changes nothing)."""
    found = survey.question(signed, utcnow(), _window())
    refused = _closed_or_invalid(found["code"])
    if refused:
        return refused
    if found["code"] == survey.ALREADY:
        return _answered_page(signed, found)
    form = AnswerForm(answer=answer if answer in survey.ANSWERS else None)
    return render_template("replies/question.html", form=form, signed=signed, official=found["official"])


@bp.post("/reply/<signed>")
def answer(signed):
    """Record the answer (once), then show the thank-you page."""
    now, form = utcnow(), AnswerForm()
    found = survey.question(signed, now, _window())
    refused = _closed_or_invalid(found["code"])
    if refused:
        return refused
    if found["code"] == survey.OK:
        if not form.validate():
            return render_template("replies/question.html", form=form, signed=signed,
                                   official=found["official"]), 422
        survey.record_answer(signed, form.answer.data, now, _window())
    # Post/Redirect/Get: reloading the thank-you page never posts again.
    return redirect(url_for("replies.answered", signed=signed))


@bp.get("/reply/<signed>")
def answered(signed):
    found = survey.question(signed, utcnow(), _window())
    refused = _closed_or_invalid(found["code"])
    if refused:
        return refused
    if found["code"] == survey.OK:
        return redirect(url_for("replies.question", signed=signed, answer="-"))
    return _answered_page(signed, found)


@bp.post("/reply/<signed>/days")
def days(signed):
    """Add how many days the reply took (once)."""
    now, form = utcnow(), DaysForm()
    found = survey.question(signed, now, _window())
    refused = _closed_or_invalid(found["code"])
    if refused:
        return refused
    if found["can_add_days"]:
        if not form.validate():
            return _answered_page(signed, found, days_form=form, status=422)
        survey.record_days(signed, int(form.days.data), now, _window())
    return redirect(url_for("replies.answered", signed=signed, done="days"))


@bp.after_request
def never_cached(response):
    # The link is its only key: no shared cache may keep these pages.
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app):
    app.register_blueprint(bp)
