"""What the fuzz tests share (SEC-10): Hypothesis strategies of hostile values, bounded
settings, the fuzzing user and how an answer is read: accepted, refused, or a failure.

test_fuzz.py sends them to the public site, test_fuzz_admin.py to the admin and
test_fuzz_passwords.py to the password forms.
"""

from __future__ import annotations

import operator

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests import pages
from tests.actions import create_post, session_tokens, token, view_post
from tests.harness import FIGURES
from toolkit.browser import Browser
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


# -- the fuzzing user and its answers --------------------------------------------------------------


def sent(fields: dict) -> dict:
    """Return the fields a client sends: None left out, a list repeated."""
    return {name: value for name, value in fields.items() if value is not None}


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
        data = sent(fields)
        if browser is None:
            browser, data = self.browser, {**data, **self.tokens}
        return browser.post(url, data=data)


def fuzzer_of(app) -> Fuzzer:
    """Return this app's fuzzing user, made once per session."""
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
