"""How the shared suite reaches the Flask app and drives Flask-Admin.

Flask-Admin has no login of its own: staff sign in on the app's /accounts/login/. Its list
pages take `?search=`, `?sort=<column index>&desc=1` and named filters
(`flt<position>_<filter name>_<operation>=value`, as `named_filter_urls` spells them); its
forms carry the app's CSRFProtect token as a hidden `csrf_token`.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from tests.adapters.base import Adapter, AdminRequest
from toolkit.apps import FlaskApp
from toolkit.browser import Browser, html

# PostView.column_list is title, author, status, created: Flask-Admin sorts by list position.
SORT_COLUMNS = {"title": 0, "created": 3}
# PostView.column_filters, as named_filter_urls names them.
STATUS_FILTER = "status_equals"
AUTHOR_FILTER = "author_equals"
ACTIONS = {"published": "publish", "draft": "unpublish"}


class FlaskAdapter(Adapter, FlaskApp):
    csrf_failure_status = 400
    admin_login_path = "/accounts/login/"
    admin_login_form = "form[method=post]:not(.logout)"
    admin_post_form = "form.admin-form"
    admin_user_form = "form.admin-form"
    admin_user_list_url = "/admin/user/"
    admin_checkbox_on = "y"
    admin_continue_field = "_continue_editing"
    sign_out_ends_every_session = True  # cookie sessions: the user's session token changes

    # -- the admin ---------------------------------------------------------------------------

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
        ids = [user_id for user_id, shown in rows(page, "td.col-username") if shown == username]
        assert len(ids) == 1, (username, ids)
        return ids[0]

    def admin_listed_posts(self, browser: Browser, q: str) -> list[tuple[int, str]]:
        return rows(browser.get("/admin/post/", params={"search": q}), "td.col-title")

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

    def admin_post_form_url(self, post_id: int | None = None) -> str:
        return "/admin/post/new/" if post_id is None else f"/admin/post/edit/?id={post_id}"

    def admin_user_form_url(self, user_id: int | None = None) -> str:
        return "/admin/user/new/" if user_id is None else f"/admin/user/edit/?id={user_id}"

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

    def admin_return_query(self, target: str) -> str:
        # Flask-Admin's return URL: `url`, in the query string of its forms' pages and in the
        # fields of its delete and action forms. (Its sign-in is the site's, with `next`.)
        return urlencode({"url": target})

    def admin_other_redirect_requests(
        self, target: str, query: str, post_id: int
    ) -> list[AdminRequest]:
        return [
            AdminRequest("edit form, for no post", "GET", f"/admin/post/edit/?id=999999&{query}"),
            AdminRequest(
                "details, for no post", "GET", f"/admin/post/details/?id={post_id}&{query}"
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

    def admin_new_user_fields(
        self, username: str, password: str
    ) -> tuple[dict[str, str], tuple[str, ...]]:
        return {"username": username, "password": password, "is_active": "y"}, ("is_staff",)


def rows(page: httpx.Response, cell: str) -> list[tuple[int, str]]:
    """Return the id and the `cell` text of each row of a Flask-Admin list page."""
    assert page.status_code == 200, (page.status_code, page.text[:500])
    found = []
    for row in html(page).select("table.model-list tr"):
        text = row.select_one(cell)
        link = row.select_one('a[href*="/edit/?"]')
        if text is not None and link is not None:
            row_id = int(parse_qs(urlsplit(link["href"]).query)["id"][0])
            found.append((row_id, text.get_text(strip=True)))
    return found
