"""Each input app/hardening.py exists for gets a 4xx or a form, never a 500.

Some of them broke the stock code only on PostgreSQL (NUL bytes, ids as text); on SQLite these
tests check the answer, and a run against PostgreSQL checks the rest.
"""

from urllib.parse import urlencode

import pytest

from app.extensions import db
from app.hardening import MAX_ID, clip_key, parse_id, row_ids
from app.models import DRAFT, Post
from tests.conftest import login

HUGE = "9" * 30


@pytest.mark.parametrize("value", ["1", str(MAX_ID)])
def test_parse_id_takes_possible_ids(value):
    assert parse_id(value) == int(value)


@pytest.mark.parametrize("value", [None, "", "abc", "0", "-1", str(MAX_ID + 1), HUGE, "1.5"])
def test_parse_id_refuses_what_no_row_can_have(value):
    assert parse_id(value) is None


def test_row_ids_keeps_ids_as_numbers():
    assert row_ids(["3", "x", HUGE, "7"]) == [3, 7]


def test_clip_key_keeps_real_usernames_whole():
    assert clip_key("a" * 30) == "a" * 30
    assert len(clip_key("a" * 1_000_000)) == 150


@pytest.mark.parametrize("url", [f"/posts/{HUGE}/", f"/posts/{MAX_ID + 1}/edit/"])
def test_ids_past_the_column_answer_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url", [f"/?page={HUGE}", f"/admin/post/?page={HUGE}", "/admin/post/?page=-1"]
)
def test_impossible_pages_answer_404(staff, url):
    assert staff.get(url).status_code == 404


def test_nul_bytes_are_refused_as_input_errors(client, app, alice):
    login(client, "alice")
    response = client.post("/posts/new/", data={"title": "a\x00b", "body": "b", "status": "draft"})
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.get_data(as_text=True)
    assert client.get("/?q=a%00b").status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Post.id))) == 0


@pytest.mark.parametrize(
    "url",
    [
        f"/admin/post/edit/?id={HUGE}",
        "/admin/post/edit/?id=abc",
        "/admin/post/?search=a%00b",
        "/admin/post/?flt0_status_equals=a%00b",
        f"/admin/post/?flt0_author_equals={HUGE}",
        "/admin/post/?flt0_author_equals=abc",
    ],
)
def test_bad_admin_ids_searches_and_filters_get_no_500(staff, url):
    assert staff.get(url).status_code in (200, 302)


def test_bulk_delete_skips_what_is_not_an_id(staff, app, alice, make_post):
    post = make_post(alice, status=DRAFT)
    response = staff.post(
        "/admin/post/action/", data={"action": "delete", "rowid": [str(post), "abc", HUGE]}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Post, post) is None


# Each Flask-Admin view reading a return URL (`url`), as its forms and links send it.
RETURN_URL_VIEWS = [
    ("get", "/admin/post/edit/?id=999999", {}),
    ("get", "/admin/post/details/?id=999999", {}),
    ("get", "/admin/post/new/", {}),
    ("post", "/admin/post/delete/", {"id": "999999"}),
    ("post", "/admin/post/action/", {"action": "publish", "rowid": "999999"}),
]


def send(client, method, url, data, target):
    if method == "get":
        return client.get(url + ("&" if "?" in url else "?") + urlencode({"url": target}))
    return client.post(url, data={**data, "url": target})


@pytest.mark.parametrize(("method", "url", "data"), RETURN_URL_VIEWS)
@pytest.mark.parametrize("target", ["http:/evil.com", "//evil.com", "/\\evil.com", "/\r\nX: y"])
def test_a_return_url_off_the_site_is_refused(staff, method, url, data, target):
    """Staff sent to an admin page whose return URL leaves the site get 400 (SEC-8)."""
    response = send(staff, method, url, data, target)
    assert response.status_code == 400
    assert "Location" not in response.headers


@pytest.mark.parametrize(("method", "url", "data"), RETURN_URL_VIEWS)
def test_a_return_url_on_the_site_is_followed(staff, method, url, data):
    """Staff sent back to the list page they came from land on it (ADMIN-7)."""
    response = send(staff, method, url, data, "/admin/post/?page=2")
    if method == "get" and "new" in url:
        assert response.status_code == 200
        assert 'href="/admin/post/?page=2"' in response.get_data(as_text=True)
    else:
        assert response.status_code == 302
        assert response.headers["Location"] == "/admin/post/?page=2"


def test_a_new_post_with_a_line_break_in_its_return_url_is_not_stored(staff, app, alice):
    """Staff saving a post whose return URL holds a line break get 400, nothing stored (SEC-10)."""
    response = staff.post(
        "/admin/post/new/",
        query_string={"url": "/admin/post/\r\n"},
        data={"title": "Half done", "body": "Body", "status": DRAFT, "author": str(alice)},
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Post.id))) == 0


def test_visitors_with_a_return_url_off_the_site_are_still_sent_to_sign_in(client):
    """Visitors opening such an admin link are sent to sign in first, as for any admin page."""
    response = client.get("/admin/post/edit/?id=1&url=http:/evil.com")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/?next=")
