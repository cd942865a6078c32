"""How the shared suite reaches the Flask app and drives Flask-Admin.

Flask-Admin has no login of its own: staff sign in on the app's /accounts/login/. Its list
pages take `?search=`, `?sort=<column index>&desc=1` and named filters
(`flt<position>_<filter name>_<operation>=value`, as `named_filter_urls` spells them); its
forms carry the app's CSRFProtect token as a hidden `csrf_token`.
"""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from tests.adapters.base import Adapter, AdminRequest, post_form_fields
from toolkit.browser import Browser, html
from toolkit.commands import run
from toolkit.paths import PYTHON, ROOT

# PostView.column_list is title, author, status, created: Flask-Admin sorts by list position.
SORT_COLUMNS = {"title": 0, "created": 3}
# PostView.column_filters, as named_filter_urls names them.
STATUS_FILTER = "status_equals"
AUTHOR_FILTER = "author_equals"
ACTIONS = {"published": "publish", "draft": "unpublish"}


class FlaskAdapter(Adapter):
    name = "flask"
    app_dir = ROOT / "flask_app"
    gunicorn_target = "app:create_app()"
    csrf_failure_status = 400
    admin_login_path = "/accounts/login/"
    admin_login_form = "form[method=post]:not(.logout)"
    sign_out_ends_every_session = True  # cookie sessions: the user's session token changes

    # -- building and starting -------------------------------------------------------------

    def cli(self, *args: str, env: dict[str, str], check: bool = True):
        return run([PYTHON, "-m", "flask", "--app", "app", *args], self.app_dir, env, check)

    def prepare(self, database_url: str, staff: tuple[str, str]) -> None:
        env = self.env(database_url)
        self.cli("db", "upgrade", env=env)
        username, password = staff
        self.cli("create-admin", "--username", username, env={**env, "ADMIN_PASSWORD": password})

    def build_wsgi(self, database_url: str, staff: tuple[str, str]):
        if str(self.app_dir) not in sys.path:
            sys.path.insert(0, str(self.app_dir))
        import flask_migrate

        from app import create_app
        from app.config import Config

        env = self.env(database_url)
        app = create_app(vars(Config(str(self.app_dir / "instance"), environ=env)))
        with app.app_context():
            flask_migrate.upgrade(directory=str(self.app_dir / "migrations"))
        username, password = staff
        result = app.test_cli_runner().invoke(
            args=["create-admin", "--username", username, "--password", password]
        )
        assert result.exit_code == 0, result.output
        return app

    def stored_password(self, database_url: str, username: str) -> str:
        query = "SELECT password_hash FROM users WHERE username = {}"
        if database_url.startswith("sqlite:"):
            path = database_url.removeprefix("sqlite:///")
            with closing(sqlite3.connect(path)) as connection:
                row = connection.execute(query.format("?"), (username,)).fetchone()
        else:
            import psycopg

            with psycopg.connect(database_url) as connection:
                row = connection.execute(query.format("%s"), (username,)).fetchone()
        assert row is not None, f"no user {username!r}"
        return row[0]

    # -- the admin ---------------------------------------------------------------------------

    def admin_login(self, browser: Browser, username: str, password: str) -> None:
        response = browser.submit("/accounts/login/", {"username": username, "password": password})
        assert response.status_code in (302, 303), (response.status_code, response.text[:500])
        assert browser.get("/admin/").status_code == 200

    def admin_urls(self) -> list[str]:
        return [
            "/admin/",
            "/admin/post/",
            "/admin/post/new/",
            "/admin/post/edit/?id=1",
            "/admin/user/",
            "/admin/user/new/",
            "/admin/user/edit/?id=1",
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
            params["search"] = q
        filters = []
        if status is not None:
            filters.append((STATUS_FILTER, status))
        if author_id is not None:
            filters.append((AUTHOR_FILTER, str(author_id)))
        for position, (name, value) in enumerate(filters):
            params[f"flt{position}_{name}"] = value
        if order is not None:
            params["sort"] = str(SORT_COLUMNS[order])
            if descending:
                params["desc"] = "1"
        return browser.get("/admin/post/", params=params)

    def admin_post_titles(self, response: httpx.Response) -> list[str]:
        return [cell.get_text(strip=True) for cell in html(response).select("td.col-title")]

    def admin_user_id(self, browser: Browser, username: str) -> int:
        page = browser.get("/admin/user/", params={"search": username})
        ids = self._row_ids(page, "td.col-username", username)
        assert len(ids) == 1, (username, ids)
        return ids[0]

    def admin_post_ids(self, browser: Browser, title: str) -> list[int]:
        page = browser.get("/admin/post/", params={"search": title})
        return self._row_ids(page, "td.col-title", title)

    def admin_create_post(
        self, browser: Browser, *, title: str, body: str, status: str, author_id: int
    ) -> httpx.Response:
        return browser.submit(
            "/admin/post/new/",
            {"title": title, "body": body, "status": status, "author": str(author_id)},
            form="form.admin-form",
        )

    def admin_edit_post(self, browser: Browser, post_id: int, **changes: str) -> httpx.Response:
        if "author_id" in changes:
            changes["author"] = str(changes.pop("author_id"))
        return browser.submit(f"/admin/post/edit/?id={post_id}", changes, form="form.admin-form")

    def admin_delete_post(self, browser: Browser, post_id: int) -> httpx.Response:
        # The list's delete button: a small form per row, posted after a JavaScript confirm.
        page = browser.get("/admin/post/")
        return browser.submit(
            page, form=f'form[action="/admin/post/delete/"]:has(input[name=id][value="{post_id}"])'
        )

    def admin_set_status(
        self, browser: Browser, post_ids: list[int], status: str
    ) -> httpx.Response:
        # The list's hidden action form; its JavaScript adds the ticked rows as `rowid`.
        page = browser.get("/admin/post/")
        return browser.submit(
            page,
            {"action": ACTIONS[status], "rowid": [str(pk) for pk in post_ids]},
            form="form#action_form",
        )

    def admin_bulk_action_request(
        self, post_ids: list[int], status: str
    ) -> tuple[str, dict[str, list[str]]]:
        return "/admin/post/action/", {
            "action": [ACTIONS[status]],
            "rowid": [str(pk) for pk in post_ids],
            "url": ["/admin/post/"],
        }

    def admin_user_list(self, browser: Browser) -> httpx.Response:
        return browser.get("/admin/user/")

    def admin_search_post_ids(self, browser: Browser, q: str) -> list[int]:
        return self._row_ids(browser.get("/admin/post/", params={"search": q}), "td.col-title")

    def admin_post_form_url(self, post_id: int | None = None) -> str:
        return "/admin/post/new/" if post_id is None else f"/admin/post/edit/?id={post_id}"

    def admin_post_fields(self, browser: Browser, post_id: int) -> dict[str, str]:
        return post_form_fields(browser.get(f"/admin/post/edit/?id={post_id}"), "form.admin-form")

    def admin_form_errors(self, response: httpx.Response) -> list[str]:
        page = html(response)
        errors = [item.get_text(" ", strip=True) for item in page.select(".invalid-feedback li")]
        for alert in page.select(".alert-danger"):
            for button in alert.select("button"):
                button.decompose()
            errors.append(alert.get_text(" ", strip=True))
        return errors

    def admin_list_parameters(self) -> dict[str, tuple[str, ...]]:
        # Flask-Admin's own (search, page, sort, desc, page_size) and the named filters.
        common = ("search", "page", "sort", "desc", "page_size")
        return {
            "/admin/post/": (*common, f"flt0_{STATUS_FILTER}", f"flt1_{AUTHOR_FILTER}"),
            "/admin/user/": (
                *common,
                "flt0_staff_equals",
                "flt1_staff_not_equal",
                "flt2_active_equals",
                "flt3_active_not_equal",
            ),
        }

    def admin_redirect_requests(
        self, target: str, *, post_id: int, author_id: int, title: str
    ) -> list[AdminRequest]:
        # Flask-Admin's return URL: `url`, in the query string of its forms' pages and in the
        # fields of its delete and action forms. (Its sign-in is the site's, with `next`.)
        back = urlencode({"url": target})
        add, edit = self.admin_post_form_url(), self.admin_post_form_url(post_id)
        fields = {"body": f"Body of {title}", "status": "draft", "author": str(author_id)}
        return [
            AdminRequest("new-post form", "GET", f"{add}?{back}"),
            AdminRequest(
                "new-post form, saved",
                "POST",
                f"{add}?{back}",
                {**fields, "title": title},
                creates=title,
            ),
            AdminRequest("edit form", "GET", f"{edit}&{back}"),
            AdminRequest("edit form, for no post", "GET", f"/admin/post/edit/?id=999999&{back}"),
            AdminRequest(
                "edit form, saved",
                "POST",
                f"{edit}&{back}",
                {**fields, "title": f"Edited {title}", "_continue_editing": "1"},
            ),
            AdminRequest(
                "details, for no post", "GET", f"/admin/post/details/?id={post_id}&{back}"
            ),
            AdminRequest(
                "delete form, for no post",
                "POST",
                "/admin/post/delete/",
                {"id": "999999", "url": target},
            ),
            AdminRequest(
                "bulk action",
                "POST",
                "/admin/post/action/",
                {"action": "unpublish", "rowid": [str(post_id)], "url": target},
            ),
        ]

    def admin_sign_out(self, browser: Browser, next_path: str) -> None:
        # The admin's button posts to the site's sign-out, which takes no `next` (and ends
        # every session of the user, the suite's staff browser included).
        return None

    def admin_create_user(
        self, browser: Browser, username: str, password: str, *, form_from: Browser | None = None
    ) -> httpx.Response:
        return self.submit_form(
            browser,
            "/admin/user/new/",
            {"username": username, "password": password, "is_active": "y"},
            form="form.admin-form",
            drop=("is_staff",),
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
        # A ticked box sends "y"; an unticked one sends nothing.
        data: dict[str, str] = {}
        drop: list[str] = []
        for name, value in (("is_active", is_active), ("is_staff", is_staff)):
            if value is True:
                data[name] = "y"
            elif value is False:
                drop.append(name)
        return self.submit_form(
            browser,
            f"/admin/user/edit/?id={user_id}",
            data,
            form="form.admin-form",
            drop=tuple(drop),
            form_from=form_from,
        )

    @staticmethod
    def _row_ids(page: httpx.Response, cell: str, text: str | None = None) -> list[int]:
        """Return the ids of the list rows with a `cell` (reading exactly `text`, if given)."""
        assert page.status_code == 200, (page.status_code, page.text[:500])
        ids = []
        for row in html(page).select("table.model-list tr"):
            found = row.select_one(cell)
            link = row.select_one('a[href*="/edit/?"]')
            if found is None or link is None:
                continue
            if text is None or found.get_text(strip=True) == text:
                ids.append(int(parse_qs(urlsplit(link["href"]).query)["id"][0]))
        return ids
