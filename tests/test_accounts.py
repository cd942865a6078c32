"""Accounts: sign up, sign in, sign out, and what the header shows (AUTH-1 to AUTH-10)."""

from __future__ import annotations

import random
import string

import pytest

from tests import pages
from tests.actions import (
    PASSWORD,
    assert_sign_in_redirect,
    register,
    sign_in,
    sign_out,
    signed_in_as,
    token,
    username_is_free,
)
from toolkit.browser import location

OTHER_PASSWORD = "Marble-Orchid-5274"
INVALID = "Invalid username or password."


def assert_refused_sign_in(answer, username: str) -> None:
    """Check the answer to a failed sign-in (AUTH-6): the form again, one non-field error."""
    assert answer.status_code == 200, answer.status_code
    assert pages.page_title(answer) == "Sign in | Posts"
    assert pages.nonfield_errors(answer) == [INVALID]
    assert pages.field_value(answer, "username") == username
    assert pages.current_user(answer) is None


@pytest.mark.rule("AUTH-1")
def test_sign_up_form(visitor):
    """A visitor sees a sign-up form with labelled username, email and two password fields."""
    answer = visitor.get("/accounts/register/")
    assert answer.status_code == 200
    assert pages.page_title(answer) == "Sign up | Posts"
    fields = ("username", "email", "password1", "password2")
    assert set(fields) <= set(pages.field_names(answer))
    assert all(pages.label_matches(answer, name) for name in fields)
    assert pages.control(answer, "password1").get("type") == "password"
    assert pages.control(answer, "email").get("type") == "email"
    assert pages.soup(answer).select_one('form input[type="hidden"][name="next"]') is not None


@pytest.mark.rule("AUTH-1")
def test_sign_up_signs_in_and_lands_home(app, visitor):
    """A new user lands home, welcomed and signed in, and can sign in again elsewhere."""
    username = f"new{token()}"
    answer = register(visitor, username)
    assert location(answer) == ("/", {})
    page = visitor.follow(answer)
    assert pages.flash_texts(page) == [f"Welcome, {username}! Your account is ready."]
    assert pages.current_user(page) == username
    assert not pages.has_link(page, "/admin/", cls="admin-link")
    # Active: the new user signs in again from another browser.
    assert signed_in_as(app.signed_in(username, PASSWORD)) == username


@pytest.mark.rule("AUTH-1")
def test_sign_up_honours_a_safe_next(visitor):
    """Signing up from a page of the site brings the new user back to it."""
    username = f"next{token()}"
    answer = register(visitor, username, next_path="/posts/new/")
    assert location(answer) == ("/posts/new/", {})
    assert visitor.get("/posts/new/").status_code == 200


BAD_USERNAMES = {
    "two characters": "ab",
    "31 characters": "{tag}:31",
    "empty": "",
    "space": "bad name{tag}",
    "slash": "bad/name{tag}",
    "bang": "bad!name{tag}",
    "html": "<b>{tag}</b>",
    "quote": "o'neil{tag}",
    "semicolon": "semi;colon{tag}",
    "percent": "100%{tag}",
}


@pytest.mark.rule("AUTH-2")
@pytest.mark.parametrize("case", list(BAD_USERNAMES))
def test_bad_usernames_are_refused(visitor, case):
    """A username too short, too long or with forbidden characters gets an error on the form."""
    tag = token()
    name = BAD_USERNAMES[case]
    name = (tag + "x" * 31)[:31] if name == "{tag}:31" else name.format(tag=tag)
    answer = register(visitor, name)
    assert answer.status_code == 200
    assert pages.page_title(answer) == "Sign up | Posts"
    assert pages.field_errors(answer, "username"), f"no error on username {name!r}"
    assert pages.current_user(answer) is None


