"""Generated input never makes an app answer 500, and refused input writes nothing (SEC-10).

Hypothesis sends generated values to every form field of the public site (sign-up, sign-in,
new post, edit, delete) and to its query parameters and ids: overlong, empty and whitespace-only
text, odd Unicode (control and format characters, NUL, right-to-left marks, combining marks,
emoji), numbers where text is expected, repeated fields (lists) and missing fields (None).
What is refused must leave the database as it was, checked through the site: a search for the
example's tag, the post's page, the username still free.

The admin's, signed in as staff, alike: its list pages' parameters (search, page, sort,
filters), the post form's fields (title, body, status, author), the ids of a bulk action and
its return URLs (Flask-Admin's `url`, the Django admin's `_changelist_filters`), checked through
the admin: a search for the tag, the post's edit form, the post's status.
"""

from __future__ import annotations

import operator
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import pages
from tests.actions import (
    PASSWORD,
    POST_PATH,
    create_post,
    register,
    search_ids,
    session_tokens,
    signed_in_as,
    token,
    view_post,
)
from tests.harness import FIGURES
from tests.test_attack import ADMIN_BAD_TARGETS, off_site, send
from toolkit.browser import REDIRECTS, Browser
from toolkit.servers import environ_flag

# -- strategies ------------------------------------------------------------------------------------

# Any code point an HTTP client can encode (lone surrogates cannot be).
CHARACTERS = st.characters(exclude_categories=("Cs",))
SPECIAL = st.sampled_from(
    [
        "\x00", "\x7f", "\x1b", "\u202e", "\u202c", "\u200f", "\u200b", "\ufeff", "\u0301",
        "e\u0301", "\u0308\u0308\u0308", "😀", "👩\u200d💻", "\U0001f1fa\U0001f1f8", "\r\n",
        "\r", "\t", "\u00a0", "\u2028", "\ufffd", "\U0010ffff", "'", '"', "<", "&", "%",
        "\\", "{{ x }}", "漢字", "ﷺ",
    ]
)  # fmt: skip
WHITESPACE = st.text(st.sampled_from(" \t\r\n\x0b\x0c\u00a0\u3000\u2028\u200b"), min_size=1)
OVERLONG = st.builds(
    operator.mul,
    st.sampled_from(["x", "é", "😀", " ", "a\x00", "e\u0301"]),
    st.sampled_from([100, 199, 200, 201, 256, 5_000, 10_000, 10_001, 12_000]),
)
NUMBERS = st.one_of(st.integers(-(10**40), 10**40), st.floats()).map(str)
TEXT = st.one_of(
    st.just(""),
    WHITESPACE,
    st.text(CHARACTERS, max_size=30),
    st.lists(SPECIAL | st.text(CHARACTERS, max_size=4), min_size=1, max_size=8).map("".join),
    OVERLONG,
    NUMBERS,
)
# A form field's value: missing (None), one text, or the field repeated (a list).
VALUE = st.one_of(st.none(), TEXT, st.lists(TEXT, min_size=2, max_size=3))
STATUS = st.one_of(VALUE, st.sampled_from(["draft", "published", "Published", " draft", "x"]))
# URLs are short (HTTP clients and servers cap them at a few kilobytes).
SHORT_TEXT = TEXT.map(lambda value: value[:1000])
QUERY_VALUE = st.one_of(st.none(), SHORT_TEXT, st.lists(SHORT_TEXT, min_size=2, max_size=3))
# Ids that name no post: text without digits, or numbers past any table.
NO_ID = st.one_of(
    SHORT_TEXT.filter(lambda value: not any(char.isdigit() for char in value)),
    st.integers(10**12, 10**40).map(str),
    st.integers(-(10**40), 0).map(str),
)

IN_CI = environ_flag("CI")


def fuzz(examples: int):
    """Hypothesis settings for one fuzz test: bounded, reproducible under CI."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=IN_CI,
        database=None if IN_CI else settings.default.database,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


# -- helpers ---------------------------------------------------------------------------------------


class Fuzzer:
    """This app's fuzzing user: its browser, its form token and one post of its own."""

    def __init__(self, app):
        self.app = app
        self.username, _, self.browser = app.make_user("fuzz")
        self.tokens = session_tokens(self.browser, "/posts/new/")
        self.post = create_post(self.browser, f"Fuzz target {token()}", "Fuzz body")
        self.shown = view_post(self.browser, self.post)

    def post_form(self, url: str, fields: dict, browser: Browser | None = None) -> httpx.Response:
        """Post fields (None: left out; a list: repeated) with the session's token."""
        data = {name: value for name, value in fields.items() if value is not None}
        if browser is None:
            browser, data = self.browser, {**data, **self.tokens}
        return browser.post(url, data=data)


@pytest.fixture
def fuzzer(app) -> Fuzzer:
    if "fuzzer" not in app.cache:
        app.cache["fuzzer"] = Fuzzer(app)
    return app.cache["fuzzer"]


def count(app) -> None:
    FIGURES["fuzz"][app.name] += 1


def outcome(answer: httpx.Response) -> str:
    """Return "accepted" (a redirect), "refused" (a 4xx, or a form with errors), or fail."""
    assert answer.status_code < 500, (answer.status_code, answer.text[:300])
    if answer.status_code in (302, 303):
        return "accepted"
    if 400 <= answer.status_code < 500:
        return "refused"
    assert answer.status_code == 200, answer.status_code
    errors = pages.fields_in_error(answer) or pages.nonfield_errors(answer)
    assert errors, "answered 200 without an error: neither accepted nor refused"
    return "refused"


def post_fields(tag: str, fuzzed: dict) -> dict:
    """A post's fields: the fuzzed ones, the others valid and tagged."""
    return {"title": f"Fuzz {tag}", "body": f"Body {tag}", "status": "published", **fuzzed}


# Which post fields an example fuzzes: never title and body together, so the other carries the
# tag a search finds the post by.
POST_FIELDS = st.sampled_from(
    [("title",), ("body",), ("status",), ("title", "status"), ("body", "status")]
)


@st.composite
def post_input(draw) -> dict:
    chosen = draw(POST_FIELDS)
    strategies = {"title": VALUE, "body": VALUE, "status": STATUS}
    return {name: draw(strategies[name]) for name in chosen}


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


# -- the admin (signed in as staff) ----------------------------------------------------------------


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
        data = {name: value for name, value in fields.items() if value is not None}
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
    answer = send(admin_fuzzer.browser, request, admin_fuzzer.tokens)
    assert answer.status_code < 500, (request.what, answer.status_code)
    assert off_site(answer, app.base_url) == [], request.what
    if request.creates is not None:
        stored = app.adapter.admin_post_ids(admin_fuzzer.browser, request.creates)
        assert len(stored) == (answer.status_code in REDIRECTS), "refused but written"
    admin_fuzzer.shown = app.adapter.admin_post_fields(admin_fuzzer.browser, admin_fuzzer.post)
