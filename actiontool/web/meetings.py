"""The staff pages for meetings that take written public comment: the list (upcoming, then past, for the
record), adding, editing and cancelling a meeting, its agenda items, and per meeting what became of the
comments supporters asked for, item by item, with a packet of an item's comments to print for the clerk
(a print job, like an event's print run; its progress and download are prints.py's pages)."""

from flask import Blueprint, abort, redirect, request, url_for
from flask_babel import gettext as _

from actiontool.forms import AgendaItemForm, ButtonForm, MeetingForm
from actiontool.i18n import current_language
from actiontool.meetings import agenda
from actiontool.printing import jobs
from actiontool.web.auth import current_user, staff_required
from actiontool.web.pages import done_notice, require_button_token, show_problems, staff_page

bp = Blueprint("meetings", __name__, url_prefix="/staff/meetings")

NOTICES = {
    "created": lambda: _("The meeting was added. Now add the agenda items people may comment on."),
    "saved": lambda: _("The meeting was saved."),
    "cancelled": lambda: _("The meeting was cancelled. It stays in the list, for the record."),
    "item_added": lambda: _("The agenda item was added."),
    "item_saved": lambda: _("The agenda item was saved."),
    "item_removed": lambda: _("The agenda item was removed."),
}


def _notice():
    return done_notice(NOTICES)


def _author():
    return current_user().email


def _submit(form, fields, save, check):
    """Save a submitted form's values with `save(values)`: (True, what it returned), or (False, None) with
    every problem shown on the form, each by its field (the form's own limits first), the rest above it."""
    valid = form.validate()
    values = {name: form[name].data for name in fields}
    try:
        if valid:
            return True, save(values)
        problems = check(values)  # every problem at once, not the limits first and the meaning later
    except agenda.MeetingInvalid as error:
        problems = error.problems
    show_problems(form, problems)
    return False, None


def _meeting_or_404(meeting_id):
    return agenda.staff_view(meeting_id) or abort(404)


@bp.get("/")
@staff_required
def meeting_list():
    """Upcoming meetings (soonest first), then past ones, each with its comments counted."""
    return staff_page("staff/meetings/list.html", meetings=agenda.meetings_for_the_record(), notice=_notice())


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def meeting_new():
    """A new meeting, from its agenda; the form starts with the full council's usual times."""
    form = MeetingForm(data=agenda.NEW_MEETING)
    if not form.is_submitted():
        return staff_page("staff/meetings/new.html", form=form)
    saved, meeting_id = _submit(form, agenda.MEETING_FIELDS, lambda values: agenda.create_meeting(values, _author()),
                                agenda.meeting_problems)
    if saved:
        return redirect(url_for("meetings.meeting_page", meeting_id=meeting_id, done="created"))
    return staff_page("staff/meetings/new.html", 422, form=form)


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@staff_required
def meeting_edit(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    if meeting["cancelled_at"]:
        return redirect(url_for("meetings.meeting_page", meeting_id=meeting_id))
    form = MeetingForm(data=agenda.meeting_form_values(meeting_id))
    if not form.is_submitted():
        return staff_page("staff/meetings/edit.html", form=form, meeting=meeting)
    saved, _result = _submit(form, agenda.MEETING_FIELDS,
                             lambda values: agenda.update_meeting(meeting_id, values, _author()),
                             lambda values: agenda.meeting_problems(values, meeting_id))
    if saved:
        return redirect(url_for("meetings.meeting_page", meeting_id=meeting_id, done="saved"))
    return staff_page("staff/meetings/edit.html", 422, form=form, meeting=meeting)


@bp.route("/<int:meeting_id>/cancel", methods=["GET", "POST"])
@staff_required
def meeting_cancel(meeting_id):
    """Asks first (saying what happens to the comments still waiting); the button cancels."""
    meeting = _meeting_or_404(meeting_id)
    if request.method == "POST":
        require_button_token()
        agenda.cancel_meeting(meeting_id, _author())
        return redirect(url_for("meetings.meeting_page", meeting_id=meeting_id, done="cancelled"))
    return staff_page("staff/meetings/cancel.html", meeting=meeting, form=ButtonForm())


def _meeting_page(meeting_id, status=200, item_form=None, **context):
    meeting = _meeting_or_404(meeting_id)
    return staff_page("staff/meetings/meeting.html", status, meeting=meeting, notice=_notice(),
                      item_form=item_form or AgendaItemForm(formdata=None), button_form=ButtonForm(), **context)


@bp.get("/<int:meeting_id>")
@staff_required
def meeting_page(meeting_id):
    """The meeting as entered, its items, and its comments by item and state, with the packets to print."""
    return _meeting_page(meeting_id)


@bp.post("/<int:meeting_id>/items")
@staff_required
def item_add(meeting_id):
    _meeting_or_404(meeting_id)
    form = AgendaItemForm()
    saved, _item_id = _submit(form, agenda.ITEM_FIELDS, lambda values: agenda.add_item(meeting_id, values, _author()),
                              lambda values: agenda.item_problems(meeting_id, values))
    if saved:
        return redirect(url_for("meetings.meeting_page", meeting_id=meeting_id, done="item_added", _anchor="items"))
    return _meeting_page(meeting_id, 422, item_form=form)


@bp.route("/<int:meeting_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
@staff_required
def item_edit(meeting_id, item_id):
    meeting = _meeting_or_404(meeting_id)
    if meeting["cancelled_at"]:
        return redirect(url_for("meetings.meeting_page", meeting_id=meeting_id))
    form = AgendaItemForm(data=agenda.item_form_values(meeting_id, item_id) or abort(404))
    if not form.is_submitted():
        return staff_page("staff/meetings/item_edit.html", form=form, meeting=meeting, item_id=item_id)
    saved, _result = _submit(form, agenda.ITEM_FIELDS,
                             lambda values: agenda.update_item(meeting_id, item_id, values, _author()),
                             lambda values: agenda.item_problems(meeting_id, values, item_id))
    if saved:
        return redirect(url_for("meetings.meeting_page", meeting_id=meeting_id, done="item_saved", _anchor="items"))
    return staff_page("staff/meetings/item_edit.html", 422, form=form, meeting=meeting, item_id=item_id)


@bp.post("/<int:meeting_id>/items/<int:item_id>/remove")
@staff_required
def item_remove(meeting_id, item_id):
    """Remove an item nobody commented on; one with comments stays, and the page says why."""
    require_button_token()
    try:
        agenda.remove_item(meeting_id, item_id, _author())
    except LookupError:
        abort(404)
    except agenda.MeetingInvalid as error:
        return _meeting_page(meeting_id, 409, refused=[problem.message for problem in error.problems])
    return redirect(url_for("meetings.meeting_page", meeting_id=meeting_id, done="item_removed", _anchor="items"))


@bp.post("/<int:meeting_id>/items/<int:item_id>/print")
@bp.post("/<int:meeting_id>/any-matter/print", defaults={"item_id": None})
@staff_required
def packet_print(meeting_id, item_id):
    """Print every comment on one item (or, at an open-comment meeting, on any county matter) that went or
    is going before the cut-off, with a cover sheet, for hand delivery to the clerk."""
    meeting = _meeting_or_404(meeting_id)
    if item_id is not None and item_id not in {item["id"] for item in meeting["items"]}:
        abort(404)
    require_button_token()
    token = jobs.request_job("comments", {"meeting_id": meeting_id, "item_id": item_id,
                                          "cover_language": current_language()}, _author())
    return redirect(url_for("prints.print_job", token=token))


def init_app(app):
    app.register_blueprint(bp)
