"""The admin (Django admin; Flask-Admin), driven through each app's adapter (ADMIN-1 to 12)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests import pages
from tests.actions import (
    PASSWORD,
    create_post,
    home,
    search_ids,
    session_tokens,
    signed_in_as,
    token,
    view_post,
)
from toolkit.browser import location

NEW_PASSWORD = "Copper-Meadow-6042"


def admin_user(app, staff) -> tuple[str, str]:
    """Return a user the admin created (made once per app): (username, password)."""
    if "admin-user" not in app.cache:
        username = f"made{token()}"
        answer = app.adapter.admin_create_user(staff, username, NEW_PASSWORD)
        assert answer.status_code in (302, 303), (answer.status_code, answer.text[:800])
        app.cache["admin-user"] = (username, NEW_PASSWORD)
    return app.cache["admin-user"]


def assert_no_admin(answer, adapter, secret: str, *, allow_forbidden: bool) -> None:
    """Check that an admin URL gave nothing: a sign-in redirect (or, for non-staff, a 403)."""
    if answer.status_code == 403 and allow_forbidden:
        pass
    else:
        path, _ = location(answer)
        assert path == adapter.admin_login_path, (str(answer.url), path)
    assert secret not in answer.text


@pytest.mark.rule("ADMIN-1")
def test_visitors_get_none_of_the_admin(visitor, adapter, alice):
    """A visitor opening any admin page is sent to the admin's sign-in and sees nothing of it."""
    tag = token()
    post = create_post(alice, f"Secret {tag}", status="draft")
    for url in adapter.admin_urls():
        assert_no_admin(visitor.get(url), adapter, tag, allow_forbidden=False)
    # Nor can they act: the bulk action, sent with the visitor's own CSRF token.
    url, fields = adapter.admin_bulk_action_request([post], "published")
    answer = visitor.post(url, data={**fields, **session_tokens(visitor)})
    assert answer.status_code in (302, 303, 400, 403), answer.status_code
    assert search_ids(visitor, tag) == []


@pytest.mark.rule("ADMIN-2")
def test_non_staff_get_none_of_the_admin(visitor, adapter, alice, bob):
    """A user who is not staff gets no admin page and cannot publish posts through it."""
    tag = token()
    post = create_post(bob, f"Secret {tag}", status="draft")
    for url in adapter.admin_urls():
        assert_no_admin(alice.get(url), adapter, tag, allow_forbidden=True)
    url, fields = adapter.admin_bulk_action_request([post], "published")
    answer = alice.post(url, data={**fields, **session_tokens(alice, "/posts/new/")})
    assert answer.status_code in (302, 303, 403), answer.status_code
    if answer.status_code != 403:
        assert location(answer)[0] == adapter.admin_login_path
    assert search_ids(visitor, tag) == []


@pytest.mark.rule("ADMIN-3")
def test_staff_see_every_post(adapter, staff, alice, bob):
    """Staff see every post in the admin, drafts too, with author, status and date."""
    tag = token()
    create_post(alice, f"Alice draft {tag}", status="draft")
    create_post(bob, f"Bob published {tag}")
    answer = adapter.admin_post_list(staff, q=tag)
    assert answer.status_code == 200
    assert sorted(adapter.admin_post_titles(answer)) == [
        f"Alice draft {tag}",
        f"Bob published {tag}",
    ]
    shown = pages.text(pages.soup(answer).body).lower()
    for word in (alice.username, bob.username, "draft", "published", str(datetime.now(UTC).year)):
        assert word.lower() in shown, word
    everything = adapter.admin_post_list(staff)
    assert everything.status_code == 200
    assert adapter.admin_post_titles(everything)


@pytest.mark.rule("ADMIN-4")
def test_staff_search_title_and_body(adapter, staff, alice, bob):
    """Staff searching the admin find posts by title or by body, in any case."""
    title_tag, body_tag = token(), token()
    create_post(alice, f"Needle {title_tag.upper()}", body="Plain body.", status="draft")
    create_post(bob, "Plain title", body=f"A needle {body_tag} in the body")
    for q in (title_tag, title_tag.upper()):
        titles = adapter.admin_post_titles(adapter.admin_post_list(staff, q=q))
        assert titles == [f"Needle {title_tag.upper()}"], q
    for q in (body_tag, body_tag.upper()):
        assert adapter.admin_post_titles(adapter.admin_post_list(staff, q=q)) == ["Plain title"]


