"""A cache of outside services' answers that stores no address in clear text.

The row key is an HMAC (keyed with the app's secret) of the question; the
answer is encrypted with a key derived from the question itself. Whoever reads
the table without already knowing an address learns nothing from it.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from actiontool.models import LookupCacheEntry, db, utcnow


class LookupCache:
    def __init__(self, secret, max_age_days):
        self.secret = secret.encode() if isinstance(secret, str) else secret
        self.max_age = dt.timedelta(days=max_age_days)

    def _digest(self, purpose, question):
        return hmac.new(self.secret, purpose + b"\n" + question.encode(), hashlib.sha256).digest()

    def _fernet(self, question):
        return Fernet(base64.urlsafe_b64encode(self._digest(b"encrypt", question)))

    def get(self, question):
        """The cached answer to `question`, or None when absent or too old."""
        key = self._digest(b"key", question).hex()
        entry = db.session.get(LookupCacheEntry, key)
        if entry is None or entry.created_at < utcnow() - self.max_age:
            return None
        try:
            return json.loads(self._fernet(question).decrypt(entry.value.encode()))
        except InvalidToken:
            return None

    def put(self, question, answer):
        """Remember `answer` (any JSON value) for `question`.

        In a transaction of its own: the lookup's caller may be in the middle of its own work, which
        this neither commits nor rolls back. Caching is best-effort: if the row cannot be written now
        (another request cached the same answer at the same moment, or SQLite is busy), the answer is
        simply asked again next time.
        """
        key = self._digest(b"key", question).hex()
        value = self._fernet(question).encrypt(json.dumps(answer).encode()).decode()
        with Session(db.engine) as own:
            entry = own.get(LookupCacheEntry, key)
            if entry is None:
                own.add(LookupCacheEntry(key=key, value=value))
            else:
                entry.value, entry.created_at = value, utcnow()
            try:
                own.commit()
            except (IntegrityError, OperationalError):
                own.rollback()

    def prune(self):
        """Delete entries older than the cache's age limit (the caller commits); return how many."""
        cutoff = utcnow() - self.max_age
        result = db.session.execute(db.delete(LookupCacheEntry).where(LookupCacheEntry.created_at < cutoff))
        return result.rowcount
