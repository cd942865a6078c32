"""Exercise 3: a new page, each author's posts (docs/workshop/03-add-a-page.md).

`GET /authors/<username>/` lists that author's published posts, newest first, with the markup of
the home page's list; the username is matched ignoring case, as at sign-in. An unknown author is
the app's 404 page. A post's page links its author's name to the author's page.
"""

from __future__ import annotations

import pytest

from tests import pages
from tests.actions import assert_page, create_post, token

pytestmark = pytest.mark.exercise(3)


@pytest.fixture
def author(app):
    """A new author with two published posts (made in this order)."""
    username, _, browser = app.make_user("author")
    titles = [create_post(browser, f"By {username} {n} {token()}") for n in (1, 2)]
    return username, browser, titles


def test_the_page_lists_the_authors_posts_newest_first(app, visitor, alice, author):
    username, _, posts = author
    create_post(alice, f"Someone else's {token()}")
    page = visitor.get(f"/authors/{username}/")
    assert page.status_code == 200
    assert pages.h1(page) == [f"Posts by {username}"]
    assert pages.page_title(page) == f"Posts by {username} | Posts"
    listed = pages.listed_posts(page)
    assert [post.id for post in listed] == posts[::-1]
    assert {post.author for post in listed} == {username}


def test_the_username_is_matched_ignoring_case(app, visitor, author):
    username, _, posts = author
    page = visitor.get(f"/authors/{username.upper()}/")
    assert page.status_code == 200
    assert [post.id for post in pages.listed_posts(page)] == posts[::-1]


def test_an_unknown_author_is_not_found(app, visitor):
    assert_page(visitor.get(f"/authors/nobody{token()}/"), 404, "Not found", "Not found | Posts")


def test_a_post_links_to_its_authors_page(app, visitor, author):
    username, _, posts = author
    page = visitor.get(f"/posts/{posts[0]}/")
    assert pages.has_link(page, f"/authors/{username}/", username)
