"""What the shared suite needs to know about one app: the only framework-specific knowledge.

Each adapter (`django.py`, `flask.py`) subclasses `Adapter`. The suite speaks HTTP through
`toolkit.browser.Browser`; an adapter builds or starts the app, and drives its admin, whose URLs and
form fields are each framework's own.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from toolkit.browser import Browser, form_values, hidden_inputs, html, token_inputs


@dataclass(frozen=True)
class AdminRequest:
    """A request of the admin's that takes a target to redirect to (SEC-8)."""

    what: str  # e.g. "edit form, saved"
    method: str  # "GET" or "POST"
    url: str
    data: dict = field(default_factory=dict)  # form fields, without the CSRF token
    creates: str | None = None  # the title of the post it creates, if it creates one


class Adapter:
    name: str  # "django" or "flask"
    app_dir: Path  # the app's folder: its CLI runs from here
    gunicorn_target: str  # the WSGI app for gunicorn, e.g. "config.wsgi:application"
    csrf_failure_status: int  # 403 for Django, 400 for Flask-WTF
    admin_login_path: str  # where the admin sends visitors to sign in
    admin_login_form: str  # the sign-in form on that page (a CSS selector)
    mail_port: int | None = None  # the suite's SMTP server on 127.0.0.1 (tests/mail.py)
    mail_sender = "posts@example.com"
    # AUTH-8: whether signing out in one browser signs the user out of all (None: either).
    sign_out_ends_every_session: bool | None = None

    # -- building and starting -------------------------------------------------------------

    def env(self, database_url: str) -> dict[str, str]:
        """Return the environment the app runs with (settings come from it)."""
        mail = {}
        if self.mail_port is not None:
            mail = {
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(self.mail_port),
                "DEFAULT_FROM_EMAIL": self.mail_sender,
            }
        return {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": f"test-secret-key-{self.name}-not-for-production-0123456789",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "localhost,127.0.0.1,testserver",
            **mail,
        }

    def cli(self, *args: str, env: dict[str, str], check: bool = True):
        """Run the app's own CLI (manage.py / flask) in its folder; return the finished process."""
        raise NotImplementedError

    def prepare(self, database_url: str, staff: tuple[str, str]) -> None:
        """Migrate a fresh database and create a staff user through the app's real CLI."""
        raise NotImplementedError

    def build_wsgi(self, database_url: str, staff: tuple[str, str]):
        """Prepare the database in-process and return the app's WSGI callable."""
        raise NotImplementedError

    def stored_password(self, database_url: str, username: str) -> str:
        """Return the password column as stored for a user (read with plain SQL, no models)."""
        raise NotImplementedError

    def deploy_check(self, env: dict[str, str]) -> subprocess.CompletedProcess | None:
        """Run the framework's production audit (Django: `check --deploy`); None if it has none."""
        return None

    # -- the admin ---------------------------------------------------------------------------

    def admin_login(self, browser: Browser, username: str, password: str) -> None:
        """Sign a staff user in so that the admin answers (Django: its own login page)."""
        raise NotImplementedError

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

    def admin_post_ids(self, browser: Browser, title: str) -> list[int]:
        """Find the ids of posts with this exact title through the admin's post list."""
        raise NotImplementedError

    def admin_create_post(
        self, browser: Browser, *, title: str, body: str, status: str, author_id: int
    ) -> httpx.Response:
        """Create a post in the admin; return the answer to the POST (not followed)."""
        raise NotImplementedError

    def admin_edit_post(self, browser: Browser, post_id: int, **changes: str) -> httpx.Response:
        """Change some fields of a post in the admin's edit form; return the POST's answer."""
        raise NotImplementedError

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
        raise NotImplementedError

    def admin_confirmation_pages(self, browser: Browser, post_id: int) -> list[httpx.Response]:
        """Open the pages where the admin asks to confirm deleting a post, alone and in bulk.

        Django's admin asks on pages of its own; an admin that asks in the browser's confirm()
        dialog, as Flask-Admin does, has none (e2e/ clicks through those).
        """
        return []

    def admin_search_post_ids(self, browser: Browser, q: str) -> list[int]:
        """Return the ids of the posts on the first page of an admin search (title or body)."""
        raise NotImplementedError

    def admin_post_form_url(self, post_id: int | None = None) -> str:
        """Return the URL of the admin's new-post form, or of a post's edit form."""
        raise NotImplementedError

    def admin_post_fields(self, browser: Browser, post_id: int) -> dict[str, str]:
        """Return a post's title, body, status and author (an id) as its admin edit form shows."""
        raise NotImplementedError

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
        `next` too: see `admin_sign_out`.
        """
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
        raise NotImplementedError

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


def post_form_fields(page: httpx.Response, form: str) -> dict[str, str]:
    """Return the title, body, status and author an admin's post form shows."""
    assert page.status_code == 200, (page.status_code, str(page.url))
    found = html(page).select_one(form)
    assert found is not None, f"no form {form!r} on {page.url}"
    names = ("title", "body", "status", "author")
    return {name: value for name, value in form_values(found) if name in names}
