"""The Django admin as the shared suite drives it (the app's building: toolkit.apps.DjangoApp)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import httpx

from tests.adapters.base import Adapter, AdminRequest
from toolkit.apps import DjangoApp
from toolkit.browser import Browser, html

CHANGE_LINK = re.compile(r"/(\d+)/change/")

# Column numbers of PostAdmin.list_display for the admin's ?o= parameter (the action checkbox
# takes column 0).
POST_COLUMNS = {"title": 1, "author": 2, "status": 3, "created": 4}
BULK_ACTIONS = {"published": "publish", "draft": "unpublish"}


class DjangoAdapter(Adapter, DjangoApp):
    csrf_failure_status = 403
    admin_login_path = "/admin/login/"
    admin_login_form = "#login-form"
    admin_post_form = "#post_form"
    admin_user_form = "#user_form"
    admin_user_list_url = "/admin/accounts/user/"
    admin_checkbox_on = "on"
    admin_continue_field = "_continue"
    sign_out_ends_every_session = False  # server-side sessions: only this browser's is deleted

    # -- the admin ---------------------------------------------------------------------------

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

    def admin_listed_posts(self, browser: Browser, q: str) -> list[tuple[int, str]]:
        page = browser.get("/admin/posts/post/", params={"q": q})
        assert page.status_code == 200, (page.status_code, page.text[:500])
        return [
            (int(CHANGE_LINK.search(cell.a["href"]).group(1)), cell.get_text())
            for cell in html(page).select("#result_list .field-title")
        ]

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

    def admin_confirmation_pages(self, browser: Browser, post_id: int) -> list[httpx.Response]:
        # The bulk delete without post=yes: the page that asks "Are you sure?".
        fields = {"action": "delete_selected", "_selected_action": [str(post_id)], "index": "0"}
        return [
            browser.get(f"/admin/posts/post/{post_id}/delete/"),
            browser.submit("/admin/posts/post/", fields, form="#changelist-form"),
        ]

    def admin_post_form_url(self, post_id: int | None = None) -> str:
        if post_id is None:
            return "/admin/posts/post/add/"
        return f"/admin/posts/post/{post_id}/change/"

    def admin_user_form_url(self, user_id: int | None = None) -> str:
        if user_id is None:
            return "/admin/accounts/user/add/"
        return f"/admin/accounts/user/{user_id}/change/"

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

    def admin_return_query(self, target: str) -> str:
        # The admin rebuilds its list's URL from _changelist_filters after a save, a delete or
        # an action (its `next` is on its sign-in and sign-out: admin_sign_out).
        return urlencode({"_changelist_filters": target})

    def admin_other_redirect_requests(
        self, target: str, query: str, post_id: int
    ) -> list[AdminRequest]:
        return [
            AdminRequest("delete page", "GET", f"/admin/posts/post/{post_id}/delete/?{query}"),
            AdminRequest(
                "delete form, for no post",
                "POST",
                f"/admin/posts/post/999999999/delete/?{query}",
                {"post": "yes"},
            ),
            AdminRequest(
                "bulk action",
                "POST",
                f"/admin/posts/post/?{query}",
                {"action": "unpublish", "_selected_action": [str(post_id)], "index": "0"},
            ),
        ]

    def admin_sign_out(self, browser: Browser, next_path: str) -> httpx.Response:
        return browser.submit("/admin/", {"next": next_path}, form="#logout-form")

    def admin_new_user_fields(
        self, username: str, password: str
    ) -> tuple[dict[str, str], tuple[str, ...]]:
        return {
            "username": username,
            "usable_password": "true",
            "password1": password,
            "password2": password,
        }, ()