@pytest.mark.rule("AUTH-2")
def test_refused_username_writes_nothing(app):
    """A refused sign-up makes no account: its name and password sign nobody in."""
    name = (token() + "x" * 31)[:31]
    assert register(app.browser(), name).status_code == 200
    assert_refused_sign_in(sign_in(app.browser(), name, PASSWORD), name)


@pytest.mark.rule("AUTH-2")
def test_usernames_at_the_limits_are_accepted(app):
    """Names of 3 and of 30 characters, with . @ + - _ in them, are accepted and signed in."""
    shortest = "".join(random.choices(string.ascii_lowercase, k=3))
    longest = f"a.b@c+d-e_{token()}".ljust(30, "z")
    for username in (shortest, longest):
        browser = app.browser()
        answer = register(browser, username)
        assert answer.status_code in (302, 303), (username, pages.fields_in_error(answer))
        assert signed_in_as(browser) == username


@pytest.mark.rule("AUTH-3")
def test_usernames_are_unique_regardless_of_case(app):
    """A username taken in any case is refused, and the refused sign-ups write nothing."""
    name = f"Case{token()}"
    assert register(app.browser(), name).status_code in (302, 303)
    for variant in (name, name.lower(), name.upper()):
        answer = register(app.browser(), variant, OTHER_PASSWORD)
        assert answer.status_code == 200, variant
        assert pages.field_errors(answer, "username"), f"{variant!r} accepted beside {name!r}"
    # Nothing written: the refused sign-ups' password signs nobody in.
    assert_refused_sign_in(sign_in(app.browser(), name.lower(), OTHER_PASSWORD), name.lower())


@pytest.mark.rule("AUTH-4")
def test_weak_passwords_are_refused(app):
    """A short, all-digit, name-like or mistyped password gets an error and makes no account."""
    username = f"pw{token()}"
    cases = {
        "7 characters": ("Ab3$xyz", None),
        "all digits": ("8675309214", None),
        "the username": (username, None),
        "the username in capitals": (username.upper(), None),
        "confirmation differs": (PASSWORD, PASSWORD + "!"),
    }
    for case, (password, password2) in cases.items():
        browser = app.browser()
        answer = register(browser, username, password, password2)
        assert answer.status_code == 200, case
        wrong = {"password1", "password2"} & set(pages.fields_in_error(answer))
        assert wrong, f"{case}: no error on password1 or password2"
        assert pages.field_value(answer, "username") == username, case
        assert pages.current_user(answer) is None, case

    # Nothing was written: the username is still free, and a 128-character password works.
    long_password = ("Zq8!" + token() * 12)[:128]
    answer = register(app.browser(), username, long_password)
    assert answer.status_code in (302, 303), pages.fields_in_error(answer)
    assert signed_in_as(app.signed_in(username, long_password)) == username


# On the common-password list Django ships, or too like the username ("{username}").
GUESSABLE_PASSWORDS = ["password1", "qwertyuiop", "aaaaaaaa", "{username}1"]


@pytest.mark.rule("AUTH-4")
@pytest.mark.parametrize("password", GUESSABLE_PASSWORDS)
def test_guessable_passwords_are_refused(app, password):
    """A visitor signing up with a common password, or one like their name, sees the form again."""
    username = f"guess{token()}"
    password = password.format(username=username)
    answer = register(app.browser(), username, password)
    assert answer.status_code == 200, (password, answer.status_code)
    wrong = {"password1", "password2"} & set(pages.fields_in_error(answer))
    assert wrong, f"{password!r}: no error on password1 or password2"
    assert pages.current_user(answer) is None
    # Nothing was written: the username is still free.
    assert username_is_free(app, username)


@pytest.mark.rule("AUTH-4", "ADMIN-9")
def test_admin_refuses_a_common_password(app, adapter, staff):
    """A superuser creating a user with a common password sees the admin's form again."""
    username = f"admin{token()}"
    answer = adapter.admin_create_user(staff, username, "qwertyuiop")
    assert answer.status_code == 200, (answer.status_code, answer.text[:300])
    assert username_is_free(app, username)
    answer = adapter.admin_create_user(staff, username, PASSWORD)
    assert answer.status_code in (302, 303), (answer.status_code, answer.text[:300])
    assert not username_is_free(app, username)


