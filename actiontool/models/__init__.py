"""The database: SQLAlchemy 2 models, the same on SQLite and PostgreSQL, one module per part of the product.

Everything is importable from here (`from actiontool.models import Letter, db`).
"""

from actiontool.models.addresses import HOUSE_NUMBER_DIGITS, AddressIndex, AddressPoint, AddressStreet  # noqa: F401
from actiontool.models.base import (  # noqa: F401
    DATABASE_AWAY,
    Base,
    beside_the_database,
    db,
    discard_failed_transaction,
    init_app,
    migrate,
    one_at_a_time,
    utcnow,
)
from actiontool.models.followup import FollowUp, ReplyTally  # noqa: F401
from actiontool.models.letters import Event, FoundBy, Letter, LetterStatus, Official, OutboxMessage, PrintJob, SheetRow  # noqa: F401
from actiontool.models.meetings import AgendaItem, CommentStatus, Meeting, MeetingReminder, PublicComment  # noqa: F401
from actiontool.models.monitoring import Alert, LastCheck, WorkerHeartbeat  # noqa: F401
from actiontool.models.staff import DistrictArea, LoginFailure, LookupCacheEntry, RosterRevision, User  # noqa: F401
