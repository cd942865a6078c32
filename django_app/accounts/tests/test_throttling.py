"""Sign-in throttling (SEC-13), by django-axes."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.db.models import F

from accounts.models import User

RIGHT, WRONG = "plum-orchard-42", "wrong-pass-1"
# These tests sign in many times.
pytestmark = pytest.mark.usefixtures("fast_hashes")


@pytest.fixture
def alice(db):
    return User.objects.create_user("alice", password=RIGHT)


@pytest.fixture
def bob(db):
    return User.objects.create_user("bob", password=RIGHT)


def sign_in(client, username, password, path="/accounts/login/", **extra):
    return client.post(path, {"username": username, "password": password}, **extra)


def fail(client, username, times, **extra):
    for _ in range(times):
        response = sign_in(client, username, WRONG, **extra)
        # Axes refuses the failure that reaches the limit itself (SEC-13 allows either).
        assert response.status_code in (200, 429)
        if response.status_code == 200:
            assert "Invalid username or password." in response.content.decode()


def test_five_failures_lock_the_username_out_even_with_the_right_password(client, alice):
    fail(client, "alice", 5)
    response = sign_in(client, "alice", RIGHT)
    assert response.status_code == 429
    page = response.content.decode()
    assert "<title>Too many attempts | Posts</title>" in page
    assert "<h1>Too many attempts</h1>" in page
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert SESSION_KEY not in client.session


def test_four_failures_do_not(client, alice):
    fail(client, "alice", 4)
    assert sign_in(client, "alice", RIGHT).status_code == 302


def test_the_username_is_counted_in_any_case(client, alice):
    fail(client, "ALICE", 3)
    fail(client, "Alice", 2)
    assert sign_in(client, "alice", RIGHT).status_code == 429


def test_unknown_usernames_are_counted_too(client, db):
    fail(client, "nobody", 5)
    assert sign_in(client, "nobody", WRONG).status_code == 429


def test_successful_sign_ins_are_not_counted(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(3):
        assert sign_in(client, "alice", RIGHT).status_code == 302
    fail(client, "alice", 1)
    assert sign_in(client, "alice", RIGHT).status_code == 302


def test_other_usernames_and_other_addresses_are_unaffected(client, alice, bob):
    fail(client, "alice", 5)
    assert sign_in(client, "bob", RIGHT).status_code == 302
    assert sign_in(client, "alice", RIGHT, REMOTE_ADDR="192.0.2.7").status_code == 302
    assert sign_in(client, "alice", RIGHT).status_code == 429


def test_the_right_password_signs_in_again_once_the_window_has_passed(client, alice):
    fail(client, "alice", 5)
    assert sign_in(client, "alice", RIGHT).status_code == 429
    # 15 minutes pass.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=901))
    assert sign_in(client, "alice", RIGHT).status_code == 302


def test_refused_attempts_do_not_extend_the_lockout(client, alice):
    fail(client, "alice", 5)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=600))
    assert sign_in(client, "alice", WRONG).status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=301))
    assert sign_in(client, "alice", RIGHT).status_code == 302


def test_the_admin_sign_in_is_throttled_alike(client, db):
    User.objects.create_user("boss", password=RIGHT, is_staff=True)
    fail_admin = {"path": "/admin/login/"}
    for _ in range(4):
        assert sign_in(client, "boss", WRONG, **fail_admin).status_code == 200
    assert sign_in(client, "boss", WRONG, **fail_admin).status_code in (200, 429)
    response = sign_in(client, "boss", RIGHT, **fail_admin)
    assert response.status_code == 429
    assert "<h1>Too many attempts</h1>" in response.content.decode()


def test_failures_on_the_site_count_for_the_admin(client, db):
    User.objects.create_user("boss", password=RIGHT, is_staff=True)
    fail(client, "boss", 5)
    assert sign_in(client, "boss", RIGHT, path="/admin/login/").status_code == 429


def test_an_overlong_username_fails_like_any_unknown_one(client, db):
    fail(client, "x" * 60_000, 5)
    assert sign_in(client, "x" * 60_000, WRONG).status_code == 429


@pytest.fixture
def one_window(settings):
    """Make django-ratelimit's fixed windows long, so that none ends during a test."""
    settings.AXES_COOLOFF_TIME = timedelta(days=10_000)
    settings.SIGN_UP_WINDOW = 10**9


def test_one_address_may_try_twenty_sign_ins_whatever_the_usernames(client, alice, one_window):
    for n in range(20):
        assert sign_in(client, f"nobody{n}", WRONG).status_code == 200
    assert sign_in(client, "alice", RIGHT).status_code == 429
    assert sign_in(client, "alice", RIGHT, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_the_admin_sign_in_shares_the_address_count(client, alice, one_window):
    for n in range(19):
        sign_in(client, f"nobody{n}", WRONG)
    assert sign_in(client, "nobody", WRONG, path="/admin/login/").status_code == 200
    assert sign_in(client, "alice", RIGHT, path="/admin/login/").status_code == 429


def test_one_address_may_sign_up_ten_times_a_window(client, db, one_window):
    for n in range(10):
        client.post("/accounts/register/", {"username": f"new{n}"})
    response = client.post("/accounts/register/", {"username": "eleventh"})
    assert response.status_code == 429
