"""Open redirects (SEC-8): the targets an attacker puts in a return URL, and what in an answer
would send a browser off the site."""

from __future__ import annotations

import unicodedata
from urllib.parse import urljoin, urlsplit

import httpx

from toolkit.browser import REDIRECTS, Browser, html

# Django's own payloads, each once: tests/utils_tests/test_http.py
# (URLHasAllowedHostAndSchemeTests.test_bad_urls) and tests/auth_tests/test_views.py
# (LoginTest.test_security_check, the last two); then a few more of the same family.
BAD_URLS = (
    "http://example.com",
    "http:///example.com",
    "https://example.com",
    "ftp://example.com",
    r"\\example.com",
    r"\\\example.com",
    r"/\\/example.com",
    r"\\//example.com",
    r"/\/example.com",
    r"\/example.com",
    r"/\example.com",
    r"http:/\//example.com",
    r"http:\/example.com",
    r"http:/\example.com",
    'javascript:alert("XSS")',
    "\njavascript:alert(x)",
    "java\nscript:alert(x)",
    "\x08//example.com",
    r"http://otherserver\@example.com",
    r"http:\\testserver\@example.com",
    r"http://testserver\me:pass@example.com",
    r"http://testserver\@example.com",
    r"http:\\testserver\confirm\me@example.com",
    "http:999999999",
    "ftp:9999999999",
    "\n",
    "http://[2001:cdba:0000:0000:0000:0000:3257:9652/",
    "http://2001:cdba:0000:0000:0000:0000:3257:9652]/",
    "///example.com",
    "//example.com",
    # A few more of the same family.
    "HTTPS://example.com/",
    " //example.com",
    "/\t/example.com",
    "data:text/html,<script>alert(1)</script>",
    "JavaScript:alert(1)",
)
# And for the admins, what Flask-Admin let through: one slash after the scheme (Werkzeug sent it
# on as http:///example.com, example.com to a browser).
ADMIN_BAD_TARGETS = (*BAD_URLS, "http:/example.com", "https:/example.com/path")


def leaves_the_site(target: str, base_url: str) -> bool:
    """Tell whether a browser sent to `target` (a Location, a link) could land on another host.

    Browsers read "\\" as "/", drop tabs and line breaks, and take "///host" and "http:///host"
    to host: a target with any of these counts, as one with a scheme or host not the site's.
    """
    if any(char == "\\" or unicodedata.category(char).startswith("C") for char in target):
        return True
    target = target.strip()
    if target.startswith("//"):
        return True
    try:
        parts = urlsplit(target)
    except ValueError:  # "http://[2001:…" (an unclosed IPv6 host)
        return True
    site = urlsplit(base_url)
    if parts.scheme or parts.netloc:
        return (parts.scheme.lower(), parts.netloc.lower()) != (site.scheme, site.netloc)
    return False


def off_site(answer: httpx.Response, base_url: str) -> list[str]:
    """Return what in an answer sends a browser off the site: its Location, links, form actions."""
    if answer.status_code in REDIRECTS:
        target = answer.headers["location"]
        return [f"Location {target!r}"] if leaves_the_site(target, base_url) else []
    if answer.status_code != 200 or "html" not in answer.headers.get("content-type", ""):
        return []
    found = []
    for tag in html(answer).select("a[href], form[action]"):
        target = tag.get("href") or tag.get("action")
        if target == "javascript:void(0)":  # a link that goes nowhere (Flask-Admin's menus)
            continue
        if leaves_the_site(target, base_url):
            found.append(f"<{tag.name}> to {target!r}")
    return found


def follow_on_site(browser: Browser, answer: httpx.Response, base_url: str) -> list[str]:
    """Follow an answer's redirects as a browser does; return any hop that leaves the site."""
    for _ in range(5):
        problems = off_site(answer, base_url)
        if problems or answer.status_code not in REDIRECTS:
            return problems
        answer = browser.get(urljoin(str(answer.url), answer.headers["location"]))
    return []
