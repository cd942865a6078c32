"""Exercise 3: a new page, each author's posts (docs/workshop/03-add-a-page.md).

`GET /authors/<username>/` lists that author's published posts, newest first, ten a page, with
the markup and the pagination of the home page's list; its pagination links stay on the author's
page. The username is matched ignoring case, as at sign-in, names with letters beyond ASCII
(Émile) included, and the page shows it as stored. An unknown author is the app's 404 page. A
post's page links its author's name to the author's page.
"""

from __future__ import annotations

from urllib.parse import quote, unquote, urljoin, urlsplit

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


def test_the_page_shows_the_username_as_stored(app, visitor, author):
    username, _, _ = author
    page = visitor.get(f"/authors/{username.upper()}/")
    assert page.status_code == 200
    assert pages.h1(page) == [f"Posts by {username}"], (
        f"/authors/{username.upper()}/ should show the name as stored ({username}), "
        "not as typed in the URL"
    )
    assert pages.page_title(page) == f"Posts by {username} | Posts"


def test_a_username_beyond_ascii_is_found_as_at_sign_in(app, visitor):
    """Émile's page answers for the name as stored and in capitals, as sign-in would."""
    username, _, browser = app.make_user("Émile")
    post = create_post(browser, f"Bonjour {token()}")
    for asked in (username, username.upper()):
        page = visitor.get(f"/authors/{quote(asked)}/")
        assert page.status_code == 200, (
            f"/authors/{asked}/ answered {page.status_code}: compare the username as sign-in "
            "does (lowered by the database on both sides), not with Python's str.lower()"
        )
        assert pages.h1(page) == [f"Posts by {username}"]
        assert [listed.id for listed in pages.listed_posts(page)] == [post]
    link = pages.soup(visitor.get(f"/posts/{post}/")).select_one("a.post-author")
    assert link is not None, "no a.post-author link on the post's page"
    assert unquote(link.get("href", "")) == f"/authors/{username}/"


def test_the_page_is_paged_and_its_links_stay_on_it(app, visitor):
    username, _, browser = app.make_user("prolific")
    newest_first = [create_post(browser, f"Page {n:02d} {token()}") for n in range(11)][::-1]
    first = visitor.get(f"/authors/{username}/")
    assert [post.id for post in pages.listed_posts(first)] == newest_first[:10]
    nav = pages.pagination(first)
    assert nav is not None, "no pagination on an author's page of 11 posts"
    assert nav.next, "no Next link on the first of an author's two pages"
    after = urljoin(str(first.url), nav.next)
    assert urlsplit(after).path == f"/authors/{username}/", (
        f"the Next link leads to {after}, off the author's page"
    )
    assert pages.query_of(nav.next).get("page") == ["2"], nav.next
    second = visitor.get(after)
    assert [post.id for post in pages.listed_posts(second)] == newest_first[10:]
    back = pages.pagination(second)
    assert back is not None, "no pagination on the author's second page"
    assert back.prev, "no Previous link on the author's second page"
    assert urlsplit(urljoin(after, back.prev)).path == f"/authors/{username}/", back.prev
    assert visitor.get(f"/authors/{username}/?page=3").status_code == 404


def test_an_unknown_author_is_not_found(app, visitor):
    assert_page(visitor.get(f"/authors/nobody{token()}/"), 404, "Not found", "Not found | Posts")


def test_a_post_links_to_its_authors_page(app, visitor, author):
    username, _, posts = author
    page = visitor.get(f"/posts/{posts[0]}/")
    assert pages.has_link(page, f"/authors/{username}/", username)
