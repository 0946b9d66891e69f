"""`actiontool alerts check`: the alerts check the worker runs every minute, from cron too, so that a stopped
worker is still noticed (registered by cli.py with the other operator commands)."""

import click
from flask import current_app
from flask.cli import with_appcontext

from actiontool.models import DATABASE_AWAY, discard_failed_transaction
from actiontool.monitoring import alerts


@click.group("alerts")
def alerts_cli():
    """Alerts to the staff list (ACTIONTOOL_ALERT_EMAILS)."""


@alerts_cli.command("check")
@with_appcontext
def alerts_check():
    """Check for alerts now, as the worker does every minute, and email staff what was raised or cleared; says
    what it found and sent. Run it from cron too: a stopped worker is then still noticed."""
    try:
        click.echo(alerts.summary(alerts.check(current_app.config)))
    except DATABASE_AWAY as error:
        discard_failed_transaction()
        raise click.ClickException(f"The database is unavailable ({error.__class__.__name__}); nothing was "
                                   "checked.") from None
