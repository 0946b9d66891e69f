"""The forms: fields, limits and messages (lazy, so they follow the page's language)."""

import functools
import re

from babel.support import Translations
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from flask_wtf.i18n import translations as flask_wtf_messages
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import Input, RadioInput, TextArea
from wtforms.widgets.core import clean_key

from actiontool.i18n import current_language
from actiontool.i18n import lazy_gettext as _l
from actiontool.letters.content import NOTE_MAX_LENGTH


def html_attributes(attributes):
    """The attributes as WTForms' html_params writes them (same order, escaping and booleans).

    html_params formats each pair through markupsafe's str.format, which is most of the time
    a form page takes to render; this writes the same text directly.
    """
    pairs = []
    for key, value in sorted(attributes.items()):
        if value is True:
            pairs.append(_attribute_name(key)[0])
        elif value is not False:
            text = str(escape(value)).replace('"', "&quot;")  # a Markup value may hold a raw quote
            pairs.append(f'{_attribute_name(key)[1]}="{text}"')
    return Markup(" ".join(pairs))


@functools.cache
def _attribute_name(key):
    """The name html_params writes for a keyword (aria_label: aria-label), as is and escaped."""
    name = clean_key(key)
    return name, str(escape(name))


def _with_flags(widget, field, attributes):
    """`attributes` plus the field's validation flags the widget writes (required, maxlength...)."""
    for key, value in vars(field.flags).items():
        if key in widget.validation_attrs and key not in attributes:
            attributes[key] = value() if callable(value) else value
    return attributes


def render_quickly(field, attributes):
    """What WTForms' own widget writes for `field`, or None for widgets this does not write.

    Covers the plain <input> widgets, radio buttons and text areas: nearly every field we show.
    """
    widget = field.widget
    kind = type(widget)
    if kind is TextArea:
        attributes.setdefault("id", field.id)
        attributes = html_attributes({"name": field.name, **_with_flags(widget, field, attributes)})
        return Markup(f"<textarea {attributes}>\r\n{escape(field._value())}</textarea>")
    if kind is RadioInput:
        if field.checked:
            attributes.setdefault("checked", True)
    elif kind.__call__ is not Input.__call__ or getattr(field, "_datalist", None) is not None:
        return None
    attributes.setdefault("id", field.id)
    attributes.setdefault("type", widget.input_type)
    if "value" not in attributes:
        attributes["value"] = field._value()
    return Markup(f"<input {html_attributes({'name': field.name, **_with_flags(widget, field, attributes)})}>")


@functools.cache
def _wtforms_catalog(language):
    """WTForms' own messages ("Not a valid choice.") in `language`, read from disk once per process."""
    return Translations.load(messages_path(), [language], domain="wtforms")


class _WTFormsMessages:
    """WTForms' own messages in the page's language (Flask-WTF reads the catalog again for each request)."""

    def gettext(self, string):
        return _wtforms_catalog(current_language()).ugettext(string)

    def ngettext(self, singular, plural, n):
        return _wtforms_catalog(current_language()).ungettext(singular, plural, n)


WTFORMS_MESSAGES = _WTFormsMessages()


class Form(FlaskForm):
    """Flask-WTF's form, drawn and translated with less work per request; every form here is one."""

    class Meta:
        def render_field(self, field, render_kw):
            if getattr(field, "render_kw", None) is None:
                html = render_quickly(field, {_attribute_name(k)[0]: v for k, v in render_kw.items()})
                if html is not None:
                    return html
            return super().render_field(field, render_kw)

        def get_translations(self, form):
            translations = super().get_translations(form)
            return WTFORMS_MESSAGES if translations is flask_wtf_messages else translations


DISTRICT_CHOICES = [SelectChoice("", _l("Choose…"))] + [SelectChoice(str(n)) for n in range(1, 10)]


def _too_long(limit):
    return Length(max=limit, message=_l("Please keep this under %(max)d characters.", max=limit))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class AddressForm(Form):
    """A home address in Washington State (the API's lookup takes just this)."""

    street = StringField(
        _l("Street address"),
        filters=[_strip],
        validators=[DataRequired(_l("Please enter your street address.")), _too_long(200)],
    )
    city = StringField(
        _l("City"),
        filters=[_strip],
        validators=[DataRequired(_l("Please enter your city.")), _too_long(80)],
    )
    zip = StringField(
        _l("ZIP code"),
        filters=[_strip],
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
        filters=[_strip],
        validators=[DataRequired(_l("Please enter your name.")), _too_long(100)],
    )
    email = EmailField(
        _l("Email (optional)"),
        filters=[_strip],
        validators=[
            Optional(),
            _too_long(254),
            Email(_l("Please enter an email address like name@example.com.")),
            # Mail servers take plain-letter addresses only: an accented one would fail after "check your email".
            Regexp(r"^[ -~]*$", message=_l("Please enter an email address like name@example.com.")),
        ],
    )
    note = TextAreaField(
        _l("Your own words (optional)"),
        validators=[Optional(), _too_long(NOTE_MAX_LENGTH)],
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
                           validate_choice=False, validators=[Optional(), _too_long(300)])
    # A honeypot: hidden from people, filled in by bots.
    website = StringField(_l("Leave this field empty"), validators=[Optional(), _too_long(200)])