@pytest.mark.rule("ADMIN-5")
def test_staff_filter_by_status_and_author(app, adapter, staff, alice, bob):
    """Staff narrow the admin's post list by status, by author, or both."""
    tag = token()
    create_post(alice, f"A1 {tag}", status="draft")
    create_post(alice, f"A2 {tag}", status="published")
    create_post(bob, f"B1 {tag}", status="published")
    alice_id = adapter.admin_user_id(staff, alice.username)
    bob_id = adapter.admin_user_id(staff, bob.username)

    def titles(**filters) -> list[str]:
        answer = adapter.admin_post_list(staff, q=tag, **filters)
        assert answer.status_code == 200, filters
        return sorted(adapter.admin_post_titles(answer))

    assert titles(status="draft") == [f"A1 {tag}"]
    assert titles(status="published") == [f"A2 {tag}", f"B1 {tag}"]
    assert titles(author_id=alice_id) == [f"A1 {tag}", f"A2 {tag}"]
    assert titles(author_id=bob_id) == [f"B1 {tag}"]
    assert titles(status="published", author_id=alice_id) == [f"A2 {tag}"]


@pytest.mark.rule("ADMIN-6")
def test_staff_sort_by_title_and_creation(adapter, staff, alice):
    """Staff sort the admin's post list by title or by creation time, either way."""
    tag = token()
    for letter in "BCA":
        create_post(alice, f"{letter} {tag}", status="draft")
    expected = {
        ("title", False): "ABC",
        ("title", True): "CBA",
        ("created", False): "BCA",
        ("created", True): "ACB",
    }
    for (order, descending), letters in expected.items():
        answer = adapter.admin_post_list(staff, q=tag, order=order, descending=descending)
        shown = "".join(title[0] for title in adapter.admin_post_titles(answer))
        assert shown == letters, (order, descending)


@pytest.mark.rule("ADMIN-7")
def test_staff_create_edit_and_delete_any_post(visitor, adapter, staff, alice, bob):
    """Staff write a post for any author, edit anyone's and delete them; the site follows."""
    tag = token()
    bob_id = adapter.admin_user_id(staff, bob.username)
    answer = adapter.admin_create_post(
        staff,
        title=f"Made by staff {tag}",
        body=f"Body {tag}",
        status="published",
        author_id=bob_id,
    )
    assert answer.status_code in (302, 303), (answer.status_code, answer.text[:800])
    [listed] = pages.listed_posts(home(visitor, q=f"Made by staff {tag}"))
    assert (listed.title, listed.author) == (f"Made by staff {tag}", bob.username)
    assert adapter.admin_post_ids(staff, f"Made by staff {tag}") == [listed.id]

    alices = create_post(alice, f"Alice wrote {tag}")
    answer = adapter.admin_edit_post(staff, alices, title=f"Staff edited {tag}")
    assert answer.status_code in (302, 303), (answer.status_code, answer.text[:800])
    shown = view_post(visitor, alices)
    assert (shown.title, shown.author) == (f"Staff edited {tag}", alice.username)

    for post in (listed.id, alices):
        answer = adapter.admin_delete_post(staff, post)
        assert answer.status_code in (302, 303), (answer.status_code, answer.text[:800])
        assert view_post(visitor, post) is None
    assert search_ids(visitor, tag) == []


@pytest.mark.rule("ADMIN-8")
def test_staff_publish_and_unpublish_many(visitor, adapter, staff, alice):
    """Staff publish several drafts at once, then unpublish some; the home list follows."""
    tag = token()
    posts = [create_post(alice, f"Bulk {n} {tag}", status="draft") for n in range(3)]
    answer = adapter.admin_set_status(staff, posts, "published")
    assert answer.status_code in (200, 302, 303), answer.status_code
    assert sorted(search_ids(visitor, tag)) == sorted(posts)
    answer = adapter.admin_set_status(staff, posts[:2], "draft")
    assert answer.status_code in (200, 302, 303), answer.status_code
    assert search_ids(visitor, tag) == [posts[2]]
    assert view_post(alice, posts[0]).status == "draft"


