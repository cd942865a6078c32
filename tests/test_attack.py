"""An attacker against the server: sign-in throttling (SEC-13), requests for another host
(SEC-14), bodies over the limit (SEC-15) and the HTTPS production profile (SEC-16).

The throttling window and the production profile need servers of their own (gunicorn, with
their own environment): they start in the background at the session's start. The admin's
attacks are in test_attack_admin.py; other origins and CSP in test_cross_site.py.
"""

from __future__ import annotations

import secrets
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from tests import pages
from tests.actions import (
    PASSWORD,
    create_post,
    home,
    passed_before_429,
    register,
    search_titles,
    session_tokens,
    sign_in,
    signed_in_as,
    token,
)
from toolkit.browser import Browser, fresh_address, location, own_address_transport
from toolkit.servers import Server

TRACES = ("Traceback", 'File "', "DisallowedHost", "Werkzeug Debugger", "SECRET_KEY")
INVALID = "Invalid username or password."
# The rule's defaults (SEC-13), and the short ones the window test's server runs with.
FAILURE_LIMIT = 5
ADDRESS_LIMIT = 20  # the default of LOGIN_ADDRESS_LIMIT (SEC-13)
SHORT_LIMIT, SHORT_WINDOW = 2, 10
STAFF = ("warden", "Warden-Pass-2026!")


# -- SEC-13: sign-in throttling --------------------------------------------------------------------


def failed_sign_in(browser: Browser, username: str, *, reaches_limit=False) -> httpx.Response:
    """Fail to sign in; the failure that reaches the limit may already answer 429 (SEC-13)."""
    answer = sign_in(browser, username, "Wrong-Password-42")
    if reaches_limit and answer.status_code == 429:
        return answer
    assert answer.status_code == 200, ("a failed sign-in", answer.status_code)
    assert pages.nonfield_errors(answer) == [INVALID]
    return answer


@pytest.mark.rule("SEC-13", "AUTH-5")
@pytest.mark.requires("redis", apps=("flask",), modes=("live",))
def test_failed_sign_ins_are_throttled_per_username_and_client(app, alice):
    """Five failures lock a name from that client, right password too; others still sign in."""
    username, password, _ = app.make_user("throttle")
    client = fresh_address()
    # Four failures, a success (not counted), the fifth failure.
    for _ in range(FAILURE_LIMIT - 1):
        failed_sign_in(app.browser_from(client), username)
    answer = sign_in(app.browser_from(client), username, password)
    assert answer.status_code in (302, 303), ("a success before the limit", answer.status_code)
    failed_sign_in(app.browser_from(client), username, reaches_limit=True)
    # Locked for this username from this client, even with the right password.
    browser = app.browser_from(client)
    answer = sign_in(browser, username, password)
    assert answer.status_code == 429, (answer.status_code, pages.nonfield_errors(answer))
    assert signed_in_as(browser) is None
    # Another username from the same client, and the same username from another client.
    assert sign_in(app.browser_from(client), alice.username, PASSWORD).status_code in (302, 303)
    other_client = app.browser()
    answer = sign_in(other_client, username, password)
    assert answer.status_code in (302, 303), ("another client", answer.status_code)
    assert signed_in_as(other_client) == username


@pytest.mark.rule("SEC-13")
@pytest.mark.requires("redis", modes=("live",))
def test_sign_ins_are_throttled_per_client_whatever_the_usernames(app, alice):
    """Past twenty sign-ins from one client, each with another name, it gets the 429 page."""
    client = fresh_address()
    passed_before_429(
        lambda n: sign_in(app.browser_from(client), f"spray{n}{token()}", "Wrong-Password-42"),
        ADDRESS_LIMIT,
        passing=(200,),
    )
    browser = app.browser_from(client)
    answer = sign_in(browser, alice.username, PASSWORD)
    assert answer.status_code == 429, answer.status_code
    assert pages.h1(answer) == ["Too many attempts"]
    assert signed_in_as(browser) is None
    assert sign_in(app.browser(), alice.username, PASSWORD).status_code in (302, 303)


@pytest.mark.rule("SEC-13")
@pytest.mark.requires("redis", apps=("flask",), modes=("live",))
def test_admin_sign_in_is_throttled(app, adapter):
    """The admin's sign-in also answers 429 after five failures for one name."""
    username = f"intruder{token()}"  # failures count for unknown usernames too
    client = fresh_address()

    def attempt() -> int:
        answer = app.browser_from(client).submit(
            adapter.admin_login_path, {"username": username, "password": "Wrong-Password-42"}
        )
        return answer.status_code

    statuses = [attempt() for _ in range(FAILURE_LIMIT + 1)]
    # The failure that reaches the limit may already answer 429; the ones before it may not.
    assert 429 not in statuses[: FAILURE_LIMIT - 1], statuses
    assert statuses[-1] == 429, statuses


