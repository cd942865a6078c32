"""The production profile (HTTPS=1), audited for what Django's `check --deploy` checks."""

import secrets

import pytest

from app import create_app
from app.config import DEV_SECRET_KEY, Config
from tests.conftest import PASSWORD


@pytest.fixture
def production(database, tmp_path, alice):
    environ = {
        "HTTPS": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "posts.example.com",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    return create_app(vars(Config(str(tmp_path), environ=environ)))


def https_client(app):
    """A client reaching the app through a proxy that terminated HTTPS."""
    client = app.test_client()
    client.environ_base["HTTP_X_FORWARDED_PROTO"] = "https"
    return client


def csrf_token(page) -> str:
    return (
        page.get_data(as_text=True)
        .split('name="csrf_token" type="hidden" value="')[1][:200]
        .split('"')[0]
    )


def test_settings_pass_the_deploy_audit(production):
    config = production.config
    assert not config["DEBUG"]  # Django: security.W018
    assert not config["TESTING"]
    key = config["SECRET_KEY"]
    assert len(key) >= 50  # W009
    assert len(set(key)) >= 5
    assert key != DEV_SECRET_KEY
    assert config["SESSION_COOKIE_SECURE"]  # W012
    assert config["SESSION_COOKIE_HTTPONLY"]  # W013
    assert config["REMEMBER_COOKIE_SECURE"]
    assert config["REMEMBER_COOKIE_HTTPONLY"]
    assert config["WTF_CSRF_ENABLED"]  # W003; the token lives in the (Secure) session cookie
    assert config["TRUSTED_HOSTS"] == ["posts.example.com"]  # W020
    assert config["PREFERRED_URL_SCHEME"] == "https"


def test_plain_http_is_redirected_to_https(production):
    # The plain hop from the proxy: no X-Forwarded-Proto. (Flask's test client would otherwise
    # use PREFERRED_URL_SCHEME, https here.)
    response = production.test_client().get(
        "/accounts/login/?next=/posts/new/", base_url="http://posts.example.com"
    )
    assert response.status_code == 301  # Django: security.W008 (SECURE_SSL_REDIRECT)
    assert (
        response.headers["Location"] == "https://posts.example.com/accounts/login/?next=/posts/new/"
    )
    # Load balancers check health over plain HTTP.
    health = production.test_client().get("/healthz", base_url="http://posts.example.com")
    assert health.status_code == 200


def test_https_answers_carry_hsts_and_the_security_headers(production):
    for url in ["/", "/accounts/login/", "/no/such/page/"]:
        response = https_client(production).get(url, base_url="http://posts.example.com")
        assert response.status_code in (200, 404)
        # Django: security.W004 (HSTS), W005 (subdomains), W019 (frames), W006 (nosniff)
        assert (
            response.headers["Strict-Transport-Security"]
            == "max-age=31536000; includeSubDomains; preload"
        )
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_cookies_are_secure_and_http_only(production):
    client = https_client(production)
    base = "http://posts.example.com"
    token = csrf_token(client.get("/accounts/login/", base_url=base))
    response = client.post(
        "/accounts/login/",
        data={"username": "alice", "password": PASSWORD, "remember": "y", "csrf_token": token},
        base_url=base,
        # Flask-WTF checks the Referer over HTTPS, as Django does.
        headers={"Referer": "https://posts.example.com/accounts/login/"},
    )
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies
    for cookie in cookies:
        assert "; Secure" in cookie, cookie
        assert "; HttpOnly" in cookie, cookie


def test_without_https_nothing_is_forced(database, tmp_path):
    environ = {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}"}
    app = create_app(vars(Config(str(tmp_path), environ=environ)))
    response = app.test_client().get("/")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers
    assert not app.config["SESSION_COOKIE_SECURE"]
