"""A visitor of the site: an HTTP client with its own cookies that fills forms as a browser does."""

from __future__ import annotations

import ipaddress
import random
import re
import sys
import unicodedata
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
from bs4 import BeautifulSoup

REDIRECTS = (301, 302, 303, 307, 308)
# What a CSRF token looks like in a hidden input: a long run of token characters (Django's
# 64 letters and digits; Flask-WTF's signed, dotted base64).
TOKEN_VALUE = re.compile(r"^[A-Za-z0-9._-]{32,}$")


_used_addresses = {"127.0.0.1", "127.0.0.2"}


def fresh_address() -> str:
    """Return a loopback address no other client of this run has (a client of its own).

    The apps throttle sign-ups, sign-ins and reset requests per client address (SEC-13, AUTH-1,
    AUTH-14), and a shared store (Redis) keeps counts from earlier runs within the hour: each
    visitor comes from an address of its own, as real ones do. Random, so that runs differ.
    """
    while True:
        address = str(ipaddress.IPv4Address((127 << 24) + random.getrandbits(24)))
        if address not in _used_addresses:
            _used_addresses.add(address)
            return address


def own_address_transport(base_url: str) -> httpx.HTTPTransport | None:
    """Return a transport from a fresh loopback address, for a server on one; else None.

    Any 127.0.0.0/8 address reaches a server on 127.0.0.1 on Linux; elsewhere (macOS has only
    127.0.0.1) and for other hosts, the system's own source address is used.
    """
    try:
        server = ipaddress.IPv4Address(urlsplit(base_url).hostname or "")
    except ValueError:
        return None
    if not server.is_loopback or not sys.platform.startswith("linux"):
        return None
    return httpx.HTTPTransport(local_address=fresh_address())


def html(response: httpx.Response) -> BeautifulSoup:
    """Parse a response's HTML."""
    return BeautifulSoup(response.text, "html.parser")


def soup(page: httpx.Response | BeautifulSoup) -> BeautifulSoup:
    """Return a page's parsed HTML (a response, or one parsed already)."""
    return page if isinstance(page, BeautifulSoup) else html(page)


def hidden_inputs(page, form: str = "form[method=post]:not(.logout)") -> dict[str, str]:
    """Return a form's hidden inputs but `next` (the CSRF token, whatever its name)."""
    found = soup(page).select_one(form)
    assert found is not None, f"no form {form!r}"
    return {
        tag["name"]: tag.get("value", "")
        for tag in found.find_all("input", attrs={"type": "hidden"})
        if tag.get("name") and tag["name"] != "next"
    }


def leaves_the_site(target: str, page: httpx.URL) -> bool:
    """Tell whether a browser sent to `target` (a Location) from `page` could leave the site.

    Browsers read "\\" as "/", drop tabs and line breaks, and take "///host" and "http:///host"
    to host: a target with any of these counts, as one naming another host or a scheme other
    than HTTP(S) (`javascript:`, `data:`).
    """
    if any(char == "\\" or unicodedata.category(char).startswith("C") for char in target):
        return True
    target = target.strip()
    try:
        parts = urlsplit(target)
    except ValueError:  # "http://[2001:…" (an unclosed IPv6 host)
        return True
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        return True
    if parts.scheme or target.startswith("//"):
        return parts.netloc.lower() != page.netloc.decode("ascii").lower()
    return False


def request_line(response: httpx.Response) -> str:
    """Return the method and path of the request a response answers, e.g. "POST /posts/new/"."""
    return f"{response.request.method} {response.request.url.path}"


def assert_stays_on_site(response: httpx.Response) -> None:
    """Fail, with one clear line, when a redirect would take a browser off the site."""
    target = response.headers["location"]
    assert not leaves_the_site(target, response.request.url), (
        f"unsafe redirect to {target!r}: {request_line(response)} sends the browser off the site"
    )


def location(response: httpx.Response) -> tuple[str, dict[str, list[str]]]:
    """Return a redirect's target path and decoded query; fail if it leaves the site."""
    assert response.status_code in (302, 303), (
        f"{request_line(response)} answered {response.status_code}, not a redirect\n"
        f"{response.text[:500]}"
    )
    assert_stays_on_site(response)
    parts = urlsplit(response.headers["location"])
    return parts.path, parse_qs(parts.query, keep_blank_values=True)


def textarea_value(control) -> str:
    """Return a textarea's value as a browser reads it: without one newline after <textarea>."""
    value = control.get_text()
    for newline in ("\r\n", "\n", "\r"):
        if value.startswith(newline):
            return value[len(newline) :]
    return value


