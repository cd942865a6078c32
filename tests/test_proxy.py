"""The client's address behind a proxy (SEC-19): exactly one hop of X-Forwarded-For is trusted.

A server clients reach directly (in-process, live) trusts none: its own socket's peer is the
client. Behind the balancer (`--scale`), HAProxy appends the address it saw; the apps read that
last entry. Either way a client that writes its own X-Forwarded-For gains nothing.
"""

from __future__ import annotations

import pytest

from tests.actions import PASSWORD, sign_in, signed_in_as, token
from toolkit.browser import fresh_address

FAILURE_LIMIT = 5  # the default of LOGIN_FAILURE_LIMIT (SEC-13)


def forged(app, client: str, n: int):
    """Return a visitor from `client` claiming, in X-Forwarded-For, to be someone else."""
    browser = app.browser_from(client)
    browser.http.headers["X-Forwarded-For"] = f"203.0.113.{n}, 198.51.100.{n}"
    return browser


@pytest.mark.rule("SEC-19", "SEC-13")
@pytest.mark.requires("redis", apps=("flask",), modes=("live",))
def test_a_forged_x_forwarded_for_does_not_escape_throttling(app):
    """Five failures each claiming another address still lock the name from that client."""
    username, password, _ = app.make_user("forger")
    client = fresh_address()
    for n in range(FAILURE_LIMIT):
        answer = sign_in(forged(app, client, n), username, "Wrong-Password-42")
        assert answer.status_code in (200, 429), answer.status_code
    browser = forged(app, client, 99)
    answer = sign_in(browser, username, password)
    assert answer.status_code == 429, ("a new forged address escaped the lock", answer.status_code)
    assert signed_in_as(browser) is None


@pytest.mark.rule("SEC-19", "SEC-13")
@pytest.mark.requires("redis", apps=("flask",), modes=("live",))
def test_a_client_cannot_lock_out_another_by_naming_its_address(app):
    """Failures that claim another client's address in X-Forwarded-For lock out only the sender."""
    username, password, _ = app.make_user("framed")
    victim, attacker = fresh_address(), fresh_address()
    for _ in range(FAILURE_LIMIT):
        browser = app.browser_from(attacker)
        browser.http.headers["X-Forwarded-For"] = victim
        sign_in(browser, username, "Wrong-Password-42")
    victim_browser = app.browser_from(victim)
    answer = sign_in(victim_browser, username, password)
    assert answer.status_code in (302, 303), ("the victim was locked out", answer.status_code)
    assert signed_in_as(victim_browser) == username
    assert sign_in(app.browser_from(attacker), username, PASSWORD + token()).status_code == 429
