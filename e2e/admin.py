"""Each admin as a browser drives it: the only framework-specific markup the journey reads.

The site's own pages follow shared_spec/MARKUP.md; the admins are the frameworks' own (Django's
admin; Flask-Admin), so their URLs, fields and bulk-action widgets differ and live here.
"""

from __future__ import annotations

import re

from playwright.sync_api import Dialog, Locator, Page, expect

ACTIONS = {"published": "publish", "draft": "unpublish"}


def answer_yes(page: Page) -> list[str]:
    """Accept the page's next confirm() dialog; return the list its question is written to."""
    questions: list[str] = []

    def accept(dialog: Dialog) -> None:
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    return questions


class Admin:
    """What the journey does in an admin: sign in, find and filter, bulk actions, edit, delete."""

    list_path: str
    status_labels = {"published": "Published", "draft": "Draft"}

    def sign_in(self, page: Page, username: str, password: str) -> None:
        raise NotImplementedError

    def search(self, page: Page, text: str) -> None:
        """Open the post list and search it, as staff type into its search box."""
        raise NotImplementedError

    def filter_status(self, page: Page, status: str) -> None:
        """Open the post list and keep the posts with this status, with the list's own filter."""
        raise NotImplementedError

    def row(self, page: Page, title: str) -> Locator:
        """Return the list row of the post with this title."""
        raise NotImplementedError

    def set_status(self, page: Page, title: str, status: str) -> None:
        """Tick the post's row and run the publish ("published") or unpublish action."""
        raise NotImplementedError

    def status_cell(self, page: Page, title: str) -> Locator:
        raise NotImplementedError

    def open_edit(self, page: Page, title: str) -> None:
        """Follow the post's link from the list to its edit form."""
        raise NotImplementedError

    def delete(self, page: Page, title: str) -> None:
        """Delete the post from the list, saying yes where the admin asks first."""
        raise NotImplementedError


class DjangoAdmin(Admin):
    list_path = "/admin/posts/post/"

    def sign_in(self, page, username, password):
        # The Django admin has its own sign-in page.
        page.goto("/admin/login/?next=/admin/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("#login-form [type=submit]")
        expect(page).to_have_url(re.compile(r"/admin/$"))

    def search(self, page, text):
        page.goto(self.list_path)
        page.fill("#searchbar", text)
        page.press("#searchbar", "Enter")
        expect(page.locator("#result_list")).to_be_visible()

    def filter_status(self, page, status):
        page.goto(self.list_path)
        label = self.status_labels[status]
        page.locator("#changelist-filter").get_by_role("link", name=label, exact=True).click()
        expect(page).to_have_url(re.compile(rf"status__exact={status}"))

    def row(self, page, title):
        return page.locator("#result_list tbody tr").filter(
            has=page.locator(".field-title", has_text=title)
        )

    def set_status(self, page, title, status):
        self.row(page, title).locator("input.action-select").check()
        page.select_option("#changelist-form select[name=action]", ACTIONS[status])
        page.click("#changelist-form button[name=index]")
        expect(page.locator("ul.messagelist li.success")).to_be_visible()

    def status_cell(self, page, title):
        return self.row(page, title).locator(".field-status")

    def open_edit(self, page, title):
        self.row(page, title).locator(".field-title a").click()
        expect(page.locator("#post_form")).to_be_visible()

    def delete(self, page, title):
        # No delete in the list's rows: the edit form's Delete link, then a page that asks.
        self.open_edit(page, title)
        page.click("#post_form a.deletelink")
        page.click("#content form[method=post] [type=submit]")
        expect(page.locator("ul.messagelist li.success")).to_contain_text("deleted successfully")


class FlaskAdmin(Admin):
    list_path = "/admin/post/"

    def sign_in(self, page, username, password):
        # Flask-Admin has no sign-in of its own: staff use the site's (MARKUP.md's) form.
        page.goto("/accounts/login/?next=/admin/")
        page.fill('.field[data-field="username"] [name="username"]', username)
        page.fill('.field[data-field="password"] [name="password"]', password)
        page.click("form[method=post]:not(.logout) button[type=submit]")
        expect(page).to_have_url(re.compile(r"/admin/$"))  # `next` followed, not refused
        expect(page.get_by_text(f"Signed in as {username}.")).to_be_visible()

    def search(self, page, text):
        page.goto(self.list_path)
        page.fill("input[name=search]", text)
        page.press("input[name=search]", "Enter")
        expect(page).to_have_url(re.compile(r"[?&]search="))
        # The row buttons ask through the admin's scripts, loaded at the end of the page: a click
        # before they run would post without the confirm() (seen on a loaded machine).
        page.wait_for_load_state()
        expect(page.locator("table.model-list")).to_be_visible()

    def filter_status(self, page, status):
        page.goto(self.list_path)
        page.click("a.dropdown-toggle:has-text('Add Filter')")
        page.click("a.filter:text-is('Status')")
        # The filter's value is a select2 widget: open it, pick the status, apply.
        label = self.status_labels[status]
        page.locator("#filter_form td:last-child .select2-container").click()
        page.click(f".select2-drop-active .select2-result-label:text-is('{label}')")
        page.click("#filter_form button[type=submit]")
        expect(page).to_have_url(re.compile(rf"status_equals={status}"))

    def row(self, page, title):
        return page.locator("table.model-list tbody tr").filter(
            has=page.locator("td.col-title", has_text=title)
        )

    def set_status(self, page, title, status):
        self.row(page, title).locator("input.action-checkbox").check()
        # The actions sit in the "With selected" menu and ask for a JavaScript confirm().
        questions = answer_yes(page)
        page.click("a.dropdown-toggle:has-text('With selected')")
        page.click(f"a.dropdown-item[data-bulk-action={ACTIONS[status]}]")
        expect(page.locator(".alert-success")).to_be_visible()
        assert questions, "the action posted without asking"

    def status_cell(self, page, title):
        return self.row(page, title).locator("td.col-status")

    def open_edit(self, page, title):
        # The row's pencil icon, and the title where it is a link too: both open the same form.
        self.row(page, title).locator('a[href*="/edit/?"]').first.click()
        expect(page.locator("form.admin-form")).to_be_visible()

    def delete(self, page, title):
        # The row's trash button asks with a JavaScript confirm() before it posts.
        questions = answer_yes(page)
        self.row(page, title).locator("button[title='Delete Record']").click()
        expect(page.locator(".alert-success")).to_contain_text("successfully deleted")
        assert questions == ["Are you sure you want to delete this record?"], questions


ADMINS: dict[str, type[Admin]] = {"django": DjangoAdmin, "flask": FlaskAdmin}
