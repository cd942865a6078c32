"""Bad input does no harm: SQL metacharacters find literal text (SEC-9); NUL, huge, missing,
mis-encoded or repeated fields, odd text and wrong methods never get a 500 (SEC-10).

Generated input, sent by Hypothesis, is in test_fuzz.py and test_fuzz_admin.py.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import httpx
import pytest

from tests import pages
from tests.actions import (
    PASSWORD,
    create_post,
    home,
    search_ids,
    session_tokens,
    signed_in_as,
    token,
    view_post,
)
from toolkit.browser import Browser

# -- SEC-9: SQL metacharacters ---------------------------------------------------------------

SQL_SEARCHES = [
    "'",
    '"',
    "' OR '1'='1",
    "' OR 1=1 --",
    '" OR ""="',
    "'; DROP TABLE posts_post; --",
    "'; DROP TABLE posts; --",
    "1; SELECT * FROM accounts_user",
    "') UNION SELECT username, password FROM users --",
    "\\",
    "%",
    "_",
    "%%",
    "[a-z]",
    "*",
    "--",
    "/*",
]


@pytest.mark.rule("SEC-9", "READ-4")
def test_sql_metacharacters_in_search_do_no_harm(visitor, alice):
    """A search with quotes, % or SQL in it finds the literal text and nothing more."""
    tag = token()
    title = f"Safe {tag} 100% sure_thing"
    body = f'O\'Reilly said "hi" {tag}'
    post = create_post(alice, title, body)

    for q in [*SQL_SEARCHES, f"{tag}' OR '1'='1", f'{tag}" OR "1"="1']:
        answer = home(visitor, q=q)
        assert answer.status_code == 200, q
        assert pages.search_value(answer) == q
    assert search_ids(visitor, f"{tag}' OR '1'='1") == []
    # Search text is literal, LIKE wildcards included.
    assert search_ids(visitor, f"{tag} 100% sure_") == [post]
    assert search_ids(visitor, f'O\'Reilly said "hi" {tag}') == [post]
    assert search_ids(visitor, f"{tag}%sure") == [], "% in the search acted as a wildcard"
    assert search_ids(visitor, f"{tag} 100_ sure") == [], "_ in the search acted as a wildcard"
    assert search_ids(visitor, tag) == [post]


@pytest.mark.rule("SEC-9", "READ-3", "READ-8")
def test_sql_metacharacters_in_ids_and_pages_do_no_harm(visitor, alice):
    """Post ids and page numbers holding SQL show Not found and change nothing."""
    tag = token()
    post = create_post(alice, f"Still here {tag}")
    for raw in ("1'", "1 OR 1=1", "1' OR '1'='1", "1;DROP TABLE posts", f"{post}--", "1)"):
        path = f"/posts/{quote(raw)}/"
        assert visitor.get(path).status_code == 404, raw
        assert alice.get(path + "edit/").status_code == 404, raw
        assert home(visitor, q=tag, page=raw).status_code == 404, raw
    assert search_ids(visitor, tag) == [post]
    assert view_post(visitor, post).title == f"Still here {tag}"
    assert signed_in_as(alice) == alice.username


# -- SEC-10: no input makes a 500 --------------------------------------------------------------

ODD = "\u202eRTL\u202c zero\u200bwidth \ufeffBOM 😀 👩‍💻 Ω 漢字 e\u0301 \U0001f600"
HUGE = "x" * 100_000


def form_post(browser: Browser, url: str, fields: dict, page_url: str | None = None):
    """Post fields with the session's token, straight to a URL (no form needed)."""
    return browser.post(url, data={**session_tokens(browser, page_url or url), **fields})


def raw_post(browser: Browser, url: str, body: str, content_type: str, page_url: str):
    tokens = urlencode(session_tokens(browser, page_url))
    return browser.post(
        url,
        content=(tokens + "&" + body) if "urlencoded" in content_type else body,
        headers={"content-type": content_type},
    )


def is_refusal(answer: httpx.Response) -> bool:
    """Tell whether an answer refuses clearly: a 4xx, or a form showing an error."""
    if 400 <= answer.status_code < 500:
        return True
    return answer.status_code == 200 and bool(
        pages.fields_in_error(answer) or pages.nonfield_errors(answer)
    )


def with_cookies(browser: Browser, cookies: dict[str, str]) -> Browser:
    return Browser(browser.base_url, browser.transport, cookies=cookies)


def new_post_fields(**fields: str):
    """A case posting the new-post form's fields (with the user's token)."""
    return lambda user, visitor, tag: form_post(
        user, "/posts/new/", {key: value.format(tag=tag) for key, value in fields.items()}
    )


def account_fields(url: str, **fields: str):
    """A case posting an account form's fields (with a visitor's token)."""
    return lambda user, visitor, tag: form_post(
        visitor, url, {key: value.format(tag=tag) for key, value in fields.items()}
    )


def sign_up_fields(username: str, password: str = PASSWORD):
    return account_fields(
        "/accounts/register/", username=username, password1=password, password2=password
    )


