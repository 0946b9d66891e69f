"""What every form shares: fast rendering, translated WTForms messages, the limits' wording."""

import functools

from babel.support import Translations
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as flask_wtf_messages
from markupsafe import Markup, escape
from wtforms.fields import SelectChoice
from wtforms.i18n import messages_path
from wtforms.validators import Length
from wtforms.widgets import Input, RadioInput, TextArea
from wtforms.widgets.core import clean_key

from actiontool.i18n import current_language
from actiontool.i18n import lazy_gettext as _l


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


def too_long(limit):
    return Length(max=limit, message=_l("Please keep this under %(max)d characters.", max=limit))


def strip_spaces(value):
    return value.strip() if isinstance(value, str) else value
