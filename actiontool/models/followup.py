"""What letters did: the question two weeks after delivery ("did they reply?") and its answers, kept only as
counts."""

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from actiontool.models.base import db, utcnow
from actiontool.models.letters import Letter


class FollowUp(db.Model):
    """One supporter's "did they reply?" email for one delivered letter (its outbox row says when it is due):
    when it went, and
    whether its one-click answer was used. The answer itself is only counted, in ReplyTally, with nothing that
    points back here (no link, no time). Deleted once the letter's details are removed and the answer window
    has closed."""

    __tablename__ = "follow_ups"

    WAITING, SENT, ANSWERED, SKIPPED = "waiting", "sent", "answered", "skipped"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the emailed links name (signed): random, never reused, so an old link can never reach a later
    # supporter's question (ids may be reused once rows are deleted).
    key: Mapped[str] = mapped_column(String(43), unique=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(12), default=WAITING)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    letter: Mapped[Letter] = relationship()


class ReplyTally(db.Model):
    """One answer to "did they reply?", with nothing about who gave it: which official (as the letter was
    addressed), the letter's language and channel, the answer, and (when given) the days the reply took."""

    __tablename__ = "reply_tallies"

    # The answers: a personal reply, a form reply, no reply yet, I don't know; those that are replies.
    PERSONAL, FORM, NO_REPLY, UNKNOWN = "personal", "form", "none", "unknown"
    ANSWERS = (PERSONAL, FORM, NO_REPLY, UNKNOWN)
    REPLIED = (PERSONAL, FORM)
    # How long a reply took, as the supporter chooses it: "within N days" (the last: more than two weeks).
    DAYS = (1, 3, 7, 14, 30)

    id: Mapped[int] = mapped_column(primary_key=True)
    official_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id", ondelete="SET NULL"), nullable=True,
                                                    index=True)
    office: Mapped[str] = mapped_column(String(32))
    district: Mapped[str] = mapped_column(String(2), default="")
    official_name: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(4))
    channel: Mapped[str] = mapped_column(String(12))
    answer: Mapped[str] = mapped_column(String(12))
    days: Mapped[int | None] = mapped_column(Integer, nullable=True)
