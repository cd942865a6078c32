"""Sign-in throttling (Flask-Limiter): only failed sign-ins count, per username and address."""

import time

import pytest

from tests.conftest import PASSWORD, login, make_app


@pytest.fixture
def throttled(database):
    """An app that allows 3 failed sign-ins per (username, address) within a minute."""
    return make_app(database, LOGIN_FAILURE_LIMIT=3, LOGIN_FAILURE_WINDOW=60)


def fail(client, username: str = "alice", times: int = 1) -> None:
    for _ in range(times):
        response = login(client, username, "wrong-password")
        assert response.status_code == 200
        assert "Invalid username or password." in response.get_data(as_text=True)


def test_after_the_limit_even_the_right_password_gets_429(throttled, alice):
    client = throttled.test_client()
    fail(client, times=3)
    response = login(client, "alice")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "<h1>Too many attempts</h1>" in page
    assert "<title>Too many attempts | Posts</title>" in page
    assert response.headers["X-Frame-Options"] == "DENY"
    assert int(response.headers["Retry-After"]) >= 1
    assert client.get("/posts/new/").status_code == 302  # not signed in


def test_the_username_is_counted_in_any_case(throttled, alice):
    client = throttled.test_client()
    fail(client, "alice")
    fail(client, "ALICE")
    fail(client, " Alice ")
    assert login(client, "aLiCe").status_code == 429


def test_the_right_password_signs_in_again_after_the_window(database, alice):
    # One failure allowed, so that the window starts at a known moment however slow the
    # password hashing is.
    client = make_app(database, LOGIN_FAILURE_LIMIT=1, LOGIN_FAILURE_WINDOW=3).test_client()
    fail(client)
    assert login(client, "alice").status_code == 429
    time.sleep(3.1)
    assert login(client, "alice").status_code == 302


def test_successes_and_incomplete_forms_are_not_counted(throttled, alice):
    client = throttled.test_client()
    for _ in range(4):
        assert login(client, "alice").status_code == 302
        client.post("/accounts/logout/")
        assert login(client, "alice", "").status_code == 200  # no password: never checked
    fail(client, times=2)
    assert login(client, "alice").status_code == 302


def test_other_usernames_and_other_addresses_are_not_affected(throttled, alice, bob):
    client = throttled.test_client()
    fail(client, "alice", times=3)
    assert login(client, "alice").status_code == 429
    assert login(client, "bob").status_code == 302
    other = throttled.test_client()
    response = other.post(
        "/accounts/login/",
        data={"username": "alice", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert response.status_code == 302


def test_nothing_else_is_limited(throttled, alice):
    client = throttled.test_client()
    fail(client, times=3)
    for _ in range(20):
        assert client.get("/accounts/login/").status_code == 200
        assert client.get("/").status_code == 200


def test_the_limit_and_window_come_from_the_environment(tmp_path):
    from app.config import Config

    config = Config(
        str(tmp_path), environ={"LOGIN_FAILURE_LIMIT": "7", "LOGIN_FAILURE_WINDOW": "60"}
    )
    assert (config.LOGIN_FAILURE_LIMIT, config.LOGIN_FAILURE_WINDOW) == (7, 60)
    config = Config(str(tmp_path), environ={})
    assert (config.LOGIN_FAILURE_LIMIT, config.LOGIN_FAILURE_WINDOW) == (5, 900)
    assert config.RATELIMIT_STORAGE_URI == "memory://"


def test_one_address_has_a_number_of_sign_ins_whatever_the_usernames(database, alice):
    client = make_app(database, LOGIN_ADDRESS_LIMIT=4).test_client()
    for n in range(4):
        fail(client, f"nobody{n}")
    assert login(client, "alice").status_code == 429


def test_one_address_has_a_number_of_sign_ups(database):
    client = make_app(database, SIGN_UP_LIMIT=2).test_client()
    for n in range(2):
        assert client.post("/accounts/register/", data={"username": f"new{n}"}).status_code == 200
    assert client.post("/accounts/register/", data={"username": "third"}).status_code == 429
