"""Permissions-Policy on every answer (SEC-17); signed-in pages never stored (SEC-18)."""

from tests.conftest import login


def test_every_page_switches_browser_features_off(client):
    """A visitor's pages, errors included, keep camera, microphone and location off."""
    for path in ("/", "/accounts/login/", "/no-such-page/"):
        policy = client.get(path).headers["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "browsing-topics=()"):
            assert feature in policy.split(", "), (path, policy)


def test_signed_in_pages_are_never_stored(client, alice):
    """A signed-in user's pages carry the Cache-Control of Django's never_cache."""
    login(client, "alice")
    for path in ("/", "/posts/new/", "/no-such-page/"):
        cache_control = client.get(path).headers["Cache-Control"]
        assert set(cache_control.split(", ")) == {
            "max-age=0",
            "no-cache",
            "no-store",
            "must-revalidate",
            "private",
        }, (path, cache_control)


def test_visitors_pages_and_static_files_stay_cacheable(client, alice):
    """Only what depends on who is signed in is kept out of caches."""
    assert "Cache-Control" not in client.get("/").headers
    login(client, "alice")
    response = client.get("/static/css/site.css")
    assert "no-store" not in response.headers.get("Cache-Control", "")
