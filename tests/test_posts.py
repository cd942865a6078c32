"""Writing posts: create, validate, edit, delete, and who may (POST-1 to POST-8)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests import pages
from tests.actions import (
    assert_page,
    assert_sign_in_redirect,
    create_post,
    delete_post,
    edit_post,
    new_post,
    post_id,
    search_ids,
    session_tokens,
    token,
    view_post,
)
from toolkit.browser import location

FORBIDDEN = (403, "Forbidden", "Forbidden | Posts")
NOT_FOUND = (404, "Not found", "Not found | Posts")


def padded(prefix: str, length: int) -> str:
    """Return `prefix` padded with letters to exactly `length` characters."""
    return (prefix + " " + "x" * length)[:length]


@pytest.mark.rule("POST-1")
def test_visitors_are_sent_to_sign_in(app, visitor, alice):
    """A visitor opening or sending the new, edit or delete forms is sent to sign in; no change."""
    post = create_post(alice, f"Target {token()}")
    # The visitor's own CSRF token, so that only being signed out is at stake.
    tokens = session_tokens(visitor)
    assert_sign_in_redirect(visitor.get("/posts/new/"), "/posts/new/")
    assert_sign_in_redirect(
        visitor.post("/posts/new/", data={**tokens, "title": "x", "body": "x"}), "/posts/new/"
    )
    for path in (f"/posts/{post}/edit/", f"/posts/{post}/delete/"):
        assert_sign_in_redirect(visitor.get(path), path)
        answer = visitor.post(path, data={**tokens, "title": "Hijacked", "body": "x"})
        assert_sign_in_redirect(answer, path)
    assert view_post(visitor, post).title.startswith("Target ")


@pytest.mark.rule("POST-2")
def test_new_post_form(alice):
    """A user sees a new-post form: title, body and a status that starts as draft, all labelled."""
    answer = alice.get("/posts/new/")
    assert answer.status_code == 200
    assert pages.page_title(answer) == "New post | Posts"
    fields = set(pages.field_names(answer))
    # At least the post's own fields (a workshop exercise adds one) and none a user may not set.
    assert {"title", "body", "status"} <= fields
    assert not fields & {"author", "author_id", "id", "created", "updated", "is_staff"}
    assert pages.control(answer, "title").name == "input"
    assert pages.control(answer, "body").name == "textarea"
    assert pages.select_options(answer, "status") == ["draft", "published"]
    assert pages.field_value(answer, "status") == "draft"
    assert all(pages.label_matches(answer, name) for name in ("title", "body", "status"))
    assert pages.submit_buttons(answer)


@pytest.mark.rule("POST-2")
@pytest.mark.parametrize("status", ["published", "draft"])
def test_create_post(visitor, alice, status):
    """A user's new post opens on its page, told Post created; only a published one is listed."""
    tag = token()
    answer = new_post(alice, f"Created {tag}", f"Body of {tag}\nline two", status)
    post = post_id(answer)
    page = alice.follow(answer)
    assert page.status_code == 200
    assert pages.flash_texts(page) == ["Post created."]
    shown = pages.shown_post(page)
    assert (shown.id, shown.title, shown.author, shown.status) == (
        post,
        f"Created {tag}",
        alice.username,
        status,
    )
    assert shown.body.splitlines() == [f"Body of {tag}", "line two"]
    assert pages.flashes(alice.get(f"/posts/{post}/")) == [], "a flash is shown once"
    assert search_ids(visitor, tag) == ([post] if status == "published" else [])


REFUSED = {
    "blank title": ({"title": "   "}, {"title"}),
    "empty title": ({"title": ""}, {"title"}),
    "title of 201": ({"title": "{tag}:201"}, {"title"}),
    "blank body": ({"body": "  \n  "}, {"body"}),
    "empty body": ({"body": ""}, {"body"}),
    "body of 10001": ({"body": "{tag}:10001"}, {"body"}),
    "unknown status": ({"status": "archived"}, {"status"}),
    "empty status": ({"status": ""}, {"status"}),
    "all bad": ({"title": "{tag}:201", "body": " ", "status": "x"}, {"title", "body", "status"}),
}


def fill(value: str, tag: str) -> str:
    """Expand "{tag}:N" to a value of N characters carrying the tag."""
    if value.startswith("{tag}:"):
        return padded(tag, int(value.split(":")[1]))
    return value


