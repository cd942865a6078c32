import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection

APP_DIR = Path(__file__).resolve().parents[2]


def test_healthz_answers_ok_when_the_database_does(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert response.content == b"ok"


def test_healthz_answers_503_when_the_database_does_not(db, client):
    failure = OperationalError("connection refused")
    with mock.patch.object(connection, "cursor", side_effect=failure):
        response = client.get("/healthz")
    assert response.status_code == 503


def test_unknown_url_gets_the_site_404_page_with_security_headers(db, client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Not found</h1>" in page
    assert "<title>Not found | Posts</title>" in page
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_refused_action_gets_the_site_403_page(client, make_post, bob):
    post = make_post()
    client.force_login(bob)
    response = client.get(f"/posts/{post.pk}/edit/")
    assert response.status_code == 403
    assert "<h1>Forbidden</h1>" in response.content.decode()


@pytest.mark.urls("config.tests.urls")
def test_unexpected_error_gets_the_500_page_without_a_traceback(db, client, settings):
    assert settings.DEBUG is False
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "<h1>Server error</h1>" in page
    assert "boom" not in page
    assert "Traceback" not in page
    assert response["X-Frame-Options"] == "DENY"


def run_settings(**env):
    """Load the settings in a fresh interpreter with only the given variables set."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS"}
    }
    code = "from config import settings; print(settings.DATABASES['default']['OPTIONS'])"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=APP_DIR,
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_refuse_to_load_without_a_secret_key_unless_debugging():
    refused = run_settings()
    assert refused.returncode != 0
    assert "SECRET_KEY" in refused.stderr
    assert run_settings(DEBUG="1").returncode == 0


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout():
    loaded = run_settings(SECRET_KEY="x")
    assert loaded.returncode == 0, loaded.stderr
    assert "journal_mode=WAL" in loaded.stdout
    assert "'timeout': 20" in loaded.stdout
