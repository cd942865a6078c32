"""Security against an attacker: forged and cross-site posts, CSP, throttling, hosts, big bodies,
and the HTTPS production profile (SEC-1 for the admin, SEC-11 to SEC-16); the admin's redirect
targets (SEC-8) and what is not an id in its forms and actions (SEC-10).

The throttling window and the production profile need servers of their own (gunicorn, with
their own environment): they start in the background at the session's start.
"""

from __future__ import annotations

import secrets
import time
import unicodedata
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import httpx
import pytest

from tests import pages
from tests.actions import (
    PASSWORD,
    create_post,
    home,
    in_parallel,
    passed_before_429,
    register,
    search_titles,
    session_tokens,
    sign_in,
    signed_in_as,
    token,
    view_post,
    visit_public_pages,
)
from tests.test_security import BAD_URLS
from toolkit.browser import REDIRECTS, Browser, fresh_address, html, location, own_address_transport
from toolkit.servers import Server

TRACES = ("Traceback", 'File "', "DisallowedHost", "Werkzeug Debugger", "SECRET_KEY")
EVIL = "https://evil.example"
INVALID = "Invalid username or password."
# The rule's defaults (SEC-13), and the short ones the window test's server runs with.
FAILURE_LIMIT = 5
ADDRESS_LIMIT = 20  # the default of LOGIN_ADDRESS_LIMIT (SEC-13)
SHORT_LIMIT, SHORT_WINDOW = 2, 10
STAFF = ("warden", "Warden-Pass-2026!")


def csrf_statuses(app) -> set[int]:
    return {app.adapter.csrf_failure_status} if app._adapter else {400, 403}


def origin_of(base_url: str) -> str:
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"


def posting_from(browser: Browser, origin: str) -> Browser:
    """Return a copy of a browser whose POSTs carry `Origin: origin` (as a browser's do)."""
    copy = browser.clone()

    def add_origin(request: httpx.Request) -> None:
        if request.method == "POST":
            request.headers["Origin"] = origin

    copy.http.event_hooks = {"request": [add_origin]}
    return copy


def username_is_free(app, username: str) -> bool:
    """Tell whether nobody has a username, by a sign-up refused for another reason."""
    answer = register(app.browser(), username, PASSWORD, PASSWORD + "-mismatch")
    assert answer.status_code == 200, answer.status_code
    return pages.field_errors(answer, "username") == []


def has_admin(adapter, browser: Browser) -> bool:
    return browser.get(adapter.admin_urls()[0]).status_code == 200


# -- SEC-1: every admin form needs its token -------------------------------------------------------


@pytest.mark.rule("SEC-1", "ADMIN-7", "ADMIN-8", "ADMIN-9", "ADMIN-10")
def test_every_admin_form_needs_its_csrf_token(app, adapter, staff, visitor, alice):
    """Every admin form sent without its token is refused; no post or user is made or changed."""
    tag = token()
    forger = staff.clone(send_tokens=False)  # the staff's session, the forms without tokens
    status = adapter.csrf_failure_status
    author = adapter.admin_user_id(staff, alice.username)
    post = create_post(alice, f"Admin guard {tag}", f"Admin guard body {tag}", status="draft")
    username, _, member = app.make_user("admguard")
    member_id = adapter.admin_user_id(staff, username)
    newcomer = f"forged{tag}"

    forged = {
        "create post": lambda: adapter.admin_create_post(
            forger, title=f"Forged {tag}", body="Forged", status="published", author_id=author
        ),
        "edit post": lambda: adapter.admin_edit_post(forger, post, title=f"Forged {tag}"),
        "delete post": lambda: adapter.admin_delete_post(forger, post),
        "bulk action": lambda: adapter.admin_set_status(forger, [post], "published"),
        "create user": lambda: adapter.admin_create_user(forger, newcomer, PASSWORD),
        "edit user": lambda: adapter.admin_update_user(forger, member_id, is_staff=True),
    }
    refused = {form: send().status_code for form, send in forged.items()}
    assert refused == dict.fromkeys(forged, status), refused

    assert adapter.admin_post_ids(staff, f"Forged {tag}") == []
    shown = view_post(alice, post)
    assert (shown.title, shown.body, shown.status) == (
        f"Admin guard {tag}",
        f"Admin guard body {tag}",
        "draft",
    )
    assert search_titles(visitor, tag) == []
    assert username_is_free(app, newcomer)
    assert not has_admin(adapter, member), "a forged admin form made a user staff"


# -- SEC-8 in the admin: its redirect targets -----------------------------------------------------

