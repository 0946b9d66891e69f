"""The supporter's email path: ask to send, confirm by the emailed link, and see where the letter is."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from actiontool.forms import ButtonForm, SendForm
from actiontool.forms.letter import MoveCommentForm
from actiontool.letters.content import compose
from actiontool.letters.store import group_values, letter_values
from actiontool.mail import confirmation
from actiontool.meetings import comments
from actiontool.models import CommentStatus
from actiontool.web.pages import (
    expired_page,
    letter_or_404,
    letter_page,
    meeting_context,
    open_meeting,
    require_button_token,
    switching_language,
)

bp = Blueprint("email", __name__)


def _messages():
    """What each outcome says to the supporter (built per request, in their language)."""
    return {
        confirmation.NO_EMAIL_FOR_OFFICIAL: _(
            "This official has no public email address, so this letter goes by post: "
            "download the PDF, sign it and mail it."),
        confirmation.TOO_MANY_EMAILS: _(
            "We have sent several emails to this address in the last hour. Please check your "
            "inbox (and spam folder), or try again in an hour."),
        confirmation.DAILY_LIMIT: _(
            "You have already sent a letter to this official today. Thank you! One letter a "
            "day from each person is what we send, so that every letter counts."),
        confirmation.ALREADY: _("This link was already used: your letter is confirmed."),
        confirmation.OFFICIAL_CHANGED: _(
            "The official you wrote to no longer holds this office, so this letter cannot be sent. "
            "Please write a new letter: it will go to whoever holds the office now."),
        confirmation.MEETING_CLOSED: _(
            "That meeting stopped taking written comment a moment ago, so nothing was sent yet. "
            "Please check the choices below and press the button again."),
        confirmation.NO_SUCH_ITEM: _(
            "That agenda item is no longer on the meeting's agenda. Please choose again."),
        confirmation.NOT_MOVABLE: _("This comment cannot be moved to another meeting."),
    }


def _already_notice(letter):
    """Say "already confirmed" only when it is true (not for held or cancelled letters)."""
    if letter["status"] in ("queued", "sent", "failed"):
        return _messages()[confirmation.ALREADY]
    return None


def render_status(letter, notice=None, status_code=200, move_form=None):
    """The status page: the letter's state, and its public comment's and reminder's, with the way to send a
    comment that missed its meeting to the next one."""
    extras = comments.comment_values(letter["id"])
    comment, context = extras["comment"], {"meeting": None}
    if comment and comment["status"] in CommentStatus.NOT_SENT and letter["confirmed_at"]:
        move_form = move_form or MoveCommentForm()
        context = dict(meeting_context(open_meeting(after=comment["meeting"]["id"]), move_form), move_form=move_form)
    group = group_values(letter["token"]) if letter["leads_group"] else None
    return render_template("status.html", letter=letter, notice=notice, resend_form=ButtonForm(), group=group,
                           **extras, **context), status_code


@bp.post("/letters/<token>/send")
def send(token):
    """Save the email choices (and the public comment or reminder asked for) and send the supporter a
    confirmation link."""
    letter = letter_or_404(token)
    form = SendForm()
    if switching_language():
        # The language button: the same page in the other language, with what was typed.
        return letter_page(letter, form)
    shown = form.meeting.data  # the meeting the page showed (offering the open one rewrites the field)
    meeting = open_meeting()
    meeting_context(meeting, form)
    chosen = form.meeting_request(shown)
    if chosen and (meeting is None or meeting["id"] != chosen["meeting_id"]):
        # The page offered a meeting that has stopped taking comment since: show what is open now.
        return letter_page(letter, form, notice=_messages()[confirmation.MEETING_CLOSED], status=409)
    if not form.validate():
        return letter_page(letter, form, status=422)
    if form.website.data:
        # A bot filled the hidden field: say what a person would see, and do nothing.
        return render_template("check_email.html", letter=letter)
    outcome = confirmation.request_email_delivery(token, form.email.data, form.wants_copy.data, form.opt_in.data,
                                                  chosen, follow_up=form.follow_up.data)
    if outcome.code == confirmation.OK:
        return render_template("check_email.html", letter=letter_values(token),
                               **comments.comment_values(letter["id"]))
    if outcome.code == confirmation.ALREADY:
        return render_status(letter_values(token))
    return letter_page(letter, form, notice=_messages()[outcome.code], status=422)


@bp.errorhandler(CSRFError)
def send_form_expired(error):
    """The send form open too long: the letter page again, with what was typed and a fresh token."""
    if request.endpoint != "email.send":
        return expired_page()
    try:
        letter = letter_or_404(request.view_args["token"])
    except HTTPException as missing:  # no such letter: its own translated page
        return current_app.handle_user_exception(missing)
    return letter_page(letter, SendForm(), notice=_(
        "This page was open for a while, so for your safety please check your details and press the button "
        "again."), status=400)


@bp.get("/letters/<token>/status")
def status(token):
    """Where the letter is: written, awaiting confirmation, queued, sent or failed."""
    return render_status(letter_or_404(token))


@bp.post("/letters/<token>/resend")
def resend(token):
    """Another confirmation link, for a letter still waiting for one."""
    letter_or_404(token)
    require_button_token()
    outcome = confirmation.resend_confirmation(token)
    if outcome.code == confirmation.OK:
        return render_template("check_email.html", letter=letter_values(token))
    if outcome.code == confirmation.TOO_MANY_EMAILS:
        return render_status(letter_values(token), _messages()[outcome.code], 429)
    return render_status(letter_values(token))


@bp.route("/confirm/<signed>", methods=["GET", "POST"])
def confirm(signed):
    """The link in the confirmation email: a page with one button (so mail scanners that
    follow links confirm nothing), then the letter joins the queue."""
    link = confirmation.read_confirmation_token(signed)
    if link.code == confirmation.INVALID:
        return render_template("error.html", title=_("This link does not work"), message=_(
            "The link may have been cut or changed. Please open it exactly as it is in your "
            "email, or copy the whole link into your browser.")), 400
    token = link.token
    letter = letter_or_404(token)
    if link.code == confirmation.EXPIRED and letter["status"] == "awaiting_confirmation":
        return render_status(letter, _(
            "This confirmation link has expired: links work for %(days)d days. "
            "You can ask for a new one below.", days=current_app.config["CONFIRMATION_DAYS"]), 410)
    form = ButtonForm()
    if request.method == "GET" or not form.validate():
        if letter["status"] != "awaiting_confirmation":
            return render_status(letter, _already_notice(letter))
        return render_template("confirm.html", letter=letter, form=form,
                               letter_html=compose(letter))
    outcome = confirmation.confirm(token)
    letter = letter_values(token)
    if outcome.code == confirmation.ALREADY:
        return render_status(letter, _already_notice(letter))
    if outcome.code == confirmation.OK:
        # Post/Redirect/Get: reloading the status page never posts the confirmation again.
        return redirect(url_for("supporter.thanks", token=token))
    return render_status(letter, _messages()[outcome.code],
                         429 if outcome.code == confirmation.DAILY_LIMIT else 200)


@bp.post("/letters/<token>/comment")
def move_comment(token):
    """Send a public comment that missed its meeting to the next meeting instead."""
    letter = letter_or_404(token)
    form = MoveCommentForm()
    comment = comments.comment_values(letter["id"])["comment"]
    chosen = form.meeting.data
    meeting = open_meeting(after=comment["meeting"]["id"]) if comment else None
    meeting_context(meeting, form)
    if meeting is None or chosen != str(meeting["id"]):
        return render_status(letter, _messages()[confirmation.MEETING_CLOSED], 409)
    if not form.validate():
        return render_status(letter, status_code=422, move_form=form)
    outcome = confirmation.move_comment(token, int(form.meeting.data), form.agenda_item.data)
    if outcome.code != confirmation.OK:
        return render_status(letter_values(token), _messages()[outcome.code], 409)
    return redirect(url_for("email.status", token=token))


def init_app(app):
    app.register_blueprint(bp)
