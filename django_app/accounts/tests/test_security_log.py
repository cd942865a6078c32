"""The security log (OPS-9): Django's auth signals and django-axes' lockout, one line each."""

import logging

import pytest

from accounts.models import User

RIGHT, WRONG = "plum-orchard-42", "wrong-pass-1"
# These tests sign in many times.
pytestmark = pytest.mark.usefixtures("fast_hashes")
LOGGER = "posts.security"


@pytest.fixture
def alice(db):
    return User.objects.create_user("alice", password=RIGHT)


@pytest.fixture
def security_log(caplog):
    """Return a reader of the security log's messages."""
    caplog.set_level(logging.INFO, logger=LOGGER)
    return lambda: [record.getMessage() for record in caplog.records if record.name == LOGGER]


def sign_in(client, username, password, path="/accounts/login/"):
    return client.post(path, {"username": username, "password": password})


def test_sign_in_and_sign_out_are_logged_with_name_and_address(client, alice, security_log):
    """An operator reads who signed in and out, and from where."""
    assert sign_in(client, "ALICE", RIGHT).status_code == 302
    client.post("/accounts/logout/")
    assert security_log() == [
        "sign-in: username='alice' address=127.0.0.1",
        "sign-out: username='alice' address=127.0.0.1",
    ]


def test_the_admins_sign_in_is_logged(client, alice, security_log):
    """An operator reads the admin's sign-ins too."""
    alice.is_staff = True
    alice.save()
    assert sign_in(client, "alice", RIGHT, path="/admin/login/").status_code == 302
    assert security_log() == ["sign-in: username='alice' address=127.0.0.1"]


def test_a_refused_sign_in_is_logged_without_the_password(client, alice, security_log):
    """An operator reads the refused name as typed, never the password tried."""
    sign_in(client, "Alice", WRONG)
    assert security_log() == ["sign-in failed: username='Alice' address=127.0.0.1"]


def test_a_sign_out_of_nobody_is_not_logged(client, db, security_log):
    """An operator reads no sign-out when nobody was signed in."""
    client.post("/accounts/logout/")
    assert security_log() == []


def test_a_lockout_is_logged(client, alice, security_log, settings):
    """An operator reads the failures, then each sign-in refused while the name is locked out."""
    settings.AXES_FAILURE_LIMIT = 2
    sign_in(client, "alice", WRONG)
    assert sign_in(client, "alice", WRONG).status_code == 429
    assert sign_in(client, "alice", RIGHT).status_code == 429
    assert security_log() == [
        "sign-in failed: username='alice' address=127.0.0.1",
        "sign-in throttled: username='alice' address=127.0.0.1",
        "sign-in throttled: username='alice' address=127.0.0.1",
    ]


def test_a_long_username_is_cut_short(client, db, security_log):
    """An operator reads at most 150 characters of a name typed at the sign-in form."""
    sign_in(client, "n" * 10_000, WRONG)
    assert security_log() == [f"sign-in failed: username={'n' * 150!r} address=127.0.0.1"]
