"""Staff forms for meetings that take written public comment: a meeting, as its agenda gives it, and one agenda
item. Every field is a string within its limit (the limits stop huge posts); what the values must mean
(dates, times in King County, addresses, file numbers) is checked in meetings.checks, one rule for every
caller, like OfficialForm and roster.edit_official. Times are plain text boxes (13:30), as the agendas write
them: a browser's time picker would show 1:30 PM to some and 13:30 to others."""

from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.widgets import DateInput

from actiontool.forms.base import Form, strip_spaces, too_long
from actiontool.i18n import lazy_gettext as _l


class MeetingForm(Form):
    """One meeting: who meets, when (King County time), where written comment goes and by when, and how to
    speak at it."""

    body_en = StringField(_l("Who meets, in English"), filters=[strip_spaces], validators=[too_long(120)])
    body_es = StringField(_l("Who meets, in Spanish"), filters=[strip_spaces], validators=[too_long(120)])
    date = StringField(_l("Meeting date"), widget=DateInput(), filters=[strip_spaces], validators=[too_long(10)])
    starts = StringField(_l("Start time"), filters=[strip_spaces], validators=[too_long(5)])
    cutoff = StringField(_l("Cut-off for written comment, on the meeting day"), filters=[strip_spaces],
                         validators=[too_long(5)])
    comment_email = EmailField(_l("Email address for written comment"), filters=[strip_spaces],
                               validators=[too_long(254)])
    open_comment = BooleanField(_l("Open comment: anyone may comment on any county matter (fourth Tuesday)"))
    place = StringField(_l("Place (optional)"), filters=[strip_spaces], validators=[too_long(300)])
    online_url = StringField(_l("Online (Zoom) link (optional)"), filters=[strip_spaces], validators=[too_long(500)])
    phone = StringField(_l("Phone line (optional)"), filters=[strip_spaces], validators=[too_long(200)])
    agenda_url = StringField(_l("Agenda (web address)"), filters=[strip_spaces], validators=[too_long(500)])


class AgendaItemForm(Form):
    """One agenda item the campaign asks people to comment on: its file number, its title and a short
    plain-language summary, each in both languages."""

    file_number = StringField(_l("File number"), filters=[strip_spaces], validators=[too_long(9)])
    title_en = StringField(_l("Title in English"), filters=[strip_spaces], validators=[too_long(300)])
    title_es = StringField(_l("Title in Spanish"), filters=[strip_spaces], validators=[too_long(300)])
    summary_en = TextAreaField(_l("Plain-language summary in English (optional)"), filters=[strip_spaces],
                               validators=[too_long(600)])
    summary_es = TextAreaField(_l("Plain-language summary in Spanish (optional)"), filters=[strip_spaces],
                               validators=[too_long(600)])
