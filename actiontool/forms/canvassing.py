"""Canvassers' forms: events, signers, sheets, printing."""

import re

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TelField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional, Regexp, ValidationError

from actiontool.forms.base import Form, strip_spaces, too_long
from actiontool.forms.letter import LetterForm
from actiontool.i18n import lazy_gettext as _l


class EventForm(Form):
    """A community event."""

    name = StringField(_l("Event name"), filters=[strip_spaces],
                       validators=[DataRequired(_l("Please give the event a name.")), too_long(120)])
    date = DateField(_l("Date"), validators=[DataRequired(_l("Please enter the date, like 2026-11-28."))])
    place = StringField(_l("Place (optional)"), filters=[strip_spaces], validators=[Optional(), too_long(200)])


# The letter form speaks to the supporter ("Your full name"); at an event a canvasser fills it in for a signer.
SIGNER_LABELS = {
    "name": _l("Signer's full name"),
    "note": _l("The signer's own words (optional)"),
    "district": _l("The signer's council district"),
    "candidate": _l("Which of these is the signer's address?"),
}


class EventSignerForm(LetterForm):
    """One signer at an event: the letter form, plus their agreement to have it emailed."""

    email_it = BooleanField(_l("The signer agrees that we also email the letter"))
    # Asked only with the signer's agreement: off unless the canvasser ticks it.
    follow_up = BooleanField(_l("The signer agrees that we ask them once, by email in two weeks, whether the "
                                "official replied"))
    # Event letters go to the signer's own councilmember (and, when the campaign says so, the Executive).
    recipients = None
    phone = TelField(
        _l("Phone (optional, printed under the address so the office can call back)"),
        filters=[strip_spaces],
        validators=[Optional(), too_long(40),
                    Regexp(r"^\+?[0-9\s().-]{7,}((ext|x)\.?\s*[0-9]+)?$", flags=re.IGNORECASE,
                           message=_l("Please enter a phone number, like 206-555-0100."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in SIGNER_LABELS.items():
            self[name].label.text = label

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.email_it.data and not self.email.data:
            self.email.errors = [*self.email.errors,
                                 _l("To email the letter, please enter the signer's email address.")]
            return False
        return valid


class SheetUploadForm(Form):
    """A sign-up sheet in the CSV template's format."""

    file = FileField(_l("Sign-up sheet (CSV)"), validators=[FileRequired(_l("Please choose a CSV file."))])


class BlankLettersForm(Form):
    district = SelectField(_l("District"), choices=[SelectChoice("all", _l("Every district"))] +
                           [SelectChoice(str(n)) for n in range(1, 10)], default="all")
    copies = IntegerField(_l("Copies for each district"), default=10,
                          validators=[NumberRange(1, 200, _l("Between 1 and 200, please."))])
    language = SelectField(_l("Language of the letter"), choices=[
        SelectChoice("en", _l("English")), SelectChoice("es", _l("Spanish")),
        SelectChoice("both", _l("Spanish and English"))])


class PacketForm(Form):
    office = SelectField(_l("Official"), choices=[], validate_choice=True)
    since = DateField(_l("From"), validators=[DataRequired(_l("Please enter the date, like 2026-11-28."))])
    until = DateField(_l("To"), validators=[DataRequired(_l("Please enter the date, like 2026-11-28."))])

    def validate_until(self, field):
        if self.since.data and field.data and field.data < self.since.data:
            raise ValidationError(_l("The end date must not be before the start date."))
