"""An attacker in the admin: forms forged without their token (SEC-1), return URLs and sign-in
`next`s off the site (SEC-8), and authors, selections and list parameters that are no ids (SEC-10).
"""

from __future__ import annotations

from urllib.parse import urlencode, urljoin

import pytest

from tests.actions import (
    PASSWORD,
    create_post,
    in_parallel,
    search_titles,
    send_admin_request,
    session_tokens,
    token,
    username_is_free,
    view_post,
)
from tests.redirects import ADMIN_BAD_TARGETS, follow_on_site, off_site
from toolkit.browser import REDIRECTS, Browser, location


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
# SEC-8's payloads, and the two Flask-Admin let through: tests/redirects.py's ADMIN_BAD_TARGETS.


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
            answer = send_admin_request(browser, request, tokens)
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