# SEC-8's payloads (Django's own), and what Flask-Admin let through: one slash after the scheme
# (Werkzeug sent it on as http:///example.com, example.com to a browser).
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


def send(browser: Browser, request, tokens: dict) -> httpx.Response:
    """Send one of the adapter's AdminRequests, a POST with the session's CSRF token."""
    if request.method == "GET":
        return browser.get(request.url)
    return browser.post(request.url, data={**request.data, **tokens})


def admin_redirect_problems(app, adapter, staff, alice, targets) -> list[str]:
    """Send each admin request taking a return URL with each target, as staff; return problems.

    A problem: a 500, a way off the site, a post stored by a refused form (or not by a saved one).
    """
    tag = token()
    post = create_post(alice, f"Return {tag}", status="draft")
    author = adapter.admin_user_id(staff, alice.username)
    tokens = session_tokens(staff, "/posts/new/")

    def attempt(numbered: tuple[int, str]) -> list[str]:
        n, target = numbered
        browser = staff.clone()  # the same session, a cookie jar (and flashes) of its own
        problems = []
        for request in adapter.admin_redirect_requests(
            target, post_id=post, author_id=author, title=f"Return {tag} {n}"
        ):
            answer = send(browser, request, tokens)
            where = f"{target!r}, {request.what}: {answer.status_code}"
            if answer.status_code >= 500:
                problems.append(where)
            problems += [f"{where}, {problem}" for problem in off_site(answer, app.base_url)]
            if request.creates is not None:
                stored = len(adapter.admin_post_ids(staff, request.creates))
                if stored != (answer.status_code in REDIRECTS):
                    problems.append(f"{where}, {stored} post(s) stored")
        return problems

    return [p for found in in_parallel(attempt, enumerate(targets)) for p in found]


@pytest.mark.rule("SEC-8", "ADMIN-7", "ADMIN-8")
def test_admin_redirect_targets_never_leave_the_site(app, adapter, staff, alice):
    """Staff sent to an admin page with a return URL off the site stay on the site."""
    failures = admin_redirect_problems(app, adapter, staff, alice, ADMIN_BAD_TARGETS)
    assert not failures, "the admin's redirects left the site:\n" + "\n".join(failures)


@pytest.mark.rule("SEC-10", "ADMIN-7")
def test_admin_return_url_with_a_line_break_is_no_500_and_no_half_write(app, adapter, staff, alice):
    """Staff whose return URL holds a line break get a page or a 4xx, never a 500 after a save."""
    targets = ("/admin/\n", "/admin/\r", "/\r\nSet-Cookie: planted=1", "/admin/%0d%0a\n")
    failures = admin_redirect_problems(app, adapter, staff, alice, targets)
    assert not failures, "\n".join(failures)


@pytest.mark.rule("SEC-8", "ADMIN-1")
def test_admin_sign_in_and_out_never_leave_the_site(app, adapter, staff):
    """Staff who sign in to the admin (or out) with a `next` off the site stay on the site.

    Also with a `next` that is an admin page whose own return URL leaves the site, as when a
    visitor follows such a link and is sent to sign in first.
    """
    username, password = app.staff  # (the staff fixture: the run has staff credentials)
    nested = [
        request.url
        for request in adapter.admin_redirect_requests(
            "http:/example.com", post_id=999_999_999, author_id=999_999_999, title=token()
        )
        if request.method == "GET"
    ]

    # The site's own sign-in (the Flask admin's) has all of SEC-8's payloads in test_security.py.
    own = adapter.admin_login_path != "/accounts/login/"
    targets = [*(ADMIN_BAD_TARGETS if own else ()), *nested]

    def attempt(target: str) -> list[str]:
        browser = app.browser()
        if target in nested:  # the way a visitor gets there: the admin sends them to sign in
            answer = browser.get(target)
            assert location(answer)[0] == adapter.admin_login_path, answer.status_code
            page = browser.get(urljoin(str(answer.url), answer.headers["location"]))
        else:
            page = browser.get(f"{adapter.admin_login_path}?{urlencode({'next': target})}")
        credentials = {"username": username, "password": password}
        answer = browser.submit(page, credentials, form=adapter.admin_login_form)
        assert answer.status_code in REDIRECTS, (target, answer.status_code)
        # Where sign-in sends the browser; for an admin page as `next`, on to where that sends it.
        if target in nested:
            problems = follow_on_site(browser, answer, app.base_url)
        else:
            problems = off_site(answer, app.base_url)
        problems = [f"sign-in, {problem}" for problem in problems]
        answer = adapter.admin_sign_out(browser, target)
        if answer is not None:
            problems += [f"sign-out, {p}" for p in follow_on_site(browser, answer, app.base_url)]
        return [f"{target!r}: {problem}" for problem in problems]

    failures = [p for found in in_parallel(attempt, targets) for p in found]
    assert not failures, "signing in or out left the site:\n" + "\n".join(failures)


