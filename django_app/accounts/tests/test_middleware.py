"""Permissions-Policy on every answer (SEC-17); signed-in pages never stored (SEC-18)."""

NEVER_CACHE = {"max-age=0", "no-cache", "no-store", "must-revalidate", "private"}


def test_every_page_switches_browser_features_off(client, db):
    """A visitor's pages, errors included, keep camera, microphone and location off."""
    for path in ("/", "/accounts/login/", "/no-such-page/"):
        policy = client.get(path).headers["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "browsing-topics=()"):
            assert feature in policy.split(", "), (path, policy)


def test_signed_in_pages_are_never_stored(client, alice):
    """A signed-in user's pages carry the headers of Django's never_cache."""
    client.force_login(alice)
    for path in ("/", "/posts/new/", "/no-such-page/"):
        cache_control = client.get(path).headers["Cache-Control"]
        assert set(cache_control.split(", ")) == NEVER_CACHE, (path, cache_control)


def test_visitors_pages_stay_cacheable(client, db):
    """Only what depends on who is signed in is kept out of caches."""
    assert "Cache-Control" not in client.get("/").headers
