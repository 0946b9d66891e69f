"""What every page shares: the error page, the letter behind a token, a lookup's way forward, staff pages, paging."""

from flask import Response, abort, current_app, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from wtforms.fields import SelectChoice

from actiontool import lookup
from actiontool.canvassing import events
from actiontool.forms import ButtonForm
from actiontool.i18n import LANGUAGES, current_language
from actiontool.letters.content import compose
from actiontool.letters.store import group_values, letter_values
from actiontool.meetings import schedule
from actiontool.models import utcnow
from actiontool.roster import areas

# Lookup outcomes after which the supporter may pick the district by hand.
CHOOSE_BY_HAND = (lookup.NOT_FOUND, lookup.NOT_IN_INDEX, lookup.NOT_SENT, lookup.UNAVAILABLE)


def lookup_failed_context(form, failure):
    """Template values that explain a failed lookup and offer the way forward (shared with events)."""
    if failure.code == lookup.ZIP_OUTSIDE_COUNTY:
        form.zip.errors = [failure.message]
        return {}
    form.candidate.choices = [SelectChoice(c) for c in failure.candidates]
    choose = failure.code in CHOOSE_BY_HAND
    return {
        "outcome": failure.code,
        "outcome_message": failure.message,
        "choose_district": choose,
        "finder_url": current_app.config["COUNTY_DISTRICT_FINDER_URL"],
        **district_choice_context(form, choose),
    }


def switching_language():
    """The header's language button sent this form (base.html): the page again in the other language, with
    what was typed, and nothing checked or saved."""
    return request.form.get("switch_language") in LANGUAGES


def district_choice_context(form, choose=False):
    """The districts to choose from (each with its member and areas), when the form shows the choice."""
    if not (choose or form.district.data):
        return {}
    return {"district_choices": areas.district_choices(current_language())}


def open_meeting(after=None):
    """The meeting supporters are offered now (the soonest still taking written comment), or None."""
    return schedule.next_open_meeting(current_app.config["COMMENT_MARGIN_MINUTES"], after=after)


def meeting_context(meeting, form):
    """What a page needs to offer `meeting` on `form` (a SendForm or MoveCommentForm): its items as choices."""
    if meeting is None:
        return {"meeting": None}
    language = current_language()
    form.offer(meeting, language, _("Any King County matter (open public comment)"))
    return {"meeting": meeting,
            "meeting_when": schedule.when_text(meeting, language, current_app.config["COMMENT_MARGIN_MINUTES"]),
            "reminder_possible": schedule.reminder_possible(meeting["starts_at"], utcnow())}


def letter_page(letter, form, notice=None, status=200):
    """The letter's preview with the form to send it (and the meeting taking comment, if any)."""
    context = meeting_context(open_meeting(), form) if letter["status"] == "written" else {"meeting": None}
    group = group_values(letter["token"]) if letter["leads_group"] else None
    return render_template("letter.html", letter=letter, letter_html=compose(letter), send_form=form,
                           notice=notice, group=group, **context), status


def done_notice(notices):
    """The notice for what a page's redirect says was just done (?done=<key>), in the page's language, or None.
    `notices`: key -> a function giving the translated text."""
    return notices.get(request.args.get("done"), lambda: None)()


def show_problems(form, problems):
    """A checked value's problems (roster, areas, meetings) on the form: each under its field, the first one
    only, or above the form when no field has its name (a problem names its field `field` or `column`)."""
    for problem in problems:
        name = getattr(problem, "field", None) or getattr(problem, "column", None)
        field = form._fields.get(name)
        if field is None:
            form.form_errors.append(problem.message)
        elif not field.errors:
            field.errors.append(problem.message)


def letter_or_404(token):
    """The letter with its supporter's details; 404 if unknown, 410 once retention removed them."""
    letter = letter_values(token)
    if letter is None:
        abort(404)
    if letter["purged_at"]:
        abort(410)
    return letter


def error_page(status, title, message):
    if request_ctx.url_adapter is None:
        # The request's Host header could not be read, so no link can be built: the message alone.
        return Response(f"{title}\n\n{message}\n", mimetype="text/plain"), status
    return render_template("error.html", title=title, message=message), status


def staff_page(template, status=200, **context):
    """A staff console page (with the sign-out button's form) and its status."""
    return render_template(template, logout_form=ButtonForm(), **context), status


def page_of(name, total, per_page):
    """This request's page of a list (?<name>=N, from 1) as {"number", "pages", "offset", "limit"}."""
    pages = max(1, -(-total // per_page))
    number = min(max(request.args.get(name, 1, type=int), 1), pages)
    return {"name": name, "number": number, "pages": pages, "offset": (number - 1) * per_page, "limit": per_page}


def expired_page():
    """After a failed CSRF check (the page was open too long): try again."""
    return error_page(400, _("Please try again"), _("This page expired. Please go back, reload it and try again."))


def event_or_404(event_id):
    """An event's values, or 404."""
    event = events.event_values(event_id)
    if event is None:
        abort(404)
    return event


def require_button_token():
    """A one-button form (resend, discard, print, restore, retry...) must bring its CSRF token. The app-wide
    check has already run; this keeps the rule if a view is ever exempted, and answers the same way."""
    if not ButtonForm().validate():
        raise CSRFError("The CSRF token is missing or invalid.")
