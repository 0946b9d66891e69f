"""Who is signed in: sessions (Flask's signed cookie holding the user's id and a nonce that changes at every
sign-in and sign-out, so signing out ends every copy of the old session) and the role checks on staff pages."""

import functools
import hmac
import secrets

from flask import abort, g, redirect, request, session, url_for

from actiontool.models import User, db, utcnow


def log_in(user):
    """Start a new session for `user` (anything in the old session is dropped)."""
    language = session.get("lang")
    session.clear()
    user.session_nonce, user.last_login_at = secrets.token_urlsafe(32), utcnow()
    db.session.commit()
    session.update(user_id=user.id, nonce=user.session_nonce)
    if language:
        session["lang"] = language


def log_out():
    user = current_user()
    if user is not None:
        user.session_nonce = ""
        db.session.commit()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def current_user():
    """The logged-in, active user whose session is current, or None."""
    if "current_user" not in g:
        user = None
        if session.get("user_id") and session.get("nonce"):
            candidate = db.session.get(User, session["user_id"])
            if candidate and candidate.active and candidate.session_nonce and \
                    hmac.compare_digest(candidate.session_nonce, session["nonce"]):
                user = candidate
        g.current_user = user
    return g.current_user


def role_required(*roles):
    """Views for signed-in users with one of `roles`: others go to the login page, or get 403."""
    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("staff.login", next=request.path))
            if user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


staff_required = role_required(User.STAFF)


canvasser_or_staff = role_required(User.STAFF, User.CANVASSER)
