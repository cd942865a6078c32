import pytest
from werkzeug.datastructures import MultiDict

from app.accounts.forms import INVALID_LOGIN, LoginForm, RegisterForm
from app.posts.forms import PostForm
from tests.conftest import PASSWORD


def register_form(app, **data):
    fields = {"username": "newuser", "password": "pw-long-enough", "password2": "pw-long-enough"}
    with app.test_request_context(method="POST", data={**fields, **data}):
        form = RegisterForm()
        form.validate()
        return form


def test_register_form_accepts_good_data(app):
    form = register_form(app, password="p" * 128, password2="p" * 128)
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
    ("password", "password2", "field"),
    [
        ("short1", "short1", "password"),
        ("1234567890", "1234567890", "password"),
        ("NewUser", "NewUser", "password"),
        ("NEWUSER", "NEWUSER", "password"),
        ("pw-long-enough", "pw-long-enougH", "password2"),
        ("", "", "password"),
    ],
)
def test_register_form_refuses_bad_passwords(app, password, password2, field):
    form = register_form(app, username="newuser", password=password, password2=password2)
    assert field in form.errors


def login_form(app, username, password):
    with app.test_request_context(method="POST", data={"username": username, "password": password}):
        form = LoginForm()
        return form.validate(), form


def test_login_form_finds_the_user_in_any_case(app, make_user):
    make_user("Alice")
    valid, form = login_form(app, "aLiCe", PASSWORD)
    assert valid
    assert form.user.username == "Alice"


def test_login_form_answers_alike_for_wrong_password_unknown_and_inactive(app, make_user):
    make_user("alice")
    make_user("sleeper", is_active=False)
    for username, password in [
        ("alice", "wrong-password"),
        ("nobody", PASSWORD),
        ("sleeper", PASSWORD),
    ]:
        valid, form = login_form(app, username, password)
        assert not valid
        assert form.form_errors == [INVALID_LOGIN]


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
