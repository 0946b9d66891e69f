"""Alerts to staff: one email when something needs a person, none while it lasts, one "all clear" when it is over.

`check(config)` (the worker every minute, and `actiontool alerts check` from cron, so a dead worker is still
noticed) looks for each cause (monitoring.causes), keeps one Alert row per cause, and emails ALERT_EMAILS
(monitoring.alert_emails). An email is recorded as sent only once the mail server took it, so a mail server
that is down delays it to the next check and never loses or repeats it; with no ALERT_EMAILS the log is the
only notice. One check runs at a time, whoever starts it.
"""

import datetime as dt
from contextlib import contextmanager

from flask import current_app

from actiontool.i18n import force_locale
from actiontool.mail.transport import PermanentFailure, TemporaryFailure, TransportUnavailable, open_transport
from actiontool.models import Alert, db, one_at_a_time, utcnow
from actiontool.monitoring.alert_emails import describe, message
from actiontool.monitoring.causes import findings


def recipients(config):
    """ALERT_EMAILS ("a@x, b@y", or already a list) as a list of addresses (empty: alerts are only logged)."""
    value = config["ALERT_EMAILS"] or ""
    parts = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return [part.strip() for part in parts if part.strip()]


@contextmanager
def one_check_at_a_time():
    """True while this process holds the right to check (False: another check is running right now)."""
    with one_at_a_time("alerts", current_app.instance_path) as alone:
        yield alone


def _update(config, now):
    """Raise what is found, clear what is gone (commits); returns {cause: values} found now."""
    alerts = {alert.cause: alert for alert in db.session.scalars(db.select(Alert))}
    found, unknown = findings(config, now)
    for cause, values in found.items():
        alert = alerts.get(cause)
        with force_locale("en"):
            detail = describe(cause, values, config, "en")
        if alert is None or alert.all_clear_sent_at is not None:
            if alert is None:
                alert = Alert(cause=cause)
                db.session.add(alert)
            alert.raised_at, alert.notified_at, alert.cleared_at, alert.all_clear_sent_at = now, None, None, None
            current_app.logger.warning("alert raised: %s: %s", cause, detail)
        elif alert.cleared_at is not None:
            alert.cleared_at = None  # back before its all clear went out: as far as staff know, it never stopped
        alert.detail = detail
    for cause, alert in alerts.items():
        if cause in found or cause in unknown or alert.cleared_at is not None:
            continue
        current_app.logger.warning("alert cleared: %s", cause)
        if alert.notified_at is None:
            db.session.delete(alert)  # nobody was told of it: there is nothing to clear
        else:
            alert.cleared_at = now
    db.session.commit()
    return found


def _to_tell():
    """Alerts whose raise, or whose all clear, nobody has been told of yet."""
    return db.session.scalars(db.select(Alert).where(
        db.or_(db.and_(Alert.cleared_at.is_(None), Alert.notified_at.is_(None)),
               db.and_(Alert.cleared_at.is_not(None), Alert.all_clear_sent_at.is_(None))))
        .order_by(Alert.raised_at, Alert.cause)).all()


def _tell(config, found, report):
    """Email each alert not yet told of; record it as told only once the mail server took it (commits each)."""
    to = recipients(config)
    transport = None
    try:
        for alert in _to_tell():
            cleared = alert.cleared_at is not None
            what = ("all clear" if cleared else "alert") + f" {alert.cause}"
            if to:
                email = message(alert, found.get(alert.cause), config, to, dt.datetime.now(dt.timezone.utc))
                transport = transport or open_transport(config["MAIL_URL"], timeout=float(config["MAIL_TIMEOUT"]))
                try:
                    transport.send(email, config["MAIL_FROM"], to)
                except (TemporaryFailure, PermanentFailure) as error:
                    current_app.logger.warning("the %s email was not sent (%s); the next check tries again",
                                               what, error.__class__.__name__)
                    report["not_sent"].append(what)
                    if isinstance(error, TransportUnavailable):
                        break
                    continue
            if cleared:
                alert.all_clear_sent_at = utcnow()
            else:
                alert.notified_at = utcnow()
            db.session.commit()
            report["emailed" if to else "logged"].append(what)
    finally:
        if transport is not None:
            transport.close()


def check(config, now=None):
    """Look for every cause, raise and clear alerts, and tell staff; returns what happened, as plain values:
    {"busy": another check was running (nothing done), "active": [(cause, detail)], "emailed": [...],
    "logged": [...] (no ALERT_EMAILS), "not_sent": [...] (tried again at the next check)}."""
    report = {"busy": False, "active": [], "emailed": [], "logged": [], "not_sent": []}
    db.session.execute(db.select(1))  # a database that is away raises DATABASE_AWAY here, before any lock is taken
    with one_check_at_a_time() as alone:
        if not alone:
            report["busy"] = True
            return report
        found = _update(config, now or utcnow())
        _tell(config, found, report)
        report["active"] = [(alert.cause, alert.detail) for alert in db.session.scalars(
            db.select(Alert).where(Alert.cleared_at.is_(None)).order_by(Alert.raised_at, Alert.cause))]
    return report


def summary(report):
    """What a check found and did, as the command line says it."""
    if report["busy"]:
        return "Another alerts check is running; nothing done."
    lines = [f"Alerts now: {len(report['active'])}." if report["active"] else "No alerts."]
    lines += [f"  {cause}: {detail}" for cause, detail in report["active"]]
    for key, label in (("emailed", "Emailed"), ("logged", "Logged only (ACTIONTOOL_ALERT_EMAILS is empty)"),
                       ("not_sent", "Not sent, tried again at the next check")):
        if report[key]:
            lines.append(f"{label}: {', '.join(report[key])}.")
    return "\n".join(lines)