def lock_and_wait(server: Server) -> dict:
    """Lock a user out, wait for the window to pass, and sign in; return each step's answer."""
    username = f"window{token()}"
    transport = own_address_transport(server.base_url)  # one client throughout

    def visitor() -> Browser:
        return Browser(server.base_url, transport)

    steps = {"sign-up": register(visitor(), username).status_code}
    for n in range(SHORT_LIMIT):
        answer = sign_in(visitor(), username, "Wrong-Password-42")
        steps[f"failure {n + 1}"] = (answer.status_code, pages.nonfield_errors(answer))
    last_failure = time.monotonic()
    steps["right password, locked"] = sign_in(visitor(), username, PASSWORD).status_code
    steps["seconds from the last failure"] = round(time.monotonic() - last_failure, 1)
    time.sleep(max(0, last_failure + SHORT_WINDOW + 1.5 - time.monotonic()))
    browser = visitor()
    steps["right password, after the window"] = sign_in(browser, username, PASSWORD).status_code
    steps["signed in"] = signed_in_as(browser) == username
    return steps


def throttle_window(adapter, harness) -> Future:
    """Serve the app with a short limit and window (SEC-13); run `lock_and_wait` against it.

    The scenario runs in a thread of its own, so that its wait holds up neither the session nor
    the app's next background jobs.
    """
    database = harness.databases.new(f"{adapter.name}_throttle")
    harness.prepare(adapter, database.url, STAFF)
    env = harness.live_env(
        adapter,
        database.url,
        LOGIN_FAILURE_LIMIT=str(SHORT_LIMIT),
        LOGIN_FAILURE_WINDOW=str(SHORT_WINDOW),
    )
    server = Server(adapter, env, harness.folder / f"{adapter.name}-throttle.log")
    harness.servers.append(server)
    server.start()
    server.wait_ready()
    scenario = ThreadPoolExecutor(max_workers=1, thread_name_prefix="posts-throttle")
    steps = scenario.submit(lock_and_wait, server)
    scenario.shutdown(wait=False)
    return steps


@pytest.mark.rule("SEC-13")
@pytest.mark.background("throttle-window")
@pytest.mark.requires("redis", apps=("flask",))
def test_throttling_ends_when_its_window_has_passed(job):
    """A locked-out user signs in with the right password once the window has passed."""
    steps = job("throttle-window").result(timeout=120)
    assert steps["sign-up"] in (302, 303), steps
    for n in range(SHORT_LIMIT - 1):
        assert steps[f"failure {n + 1}"] == (200, [INVALID]), steps
    assert steps[f"failure {SHORT_LIMIT}"] in ((200, [INVALID]), (429, [])), steps
    assert steps["seconds from the last failure"] < SHORT_WINDOW, f"too slow to tell: {steps}"
    assert steps["right password, locked"] == 429, steps
    assert steps["right password, after the window"] in (302, 303), steps
    assert steps["signed in"], steps


# -- SEC-14: Host header ---------------------------------------------------------------------------


@pytest.mark.rule("SEC-14")
def test_requests_for_another_host_are_refused(visitor):
    """Requests naming another host get a plain 400, with no trace of the server's insides."""
    tokens = session_tokens(visitor)
    for host in ("evil.example", "localhost.evil.example", "evil.example:80"):
        for method, path in (
            ("GET", "/"),
            ("GET", "/accounts/login/"),
            ("GET", "/posts/1/"),
            ("GET", "/healthz"),
            ("POST", "/accounts/login/"),
        ):
            data = tokens if method == "POST" else None
            answer = visitor.request(method, path, headers={"Host": host}, data=data)
            assert answer.status_code == 400, (host, method, path, answer.status_code)
            for trace in TRACES:
                assert trace not in answer.text, (host, path, trace)
    assert visitor.get("/").status_code == 200


# -- SEC-15: request bodies over the limit ---------------------------------------------------------

BIG = 12 * 1024 * 1024


def multipart(fields: dict[str, str], files: dict[str, bytes] | None = None) -> tuple[bytes, str]:
    """Encode a multipart/form-data body; return it and its content type."""
    request = httpx.Request(
        "POST",
        "http://unused/",
        data=fields,
        files={name: (f"{name}.txt", content) for name, content in (files or {}).items()}
        or {"_": ("", b"")},
    )
    return request.read(), request.headers["content-type"]


def post_big(browser: Browser, url: str, fields: dict[str, str], how: str) -> int | str:
    """Post fields padded to 12 MB (urlencoded, or multipart with a big field or file)."""
    fields = {**session_tokens(browser, url), **fields}
    if how == "urlencoded":
        content = urlencode({**fields, "padding": "x" * BIG}).encode()
        kind = "application/x-www-form-urlencoded"
    elif how == "multipart field":
        content, kind = multipart({**fields, "padding": "x" * BIG})
    else:
        content, kind = multipart(fields, {"padding": b"x" * BIG})
    try:
        return browser.post(url, content=content, headers={"content-type": kind}).status_code
    except (httpx.WriteError, httpx.RemoteProtocolError) as error:
        # A server may answer and close before reading the whole body.
        return f"connection closed while sending: {error!r}"


