"""/numbers and /numbers.csv: the public figures (reports.numbers), for anyone, in either language.

The figures are computed at most once per NUMBERS_CACHE_SECONDS in each web process and browsers may keep the
page as long. Its language follows ?lang=, the remembered choice (the session cookie) or Accept-Language, so the
answer varies on those; an answer that sets the cookie (the language was just chosen) is for that browser only.
"""

from flask import Blueprint, Response, current_app, render_template, session
from flask_babel import format_percent
from flask_babel import gettext as _

from actiontool import reports
from actiontool.i18n import lazy_gettext as _l
from actiontool.models import ReplyTally

bp = Blueprint("numbers", __name__)

# What each answer to "did they reply?" is called on the page.
ANSWER_LABELS = {
    ReplyTally.PERSONAL: _l("A personal reply"),
    ReplyTally.FORM: _l("A form reply"),
    ReplyTally.NO_REPLY: _l("No reply yet"),
    ReplyTally.UNKNOWN: _l("Does not know"),
}


def figures():
    """The figures, from the app's cache (at most NUMBERS_CACHE_SECONDS old)."""
    return current_app.extensions["numbers"].get(int(current_app.config["NUMBERS_CACHE_SECONDS"]))


@bp.get("/numbers")
def page():
    """The figures in words, tables and charts (no script)."""
    shown = figures()
    by_district = [(_("District %(number)s", number=district), count) for district, count in shown["by_district"]]
    district_chart = reports.horizontal_bars_svg(
        by_district, "letters-by-district", _("Letters per council district"),
        _("Letters per council district: %(figures)s.",
          figures="; ".join(f"{label}: {count}" for label, count in by_district)))
    answer_charts = {official["district"]: _answer_chart(official) for official in shown["officials"]
                     if official["enough_answers"]}
    return render_template("numbers.html", figures=shown, district_chart=district_chart,
                           answer_charts=answer_charts, answer_labels=ANSWER_LABELS,
                           min_answers=reports.MIN_ANSWERS, min_deliveries=reports.MIN_DELIVERIES)


def _answer_chart(official):
    """One councilmember's answers as a bar split by answer (only from MIN_ANSWERS answers: `shares`)."""
    shares = official["shares"]
    return reports.stacked_bar_svg(
        [(f"answer-{share['answer']}", 100 * share["count"] / official["answers"]) for share in shares],
        f"answers-{official['district']}", _("What writers said about %(name)s", name=official["name"]),
        "; ".join(f"{ANSWER_LABELS[share['answer']]}: {format_percent(share['percent'] / 100)}" for share in shares))


@bp.get("/numbers.csv")
def numbers_csv():
    """The same figures as a CSV download."""
    return Response(reports.figures_csv(figures()), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="numbers.csv"'})


@bp.after_request
def cache_headers(response):
    """Browsers (and shared caches) may keep the figures as long as the app does; the answer varies on what
    chooses its language."""
    seconds = int(current_app.config["NUMBERS_CACHE_SECONDS"])
    # A shared cache must never keep an answer that sets someone's cookie (the language just chosen).
    response.headers["Cache-Control"] = f"{'private' if session.modified else 'public'}, max-age={seconds}"
    response.vary.update(("Cookie", "Accept-Language"))
    return response


def init_app(app):
    """Register the pages, each app with its own cache of the figures."""
    app.extensions["numbers"] = reports.FiguresCache()
    app.register_blueprint(bp)
