"""Password reset links: signed, timed, and spent once the password changes.

Django's PasswordResetTokenGenerator, the Flask way: itsdangerous signs the user's id and a
fingerprint of the current password hash. Setting a password changes the hash, so a link works
once; the signature's age bounds it in time (PASSWORD_RESET_TIMEOUT seconds).
"""

import hashlib
import hmac

from flask import current_app, render_template, url_for
from flask_mailman import EmailMessage
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, select

from app.extensions import db
from app.models import User

SUBJECT = "Reset your password on Posts"


def serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="password-reset")


def fingerprint(user: User) -> str:
    """Return a digest of the password hash: it changes with the password, and hides the hash."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def make_token(user: User) -> str:
    return serializer().dumps([user.id, fingerprint(user)])


def user_for_token(token: str) -> User | None:
    """Return the active user a reset link is for, or None if it is forged, stale or spent."""
    try:
        user_id, digest = serializer().loads(
            token, max_age=current_app.config["PASSWORD_RESET_TIMEOUT"]
        )
    except (BadData, ValueError, TypeError):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    return user if hmac.compare_digest(str(digest), fingerprint(user)) else None


def send_reset_links(email: str) -> None:
    """Mail a reset link to every active user with this address, as Django does."""
    users = db.session.scalars(
        select(User).where(func.lower(User.email) == func.lower(email), User.is_active)
    )
    for user in users:
        link = url_for("accounts.password_reset_confirm", token=make_token(user), _external=True)
        body = render_template("accounts/password_reset_email.txt", user=user, link=link)
        EmailMessage(SUBJECT, body, to=[user.email]).send()
