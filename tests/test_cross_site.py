"""Other sites: forms posted from another origin are refused (SEC-11), and every page's
Content-Security-Policy lets only the site's own scripts run and no other site frame it (SEC-12).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

from tests import pages
from tests.actions import (
    PASSWORD,
    create_post,
    csrf_statuses,
    search_titles,
    signed_in_as,
    token,
    username_is_free,
    view_post,
    visit_public_pages,
)
from toolkit.browser import Browser

EVIL = "https://evil.example"


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
