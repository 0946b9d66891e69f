"""Staff and canvasser accounts: adding and disabling them, passwords (scrypt), slowed-down guessing.
(Who is signed in, and the role checks on pages, are web.auth.)

Guessing is slowed without letting a stranger lock anyone out (OWASP's
"device cookie"): a browser that once signed in to an account keeps a signed
cookie naming it, and only its own failures count against it. Any other
client is slowed after a few failures for one account from that client, or
many failures from that client for any account.
"""

import datetime as dt
import hashlib
import hmac
import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from actiontool.models import LoginFailure, User, db, utcnow

ROLES = (User.STAFF, User.CANVASSER)
MIN_PASSWORD_LENGTH = 12

# Outcomes of a login attempt.
OK, WRONG, SLOWED = "ok", "wrong", "slowed"


class AccountError(ValueError):
    """A user could not be added or changed; the message says why."""


def _normal(email):
    return email.strip().lower()


def add_user(email, password, role):
    """Create an account; raise AccountError for a bad role, short password or existing email."""
    if role not in ROLES:
        raise AccountError(f"role must be one of: {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if db.session.scalar(db.select(User).where(User.email == _normal(email))):
        raise AccountError(f"{_normal(email)} already has an account")
    user = User(email=_normal(email), role=role, active=True,
                password_hash=generate_password_hash(password, method="scrypt"))
    db.session.add(user)
    db.session.commit()
    return user


def list_users():
    return db.session.scalars(db.select(User).order_by(User.email)).all()


def disable_user(email):
    user = db.session.scalar(db.select(User).where(User.email == _normal(email)))
    if user is None:
        raise AccountError(f"no account for {_normal(email)}")
    user.active, user.session_nonce = False, ""
    db.session.commit()
    return user


def _failure_key(kind, value):
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _recent_failures(key):
    window = dt.timedelta(minutes=int(current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"]))
    return db.session.scalar(db.select(db.func.count(LoginFailure.id)).where(
        LoginFailure.key == key, LoginFailure.at >= utcnow() - window))


DEVICE_COOKIE = "device"
DEVICE_COOKIE_DAYS = 365


def _device_serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def device_cookie(email):
    """The value of the cookie that marks this browser as one that signed in to `email`'s account."""
    return _device_serializer().dumps({"account": _failure_key("account", _normal(email)),
                                       "device": secrets.token_urlsafe(16)})


def known_device(cookie, email):
    """The device id if `cookie` was given by a sign-in to `email`'s account, else None."""
    try:
        value = _device_serializer().loads(cookie or "")
    except BadSignature:
        return None
    if not isinstance(value, dict) or value.get("account") != _failure_key("account", _normal(email)):
        return None
    return str(value.get("device", ""))


def _failure_keys(email, client, device):
    """(HMAC key, limit) pairs that this attempt counts against."""
    per_account = int(current_app.config["LOGIN_FAILURES_PER_ACCOUNT"])
    if device:
        return [(_failure_key("device", device), per_account)]
    return [(_failure_key("account-client", f"{_normal(email)} {client}"), per_account),
            (_failure_key("client", client), int(current_app.config["LOGIN_FAILURES_PER_CLIENT"]))]


def authenticate(email, password, client, device=None):
    """OK with the user, WRONG, or SLOWED when this client (or known device) failed too often lately.

    `device` is the id from known_device(): failures elsewhere never slow a browser that signed in before.
    """
    limited = _failure_keys(email, client, device)
    if any(_recent_failures(key) >= limit for key, limit in limited):
        return SLOWED, None
    user = db.session.scalar(db.select(User).where(User.email == _normal(email)))
    # Check a hash even for unknown accounts, so timing does not tell which accounts exist.
    hashed = user.password_hash if user else generate_password_hash("x", method="scrypt")
    if check_password_hash(hashed, password) and user is not None and user.active:
        return OK, user
    db.session.add_all(LoginFailure(key=key) for key, _limit in limited)
    db.session.commit()
    return WRONG, None
