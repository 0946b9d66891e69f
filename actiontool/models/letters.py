"""Letters and what carries them: the roster's officials, letters, events and their sheet rows, print jobs,
and the outbox."""

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from actiontool.models.base import db, utcnow


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


class FoundBy:
    """How a letter's district was found (Letter.found_by); "" for letters written before this was kept."""

    HERE = "local"  # in our own copy of the county's address points: the address went nowhere
    GEOCODER = "census"  # the Census geocoder was asked
    CHOSEN = "chosen"  # the supporter (or canvasser) chose the district
    ALL = (HERE, GEOCODER, CHOSEN)


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
    # How the district was found (FoundBy).
    found_by: Mapped[str] = mapped_column(String(8), default="")
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
    # A letter to the whole council: every member's copy, and the supporter's own letter (the lead, which
    # holds the token the supporter's pages and emails use), carry the lead's id. None: one official only.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"), nullable=True, index=True)
    # The supporter's choice to be asked, two weeks after delivery, whether the official replied.
    follow_up: Mapped[bool] = mapped_column(Boolean, default=False)
    # The partner organisation whose site the letter was written on (/embed?partner=<tag>), or "".
    partner: Mapped[str] = mapped_column(String(40), default="")
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

    # SKIPPED: no longer needed (a follow-up question whose letter's details were deleted), never tried.
    PENDING, SENDING, SENT, FAILED, HELD, SKIPPED = "pending", "sending", "sent", "failed", "held", "skipped"

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
    # When it was sent, failed or skipped: alerts count the last hour's permanent failures by it.
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True, index=True)

    letter: Mapped[Letter] = relationship()
