"""The database's foundation: the SQLAlchemy handle, migrations, the clock, and what a lost database raises."""

import datetime as dt
import fcntl
import os
import zlib
from contextlib import contextmanager

import sqlalchemy.exc
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase

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


@contextmanager
def beside_the_database(name, instance_path):
    """A lock file beside the SQLite database (`<database>.<name>.lock`, so one per database wherever it lives),
    held while the block runs: True when this process got it, False when another holds it (no waiting)."""
    path = (db.engine.url.database or os.path.join(instance_path, "memory")) + f".{name}.lock"
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def one_at_a_time(name, instance_path):
    """True while this process alone runs the job `name` (the alerts check, an address index build), False when
    another holds it (no waiting). On PostgreSQL an advisory lock keyed by the name, held on a connection of its
    own (so every machine sharing the database is kept apart); on SQLite the lock file beside the database."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        with beside_the_database(name, instance_path) as alone:
            yield alone
        return
    key = zlib.crc32(f"actiontool:{name}".encode())
    with engine.connect() as connection:
        held = bool(connection.scalar(sqlalchemy.text("SELECT pg_try_advisory_lock(:key)"), {"key": key}))
        connection.commit()
        try:
            yield held
        finally:
            if held:
                connection.execute(sqlalchemy.text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.rollback()


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


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
