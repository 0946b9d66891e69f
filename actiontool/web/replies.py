"""The "did they reply?" pages: each answer link in the email opens a page with that answer chosen and one
button (a mail scanner that follows the link records nothing); the same page may say how many days a reply
took. No account and no JavaScript needed; the signed link is the only key (so web.site keeps these pages out
of every cache)."""

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_babel import gettext as _

from actiontool.followup import survey
from actiontool.forms.replies import AnswerForm
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


def _question_page(signed, found, form, status=200):
    return render_template("replies/question.html", form=form, signed=signed, official=found["official"]), status


@bp.get("/reply/<signed>/<answer>")
def question(signed, answer):
    """The answer the supporter clicked, chosen, with one button to record it (a GET changes nothing)."""
    found = survey.question(signed, utcnow(), _window())
    refused = _closed_or_invalid(found["code"])
    if refused:
        return refused
    if found["code"] == survey.ALREADY:
        # Another link of the same email, after answering: said plainly, nothing changed.
        return render_template("replies/answered.html", already=True)
    return _question_page(signed, found, AnswerForm(answer=answer if answer in survey.ANSWERS else None))


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
            return _question_page(signed, found, form, 422)
        survey.record_answer(signed, form.answer.data, form.days_taken(), now, _window())
    # Post/Redirect/Get: reloading the thank-you page never posts again.
    return redirect(url_for("replies.answered", signed=signed))


@bp.get("/reply/<signed>")
def answered(signed):
    """Thank you: the answer is counted (the page says nothing about what it was)."""
    found = survey.question(signed, utcnow(), _window())
    refused = _closed_or_invalid(found["code"])
    if refused:
        return refused
    if found["code"] == survey.OK:
        return redirect(url_for("replies.question", signed=signed, answer="-"))
    return render_template("replies/answered.html", already=False)


def init_app(app):
    app.register_blueprint(bp)