@pytest.mark.rule("ADMIN-9")
def test_staff_list_users_and_create_one_who_can_sign_in(app, adapter, staff, alice):
    """Staff see the users and add one, who can sign in to the site but has no admin."""
    listing = adapter.admin_user_list(staff)
    assert listing.status_code == 200
    assert alice.username in listing.text
    username, password = admin_user(app, staff)
    assert username in adapter.admin_user_list(staff).text
    browser = app.signed_in(username, password)
    assert signed_in_as(browser) == username
    assert not pages.has_link(browser.get("/"), "/admin/", cls="admin-link")


@pytest.mark.rule("ADMIN-9", "SEC-6")
def test_admin_created_password_is_stored_hashed(app, adapter, staff, database_url):
    """A password set in the admin is stored as a slow, salted hash, never as typed."""
    from tests.test_security import assert_slow_salted_hash

    username, password = admin_user(app, staff)
    assert_slow_salted_hash(app.name, adapter.stored_password(database_url, username), password)


@pytest.mark.rule("ADMIN-10")
def test_staff_make_a_user_staff(app, adapter, staff):
    """A user made staff in the admin can then sign in to it and sees the Admin link."""
    username, password, browser = app.make_user("promoted")
    assert browser.get(adapter.admin_urls()[0]).status_code != 200
    user_id = adapter.admin_user_id(staff, username)
    answer = adapter.admin_update_user(staff, user_id, is_staff=True)
    assert answer.status_code in (302, 303), (answer.status_code, answer.text[:800])
    promoted = app.browser()
    adapter.admin_login(promoted, username, password)
    listing = adapter.admin_post_list(promoted)
    assert listing.status_code == 200
    assert adapter.admin_post_titles(listing)
    assert pages.has_link(promoted.get("/"), "/admin/", "Admin", "admin-link")


@pytest.mark.rule("ADMIN-11", "SEC-7")
def test_admin_list_escapes_user_text(adapter, staff, alice):
    """Staff see markup in a post's title as text in the admin's list; no script runs."""
    tag = token()
    title = f'<script>alert("{tag}")</script> <b>bold</b> & more'
    create_post(alice, title, body=f"<img src=x onerror=alert(1)> {tag}", status="draft")
    answer = adapter.admin_post_list(staff, q=tag)
    assert answer.status_code == 200
    assert f'<script>alert("{tag}")' not in answer.text
    assert "<b>bold</b>" not in answer.text
    assert adapter.admin_post_titles(answer) == [title]


@pytest.mark.rule("ADMIN-12")
def test_staff_who_are_not_superusers_cannot_manage_users(app, adapter, staff):
    """A staff member who is not a superuser sees the users but cannot create or change one."""
    username, password, _ = app.make_user("editor")
    target, _, _ = app.make_user("target")
    answer = adapter.admin_update_user(staff, adapter.admin_user_id(staff, username), is_staff=True)
    assert answer.status_code in (302, 303), (answer.status_code, answer.text[:800])
    editor = app.browser()
    adapter.admin_login(editor, username, password)
    assert adapter.admin_user_list(editor).status_code == 200
    assert adapter.admin_post_list(editor).status_code == 200

    # The superuser's forms, sent back with the editor's own session and CSRF token.
    newcomer = f"made{token()}"
    created = adapter.admin_create_user(editor, newcomer, NEW_PASSWORD, form_from=staff)
    assert created.status_code in (302, 303, 403), created.status_code
    assert newcomer not in adapter.admin_user_list(staff).text
    target_id = adapter.admin_user_id(staff, target)
    changed = adapter.admin_update_user(editor, target_id, is_staff=True, form_from=staff)
    assert changed.status_code in (302, 303, 403), changed.status_code
    promoted = app.signed_in(target, PASSWORD)
    assert not pages.has_link(promoted.get("/"), "/admin/", cls="admin-link")
