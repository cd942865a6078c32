"""The security log: sign-ins, refused and throttled sign-ins, sign-outs, new passwords.

One line each on the `posts.security` logger (the Django app writes the same lines), naming the
username and the client's address; never a password, a cookie or a token. Flask-Login signals
the sign-ins and sign-outs; the sign-in view and Flask-Limiter's `on_breach` report the
refusals, the password views the new passwords.
"""

import logging

from flask import Flask, request
from flask.logging import default_handler
from flask_login import user_logged_in, user_logged_out

log = logging.getLogger("posts.security")


def shown(username: str | None) -> str:
    """Quote a username for the log, cut short: as typed it may hold anything, newlines too."""
    return repr((username or "")[:150])


def sign_in_refused(username: str | None) -> None:
    """Log a sign-in refused for its credentials."""
    log.warning("sign-in failed: username=%s address=%s", shown(username), request.remote_addr)


def sign_in_throttled(username: str | None) -> None:
    """Log a sign-in refused because its username and address have failed too often."""
    log.warning("sign-in throttled: username=%s address=%s", shown(username), request.remote_addr)


def password_changed(user) -> None:
    """Log a password changed by its signed-in user."""
    log.info("password changed: username=%s address=%s", shown(user.username), request.remote_addr)


def password_reset(user) -> None:
    """Log a password set through a reset link."""
    log.info("password reset: username=%s address=%s", shown(user.username), request.remote_addr)


def signed_in(sender: Flask, user, **extra) -> None:
    """Log a sign-in (Flask-Login's user_logged_in): the site's, the admin's, or after sign-up."""
    log.info("sign-in: username=%s address=%s", shown(user.username), request.remote_addr)


def signed_out(sender: Flask, user, **extra) -> None:
    """Log a sign-out (Flask-Login's user_logged_out)."""
    # Flask-Login signals a sign-out even when nobody was signed in.
    if user.is_authenticated:
        log.info("sign-out: username=%s address=%s", shown(user.username), request.remote_addr)


def init_app(app: Flask) -> None:
    """Send the log to stderr and connect it to Flask-Login's signals."""
    # INFO and up to stderr (under gunicorn, its error log) with Flask's own handler, as
    # Flask's logging docs do for other libraries' loggers.
    log.setLevel(logging.INFO)
    log.addHandler(default_handler)
    # Flask-Limiter's warnings too (its only handler is a NullHandler): that Redis, the shared
    # store of the throttle counts, cannot be reached and each process counts alone (OPS-12).
    logging.getLogger("flask-limiter").addHandler(default_handler)
    user_logged_in.connect(signed_in, app)
    user_logged_out.connect(signed_out, app)
