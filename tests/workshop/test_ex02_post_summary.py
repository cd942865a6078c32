"""Exercise 2: a new field on Post, with its migration (docs/workshop/02-add-a-field.md).

A post has an optional `summary` of at most 300 characters, written in the post form and shown as
`p.post-summary` on the post's page and under its title in lists.
"""

from __future__ import annotations

import pytest

from tests import pages
from tests.actions import create_post, edit_post, home, new_post, post_id, search_ids, token

pytestmark = pytest.mark.exercise(2)


def summary_on_page(browser, post: int) -> str | None:
    page = browser.get(f"/posts/{post}/")
    assert page.status_code == 200
    return pages.text(pages.soup(page).select_one("article.post p.post-summary"))


def summary_in_list(browser, q: str, post: int) -> str | None:
    item = pages.soup(home(browser, q=q)).select_one(f'li.post[data-post-id="{post}"]')
    assert item is not None, f"post {post} is not listed for q={q!r}"
    return pages.text(item.select_one("p.post-summary"))


def test_the_form_has_a_summary_field(app, alice):
    page = alice.get("/posts/new/")
    assert "summary" in pages.field_names(page)
    assert pages.label_matches(page, "summary")


def test_a_summary_is_shown_on_the_page_and_in_lists(app, visitor, alice):
    title = f"Summarised {token()}"
    answer = new_post(alice, title, summary="  The short of it.  ")
    assert answer.status_code in (302, 303), pages.fields_in_error(answer)
    post = post_id(answer)
    assert summary_on_page(visitor, post) == "The short of it."
    assert summary_in_list(visitor, title, post) == "The short of it."


def test_the_summary_is_optional_and_editable(app, visitor, alice):
    title = f"Unsummarised {token()}"
    post = create_post(alice, title)
    assert summary_on_page(visitor, post) is None
    assert summary_in_list(visitor, title, post) is None
    assert edit_post(alice, post, summary="Added later.").status_code in (302, 303)
    assert summary_on_page(visitor, post) == "Added later."
    assert pages.field_value(alice.get(f"/posts/{post}/edit/"), "summary") == "Added later."


def what_the_user_saw(answer) -> str:
    """Say in words what a form's answer showed: a redirect (the post was saved), or a page."""
    if answer.status_code in (302, 303):
        return f"was taken to {answer.headers.get('location')}: the post was saved"
    return f"got a {answer.status_code} page"


def test_a_summary_over_300_characters_is_refused(app, alice):
    title = f"Too long {token()}"
    answer = new_post(alice, title, summary="x" * 301)
    assert answer.status_code == 200, (
        "a summary of 301 characters should be refused, the form shown again (200) with an error"
        f" on summary; the user {what_the_user_saw(answer)} (is max_length / Length(max=300) set?)"
    )
    assert pages.fields_in_error(answer) == ["summary"], (
        f"the form shows errors on {pages.fields_in_error(answer)}, not on summary alone"
    )
    assert search_ids(alice, title) == []
    assert new_post(alice, title, summary="x" * 300).status_code in (302, 303)


def test_a_summary_is_escaped(app, visitor, alice):
    title = f"Escaped {token()}"
    answer = new_post(alice, title, summary="<b>bold</b> & more")
    post = post_id(answer)
    page = visitor.get(f"/posts/{post}/")
    assert summary_on_page(visitor, post) == "<b>bold</b> & more"
    assert "<b>bold</b>" not in page.text
