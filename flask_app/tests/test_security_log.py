"""The security log (OPS-9): one line per sign-in, refusal, lockout and sign-out."""

import logging

import pytest

from tests.conftest import PASSWORD, login, make_app

LOGGER = "posts.security"


@pytest.fixture
def security_log(caplog):
    """Return a reader of the security log's messages."""
    caplog.set_level(logging.INFO, logger=LOGGER)
    return lambda: [record.getMessage() for record in caplog.records if record.name == LOGGER]


def test_sign_in_and_sign_out_are_logged_with_name_and_address(client, alice, security_log):
    """An operator reads who signed in and out, and from where."""
    login(client, "alice")
    client.post("/accounts/logout/")
    assert security_log() == [
        "sign-in: username='alice' address=127.0.0.1",
        "sign-out: username='alice' address=127.0.0.1",
    ]


def test_a_refused_sign_in_is_logged_without_the_password(client, alice, security_log):
    """An operator reads the refused name as typed, never the password tried."""
    login(client, "Alice", "Guess-Password-1")
    assert security_log() == ["sign-in failed: username='Alice' address=127.0.0.1"]


def test_a_sign_out_of_nobody_is_not_logged(client, security_log):
    """An operator reads no sign-out when nobody was signed in."""
    client.post("/accounts/logout/")
    assert security_log() == []


def test_a_throttled_sign_in_is_logged(database, alice, security_log):
    """An operator reads the sign-in refused with 429 once the name has failed too often."""
    client = make_app(database, LOGIN_FAILURE_LIMIT=1).test_client()
    login(client, "alice", "wrong-password")
    assert login(client, "alice", PASSWORD).status_code == 429
    assert security_log()[-1] == "sign-in throttled: username='alice' address=127.0.0.1"


def test_a_long_username_is_cut_short(client, security_log):
    """An operator reads at most 150 characters of a name typed at the sign-in form."""
    login(client, "n" * 10_000, "wrong-password")
    assert security_log() == [f"sign-in failed: username={'n' * 150!r} address=127.0.0.1"]
