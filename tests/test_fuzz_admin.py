"""Generated input never makes an admin answer 500, and refused input writes nothing (SEC-10).

Signed in as staff, Hypothesis sends generated values (tests/fuzzing.py) to the admin's list
pages' parameters (search, page, sort, filters), the post form's fields (title, body, status,
author), the ids of a bulk action and its return URLs (Flask-Admin's `url`, the Django admin's
`_changelist_filters`), checked through the admin: a search for the tag, the post's edit form,
the post's status.
"""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.actions import create_post, send_admin_request, session_tokens, token, view_post
from tests.fuzzing import (
    NO_ID,
    QUERY_VALUE,
    SHORT_TEXT,
    Fuzzer,
    count,
    fuzz,
    fuzzer_of,
    post_fields,
    post_input,
    sent,
)
from tests.redirects import ADMIN_BAD_TARGETS, off_site
from toolkit.browser import REDIRECTS


@pytest.fixture
def fuzzer(app) -> Fuzzer:
    return fuzzer_of(app)


class AdminFuzzer:
    """This app's admin fuzzing: staff's session, its token, and a post (with its author's id)."""

    def __init__(self, app, staff, fuzzer):
        self.adapter = app.adapter
        self.browser = staff.clone()  # the staff session, with a cookie jar of its own
        self.tokens = session_tokens(self.browser, "/posts/new/")
        self.author = self.adapter.admin_user_id(self.browser, fuzzer.username)
        self.post = create_post(fuzzer.browser, f"Admin fuzz {token()}", "Admin fuzz body")
        self.shown = self.adapter.admin_post_fields(self.browser, self.post)

    def post_form(self, url: str, fields: dict) -> httpx.Response:
        """Post fields (None: left out; a list: repeated) with the staff session's token."""
        data = sent(fields)
        return self.browser.post(url, data={**data, **self.tokens})

    def outcome(self, answer: httpx.Response) -> str:
        """Return "accepted" (a redirect) or "refused" (a 4xx, or a form with errors), or fail."""
        assert answer.status_code < 500, (answer.status_code, answer.text[:300])
        if answer.status_code in REDIRECTS:
            return "accepted"
        if 400 <= answer.status_code < 500:
            return "refused"
        assert answer.status_code == 200, answer.status_code
        assert self.adapter.admin_form_errors(answer), "answered 200 without an error"
        return "refused"


@pytest.fixture
def admin_fuzzer(app, staff, fuzzer) -> AdminFuzzer:
    if "admin-fuzzer" not in app.cache:
        app.cache["admin-fuzzer"] = AdminFuzzer(app, staff, fuzzer)
    return app.cache["admin-fuzzer"]


# The author field: the fuzzer's own id (ADMIN), no id at all, missing, or repeated.
AUTHOR = st.one_of(st.just("ADMIN"), NO_ID, st.none(), st.lists(NO_ID, min_size=2, max_size=3))


@st.composite
def admin_post_input(draw) -> dict:
    fuzzed = draw(post_input())
    fuzzed["author"] = draw(AUTHOR)
    return fuzzed


def with_author(fields: dict, author: int) -> dict:
    return {**fields, "author": str(author) if fields["author"] == "ADMIN" else fields["author"]}


@pytest.mark.rule("SEC-10", "ADMIN-7")
@fuzz(examples=30)
@given(fuzzed=admin_post_input())
def test_fuzzed_admin_new_post_form(app, admin_fuzzer, fuzzed):
    """Staff's generated admin posts are stored once or refused and not stored, never a 500."""
    count(app)
    tag = token()
    fields = with_author(post_fields(tag, fuzzed), admin_fuzzer.author)
    answer = admin_fuzzer.post_form(app.adapter.admin_post_form_url(), fields)
    stored = app.adapter.admin_search_post_ids(admin_fuzzer.browser, tag)
    if admin_fuzzer.outcome(answer) == "refused":
        assert stored == [], "a refused post was written"
    else:
        assert len(stored) == 1, "an accepted post is not stored once"


