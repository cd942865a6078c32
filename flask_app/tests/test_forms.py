import pytest
from werkzeug.datastructures import MultiDict

from app.accounts.forms import LoginForm, RegisterForm
from app.accounts.views import authenticate
from app.posts.forms import PostForm
from tests.conftest import PASSWORD


def register_form(app, **data):
    fields = {
        "username": "newuser",
        "email": "newuser@example.com",
        "password1": "pw-long-enough",
        "password2": "pw-long-enough",
    }
    with app.test_request_context(method="POST", data={**fields, **data}):
        form = RegisterForm()
        form.validate()
        return form


def test_register_form_accepts_good_data(app):
    form = register_form(app, password1="p" * 128, password2="p" * 128)
    assert form.errors == {}


@pytest.mark.parametrize(
    "username",
    ["ab", "a" * 31, "has space", "slash/y", "semi;colon", "nul\x00byte", "", "<b>x</b>"],
)
def test_register_form_refuses_bad_usernames(app, username):
    assert "username" in register_form(app, username=username).errors


@pytest.mark.parametrize("username", ["a.b", "a@b", "a+b", "a-b", "a_b", "Zoë", "abc", "a" * 30])
def test_register_form_accepts_usernames_of_letters_digits_and_symbols(app, username):
    assert "username" not in register_form(app, username=username).errors


def test_register_form_refuses_a_username_taken_in_another_case(app, make_user):
    make_user("Alice")
    for username in ("alice", "ALICE", " Alice "):
        assert "username" in register_form(app, username=username).errors


@pytest.mark.parametrize(
    ("password1", "password2", "field"),
    [
        ("short1", "short1", "password1"),
        ("1234567890", "1234567890", "password1"),
        ("NewUser", "NewUser", "password1"),
        ("NEWUSER", "NEWUSER", "password1"),
        ("pw-long-enough", "pw-long-enougH", "password2"),
        ("", "", "password1"),
    ],
)
def test_register_form_refuses_bad_passwords(app, password1, password2, field):
    form = register_form(app, username="newuser", password1=password1, password2=password2)
    assert field in form.errors


def test_authenticate_finds_the_user_in_any_case(app, make_user):
    make_user("Alice")
    with app.app_context():
        assert authenticate("aLiCe", PASSWORD).username == "Alice"


def test_authenticate_refuses_wrong_password_unknown_and_inactive_alike(app, make_user):
    make_user("alice")
    make_user("sleeper", is_active=False)
    with app.app_context():
        assert authenticate("alice", "wrong-password") is None
        assert authenticate("nobody", PASSWORD) is None
        assert authenticate("sleeper", PASSWORD) is None


def test_login_form_checks_fields_only(app):
    data = {"username": "nobody", "password": "x"}
    with app.test_request_context(method="POST", data=data):
        assert LoginForm().validate()
    with app.test_request_context(method="POST", data={"username": "nobody"}):
        assert "password" in LoginForm().errors or not LoginForm().validate()


def post_form(app, **data):
    fields = {"title": "A title", "body": "A body", "status": "draft"}
    with app.test_request_context(method="POST", data=MultiDict({**fields, **data})):
        form = PostForm()
        form.validate()
        return form


def test_post_form_trims_the_title_and_body(app):
    form = post_form(app, title="  Hello  ", body="\n Body \n")
    assert form.errors == {}
    assert (form.title.data, form.body.data) == ("Hello", "Body")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "   "),
        ("title", "x" * 201),
        ("body", " \n "),
        ("body", "x" * 10001),
        ("status", "archived"),
        ("title", "nul\x00"),
    ],
)
def test_post_form_refuses_bad_values(app, field, value):
    assert field in post_form(app, **{field: value}).errors


def test_post_form_accepts_the_longest_values(app):
    assert post_form(app, title="x" * 200, body="y" * 10000, status="published").errors == {}
