"""Account forms, and the username and password rules the admin shares."""

import gzip
import re
import unicodedata
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path

from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp, ValidationError

from app.extensions import db
from app.hardening import no_null_characters
from app.models import User


def normalize_username(value: str | None) -> str | None:
    """Trim a username and fold look-alike Unicode forms together (NFKC), as Django does."""
    return unicodedata.normalize("NFKC", value).strip() if value else value


def unique_username(form, field) -> None:
    """Refuse a username already taken in any case ("Alice" blocks "alice")."""
    stmt = select(User.id).where(func.lower(User.username) == func.lower(field.data))
    # The admin's edit form holds the user being edited (Flask-Admin's convention).
    editing = getattr(form, "_obj", None)
    if editing is not None and editing.id is not None:
        stmt = stmt.where(User.id != editing.id)
    if db.session.scalar(stmt) is not None:
        raise ValidationError("A user with that username already exists.")


def not_all_digits(form, field) -> None:
    if field.data and field.data.isdigit():
        raise ValidationError("This password is entirely numeric.")


# The list Django's CommonPasswordValidator reads, copied from Django 5.2
# (django/contrib/auth/common-passwords.txt.gz, BSD licence): 20,000 common passwords, lowercased,
# by Royce Williams (https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce).
# No maintained package does this for Flask (zxcvbn scores strength instead: another rule).
COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt.gz")


@cache
def common_passwords() -> frozenset[str]:
    """Read the list of common passwords once."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines)


def not_common(form, field) -> None:
    """Refuse a password on the common list, in any case."""
    if field.data and field.data.lower().strip() in common_passwords():
        raise ValidationError("This password is too common.")


# Django's UserAttributeSimilarityValidator refuses a password this similar to the username.
MAX_SIMILARITY = 0.7


def too_similar(password: str, username: str) -> bool:
    """Tell whether a password is too like a username or a part of it, as Django judges."""
    password, username = password.lower(), username.lower()
    for part in [*re.split(r"\W+", username), username]:
        # A part this much shorter cannot reach the threshold: skip the slow comparison.
        if len(password) >= 10 * len(part) and len(part) < MAX_SIMILARITY / 2 * len(password):
            continue
        if SequenceMatcher(a=password, b=part).quick_ratio() >= MAX_SIMILARITY:
            return True
    return False


def not_like_the_username(form, field) -> None:
    """Refuse a password too like the username (Django's UserAttributeSimilarityValidator)."""
    # Sign-up and the admin have a username field; the password forms know their user.
    username = (form.username.data if "username" in form else form.user.username) or ""
    if field.data and username and too_similar(field.data, username):
        raise ValidationError("The password is too similar to the username.")


USERNAME_RULES = [
    DataRequired(),
    no_null_characters,
    Length(min=3, max=30, message="Usernames are %(min)d to %(max)d characters long."),
    Regexp(
        r"^[\w.@+-]+\Z",
        message="Enter a valid username: letters, digits and @ . + - _ only.",
    ),
    unique_username,
]

PASSWORD_RULES = [
    no_null_characters,
    Length(min=8, message="This password is too short. It must contain at least 8 characters."),
    not_all_digits,
    not_common,
    not_like_the_username,
]


def strip_email(value: str | None) -> str | None:
    return value.strip() if value else value


EMAIL_RULES = [
    DataRequired(),
    no_null_characters,
    Length(max=254),
    Email(message="Enter a valid email address."),
]


class RegisterForm(FlaskForm):
    # The descriptions say the rules up front, as Django's model and password validators do.
    username = StringField(
        "Username",
        description="3 to 30 characters: letters, digits and @ . + - _ only.",
        filters=[normalize_username],
        validators=USERNAME_RULES,
    )
    email = EmailField(
        "Email",
        description="For password resets. Never shown to others.",
        filters=[strip_email],
        validators=EMAIL_RULES,
    )
    password1 = PasswordField(
        "Password",
        description=(
            "At least 8 characters, not entirely numeric, not a common password "
            "and not like your username."
        ),
        validators=[DataRequired(), *PASSWORD_RULES],
    )
    password2 = PasswordField(
        "Password confirmation",
        description="Enter the same password as before, for verification.",
        validators=[
            DataRequired(),
            EqualTo("password1", message="The two password fields didn't match."),
        ],
    )
    next = HiddenField()


class LoginForm(FlaskForm):
    """The sign-in form; the view checks the credentials."""

    username = StringField(
        "Username", filters=[normalize_username], validators=[DataRequired(), no_null_characters]
    )
    password = PasswordField("Password", validators=[DataRequired(), no_null_characters])
    next = HiddenField()


class PasswordResetForm(FlaskForm):
    """Ask for the address a reset link goes to (Django's PasswordResetForm)."""

    email = EmailField("Email", validators=EMAIL_RULES)


class SetPasswordForm(FlaskForm):
    """Choose a new password twice, for a known user (Django's SetPasswordForm)."""

    new_password1 = PasswordField(
        "New password",
        description="At least 8 characters, not entirely numeric, and not your username.",
        validators=[DataRequired(), *PASSWORD_RULES],
    )
    new_password2 = PasswordField(
        "New password confirmation",
        validators=[
            DataRequired(),
            EqualTo("new_password1", message="The two password fields didn't match."),
        ],
    )

    def __init__(self, user: User, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user


def old_password_matches(form, field) -> None:
    if not form.user.check_password(field.data or ""):
        raise ValidationError("Your old password was entered incorrectly. Please enter it again.")


class PasswordChangeForm(SetPasswordForm):
    """The old password, then a new one twice (Django's PasswordChangeForm)."""

    old_password = PasswordField(
        "Old password", validators=[DataRequired(), no_null_characters, old_password_matches]
    )
