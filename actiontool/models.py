"""The database: SQLAlchemy 2 models, the same on SQLite and PostgreSQL."""

import datetime as dt

import sqlalchemy.exc
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from actiontool import config


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()

# What SQLAlchemy raises when the database cannot be reached or does not answer in time: the web app
# answers 503 and the worker waits and tries again.
DATABASE_AWAY = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError, sqlalchemy.exc.TimeoutError)


def discard_failed_transaction():
    """Forget a transaction that failed because the database went away, whatever state its connection is in."""
    try:
        db.session.rollback()
    except sqlalchemy.exc.SQLAlchemyError:
        pass  # the connection is gone: removing the session below drops it
    db.session.remove()


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


class LetterStatus:
    """Where a letter is. A letter is `written` (preview and PDF) until the supporter asks
    for it to be emailed; then `awaiting_confirmation` -> `queued` -> `sent`, or `failed`."""

    WRITTEN = "written"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    # The official changed before the letter was delivered: staff re-address or cancel it.
    HELD = "held"
    CANCELLED = "cancelled"


class Letter(db.Model):
    """A supporter's letter, saved before anything is done with it.

    `recipient` is a snapshot of the official as the letter was written, so a
    later roster change never rewrites a letter already written.
    """

    __tablename__ = "letters"
    __table_args__ = (Index("ix_letters_email_confirmed", "email", "confirmed_at"),)

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
    # Only from events, and only when the signer gives it: printed under their address.
    phone: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(4))
    # The language of the pages the supporter used: their emails are written in it.
    ui_language: Mapped[str] = mapped_column(String(2), default="en")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    status: Mapped[str] = mapped_column(String(24), default=LetterStatus.WRITTEN)
    wants_copy: Mapped[bool] = mapped_column(Boolean, default=False)
    opt_in: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmation_sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    reminder_sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    failure_reason: Mapped[str] = mapped_column(String(40), default="")
    # Letters collected at an event are witnessed by a canvasser: no email confirmation.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), nullable=True,
                                                 index=True)
    # Set when the retention period removed the supporter's name, email, address and note.
    purged_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)

    official: Mapped[Official | None] = relationship()


class Event(db.Model):
    """A community event where canvassers collect signed letters."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    date: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class SheetRow(db.Model):
    """A sign-up sheet row that could not become a letter yet, kept so a canvasser can fix it
    in the browser. Deleted when it is saved as a letter or discarded, or by retention."""

    __tablename__ = "sheet_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    # The row's cells by column name (see canvassing.sheets.COLUMNS), as typed on the sheet.
    cells: Mapped[dict] = mapped_column(JSON)
    # Why the address lookup failed (lookup's codes), or "" when a field itself is wrong.
    lookup_problem: Mapped[str] = mapped_column(String(24), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class PrintJob(db.Model):
    """A PDF of many letters, rendered in the background by the worker; kept until downloaded
    or a day has passed."""

    __tablename__ = "print_jobs"

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    params: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default=QUEUED)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    letters: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(String(300), default="")
    requested_by: Mapped[str] = mapped_column(String(254))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class OutboxMessage(db.Model):
    """One email to send, written in the same transaction as the change that needs it.

    The message itself is composed from the letter when it is sent, so the
    outbox holds no copy of what the supporter wrote.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    PENDING, SENDING, SENT, FAILED, HELD = "pending", "sending", "sent", "failed", "held"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # Which worker run holds the row: a run sends only rows it still holds.
    claim_token: Mapped[str] = mapped_column(String(32), default="")
    last_error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)

    letter: Mapped[Letter] = relationship()


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


def _sqlite_pragmas(dbapi_connection, _record):
    """WAL lets the web app read while the delivery worker writes; NORMAL sync is safe with WAL."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def init_app(app):
    """Attach the database and Alembic migrations (`actiontool db upgrade`) to the app."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(config.MIGRATIONS), render_as_batch=True)
    with app.app_context():
        if db.engine.dialect.name == "sqlite" and db.engine.url.database not in (None, "", ":memory:"):
            event.listen(db.engine, "connect", _sqlite_pragmas)
