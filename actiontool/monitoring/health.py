"""Is the tool working? The worker's heartbeat, and the figures GET /healthz gives uptime monitors.

Each worker process records when it was last seen working (`heartbeat`); `health` says whether the
database answers, how long ago any worker was seen and how long the oldest due email has waited. Only
times and counts: nothing about any supporter.
"""

import datetime as dt
import os
import socket

from sqlalchemy import and_, func
from sqlalchemy.dialects import postgresql, sqlite

from actiontool.models import OutboxMessage, WorkerHeartbeat, db, utcnow

# A worker's row is deleted once it has not been seen for this long (a process that stopped for good).
FORGET_WORKER_AFTER = dt.timedelta(days=1)


def worker_name():
    """This process, as its heartbeat row names it: host and process id (nothing personal)."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def heartbeat(name, now=None):
    """Record that worker `name` is working now, and forget workers not seen for a day; commits.

    One statement whichever worker writes first (INSERT ... ON CONFLICT, on SQLite and PostgreSQL alike).
    """
    now = now or utcnow()
    table = WorkerHeartbeat.__table__
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    db.session.execute(insert(table).values(worker=name, seen_at=now)
                       .on_conflict_do_update(index_elements=[table.c.worker], set_={"seen_at": now}))
    db.session.execute(table.delete().where(table.c.seen_at < now - FORGET_WORKER_AFTER))
    db.session.commit()


def seconds_since_worker_seen(now=None):
    """Seconds since any worker was last seen working, or None if none ever was (or not for a day)."""
    now = now or utcnow()
    last = db.session.scalar(db.select(func.max(WorkerHeartbeat.seen_at)))
    return None if last is None else max(0, int((now - last).total_seconds()))


def due_mail(now=None):
    """The emails the worker should have taken by now: {"count", "oldest_seconds"} (None when there are none).

    Due is what the outbox's worker claims: pending and due, or being sent under a lease that ran out
    (a worker that died mid-send). Each has been due since its next attempt, or since its lease ran out.
    """
    now = now or utcnow()
    pending = and_(OutboxMessage.status == OutboxMessage.PENDING, OutboxMessage.next_attempt_at <= now)
    abandoned = and_(OutboxMessage.status == OutboxMessage.SENDING, OutboxMessage.claimed_until < now)
    count_p, since_p = db.session.execute(
        db.select(func.count(OutboxMessage.id), func.min(OutboxMessage.next_attempt_at)).where(pending)).one()
    count_a, since_a = db.session.execute(
        db.select(func.count(OutboxMessage.id), func.min(OutboxMessage.claimed_until)).where(abandoned)).one()
    since = min((moment for moment in (since_p, since_a) if moment is not None), default=None)
    return {"count": count_p + count_a,
            "oldest_seconds": None if since is None else max(0, int((now - since).total_seconds()))}


# A due email younger than this is business as usual, and not shown.
QUIET_SECONDS = 60


def health(config, now=None):
    """/healthz's figures as a plain dict; `ok` when the database answered and a worker was seen within
    HEALTH_WORKER_SECONDS. Raises models.DATABASE_AWAY when the database does not answer (see `unreachable`)."""
    now = now or utcnow()
    limit = int(config["HEALTH_WORKER_SECONDS"])
    seen = seconds_since_worker_seen(now)
    oldest = due_mail(now)["oldest_seconds"]
    return {
        "ok": seen is not None and seen <= limit,
        "database": True,
        "worker_seen_seconds_ago": seen,
        "worker_limit_seconds": limit,
        # Only a wait a monitor should care about: under a minute it would tell anyone polling the page the
        # moment each supporter confirms a letter.
        "oldest_due_seconds": oldest if oldest is not None and oldest >= QUIET_SECONDS else None,
    }


def unreachable(config):
    """/healthz's figures when the database does not answer: nothing else can be known."""
    return {
        "ok": False,
        "database": False,
        "worker_seen_seconds_ago": None,
        "worker_limit_seconds": int(config["HEALTH_WORKER_SECONDS"]),
        "oldest_due_seconds": None,
    }
