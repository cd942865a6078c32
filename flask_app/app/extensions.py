"""The Flask extensions, created unbound and attached to each app by create_app()."""

import sqlite3

from flask import has_request_context, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.compiler import ilike_case_insensitive


class Base(DeclarativeBase):
    # Named constraints, so that migrations can alter them later (SQLite batch mode needs names).
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


# Objects keep their values after a commit instead of reloading them on the next read (SQLAlchemy's
# expire_on_commit): no SELECTs for the new post's id and the signed-in user after a write. What
# they hold is what the app set (an aware datetime where SQLite would give back a naive one), not
# re-read; every commit here is followed by a redirect or a command's last words, so none is shown.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
# SQLite cannot ALTER most things; batch mode rebuilds the table instead.
migrate = Migrate(render_as_batch=True)
csrf = CSRFProtect()
# Security headers and HTTPS. Talisman keeps its options on this object, not per app: one app
# per process (as under gunicorn), or apps built one after another (as in the tests).
talisman = Talisman()
# No default limits: only the views that say so are limited (the sign-in form's failures).
limiter = Limiter(key_func=get_remote_address)

# Django's mail API for Flask: SMTP, or the console without EMAIL_HOST (config.py).
mail = Mail()

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
# The sign-in page says what to do; the spec's flash messages are exact, so add none here.
login_manager.login_message = None


@event.listens_for(Engine, "connect")
def configure_sqlite(dbapi_connection, connection_record):
    """Let several server processes share one SQLite file."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    # WAL: readers never block the writer; busy_timeout: a writer waits for the lock (20 s)
    # instead of failing at once with "database is locked".
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=20000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # sqlite3's legacy mode begins a transaction only at the first write, so a request's
    # reads run outside it; SQLAlchemy's documented recipe lets it emit BEGIN itself instead
    # (begin_sqlite_transaction below).
    dbapi_connection.isolation_level = None


@event.listens_for(Engine, "begin")
def begin_sqlite_transaction(connection) -> None:
    """Take SQLite's write lock at BEGIN for requests that write (BEGIN IMMEDIATE).

    A request that writes reads first (the signed-in user, the post). A plain (deferred)
    transaction starts as a reader; if another process commits before its first write,
    SQLite cannot turn it into a writer and fails at once with "database is locked", busy
    timeout or not. BEGIN IMMEDIATE waits for the lock (up to the busy timeout) instead, as
    Django's "transaction_mode": "IMMEDIATE" does. Django opens no transaction for plain
    reads; SQLAlchemy opens one for every query, so GET requests keep the deferred BEGIN and
    read side by side. Commands (no request) write: they take the lock too.
    """
    if connection.dialect.name != "sqlite":
        return
    reading = has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")
    connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


@compiles(ilike_case_insensitive, "sqlite")
def sqlite_like_ignores_case(element, compiler, **kw) -> str:
    """Leave both sides of a case-insensitive LIKE (icontains, ilike) as they are on SQLite.

    SQLAlchemy wraps them in lower() on databases without ILIKE. SQLite's LIKE already ignores
    case, for the same ASCII letters its lower() folds, so the answers are the same without two
    calls a row (Django's icontains is a plain LIKE there; PostgreSQL's dialect likewise drops
    the lower() and says ILIKE).
    """
    return compiler.process(element.element, **kw)
