"""The password rules Django's validators apply, on the Flask side (AUTH-4)."""

import pytest

from app.accounts.forms import common_passwords, too_similar
from tests.test_forms import register_form


def test_the_common_password_list_is_djangos():
    """The list holds Django's 20,000 common passwords (less the duplicates it drops)."""
    passwords = common_passwords()
    assert len(passwords) > 19_000
    assert {"password1", "qwertyuiop", "aaaaaaaa", "123456"} <= passwords


@pytest.mark.parametrize("password", ["password1", "Qwertyuiop", "AAAAAAAA", " password1 "])
def test_sign_up_refuses_a_common_password_in_any_case(app, password):
    """A visitor choosing a common password gets an error on the password."""
    form = register_form(app, password1=password, password2=password)
    assert "This password is too common." in form.errors.get("password1", [])


@pytest.mark.parametrize(
    ("password", "username"),
    [
        ("newuser1", "newuser"),
        ("NEWUSER12", "newuser"),
        ("smithjohn", "john.smith"),  # a part of the username between non-word characters
        ("newuser", "NewUser"),
    ],
)
def test_a_password_like_the_username_is_too_similar(password, username):
    assert too_similar(password, username)


@pytest.mark.parametrize(
    ("password", "username"),
    [
        ("Quartz-Lantern-8316", "alice"),
        ("carol-pass-1", "carol"),  # 0.59: below Django's 0.7
        ("x" * 128, "ab"),  # a long password and a short name are never compared
    ],
)
def test_a_different_password_is_not_too_similar(password, username):
    assert not too_similar(password, username)


def test_sign_up_refuses_the_username_plus_a_digit(app):
    """A visitor whose password is their name and a digit gets an error on the password."""
    form = register_form(app, username="newuser", password1="newuser1", password2="newuser1")
    assert "The password is too similar to the username." in form.errors.get("password1", [])


def test_the_admin_user_form_refuses_a_common_password(staff):
    """A superuser creating a user with a common password sees the form again."""
    response = staff.post("/admin/user/new/", data={"username": "carol", "password": "password1"})
    assert response.status_code == 200
    assert "This password is too common." in response.text
