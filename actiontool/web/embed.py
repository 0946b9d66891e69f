"""/embed: the letter form in a partner's page, and the "your letter is ready" step after it.

Only the partners' sites in EMBED_PARTNERS may frame these pages (CSP frame-ancestors; every other page
keeps 'none'). Inside their frame our session cookie is not sent (SameSite=Lax), so every link and form
here carries ?lang= and ?partner=, and the form has its own cookie-free CSRF check (forms.embed). The
letter is handled exactly as on /write (web.letter_form), then opened on the full site in a new tab, where
the supporter previews, emails or prints it.
"""

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from actiontool.forms.embed import EmbedLetterForm
from actiontool.i18n import current_language
from actiontool.web.letter_form import known_partner, letter_form, take_letter
from actiontool.web.pages import letter_or_404
from actiontool.web.site import content_security_policy, csrf

bp = Blueprint("embed", __name__)


def frame_ancestors():
    """The CSP source list of the sites that may frame the embed: every partner's origin, or 'none'."""
    return " ".join(sorted(set(current_app.config["EMBED_PARTNERS"].values()))) or "'none'"


@bp.after_request
def framed_by_partners_only(response):
    """Every answer under /embed (errors included) may be framed by the partners, and by no one else; the
    rest of the app-wide policy (web.site, which also keeps these pages out of every cache) stays as it is."""
    response.headers["Content-Security-Policy"] = content_security_policy(frame_ancestors())
    return response


def _links(partner):
    """This page's ?partner= and ?lang=, for every URL the frame leads to (no cookie carries them there)."""
    return {"partner": partner or None, "lang": current_language()}


@bp.route("/embed", methods=["GET", "POST"])
@csrf.exempt  # the session-bound token cannot work in a third-party frame: EmbedLetterForm checks instead
def embed():
    """The compact letter form; once the letter is saved, its "ready" step (a redirect, so a reload sends
    nothing twice)."""
    form = letter_form(EmbedLetterForm)

    def show(status=200, **context):
        if form.csrf_token.errors:
            # Left open past the token's life (or not sent from our page): the form again, as typed.
            context.update(outcome="expired", outcome_message=form.csrf_token.errors[0])
            status = 400
        return render_template("embed.html", form=form, links=_links(form.partner.data), **context), status

    if not form.is_submitted():
        return show()
    page, token = take_letter(form, show)
    if page is not None:
        return page
    if token is None:
        # A bot filled the hidden field: the empty form again, and nothing was looked up or saved.
        return redirect(url_for("embed.embed", **_links(form.partner.data)))
    return redirect(url_for("embed.ready", token=token, **_links(form.partner.data)))


@bp.get("/embed/letters/<token>")
def ready(token):
    """"Your letter is ready", with the link that opens it on the full site in a new tab."""
    letter = letter_or_404(token)
    return render_template("embed_ready.html", letter=letter,
                           links=_links(known_partner(request.args.get("partner"))))


def init_app(app):
    app.register_blueprint(bp)