@pytest.mark.rule("POST-3")
@pytest.mark.parametrize("case", list(REFUSED))
def test_invalid_new_post_is_refused(visitor, alice, case):
    """A blank or overlong title or body, or an unknown status, shows errors and writes no post."""
    tag = token()
    changes, bad = REFUSED[case]
    data = {"title": f"Refused {tag}", "body": f"Body {tag}", "status": "published"}
    data.update({name: fill(value, tag) for name, value in changes.items()})

    answer = alice.submit("/posts/new/", data)
    assert answer.status_code == 200, answer.status_code
    assert pages.page_title(answer) == "New post | Posts"
    assert set(pages.fields_in_error(answer)) == bad
    for name in ("title", "body"):
        if data[name].strip():
            assert pages.field_value(answer, name) == data[name], f"{name} not kept"
    if data["status"] in ("draft", "published"):
        assert pages.field_value(answer, "status") == data["status"]
    assert search_ids(visitor, tag) == [], "a refused form wrote a post"


@pytest.mark.rule("POST-3")
def test_limits_are_inclusive_and_titles_trimmed(visitor, alice):
    """A title of 200 and a body of 10,000 characters are accepted; spaces around the title go."""
    tag = token()
    title = padded(tag, 200)
    body = padded(tag, 10_000)
    post = create_post(alice, f"  {title}\t ", body)
    shown = view_post(visitor, post)
    assert shown.title == title
    assert shown.body == body
    assert search_ids(visitor, tag) == [post]


@pytest.mark.rule("POST-4")
def test_edit_post(visitor, alice):
    """The author sees the edit form filled in and saves changes; the creation date stays."""
    tag = token()
    post = create_post(alice, f"Before {tag}", "Old body", status="draft")
    created = view_post(alice, post).created

    form = alice.get(f"/posts/{post}/edit/")
    assert form.status_code == 200
    assert pages.page_title(form) == "Edit post | Posts"
    assert pages.field_value(form, "title") == f"Before {tag}"
    assert pages.field_value(form, "body") == "Old body"
    assert pages.field_value(form, "status") == "draft"

    answer = alice.submit(
        form, {"title": f"After {tag}", "body": "New body", "status": "published"}
    )
    assert post_id(answer) == post
    page = alice.follow(answer)
    assert pages.flash_texts(page) == ["Post updated."]
    shown = pages.shown_post(page)
    assert (shown.title, shown.body, shown.status) == (f"After {tag}", "New body", "published")
    assert shown.created == created, "editing changed the creation time"
    assert search_ids(visitor, tag) == [post]


@pytest.mark.rule("POST-4")
def test_unchanged_edit_form_saves_the_same_post(alice):
    """Saving the edit form unchanged keeps the post as it was, line breaks included."""
    tag = token()
    post = create_post(alice, f"Same {tag}", "Line one\nLine two")
    answer = alice.submit(f"/posts/{post}/edit/")
    assert post_id(answer) == post
    shown = view_post(alice, post)
    assert (shown.title, shown.body) == (f"Same {tag}", "Line one\nLine two")


@pytest.mark.rule("POST-4", "POST-3")
@pytest.mark.parametrize(
    ("changes", "bad"),
    [
        ({"title": " "}, {"title"}),
        ({"body": "{tag}:10001"}, {"body"}),
        ({"status": "deleted"}, {"status"}),
    ],
    ids=["blank title", "long body", "bad status"],
)
def test_invalid_edit_is_refused(alice, changes, bad):
    """An edit with a blank title, overlong body or bad status shows errors and changes nothing."""
    tag = token()
    post = create_post(alice, f"Kept {tag}", f"Kept body {tag}")
    data = {name: fill(value, tag) for name, value in changes.items()}
    answer = edit_post(alice, post, **data)
    assert answer.status_code == 200
    assert pages.page_title(answer) == "Edit post | Posts"
    assert set(pages.fields_in_error(answer)) == bad
    shown = view_post(alice, post)
    assert (shown.title, shown.body, shown.status) == (
        f"Kept {tag}",
        f"Kept body {tag}",
        "published",
    )


@pytest.mark.rule("POST-5")
def test_delete_post(visitor, alice):
    """The author confirms on a Delete page, lands home told Post deleted, and the post is gone."""
    tag = token()
    post = create_post(alice, f"Doomed {tag}")
    page = alice.get(f"/posts/{post}/delete/")
    assert page.status_code == 200
    assert pages.page_title(page) == "Delete post | Posts"
    assert f"Doomed {tag}" in pages.text(pages.soup(page).body)
    assert pages.submit_buttons(page) == ["Delete"]

    answer = alice.submit(page)
    assert location(answer) == ("/", {})
    assert pages.flash_texts(alice.follow(answer)) == ["Post deleted."]
    assert view_post(alice, post) is None
    assert search_ids(visitor, tag) == []


