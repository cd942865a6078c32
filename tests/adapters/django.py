"""The Django app as the shared suite sees it: its CLI, its WSGI callable and the Django admin."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from urllib.parse import urlencode

import httpx

from tests.adapters.base import Adapter, AdminRequest, post_form_fields
from toolkit.browser import Browser, html
from toolkit.commands import run
from toolkit.paths import PYTHON, ROOT

CHANGE_LINK = re.compile(r"/(\d+)/change/")

# Column numbers of PostAdmin.list_display for the admin's ?o= parameter (the action checkbox
# takes column 0).
POST_COLUMNS = {"title": 1, "author": 2, "status": 3, "created": 4}
BULK_ACTIONS = {"published": "publish", "draft": "unpublish"}


class DjangoAdapter(Adapter):
    name = "django"
    app_dir = ROOT / "django_app"
    gunicorn_target = "config.wsgi:application"
    csrf_failure_status = 403
    admin_login_path = "/admin/login/"
    admin_login_form = "#login-form"
    sign_out_ends_every_session = False  # server-side sessions: only this browser's is deleted

    # -- building and starting -------------------------------------------------------------

    def cli(self, *args: str, env: dict[str, str], check: bool = True):
        return run([PYTHON, "manage.py", *args], cwd=self.app_dir, env=env, check=check)

    def prepare(self, database_url: str, staff: tuple[str, str]) -> None:
        env = self.env(database_url)
        username, password = staff
        self.cli("migrate", "--noinput", env=env)
        self.cli("collectstatic", "--noinput", env=env)
        self.cli(
            "createsuperuser", "--noinput", "--username", username,
            "--email", f"{username}@example.com",
            env={**env, "DJANGO_SUPERUSER_PASSWORD": password},
        )  # fmt: skip

    def build_wsgi(self, database_url: str, staff: tuple[str, str]):
        # Django's settings are read once per process: one Django app (one database) a process.
        built = getattr(DjangoAdapter, "_built", None)
        if built is not None:
            if built[0] != database_url:
                raise RuntimeError(
                    f"Django is already set up on {built[0]} in this process; it cannot be "
                    f"built again on {database_url}."
                )
            return built[1]
        os.environ.update(self.env(database_url))
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        if str(self.app_dir) not in sys.path:
            sys.path.insert(0, str(self.app_dir))

        import django
        from django.conf import settings
        from django.core.management import call_command
        from django.core.wsgi import get_wsgi_application

        django.setup()
        # In-process runs skip collectstatic, so there is no manifest of hashed file names:
        # name static files as they are (WhiteNoise only warns that STATIC_ROOT is missing).
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        call_command("migrate", interactive=False, verbosity=0)
        username, password = staff
        os.environ["DJANGO_SUPERUSER_PASSWORD"] = password
        call_command(
            "createsuperuser",
            interactive=False,
            username=username,
            email=f"{username}@example.com",
            verbosity=0,
        )
        application = get_wsgi_application()
        DjangoAdapter._built = (database_url, application)
        return application

    def deploy_check(self, env: dict[str, str]) -> subprocess.CompletedProcess:
        return self.cli("check", "--deploy", "--fail-level", "WARNING", env=env, check=False)

    def stored_password(self, database_url: str, username: str) -> str:
        sql = "SELECT password FROM accounts_user WHERE username = {}"
        if database_url.startswith("sqlite:///"):
            with closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as connection:
                row = connection.execute(sql.format("?"), (username,)).fetchone()
        else:
            import psycopg

            with psycopg.connect(database_url) as connection:
                row = connection.execute(sql.format("%s"), (username,)).fetchone()
        assert row is not None, f"no user {username!r}"
        return row[0]

    # -- the admin ---------------------------------------------------------------------------

    def admin_login(self, browser: Browser, username: str, password: str) -> None:
        answer = browser.submit(
            "/admin/login/?next=/admin/",
            {"username": username, "password": password},
            form="#login-form",
        )
        assert answer.status_code == 302, (answer.status_code, answer.text[:500])
        assert browser.get("/admin/").status_code == 200

    def admin_urls(self) -> list[str]:
        return [
            "/admin/",
            "/admin/posts/",
            "/admin/posts/post/",
            "/admin/posts/post/add/",
            "/admin/posts/post/1/change/",
            "/admin/posts/post/1/delete/",
            "/admin/accounts/",
            "/admin/accounts/user/",
            "/admin/accounts/user/add/",
            "/admin/accounts/user/1/change/",
            "/admin/accounts/user/1/password/",
            "/admin/auth/group/",
        ]

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
        params: dict[str, str] = {}
        if q is not None:
            params["q"] = q
        if status is not None:
            params["status__exact"] = status
        if author_id is not None:
            params["author__id__exact"] = str(author_id)
        if order is not None:
            params["o"] = f"{'-' if descending else ''}{POST_COLUMNS[order]}"
        return browser.get("/admin/posts/post/", params=params)

    def admin_post_titles(self, response: httpx.Response) -> list[str]:
        assert response.status_code == 200, (response.status_code, str(response.url))
        return [cell.get_text() for cell in html(response).select("#result_list .field-title")]

    def admin_user_id(self, browser: Browser, username: str) -> int:
        page = browser.get("/admin/accounts/user/", params={"q": username})
        assert page.status_code == 200, (page.status_code, page.text[:500])
        for cell in html(page).select("#result_list .field-username"):
            if cell.get_text() == username:
                return int(CHANGE_LINK.search(cell.a["href"]).group(1))
        raise AssertionError(f"no user {username!r} in the admin's user list")

    def admin_post_ids(self, browser: Browser, title: str) -> list[int]:
        return [post_id for post_id, shown in self._listed_posts(browser, title) if shown == title]

    def admin_create_post(
        self, browser: Browser, *, title: str, body: str, status: str, author_id: int
    ) -> httpx.Response:
        return browser.submit(
            "/admin/posts/post/add/",
            {"title": title, "body": body, "status": status, "author": str(author_id)},
            form="#post_form",
        )

    def admin_edit_post(self, browser: Browser, post_id: int, **changes: str) -> httpx.Response:
        return browser.submit(f"/admin/posts/post/{post_id}/change/", changes, form="#post_form")

    def admin_delete_post(self, browser: Browser, post_id: int) -> httpx.Response:
        # The confirmation form carries post=yes.
        return browser.submit(
            f"/admin/posts/post/{post_id}/delete/", form="#content form[method=post]"
        )

    def admin_set_status(
        self, browser: Browser, post_ids: list[int], status: str
    ) -> httpx.Response:
        url, fields = self.admin_bulk_action_request(post_ids, status)
        return browser.submit(url, fields, form="#changelist-form")

    def admin_bulk_action_request(
        self, post_ids: list[int], status: str
    ) -> tuple[str, dict[str, list[str]]]:
        return "/admin/posts/post/", {
            "action": [BULK_ACTIONS[status]],
            "_selected_action": [str(post_id) for post_id in post_ids],
            "select_across": ["0"],
            "index": ["0"],
        }

    def admin_user_list(self, browser: Browser) -> httpx.Response:
        return browser.get("/admin/accounts/user/")

    def admin_confirmation_pages(self, browser: Browser, post_id: int) -> list[httpx.Response]:
        # The bulk delete without post=yes: the page that asks "Are you sure?".
        fields = {"action": "delete_selected", "_selected_action": [str(post_id)], "index": "0"}
        return [
            browser.get(f"/admin/posts/post/{post_id}/delete/"),
            browser.submit("/admin/posts/post/", fields, form="#changelist-form"),
        ]

    def admin_search_post_ids(self, browser: Browser, q: str) -> list[int]:
        return [post_id for post_id, _ in self._listed_posts(browser, q)]

    @staticmethod
    def _listed_posts(browser: Browser, q: str) -> list[tuple[int, str]]:
        """Return the id and title of each post the admin's list shows for a search."""
        page = browser.get("/admin/posts/post/", params={"q": q})
        assert page.status_code == 200, (page.status_code, page.text[:500])
        return [
            (int(CHANGE_LINK.search(cell.a["href"]).group(1)), cell.get_text())
            for cell in html(page).select("#result_list .field-title")
        ]

    def admin_post_form_url(self, post_id: int | None = None) -> str:
        if post_id is None:
            return "/admin/posts/post/add/"
        return f"/admin/posts/post/{post_id}/change/"

    def admin_post_fields(self, browser: Browser, post_id: int) -> dict[str, str]:
        return post_form_fields(browser.get(f"/admin/posts/post/{post_id}/change/"), "#post_form")

    def admin_form_errors(self, response: httpx.Response) -> list[str]:
        page = html(response)
        return [item.get_text(" ", strip=True) for item in page.select(".errornote, .errorlist li")]

    def admin_list_parameters(self) -> dict[str, tuple[str, ...]]:
        # The ChangeList's own (q, p, o, all, e, _facets, _popup, _to_field), the list filters
        # and the date hierarchy.
        common = ("q", "p", "o", "all", "e", "_facets", "_popup", "_to_field")
        return {
            "/admin/posts/post/": (
                *common,
                "status__exact",
                "author__id__exact",
                "created__year",
                "created__month",
                "created__day",
            ),
            "/admin/accounts/user/": (
                *common,
                "is_staff__exact",
                "is_superuser__exact",
                "is_active__exact",
                "groups__id__exact",
            ),
        }

    def admin_redirect_requests(
        self, target: str, *, post_id: int, author_id: int, title: str
    ) -> list[AdminRequest]:
        # The admin rebuilds its list's URL from _changelist_filters after a save, a delete or
        # an action (its `next` is on its sign-in and sign-out: admin_sign_out).
        filters = urlencode({"_changelist_filters": target})
        add, change = self.admin_post_form_url(), self.admin_post_form_url(post_id)
        fields = {"body": f"Body of {title}", "status": "draft", "author": str(author_id)}
        return [
            AdminRequest("new-post form", "GET", f"{add}?{filters}"),
            AdminRequest(
                "new-post form, saved",
                "POST",
                f"{add}?{filters}",
                {**fields, "title": title},
                creates=title,
            ),
            AdminRequest("edit form", "GET", f"{change}?{filters}"),
            AdminRequest(
                "edit form, saved",
                "POST",
                f"{change}?{filters}",
                {**fields, "title": f"Edited {title}", "_continue": "1"},
            ),
            AdminRequest("delete page", "GET", f"/admin/posts/post/{post_id}/delete/?{filters}"),
            AdminRequest(
                "delete form, for no post",
                "POST",
                f"/admin/posts/post/999999999/delete/?{filters}",
                {"post": "yes"},
            ),
            AdminRequest(
                "bulk action",
                "POST",
                f"/admin/posts/post/?{filters}",
                {"action": "unpublish", "_selected_action": [str(post_id)], "index": "0"},
            ),
        ]

    def admin_sign_out(self, browser: Browser, next_path: str) -> httpx.Response:
        return browser.submit("/admin/", {"next": next_path}, form="#logout-form")

    def admin_create_user(
        self, browser: Browser, username: str, password: str, *, form_from: Browser | None = None
    ) -> httpx.Response:
        return self.submit_form(
            browser,
            "/admin/accounts/user/add/",
            {
                "username": username,
                "usable_password": "true",
                "password1": password,
                "password2": password,
            },
            form="#user_form",
            form_from=form_from,
        )

    def admin_update_user(
        self,
        browser: Browser,
        user_id: int,
        *,
        is_active: bool | None = None,
        is_staff: bool | None = None,
        form_from: Browser | None = None,
    ) -> httpx.Response:
        checked, unchecked = {}, []
        for name, value in (("is_active", is_active), ("is_staff", is_staff)):
            if value is True:
                checked[name] = "on"
            elif value is False:
                unchecked.append(name)
        return self.submit_form(
            browser,
            f"/admin/accounts/user/{user_id}/change/",
            checked,
            form="#user_form",
            drop=tuple(unchecked),
            form_from=form_from,
        )
