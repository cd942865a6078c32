"""Exercise 6: customise the admin's post list (docs/workshop/06-customise-the-admin.md).

Staff find posts by their author's username in the admin list's search box, besides title and body
(ADMIN-4).
"""

from __future__ import annotations

import pytest

from tests.actions import create_post, token

pytestmark = pytest.mark.exercise(6)


def test_staff_search_posts_by_author(app, adapter, staff, alice):
    username, _, browser = app.make_user("writer")
    mine = [f"Plain title {token()}" for _ in range(2)]
    for title in mine:
        create_post(browser, title, body="Nothing to see.", status="draft")
    create_post(alice, f"Someone else's {token()}")
    found = adapter.admin_post_titles(adapter.admin_post_list(staff, q=username))
    assert sorted(found) == sorted(mine)


def test_the_author_search_ignores_case(app, adapter, staff):
    username, _, browser = app.make_user("writer")
    title = f"Plain title {token()}"
    create_post(browser, title, body="Nothing to see.")
    answer = adapter.admin_post_list(staff, q=username.upper())
    assert adapter.admin_post_titles(answer) == [title]
