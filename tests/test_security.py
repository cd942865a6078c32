"""Security as behaviour: CSRF, headers, cookies, sessions, hashes, escaping, redirects.

SQL metacharacters and bad input (SEC-9, SEC-10) are in test_bad_input.py, an attacker's
requests in test_attack.py, test_attack_admin.py and test_cross_site.py.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

from tests import pages
from tests.actions import (
    PASSWORD,
    assert_sign_in_redirect,
    create_post,
    csrf_statuses,
    home,
    in_parallel,
    register,
    search_ids,
    search_titles,
    session_tokens,
    sign_in,
    sign_out,
    signed_in_as,
    token,
    view_post,
    visit_public_pages,
)
from tests.redirects import BAD_URLS
from toolkit.browser import Browser, hidden_inputs, leaves_the_site, location

# -- helpers ---------------------------------------------------------------------------------

# SEC-6: the hash schemes each app may use, as their stored values begin.
HASH_SCHEMES = {"django": ("pbkdf2_",), "flask": ("scrypt:", "pbkdf2:")}


def assert_slow_salted_hash(app_name: str, stored: str, password: str) -> None:
    """Check a stored password: a known slow scheme at a slow setting, never the password."""
    assert password not in stored, "the stored value contains the password"
    schemes = HASH_SCHEMES.get(app_name, ("pbkdf2_", "pbkdf2:", "scrypt:", "argon2"))
    assert stored.startswith(schemes), f"{stored[:30]!r}… is not one of {schemes}"
    if stored.startswith("pbkdf2_"):  # Django: pbkdf2_sha256$ITERATIONS$salt$hash
        assert int(stored.split("$")[1]) >= 100_000, stored.split("$")[:2]
    elif stored.startswith("pbkdf2:"):  # Werkzeug: pbkdf2:sha256:ITERATIONS$salt$hash
        assert int(stored.split("$")[0].split(":")[2]) >= 100_000, stored.split("$")[0]
    elif stored.startswith("scrypt:"):  # Werkzeug: scrypt:N:r:p$salt$hash
        assert int(stored.split("$")[0].split(":")[1]) >= 2**14, stored.split("$")[0]


def without_cookie(browser: Browser, name: str) -> Browser:
    probe = browser.clone()
    probe.http.cookies.delete(name)
    return probe


def session_cookies(browser: Browser, set_by: httpx.Response) -> list[str]:
    """Return the cookies that carry a browser's sign-in: without one, it is signed out.

    When no cookie does on its own (a session cookie and a remember-me cookie each sign in),
    every cookie the sign-in answer set counts.
    """
    carrying = [
        name for name in browser.http.cookies if signed_in_as(without_cookie(browser, name)) is None
    ]
    return carrying or sorted(httpx.Cookies(set_by.cookies).keys())


def set_cookie_header(answer: httpx.Response, name: str) -> str | None:
    for header in answer.headers.get_list("set-cookie"):
        if header.split("=", 1)[0].strip() == name:
            return header
    return None


# -- SEC-1: CSRF -----------------------------------------------------------------------------


@pytest.mark.rule("SEC-1")
def test_post_forms_need_their_sessions_csrf_token(app, visitor, alice, bob):
    """A post form sent without its token, or with another user's, is refused; nothing changes."""
    tag = token()
    post = create_post(alice, f"Guarded {tag}", f"Guarded body {tag}")
    others = session_tokens(bob, "/posts/new/")
    forged = {"title": f"Forged {tag}", "body": "Forged", "status": "published"}
    for url, data in (
        ("/posts/new/", forged),
        (f"/posts/{post}/edit/", forged),
        (f"/posts/{post}/delete/", {}),
    ):
        page = alice.get(url)
        hidden = tuple(hidden_inputs(page))
        assert hidden, f"no hidden CSRF input in the form of {url}"
        answer = alice.submit(page, data, drop=hidden)
        assert answer.status_code in csrf_statuses(app), (url, "no token", answer.status_code)
        answer = alice.submit(page, {**data, **others})
        assert answer.status_code in csrf_statuses(app), (url, "bob's token", answer.status_code)
    assert search_titles(visitor, f"Forged {tag}") == []
    shown = view_post(visitor, post)
    assert (shown.title, shown.body) == (f"Guarded {tag}", f"Guarded body {tag}")


