"""Meetings that take written public comment, their agenda items, and what supporters asked for them."""

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from actiontool.models.base import db, utcnow
from actiontool.models.letters import Letter


class Meeting(db.Model):
    """A council or committee meeting that takes written public comment, as staff entered it from its agenda.

    Times are stored as naive UTC; staff enter and everyone reads them in King County's time
    (meetings.schedule converts). Meetings are never deleted: a cancelled one keeps its row for the record.
    """

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_starts_at", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_en: Mapped[str] = mapped_column(String(120))
    body_es: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # Written comment must reach the clerk by this moment to be forwarded to the members before the meeting.
    cutoff_at: Mapped[dt.datetime] = mapped_column(DateTime)
    comment_email: Mapped[str] = mapped_column(String(254))
    # A fourth-Tuesday meeting: comment on any county matter, not only the agenda's items.
    open_comment: Mapped[bool] = mapped_column(Boolean, default=False)
    # How to speak at it, as the agenda says: the room, the online link, the phone line.
    place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    phone: Mapped[str] = mapped_column(String(200), default="")
    # Where staff read all this (the agenda's address).
    agenda_url: Mapped[str] = mapped_column(String(500))
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    changed_by: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting", order_by="AgendaItem.id", cascade="all, delete-orphan")


class AgendaItem(db.Model):
    """An agenda item the campaign asks people to comment on: its file number, title and a plain summary."""

    __tablename__ = "agenda_items"
    __table_args__ = (UniqueConstraint("meeting_id", "file_number", name="uq_agenda_items_meeting_file"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    file_number: Mapped[str] = mapped_column(String(20))
    title_en: Mapped[str] = mapped_column(String(300))
    title_es: Mapped[str] = mapped_column(String(300))
    summary_en: Mapped[str] = mapped_column(Text, default="")
    summary_es: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="items")


class CommentStatus:
    """Where a public comment is: `requested` with the letter until the supporter confirms their email;
    then `queued` -> `sent`, or `late` (it could not reach the clerk before the cut-off), `failed` (the
    clerk's mail server refused it) or `cancelled` (the meeting was). A comment is never sent after its
    cut-off: the supporter is told and may move it to the next meeting."""

    REQUESTED = "requested"
    QUEUED = "queued"
    SENT = "sent"
    LATE = "late"
    FAILED = "failed"
    CANCELLED = "cancelled"
    NOT_SENT = (LATE, FAILED, CANCELLED)


class PublicComment(db.Model):
    """A letter sent on, as written public comment, to a meeting's comment address: at most one per letter."""

    __tablename__ = "public_comments"

    # The choice, at an open-comment (fourth-Tuesday) meeting, of a comment on any county matter.
    ANY_MATTER = "general"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), unique=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    # None: a comment on any county matter, at an open-comment meeting.
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"),
                                                       nullable=True)
    # Public comment is public record: the street goes only when the supporter says so.
    include_street: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), default=CommentStatus.REQUESTED)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)

    letter: Mapped[Letter] = relationship()
    meeting: Mapped[Meeting] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()


class MeetingReminder(db.Model):
    """A supporter's request for one email the day before a meeting, with how to speak at it. Deleted with
    the letter's other personal data."""

    __tablename__ = "meeting_reminders"

    PENDING, SENT, SKIPPED = "pending", "sent", "skipped"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), unique=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    letter: Mapped[Letter] = relationship()
    meeting: Mapped[Meeting] = relationship()
