"""The "did they reply?" page's form: the answer and, after a reply, how long it took (optional)."""

from wtforms import RadioField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Optional

from actiontool.forms.base import Form, too_long
from actiontool.i18n import lazy_gettext as _l
from actiontool.models import ReplyTally

DAYS = ReplyTally.DAYS


class AnswerForm(Form):
    answer = RadioField(
        _l("Did they reply?"),
        choices=[SelectChoice(ReplyTally.PERSONAL, _l("Yes, a personal reply (written to me)")),
                 SelectChoice(ReplyTally.FORM, _l("Yes, a form reply (the same for everyone)")),
                 SelectChoice(ReplyTally.NO_REPLY, _l("No reply yet")),
                 SelectChoice(ReplyTally.UNKNOWN, _l("I don't know"))],
        validators=[DataRequired(_l("Please choose an answer.")), too_long(12)],
    )
    # Counted only with a reply; left out, nothing is said about the time.
    days = RadioField(
        _l("If they replied: how long did the reply take? (optional)"),
        choices=[SelectChoice(str(DAYS[0]), _l("Within a day")), SelectChoice(str(DAYS[1]), _l("Within 3 days")),
                 SelectChoice(str(DAYS[2]), _l("Within a week")), SelectChoice(str(DAYS[3]), _l("Within two weeks")),
                 SelectChoice(str(DAYS[4]), _l("More than two weeks"))],
        validators=[Optional(), too_long(3)],
    )

    def days_taken(self):
        """The days chosen, as a number, or None."""
        return int(self.days.data) if self.days.data else None
