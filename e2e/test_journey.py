"""The journey of an author, another user and staff, in Chromium, once per app."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from e2e.pages import (
    PASSWORD,
    audit,
    field,
    flash,
    register,
    search,
    sign_in,
    sign_out,
    submit,
    token,
    write_post,
)


def test_author_writes_publishes_edits_and_deletes_a_post(site, new_page):
    """Sign up, sign out and in, draft, publish, find, edit and delete; another user can't edit."""
    page = new_page()
    username = f"author{token()}"
    register(page, username)
    sign_out(page)
    sign_in(page, username)
    tag = token()
    post_id = write_a_draft(page, f"Journey {tag}", tag)
    publish_and_find(page, post_id, f"Journey {tag}", tag)
    edited = f"Edited {tag}"
    page.locator("article.post a.post-edit").click()
    write_post(page, edited, "Changed body", "published")
    expect(flash(page)).to_have_text("Post updated.")
    expect(search(page, tag)).to_have_text([edited])
    another_user_cannot_edit(new_page(), post_id, edited)
    delete(page, post_id, edited, tag)


def write_a_draft(page: Page, title: str, tag: str) -> int:
    """Open the new-post form, see the server's errors for blanks, then save a draft."""
    page.locator("a.new-post").click()
    expect(page).to_have_title("New post | Posts")
    audit(page)
    expect(field(page, "status")).to_have_value("draft")
    # Whitespace passes the browser's `required` check, so the server's own errors show.
    field(page, "title").fill("   ")
    field(page, "body").fill("   ")
    submit(page)
    expect(page.locator('.field[data-field="title"] ul.errorlist li')).not_to_have_count(0)
    audit(page)
    post_id = write_post(page, title, f"First line {tag}\nSecond line", "draft")
    expect(flash(page)).to_have_text("Post created.")
    audit(page)
    expect(search(page, tag)).to_have_count(0)  # a draft is not listed, even to its author
    return post_id


def publish_and_find(page: Page, post_id: int, title: str, tag: str) -> None:
    """Publish the draft, see it on the home page, find it by search and open it."""
    page.goto(f"/posts/{post_id}/")
    page.locator("article.post a.post-edit").click()
    expect(page).to_have_title("Edit post | Posts")
    audit(page)
    write_post(page, title, f"First line {tag}\nSecond line", "published")
    expect(flash(page)).to_have_text("Post updated.")
    expect(page.locator("article.post .post-body")).to_contain_text("Second line")

    page.goto("/")
    expect(page).to_have_title("Posts")
    expect(
        page.locator(f'ol.post-list li.post[data-post-id="{post_id}"] a.post-title')
    ).to_have_text(title)
    audit(page)
    found = search(page, tag)
    expect(found).to_have_text([title])
    audit(page)
    found.first.click()
    expect(page).to_have_url(re.compile(rf"/posts/{post_id}/$"))


def another_user_cannot_edit(other: Page, post_id: int, title: str) -> None:
    """Another user sees the post without Edit and Delete links; its edit URL is refused."""
    register(other, f"reader{token()}")
    other.goto(f"/posts/{post_id}/")
    expect(other.locator("article.post h1.post-title")).to_have_text(title)
    expect(other.locator("article.post a.post-edit, article.post a.post-delete")).to_have_count(0)
    answer = other.goto(f"/posts/{post_id}/edit/")
    assert answer.status == 403
    expect(other.locator("h1")).to_have_text("Forbidden")
    audit(other)
    other.goto(f"/posts/{post_id}/")
    expect(other.locator("article.post h1.post-title")).to_have_text(title)


def delete(page: Page, post_id: int, title: str, tag: str) -> None:
    """Delete the post after its confirmation page; it is gone from search and its URL."""
    page.goto(f"/posts/{post_id}/")
    page.locator("article.post a.post-delete").click()
    expect(page).to_have_title("Delete post | Posts")
    expect(page.locator("body")).to_contain_text(title)
    audit(page)
    submit(page)
    expect(flash(page)).to_have_text("Post deleted.")
    expect(search(page, tag)).to_have_count(0)
    expect(page.locator("p.empty")).to_have_text("No posts yet.")
    assert page.goto(f"/posts/{post_id}/").status == 404
    expect(page.locator("h1")).to_have_text("Not found")
    audit(page)


def test_staff_filter_publish_unpublish_and_delete_in_the_admin(site, new_page, csp_violations):
    """Staff filter the admin's list, publish and unpublish a draft in bulk, then delete it."""
    author = new_page()
    register(author, f"drafter{token()}")
    tag = token()
    title = f"Admin {tag}"
    author.locator("a.new-post").click()
    post_id = write_post(author, title, "Waiting for staff", "draft")

    visitor = new_page()
    expect(search(visitor, tag)).to_have_count(0)

    staff = new_page()
    site.admin.sign_in(staff, *site.staff)
    site.admin.filter_status(staff, "draft")
    expect(site.admin.row(staff, title)).to_have_count(1)
    site.admin.search(staff, tag)
    expect(site.admin.row(staff, title)).to_have_count(1)
    expect(site.admin.status_cell(staff, title)).to_have_text(
        site.admin.status_labels["draft"], ignore_case=True
    )

    site.admin.set_status(staff, title, "published")
    site.admin.search(staff, tag)
    expect(site.admin.status_cell(staff, title)).to_have_text(
        site.admin.status_labels["published"], ignore_case=True
    )
    expect(search(visitor, tag)).to_have_text([title])
    visitor.goto(f"/posts/{post_id}/")
    expect(visitor.locator("article.post .post-status")).to_have_text("published")

    site.admin.set_status(staff, title, "draft")
    expect(search(visitor, tag)).to_have_count(0)
    assert visitor.goto(f"/posts/{post_id}/").status == 404

    site.admin.search(staff, tag)
    site.admin.open_edit(staff, title)
    expect(staff.locator("[name=title]")).to_have_value(title)

    site.admin.search(staff, tag)
    site.admin.delete(staff, title)
    expect(site.admin.row(staff, title)).to_have_count(0)  # back on the list, without it
    assert author.goto(f"/posts/{post_id}/").status == 404
    # The admin's scripts ran under its Content-Security-Policy: the policy refused nothing.
    assert not csp_violations, csp_violations


def test_keyboard_only_sign_in(site, new_page):
    """From the home page, reach and fill the sign-in form with Tab, typing and Enter only."""
    username = f"keys{token()}"
    register(new_page(), username)

    page = new_page()
    page.goto("/")
    tab_to(page, page.locator('a[href="/accounts/login/"]'))
    page.keyboard.press("Enter")
    expect(page).to_have_title("Sign in | Posts")
    audit(page)
    tab_to(page, field(page, "username"))  # no Tab at all when the field has autofocus
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    expect(field(page, "password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(flash(page)).to_have_text(f"Signed in as {username}.")
    expect(page.locator(".current-user")).to_have_text(username)


def tab_to(page: Page, target: Locator, limit: int = 15) -> None:
    """Press Tab until `target` has the focus; fail if it is not reached in `limit` presses."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    expect(target).to_be_focused()
