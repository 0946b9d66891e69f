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
from sqlalchemy.exc import IntegrityError

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
        """Remember `answer` (any JSON value) for `question`."""
        key = self._digest(b"key", question).hex()
        value = self._fernet(question).encrypt(json.dumps(answer).encode()).decode()
        entry = db.session.get(LookupCacheEntry, key)
        if entry is None:
            db.session.add(LookupCacheEntry(key=key, value=value))
        else:
            entry.value, entry.created_at = value, utcnow()
        try:
            db.session.commit()
        except IntegrityError:
            # Another request cached the same answer at the same moment.
            db.session.rollback()

    def prune(self):
        """Delete entries older than the cache's age limit; return how many."""
        cutoff = utcnow() - self.max_age
        result = db.session.execute(db.delete(LookupCacheEntry).where(LookupCacheEntry.created_at < cutoff))
        db.session.commit()
        return result.rowcount
