"""The site-wide protections: CSP, Origin check, Host check, request size, HTTPS profile."""

import re
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.test import Client

from posts.models import Post

APP_DIR = Path(__file__).resolve().parents[2]
CSP = (
    "default-src 'self'; script-src 'self'; object-src 'none'; style-src 'self'; "
    "img-src 'self' data:; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def directives(header):
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/register/", "/nowhere/"])
def test_public_pages_carry_a_strict_content_security_policy(db, client, path):
    policy = directives(client.get(path)["Content-Security-Policy"])
    assert policy == directives(CSP)


def test_the_admin_carries_it_too(db, client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == directives(CSP)


def test_templates_have_no_inline_script_or_style_for_the_policy_to_block():
    inline = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", re.IGNORECASE)
    for template in (APP_DIR / "templates").rglob("*.html"):
        assert not inline.search(template.read_text()), template


@pytest.fixture
def csrf_client(alice):
    """A signed-in client that sends CSRF tokens as a browser does, and its token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get("/posts/new/")
    return client, client.cookies["csrftoken"].value


def create_post(client, token, **headers):
    data = {"title": "Hello", "body": "Text.", "status": "published", "csrfmiddlewaretoken": token}
    return client.post("/posts/new/", data, headers=headers)


def test_a_post_from_another_origin_is_refused_even_with_a_valid_token(csrf_client):
    client, token = csrf_client
    response = create_post(client, token, origin="https://evil.example")
    assert response.status_code == 403
    assert not Post.objects.exists()


@pytest.mark.parametrize("headers", [{"origin": "http://testserver"}, {}])
def test_a_post_from_the_site_itself_or_without_origin_is_accepted(csrf_client, headers):
    client, token = csrf_client
    assert create_post(client, token, **headers).status_code == 302
    assert Post.objects.count() == 1


def test_an_unknown_host_gets_the_400_page_without_a_traceback(db, client):
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Bad request | Posts</title>" in page
    assert "evil.example" not in page
    assert "Traceback" not in page
    assert response["X-Frame-Options"] == "DENY"


def test_a_body_over_the_size_limit_is_refused_and_writes_nothing(client, alice):
    client.force_login(alice)
    body = urlencode({"title": "Big", "body": "x" * 3_000_000, "status": "published"})
    response = client.post("/posts/new/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()
    assert not Post.objects.exists()


def run_manage(*args, **env):
    environ = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "example.com",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=APP_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_https_profile_passes_the_deploy_check():
    done = run_manage("check", "--deploy", "--fail-level", "WARNING", HTTPS="1")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_without_it_the_deploy_check_complains():
    done = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0
    assert "SECURE_HSTS_SECONDS" in done.stdout + done.stderr
