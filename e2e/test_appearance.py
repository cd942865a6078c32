"""What the site looks like on the demo data `make run-django` and `make run-flask` load.

The journey's screenshots, in its order (build/screenshots/APP/; `make compare` shows them),
from a site of this module's own: the demo data alone, whatever the other tests added and in
whatever order they ran. The test checks that the home page lists the demo posts, newest first.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from e2e.conftest import demo_site
from e2e.pages import audit, field, sign_in, submit
from toolkit.paths import APP_DIRS

# The same file in both apps (tests/test_twins.py compares them).
DEMO = json.loads((APP_DIRS["django"] / "posts" / "demo_posts.json").read_text())
# The admins' lists beside their navigation and filters: at 1100 px Django's table scrolls sideways
# inside the page, and a screenshot shows it cut off.
ADMIN_VIEWPORT = {"width": 1440, "height": 900}


@pytest.fixture(scope="module")
def site(request, tmp_path_factory):
    """This module's own app on a fresh database holding the demo data and nothing else."""
    with demo_site(request.param, tmp_path_factory.mktemp(f"demo-{request.param}")) as served:
        yield served


def test_the_demo_site_in_the_journeys_order(site, new_page):
    """Home, sign in, a blank post's errors, a post; the admin's list and a post's edit form."""
    published = [post["title"] for post in reversed(DEMO["posts"]) if post["status"] == "published"]
    page = new_page()
    page.goto("/")
    expect(page.locator("ol.post-list li.post a.post-title")).to_have_text(published[:10])
    site.screenshot(page, "home")
    page.locator('a[href="/accounts/login/"]').click()
    audit(page)
    site.screenshot(page, "sign-in")

    sign_in(page, DEMO["users"][0]["username"], DEMO["password"])
    page.locator("a.new-post").click()
    # Whitespace passes the browser's `required` check, so the server's own errors show.
    field(page, "title").fill("   ")
    field(page, "body").fill("   ")
    submit(page)
    expect(page.locator('.field[data-field="title"] ul.errorlist li')).not_to_have_count(0)
    site.screenshot(page, "form-errors")
    page.goto("/")
    page.locator("ol.post-list li.post a.post-title", has_text=published[0]).click()
    expect(page.locator("article.post h1.post-title")).to_have_text(published[0])
    site.screenshot(page, "post")

    staff = new_page()
    staff.set_viewport_size(ADMIN_VIEWPORT)
    site.admin.sign_in(staff, *site.staff)
    staff.goto(site.admin.list_path)
    expect(site.admin.row(staff, published[0])).to_have_count(1)
    site.screenshot(staff, "admin-list")
    site.admin.open_edit(staff, published[0])
    expect(staff.locator("[name=title]")).to_have_value(published[0])
    site.screenshot(staff, "admin-edit")