# -- SEC-10 in the admin: what is not an id --------------------------------------------------------

NOT_IDS = ("abc", "99999999999999999999", "1.5", "-1", "1e3", "\x00")


@pytest.mark.rule("SEC-10", "ADMIN-7", "ADMIN-8")
def test_admin_refuses_an_author_or_a_selection_that_is_not_an_id(adapter, staff, alice):
    """Staff who send an author or a selected post that is no id get a form error or a 4xx."""
    tag = token()
    tokens = session_tokens(staff, "/posts/new/")
    for junk in NOT_IDS:
        page = staff.get(adapter.admin_post_form_url(), params={"author": junk})
        assert page.status_code == 200, ("new-post form, author", junk, page.status_code)
        answer = adapter.admin_create_post(
            staff, title=f"Junk {tag}", body="Body", status="draft", author_id=junk
        )
        assert answer.status_code < 500, ("new post, author", junk, answer.status_code)
        if answer.status_code == 200:
            assert adapter.admin_form_errors(answer), ("new post, author", junk)
        else:
            assert 400 <= answer.status_code < 500, ("new post, author", junk)
        assert adapter.admin_post_ids(staff, f"Junk {tag}") == [], ("a refused post", junk)

        # The post and the junk selected together: refused, or done for the post alone.
        post = create_post(alice, f"Selected {tag}", status="draft")
        url, fields = adapter.admin_bulk_action_request([post, junk], "published")
        answer = staff.post(url, data={**fields, **tokens})
        assert answer.status_code < 500, ("bulk action", junk, answer.status_code)
        done = "draft" if 400 <= answer.status_code < 500 else "published"
        assert view_post(alice, post).status == done, ("bulk action", junk, answer.status_code)


@pytest.mark.rule("SEC-10", "ADMIN-4", "ADMIN-5", "ADMIN-6")
def test_admin_list_parameters_holding_nul_or_30_digits_get_no_500(adapter, staff):
    """Staff whose list URL holds a NUL, 30 digits or text get the list, a redirect or a 4xx."""
    failures = []
    for path, names in adapter.admin_list_parameters().items():
        for name in names:
            for value in ("a\x00b", "9" * 30, "abc", "-1"):
                answer = staff.get(path, params={name: value})
                if answer.status_code >= 500:
                    failures.append(f"{path}?{name}={value!r}: {answer.status_code}")
    assert not failures, "\n".join(failures)


# -- SEC-11: Origin --------------------------------------------------------------------------------