@pytest.mark.rule("SEC-15", "POST-2", "AUTH-5")
@pytest.mark.parametrize("how", ["urlencoded", "multipart field", "multipart file"])
def test_bodies_over_the_limit_are_refused(app, visitor, alice, how):
    """A form of 12 MB is refused with 400 or 413; nothing is written and the site goes on."""
    tag = token()
    fields = {"title": f"Big {tag}", "body": f"Big {tag}", "status": "published"}
    status = post_big(alice, "/posts/new/", fields, how)
    assert status in (400, 413), ("new post", status)
    browser = app.browser()
    credentials = {"username": alice.username, "password": PASSWORD}
    status = post_big(browser, "/accounts/login/", credentials, how)
    assert status in (400, 413), ("sign-in", status)
    assert signed_in_as(browser) is None
    assert search_titles(visitor, tag) == []
    assert home(visitor).status_code == 200
    assert create_post(alice, f"Small {tag}")


# -- SEC-16: the HTTPS production profile ----------------------------------------------------------


def https_profile(adapter, harness) -> tuple[Server, object]:
    """Serve the app with HTTPS=1, DEBUG off; run the framework's own audit of that profile."""
    database = harness.databases.new(f"{adapter.name}_https")
    harness.prepare(adapter, database.url, STAFF)
    env = harness.live_env(
        adapter,
        database.url,
        HTTPS="1",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    check = adapter.deploy_check(env)
    server = Server(adapter, env, harness.folder / f"{adapter.name}-https.log")
    harness.servers.append(server)
    server.start()
    server.wait_ready(status=None)  # plain HTTP may be redirected, /healthz included
    return server, check


def through_tls_proxy(base_url: str) -> Browser:
    """Return a visitor reaching the app as through a proxy that terminated HTTPS.

    The browser held its cookies over HTTPS, so it sends its Secure cookies too (an HTTP client
    would not send them over the proxy's plain hop).
    """
    browser = Browser(base_url)
    origin = "https://" + urlsplit(base_url).netloc

    def as_over_https(request: httpx.Request) -> None:
        request.headers.update({"X-Forwarded-Proto": "https", "Referer": origin + "/"})
        if request.method == "POST":
            request.headers["Origin"] = origin
        cookies = "; ".join(f"{c.name}={c.value}" for c in browser.http.cookies.jar)
        if cookies:
            request.headers["Cookie"] = cookies

    browser.http.event_hooks = {"request": [as_over_https]}
    return browser


def hsts_max_age(answer: httpx.Response) -> int:
    for directive in answer.headers.get("strict-transport-security", "").split(";"):
        name, _, value = directive.strip().partition("=")
        if name.lower() == "max-age":
            with suppress(ValueError):
                return int(value.strip('"'))
    return 0


def insecure_cookies(answer: httpx.Response) -> list[str]:
    return [
        name
        for name, cookie in pages.cookies_set(answer).items()
        if not pages.is_deletion(cookie) and not cookie["secure"]
    ]


@pytest.mark.rule("SEC-16", "SEC-3")
@pytest.mark.background("https-profile")
def test_production_profile_is_https_only(job):
    """In production, plain HTTP is sent to HTTPS, HSTS is on and every cookie is Secure."""
    server, check = job("https-profile")
    if check is not None:  # the framework's own audit (Django: check --deploy)
        output = check.stdout + check.stderr
        assert check.returncode == 0, output[-3000:]
        assert "no issues" in output, output[-3000:]

    for path in ("/", "/accounts/login/?next=/posts/new/"):
        plain = httpx.get(server.base_url + path, timeout=10)
        assert plain.status_code in (301, 302, 307, 308), (path, plain.status_code)
        target, wanted = urlsplit(plain.headers["location"]), urlsplit(path)
        assert target.scheme == "https", plain.headers["location"]
        assert target.path == wanted.path, plain.headers["location"]
        assert parse_qs(target.query) == parse_qs(wanted.query), plain.headers["location"]

    browser = through_tls_proxy(server.base_url)
    answers = [browser.get("/"), browser.get("/no-such-page/"), browser.get("/accounts/login/")]
    for answer in answers:
        assert hsts_max_age(answer) >= 31_536_000, (answer.url, answer.headers)
    username = f"https{token()}"
    answers.append(register(browser, username))
    assert answers[-1].status_code in (302, 303), pages.fields_in_error(answers[-1])

    browser = through_tls_proxy(server.base_url)
    answers.append(browser.get("/accounts/login/"))
    answers.append(sign_in(browser, username, PASSWORD))
    assert answers[-1].status_code in (302, 303), pages.nonfield_errors(answers[-1])
    assert location(answers[-1])[0] == "/"
    assert signed_in_as(browser) == username
    assert pages.cookies_set(answers[-1]), "signing in set no cookie"
    problems = {str(a.url): insecure_cookies(a) for a in answers if insecure_cookies(a)}
    assert not problems, f"cookies without Secure: {problems}"


JOBS = {"throttle-window": throttle_window, "https-profile": https_profile}
