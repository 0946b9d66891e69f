"""What staff keep: the roster's history, district areas, accounts, failed logins, and the lookup cache."""

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, DateTime, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from actiontool.models.base import db, utcnow


class RosterRevision(db.Model):
    """One change to the roster: who, when, what changed, and the whole roster after it."""

    __tablename__ = "roster_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    author: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(16))
    changes: Mapped[dict] = mapped_column(JSON)
    snapshot: Mapped[list] = mapped_column(JSON)


class DistrictArea(db.Model):
    """The cities and neighbourhoods one council district covers, in both languages, with where that came from
    (district_areas.csv), and who changed it last."""

    __tablename__ = "district_areas"

    district: Mapped[str] = mapped_column(String(2), primary_key=True)
    areas_en: Mapped[str] = mapped_column(String(300))
    areas_es: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(Text)
    as_of: Mapped[dt.date] = mapped_column(Date)
    changed_by: Mapped[str] = mapped_column(String(254), default="")
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class User(db.Model):
    """A staff member or canvasser. Supporters have no accounts."""

    __tablename__ = "users"

    STAFF, CANVASSER = "staff", "canvasser"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Changes at every login and logout: a session cookie from before stops working.
    session_nonce: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class LoginFailure(db.Model):
    """A failed login, counted per account and per client (both stored as HMACs)."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class LookupCacheEntry(db.Model):
    """A cached answer from an outside service.

    `key` is an HMAC of the question and `value` is encrypted with a key derived
    from the question itself: without the address, an entry reveals nothing.
    """

    __tablename__ = "lookup_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
