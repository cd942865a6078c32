"""Headers a browser obeys: features switched off, signed-in pages kept out of caches."""

from __future__ import annotations

import httpx
import pytest

from tests.actions import create_post, token, visit_public_pages

SWITCHED_OFF = ("camera", "microphone", "geolocation")


def permissions_policy(answer: httpx.Response) -> dict[str, str]:
    """Return a Permissions-Policy header as {feature: allowlist}."""
    header = answer.headers.get("permissions-policy", "")
    entries = (entry.strip().partition("=") for entry in header.split(","))
    return {feature: allowlist.strip() for feature, _, allowlist in entries if feature}


def assert_features_switched_off(answer: httpx.Response) -> None:
    where = f"{answer.request.method} {answer.url.path} ({answer.status_code})"
    policy = permissions_policy(answer)
    for feature in SWITCHED_OFF:
        assert policy.get(feature) == "()", (where, answer.headers.get("permissions-policy"))


def cache_control(answer: httpx.Response) -> set[str]:
    """Return the directives of a Cache-Control header, lower-cased, without their values."""
    header = answer.headers.get("cache-control", "")
    return {part.split("=")[0].strip().lower() for part in header.split(",") if part.strip()}


@pytest.mark.rule("SEC-17")
def test_permissions_policy_on_every_html_page(visitor, alice, bob):
    """Every page, errors included, tells the browser to keep camera, microphone, location off."""
    for answer in visit_public_pages(visitor, alice, bob):
        assert answer.headers.get("content-type", "").startswith("text/html"), answer.url
        assert_features_switched_off(answer)


@pytest.mark.rule("SEC-17")
def test_permissions_policy_on_admin_pages(adapter, staff):
    """The admin's pages keep camera, microphone and location off too."""
    for answer in (adapter.admin_post_list(staff), adapter.admin_user_list(staff)):
        assert answer.status_code == 200
        assert_features_switched_off(answer)


@pytest.mark.rule("SEC-18")
def test_signed_in_pages_are_never_stored(alice):
    """No page a user is shown while signed in is kept by a cache or the browser's history."""
    post = create_post(alice, f"Private {token()}", status="draft")
    for url in ("/", "/?q=x", f"/posts/{post}/", "/posts/new/", f"/posts/{post}/edit/"):
        answer = alice.get(url)
        assert answer.status_code == 200, (url, answer.status_code)
        directives = cache_control(answer)
        assert {"no-store", "private"} <= directives, (url, answer.headers.get("cache-control"))


@pytest.mark.rule("SEC-18")
def test_admin_pages_are_never_stored(adapter, staff):
    """No admin page is kept by a cache or the browser's history."""
    for answer in (adapter.admin_post_list(staff), adapter.admin_user_list(staff)):
        assert answer.status_code == 200
        directives = cache_control(answer)
        assert {"no-store", "private"} <= directives, answer.headers.get("cache-control")
