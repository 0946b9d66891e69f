"""The alert emails' words: what was found, what to do and where, in English then Spanish in one message.

Counts, districts and meetings only, never anything about a supporter. The texts go through gettext (the
Spanish is written in the catalog).
"""

import datetime as dt

from babel.dates import format_datetime
from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup, escape

from actiontool.i18n import LANGUAGES, force_locale
from actiontool.letters.content import COUNTY_TIME_ZONE
from actiontool.mail import emails
from actiontool.mail.links import external_url
from actiontool.meetings.schedule import meeting_values, when_text
from actiontool.models import CommentStatus
from actiontool.monitoring.causes import FAILURE_SHARE, MEETING_COMMENTS, ROSTER, STUCK_QUEUE, kind_of


def _field(field):
    return {"name": _("name"), "email": _("email address"),
            "district": _("missing from the county's layer")}.get(field, field)


def title(cause, cleared=False):
    """The alert's subject line, in the current language."""
    kind = kind_of(cause)
    if kind == STUCK_QUEUE:
        return _("Email is going out again") if cleared else _("Email is not going out")
    if kind == FAILURE_SHARE:
        return _("Refused emails are back under the limit") if cleared else _("Many emails are being refused")
    if kind == ROSTER:
        return _("The roster matches the county's records again") if cleared \
            else _("The roster differs from the county's records")
    if kind == MEETING_COMMENTS:
        number = cause.partition(":")[2]
        return _("Meeting %(number)s: no more unsent comments to see to", number=number) if cleared \
            else _("Meeting %(number)s: public comments were not sent", number=number)
    return cause


def describe(cause, values, config, language):
    """What was found, in plain words with numbers, in the current language (`language`)."""
    kind = kind_of(cause)
    if kind == STUCK_QUEUE:
        return _("Emails waiting to be sent: %(count)d. The oldest has waited %(minutes)d minutes (the limit is "
                 "%(limit)d). The worker is down or stuck.", **values)
    if kind == FAILURE_SHARE:
        return _("In the last hour %(failed)d of %(finished)d emails were refused for good (%(percent)d%%; the "
                 "limit is %(limit)d%%).", **values)
    if kind == ROSTER:
        fields = {}
        for district, field in values["places"]:
            fields.setdefault(district, []).append(_field(field))
        places = "; ".join(_("district %(district)s: %(fields)s", district=district, fields=", ".join(names))
                           for district, names in fields.items())
        return _("Differences between the roster and the county's council district layer: %(count)d (%(places)s).",
                 count=values["count"], places=places)
    meeting = meeting_values(values["meeting_id"]) or {}
    when = when_text(meeting, language, config["COMMENT_MARGIN_MINUTES"]) if meeting else {}
    return _("Public comments for the %(body)s meeting of %(date)s (cut-off %(cutoff)s) that were not sent: "
             "%(failed)d refused by the clerk's mail server, %(late)d too late for the cut-off.",
             body=meeting.get("body", {}).get(language, ""), date=when.get("date", ""),
             cutoff=when.get("cutoff", ""), failed=values[CommentStatus.FAILED], late=values[CommentStatus.LATE])


def advice(cause):
    """What staff should do, in the current language."""
    kind = kind_of(cause)
    if kind == STUCK_QUEUE:
        return _("Check that `actiontool worker` is running and read its log: it may not reach the database or "
                 "the mail server. GET /healthz says when a worker was last seen.")
    if kind == FAILURE_SHARE:
        return _("See the failed letters on the staff console: a mail server may be refusing our mail, or "
                 "officials' addresses may have changed.")
    if kind == ROSTER:
        return _("Compare the two on the staff console's roster check and correct the roster if the county is "
                 "right. Letters go to the roster's officials until then.")
    return _("Open the meeting on the staff console. Each supporter was told and may send the comment to the next "
             "meeting; if the clerk's address is wrong, correct it.")


def _link(cause, language):
    kind = kind_of(cause)
    if kind == MEETING_COMMENTS:
        return external_url("meetings.meeting_page", language, meeting_id=int(cause.partition(":")[2]))
    endpoint = {FAILURE_SHARE: "staff.failed_letters", ROSTER: "staff.roster_check"}.get(kind, "staff.home")
    return external_url(endpoint, language)


def _moment(moment, language):
    when = moment.replace(tzinfo=dt.timezone.utc)
    return format_datetime(when, format="medium", tzinfo=COUNTY_TIME_ZONE, locale=language)


def message(alert, values, config, to, when):
    """The raise or all-clear email for `alert`: English, then Spanish, in one message."""
    cleared = alert.cleared_at is not None
    subjects, bodies = [], []
    for language in LANGUAGES:
        with force_locale(language):
            subjects.append(_("All clear: %(title)s", title=title(alert.cause, cleared)) if cleared
                            else title(alert.cause))
            detail = describe(alert.cause, values, config, language) if values is not None else alert.detail
            bodies.append(render_template(
                "emails/alert_clear.txt" if cleared else "emails/alert.txt",
                title=subjects[-1], detail=detail, advice=advice(alert.cause), link=_link(alert.cause, language),
                raised=_moment(alert.raised_at, language),
                cleared=_moment(alert.cleared_at, language) if cleared else "").strip())
    text = "\n\n----------\n\n".join(bodies) + f"\n\n-- \n{config['CAMPAIGN_NAME']}\n"
    kind = "all-clear" if cleared else "alert"
    return emails.build_message(
        subject=f"{config['CAMPAIGN_NAME']}: " + " / ".join(subjects),
        sender=emails.address(config["CAMPAIGN_NAME"], config["MAIL_FROM"]),
        to=", ".join(emails.address("", each) for each in to),
        text=text,
        html=Markup('<pre style="white-space: pre-wrap; font-family: inherit">%s</pre>') % escape(text),
        message_id_value=emails.message_id(config["SECRET_KEY"], alert.cause, kind, ",".join(to),
                                           config["MAIL_FROM"].rpartition("@")[2] or "localhost",
                                           serial=alert.raised_at.isoformat()),
        when=when,
    )
