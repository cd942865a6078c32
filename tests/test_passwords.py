"""Password change and reset by email (AUTH-11 to AUTH-14, OPS-10).

The apps mail the suite's own SMTP server (`tests/mail.py`, the `mailbox` fixture); the tests
read the reset link from the message, whatever its shape (Django: uidb64 and token; Flask: one
token). Every reset request comes from an address of its own, so that the throttle of AUTH-14
counts only the requests of the test that checks it.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor

import httpx
import pytest

from tests import pages
from tests.actions import PASSWORD, passed_before_429, register, sign_in, signed_in_as, token
from tests.mail import Mailbox, link_path
from toolkit.apps import STAFF
from toolkit.browser import Browser, fresh_address, location
from toolkit.servers import Server

NEW_PASSWORD = "Copper-Harbour-5720"
CHANGED = "Your password has been changed."
SET = "Your password has been set. You may sign in now."
DONE = "/accounts/password/reset/done/"
INVALID_LINK = "Invalid reset link"
SIGN_UP_LIMIT = 10  # the default of SIGN_UP_LIMIT (AUTH-14)
RESET_LIMIT = 5  # the default of PASSWORD_RESET_LIMIT (AUTH-14)
SHORT_TIMEOUT = 2  # seconds a reset link lasts on the server of test_reset_link_expires


def sign_up(app, email: str | None = None) -> tuple[str, str, Browser]:
    """Sign up a new user with an address of its own; return (username, email, browser)."""
    username = f"pw{token()}"
    email = email or f"{username}@example.com"
    browser = app.browser()
    answer = register(browser, username, email=email)
    assert answer.status_code in (302, 303), pages.fields_in_error(answer)
    return username, email, browser


def request_reset(app_or_browser, email: str) -> httpx.Response:
    """Ask for a reset link from a client address of its own; return the POST's answer."""
    browser = app_or_browser
    if not isinstance(browser, Browser):
        browser = app_or_browser.browser_from(fresh_address())
    return browser.submit("/accounts/password/reset/", {"email": email})


def reset_link(app, mailbox: Mailbox, email: str) -> str:
    """Ask for a reset link for an address and return its path, read from the one mail."""
    assert location(request_reset(app, email))[0] == DONE
    messages = mailbox.to(email, count=1)
    assert len(messages) == 1, [m["To"] for m in messages]
    return link_path(messages[0])


def open_link(browser: Browser, path: str) -> httpx.Response:
    """Open a reset link as a browser does, following the app's redirects."""
    return browser.follow(browser.get(path))


def set_password(browser: Browser, path: str, password: str = NEW_PASSWORD) -> httpx.Response:
    page = open_link(browser, path)
    return browser.submit(page, {"new_password1": password, "new_password2": password})


def assert_invalid_link(answer: httpx.Response) -> None:
    assert answer.status_code in (200, 400, 404), answer.status_code
    assert pages.h1(answer) == [INVALID_LINK], pages.h1(answer)
    assert "new_password1" not in pages.field_names(answer)


# -- AUTH-11: change ---------------------------------------------------------------------------


@pytest.mark.rule("AUTH-11")
def test_password_change_form_is_for_users_only(app, visitor):
    """A visitor is sent to sign in; a user sees the old password and the new one twice."""
    answer = visitor.get("/accounts/password/change/")
    path, query = location(answer)
    assert path == "/accounts/login/", path
    assert query.get("next") == ["/accounts/password/change/"], query
    _, _, browser = sign_up(app)
    page = browser.get("/accounts/password/change/")
    assert page.status_code == 200
    assert pages.page_title(page) == "Change password | Posts"
    fields = ["old_password", "new_password1", "new_password2"]
    assert set(fields) <= set(pages.field_names(page))
    assert all(pages.control(page, name).get("type") == "password" for name in fields)


