"""Reading posts: the home page, its pages and search, and one post's page (READ-1 to READ-8)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin

import pytest

from tests import pages
from tests.actions import (
    assert_page,
    create_post,
    delete_post,
    home,
    search_ids,
    token,
    view_post,
)

NOT_FOUND = (404, "Not found", "Not found | Posts")


def recent(moment: datetime) -> bool:
    """Tell whether an aware time is within a quarter of an hour of now."""
    assert moment.utcoffset() is not None, f"{moment} has no UTC offset"
    return abs(datetime.now(UTC) - moment) < timedelta(minutes=15)


def eleven_posts(app, author) -> tuple[str, list[int]]:
    """Return a tag and the ids (oldest first) of 11 published posts carrying it (made once)."""
    if "eleven" not in app.cache:
        tag = token()
        ids = [create_post(author, f"Page {n:02d} {tag}") for n in range(11)]
        app.cache["eleven"] = (tag, ids)
    return app.cache["eleven"]


@pytest.mark.rule("READ-1")
def test_home_lists_published_posts_newest_first(app, visitor, alice, bob):
    """Everyone sees the same published posts on the home page, newest first, and no drafts."""
    tag = token()
    first = create_post(alice, f"First {tag}")
    draft = create_post(alice, f"Draft {tag}", status="draft")
    second = create_post(bob, f"Second {tag}")
    third = create_post(alice, f"Third {tag}")

    for browser in (visitor, alice, bob):
        assert search_ids(browser, tag) == [third, second, first]

    answer = home(visitor)
    assert answer.status_code == 200
    listed = pages.listed_posts(answer)
    assert third in [post.id for post in listed]
    assert draft not in [post.id for post in listed]
    keys = [(post.created, post.id) for post in listed]
    assert keys == sorted(keys, reverse=True), "the home page is not newest first"
    assert [post.id for post in pages.listed_posts(home(alice))] == [post.id for post in listed]


@pytest.mark.rule("READ-1")
def test_own_drafts_are_not_listed(alice):
    """A user does not find their own draft in the home list."""
    tag = token()
    create_post(alice, f"My draft {tag}", status="draft")
    assert search_ids(alice, tag) == []


@pytest.mark.rule("READ-2")
def test_ten_posts_a_page_with_neighbour_links(app, visitor, alice):
    """Eleven posts make a page of ten and one of one; next and previous links keep the search."""
    tag, ids = eleven_posts(app, alice)
    newest_first = ids[::-1]

    first = home(visitor, q=tag)
    assert first.status_code == 200
    assert [post.id for post in pages.listed_posts(first)] == newest_first[:10]
    assert [post.id for post in pages.listed_posts(home(visitor, q=tag, page=1))] == (
        newest_first[:10]
    )
    nav = pages.pagination(first)
    assert nav is not None, "no pagination on a list of two pages"
    assert nav.prev is None
    assert nav.next is not None
    assert nav.current == "Page 1 of 2"
    assert pages.query_of(nav.next).get("q") == [tag], nav.next
    assert pages.query_of(nav.next).get("page") == ["2"], nav.next

    second = visitor.get(urljoin(str(first.url), nav.next))
    assert second.status_code == 200
    assert [post.id for post in pages.listed_posts(second)] == newest_first[10:]
    nav = pages.pagination(second)
    assert nav.next is None
    assert nav.prev is not None
    assert nav.current == "Page 2 of 2"
    assert pages.query_of(nav.prev).get("q") == [tag], nav.prev

    back = visitor.get(urljoin(str(second.url), nav.prev))
    assert [post.id for post in pages.listed_posts(back)] == newest_first[:10]


@pytest.mark.rule("READ-2")
def test_one_page_has_no_pagination(app, visitor, alice):
    """A list that fits on one page shows no page links."""
    tag, _ = eleven_posts(app, alice)
    answer = home(visitor, q=f"Page 00 {tag}")
    assert len(pages.listed_posts(answer)) == 1
    assert pages.pagination(answer) is None


@pytest.mark.rule("READ-3", "SEC-10")
@pytest.mark.parametrize(
    "page", ["0", "-1", "abc", "2.5", "3", "99999", "9" * 30, "1e1", "last", "0x1"]
)
def test_bad_page_numbers_are_not_found(app, visitor, alice, page):
    """A page number that is no page of the list (0, -1, abc, 2.5, past the end) shows Not found."""
    tag, _ = eleven_posts(app, alice)
    assert_page(home(visitor, q=tag, page=page), *NOT_FOUND)


@pytest.mark.rule("READ-3")
def test_first_page_of_an_empty_list(visitor):
    """A search with no posts shows page 1 saying there are none; its page 2 is not found."""
    missing = f"nothing {token()}"
    for page in (None, 1):
        answer = home(visitor, q=missing, page=page)
        assert answer.status_code == 200
        assert pages.listed_posts(answer) == []
        assert pages.empty_list(answer) == "No posts yet."
    assert home(visitor, q=missing, page=2).status_code == 404


@pytest.mark.rule("READ-4")
def test_search_title_or_body_ignoring_case(visitor, alice, bob):
    """A search finds published posts by title or body in any case, and shows the words again."""
    tag = token()
    in_title = create_post(alice, f"Mixed {tag.upper()} Case", body="Nothing to see.")
    in_body = create_post(bob, "A title without the word", body=f"The body hides {tag} here.")
    create_post(alice, f"Draft {tag}", status="draft")
    create_post(alice, "Unrelated", body=f"Near miss {tag[:-1]}")

    for q in (tag, tag.upper(), tag.capitalize()):
        answer = home(visitor, q=q)
        assert answer.status_code == 200
        assert [post.id for post in pages.listed_posts(answer)] == [in_body, in_title], q
        assert pages.search_value(answer) == q


@pytest.mark.rule("READ-4")
def test_empty_search_lists_everything(visitor, alice):
    """An empty search lists the same posts as the home page."""
    create_post(alice, f"Anything {token()}")
    everything = [post.id for post in pages.listed_posts(home(visitor))]
    answer = home(visitor, q="")
    assert answer.status_code == 200
    assert [post.id for post in pages.listed_posts(answer)] == everything
    assert everything


@pytest.mark.rule("READ-4")
def test_search_matching_nothing(visitor):
    """A search matching nothing shows the empty-list text and keeps the words in the search box."""
    q = f'nothing "{token()}" at all'
    answer = home(visitor, q=q)
    assert answer.status_code == 200
    assert pages.listed_posts(answer) == []
    assert pages.empty_list(answer) == "No posts yet."
    assert pages.soup(answer).select_one("ol.post-list") is None
    assert pages.search_value(answer) == q


@pytest.mark.rule("READ-5")
def test_listed_post_shows_title_link_author_and_time(visitor, alice):
    """Each listed post shows its title linking to its page, its author and when it was written."""
    tag = token()
    post = create_post(alice, f"Listed {tag}")
    [listed] = pages.listed_posts(home(visitor, q=tag))
    assert listed.id == post
    assert listed.title == f"Listed {tag}"
    assert listed.href == f"/posts/{post}/"
    assert listed.author == alice.username
    assert recent(listed.created)
    assert view_post(visitor, post).created == listed.created


@pytest.mark.rule("READ-6")
def test_published_post_page(visitor, alice, bob):
    """Anyone opening a published post sees its title, body, author, status and time."""
    tag = token()
    title = f"Readable {tag}"
    post = create_post(alice, title, body=f"First line {tag}\nSecond line")
    for browser in (visitor, bob, alice):
        answer = browser.get(f"/posts/{post}/")
        assert answer.status_code == 200
        assert pages.page_title(answer) == f"{title} | Posts"
        shown = pages.shown_post(answer)
        assert shown.id == post
        assert shown.title == title
        assert shown.author == alice.username
        assert shown.status == "published"
        assert shown.body.splitlines() == [f"First line {tag}", "Second line"]
        assert recent(shown.created)


@pytest.mark.rule("READ-7")
def test_draft_page_only_to_its_author(visitor, alice, bob):
    """Only its author can open a draft; visitors and other users see Not found."""
    post = create_post(alice, f"Secret draft {token()}", status="draft")
    shown = view_post(alice, post)
    assert shown is not None
    assert shown.status == "draft"
    for browser in (visitor, bob):
        assert_page(browser.get(f"/posts/{post}/"), *NOT_FOUND)


@pytest.mark.rule("READ-7")
def test_draft_page_hidden_from_staff_on_the_public_site(alice, staff):
    """Staff opening someone's draft on the public site see Not found."""
    post = create_post(alice, f"Secret draft {token()}", status="draft")
    assert_page(staff.get(f"/posts/{post}/"), *NOT_FOUND)


@pytest.mark.rule("READ-8", "SEC-10")
@pytest.mark.parametrize(
    "post",
    [
        "abc",
        "1abc",
        "1.5",
        "-1",
        "0",
        "2147483648",
        "9223372036854775807",
        "9223372036854775808",
        "99999999999999999999999999999999",
        "%C2%B2",  # a superscript two: a digit to some, not an id
    ],
)
def test_unknown_or_invalid_ids_are_not_found(visitor, post):
    """A post address with an unknown, negative, huge or non-numeric id shows Not found."""
    assert_page(visitor.get(f"/posts/{post}/"), *NOT_FOUND)


@pytest.mark.rule("READ-8")
def test_deleted_post_is_not_found(visitor, alice):
    """A deleted post's page shows Not found."""
    post = create_post(alice, f"Gone {token()}")
    assert delete_post(alice, post).status_code in (302, 303)
    assert_page(visitor.get(f"/posts/{post}/"), *NOT_FOUND)
