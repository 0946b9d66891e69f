"""The supporter's forms: the letter, sending it by email, a bare button."""

from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, Optional, Regexp

from actiontool.forms.base import DISTRICT_CHOICES, Form, strip_spaces, too_long
from actiontool.i18n import lazy_gettext as _l
from actiontool.letters.content import NOTE_MAX_LENGTH


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
    district = SelectField(_l("Your council district"), choices=DISTRICT_CHOICES,
                           validators=[Optional()])
    candidate = RadioField(_l("Which of these is your address?"), choices=[],
                           validate_choice=False, validators=[Optional(), too_long(300)])
    # A honeypot: hidden from people, filled in by bots.
    website = StringField(_l("Leave this field empty"), validators=[Optional(), too_long(200)])


class SendForm(Form):
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
    website = StringField(_l("Leave this field empty"), validators=[Optional(), too_long(200)])


class ButtonForm(Form):
    """A form that is only a button (confirm, send again): CSRF protection and nothing else."""
