"""/healthz, for load balancers and container checks; 503 while the database is out of reach."""

import contextlib

from flask import Blueprint, current_app
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from app.extensions import db, talisman

bp = Blueprint("health", __name__)

# Never cached, as Django's never_cache makes its own answer.
HEADERS = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.get("/healthz")
# Load balancers check it over plain HTTP from inside (Django: SECURE_REDIRECT_EXEMPT).
@talisman(force_https=False)
def healthz():
    """Answer "ok" when the app and its database answer."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return "database unavailable", 503, HEADERS
    return "ok", 200, HEADERS


@bp.app_errorhandler(OperationalError)
@bp.app_errorhandler(InterfaceError)
def database_unavailable(error):
    """Answer 503 with a page that needs no database while the database is out of reach.

    A request that lost its database (down, restarting) gets this at once, instead of the 500
    of an unexpected error; the connection pool's pre-ping reconnects once it is back.
    """
    with contextlib.suppress(SQLAlchemyError):
        db.session.rollback()
    # Rendered by Jinja alone: render_template's context would load the signed-in user.
    return current_app.jinja_env.get_template("503.html").render(), 503


@bp.teardown_app_request
def close_session(error):
    """End the request's database session; one whose server went away is dropped, not rolled back.

    Flask-SQLAlchemy closes it a step later, rolling back on the way, which fails with a 500 when
    the database went down between the answer and the end of the request.
    """
    try:
        db.session.close()
    except DBAPIError:
        db.session().invalidate()  # the scoped session's own Session
