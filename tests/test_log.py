"""The security log: what an operator reads of sign-ins, refusals and sign-outs (OPS-9)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from tests import pages
from tests.actions import PASSWORD, passed_before_429, register, sign_in, sign_out, token
from tests.mail import link_path
from toolkit.browser import Browser, fresh_address, hidden_inputs

LOGGER = "posts.security"
WRONG_PASSWORD = "Wrong-Password-7731"
FAILURE_LIMIT = 5  # the default of LOGIN_FAILURE_LIMIT (SEC-13)
ADDRESS_LIMIT = 20  # the default of LOGIN_ADDRESS_LIMIT (SEC-13)

pytestmark = pytest.mark.requires("log")


@pytest.fixture
def security_log(app, caplog) -> Callable[[], list[str]]:
    """Return a reader of the log lines the app writes from now on.

    In-process the app logs into this process; a live server writes to its output file.
    """
    caplog.set_level(logging.INFO, logger=LOGGER)
    if app.log_path is None:
        return lambda: [
            line
            for record in caplog.records
            if record.name == LOGGER
            for line in record.getMessage().splitlines()
        ]
    start = app.log_path.stat().st_size

    def read() -> list[str]:
        with open(app.log_path, "rb") as output:
            output.seek(start)
            return output.read().decode("utf-8", errors="replace").splitlines()

    return read


def line(event: str, username: str, address: str) -> str:
    return f"{event}: username={username!r} address={address}"


def logged(lines: list[str], event: str, username: str, address: str) -> int:
    """Count the lines of one event for one username and address."""
    wanted = line(event, username, address)
    return sum(text.endswith(wanted) for text in lines)


def secrets_of(browser: Browser) -> list[str]:
    """Return what a browser holds that must never be logged: its cookies and form tokens."""
    tokens = hidden_inputs(browser.get("/accounts/login/"))
    # Long values only: a short one ("1") could appear in any line by chance.
    return [
        value for value in [*browser.http.cookies.values(), *tokens.values()] if len(value) > 15
    ]


@pytest.mark.rule("OPS-9")
def test_sign_up_sign_in_and_sign_out_are_logged(app, security_log):
    """An operator reads each sign-in, refused sign-in and sign-out, with name and address."""
    username, address = f"log{token()}", fresh_address()
    browser = app.browser_from(address)
    assert register(browser, username).status_code in (302, 303)
    secrets = secrets_of(browser)
    assert sign_out(browser).status_code in (302, 303)
    assert sign_in(browser, username, WRONG_PASSWORD).status_code == 200
    assert sign_in(browser, username, PASSWORD).status_code in (302, 303)

    lines = security_log()
    assert logged(lines, "sign-in", username, address) == 2, lines  # sign-up, then sign-in
    assert logged(lines, "sign-out", username, address) == 1, lines
    assert logged(lines, "sign-in failed", username, address) == 1, lines
    text = "\n".join(lines)
    for secret in (PASSWORD, WRONG_PASSWORD, *secrets):
        assert secret not in text, f"the log holds a secret: {secret[:12]}…"


@pytest.mark.rule("OPS-9")
@pytest.mark.requires("staff")
def test_admin_sign_in_is_logged(app, adapter, security_log):
    """An operator reads the staff's sign-in to the admin, with name and address."""
    address = fresh_address()
    username, password = app.staff
    adapter.admin_login(app.browser_from(address), username, password)
    assert logged(security_log(), "sign-in", username, address) == 1
    assert password not in "\n".join(security_log())


@pytest.mark.rule("OPS-9", "SEC-13")
@pytest.mark.requires("redis", apps=("flask",), modes=("live",))
def test_throttled_sign_ins_are_logged(app, security_log):
    """An operator reads the failures that lock a name out, then the refusals while it is."""
    username, _, _ = app.make_user("logthrottle")
    address = fresh_address()
    for _ in range(FAILURE_LIMIT):
        sign_in(app.browser_from(address), username, WRONG_PASSWORD)
    assert sign_in(app.browser_from(address), username, PASSWORD).status_code == 429

    lines = security_log()
    # django-axes answers the failure that reaches the limit with 429 already (SEC-13).
    assert logged(lines, "sign-in failed", username, address) >= FAILURE_LIMIT - 1, lines
    assert logged(lines, "sign-in throttled", username, address) >= 1, lines


@pytest.mark.rule("OPS-9")
def test_a_line_break_in_a_username_forges_no_line(app, security_log):
    """A visitor typing line breaks into the name cannot add a line of their own to the log."""
    forged_name = f"forged{token()}"
    typed = f"x\n{line('sign-in', forged_name, '10.9.8.7')}\nz"
    assert sign_in(app.browser(), typed, WRONG_PASSWORD).status_code == 200
    lines = security_log()
    assert any(forged_name in text for text in lines), "the refused sign-in was not logged"
    assert logged(lines, "sign-in", forged_name, "10.9.8.7") == 0, lines


@pytest.mark.rule("OPS-9", "AUTH-11", "AUTH-13")
@pytest.mark.requires("mail")
def test_password_change_and_reset_are_logged(app, security_log, mailbox):
    """An operator reads each password change and reset, with name and address, no secret."""
    username, address = f"logpw{token()}", fresh_address()
    email = f"{username}@example.com"
    browser = app.browser_from(address)
    assert register(browser, username, email=email).status_code in (302, 303)
    changed, reset = "Granite-Meadow-4417", "Juniper-Lantern-8802"
    fields = {"old_password": PASSWORD, "new_password1": changed, "new_password2": changed}
    assert browser.submit("/accounts/password/change/", fields).status_code in (302, 303)
    asked = browser.submit("/accounts/password/reset/", {"email": email})
    assert asked.status_code in (302, 303), asked.status_code
    path = link_path(mailbox.to(email, count=1)[0])
    page = browser.follow(browser.get(path))
    answer = browser.submit(page, {"new_password1": reset, "new_password2": reset})
    assert answer.status_code in (302, 303), pages.fields_in_error(answer)

    lines = security_log()
    assert logged(lines, "password changed", username, address) == 1, lines
    assert logged(lines, "password reset", username, address) == 1, lines
    text = "\n".join(lines)
    link_parts = [part for part in path.split("/") if len(part) > 15]
    for secret in (PASSWORD, changed, reset, *link_parts):
        assert secret not in text


@pytest.mark.rule("OPS-9", "SEC-13")
@pytest.mark.requires("redis", modes=("live",))
def test_sign_ins_throttled_for_their_address_are_logged(app, security_log):
    """An operator reads a sign-in refused because its address tried too many names."""
    address = fresh_address()
    passed_before_429(
        lambda n: sign_in(app.browser_from(address), f"spray{n}{token()}", WRONG_PASSWORD),
        ADDRESS_LIMIT,
        passing=(200,),
    )
    username = f"sprayed{token()}"
    assert sign_in(app.browser_from(address), username, WRONG_PASSWORD).status_code == 429
    assert logged(security_log(), "sign-in throttled", username, address) == 1
