"""Languages: English and Spanish, chosen by ?lang=, then the session, then the browser."""

from flask import has_request_context, request, session, url_for
from flask_babel import Babel, force_locale, get_locale, get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from markupsafe import Markup

from actiontool import config

LANGUAGES = ("en", "es")

babel = Babel()

# Flask-Babel's catalog for each locale, as it gave it (its own cache is keyed the same way, by locale),
# and the last locale object asked about with its catalog (a request asks about the same object each time).
_catalogs = {}
_last = (None, None)


def select_locale():
    """?lang=en|es switches (and is remembered); else the remembered choice; else Accept-Language.

    Outside a request (the delivery worker) every text is rendered under force_locale;
    anything else falls back to English.
    """
    if not has_request_context():
        return "en"
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
        return asked
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    return request.accept_languages.best_match(LANGUAGES) or "en"


def translations():
    """The catalog of the current language, as Flask-Babel gives it (force_locale included).

    Flask-Babel looks it up through several context lookups for each message, which
    on a form page costs more than the rest of the translating; here one get_locale().
    """
    global _last
    locale = get_locale()
    if locale is _last[0] and locale is not None:
        return _last[1]
    catalog = _catalogs.get(locale)
    if catalog is None:
        catalog = _catalogs[locale] = get_translations()
    _last = (locale, catalog)
    return catalog


def gettext(string, **variables):
    """Flask-Babel's gettext, found faster: `string` in the current language, with %(name)s filled in."""
    text = translations().ugettext(string)
    return text % variables if variables else text


@pass_eval_context
def template_gettext(eval_ctx, string, **variables):
    """_() in templates: what Jinja's newstyle gettext does (autoescaped, always %-formatted), in one call.

    Jinja's own goes through three context calls for each message; a page has dozens.
    """
    text = translations().ugettext(string)
    if eval_ctx.autoescape:
        text = Markup(text)
    return text % variables if variables or "%" in text else text


def lazy_gettext(string, **variables):
    """gettext when the string is used, so it follows the language of the page it is shown on."""
    return LazyString(gettext, string, **variables)


def current_language():
    """The page's language code, 'en' or 'es'."""
    return str(get_locale() or "en")


def switch_language_url(lang):
    """This page's URL (GET) in another language."""
    view_args = request.view_args or {}
    # Query keys that name a path part or a url_for option (_anchor, _external...) are not passed on.
    args = {key: value for key, value in request.args.items() if key not in view_args and not key.startswith("_")}
    args["lang"] = lang
    if request.endpoint:
        return url_for(request.endpoint, **view_args, **args)
    return url_for("supporter.index", lang=lang)


def init_app(app):
    """Attach Flask-Babel with the catalogs in translations/."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(config.TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    # Times shown to people are King County's (they are stored as UTC).
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "America/Los_Angeles")
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel's own template callables, with the catalog found through translations().
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext)

    @app.context_processor
    def language_helpers():
        return {"current_language": current_language, "switch_language_url": switch_language_url}


__all__ = ["LANGUAGES", "babel", "current_language", "force_locale", "gettext", "init_app", "lazy_gettext",
           "translations"]
