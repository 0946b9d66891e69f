"""The forms: fields, limits and messages (lazy, so they follow the page's language).

base: what every form shares; letter: the supporter's; staff: sign-in and roster; areas: the district
areas; canvassing: events, signers, sheets and printing; meetings: meetings and their agenda items.
"""

from actiontool.forms.areas import AreasApplyForm, AreasUploadForm, DistrictAreaForm
from actiontool.forms.base import Form, html_attributes, render_quickly
from actiontool.forms.canvassing import (
    BlankLettersForm,
    EventForm,
    EventSignerForm,
    PacketForm,
    SheetUploadForm,
)
from actiontool.forms.letter import AddressForm, ButtonForm, LetterForm, SendForm
from actiontool.forms.meetings import AgendaItemForm, MeetingForm
from actiontool.forms.staff import LoginForm, OfficialForm, RosterApplyForm, RosterUploadForm

__all__ = [
    "AddressForm", "AgendaItemForm", "AreasApplyForm", "AreasUploadForm", "DistrictAreaForm", "BlankLettersForm",
    "ButtonForm", "EventForm", "EventSignerForm", "Form", "LetterForm", "LoginForm", "MeetingForm", "OfficialForm",
    "PacketForm", "RosterApplyForm", "RosterUploadForm", "SendForm", "SheetUploadForm", "html_attributes",
    "render_quickly",
]
