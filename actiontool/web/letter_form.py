"""The one way a supporter's letter form is handled, on the full site (/write) and in a partner's frame (/embed):
the language switch, the checks, the honeypot, the district lookup and its way forward, the letter saved (to
one member or the whole council) with the partner tag it came with, if that tag is one of EMBED_PARTNERS."""

from flask import current_app, request

from actiontool import lookup
from actiontool.forms.letter import WHOLE_COUNCIL
from actiontool.i18n import current_language
from actiontool.letters.content import default_letter_language
from actiontool.letters.store import save_letter, save_letters_to_council
from actiontool.web.pages import district_choice_context, lookup_failed_context, switching_language


def known_partner(tag):
    """`tag` when it names a partner in EMBED_PARTNERS, else "": an unknown tag is never recorded or shown."""
    return tag if isinstance(tag, str) and tag in current_app.config["EMBED_PARTNERS"] else ""


def letter_form(form_class):
    """A letter form for this request; when first shown, the letter's language follows the page's and the
    partner tag is the page's ?partner= (if known), so the form carries it to the letter."""
    form = form_class()
    if not form.is_submitted():
        form.letter_language.data = default_letter_language(current_language())
        form.partner.data = known_partner(request.args.get("partner"))
    return form


def take_letter(form, show):
    """Handle a submitted letter form. `show(status, **context)` draws the form's own page again.

    Returns (page, token): `page` is the answer to give when the form must be shown again (the language
    switched, a mistake, a lookup that needs the supporter); otherwise `token` is the saved letter's.
    Both are None when a bot filled the hidden field: nothing was looked up or saved.
    """
    form.partner.data = known_partner(form.partner.data)
    if switching_language():
        return show(200, **district_choice_context(form)), None
    if not form.validate():
        return show(422, **district_choice_context(form)), None
    if form.website.data:
        return None, None
    values = form.data
    try:
        found = lookup.resolve(values)
    except lookup.LookupFailed as failure:
        context = lookup_failed_context(form, failure)
        return show(200 if context else 422, **context), None
    values["found_by"] = found.found_by
    save = save_letters_to_council if values["recipients"] == WHOLE_COUNCIL else save_letter
    token = save(values, found.official, found.district, current_language(), partner=form.partner.data)
    return None, token
