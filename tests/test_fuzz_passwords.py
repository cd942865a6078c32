"""Generated input to the password forms never answers 500 and changes nothing (SEC-10).

The strategies and checks of `fuzzing.py`, sent to the password change form, the reset
request form and made-up reset links (AUTH-11 to AUTH-13).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import pages
from tests.actions import session_tokens, signed_in_as
from tests.fuzzing import NO_ID, SHORT_TEXT, VALUE, count, fuzz, outcome, sent
from toolkit.browser import location

CHANGE = "/accounts/password/change/"
RESET = "/accounts/password/reset/"
LINK_PART = st.one_of(NO_ID, SHORT_TEXT.map(lambda value: value or "x"))


def account(app) -> dict:
    """Return this app's fuzzed account: its username, current password and browser."""
    if "password fuzz" not in app.cache:
        username, password, browser = app.make_user("fuzzpw")
        user = {"username": username, "password": password, "browser": browser}
        app.cache["password fuzz"] = user
    return app.cache["password fuzz"]


@pytest.mark.rule("SEC-10", "AUTH-11")
@fuzz(examples=12)  # each example checks a slow password hash or two
@given(old_is_right=st.booleans(), old=VALUE, new1=VALUE, new2=VALUE, same=st.booleans())
def test_fuzzed_password_change_form(app, old_is_right, old, new1, new2, same):
    """Whatever is typed into the change form, no error page; refused, the password holds."""
    count(app)
    user = account(app)
    browser = user["browser"]
    fields = {
        "old_password": user["password"] if old_is_right else old,
        "new_password1": new1,
        "new_password2": new1 if same else new2,
        **session_tokens(browser, CHANGE),
    }
    answer = browser.post(CHANGE, data=sent(fields))
    if outcome(answer) == "accepted":
        assert signed_in_as(browser) == user["username"], "the changing browser was signed out"
        if isinstance(new1, str):
            user["password"] = new1
        else:  # a repeated field: which value counts is the framework's choice
            del app.cache["password fuzz"]
    elif old_is_right:
        # Refused with the right old password: the password must be as it was.
        assert signed_in_as(app.signed_in(user["username"], user["password"])) == user["username"]


@pytest.mark.rule("SEC-10", "AUTH-12")
@fuzz(examples=20)
@given(email=VALUE)
def test_fuzzed_password_reset_form(app, email):
    """Whatever is typed as the address, the reset form answers its page, never an error."""
    count(app)
    visitor = app.browser()
    fields = {"email": email, **session_tokens(visitor, RESET)}
    answer = visitor.post(RESET, data=sent(fields))
    if outcome(answer) == "accepted":
        assert location(answer)[0] == "/accounts/password/reset/done/"


@pytest.mark.rule("SEC-10", "AUTH-13")
@fuzz(examples=20)
@given(first=LINK_PART, second=LINK_PART, password=VALUE)
def test_fuzzed_reset_links(app, first, second, password):
    """A made-up reset link gets the invalid-link page or a 404, and no password form."""
    count(app)
    visitor = app.browser()
    for parts in ([first], [first, second]):
        path = "/accounts/reset/" + "".join(f"{quote(part, safe='')}/" for part in parts)
        page = visitor.follow(visitor.get(path))
        # 414: gunicorn's own limit on the request line (4 KB), before the app.
        assert page.status_code in (200, 400, 404, 414), (path, page.status_code)
        assert "new_password1" not in pages.field_names(page), path
        fields = {"new_password1": password, "new_password2": password}
        answer = visitor.post(path, data=sent(fields))
        assert answer.status_code < 500, (path, answer.status_code)