@pytest.mark.rule("SEC-10", "ADMIN-7")
@fuzz(examples=30)
@given(fuzzed=admin_post_input())
def test_fuzzed_admin_edit_form(app, admin_fuzzer, fuzzed):
    """Staff's generated admin edits are saved or refused; refused ones change nothing."""
    count(app)
    fields = with_author(post_fields(token(), fuzzed), admin_fuzzer.author)
    answer = admin_fuzzer.post_form(app.adapter.admin_post_form_url(admin_fuzzer.post), fields)
    shown = app.adapter.admin_post_fields(admin_fuzzer.browser, admin_fuzzer.post)
    if admin_fuzzer.outcome(answer) == "refused":
        assert shown == admin_fuzzer.shown, "a refused edit changed the post"
    else:
        admin_fuzzer.shown = shown


@pytest.mark.rule("SEC-10", "ADMIN-3", "ADMIN-4", "ADMIN-5", "ADMIN-6")
@fuzz(examples=40)
@given(
    which=st.integers(0, 10),
    params=st.dictionaries(
        st.integers(0, 20),
        st.one_of(QUERY_VALUE, st.integers(-(10**30), 10**30).map(str)),
        max_size=4,
    ),
)
def test_fuzzed_admin_list_parameters(app, admin_fuzzer, which, params):
    """Generated admin list filters get a list, a redirect or a 4xx, and no link off the site."""
    count(app)
    pages = list(app.adapter.admin_list_parameters().items())
    path, names = pages[which % len(pages)]
    query = {names[n % len(names)]: value for n, value in params.items() if value is not None}
    answer = admin_fuzzer.browser.get(path, params=query)
    # 200; a redirect to the list (a filter the admin refuses); 400, 404, or 414 (the URL).
    assert answer.status_code in (200, *REDIRECTS) or 400 <= answer.status_code < 500, (
        answer.status_code,
        query,
    )
    assert off_site(answer, app.base_url) == [], query


# Selected rows: the fuzzer's post (POST), or what names no post.
SELECTION = st.lists(st.one_of(st.just("POST"), NO_ID), max_size=4)


@pytest.mark.rule("SEC-10", "ADMIN-8")
@fuzz(examples=25)
@given(selected=SELECTION, status=st.sampled_from(["published", "draft"]))
def test_fuzzed_admin_action_ids(app, fuzzer, admin_fuzzer, selected, status):
    """Generated selections for the bulk action change only the chosen post, or nothing."""
    count(app)
    post = admin_fuzzer.post
    before = view_post(fuzzer.browser, post).status.lower()
    ids = [str(post) if pk == "POST" else pk for pk in selected]
    url, fields = app.adapter.admin_bulk_action_request(ids, status)
    answer = admin_fuzzer.post_form(url, fields)
    assert answer.status_code < 500, (answer.status_code, ids)
    # Refused, or the post not selected: unchanged. Done: the post (only it) has the status.
    done = answer.status_code in REDIRECTS and "POST" in selected
    assert view_post(fuzzer.browser, post).status.lower() == (status if done else before), ids
    admin_fuzzer.shown = app.adapter.admin_post_fields(admin_fuzzer.browser, post)


# A return URL: generated text, a path with it, or one of SEC-8's payloads.
TARGET = st.one_of(
    SHORT_TEXT, SHORT_TEXT.map(lambda text: "/" + text), st.sampled_from(ADMIN_BAD_TARGETS)
)


@pytest.mark.rule("SEC-10", "SEC-8")
@fuzz(examples=30)
@given(target=TARGET, which=st.integers(0, 100))
def test_fuzzed_admin_return_urls(app, admin_fuzzer, target, which):
    """Generated return addresses in admin forms never send staff off the site or get a 500."""
    count(app)
    title = f"Fuzz return {token()}"
    requests = app.adapter.admin_redirect_requests(
        target, post_id=admin_fuzzer.post, author_id=admin_fuzzer.author, title=title
    )
    request = requests[which % len(requests)]
    answer = send_admin_request(admin_fuzzer.browser, request, admin_fuzzer.tokens)
    assert answer.status_code < 500, (request.what, answer.status_code)
    assert off_site(answer, app.base_url) == [], request.what
    if request.creates is not None:
        stored = app.adapter.admin_post_ids(admin_fuzzer.browser, request.creates)
        assert len(stored) == (answer.status_code in REDIRECTS), "refused but written"
    admin_fuzzer.shown = app.adapter.admin_post_fields(admin_fuzzer.browser, admin_fuzzer.post)