def form_values(form) -> list[tuple[str, str]]:
    """Return what a browser would send for a form left as it is (its successful controls)."""
    values = []
    for control in form.find_all(["input", "select", "textarea"]):
        name = control.get("name")
        if not name or control.has_attr("disabled"):
            continue
        if control.name == "textarea":
            values.append((name, textarea_value(control)))
        elif control.name == "select":
            chosen = control.find_all("option", selected=True) or control.find_all("option")[:1]
            if control.has_attr("multiple"):
                chosen = control.find_all("option", selected=True)
            values.extend((name, o.get("value", o.get_text())) for o in chosen)
        else:
            kind = control.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                continue
            if kind in ("checkbox", "radio") and not control.has_attr("checked"):
                continue
            values.append((name, control.get("value", "on" if kind == "checkbox" else "")))
    return values


class Client(httpx.Client):
    """httpx's client, returning redirects to places no URL can name, as they came.

    httpx builds the request each redirect leads to, followed or not, and raises for a Location
    it cannot turn into a URL to follow (`javascript:alert(1)`, given the site's host). The suite
    follows nothing by itself and reads the Location, so such an answer is returned as it came.
    """

    def _build_redirect_request(self, request: httpx.Request, response: httpx.Response):
        try:
            return super()._build_redirect_request(request, response)
        except (httpx.InvalidURL, httpx.RemoteProtocolError):  # no URL, or none it can follow
            if self.follow_redirects:
                raise
            return None


class Browser:
    """One visitor with its own cookie jar; redirects are not followed unless asked."""

    def __init__(
        self,
        base_url: str,
        transport: httpx.BaseTransport | None = None,
        cookies=None,
        username: str | None = None,
        send_tokens: bool = True,
    ):
        self.base_url = base_url
        # False: forms are posted without their token-like hidden inputs (a forged request).
        self.send_tokens = send_tokens
        # A new visitor over HTTP comes from an address of its own (see fresh_address).
        self.transport = transport or own_address_transport(base_url)
        self.username = username  # who the suite signed in with this browser, if anyone
        self.http = Client(
            base_url=base_url,
            transport=self.transport,
            cookies=cookies,
            follow_redirects=False,
            timeout=60,
        )

    def clone(self, **options) -> Browser:
        """Return another visitor holding a copy of this one's cookies (a stolen cookie jar)."""
        return Browser(
            self.base_url,
            self.transport,
            cookies=httpx.Cookies(self.http.cookies),
            username=self.username,
            **options,
        )

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        return self.http.request(method, url, **kwargs)

    def get(self, url: str, **kwargs) -> httpx.Response:
        return self.http.get(url, **kwargs)

    def post(self, url: str, data=None, **kwargs) -> httpx.Response:
        return self.http.post(url, data=data, **kwargs)

    def follow(self, response: httpx.Response, limit: int = 5) -> httpx.Response:
        """Follow a response's redirects with GET, as a browser does after a POST, on the site."""
        while response.status_code in REDIRECTS and limit:
            assert_stays_on_site(response)
            response = self.get(urljoin(str(response.url), response.headers["location"]))
            limit -= 1
        return response

    def submit(
        self,
        page: httpx.Response | str,
        data: dict | None = None,
        *,
        form: str = "form[method=post]:not(.logout)",
        drop: tuple[str, ...] = (),
        **kwargs,
    ) -> httpx.Response:
        """Fill the form found on a page (a response or a URL to GET) and post it.

        The form's own values (hidden inputs such as the CSRF token, current field values) are
        sent, overridden by `data` (a value may be a list for repeated fields); names in `drop`
        are left out, as an unchecked box is. A browser made with `send_tokens=False` also leaves
        out every hidden input whose value looks like a CSRF token.
        """
        if isinstance(page, str):
            page = self.get(page)
        assert page.status_code == 200, (
            f"{request_line(page)} answered {page.status_code}, not a page with a form"
        )
        found = html(page).select_one(form)
        assert found is not None, f"no form {form!r} on {request_line(page)}"
        data = data or {}
        if not self.send_tokens:
            drop = (*drop, *token_inputs(found))
        sent = [(k, v) for k, v in form_values(found) if k not in data and k not in drop]
        for key, value in data.items():
            for item in value if isinstance(value, list | tuple) else [value]:
                sent.append((key, item))
        action = urljoin(str(page.url), found.get("action") or str(page.url))
        return self.http.post(action, data=_pairs(sent), **kwargs)


def token_inputs(form) -> list[str]:
    """Return the names of a form's hidden inputs whose values look like CSRF tokens."""
    return [
        tag["name"]
        for tag in form.find_all("input", attrs={"type": "hidden"})
        if tag.get("name") and TOKEN_VALUE.match(tag.get("value", ""))
    ]


def _pairs(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Group repeated form fields the way httpx expects them."""
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped
