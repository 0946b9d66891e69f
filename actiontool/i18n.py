"""Languages: English and Spanish, chosen by ?lang=, then the session, then the browser."""

from flask import has_request_context, request, session, url_for
from flask_babel import Babel, force_locale, get_locale

LANGUAGES = ("en", "es")

babel = Babel()


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


def current_language():
    """The page's language code, 'en' or 'es'."""
    return str(get_locale() or "en")


def switch_language_url(lang):
    """This page's URL (GET) in another language."""
    args = request.args.to_dict()
    args["lang"] = lang
    if request.endpoint:
        return url_for(request.endpoint, **(request.view_args or {}), **args)
    return url_for("views.index", lang=lang)


def init_app(app):
    """Attach Flask-Babel with the catalogs in translations/."""
    from actiontool import TRANSLATIONS

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    # Times shown to people are King County's (they are stored as UTC).
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "America/Los_Angeles")
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def language_helpers():
        return {"current_language": current_language, "switch_language_url": switch_language_url}


__all__ = ["LANGUAGES", "babel", "current_language", "force_locale", "init_app"]
