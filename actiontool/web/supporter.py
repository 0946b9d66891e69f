"""The supporter's pages: landing, the letter form, the preview, the PDF and the thank-you page."""

from urllib.parse import quote, urlencode

from flask import (
    Blueprint,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import Markup

from actiontool import lookup
from actiontool.forms import LetterForm, SendForm
from actiontool.i18n import current_language
from actiontool.letters.content import compose
from actiontool.letters.store import group_values, to_executive
from actiontool.meetings import comments
from actiontool.printing.pdf import letter_pdf
from actiontool.web.letter_form import letter_form, take_letter
from actiontool.web.pages import (
    district_choice_context,
    error_page,
    expired_page,
    letter_or_404,
    letter_page,
)

bp = Blueprint("supporter", __name__)


@bp.get("/")
def index():
    """What Secure Communities and ICE holds are, what the letter asks, and the way in."""
    return render_template("index.html")


@bp.get("/privacy")
def privacy():
    """What we collect, who receives what, how long we keep it: each sentence true of the code."""
    return render_template("privacy.html", retention_days=int(current_app.config["RETENTION_DAYS"]),
                           lookup_way=lookup.how_addresses_are_looked_up(),
                           point_sent=not lookup.districts_are_here())


@bp.route("/write", methods=["GET", "POST"])
def write():
    """The letter form: find the supporter's district, then save the letter and show it."""
    form = letter_form(LetterForm)
    if not form.is_submitted():
        return render_template("write.html", form=form)

    def show(status, **context):
        return render_template("write.html", form=form, **context), status

    page, token = take_letter(form, show)
    if page is not None:
        return page
    if token is None:
        # A bot filled the hidden field: it gets a page, and nothing is looked up or saved.
        return redirect(url_for("supporter.index"))
    return redirect(url_for("supporter.letter", token=token))


@bp.get("/letters/<token>")
def letter(token):
    """The preview: exactly the text the official will receive."""
    letter = letter_or_404(token)
    return letter_page(letter, SendForm(email=letter["email"] or None))


@bp.get("/letters/<token>/thanks")
def thanks(token):
    """After sending or printing: thank you, what happens next, and the tool to share (never the letter)."""
    letter = letter_or_404(token)
    share_url = current_app.config["BASE_URL"].rstrip("/") + url_for("supporter.index", lang=current_language())
    executive = to_executive(letter)
    return render_template("thanks.html", letter=letter, share=share_links(share_url),
                           executive=executive["recipient"] if executive else None,
                           **comments.comment_values(letter["id"]))


def share_links(url):
    """Plain links that share the tool (no third-party scripts): WhatsApp, email and SMS, with the text."""
    campaign = current_app.extensions["campaign"]
    text = campaign.share_text[current_language()] or _(
        "I wrote to my King County Council member to keep ICE holds out of our county jail. "
        "It takes two minutes:")
    message = f"{text} {url}"
    return {
        "url": url,
        "text": text,
        "whatsapp": "https://wa.me/?" + urlencode({"text": message}, quote_via=quote),
        "email": "mailto:?" + urlencode({"subject": _("Write to your King County Council member"),
                                         "body": message}, quote_via=quote),
        "sms": "sms:?" + urlencode({"body": message}, quote_via=quote),
    }


@bp.get("/letters/<token>.pdf")
def letter_as_pdf(token):
    """The letter as a printable US-Letter PDF; to the whole council, one letter per member in district order."""
    letter = letter_or_404(token)
    letters = group_values(token) if letter["leads_group"] else [letter]
    response = make_response(letter_pdf(letter, Markup("\n").join(compose(each) for each in letters)))
    response.headers["Content-Type"] = "application/pdf"
    filename = f"letter-king-county-district-{letter['district']}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.get("/letters/<token>/executive.pdf")
def executive_letter_as_pdf(token):
    """The same letter addressed to the County Executive, who has no public email, to print and mail."""
    letter = letter_or_404(token)
    copy = to_executive(letter)
    if copy is None:
        return error_page(404, _("No letter to the County Executive"), _(
            "Our list of officials has no County Executive right now, so there is no letter to print for "
            "that office. Your letter to your councilmember is not affected."))
    response = make_response(letter_pdf(copy, compose(copy)))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = 'inline; filename="letter-king-county-executive.pdf"'
    return response


@bp.errorhandler(CSRFError)
def form_expired(error):
    """The letter form open too long: shown again with what was typed and a fresh token."""
    if request.endpoint != "supporter.write":
        return expired_page()
    form = LetterForm()
    form.validate()
    return render_template(
        "write.html", form=form, **district_choice_context(form), outcome="expired",
        outcome_message=_("This page was open for a while, so for your safety "
                          "please check your details and press the button again."),
    ), 400


def init_app(app):
    app.register_blueprint(bp)
