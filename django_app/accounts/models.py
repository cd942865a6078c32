from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as BaseUserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact


class UserManager(BaseUserManager):
    def with_username(self, username):
        """Return the users whose username is this one in any case.

        Compared as the unique constraint compares them, LOWER() against LOWER(), which also
        lets the database use the constraint's index.
        """
        return self.filter(Exact(Lower("username"), Lower(Value(username))))

    def get_by_natural_key(self, username):
        """Find the user signing in, ignoring case: "ALICE" signs alice in."""
        return self.with_username(username).get()


class User(AbstractUser):
    """A site user: Django's user with usernames of 3 to 30 characters, unique in any case."""

    username = models.CharField(
        "username",
        max_length=30,
        unique=True,
        validators=[UnicodeUsernameValidator(), MinLengthValidator(3)],
        help_text="3 to 30 characters: letters, digits and @ . + - _ only.",
        error_messages={"unique": "A user with that username already exists."},
    )

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message="A user with that username already exists.",
            ),
        ]