@pytest.mark.rule("SEC-11", "SEC-1")
def test_posts_from_another_origin_are_refused(app, visitor, alice):
    """Every form posted from another site is refused, and accepted from the site itself."""
    statuses = csrf_statuses(app)
    own = origin_of(app.base_url)
    tag = token()
    evil_alice, own_alice = posting_from(alice, EVIL), posting_from(alice, own)
    post = create_post(alice, f"Origin {tag}", f"Origin body {tag}")
    doomed = create_post(alice, f"Origin doomed {tag}")

    # Each form: refused from evil.example, accepted from the site's own origin.
    fields = {"title": f"Origin new {tag}", "body": "Body", "status": "published"}
    answer = evil_alice.submit("/posts/new/", fields)
    assert answer.status_code in statuses, ("new post", answer.status_code)
    assert search_titles(visitor, f"Origin new {tag}") == []
    assert own_alice.submit("/posts/new/", fields).status_code in (302, 303)
    assert search_titles(visitor, f"Origin new {tag}") == [f"Origin new {tag}"]

    answer = evil_alice.submit(f"/posts/{post}/edit/", {"title": f"Origin evil {tag}"})
    assert answer.status_code in statuses, ("edit", answer.status_code)
    assert view_post(visitor, post).title == f"Origin {tag}"
    answer = own_alice.submit(f"/posts/{post}/edit/", {"title": f"Origin edited {tag}"})
    assert answer.status_code in (302, 303)
    assert view_post(visitor, post).title == f"Origin edited {tag}"

    answer = evil_alice.submit(f"/posts/{doomed}/delete/")
    assert answer.status_code in statuses, ("delete", answer.status_code)
    assert view_post(visitor, doomed) is not None
    assert own_alice.submit(f"/posts/{doomed}/delete/").status_code in (302, 303)
    assert view_post(visitor, doomed) is None

    credentials = {"username": alice.username, "password": PASSWORD}
    browser = posting_from(app.browser(), EVIL)
    answer = browser.submit("/accounts/login/", credentials)
    assert answer.status_code in statuses, ("sign-in", answer.status_code)
    assert signed_in_as(browser) is None
    browser = posting_from(app.browser(), own)
    assert browser.submit("/accounts/login/", credentials).status_code in (302, 303)
    assert signed_in_as(browser) == alice.username

    newcomer = f"origin{tag}"
    fields = {
        "username": newcomer,
        "email": f"{newcomer}@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    answer = posting_from(app.browser(), EVIL).submit("/accounts/register/", fields)
    assert answer.status_code in statuses, ("sign-up", answer.status_code)
    assert username_is_free(app, newcomer)
    browser = posting_from(app.browser(), own)
    assert browser.submit("/accounts/register/", fields).status_code in (302, 303)
    assert signed_in_as(browser) == newcomer

    answer = posting_from(browser, EVIL).submit("/", form="form.logout")
    assert answer.status_code in statuses, ("sign-out", answer.status_code)
    assert signed_in_as(browser) == newcomer
    assert posting_from(browser, own).submit("/", form="form.logout").status_code in (302, 303)


@pytest.mark.rule("SEC-11", "ADMIN-8")
def test_admin_posts_from_another_origin_are_refused(app, adapter, staff, alice):
    """The admin's bulk publish posted from another site is refused; from the site, it works."""
    post = create_post(alice, f"Admin origin {token()}", status="draft")
    answer = adapter.admin_set_status(posting_from(staff, EVIL), [post], "published")
    assert answer.status_code == adapter.csrf_failure_status, answer.status_code
    assert view_post(alice, post).status == "draft"
    own = posting_from(staff, origin_of(app.base_url))
    assert adapter.admin_set_status(own, [post], "published").status_code in (302, 303)
    assert view_post(alice, post).status == "published"


# -- SEC-12: Content-Security-Policy ---------------------------------------------------------------


def csp_problems(answer: httpx.Response) -> list[str]:
    """Return what a page's Content-Security-Policy lacks by SEC-12 (empty when it is right)."""
    where = f"{answer.request.method} {answer.url.path} ({answer.status_code})"
    policy = pages.content_security_policy(answer)
    if not policy:
        return [f"{where}: no Content-Security-Policy"]
    problems = []
    directive = "script-src" if "script-src" in policy else "default-src"
    scripts = policy.get(directive)
    if scripts is None:
        problems.append(f"{where}: neither script-src nor default-src")
    for source in scripts or ():
        if source.lower() in ("'unsafe-inline'", "'unsafe-eval'") or not source.startswith("'"):
            problems.append(f"{where}: {directive} allows {source}")
    if [s.lower() for s in policy.get("frame-ancestors", [])] != ["'none'"]:
        problems.append(f"{where}: frame-ancestors {policy.get('frame-ancestors')}")
    return problems


@pytest.mark.rule("SEC-12")
def test_public_pages_carry_a_strict_content_security_policy(visitor, alice, bob):
    """Every public page lets only the site's own scripts run and no other site frame it."""
    answers = visit_public_pages(visitor, alice, bob)
    problems = []
    for answer in answers:
        assert answer.headers.get("content-type", "").startswith("text/html"), answer.url
        problems += csp_problems(answer)
    assert not problems, "\n".join(problems)


def visit_admin_pages(adapter, staff: Browser, visitor: Browser, post: int) -> list[httpx.Response]:
    """Open every kind of admin page: index, lists, forms, confirmations and the sign-in."""
    return [
        *(staff.follow(staff.get(url)) for url in adapter.admin_urls()),
        adapter.admin_post_list(staff, q="Admin tour", status="draft"),
        staff.get(adapter.admin_post_form_url(post)),
        *adapter.admin_confirmation_pages(staff, post),
        visitor.get(adapter.admin_login_path),
    ]


@pytest.mark.rule("SEC-12")
def test_admin_pages_carry_a_content_security_policy(adapter, staff, visitor, alice):
    """Staff's admin pages run no script slipped into them, and no other site can frame them."""
    post = create_post(alice, f"Admin tour {token()}", status="draft")
    problems = []
    for answer in visit_admin_pages(adapter, staff, visitor, post):
        assert answer.status_code == 200, (str(answer.url), answer.status_code)
        assert answer.headers.get("content-type", "").startswith("text/html"), answer.url
        problems += csp_problems(answer)
    assert not problems, "\n".join(problems)


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
