"""Exercise 1: follow one request end to end, and time it (docs/workshop/01-trace-a-request.md).

Every answer carries `Server-Timing: app;dur=MILLISECONDS`, the time the app spent on it, measured
where the request enters the app and where the answer leaves it.
"""

from __future__ import annotations

import re

import pytest

from tests.actions import create_post, token

pytestmark = pytest.mark.exercise(1)

TIMING = re.compile(r"^app;dur=(\d+(?:\.\d+)?)$")


def app_duration(answer) -> float:
    """Return the `app` duration of an answer's Server-Timing header, in milliseconds."""
    header = answer.headers.get("server-timing")
    assert header is not None, f"no Server-Timing header on {answer.request.url}"
    found = TIMING.match(header.strip())
    assert found, f"Server-Timing should read app;dur=<ms>, not {header!r}"
    return float(found.group(1))


def test_pages_report_their_time(app, visitor, alice):
    post = create_post(alice, f"Timed {token()}")
    for url in ("/", f"/posts/{post}/", "/accounts/login/", "/healthz"):
        answer = visitor.get(url)
        assert answer.status_code == 200, url
        assert 0 <= app_duration(answer) < 60_000, url


def test_refusals_and_redirects_report_their_time_too(app, visitor):
    """The header is added on the way out of the app, whatever the view answered."""
    assert visitor.get("/no-such-page/").status_code == 404
    app_duration(visitor.get("/no-such-page/"))
    redirect = visitor.get("/posts/new/")
    assert redirect.status_code in (302, 303)
    app_duration(redirect)


def test_a_slower_page_reports_a_longer_time(app, visitor, alice):
    """The duration is measured, not a constant: the figures vary from answer to answer."""
    for _ in range(3):
        create_post(alice, f"Timed {token()}")
    durations = {app_duration(visitor.get("/")) for _ in range(5)}
    assert len(durations) > 1, f"five answers, one duration: {durations}"
