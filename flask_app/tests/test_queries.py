"""The pages that list or show posts run a fixed number of SQL queries, however many posts exist."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from app.extensions import db
from app.models import PUBLISHED, Post
from tests.conftest import login


@contextmanager
def counting_queries(app):
    """Count the statements the app sends to the database while the block runs."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def add_posts(app, count, author_ids):
    """Add `count` published posts, shared between the authors."""
    with app.app_context():
        db.session.add_all(
            Post(
                title=f"Post {n}",
                body=f"Body {n}.",
                author_id=author_ids[n % len(author_ids)],
                status=PUBLISHED,
            )
            for n in range(count)
        )
        db.session.commit()


def queries(app, client, url):
    with counting_queries(app) as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


# 4 then 12 posts: fewer than a page (10 on the site, 25 in the admin) then more, so a query
# per listed post would show as a different count.
@pytest.mark.parametrize("url", ["/", "/?q=post", "/posts/1/", "/admin/post/"])
def test_queries_do_not_grow_with_the_number_of_posts(app, client, make_user, alice, bob, url):
    make_user("staffer", is_staff=True)
    login(client, "staffer")
    add_posts(app, 4, [alice, bob])
    queries(app, client, url)  # the first request fills per-process caches
    with_few = queries(app, client, url)
    add_posts(app, 8, [alice, bob])
    assert queries(app, client, url) == with_few


def test_the_home_page_runs_a_known_number_of_queries(app, client, alice):
    add_posts(app, 25, [alice])
    # The BEGIN the app sends itself (app.extensions), one SELECT of the page's posts joined to
    # their authors, one COUNT for the paginator.
    with counting_queries(app) as statements:
        assert client.get("/").status_code == 200
    assert [s.split()[0] for s in statements] == ["BEGIN", "SELECT", "SELECT"]
    assert "count(" in statements[2].lower()


def test_a_post_page_loads_the_post_and_its_author_in_one_query(app, client, alice, make_post):
    post = make_post(alice)
    with counting_queries(app) as statements:
        assert client.get(f"/posts/{post}/").status_code == 200
    # The BEGIN, then one SELECT of the post joined to its author (no second for the author).
    assert [s.split()[0] for s in statements] == ["BEGIN", "SELECT"]
    assert "JOIN users" in statements[1]


def test_creating_a_post_reads_nothing_after_the_commit(app, client, alice):
    login(client, "alice")
    form = {"title": "New", "body": "Text.", "status": PUBLISHED}
    with counting_queries(app) as statements:
        answer = client.post("/posts/new/", data=form)
    assert answer.status_code == 302
    # The signed-in user, then the INSERT; the new post's id and the user are not read again.
    assert [s.split()[0] for s in statements] == ["BEGIN", "SELECT", "INSERT"]


def test_the_search_compares_without_lower_on_sqlite(app, client, alice, make_post):
    make_post(alice, "Mixed CASE title")
    with counting_queries(app) as statements:
        answer = client.get("/?q=case")
    assert "Mixed CASE title" in answer.get_data(as_text=True)
    # SQLite's LIKE ignores case by itself: no lower() on every row's title and body.
    [search, _count] = statements[1:]
    assert " LIKE " in search
    assert "lower(" not in search
