import re

import pytest

from app.extensions import db
from app.models import DRAFT, PUBLISHED, Post, User
from tests.conftest import login, make_app


def csrf_token(page: str) -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page)[0]
    return re.search(r'value="([^"]+)"', tag)[1]


ADMIN_URLS = [
    "/admin/",
    "/admin/post/",
    "/admin/post/new/",
    "/admin/user/",
    "/admin/user/edit/?id=1",
]


@pytest.fixture
def editor(app, make_user):
    """Staff who are not superusers: they manage posts, not users."""
    make_user("editor", is_staff=True)
    client = app.test_client()
    login(client, "editor")
    return client


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/?next=%2Fadmin%2F")


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_non_staff_users_are_refused(client, alice, url):
    login(client, "alice")
    response = client.get(url)
    assert response.status_code == 403
    assert "<h1>Forbidden</h1>" in response.get_data(as_text=True)


def test_staff_see_every_post_escaped_and_can_search(staff, alice, make_post):
    make_post(alice, "<b>Loud</b>", status=DRAFT)
    make_post(alice, "Quiet", body="contains NEEDLE")
    page = staff.get("/admin/post/").get_data(as_text=True)
    assert "&lt;b&gt;Loud&lt;/b&gt;" in page
    assert "<b>Loud</b>" not in page
    assert "Quiet" in page
    found = staff.get("/admin/post/?search=needle").get_data(as_text=True)
    assert "Quiet" in found
    assert "Loud" not in found


def test_staff_filter_by_status_and_author(staff, alice, bob, make_post):
    make_post(alice, "Alice draft", status=DRAFT)
    make_post(bob, "Bob published")
    drafts = staff.get("/admin/post/?flt0_status_equals=draft").get_data(as_text=True)
    assert "Alice draft" in drafts
    assert "Bob published" not in drafts
    bobs = staff.get(f"/admin/post/?flt0_author_equals={bob}").get_data(as_text=True)
    assert "Bob published" in bobs
    assert "Alice draft" not in bobs
    # Values no row can have are refused with a message, not a server error.
    assert staff.get("/admin/post/?flt0_author_equals=" + "9" * 30).status_code == 200


def test_bulk_publish_and_unpublish(staff, app, alice, make_post):
    ids = [make_post(alice, f"Post {n}", status=DRAFT) for n in range(3)]
    response = staff.post(
        "/admin/post/action/", data={"action": "publish", "rowid": [str(i) for i in ids[:2]]}
    )
    assert response.status_code == 302
    with app.app_context():
        statuses = [db.session.get(Post, i).status for i in ids]
    assert statuses == [PUBLISHED, PUBLISHED, DRAFT]
    staff.post("/admin/post/action/", data={"action": "unpublish", "rowid": [str(ids[0]), "x"]})
    with app.app_context():
        assert db.session.get(Post, ids[0]).status == DRAFT


def test_staff_create_a_post_for_any_author(staff, app, alice):
    response = staff.post(
        "/admin/post/new/",
        data={"title": " By staff ", "body": "Text", "status": "published", "author": str(alice)},
    )
    assert response.status_code == 302
    with app.app_context():
        post = db.session.scalar(db.select(Post))
        assert (post.title, post.author_id) == ("By staff", alice)


def test_staff_create_a_user_with_a_hashed_password(staff, app):
    response = staff.post(
        "/admin/user/new/", data={"username": "carol", "password": "carol-pass-1", "is_active": "y"}
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "carol"))
        assert user.password_hash.startswith("scrypt:")
        assert "carol-pass-1" not in user.password_hash
    assert login(app.test_client(), "carol", "carol-pass-1").status_code == 302


def test_the_admin_user_form_needs_a_password_to_create_and_never_shows_the_hash(staff, app):
    response = staff.post("/admin/user/new/", data={"username": "dave", "is_active": "y"})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.username == "dave")) is None
        boss = db.session.scalar(db.select(User).where(User.username == "boss"))
    page = staff.get(f"/admin/user/edit/?id={boss.id}").get_data(as_text=True)
    assert boss.password_hash not in page
    assert boss.session_token not in page
    assert 'name="password_hash"' not in page


def test_the_admin_refuses_a_username_taken_in_another_case(staff, app, alice):
    response = staff.post(
        "/admin/user/new/", data={"username": "ALICE", "password": "pw-long-enough"}
    )
    assert response.status_code == 200
    assert "already exists" in response.get_data(as_text=True)


