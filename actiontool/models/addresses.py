"""The local index of King County's address points: what lookup needs to find a district, nothing personal.

An index is built whole beside the one in use (its rows carry its own `index_id`) and becomes the one in use
only when its build finishes (`ready_at` set, in one transaction); a failed or interrupted build never replaces
a good one.
"""

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from actiontool.models.base import db, utcnow

# The most digits a house number of the index has (the column is a 32-bit integer on PostgreSQL): a longer one is
# left out of a build, and never looked for.
HOUSE_NUMBER_DIGITS = 7


class AddressIndex(db.Model):
    """One build of the index: from what, when, and what it counted."""

    __tablename__ = "address_indexes"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The file name or the layer's address it was built from.
    source: Mapped[str] = mapped_column(Text)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Set when the build finished: the newest ready index answers lookups.
    ready_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    points: Mapped[int] = mapped_column(Integer, default=0)
    # {"1": 74012, ...}: points per council district.
    per_district: Mapped[dict] = mapped_column(JSON, default=dict)
    # {"no district": 12, "no coordinates": 3, ...}: records left out, by reason.
    skipped: Mapped[dict] = mapped_column(JSON, default=dict)


class AddressPoint(db.Model):
    """One addressable site (one row per street name it is known by: the county's aliases are rows too)."""

    __tablename__ = "address_points"
    __table_args__ = (Index("ix_address_points_lookup", "index_id", "street", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    index_id: Mapped[int] = mapped_column(ForeignKey("address_indexes.id", ondelete="CASCADE"))
    # The street in canonical form (actiontool.addresses.normalize): "NE 45TH ST", "3RD AVE S".
    street: Mapped[str] = mapped_column(String(80))
    number: Mapped[int] = mapped_column(Integer)
    # What follows the number ("A", "1/2"), and the unit without its designator, or "".
    number_suffix: Mapped[str] = mapped_column(String(8), default="")
    unit: Mapped[str] = mapped_column(String(16), default="")
    zip: Mapped[str] = mapped_column(String(5))
    city: Mapped[str] = mapped_column(String(40), default="")
    district: Mapped[str] = mapped_column(String(2))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    # True on the rows made from the county's other names for the street (ALIAS1, ALIAS2).
    alias: Mapped[bool] = mapped_column(Boolean, default=False)


class AddressStreet(db.Model):
    """Every street name of an index within each ZIP code: what close matches are chosen among."""

    __tablename__ = "address_streets"

    id: Mapped[int] = mapped_column(primary_key=True)
    index_id: Mapped[int] = mapped_column(ForeignKey("address_indexes.id", ondelete="CASCADE"), index=True)
    zip: Mapped[str] = mapped_column(String(5))
    street: Mapped[str] = mapped_column(String(80))