# Bad input: refused with a 4xx or a form with errors. Each case: (user, visitor, tag) -> answer.
BAD_INPUT = {
    "post: NUL in title": new_post_fields(title="a\x00b {tag}", body="x", status="published"),
    "post: NUL in body": new_post_fields(title="{tag}", body="a\x00b", status="published"),
    "post: NUL in status": new_post_fields(title="{tag}", body="x", status="published\x00"),
    "post: 100k title": new_post_fields(title=HUGE, body="{tag}", status="published"),
    "post: 100k body": new_post_fields(title="{tag}", body=HUGE, status="published"),
    "post: 100k status": new_post_fields(title="{tag}", body="x", status=HUGE),
    "post: no fields": new_post_fields(),
    "post: no body": new_post_fields(title="{tag}"),
    "post: invalid UTF-8": lambda user, visitor, tag: raw_post(
        user,
        "/posts/new/",
        "title=%FF%FE&body=%C3%28&status=%80",
        "application/x-www-form-urlencoded",
        "/posts/new/",
    ),
    "post: JSON body": lambda user, visitor, tag: raw_post(
        user, "/posts/new/", '{"title": "x"}', "application/json", "/posts/new/"
    ),
    "sign-in: NUL in username": account_fields(
        "/accounts/login/", username="a\x00b", password="Secret-123"
    ),
    "sign-in: 100k username": account_fields(
        "/accounts/login/", username=HUGE, password="Secret-123"
    ),
    "sign-in: 100k password": account_fields("/accounts/login/", username="x{tag}", password=HUGE),
    "sign-in: odd unicode": account_fields("/accounts/login/", username=ODD, password=ODD),
    "sign-in: no fields": account_fields("/accounts/login/"),
    "sign-up: NUL in username": sign_up_fields("a\x00{tag}"),
    "sign-up: 100k username": sign_up_fields(HUGE),
    "sign-up: odd unicode username": sign_up_fields(ODD),
    "sign-up: no fields": account_fields("/accounts/register/"),
    "sign-up: 100k password, refused username": sign_up_fields("x", HUGE),
}
for method in ("PUT", "PATCH", "DELETE"):
    for url in ("/", "/posts/new/", "/accounts/login/", "/accounts/logout/", "/healthz"):
        BAD_INPUT[f"{method} {url}"] = lambda user, visitor, tag, m=method, u=url: user.request(
            m, u
        )

# Odd input: anything but a server error.
ODD_INPUT = {
    "post: odd unicode title and body": new_post_fields(
        title=ODD + " {tag}", body=ODD, status="published"
    ),
    "post: repeated fields": lambda user, visitor, tag: user.post(
        "/posts/new/",
        data={
            **session_tokens(user, "/posts/new/"),
            "title": [f"one {tag}", f"two {tag}"],
            "body": ["a", "b"],
            "status": ["draft", "published"],
        },
    ),
    "sign-up: 100k password": sign_up_fields("long{tag}", HUGE),
    "sign-up: NUL in password": sign_up_fields("nul{tag}", "Abc\x00defgh-12"),
    "search: NUL": lambda user, visitor, tag: home(visitor, q="a\x00b"),
    "search: odd unicode": lambda user, visitor, tag: home(visitor, q=ODD),
    "search: 5k characters": lambda user, visitor, tag: home(visitor, q="q" * 5000),
    "search: repeated q": lambda user, visitor, tag: visitor.get("/?q=a&q=b&page=1&page=1"),
    "page: NUL": lambda user, visitor, tag: home(visitor, page="1\x00"),
    "page: odd unicode": lambda user, visitor, tag: home(visitor, page=ODD),
    "page: full-width digit": lambda user, visitor, tag: home(visitor, page="\uff11"),
    "id: NUL": lambda user, visitor, tag: visitor.get("/posts/%00/"),
    "id: emoji": lambda user, visitor, tag: visitor.get("/posts/%F0%9F%98%80/"),
    "id: invalid UTF-8": lambda user, visitor, tag: visitor.get("/posts/%FF/"),
    "path: invalid UTF-8": lambda user, visitor, tag: visitor.get("/%FF%FE/"),
    "id: huge, edit": lambda user, visitor, tag: user.get("/posts/99999999999999999999999/edit/"),
    "id: huge, delete": lambda user, visitor, tag: user.get("/posts/99999999999999999999/delete/"),
    "sign-in: next with NUL": lambda user, visitor, tag: visitor.get("/accounts/login/?next=/%00"),
    "tampered session cookies": lambda user, visitor, tag: with_cookies(
        visitor, {"sessionid": "x" * 40, "session": "e30.bad.signature", "csrftoken": "short"}
    ).get("/"),
    "HEAD /": lambda user, visitor, tag: visitor.request("HEAD", "/"),
    "OPTIONS /": lambda user, visitor, tag: visitor.request("OPTIONS", "/"),
}


@pytest.mark.rule("SEC-10")
@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_is_refused_without_a_server_error(alice, visitor, case):
    """NUL, huge, missing or mis-encoded fields and wrong methods get a 4xx or a form error."""
    answer = BAD_INPUT[case](alice, visitor, token())
    assert answer.status_code < 500, answer.status_code
    assert is_refusal(answer), (answer.status_code, pages.fields_in_error(answer))


@pytest.mark.rule("SEC-10")
@pytest.mark.parametrize("case", list(ODD_INPUT))
def test_odd_input_gives_no_server_error(alice, visitor, case):
    """Odd text, repeated fields and tampered cookies never get a server error."""
    answer = ODD_INPUT[case](alice, visitor, token())
    assert answer.status_code < 500, answer.status_code


@pytest.mark.rule("SEC-10", "AUTH-8")
@pytest.mark.parametrize(
    ("method", "url"),
    [("POST", "/"), ("POST", "/posts/{post}/"), ("POST", "/healthz"), ("GET", "/accounts/logout/")],
)
def test_wrong_methods_answer_405(alice, method, url):
    """A POST to a page, or a GET of sign-out, answers 405 and signs nobody out."""
    post = create_post(alice, f"Methods {token()}")
    data = session_tokens(alice, "/posts/new/") if method == "POST" else None
    answer = alice.request(method, url.format(post=post), data=data)
    assert answer.status_code == 405, answer.status_code
    assert signed_in_as(alice) == alice.username
