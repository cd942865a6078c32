from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin, UsernameField

from .models import User


class RegistrationForm(SetPasswordMixin, forms.ModelForm):
    """Sign up with a username and a password typed twice.

    Built like Django's BaseUserCreationForm, but the password fields are named `password` and
    `password2`, the names both apps share; SetPasswordMixin takes the names as arguments.
    """

    password, password2 = SetPasswordMixin.create_password_fields()

    class Meta:
        model = User
        fields = ("username",)
        field_classes = {"username": UsernameField}

    def clean_username(self):
        """Refuse a username taken in any case ("alice" when "Alice" exists)."""
        username = self.cleaned_data["username"]
        if User.objects.with_username(username).exists():
            raise self.instance.unique_error_message(User, ["username"])
        return username

    def clean(self):
        self.validate_passwords("password", "password2")
        return super().clean()

    def _post_clean(self):
        super()._post_clean()
        # Validate the password once self.instance holds the username, so that the similarity
        # validator can compare them.
        self.validate_password_for_user(self.instance, "password")

    def save(self, commit=True):
        user = super().save(commit=False)
        return self.set_password_and_save(user, "password", commit=commit)


class LoginForm(AuthenticationForm):
    """Django's sign-in form, with one message for every failure.

    A wrong password, an unknown username and an inactive account answer alike (ModelBackend
    already refuses inactive users as if the password were wrong).
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Invalid username or password.",
    }
