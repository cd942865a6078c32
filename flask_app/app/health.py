"""/healthz, for load balancers and container checks."""

from flask import Blueprint
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

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
