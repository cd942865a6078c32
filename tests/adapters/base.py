"""What the shared suite needs to know about one app: the only framework-specific knowledge.

Each adapter (`django.py`, `flask.py`) subclasses `Adapter`, which adds the admin to how
`toolkit.apps` builds and starts the app. The suite speaks HTTP through `toolkit.browser.Browser`;
an adapter drives the app's admin, whose URLs and form fields are each framework's own: the
methods here that each admin shares are written once, from the URLs and fields an adapter names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from toolkit.apps import App
from toolkit.browser import Browser, form_values, hidden_inputs, html, token_inputs


@dataclass(frozen=True)
class AdminRequest:
    """A request of the admin's that takes a target to redirect to (SEC-8)."""

    what: str  # e.g. "edit form, saved"
    method: str  # "GET" or "POST"
    url: str
    data: dict = field(default_factory=dict)  # form fields, without the CSRF token
    creates: str | None = None  # the title of the post it creates, if it creates one


class Adapter(App):
    """An app as the suite drives it: how it is built (App) and how its admin is reached."""

    csrf_failure_status: int  # 403 for Django, 400 for Flask-WTF
    admin_login_path: str  # where the admin sends visitors to sign in
    admin_login_form: str  # the sign-in form on that page (a CSS selector)
    admin_post_form: str  # the admin's form of a post, new or edited (a CSS selector)
    admin_user_form: str  # the admin's form of a user, new or edited
    admin_user_list_url: str
    admin_checkbox_on: str  # what a ticked box of the admin's forms sends
    admin_continue_field: str  # the field of "save and continue editing"
    # AUTH-8: whether signing out in one browser signs the user out of all (None: either).
    sign_out_ends_every_session: bool | None = None

    # -- the admin ---------------------------------------------------------------------------

    def admin_login(self, browser: Browser, username: str, password: str) -> None:
        """Sign a staff user in so that the admin answers (Django: its own login page)."""
        answer = browser.submit(
            f"{self.admin_login_path}?next=/admin/",
            {"username": username, "password": password},
            form=self.admin_login_form,
        )
        assert answer.status_code in (302, 303), (answer.status_code, answer.text[:500])
        assert browser.get("/admin/").status_code == 200

    def admin_urls(self) -> list[str]:
        """Return admin URLs that must be closed to visitors and non-staff (index, lists, forms)."""
        raise NotImplementedError

    def admin_post_list(
        self,
        browser: Browser,
        *,
        q: str | None = None,
        status: str | None = None,
        author_id: int | None = None,
        order: str | None = None,
        descending: bool = False,
    ) -> httpx.Response:
        """GET the admin's post list; `order` is "title" or "created"."""
        raise NotImplementedError

    def admin_post_titles(self, response: httpx.Response) -> list[str]:
        """Return the post titles of an admin list page, in the order shown."""
        raise NotImplementedError

    def admin_user_id(self, browser: Browser, username: str) -> int:
        """Find a user's id through the admin's user list."""
        raise NotImplementedError

    def admin_listed_posts(self, browser: Browser, q: str) -> list[tuple[int, str]]:
        """Return the id and title of each post on the first page of an admin search."""
        raise NotImplementedError

    def admin_post_ids(self, browser: Browser, title: str) -> list[int]:
        """Find the ids of posts with this exact title through the admin's post list."""
        return [
            post_id for post_id, shown in self.admin_listed_posts(browser, title) if shown == title
        ]

    def admin_create_post(
        self, browser: Browser, *, title: str, body: str, status: str, author_id: int
    ) -> httpx.Response:
        """Create a post in the admin; return the answer to the POST (not followed)."""
        return browser.submit(
            self.admin_post_form_url(),
            {"title": title, "body": body, "status": status, "author": str(author_id)},
            form=self.admin_post_form,
        )

    def admin_edit_post(self, browser: Browser, post_id: int, **changes: str) -> httpx.Response:
        """Change some fields of a post in the admin's edit form; return the POST's answer."""
        form_url = self.admin_post_form_url(post_id)
        return browser.submit(form_url, changes, form=self.admin_post_form)

    def admin_delete_post(self, browser: Browser, post_id: int) -> httpx.Response:
        """Delete a post in the admin (confirming where the admin asks); return the answer."""
        raise NotImplementedError

    def admin_set_status(
        self, browser: Browser, post_ids: list[int], status: str
    ) -> httpx.Response:
        """Run the bulk publish ("published") or unpublish ("draft") action on posts."""
        raise NotImplementedError

    def admin_bulk_action_request(
        self, post_ids: list[int], status: str
    ) -> tuple[str, dict[str, list[str]]]:
        """Return the URL and form fields (no CSRF token) of the bulk action, for CSRF tests."""
        raise NotImplementedError

    def admin_user_list(self, browser: Browser) -> httpx.Response:
        """GET the admin's user list."""
        return browser.get(self.admin_user_list_url)

    def admin_confirmation_pages(self, browser: Browser, post_id: int) -> list[httpx.Response]:
        """Open the pages where the admin asks to confirm deleting a post, alone and in bulk.

        Django's admin asks on pages of its own; an admin that asks in the browser's confirm()
        dialog, as Flask-Admin does, has none (e2e/ clicks through those).
        """
        return []

    def admin_search_post_ids(self, browser: Browser, q: str) -> list[int]:
        """Return the ids of the posts on the first page of an admin search (title or body)."""
        return [post_id for post_id, _ in self.admin_listed_posts(browser, q)]

    def admin_post_form_url(self, post_id: int | None = None) -> str:
        """Return the URL of the admin's new-post form, or of a post's edit form."""
        raise NotImplementedError

    def admin_user_form_url(self, user_id: int | None = None) -> str:
        """Return the URL of the admin's new-user form, or of a user's edit form."""
        raise NotImplementedError

    def admin_post_fields(self, browser: Browser, post_id: int) -> dict[str, str]:
        """Return a post's title, body, status and author (an id) as its admin edit form shows."""
        page = browser.get(self.admin_post_form_url(post_id))
        return post_form_fields(page, self.admin_post_form)

    def admin_form_errors(self, response: httpx.Response) -> list[str]:
        """Return the errors an admin form page shows (empty when it shows none)."""
        raise NotImplementedError

    def admin_list_parameters(self) -> dict[str, tuple[str, ...]]:
        """Return each admin list page with its query parameters: search, page, sort, filters."""
        raise NotImplementedError

    def admin_redirect_requests(
        self, target: str, *, post_id: int, author_id: int, title: str
    ) -> list[AdminRequest]:
        """Return every admin request that takes a redirect target, with `target` as that target.

        Sent by staff (with their CSRF token); `post_id` is a post they may edit, `author_id` the
        author of the posts they create, titled `title`. The admin's sign-in and sign-out take
        `next` too: see `admin_sign_out`. The post's forms, new and edited, are each admin's;
        `admin_other_redirect_requests` adds the rest.
        """
        query = self.admin_return_query(target)
        add = with_query(self.admin_post_form_url(), query)
        edit = with_query(self.admin_post_form_url(post_id), query)
        fields = {"body": f"Body of {title}", "status": "draft", "author": str(author_id)}
        edited = {**fields, "title": f"Edited {title}", self.admin_continue_field: "1"}
        return [
            AdminRequest("new-post form", "GET", add),
            AdminRequest("new-post form, saved", "POST", add, {**fields, "title": title}, title),
            AdminRequest("edit form", "GET", edit),
            AdminRequest("edit form, saved", "POST", edit, edited),
            *self.admin_other_redirect_requests(target, query, post_id),
        ]

    def admin_return_query(self, target: str) -> str:
        """Return the query string that gives the admin's pages `target` to return to."""
        raise NotImplementedError

    def admin_other_redirect_requests(
        self, target: str, query: str, post_id: int
    ) -> list[AdminRequest]:
        """Return the admin's requests with a return URL besides its post forms (delete, bulk)."""
        raise NotImplementedError

    def admin_sign_out(self, browser: Browser, next_path: str) -> httpx.Response | None:
        """Sign out of the admin with `next_path` as its `next`; None if its sign-out takes none."""
        raise NotImplementedError

    def admin_create_user(
        self, browser: Browser, username: str, password: str, *, form_from: Browser | None = None
    ) -> httpx.Response:
        """Create a user with a password in the admin; return the POST's answer.

        With `form_from`, `browser` posts the form as that other user's page shows it (see
        `submit_form`).
        """
        fields, drop = self.admin_new_user_fields(username, password)
        return self.submit_form(
            browser,
            self.admin_user_form_url(),
            fields,
            form=self.admin_user_form,
            drop=drop,
            form_from=form_from,
        )

    def admin_new_user_fields(
        self, username: str, password: str
    ) -> tuple[dict[str, str], tuple[str, ...]]:
        """Return the fields of the admin's new-user form for an active user, and those left out."""
        raise NotImplementedError

    def admin_update_user(
        self,
        browser: Browser,
        user_id: int,
        *,
        is_active: bool | None = None,
        is_staff: bool | None = None,
        form_from: Browser | None = None,
    ) -> httpx.Response:
        """Set a user's active or staff flag in the admin's user form; return the POST's answer."""
        ticked, unticked = {}, []  # an unticked box sends nothing
        for name, value in (("is_active", is_active), ("is_staff", is_staff)):
            if value is True:
                ticked[name] = self.admin_checkbox_on
            elif value is False:
                unticked.append(name)
        return self.submit_form(
            browser,
            self.admin_user_form_url(user_id),
            ticked,
            form=self.admin_user_form,
            drop=tuple(unticked),
            form_from=form_from,
        )

    def submit_form(
        self,
        browser: Browser,
        url: str,
        data: dict,
        *,
        form: str,
        drop: tuple[str, ...] = (),
        form_from: Browser | None = None,
    ) -> httpx.Response:
        """Post the form at `url` as `browser`, or as `form_from` shows it (ADMIN-12).

        A form the admin would not show `browser` is taken from `form_from`'s page and sent back
        with `browser`'s own session and CSRF token, as a user who copied it would.
        """
        if form_from is None:
            return browser.submit(url, data, form=form, drop=drop)
        own_page = browser.get("/accounts/login/")
        own_form = html(own_page).select_one("form[method=post]:not(.logout)")
        hidden = hidden_inputs(own_page)
        tokens = {name: hidden[name] for name in token_inputs(own_form)}
        return browser.submit(form_from.get(url), {**data, **tokens}, form=form, drop=drop)


def with_query(url: str, query: str) -> str:
    """Return `url` with `query` added to its query string (or as it)."""
    return f"{url}{'&' if '?' in url else '?'}{query}"


def post_form_fields(page: httpx.Response, form: str) -> dict[str, str]:
    """Return the title, body, status and author an admin's post form shows."""
    assert page.status_code == 200, (page.status_code, str(page.url))
    found = html(page).select_one(form)
    assert found is not None, f"no form {form!r} on {page.url}"
    names = ("title", "body", "status", "author")
    return {name: value for name, value in form_values(found) if name in names}
