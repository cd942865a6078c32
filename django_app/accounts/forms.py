from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from .models import User


class RegistrationForm(UserCreationForm):
    """Django's sign-up form (username, email, password twice) for the custom user model.

    UserCreationForm already refuses a username taken in another case ("alice" when "Alice"
    exists) and runs the password validators against the new user. The email address is
    required here (AbstractUser's is optional) and, as in Django, not unique.
    """

    email = forms.EmailField(
        label="Email", max_length=254, help_text="For password resets. Never shown to others."
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class LoginForm(AuthenticationForm):
    """Django's sign-in form, with one message for every failure.

    A wrong password, an unknown username and an inactive account answer alike (ModelBackend
    already refuses inactive users as if the password were wrong).
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Invalid username or password.",
    }
