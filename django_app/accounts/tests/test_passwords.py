import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.core import mail
from django.core.cache import cache
from django.test import Client

NEW_PASSWORD = "copper-harbour-5720"
LINK = re.compile(r"http://testserver(/accounts/reset/[^/]+/[^/]+/)")


@pytest.fixture(autouse=True)
def _fresh_counts():
    """Start each test with no reset requests counted (django-ratelimit counts in the cache)."""
    cache.clear()


@pytest.fixture
def carol(make_user, password_hash):
    return make_user("carol", email="carol@example.com", password=password_hash)


def reset_link(client, email="carol@example.com"):
    response = client.post("/accounts/password/reset/", {"email": email})
    assert response["Location"] == "/accounts/password/reset/done/"
    return LINK.search(mail.outbox[-1].body).group(1)


def test_password_change_keeps_this_session_and_ends_the_others(carol, password):
    client, other = Client(), Client()
    client.force_login(carol)
    other.force_login(carol)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == "/"
    messages = [m.message for m in get_messages(response.wsgi_request)]
    assert messages == ["Your password has been changed."]
    assert SESSION_KEY in client.session
    assert other.get("/").context["user"].is_anonymous


def test_reset_mails_each_active_user_with_the_address_in_any_case(client, make_user):
    make_user("dora", email="Shared@Example.com")
    make_user("emil", email="shared@example.com")
    make_user("finn", email="shared@example.com", is_active=False)
    reset_link(client, "SHARED@example.com")
    assert sorted(message.to[0] for message in mail.outbox) == [
        "Shared@Example.com",
        "shared@example.com",
    ]
    assert all(m.subject == "Reset your password on Posts" for m in mail.outbox)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(db, client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response["Location"] == "/accounts/password/reset/done/"
    assert mail.outbox == []


def test_a_reset_link_works_once_and_sends_to_sign_in(client, carol):
    link = reset_link(client)
    page = client.get(link, follow=True)
    assert page.context["validlink"]
    response = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == "/accounts/login/"
    carol.refresh_from_db()
    assert carol.check_password(NEW_PASSWORD)
    again = Client().get(link, follow=True)
    assert not again.context["validlink"]
    assert b"<h1>Invalid reset link</h1>" in again.content


def test_a_reset_link_expires(client, carol, settings):
    link = reset_link(client)
    settings.PASSWORD_RESET_TIMEOUT = -1  # any link is older than that
    page = Client().get(link, follow=True)
    assert not page.context["validlink"]


def test_reset_requests_are_throttled_per_address(db, client, settings):
    settings.PASSWORD_RESET_LIMIT = 2
    answers = [
        client.post("/accounts/password/reset/", {"email": "x@example.com"}).status_code
        for _ in range(3)
    ]
    assert answers == [302, 302, 429]
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post("/accounts/password/reset/", {"email": "x@example.com"}).status_code == 302


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({}, "django.core.mail.backends.console.EmailBackend"),
        ({"EMAIL_HOST": "mail.example.com"}, "django.core.mail.backends.smtp.EmailBackend"),
    ],
)
def test_mail_goes_to_the_console_unless_a_host_is_set(env, backend):
    code = "from django.conf import settings; print(settings.EMAIL_BACKEND, settings.EMAIL_PORT)"
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", **env, "EMAIL_PORT": "2525"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.splitlines()[-1].split() == [backend, "2525" if env else "25"], done.stderr
