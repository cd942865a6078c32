"""Generated input never makes the public site answer 500, and refused input writes nothing
(SEC-10).

Hypothesis sends generated values (tests/fuzzing.py) to every form field of the public site
(sign-up, sign-in, new post, edit, delete) and to its query parameters and ids: overlong, empty
and whitespace-only text, odd Unicode (control and format characters, NUL, right-to-left marks,
combining marks, emoji), numbers where text is expected, repeated fields (lists) and missing
fields (None). What is refused must leave the database as it was, checked through the site: a
search for the example's tag, the post's page, the username still free. The admin's forms and
parameters are fuzzed in test_fuzz_admin.py.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import pages
from tests.actions import (
    PASSWORD,
    POST_PATH,
    register,
    search_ids,
    session_tokens,
    signed_in_as,
    token,
    view_post,
)
from tests.fuzzing import (
    NO_ID,
    QUERY_VALUE,
    VALUE,
    Fuzzer,
    count,
    fuzz,
    fuzzer_of,
    outcome,
    post_fields,
    post_input,
)


@pytest.fixture
def fuzzer(app) -> Fuzzer:
    return fuzzer_of(app)


# -- the post forms --------------------------------------------------------------------------------


@pytest.mark.rule("SEC-10", "POST-3")
@fuzz(examples=50)
@given(fuzzed=post_input())
def test_fuzzed_new_post_form(app, fuzzer, visitor, fuzzed):
    """Generated titles, bodies and statuses make one post or a refusal, never a 500."""
    count(app)
    tag = token()
    answer = fuzzer.post_form("/posts/new/", post_fields(tag, fuzzed))
    if outcome(answer) == "refused":
        assert search_ids(visitor, tag) == [], "a refused post was written"
        return
    post = int(POST_PATH.match(httpx.URL(answer.headers["location"]).path).group(1))
    shown = view_post(fuzzer.browser, post)
    assert shown is not None
    if shown.status.lower() == "published":
        assert search_ids(visitor, tag) == [post], "an accepted post is not stored once"


@pytest.mark.rule("SEC-10", "POST-4")
@fuzz(examples=50)
@given(fuzzed=post_input())
def test_fuzzed_edit_form(app, fuzzer, fuzzed):
    """Generated edits are saved or refused; a refused one leaves the post as it was."""
    count(app)
    answer = fuzzer.post_form(f"/posts/{fuzzer.post}/edit/", post_fields(token(), fuzzed))
    shown = view_post(fuzzer.browser, fuzzer.post)
    if outcome(answer) == "refused":
        assert shown == fuzzer.shown, "a refused edit changed the post"
    else:
        fuzzer.shown = shown


@pytest.mark.rule("SEC-10", "READ-8", "POST-6")
@fuzz(examples=30)
@given(post=NO_ID, extra=st.dictionaries(st.sampled_from(["id", "title", "x"]), VALUE))
def test_fuzzed_ids_and_delete_form(app, fuzzer, visitor, post, extra):
    """Generated post ids and delete-form fields never get a 500 or delete a post."""
    count(app)
    path = f"/posts/{quote(post, safe='')}/"
    for browser in (visitor, fuzzer.browser):
        for suffix in ("", "edit/", "delete/"):
            answer = browser.get(path + suffix)
            assert answer.status_code < 500, (path + suffix, answer.status_code)
    for suffix in ("delete/", "edit/"):
        answer = fuzzer.post_form(path + suffix, extra)
        assert answer.status_code < 500, (path + suffix, answer.status_code)
        assert answer.status_code not in (302, 303) or "login" in answer.headers["location"]
    # Junk fields with the delete form of the fuzzer's own post are ignored, not harmful: the
    # post is deleted only when the form is sent to its own URL, which this test never does.
    assert view_post(fuzzer.browser, fuzzer.post) == fuzzer.shown


# -- query parameters ------------------------------------------------------------------------------


@pytest.mark.rule("SEC-10", "READ-3", "READ-4")
@fuzz(examples=80)
@given(q=QUERY_VALUE, page=st.one_of(QUERY_VALUE, st.integers(-(10**30), 10**30).map(str)))
def test_fuzzed_search_and_page(app, visitor, q, page):
    """Generated search words and page numbers get a list or a 4xx, never a 500."""
    count(app)
    params = {name: value for name, value in (("q", q), ("page", page)) if value is not None}
    answer = visitor.get("/", params=params)
    # 200, or a 4xx: 404 for a page out of range, 400 or 414 from a server refusing the URL.
    assert answer.status_code == 200 or 400 <= answer.status_code < 500, (
        answer.status_code,
        params,
    )


# -- the account forms -----------------------------------------------------------------------------


def username_errors(answer: httpx.Response) -> tuple:
    """Return what a sign-up answer says about its username (with its status)."""
    if answer.status_code == 200 and pages.field(answer, "username") is not None:
        return answer.status_code, pages.field_errors(answer, "username")
    return answer.status_code, None


@pytest.mark.rule("SEC-10", "AUTH-2", "AUTH-4")
@fuzz(examples=40)
@given(
    username=VALUE,
    email=st.one_of(st.builds(lambda: f"{token()}@example.com"), VALUE),
    password=VALUE,
    password2=VALUE,
    same=st.booleans(),
)
def test_fuzzed_sign_up_form(app, fuzzer, username, email, password, password2, same):
    """Generated sign-ups make an account that is signed in, or are refused and write nothing."""
    count(app)
    visitor = app.browser()
    fields = {
        "username": username,
        "email": email,
        "password1": password,
        "password2": password if same else password2,
        **session_tokens(visitor, "/accounts/register/"),
    }
    answer = fuzzer.post_form("/accounts/register/", fields, browser=visitor)
    if outcome(answer) == "accepted":
        assert signed_in_as(visitor) is not None
        return
    assert signed_in_as(visitor) is None
    # The same username again, with passwords that never match: the same verdict on the
    # username, unless the refused sign-up wrote the user ("already taken").
    for name in [username] if isinstance(username, str) else username or []:
        again = register(app.browser(), name, PASSWORD, PASSWORD + "-mismatch")
        assert again.status_code < 500, again.status_code
        if isinstance(username, str):
            assert username_errors(again) == username_errors(answer), "a refused sign-up wrote"


@pytest.mark.rule("SEC-10", "AUTH-6", "SEC-8")
@fuzz(examples=15)
@given(username=VALUE, password=VALUE, next_path=VALUE)
def test_fuzzed_sign_in_form(app, fuzzer, username, password, next_path):
    """Generated names, passwords and next addresses never sign anyone in or get a 500."""
    count(app)
    visitor = app.browser()
    fields = {
        "username": username,
        "password": password,
        "next": next_path,
        **session_tokens(visitor, "/accounts/login/"),
    }
    answer = fuzzer.post_form("/accounts/login/", fields, browser=visitor)
    assert outcome(answer) == "refused", "generated credentials signed in"
    assert signed_in_as(visitor) is None