@pytest.mark.rule("POST-6", "OPS-5")
def test_another_users_published_post_is_forbidden(visitor, alice, bob):
    """Another user gets Forbidden on the edit and delete pages of a post not theirs; it stays."""
    tag = token()
    post = create_post(alice, f"Alice's {tag}", f"Alice's body {tag}")
    tokens = session_tokens(bob, "/posts/new/")
    for path in (f"/posts/{post}/edit/", f"/posts/{post}/delete/"):
        assert_page(bob.get(path), *FORBIDDEN)
        answer = bob.post(
            path, data={**tokens, "title": "Hijacked", "body": "x", "status": "draft"}
        )
        assert_page(answer, *FORBIDDEN)
    shown = view_post(visitor, post)
    assert (shown.title, shown.body, shown.status) == (
        f"Alice's {tag}",
        f"Alice's body {tag}",
        "published",
    )
    assert shown.edit_href is None
    assert shown.delete_href is None


@pytest.mark.rule("POST-6")
def test_another_users_draft_is_not_found(alice, bob):
    """Another user gets Not found on the edit and delete pages of someone's draft."""
    tag = token()
    post = create_post(alice, f"Alice's draft {tag}", status="draft")
    tokens = session_tokens(bob, "/posts/new/")
    for path in (f"/posts/{post}/edit/", f"/posts/{post}/delete/"):
        assert_page(bob.get(path), *NOT_FOUND)
        answer = bob.post(
            path, data={**tokens, "title": "Hijacked", "body": "x", "status": "draft"}
        )
        assert_page(answer, *NOT_FOUND)
    assert view_post(alice, post).title == f"Alice's draft {tag}"


@pytest.mark.rule("POST-6")
def test_unknown_post_is_not_found_for_edit_and_delete(alice):
    """Editing or deleting a deleted or unknown post shows Not found."""
    post = create_post(alice, f"Short-lived {token()}")
    delete_post(alice, post)
    tokens = session_tokens(alice, "/posts/new/")
    for path in (f"/posts/{post}/edit/", f"/posts/{post}/delete/", "/posts/99999999999/edit/"):
        assert_page(alice.get(path), *NOT_FOUND)
        assert_page(alice.post(path, data={**tokens, "title": "x", "body": "x"}), *NOT_FOUND)


EXTRA = {
    "author": "staff",
    "author_id": "1",
    "id": "987654321",
    "created": "2001-02-03T04:05:06+00:00",
    "is_staff": "on",
}


@pytest.mark.rule("POST-7")
def test_extra_fields_are_ignored_on_create(alice):
    """Fields like author, id or created added to a new post by hand change nothing."""
    tag = token()
    answer = new_post(alice, f"Extra {tag}", "Body", "published", **EXTRA)
    post = post_id(answer)
    assert post != int(EXTRA["id"])
    shown = view_post(alice, post)
    assert shown.author == alice.username
    assert abs(datetime.now(UTC) - shown.created) < timedelta(minutes=15)
    assert not pages.has_link(alice.get("/"), "/admin/", cls="admin-link")


@pytest.mark.rule("POST-7")
def test_extra_fields_are_ignored_on_edit(alice, bob):
    """Fields like author or id added to an edit by hand change no other post and no author."""
    tag = token()
    mine = create_post(alice, f"Mine {tag}")
    other = create_post(alice, f"Other {tag}")
    bobs = create_post(bob, f"Bob's {tag}")
    created = view_post(alice, mine).created
    extra = {**EXTRA, "author": bob.username, "id": str(bobs)}
    answer = edit_post(alice, mine, title=f"Mine edited {tag}", **extra)
    assert post_id(answer) == mine
    shown = view_post(alice, mine)
    assert (shown.title, shown.author, shown.created) == (
        f"Mine edited {tag}",
        alice.username,
        created,
    )
    assert view_post(alice, other).title == f"Other {tag}"
    assert view_post(bob, bobs).title == f"Bob's {tag}"
    assert view_post(bob, bobs).author == bob.username


@pytest.mark.rule("POST-8")
def test_publishing_is_a_status_change(visitor, alice):
    """Setting a post's status to published lists it for visitors; back to draft hides it again."""
    tag = token()
    post = create_post(alice, f"Status {tag}", status="draft")
    assert search_ids(visitor, tag) == []
    assert post_id(edit_post(alice, post, status="published")) == post
    assert search_ids(visitor, tag) == [post]
    assert view_post(visitor, post).status == "published"
    assert post_id(edit_post(alice, post, status="draft")) == post
    assert search_ids(visitor, tag) == []
    assert view_post(visitor, post) is None
