"""Staff forms: signing in, the roster."""

from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired

from actiontool.forms.base import Form, strip_spaces, too_long
from actiontool.i18n import lazy_gettext as _l


class LoginForm(Form):
    """Staff and canvasser sign-in."""

    email = EmailField(_l("Email"), filters=[strip_spaces],
                       validators=[DataRequired(_l("Please enter your email address.")), too_long(254)])
    password = PasswordField(_l("Password"),
                             validators=[DataRequired(_l("Please enter your password.")), too_long(200)])


class RosterUploadForm(Form):
    """A whole roster in the officials.csv format."""

    file = FileField(_l("Roster file (CSV)"), validators=[FileRequired(_l("Please choose a CSV file."))])


class RosterApplyForm(Form):
    """The checked roster, sent back with the fingerprint of the roster it was compared with."""

    roster = HiddenField(validators=[DataRequired()])
    base = HiddenField(validators=[DataRequired()])


class OfficialForm(Form):
    """One official's details (office and district are not editable: upload a roster for those)."""

    name = StringField(_l("Name"), filters=[strip_spaces], validators=[too_long(120)])
    title_en = StringField(_l("Title in English"), filters=[strip_spaces], validators=[too_long(120)])
    title_es = StringField(_l("Title in Spanish"), filters=[strip_spaces], validators=[too_long(120)])
    salutation_en = StringField(_l("Salutation in English"), filters=[strip_spaces], validators=[too_long(200)])
    salutation_es = StringField(_l("Salutation in Spanish"), filters=[strip_spaces], validators=[too_long(200)])
    email = StringField(_l("Email (empty: printed letters only)"), filters=[strip_spaces], validators=[too_long(254)])
    phone = StringField(_l("Phone"), filters=[strip_spaces], validators=[too_long(40)])
    postal_address = StringField(_l("Postal address (lines separated by ;)"), filters=[strip_spaces],
                                 validators=[too_long(1000)])
    source = TextAreaField(_l("Source"), filters=[strip_spaces], validators=[too_long(2000)])
    verified_on = StringField(_l("Verified on (YYYY-MM-DD)"), filters=[strip_spaces], validators=[too_long(10)])
