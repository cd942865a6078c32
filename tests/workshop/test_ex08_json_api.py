"""Exercise 8: a JSON endpoint for posts (docs/workshop/08-json-endpoint.md).

`GET /api/posts/` answers `application/json`: `{"count", "next", "previous", "results"}`, the
published posts newest first, ten a page, `?page=N` as on the home page (READ-2, READ-3), `next`
and `previous` the URLs of the neighbouring pages or null. Each post is
`{"id", "title", "body", "author", "created", "url"}` (`created` in ISO 8601 with its time zone,
`url` its page's path). `GET /api/posts/<id>/` answers one post. A draft, an unknown id or a bad
page answers 404 with the JSON body `{"error": "Not found"}`.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.actions import create_post, token

pytestmark = pytest.mark.exercise(8)

FIELDS = {"id", "title", "body", "author", "created", "url"}


def json_of(answer, status: int = 200):
    assert answer.status_code == status, (answer.status_code, answer.text[:200])
    assert answer.headers["content-type"].split(";")[0] == "application/json"
    return answer.json()


def all_pages(browser) -> list[dict]:
    """Follow `next` from the first page; return every post listed."""
    found, url, seen = [], "/api/posts/", 0
    while url:
        page = json_of(browser.get(url))
        found += page["results"]
        url, seen = page["next"], seen + 1
        assert seen < 1000
    return found


def test_one_post(app, visitor, alice):
    title = f"Over the wire {token()}"
    post = create_post(alice, title, body="Line one.\nLine two <b>&</b>.")
    shown = json_of(visitor.get(f"/api/posts/{post}/"))
    assert set(shown) == FIELDS
    assert shown["id"] == post
    assert shown["title"] == title
    assert shown["body"].replace("\r\n", "\n") == "Line one.\nLine two <b>&</b>."
    assert shown["author"] == alice.username
    assert shown["url"] == f"/posts/{post}/"
    assert datetime.fromisoformat(shown["created"]).tzinfo is not None


def test_the_list_pages_published_posts_newest_first(app, visitor, alice):
    posts = [create_post(alice, f"Listed {n} {token()}") for n in range(11)]
    draft = create_post(alice, f"Hidden {token()}", status="draft")
    first = json_of(visitor.get("/api/posts/"))
    assert first["previous"] is None
    assert len(first["results"]) == 10
    assert first["count"] >= 11
    assert all(set(post) == FIELDS for post in first["results"])
    listed = all_pages(visitor)
    ids = [post["id"] for post in listed]
    assert len(ids) == len(set(ids)) == first["count"]
    assert draft not in ids
    assert [i for i in ids if i in posts] == posts[::-1]
    created = [datetime.fromisoformat(post["created"]) for post in listed]
    assert created == sorted(created, reverse=True)
    second = json_of(visitor.get(first["next"]))
    assert second["previous"] is not None
    assert json_of(visitor.get(second["previous"]))["results"] == first["results"]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999"])
def test_a_bad_page_is_not_found(app, visitor, page):
    assert json_of(visitor.get(f"/api/posts/?page={page}"), 404) == {"error": "Not found"}


def test_drafts_and_unknown_posts_are_not_found(app, visitor, alice):
    draft = create_post(alice, f"Secret {token()}", status="draft")
    for url in (f"/api/posts/{draft}/", "/api/posts/999999999/"):
        assert json_of(visitor.get(url), 404) == {"error": "Not found"}
    # Not even to the author: the API shows what is public.
    assert json_of(alice.get(f"/api/posts/{draft}/"), 404) == {"error": "Not found"}