@pytest.mark.rule("AUTH-5")
def test_sign_in_form(visitor):
    """A visitor sees a sign-in form with labelled username and password, the password masked."""
    answer = visitor.get("/accounts/login/")
    assert answer.status_code == 200
    assert pages.page_title(answer) == "Sign in | Posts"
    assert {"username", "password"} <= set(pages.field_names(answer))
    assert all(pages.label_matches(answer, name) for name in ("username", "password"))
    assert pages.control(answer, "password").get("type") == "password"


@pytest.mark.rule("AUTH-5")
def test_sign_in_ignoring_username_case(app):
    """A user signs in typing the name in any case and is greeted by the name as stored."""
    username, password, _ = app.make_user("SignIn")
    for typed in (username.upper(), username.lower()):
        browser = app.browser()
        answer = sign_in(browser, typed, password)
        assert location(answer) == ("/", {})
        page = browser.follow(answer)
        assert pages.flash_texts(page) == [f"Signed in as {username}."]
        assert pages.current_user(page) == username


@pytest.mark.rule("AUTH-5")
def test_sign_in_honours_a_safe_next(app, alice):
    """Signing in with a next page of the site, in the address or the form, lands on that page."""
    # From the query string, carried by the form's hidden `next`.
    browser = app.browser()
    answer = sign_in(browser, alice.username, PASSWORD, next_path="/posts/new/?a=b")
    assert location(answer) == ("/posts/new/", {"a": ["b"]})
    assert browser.get("/posts/new/").status_code == 200
    # From the form field alone.
    answer = app.browser().submit(
        "/accounts/login/",
        {"username": alice.username, "password": PASSWORD, "next": "/posts/new/"},
    )
    assert location(answer) == ("/posts/new/", {})


@pytest.mark.rule("AUTH-5", "POST-1")
def test_sign_in_redirect_comes_back(app, alice):
    """A visitor sent to sign in from the new-post page comes back to it after signing in."""
    browser = app.browser()
    redirect = browser.get("/posts/new/")
    assert_sign_in_redirect(redirect, "/posts/new/")
    page = browser.follow(redirect)
    answer = browser.submit(page, {"username": alice.username, "password": PASSWORD})
    assert location(answer) == ("/posts/new/", {})


@pytest.mark.rule("AUTH-6")
def test_wrong_password_and_unknown_user_answer_alike(app, alice):
    """A wrong password and an unknown name get the same error, the password field empty."""
    wrong = sign_in(app.browser(), alice.username, OTHER_PASSWORD)
    nobody = f"nobody{token()}"
    unknown = sign_in(app.browser(), nobody, OTHER_PASSWORD)
    assert_refused_sign_in(wrong, alice.username)
    assert_refused_sign_in(unknown, nobody)
    assert pages.fields_in_error(wrong) == pages.fields_in_error(unknown) == []
    assert pages.field_value(wrong, "password") in ("", None)


@pytest.mark.rule("AUTH-6")
def test_failed_sign_in_signs_nobody_in(app, alice):
    """After a wrong password the visitor is still not signed in."""
    browser = app.browser()
    sign_in(browser, alice.username, OTHER_PASSWORD)
    assert signed_in_as(browser) is None
    assert_sign_in_redirect(browser.get("/posts/new/"), "/posts/new/")


@pytest.mark.rule("AUTH-7", "ADMIN-10")
def test_inactive_user_cannot_sign_in(app, adapter, staff):
    """A user that staff made inactive gets the sign-in error, even with the right password."""
    username, password, _ = app.make_user("inactive")
    user_id = adapter.admin_user_id(staff, username)
    answer = adapter.admin_update_user(staff, user_id, is_active=False)
    assert answer.status_code in (302, 303), (answer.status_code, answer.text[:500])
    assert_refused_sign_in(sign_in(app.browser(), username, password), username)


