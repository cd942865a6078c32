"""What a user does on the site, built from the Browser and the page readers."""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import httpx

from tests import pages
from toolkit.browser import Browser, hidden_inputs, location, request_line

# A password every app accepts (long, not common, unlike any username the suite makes).
PASSWORD = "Quartz-Lantern-8316"
POST_PATH = re.compile(r"^/posts/(\d+)/$")


def token() -> str:
    """Return a unique word (letters first, so that case matters) to tag a test's data with."""
    return "tk" + uuid.uuid4().hex[:10]


# -- reading ---------------------------------------------------------------------------------


def home(browser: Browser, q: str | None = None, page: str | int | None = None) -> httpx.Response:
    params = {}
    if q is not None:
        params["q"] = q
    if page is not None:
        params["page"] = str(page)
    return browser.get("/" + (f"?{urlencode(params)}" if params else ""))


def search_titles(browser: Browser, q: str) -> list[str]:
    """Return the titles the first page of a search lists."""
    answer = home(browser, q=q)
    assert answer.status_code == 200, (answer.status_code, q)
    return pages.listed_titles(answer)


def search_ids(browser: Browser, q: str) -> list[int]:
    answer = home(browser, q=q)
    assert answer.status_code == 200, (answer.status_code, q)
    return [post.id for post in pages.listed_posts(answer)]


def signed_in_as(browser: Browser) -> str | None:
    """Return who the site says this browser is signed in as (None for a visitor)."""
    answer = browser.get("/")
    assert answer.status_code == 200, answer.status_code
    return pages.current_user(answer)


def assert_sign_in_redirect(answer: httpx.Response, next_path: str) -> None:
    path, query = location(answer)
    assert path == "/accounts/login/", (path, query)
    assert query.get("next") == [next_path], query


def assert_page(answer: httpx.Response, status: int, heading: str, title: str) -> None:
    """Check an error page of the app's own: its status, <h1> and <title>."""
    assert answer.status_code == status, (answer.status_code, answer.text[:300])
    assert pages.h1(answer) == [heading], pages.h1(answer)
    assert pages.page_title(answer) == title


# -- posts -----------------------------------------------------------------------------------


def post_id(answer: httpx.Response) -> int:
    """Return the id of the post a redirect lands on."""
    path, _ = location(answer)
    found = POST_PATH.match(path)
    assert found, f"redirected to {path}, not a post page"
    return int(found.group(1))


def new_post(browser: Browser, title: str, body: str = "Body text.", status="published", **extra):
    """Submit the new-post form; return the answer to the POST."""
    return browser.submit("/posts/new/", {"title": title, "body": body, "status": status, **extra})


def create_post(browser: Browser, title: str, body: str = "Body text.", status="published") -> int:
    """Create a post through the form; return its id."""
    answer = new_post(browser, title, body, status)
    assert answer.status_code in (302, 303), (
        f"{request_line(answer)} answered {answer.status_code}, not a redirect to the new post; "
        f"fields in error: {pages.fields_in_error(answer)}"
    )
    return post_id(answer)


def edit_post(browser: Browser, post: int, **changes: str) -> httpx.Response:
    """Change some fields in a post's edit form; return the answer to the POST."""
    return browser.submit(f"/posts/{post}/edit/", changes)


def delete_post(browser: Browser, post: int) -> httpx.Response:
    return browser.submit(f"/posts/{post}/delete/")


def view_post(browser: Browser, post: int) -> pages.ShownPost | None:
    """Return a post as its page shows it, or None when the page answers 404."""
    answer = browser.get(f"/posts/{post}/")
    if answer.status_code == 404:
        return None
    assert answer.status_code == 200, answer.status_code
    return pages.shown_post(answer)


# -- accounts --------------------------------------------------------------------------------


def register(
    browser: Browser, username: str, password: str = PASSWORD, password2: str | None = None,
    next_path: str | None = None, email: str | None = None, **extra: str,
) -> httpx.Response:  # fmt: skip
    """Submit the sign-up form (a unique address unless `email`); return the answer to the POST."""
    url = "/accounts/register/" + (f"?{urlencode({'next': next_path})}" if next_path else "")
    data = {
        "username": username,
        "email": f"{token()}@example.com" if email is None else email,
        "password1": password,
        "password2": password2 or password,
    }
    return browser.submit(url, {**data, **extra})


def sign_in(
    browser: Browser, username: str, password: str, next_path: str | None = None, **extra: str
) -> httpx.Response:
    """Submit the sign-in form; return the answer to the POST."""
    url = "/accounts/login/" + (f"?{urlencode({'next': next_path})}" if next_path else "")
    return browser.submit(url, {"username": username, "password": password, **extra})


def sign_out(browser: Browser) -> httpx.Response:
    """Press the header's sign-out button."""
    return browser.submit("/", form="form.logout")


def username_is_free(app, username: str) -> bool:
    """Tell whether nobody has a username, by a sign-up refused for another reason."""
    answer = register(app.browser(), username, PASSWORD, PASSWORD + "-mismatch")
    assert answer.status_code == 200, answer.status_code
    return pages.field_errors(answer, "username") == []


def visit_public_pages(visitor: Browser, author: Browser, other: Browser) -> list[httpx.Response]:
    """Open every kind of public HTML page: lists, a post, forms, refusals and error pages."""
    post = create_post(author, f"Tour {token()}")
    return [
        visitor.get("/"),
        visitor.get("/?q=x&page=1"),
        visitor.get(f"/posts/{post}/"),
        visitor.get("/accounts/login/"),
        visitor.get("/accounts/register/"),
        visitor.get("/no-such-page/"),
        visitor.get("/posts/99999999/"),
        author.get("/"),
        author.get("/posts/new/"),
        author.get(f"/posts/{post}/edit/"),
        author.get(f"/posts/{post}/delete/"),
        author.submit("/posts/new/", {"title": ""}),
        sign_in(visitor, f"nobody{token()}", "Wrong-Password-1"),
        other.get(f"/posts/{post}/edit/"),
    ]


def session_tokens(browser: Browser, url: str = "/accounts/login/") -> dict[str, str]:
    """Return the hidden inputs (the CSRF token) of a form this browser's session is shown."""
    answer = browser.get(url)
    assert answer.status_code == 200, (url, answer.status_code)
    return hidden_inputs(answer)


def csrf_statuses(app) -> set[int]:
    """The status a refused CSRF check answers: the adapter's, or either allowed one."""
    return {app.adapter.csrf_failure_status} if app._adapter else {400, 403}


def send_admin_request(browser: Browser, request, tokens: dict) -> httpx.Response:
    """Send one of the adapter's AdminRequests, a POST with the session's CSRF token."""
    if request.method == "GET":
        return browser.get(request.url)
    return browser.post(request.url, data={**request.data, **tokens})


def in_parallel(function, items, workers: int = 4) -> list:
    """Call a function on each item from a few threads; return the results in order."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(function, items))


def passed_before_429(attempt, limit: int, passing: tuple[int, ...] = (302, 303)) -> int:
    """Call attempt(n) until it answers 429; return how many it made before, checked.

    Each answer before the 429 must have a status of `passing`. django-ratelimit counts in
    fixed windows: when one ends during the test the count starts again, so up to twice the
    limit may pass; Flask-Limiter's window moves, and the limit passes.
    """
    for n in range(2 * limit + 1):
        status = attempt(n).status_code
        if status == 429:
            assert n >= limit, f"refused with 429 after {n} attempts; the limit is {limit}"
            return n
        assert status in passing, f"attempt {n} answered {status}"
    raise AssertionError(f"no 429 after {2 * limit + 1} attempts; the limit is {limit}")
