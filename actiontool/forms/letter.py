"""The supporter's forms: the letter, sending it by email, a bare button."""

import re

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, Optional, Regexp

from actiontool.forms.base import DISTRICT_CHOICES, Form, strip_spaces, too_long
from actiontool.i18n import lazy_gettext as _l
from actiontool.letters.content import NOTE_MAX_LENGTH
from actiontool.models import PublicComment

# A meeting's id as the page carries it: plain ASCII digits ("\d" and int() would take other scripts' too).
MEETING_ID = re.compile(r"[0-9]{1,9}\Z")

# Who a letter from the public form goes to.
MY_MEMBER, WHOLE_COUNCIL = "mine", "council"


class AddressForm(Form):
    """A home address in Washington State (the API's lookup takes just this)."""

    street = StringField(
        _l("Street address"),
        filters=[strip_spaces],
        validators=[DataRequired(_l("Please enter your street address.")), too_long(200)],
    )
    city = StringField(
        _l("City"),
        filters=[strip_spaces],
        validators=[DataRequired(_l("Please enter your city.")), too_long(80)],
    )
    zip = StringField(
        _l("ZIP code"),
        filters=[strip_spaces],
        validators=[
            DataRequired(_l("Please enter your ZIP code.")),
            Regexp(r"^[0-9]{5}(-[0-9]{4})?$", message=_l("A ZIP code has 5 digits, like 98104.")),
        ],
    )


class LetterForm(AddressForm):
    """Name, address, note and language.

    `district` and `candidate` are shown only after a lookup fails or finds
    several addresses.
    """

    name = StringField(
        _l("Your full name"),
        filters=[strip_spaces],
        validators=[DataRequired(_l("Please enter your name.")), too_long(100)],
    )
    email = EmailField(
        _l("Email (optional)"),
        filters=[strip_spaces],
        validators=[
            Optional(),
            too_long(254),
            Email(_l("Please enter an email address like name@example.com.")),
            # Mail servers take plain-letter addresses only: an accented one would fail after "check your email".
            Regexp(r"^[ -~]*$", message=_l("Please enter an email address like name@example.com.")),
        ],
    )
    note = TextAreaField(
        _l("Your own words (optional)"),
        validators=[Optional(), too_long(NOTE_MAX_LENGTH)],
    )
    letter_language = RadioField(
        _l("Language of the letter"),
        choices=[
            SelectChoice("en", _l("English")),
            SelectChoice("es", _l("Spanish")),
            SelectChoice("both", _l("Spanish and English")),
        ],
        validators=[DataRequired(_l("Please choose the letter's language."))],
    )
    recipients = RadioField(
        _l("Who should receive it?"),
        choices=[
            SelectChoice(MY_MEMBER, _l("My own councilmember")),
            SelectChoice(WHOLE_COUNCIL, _l("All nine councilmembers (each gets their own copy)")),
        ],
        default=MY_MEMBER,
        validators=[DataRequired(_l("Please choose who should receive your letter."))],
    )
    district = SelectField(_l("Your council district"), choices=DISTRICT_CHOICES,
                           validators=[Optional()])
    candidate = RadioField(_l("Which of these is your address?"), choices=[],
                           validate_choice=False, validators=[Optional(), too_long(300)])
    # A honeypot: hidden from people, filled in by bots.
    website = StringField(_l("Leave this field empty"), validators=[Optional(), too_long(200)])
    # The partner whose site the supporter came from (/embed?partner=<tag>, kept on the full site): a tag that is
    # not one of EMBED_PARTNERS is ignored when the letter is saved, never an error a person sees.
    partner = HiddenField(validators=[Optional(), too_long(40)])


class MeetingChoice:
    """What a form offering a meeting shares (SendForm, MoveCommentForm): its `meeting` and `agenda_item`
    fields are set from the meeting the page offers."""

    def offer(self, meeting, language, general_label):
        """Show `meeting` (a plain dict, or None): its agenda items to choose from, and "any county matter"
        (`general_label`) at an open-comment meeting. With one choice, it is chosen."""
        choices = []
        if meeting is not None:
            choices = [SelectChoice(str(item["id"]), f"{item['file_number']}: {item['title'][language]}")
                       for item in meeting["items"]]
            if meeting["open_comment"]:
                choices.append(SelectChoice(PublicComment.ANY_MATTER, general_label))
            self.meeting.data = str(meeting["id"])
        self.agenda_item.choices = choices
        if len(choices) == 1:
            self.agenda_item.data = choices[0].value
        return self


class SendForm(MeetingChoice, Form):
    """Asking for the letter to be emailed: the supporter's address, a copy, campaign news.

    `website` is a honeypot: hidden from people, filled in by bots.
    """

    email = EmailField(
        _l("Your email"),
        filters=[strip_spaces],
        validators=[
            DataRequired(_l("Please enter your email address: we send you a link to confirm.")),
            too_long(254),
            Email(_l("Please enter an email address like name@example.com.")),
            # Mail servers take plain-letter addresses only: an accented one would fail after "check your email".
            Regexp(r"^[ -~]*$", message=_l("Please enter an email address like name@example.com.")),
        ],
    )
    wants_copy = BooleanField(_l("Send me a copy of the email"))
    opt_in = BooleanField(_l("I would like to hear from the campaign about this issue"))
    # Asked two weeks after delivery: did the official reply? On unless the supporter says no.
    follow_up = BooleanField(_l("In two weeks, ask me once whether they replied"), default=True)
    website = StringField(_l("Leave this field empty"), validators=[Optional(), too_long(200)])
    # The meeting offered on the page (MeetingChoice.offer), when one is taking written comment.
    meeting = HiddenField(validators=[Optional(), Regexp(MEETING_ID)])
    comment = BooleanField(_l("Also send my letter as written public comment for this meeting"))
    # No Optional(): it would stop validate_agenda_item, which requires a choice only when commenting.
    agenda_item = RadioField(_l("What is your comment about?"), choices=[], validate_choice=False,
                             validators=[too_long(20)])
    include_street = BooleanField(_l("Include my street address"))
    meeting_reminder = BooleanField(_l("Email me a reminder the day before the meeting"))

    def validate_agenda_item(self, field):
        if self.comment.data and self.agenda_item.choices and field.data not in \
                [choice.value for choice in self.agenda_item.choices]:
            raise ValidationError(_l("Please choose what your comment is about."))

    def meeting_request(self, shown):
        """The meeting choices as plain values for mail.confirmation, or None when there is nothing to ask.
        `shown` is the meeting id the page carried (meeting_id None when it is not one)."""
        if not (self.comment.data or self.meeting_reminder.data):
            return None
        shown = shown or ""
        return {"meeting_id": int(shown) if MEETING_ID.fullmatch(shown) else None,
                "choice": self.agenda_item.data or "",
                "include_street": self.include_street.data, "comment": self.comment.data,
                "reminder": self.meeting_reminder.data}


class MoveCommentForm(MeetingChoice, Form):
    """Sending a comment that missed its meeting to the next one."""

    meeting = HiddenField(validators=[DataRequired(), Regexp(MEETING_ID)])
    agenda_item = RadioField(_l("What is your comment about?"), choices=[], validate_choice=False,
                             validators=[DataRequired(_l("Please choose what your comment is about.")),
                                         too_long(20)])


class ButtonForm(Form):
    """A form that is only a button (confirm, send again): CSRF protection and nothing else."""
