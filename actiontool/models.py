"""The database: SQLAlchemy 2 models, the same on SQLite and PostgreSQL."""

import datetime as dt

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Official(db.Model):
    """One row of the roster: a councilmember (with a district) or a county-wide office."""

    __tablename__ = "officials"
    __table_args__ = (UniqueConstraint("office", "district", name="uq_officials_office_district"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(32))
    district: Mapped[str] = mapped_column(String(2), default="")
    name: Mapped[str] = mapped_column(String(120))
    title_en: Mapped[str] = mapped_column(String(120))
    title_es: Mapped[str] = mapped_column(String(120))
    salutation_en: Mapped[str] = mapped_column(String(200))
    salutation_es: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    postal_address: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    verified_on: Mapped[dt.date] = mapped_column(Date)


class Letter(db.Model):
    """A supporter's letter, saved before anything is done with it.

    `recipient` is a snapshot of the official as the letter was written, so a
    later roster change never rewrites a letter already written.
    """

    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    official_id: Mapped[int | None] = mapped_column(
        ForeignKey("officials.id", ondelete="SET NULL"), nullable=True
    )
    recipient: Mapped[dict] = mapped_column(JSON)
    district: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254), default="")
    street: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(80))
    zip: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(4))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    official: Mapped[Official | None] = relationship()


class LookupCacheEntry(db.Model):
    """A cached answer from an outside service.

    `key` is an HMAC of the question and `value` is encrypted with a key derived
    from the question itself: without the address, an entry reveals nothing.
    """

    __tablename__ = "lookup_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


def init_app(app):
    """Attach the database and Alembic migrations (`actiontool db upgrade`) to the app."""
    from actiontool import MIGRATIONS

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
