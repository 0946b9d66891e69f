"""The worker loop (`actiontool worker`): deliver mail, run print jobs, purge old data, record that it is alive
and check for alerts to staff, until stopped."""

import signal
import time
from contextlib import contextmanager

from flask import current_app

from actiontool import retention
from actiontool.mail.outbox import deliver_due
from actiontool.models import DATABASE_AWAY, beside_the_database, db, discard_failed_transaction
from actiontool.monitoring import alerts, health
from actiontool.printing import jobs


@contextmanager
def single_worker_lock(app):
    """On SQLite only one worker may run: a second one gets False and should exit."""
    if db.engine.dialect.name != "sqlite":
        yield True
        return
    with beside_the_database("worker", app.instance_path) as alone:
        yield alone


# Seconds between tries while the database is away: doubling from the first, never past the last.
DATABASE_BACKOFF = (1.0, 60.0)
# At most one heartbeat write in this many seconds (a third of HEALTH_WORKER_SECONDS when that is shorter, so a
# live worker never looks stopped), and one alerts check a minute.
HEARTBEAT_SECONDS = 10.0
ALERTS_SECONDS = 60.0


class Watch:
    """The worker's heartbeat (for /healthz) and its alerts check, each at most as often as above."""

    def __init__(self, app, check_alerts):
        self.app, self.check_alerts = app, check_alerts
        self.name = health.worker_name()
        self.every = min(HEARTBEAT_SECONDS, float(app.config["HEALTH_WORKER_SECONDS"]) / 3)
        self.next_beat = self.next_check = 0.0

    def beat(self):
        """Record that this worker is alive (a lost database raises, as for any other work)."""
        if time.monotonic() >= self.next_beat:
            health.heartbeat(self.name)
            self.next_beat = time.monotonic() + self.every

    def check(self):
        """Check for alerts; whatever goes wrong is logged and never stops delivery."""
        if not self.check_alerts or time.monotonic() < self.next_check:
            return
        self.next_check = time.monotonic() + ALERTS_SECONDS
        try:
            alerts.check(self.app.config)
        except DATABASE_AWAY:
            raise  # the worker's loop waits for the database
        except Exception:
            self.app.logger.exception("checking for alerts failed; the next check tries again")
            discard_failed_transaction()


def _one_pass(app, once, next_purge, watch):
    """Record the heartbeat, purge when due, clean up old PDFs, deliver what is due, check for alerts, print one
    job; return (counts, printed)."""
    watch.beat()
    if not once and time.monotonic() >= next_purge[0]:
        retention.purge(app.config)
        next_purge[0] = time.monotonic() + 24 * 3600
    jobs.clean_up()  # cheap, and a PDF must not outlive its day by much
    counts = deliver_due(app.config)
    watch.check()
    printed = jobs.run_next(between_chunks=lambda: _deliver_while_printing(app.config, watch))
    if once:
        while printed:
            printed = jobs.run_next(between_chunks=lambda: _deliver_while_printing(app.config, watch))
    return counts, printed


def _deliver_while_printing(config, watch):
    """Mail due in the middle of a print run goes out now (and the worker is still alive, for /healthz); a
    failure here is the next pass's, not the print's."""
    try:
        watch.beat()
        deliver_due(config)
    except Exception:
        current_app.logger.exception("delivering between print chunks failed; the next pass tries again")
        db.session.rollback()


def _sleep(seconds, stopping):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not stopping:
        time.sleep(0.2)


def run_worker(app, once=False, echo=print):
    """Deliver until stopped (SIGTERM or Ctrl-C finish the current message first).

    Each pass records the heartbeat /healthz reads (at most every 10 s) and, unless `once`, checks for alerts
    (at most once a minute; `actiontool alerts check` does it from cron when no worker runs).
    When the database is away the worker says so, waits (1 s, doubling up to a minute) and carries on;
    nothing it had claimed is lost, since every outcome is committed on its own. `--once` exits 3.
    """
    stopping = []
    if not once:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopping.append(True))
    with single_worker_lock(app) as alone:
        if not alone:
            echo("Another worker is already running on this SQLite database; exiting.")
            return 1
        poll = float(app.config["WORKER_POLL_SECONDS"])
        next_purge, backoff = [0.0], DATABASE_BACKOFF[0]
        watch = Watch(app, check_alerts=not once)
        if not once:
            echo(f"Worker started: delivering email and print jobs every {poll:g} s.")
        while not stopping:
            try:
                counts, printed = _one_pass(app, once, next_purge, watch)
            except DATABASE_AWAY as error:
                discard_failed_transaction()
                app.logger.error("database unavailable (%s); trying again in %.0f s",
                                 error.__class__.__name__, backoff)
                if once:
                    echo("The database is unavailable; nothing was delivered.")
                    return 3
                _sleep(backoff, stopping)
                backoff = min(backoff * 2, DATABASE_BACKOFF[1])
                continue
            if backoff != DATABASE_BACKOFF[0]:
                app.logger.warning("database is back; delivering again")
                backoff = DATABASE_BACKOFF[0]
            if once:
                echo("Delivered: {sent} sent, {retry} to retry, {failed} failed, "
                     "{reminders} reminders queued.".format(**counts))
                return 0
            if printed:
                continue
            db.session.remove()
            _sleep(poll, stopping)
        return 0
