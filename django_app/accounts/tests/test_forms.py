import pytest

from accounts.forms import LoginForm, RegistrationForm

GOOD_PASSWORD = "plum-orchard-42"


def register(username="newcomer", password=GOOD_PASSWORD, password2=None):
    return RegistrationForm(
        {
            "username": username,
            "email": "newcomer@example.com",
            "password1": password,
            "password2": password if password2 is None else password2,
        }
    )


def test_registration_stores_a_hashed_password(db):
    form = register()
    assert form.is_valid(), form.errors
    user = form.save()
    assert user.username == "newcomer"
    assert user.password.startswith("pbkdf2_sha256$")
    assert GOOD_PASSWORD not in user.password
    assert not user.is_staff


@pytest.mark.parametrize("username", ["ab", "a" * 31, "two words", "bang!", ""])
def test_registration_refuses_bad_usernames(db, username):
    form = register(username=username)
    assert not form.is_valid()
    assert list(form.errors) == ["username"]


@pytest.mark.parametrize("username", ["alice", "ALICE", "aLiCe"])
def test_registration_refuses_a_username_taken_in_another_case(make_user, username):
    make_user("Alice")
    form = register(username=username)
    assert not form.is_valid()
    assert form.errors["username"] == ["A user with that username already exists."]


@pytest.mark.parametrize(
    ("password", "password2", "field"),
    # Django's UserCreationForm reports the password validators' errors on the confirmation.
    [
        ("sh0rt-x", None, "password2"),  # fewer than 8 characters
        ("80213957462", None, "password2"),  # all digits
        ("NEWCOMER", None, "password2"),  # the username, in another case
        ("password123", None, "password2"),  # a common password
        (GOOD_PASSWORD, GOOD_PASSWORD + "x", "password2"),  # the confirmation differs
        ("", None, "password1"),
    ],
)
def test_registration_refuses_bad_passwords(db, password, password2, field):
    form = register(password=password, password2=password2)
    assert not form.is_valid()
    assert field in form.errors


def test_registration_accepts_a_128_character_password(db):
    assert register(password="Xy9-" * 32).is_valid()


def test_sign_in_ignores_the_username_case(rf, make_user, password, password_hash):
    alice = make_user("alice", password=password_hash)
    # The request goes to authenticate(): django-axes counts failures by its address.
    form = LoginForm(rf.post("/accounts/login/"), data={"username": "ALICE", "password": password})
    assert form.is_valid(), form.errors
    assert form.get_user() == alice


@pytest.mark.parametrize(
    ("username", "right_password", "active"),
    [
        ("alice", False, True),
        ("nobody", True, True),
        ("x" * 60_000, True, True),
        ("alice", True, False),
    ],
    ids=["wrong-password", "unknown-user", "overlong-username", "inactive-user"],
)
def test_failed_sign_ins_all_get_the_same_message(
    rf, make_user, password, password_hash, username, right_password, active
):
    make_user("alice", password=password_hash, is_active=active)
    form = LoginForm(
        rf.post("/accounts/login/"),
        data={"username": username, "password": password if right_password else "wrong-pass-1"},
    )
    assert not form.is_valid()
    assert form.non_field_errors() == ["Invalid username or password."]
    assert form.get_user() is None
