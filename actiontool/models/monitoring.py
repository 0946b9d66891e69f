"""Watching the tool run: the worker's heartbeat and the alerts staff were sent."""

import datetime as dt

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from actiontool.models.base import db, utcnow


class WorkerHeartbeat(db.Model):
    """When a worker process was last seen working (one row per process, by host and process id)."""

    __tablename__ = "worker_heartbeats"

    worker: Mapped[str] = mapped_column(String(120), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class Alert(db.Model):
    """One cause of an alert (a stuck queue, a meeting's failed comments...): raised once, emailed once to the
    staff list, and cleared (with an "all clear" email) when the cause is gone."""

    __tablename__ = "alerts"

    cause: Mapped[str] = mapped_column(String(80), primary_key=True)
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # What was found, in plain words (never personal data), as the email said it.
    detail: Mapped[str] = mapped_column(Text, default="")
    notified_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    cleared_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    all_clear_sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class LastCheck(db.Model):
    """When a routine check (the roster against the county's layer) last ran, so that it runs once a period."""

    __tablename__ = "last_checks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    checked_at: Mapped[dt.datetime] = mapped_column(DateTime)
