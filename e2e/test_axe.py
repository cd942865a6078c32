"""What a person sees: axe-core on every public page and on the admin's main pages, once per app.

Apart from the journey, so that an accessibility finding never hides (or is hidden by) a broken
step; all results go to build/axe.json.
"""

from __future__ import annotations

from playwright.sync_api import expect

from e2e.pages import (
    PASSWORD,
    field,
    register,
    search,
    sign_out,
    submit,
    token,
    write_post,
)


def test_public_pages_have_no_axe_violation(site, new_page, axe):
    """A visitor's and an author's pages, forms with errors and the 404 page: no violation."""
    page = axe.prepare(new_page())
    page.goto("/accounts/register/")
    axe.check(page, "sign-up")
    field(page, "username").fill(f"typo{token()}")
    field(page, "email").fill(f"typo{token()}@example.com")
    field(page, "password1").fill(PASSWORD)
    field(page, "password2").fill(f"{PASSWORD}-not-the-same")
    submit(page)
    expect(page.locator(".field ul.errorlist li, ul.errorlist.nonfield li")).not_to_have_count(0)
    axe.check(page, "sign-up-errors")

    register(page, f"seen{token()}")
    page.locator("a.new-post").click()
    axe.check(page, "new-post")
    # Whitespace passes the browser's `required` check, so the server's own errors show.
    field(page, "title").fill("   ")
    field(page, "body").fill("   ")
    submit(page)
    expect(page.locator('.field[data-field="title"] ul.errorlist li')).not_to_have_count(0)
    axe.check(page, "new-post-errors")
    tag = token()
    post_id = write_post(page, f"Seen {tag}", f"A body {tag}\non two lines", "published")
    axe.check(page, "post")

    page.goto("/")
    axe.check(page, "home")
    expect(search(page, tag)).to_have_count(1)
    axe.check(page, "search")
    page.goto(f"/posts/{post_id}/edit/")
    axe.check(page, "edit")
    page.goto(f"/posts/{post_id}/delete/")
    axe.check(page, "delete")
    page.locator("a.password-change").click()
    axe.check(page, "password-change")
    assert page.goto("/posts/999999999/").status == 404
    axe.check(page, "not-found")
    sign_out(page)
    page.goto("/accounts/login/")
    axe.check(page, "sign-in")
    page.locator("a.password-reset").click()
    axe.check(page, "password-reset")
    field(page, "email").fill(f"nobody{token()}@example.com")
    submit(page)
    expect(page.locator("h1")).to_have_text("Check your email")
    axe.check(page, "password-reset-done")

    verdict = axe.verdict()
    assert not verdict, verdict


def test_admin_pages_have_no_serious_axe_violation(site, new_page, axe):
    """The admin's home, post list and post edit form: nothing serious or critical."""
    author = new_page()
    register(author, f"listed{token()}")
    author.locator("a.new-post").click()
    title = f"Admin axe {token()}"
    write_post(author, title, "For the admin's list", "draft")

    staff = axe.prepare(new_page())
    site.admin.sign_in(staff, *site.staff)
    axe.check(staff, "admin-home", admin=True)
    site.admin.search(staff, title)
    expect(site.admin.row(staff, title)).to_have_count(1)
    axe.check(staff, "admin-list", admin=True)
    site.admin.open_edit(staff, title)
    axe.check(staff, "admin-edit", admin=True)

    verdict = axe.verdict()
    assert not verdict, verdict
