"""The suite's browser and in-process transport: what a test sees of a redirect or a crash."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import pytest

from toolkit.browser import Browser, location
from toolkit.wsgi import WSGITransport

UNSAFE = ["javascript:alert(%22XSS%22)", "//example.com", "http://[2001:cdba::3257:9652/"]


def site(environ, start_response):
    """Redirect to the `to` of the query string (as an unsafe `next` does); crash on /crash/."""
    if environ["PATH_INFO"] == "/crash/":
        raise ValueError("Header values must not contain newline characters.")
    target = parse_qs(environ["QUERY_STRING"])["to"][0]
    start_response("302 Found", [("Location", target), ("Content-Type", "text/plain")])
    return [b""]


def visitor() -> Browser:
    return Browser("http://localhost", WSGITransport(site))


@pytest.mark.parametrize("target", UNSAFE)
def test_an_unsafe_redirect_fails_with_one_clear_line(target):
    """A redirect off the site is returned as it came; reading or following it fails clearly."""
    browser = visitor()
    answer = browser.get("/", params={"to": target})
    assert (answer.status_code, answer.headers["location"]) == (302, target)
    expected = f"unsafe redirect to {re.escape(repr(target))}: GET / sends the browser off"
    with pytest.raises(AssertionError, match=expected):
        location(answer)
    with pytest.raises(AssertionError, match=expected):
        browser.follow(answer)


def test_a_same_site_redirect_is_read_and_followed():
    """A redirect to a path of the site, relative or absolute, is read as its path and query."""
    browser = visitor()
    for target in ("/posts/1/?a=b", "http://localhost/posts/1/?a=b"):
        answer = browser.get("/", params={"to": target})
        assert location(answer) == ("/posts/1/", {"a": ["b"]})


def test_an_error_the_app_lets_out_is_a_500(caplog):
    """In-process, an app's uncaught error answers 500 as a server would, its trace logged."""
    answer = visitor().get("/crash/")
    assert answer.status_code == 500
    assert "GET /crash/: the app raised" in caplog.text
    assert "ValueError: Header values must not contain newline characters." in caplog.text