@pytest.mark.rule("SEC-1")
def test_account_forms_need_their_sessions_csrf_token(app, alice):
    """Sign-in, sign-up and sign-out without their session's token are refused, changing nothing."""
    statuses = csrf_statuses(app)
    others = session_tokens(app.browser())

    # Sign in with the right password, but no token / another session's token.
    for data in ({}, others):
        browser = app.browser()
        page = browser.get("/accounts/login/")
        drop = tuple(hidden_inputs(page)) if not data else ()
        credentials = {"username": alice.username, "password": PASSWORD}
        answer = browser.submit(page, {**credentials, **data}, drop=drop)
        assert answer.status_code in statuses, ("sign-in", answer.status_code)
        assert signed_in_as(browser) is None

    # Sign up: refused, and the username is still free.
    username = f"csrf{token()}"
    for data in ({}, others):
        browser = app.browser()
        page = browser.get("/accounts/register/")
        drop = tuple(hidden_inputs(page)) if not data else ()
        fields = {
            "username": username,
            "email": f"{username}@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        }
        answer = browser.submit(page, {**fields, **data}, drop=drop)
        assert answer.status_code in statuses, ("sign-up", answer.status_code)
        assert signed_in_as(browser) is None
    answer = register(app.browser(), username, PASSWORD, PASSWORD + "-mismatch")
    assert pages.field_errors(answer, "username") == [], "a refused sign-up wrote the user"

    # Sign out: refused, still signed in.
    name, _, browser = app.make_user("csrfout")
    for data in ({}, others):
        page = browser.get("/")
        drop = tuple(hidden_inputs(page, "form.logout")) if not data else ()
        answer = browser.submit(page, data, form="form.logout", drop=drop)
        assert answer.status_code in statuses, ("sign-out", answer.status_code)
        assert signed_in_as(browser) == name


@pytest.mark.rule("SEC-1", "ADMIN-8")
def test_admin_bulk_action_needs_its_sessions_csrf_token(app, visitor, adapter, staff, alice):
    """The admin's bulk publish sent without staff's own token is refused; the draft stays."""
    tag = token()
    post = create_post(alice, f"Bulk guard {tag}", status="draft")
    url, fields = adapter.admin_bulk_action_request([post], "published")
    answer = staff.post(url, data=fields)
    assert answer.status_code == adapter.csrf_failure_status, ("no token", answer.status_code)
    answer = staff.post(url, data={**fields, **session_tokens(alice, "/posts/new/")})
    assert answer.status_code == adapter.csrf_failure_status, ("alice's", answer.status_code)
    assert search_ids(visitor, tag) == []
    assert view_post(alice, post).status == "draft"


# -- SEC-2 and SEC-3: headers and cookies ----------------------------------------------------


def assert_security_headers(answer: httpx.Response) -> None:
    where = f"{answer.request.method} {answer.url.path} ({answer.status_code})"
    assert answer.headers.get("x-frame-options", "").upper() == "DENY", where
    assert answer.headers.get("x-content-type-options", "").lower() == "nosniff", where
    assert answer.headers.get("referrer-policy"), where


@pytest.mark.rule("SEC-2", "OPS-5")
def test_security_headers_on_every_html_page(visitor, alice, bob):
    """Every public page, errors too, forbids framing and sniffing and sets a referrer policy."""
    answers = visit_public_pages(visitor, alice, bob)
    for answer in answers:
        assert answer.headers.get("content-type", "").startswith("text/html"), answer.url
        assert_security_headers(answer)
    for answer in (visitor.get("/accounts/logout/"), visitor.get("/posts/new/")):
        if answer.headers.get("content-type", "").startswith("text/html"):
            assert_security_headers(answer)


@pytest.mark.rule("SEC-2", "ADMIN-3")
def test_security_headers_on_admin_pages(adapter, staff, visitor):
    """The admin's pages send the same protective headers as the site's."""
    for answer in (adapter.admin_post_list(staff), adapter.admin_user_list(staff)):
        assert answer.status_code == 200
        assert_security_headers(answer)
    for url in adapter.admin_urls()[:1]:
        answer = visitor.get(url)
        if answer.headers.get("content-type", "").startswith("text/html"):
            assert_security_headers(answer)


@pytest.mark.rule("SEC-3")
def test_session_cookie_is_httponly_and_samesite_lax(app, alice):
    """The cookie keeping a user signed in is hidden from scripts and not sent by other sites."""
    browser = app.browser()
    answer = sign_in(browser, alice.username, PASSWORD)
    assert answer.status_code in (302, 303)
    names = session_cookies(browser, answer)
    assert names, "no cookie carries the sign-in"
    for name in names:
        header = set_cookie_header(answer, name)
        assert header, f"signing in did not set the session cookie {name!r}"
        attributes = [part.strip().lower() for part in header.split(";")[1:]]
        assert "httponly" in attributes, header
        assert "samesite=lax" in attributes, header


# -- SEC-4 and SEC-5: sessions ---------------------------------------------------------------


@pytest.mark.rule("SEC-4")
def test_signing_in_starts_a_new_session(app, alice):
    """Signing in gives the browser a new session; cookies held from before sign nobody in."""
    browser = app.browser()
    page = browser.get("/accounts/login/")
    before = httpx.Cookies(browser.http.cookies)
    answer = browser.submit(page, {"username": alice.username, "password": PASSWORD})
    assert answer.status_code in (302, 303)
    names = session_cookies(browser, answer)
    assert names
    for name in names:
        assert browser.http.cookies.get(name) != before.get(name), f"{name} kept its value"
    held_before = Browser(app.base_url, app.transport, cookies=before)
    assert signed_in_as(held_before) is None
    assert_sign_in_redirect(held_before.get("/posts/new/"), "/posts/new/")


@pytest.mark.rule("SEC-5")
def test_cookie_copied_before_sign_out_is_dead_after_it(app):
    """A copy of a user's cookies taken before sign-out signs nobody in after it."""
    username, _, browser = app.make_user("replay")
    stolen = browser.clone()
    assert signed_in_as(stolen) == username
    answer = sign_out(browser)
    assert answer.status_code in (302, 303)
    assert signed_in_as(browser) is None
    assert signed_in_as(stolen) is None, "the copied cookie still signs in after sign-out"
    assert_sign_in_redirect(stolen.get("/posts/new/"), "/posts/new/")


# -- SEC-6: password hashes ------------------------------------------------------------------


@pytest.mark.rule("SEC-6")
def test_passwords_are_stored_slow_salted_and_hashed(app, adapter, database_url):
    """Passwords are stored as slow, salted hashes: never as typed, and two alike differ."""
    first, password, _ = app.make_user("hash")
    second, _, _ = app.make_user("hash", password)
    stored = [adapter.stored_password(database_url, name) for name in (first, second)]
    for value in stored:
        assert_slow_salted_hash(app.name, value, password)
    assert stored[0] != stored[1], "the same password gave the same stored value: no salt"


# -- SEC-7: escaping -------------------------------------------------------------------------


@pytest.mark.rule("SEC-7")
def test_user_text_is_escaped_everywhere(visitor, alice):
    """Markup typed into a title, body or search shows as text on every page; no script runs."""
    tag = token()
    title = f'<script>alert("{tag}")</script> <b>bold</b> & "quoted"'
    body = f"<img src=x onerror=alert(1)> {tag}\n<i>it</i>"
    post = create_post(alice, title, body)
    raw = ("<script>alert(", "<b>bold</b>", "<img src=x", "<i>it</i>")

    for answer in (
        home(visitor, q=tag),
        visitor.get(f"/posts/{post}/"),
        alice.get(f"/posts/{post}/edit/"),
        alice.get(f"/posts/{post}/delete/"),
        alice.submit(f"/posts/{post}/edit/", {"body": ""}),
    ):
        assert answer.status_code == 200
        for markup in raw:
            assert markup not in answer.text, (str(answer.url), markup)
    [listed] = pages.listed_posts(home(visitor, q=tag))
    assert listed.title == title
    shown = view_post(visitor, post)
    assert shown.title == title
    assert shown.body.splitlines() == [f"<img src=x onerror=alert(1)> {tag}", "<i>it</i>"]
    assert pages.page_title(visitor.get(f"/posts/{post}/")) == f"{title} | Posts"
    assert pages.field_value(alice.get(f"/posts/{post}/edit/"), "title") == title

    q = f'"><script>alert(1)</script><i>{tag}'
    answer = home(visitor, q=q)
    assert "<script>alert(1)" not in answer.text
    assert "<i>" + tag not in answer.text
    assert pages.search_value(answer) == q


@pytest.mark.rule("SEC-7")
def test_sign_in_form_escapes_the_typed_username(visitor):
    """Markup typed as a username comes back in the sign-in form as text, not markup."""
    typed = f'"><script>alert(1)</script>{token()}'
    answer = sign_in(visitor, typed, "Wrong-Password-1")
    assert answer.status_code == 200
    assert "<script>alert(1)" not in answer.text
    assert pages.field_value(answer, "username") == typed


# -- SEC-8: open redirects -------------------------------------------------------------------

# SEC-8's payloads are tests/redirects.py's BAD_URLS; a next that stays on the site:
SAFE_URLS = {
    "/posts/new/?a=b": ("/posts/new/", {"a": ["b"]}),
    "/view/?param=http://example.com": ("/view/", {"param": ["http://example.com"]}),
}


def landing(answer: httpx.Response, host: str) -> tuple[str, dict] | str:
    """Return where a sign-in sent the browser, or why it is not a same-site redirect."""
    if answer.status_code not in (302, 303):
        return f"status {answer.status_code}"
    target = urlsplit(answer.headers["location"])
    off_site = (target.scheme or target.netloc) and (target.scheme, target.netloc) != ("http", host)
    if off_site or leaves_the_site(answer.headers["location"], answer.request.url):
        return f"unsafe redirect to {answer.headers['location']!r}"
    return location(answer)


@pytest.mark.rule("SEC-8", "AUTH-5")
def test_sign_in_ignores_a_next_that_leaves_the_site(app, alice):
    """Signing in with a next address off the site, or a script, lands home instead."""
    host = urlsplit(app.base_url).netloc

    def attempt(payload: str) -> str | None:
        answer = sign_in(app.browser(), alice.username, PASSWORD, next_path=payload)
        where = landing(answer, host)
        return None if where == ("/", {}) else f"{payload!r} -> {where}"

    failures = [f for f in in_parallel(attempt, BAD_URLS) if f]
    assert not failures, "sign-in followed an unsafe next:\n" + "\n".join(failures)


@pytest.mark.rule("SEC-8", "AUTH-5")
def test_sign_in_ignores_an_unsafe_next_form_field(app, alice):
    """A next off the site put into the sign-in form itself also lands home."""
    host = urlsplit(app.base_url).netloc
    for payload in ("//example.com", "https://example.com/"):
        answer = app.browser().submit(
            "/accounts/login/", {"username": alice.username, "password": PASSWORD, "next": payload}
        )
        where = landing(answer, host)
        assert where == ("/", {}), f"sign-in with the form's next={payload!r}: {where}"


@pytest.mark.rule("SEC-8", "AUTH-1")
def test_sign_up_ignores_a_next_that_leaves_the_site(app):
    """Signing up with a next address off the site lands home instead."""
    host = urlsplit(app.base_url).netloc
    for payload in ("//example.com", "https://example.com/", r"/\example.com"):
        answer = register(app.browser(), f"redir{token()}", next_path=payload)
        where = landing(answer, host)
        assert where == ("/", {}), f"sign-up with next={payload!r}: {where}"


@pytest.mark.rule("SEC-8")
def test_sign_in_honours_a_same_site_next(app, alice):
    """A next that is a page of the site, even one holding an address, is followed."""
    host = urlsplit(app.base_url).netloc
    for payload, expected in SAFE_URLS.items():
        answer = sign_in(app.browser(), alice.username, PASSWORD, next_path=payload)
        where = landing(answer, host)
        assert where == expected, f"sign-in with next={payload!r}: {where}"