@pytest.mark.rule("AUTH-8")
def test_sign_out(app):
    """Sign-out needs the header's button (a GET is refused); the user lands home, signed out."""
    username, _, browser = app.make_user("leaving")
    refused = browser.get("/accounts/logout/")
    assert refused.status_code == 405
    assert signed_in_as(browser) == username, "GET /accounts/logout/ signed the user out"

    answer = sign_out(browser)
    assert location(answer) == ("/", {})
    page = browser.follow(answer)
    assert pages.flash_texts(page) == ["You have been signed out."]
    assert pages.current_user(page) is None
    assert_sign_in_redirect(browser.get("/posts/new/"), "/posts/new/")


@pytest.mark.rule("AUTH-8", "SEC-5")
def test_sign_out_reaches_as_far_as_the_session_store(app, adapter):
    """Signing out in one browser signs out every browser on Flask, only that one on Django."""
    username, password, browser = app.make_user("reach")
    elsewhere = app.signed_in(username, password)
    assert sign_out(browser).status_code in (302, 303)
    assert signed_in_as(browser) is None
    if adapter.sign_out_ends_every_session is None:
        return
    expected = None if adapter.sign_out_ends_every_session else username
    assert signed_in_as(elsewhere) == expected, "the other browser after sign-out"


@pytest.mark.rule("AUTH-9")
def test_header_of_a_user(alice):
    """A user sees their name, a Sign out button and New post in every page's header."""
    for path in ("/", "/accounts/register/", "/no-such-page/"):
        page = alice.get(path)
        assert pages.current_user(page) == alice.username, path
        form = pages.logout_form(page)
        assert form is not None, path
        assert form.get("method", "").lower() == "post"
        assert form.get("action") == "/accounts/logout/"
        assert [pages.text(b) for b in form.select("button")] == ["Sign out"]
        assert pages.has_link(page, "/posts/new/", "New post", "new-post"), path
        assert not pages.has_link(page, "/accounts/login/", "Sign in"), path
        assert not pages.has_link(page, "/admin/", cls="admin-link"), path


@pytest.mark.rule("AUTH-9")
def test_header_of_a_visitor(visitor):
    """A visitor sees Sign in and Sign up in the header, and no user or New post."""
    for path in ("/", "/accounts/login/", "/no-such-page/"):
        page = visitor.get(path)
        assert pages.has_link(page, "/accounts/login/", "Sign in"), path
        assert pages.has_link(page, "/accounts/register/", "Sign up"), path
        assert pages.current_user(page) is None
        assert pages.logout_form(page) is None
        assert not pages.has_link(page, "/posts/new/", cls="new-post")


@pytest.mark.rule("AUTH-9")
def test_header_of_staff(staff):
    """Staff see their name and an Admin link in the header."""
    page = staff.get("/")
    assert pages.current_user(page) == staff.username
    assert pages.has_link(page, "/admin/", "Admin", "admin-link")


@pytest.mark.rule("AUTH-10")
def test_sign_up_ignores_extra_fields(app):
    """Sign-up fields like is_staff or id sent by hand make no staff and no inactive user."""
    username = f"sneaky{token()}"
    browser = app.browser()
    extra = {"is_staff": "on", "is_superuser": "on", "is_active": "", "id": "1"}
    answer = register(browser, username, **extra)
    assert answer.status_code in (302, 303), pages.fields_in_error(answer)
    page = browser.get("/")
    assert pages.current_user(page) == username
    assert not pages.has_link(page, "/admin/", cls="admin-link")
    admin = browser.get("/admin/")
    assert admin.status_code in (302, 303, 403), admin.status_code
    # Still active (not made inactive by `is_active`), and not the user whose id was sent.
    assert signed_in_as(app.signed_in(username, PASSWORD)) == username