@pytest.mark.rule("AUTH-11", "SEC-5")
def test_changing_the_password_ends_the_other_sessions_only(app):
    """After a change, this browser stays signed in and the user's other browsers are out."""
    username, _, browser = sign_up(app)
    other = app.signed_in(username, PASSWORD)
    answer = browser.submit(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert answer.status_code in (302, 303), pages.fields_in_error(answer)
    assert location(answer)[0] == "/"
    assert pages.flash_texts(browser.follow(answer)) == [CHANGED]
    assert signed_in_as(browser) == username
    assert signed_in_as(other) is None
    assert sign_in(app.browser(), username, PASSWORD).status_code == 200
    assert sign_in(app.browser(), username, NEW_PASSWORD).status_code in (302, 303)


@pytest.mark.rule("AUTH-11", "AUTH-4")
@pytest.mark.parametrize(
    ("old", "new1", "new2", "field"),
    [
        ("Wrong-Password-77", NEW_PASSWORD, NEW_PASSWORD, "old_password"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "new_password2"),
        (PASSWORD, "Sh0rt!", "Sh0rt!", None),
        (PASSWORD, "83749261038", "83749261038", None),
    ],
    ids=["wrong old password", "mismatch", "too short", "all digits"],
)
def test_password_change_is_refused_with_errors(app, old, new1, new2, field):
    """A wrong old password, or a new one breaking the rules, shows an error and changes nothing."""
    username, _, browser = sign_up(app)
    answer = browser.submit(
        "/accounts/password/change/",
        {"old_password": old, "new_password1": new1, "new_password2": new2},
    )
    assert answer.status_code == 200, answer.status_code
    wrong = set(pages.fields_in_error(answer))
    if field is None:
        assert wrong & {"new_password1", "new_password2"}, wrong
    else:
        assert field in wrong, wrong
    assert signed_in_as(browser) == username
    assert sign_in(app.browser(), username, PASSWORD).status_code in (302, 303)


# -- AUTH-12 and OPS-10: asking for a link ------------------------------------------------------


@pytest.mark.rule("AUTH-1")
@pytest.mark.parametrize("email", ["", "not-an-address", "two@@example.com"])
def test_sign_up_needs_a_valid_email_address(app, email):
    """Sign-up without a valid address shows an error on `email` and creates no account."""
    username = f"mail{token()}"
    answer = register(app.browser(), username, email=email)
    assert answer.status_code == 200, answer.status_code
    assert "email" in pages.fields_in_error(answer)
    assert register(app.browser(), username).status_code in (302, 303), "the refusal wrote"


@pytest.mark.rule("AUTH-12")
def test_reset_form_answers_alike_for_known_and_unknown_addresses(app, visitor, mailbox):
    """Known address or not, the form leads to the same page; only a known one gets mail."""
    page = visitor.get("/accounts/password/reset/")
    assert page.status_code == 200
    assert pages.page_title(page) == "Reset password | Posts"
    assert "email" in pages.field_names(page)
    _, email, _ = sign_up(app)
    unknown = f"nobody{token()}@example.com"
    answers = [request_reset(app, address) for address in (email, unknown)]
    assert [location(answer)[0] for answer in answers] == [DONE, DONE]
    done = [app.browser().get(DONE) for _ in answers]
    assert [page.status_code for page in done] == [200, 200]
    assert pages.h1(done[0]) == pages.h1(done[1]) == ["Check your email"]
    assert len(mailbox.to(email, count=1)) == 1
    assert mailbox.to(unknown, timeout=0.5) == []


@pytest.mark.rule("AUTH-12", "OPS-10")
def test_reset_mails_each_active_user_with_the_address(app, adapter, staff, mailbox):
    """Each active account with the address (in any case) gets its own link; inactive ones none."""
    email = f"shared{token()}@example.com"
    users = [sign_up(app, email if n else email.upper())[0] for n in range(3)]
    user_id = adapter.admin_user_id(staff, users[2])
    assert adapter.admin_update_user(staff, user_id, is_active=False).status_code in (302, 303)
    assert location(request_reset(app, email))[0] == DONE
    messages = mailbox.to(email, count=2)
    assert len(messages) == 2, [m["To"] for m in messages]
    assert all(m["From"] == adapter.mail_sender for m in messages), [m["From"] for m in messages]
    assert all(m["Subject"] == "Reset your password on Posts" for m in messages)
    named = sorted(next(u for u in users if u in m.get_content()) for m in messages)
    assert named == sorted(users[:2]), named
    assert len({link_path(m) for m in messages}) == 2


# -- AUTH-13: the link ---------------------------------------------------------------------------


@pytest.mark.rule("AUTH-13", "SEC-5")
def test_reset_link_sets_a_password_once_and_ends_every_session(app, mailbox):
    """The mailed link sets a new password once; the user's old sessions and password stop."""
    username, email, signed_in = sign_up(app)
    path = reset_link(app, mailbox, email)
    browser = app.browser()
    page = open_link(browser, path)
    assert page.status_code == 200
    assert pages.page_title(page) == "Set a new password | Posts"
    assert {"new_password1", "new_password2"} <= set(pages.field_names(page))
    answer = browser.submit(page, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert location(answer)[0] == "/accounts/login/"
    assert pages.flash_texts(browser.follow(answer)) == [SET]
    assert signed_in_as(signed_in) is None
    assert sign_in(app.browser(), username, PASSWORD).status_code == 200
    assert sign_in(app.browser(), username, NEW_PASSWORD).status_code in (302, 303)
    assert_invalid_link(open_link(app.browser(), path))


@pytest.mark.rule("AUTH-13", "AUTH-4")
def test_reset_link_refuses_a_password_breaking_the_rules(app, mailbox):
    """A short new password is refused on the link's page; the link still works."""
    username, email, _ = sign_up(app)
    path = reset_link(app, mailbox, email)
    answer = set_password(app.browser(), path, "Sh0rt!")
    assert answer.status_code == 200
    assert {"new_password1", "new_password2"} & set(pages.fields_in_error(answer))
    # The link still works, so the password is the one it was mailed for.
    assert set_password(app.browser(), path).status_code in (302, 303)
    assert sign_in(app.browser(), username, NEW_PASSWORD).status_code in (302, 303)


@pytest.mark.rule("AUTH-13")
@pytest.mark.parametrize("change", ["one character", "truncated", "made up"])
def test_a_changed_reset_link_is_invalid(app, mailbox, change):
    """A link altered in any way gets the invalid-link page and changes no password."""
    username, email, _ = sign_up(app)
    path = reset_link(app, mailbox, email)
    # The token is the last segment (Django's uidb64 comes before it). A character in its
    # middle: the last one of a base64 signature may carry unused bits only.
    head, secret = path.rstrip("/").rsplit("/", 1)
    middle = len(secret) // 2
    swapped = "A" if secret[middle] != "A" else "B"
    altered = {
        "one character": f"{head}/{secret[:middle]}{swapped}{secret[middle + 1 :]}/",
        "truncated": f"{head}/{secret[:-6]}/",
        "made up": f"{head}/{token()}-{token()}/",
    }[change]
    assert_invalid_link(open_link(app.browser(), altered))
    assert sign_in(app.browser(), username, PASSWORD).status_code in (302, 303)


@pytest.mark.rule("AUTH-13")
def test_a_link_asked_before_a_password_change_is_spent(app, mailbox):
    """A link mailed before the user changed the password no longer works."""
    _, email, browser = sign_up(app)
    path = reset_link(app, mailbox, email)
    answer = browser.submit(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert answer.status_code in (302, 303)
    assert_invalid_link(open_link(app.browser(), path))


def expire_link(adapter, harness) -> Future:
    """Serve the app with links lasting SHORT_TIMEOUT seconds; open one in time, then after."""
    database = harness.databases.new(f"{adapter.name}_reset")
    harness.prepare(adapter, database.url, STAFF)
    env = harness.live_env(adapter, database.url, PASSWORD_RESET_TIMEOUT=str(SHORT_TIMEOUT))
    server = Server(adapter, env, harness.folder / f"{adapter.name}-reset.log")
    harness.servers.append(server)
    server.start()
    server.wait_ready()
    scenario = ThreadPoolExecutor(max_workers=1, thread_name_prefix="posts-reset")
    steps = scenario.submit(open_in_time_and_late, server, harness.mailbox)
    scenario.shutdown(wait=False)
    return steps


def open_in_time_and_late(server: Server, mailbox: Mailbox) -> dict:
    """Ask for a link, open it at once, then again once it has expired; return the pages."""
    username = f"late{token()}"
    email = f"{username}@example.com"
    assert register(Browser(server.base_url), username, email=email).status_code in (302, 303)
    assert location(request_reset(Browser(server.base_url), email))[0] == DONE
    path = link_path(mailbox.to(email, count=1)[0])
    asked = time.monotonic()
    in_time = open_link(Browser(server.base_url), path)
    time.sleep(max(0, asked + SHORT_TIMEOUT + 2 - time.monotonic()))
    return {"in time": in_time, "late": open_link(Browser(server.base_url), path)}


@pytest.mark.rule("AUTH-13")
@pytest.mark.background("reset-timeout")
@pytest.mark.requires("mail")
def test_reset_link_expires_after_its_timeout(job):
    """A link opened after PASSWORD_RESET_TIMEOUT seconds gets the invalid-link page."""
    steps = job("reset-timeout").result(timeout=120)
    assert "new_password1" in pages.field_names(steps["in time"])
    assert_invalid_link(steps["late"])


# -- AUTH-14: throttling -----------------------------------------------------------------------


@pytest.mark.rule("AUTH-14")
@pytest.mark.requires("redis", modes=("live",))
def test_reset_requests_are_throttled_per_client_address(app, mailbox):
    """Past five reset requests within the hour, one address gets the 429 page and no mail."""
    _, email, _ = sign_up(app)
    address = fresh_address()
    passed_before_429(
        lambda n: request_reset(app.browser_from(address), f"nobody{n}{token()}@example.com"),
        RESET_LIMIT,
    )
    answer = request_reset(app.browser_from(address), email)
    assert answer.status_code == 429, answer.status_code
    assert pages.h1(answer) == ["Too many attempts"]
    assert mailbox.to(email, timeout=0.5) == []
    assert location(request_reset(app, email))[0] == DONE
    assert len(mailbox.to(email, count=1)) == 1


@pytest.mark.rule("AUTH-14", "AUTH-1")
@pytest.mark.requires("redis", modes=("live",))
def test_sign_ups_are_throttled_per_client_address(app):
    """Past ten sign-ups within the hour, one address gets the 429 page and no account."""
    address = fresh_address()
    passed_before_429(
        lambda n: register(app.browser_from(address), f"many{n}{token()}"), SIGN_UP_LIMIT
    )
    username = f"onemore{token()}"
    browser = app.browser_from(address)
    answer = register(browser, username)
    assert answer.status_code == 429, answer.status_code
    assert pages.h1(answer) == ["Too many attempts"]
    assert signed_in_as(browser) is None
    assert sign_in(app.browser(), username, PASSWORD).status_code == 200, "an account was made"
    assert register(app.browser(), username).status_code in (302, 303), "another address"


JOBS = {"reset-timeout": expire_link}
