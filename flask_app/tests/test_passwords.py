import re

import pytest
from flask_login import current_user

from app.config import Config
from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD, login, make_app

NEW_PASSWORD = "copper-harbour-5720"
LINK = re.compile(r"http://localhost(/accounts/reset/[^/\s]+/)")


def outbox(app) -> list:
    return getattr(app.extensions["mailman"], "outbox", [])


def reset_link(client, app, email="carol@example.com") -> str:
    response = client.post("/accounts/password/reset/", data={"email": email})
    assert response.headers["Location"] == "/accounts/password/reset/done/"
    return LINK.search(outbox(app)[-1].body).group(1)


@pytest.fixture
def carol(make_user) -> int:
    return make_user("carol", email="carol@example.com")


def set_password(client, link: str, password: str = NEW_PASSWORD):
    return client.post(link, data={"new_password1": password, "new_password2": password})


def test_password_change_keeps_this_session_and_ends_the_others(app, carol):
    client, other = app.test_client(), app.test_client()
    login(client, "carol")
    login(other, "carol")
    response = client.post(
        "/accounts/password/change/",
        data={
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.headers["Location"] == "/"
    with client:
        page = client.get("/").get_data(as_text=True)
        assert current_user.username == "carol"
    assert "Your password has been changed." in page
    assert '<span class="current-user">' not in other.get("/").get_data(as_text=True)


def test_password_change_refuses_a_wrong_old_password(app, client, carol):
    login(client, "carol")
    response = client.post(
        "/accounts/password/change/",
        data={
            "old_password": "wrong-1234",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert "Your old password was entered incorrectly." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, carol).check_password(PASSWORD)


def test_reset_mails_each_active_user_with_the_address_in_any_case(app, client, make_user):
    make_user("dora", email="Shared@Example.com")
    make_user("emil", email="shared@example.com")
    make_user("finn", email="shared@example.com", is_active=False)
    reset_link(client, app, "SHARED@example.com")
    assert sorted(message.to[0] for message in outbox(app)) == [
        "Shared@Example.com",
        "shared@example.com",
    ]


def test_an_unknown_address_gets_the_same_answer_and_no_mail(app, client):
    response = client.post("/accounts/password/reset/", data={"email": "nobody@example.com"})
    assert response.headers["Location"] == "/accounts/password/reset/done/"
    assert outbox(app) == []


def test_a_reset_link_works_once(app, client, carol):
    link = reset_link(client, app)
    response = set_password(client, link)
    assert response.headers["Location"] == "/accounts/login/"
    with app.app_context():
        assert db.session.get(User, carol).check_password(NEW_PASSWORD)
    again = client.get(link).get_data(as_text=True)
    assert "<h1>Invalid reset link</h1>" in again


def test_a_reset_link_for_a_deactivated_user_is_invalid(app, client, carol):
    link = reset_link(client, app)
    with app.app_context():
        db.session.get(User, carol).is_active = False
        db.session.commit()
    assert "<h1>Invalid reset link</h1>" in client.get(link).get_data(as_text=True)


def test_a_reset_link_expires(app, client, carol):
    link = reset_link(client, app)
    app.config["PASSWORD_RESET_TIMEOUT"] = -1  # any link is older than that
    assert "<h1>Invalid reset link</h1>" in client.get(link).get_data(as_text=True)


def test_reset_requests_are_throttled_per_address(database):
    app = make_app(database, PASSWORD_RESET_LIMIT=2)
    client = app.test_client()
    answers = [
        client.post("/accounts/password/reset/", data={"email": "x@example.com"}).status_code
        for _ in range(3)
    ]
    assert answers == [302, 302, 429]
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert (
        other.post("/accounts/password/reset/", data={"email": "x@example.com"}).status_code == 302
    )


def test_mail_goes_to_the_console_unless_a_host_is_set(tmp_path):
    assert Config(str(tmp_path), environ={}).MAIL_BACKEND == "console"
    config = Config(
        str(tmp_path),
        environ={
            "EMAIL_HOST": "mail.example.com",
            "EMAIL_PORT": "2525",
            "DEFAULT_FROM_EMAIL": "a@b.c",
        },
    )
    assert (config.MAIL_BACKEND, config.MAIL_SERVER, config.MAIL_PORT) == (
        "smtp",
        "mail.example.com",
        2525,
    )
    assert config.MAIL_DEFAULT_SENDER == "a@b.c"
