"""Staff forms for the district areas: one district's areas, source and date; a whole file; applying it."""

from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired

from actiontool.forms.base import Form, strip_spaces, too_long
from actiontool.i18n import lazy_gettext as _l


class DistrictAreaForm(Form):
    """One district's areas in both languages, where they come from and the date of that source. Emptiness and
    dates are checked by roster.areas (one rule for files and for this form); the limits here stop huge posts."""

    areas_en = TextAreaField(_l("Areas in English"), filters=[strip_spaces], validators=[too_long(300)])
    areas_es = TextAreaField(_l("Areas in Spanish"), filters=[strip_spaces], validators=[too_long(300)])
    source = TextAreaField(_l("Source (where these areas come from)"), filters=[strip_spaces],
                           validators=[too_long(2000)])
    as_of = StringField(_l("Date of the source (YYYY-MM-DD)"), filters=[strip_spaces], validators=[too_long(10)])


class AreasUploadForm(Form):
    """A whole district_areas.csv."""

    file = FileField(_l("Areas file (CSV)"), validators=[FileRequired(_l("Please choose a CSV file."))])


class AreasApplyForm(Form):
    """The checked file, sent back with the fingerprint of the areas it was compared with."""

    areas = HiddenField(validators=[DataRequired()])
    base = HiddenField(validators=[DataRequired()])