class SendForm(Form):
    """Asking for the letter to be emailed: the supporter's address, a copy, campaign news.

    `website` is a honeypot: hidden from people, filled in by bots.
    """

    email = EmailField(
        _l("Your email"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please enter your email address: we send you a link to confirm.")),
            _too_long(254),
            Email(_l("Please enter an email address like name@example.com.")),
            # Mail servers take plain-letter addresses only: an accented one would fail after "check your email".
            Regexp(r"^[ -~]*$", message=_l("Please enter an email address like name@example.com.")),
        ],
    )
    wants_copy = BooleanField(_l("Send me a copy of the email"))
    opt_in = BooleanField(_l("I would like to hear from the campaign about this issue"))
    website = StringField(_l("Leave this field empty"), validators=[Optional(), _too_long(200)])


class ButtonForm(Form):
    """A form that is only a button (confirm, send again): CSRF protection and nothing else."""


class LoginForm(Form):
    """Staff and canvasser sign-in."""

    email = EmailField(_l("Email"), filters=[_strip],
                       validators=[DataRequired(_l("Please enter your email address.")), _too_long(254)])
    password = PasswordField(_l("Password"),
                             validators=[DataRequired(_l("Please enter your password.")), _too_long(200)])


class RosterUploadForm(Form):
    """A whole roster in the officials.csv format."""

    file = FileField(_l("Roster file (CSV)"), validators=[FileRequired(_l("Please choose a CSV file."))])


class RosterApplyForm(Form):
    """The checked roster, sent back with the fingerprint of the roster it was compared with."""

    roster = HiddenField(validators=[DataRequired()])
    base = HiddenField(validators=[DataRequired()])


class OfficialForm(Form):
    """One official's details (office and district are not editable: upload a roster for those)."""

    name = StringField(_l("Name"), filters=[_strip], validators=[_too_long(120)])
    title_en = StringField(_l("Title in English"), filters=[_strip], validators=[_too_long(120)])
    title_es = StringField(_l("Title in Spanish"), filters=[_strip], validators=[_too_long(120)])
    salutation_en = StringField(_l("Salutation in English"), filters=[_strip], validators=[_too_long(200)])
    salutation_es = StringField(_l("Salutation in Spanish"), filters=[_strip], validators=[_too_long(200)])
    email = StringField(_l("Email (empty: printed letters only)"), filters=[_strip], validators=[_too_long(254)])
    phone = StringField(_l("Phone"), filters=[_strip], validators=[_too_long(40)])
    postal_address = StringField(_l("Postal address (lines separated by ;)"), filters=[_strip],
                                 validators=[_too_long(1000)])
    source = TextAreaField(_l("Source"), filters=[_strip], validators=[_too_long(2000)])
    verified_on = StringField(_l("Verified on (YYYY-MM-DD)"), filters=[_strip], validators=[_too_long(10)])


class EventForm(Form):
    """A community event."""

    name = StringField(_l("Event name"), filters=[_strip],
                       validators=[DataRequired(_l("Please give the event a name.")), _too_long(120)])
    date = DateField(_l("Date"), validators=[DataRequired(_l("Please enter the date, like 2026-11-28."))])
    place = StringField(_l("Place (optional)"), filters=[_strip], validators=[Optional(), _too_long(200)])


class EventSignerForm(LetterForm):
    """One signer at an event: the letter form, plus their agreement to have it emailed."""

    email_it = BooleanField(_l("The signer agrees that we also email the letter"))
    phone = StringField(
        _l("Phone (optional, printed under the address so the office can call back)"),
        filters=[_strip],
        validators=[Optional(), _too_long(40),
                    Regexp(r"^\+?[0-9\s().-]{7,}((ext|x)\.?\s*[0-9]+)?$", flags=re.IGNORECASE,
                           message=_l("Please enter a phone number, like 206-555-0100."))],
    )

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