def test_admin_forms_need_the_csrf_token(database, make_user, app):
    make_user("boss", is_staff=True)
    protected = make_app(database, WTF_CSRF_ENABLED=True)
    client = protected.test_client()
    page = client.get("/accounts/login/").get_data(as_text=True)
    login(client, "boss", csrf_token=csrf_token(page))

    create = client.get("/admin/post/new/").get_data(as_text=True)
    assert 'name="csrf_token"' in create
    data = {"title": "T", "body": "B", "status": "draft", "author": "1"}
    assert client.post("/admin/post/new/", data=data).status_code == 400
    response = client.post("/admin/post/new/", data={**data, "csrf_token": csrf_token(create)})
    assert response.status_code == 302


def test_staff_who_are_not_superusers_see_users_but_cannot_create_or_change_them(
    editor, app, alice
):
    page = editor.get("/admin/user/")
    assert page.status_code == 200
    assert "alice" in page.get_data(as_text=True)
    assert 'href="/admin/user/new/' not in page.get_data(as_text=True)
    assert 'href="/admin/user/edit/' not in page.get_data(as_text=True)

    response = editor.post(
        "/admin/user/new/", data={"username": "carol", "password": "carol-pass-1", "is_staff": "y"}
    )
    assert response.status_code == 302
    response = editor.post(
        f"/admin/user/edit/?id={alice}",
        data={"username": "alice", "password": "new-pass-123", "is_staff": "y", "is_active": "y"},
    )
    assert response.status_code == 302
    assert editor.post("/admin/user/delete/", data={"id": str(alice)}).status_code == 302
    editor.post("/admin/user/action/", data={"action": "delete", "rowid": [str(alice)]})
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.username == "carol")) is None
        user = db.session.get(User, alice)
        assert user is not None
        assert not user.is_staff
        assert not user.check_password("new-pass-123")


def test_staff_who_are_not_superusers_still_manage_every_post(editor, app, alice, make_post):
    post = make_post(alice, "Alice's", status=DRAFT)
    assert editor.get(f"/admin/post/edit/?id={post}").status_code == 200
    editor.post("/admin/post/action/", data={"action": "publish", "rowid": [str(post)]})
    with app.app_context():
        assert db.session.get(Post, post).status == PUBLISHED


def test_the_admin_leads_back_to_the_site_and_signs_out(staff, alice, make_post):
    make_post(alice, "<i>Loud</i>", status=DRAFT)
    home = staff.get("/admin/").get_data(as_text=True)
    assert '<html lang="en">' in home
    assert 'href="/">View site</a>' in home
    assert '<form class="form-inline" method="post" action="/accounts/logout/">' in home
    assert 'href="/admin/post/"' in home
    assert 'href="/admin/user/"' in home
    assert "1 draft" in home

    posts = staff.get("/admin/post/").get_data(as_text=True)
    assert re.findall(r'<td class="col-status">\s*(\w+)\s*</td>', posts) == ["Draft"]
    assert re.search(r'<a href="/admin/post/edit/\?id=\d+">&lt;i&gt;Loud&lt;/i&gt;</a>', posts)
    form = staff.get("/admin/post/new/").get_data(as_text=True)
    assert re.search(r'<textarea[^>]*rows="12"', form)

    signed_out = staff.post("/accounts/logout/", follow_redirects=True)
    assert "You have been signed out." in signed_out.get_data(as_text=True)
    assert staff.get("/admin/").status_code == 302


def test_superusers_see_and_edit_a_users_email_address(staff, app, alice):
    assert "alice" in staff.get("/admin/user/?search=alice").get_data(as_text=True)
    response = staff.post(
        f"/admin/user/edit/?id={alice}",
        data={"username": "alice", "email": "alice@example.org", "is_active": "y"},
    )
    assert response.status_code == 302
    listing = staff.get("/admin/user/").get_data(as_text=True)
    assert "alice@example.org" in listing
    refused = staff.post(
        f"/admin/user/edit/?id={alice}",
        data={"username": "alice", "email": "not-an-address", "is_active": "y"},
    )
    assert refused.status_code == 200
    with app.app_context():
        assert db.session.get(User, alice).email == "alice@example.org"
