"""How sign-ins, sign-ups and reset requests are throttled (SEC-13, AUTH-14).

Flask-Limiter counts failed sign-ins per username and address, and requests per address; the
limits are read from the config per request, so that tests can change them.
"""

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from app import security_log
from app.accounts.forms import normalize_username
from app.extensions import limiter
from app.hardening import clip_key


def per(limit: str, window: str) -> str:
    """Return a limit of the config as Flask-Limiter reads it ("5 per 900 seconds")."""
    config = current_app.config
    return f"{config[limit]} per {config[window]} seconds"


def address_and_username() -> str:
    """Count failures per client address and username in any case, as django-axes does."""
    username = normalize_username(request.form.get("username")) or ""
    return f"{get_remote_address()}/{clip_key(username.lower())}"


def credentials_refused(response) -> bool:
    """Count this request against the limit: the view refused its credentials."""
    return g.get("credentials_refused", False)


def log_throttled(limit) -> None:
    """Log a sign-in refused for the limit (the 429 handler then answers)."""
    security_log.sign_in_throttled(request.form.get("username"))


# Flask-Limiter checks a limit before the view runs (so while locked even the right password
# gets 429) and counts the request after it, here only if the view refused the credentials:
# successes and incomplete forms cost nothing.
failures_limited = limiter.limit(
    lambda: per("LOGIN_FAILURE_LIMIT", "LOGIN_FAILURE_WINDOW"),
    key_func=address_and_username,
    methods=["POST"],
    deduct_when=credentials_refused,
    on_breach=log_throttled,
)
# Every attempt from one address, whatever the usernames (password spraying).
sign_in_limited = limiter.limit(
    lambda: per("LOGIN_ADDRESS_LIMIT", "LOGIN_FAILURE_WINDOW"),
    methods=["POST"],
    on_breach=log_throttled,
)
sign_up_limited = limiter.limit(lambda: per("SIGN_UP_LIMIT", "SIGN_UP_WINDOW"), methods=["POST"])
# Each reset request may mail someone.
reset_limited = limiter.limit(
    lambda: per("PASSWORD_RESET_LIMIT", "PASSWORD_RESET_WINDOW"), methods=["POST"]
)
