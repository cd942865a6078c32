import re

import pytest

from app.extensions import db
from app.models import DRAFT, Post, User
from tests.conftest import login, make_app


def listed_ids(response) -> list[int]:
    return [int(n) for n in re.findall(r'data-post-id="(\d+)"', response.get_data(as_text=True))]


def test_home_lists_published_posts_newest_first(client, alice, make_post):
    first = make_post(alice, "First")
    make_post(alice, "Hidden", status=DRAFT)
    second = make_post(alice, "Second")
    assert listed_ids(client.get("/")) == [second, first]


def test_home_paginates_by_ten_and_keeps_the_search(client, alice, make_post):
    for n in range(11):
        make_post(alice, f"Match {n}")
    page_one = client.get("/?q=match").get_data(as_text=True)
    assert 'rel="next" href="/?page=2&amp;q=match"' in page_one
    assert "Page 1 of 2" in page_one
    page_two = client.get("/?q=match&page=2")
    assert len(listed_ids(page_two)) == 1
    assert 'rel="prev"' in page_two.get_data(as_text=True)


@pytest.mark.parametrize("page", ["0", "-1", "abc", "2.5", "3", "9" * 30, ""])
def test_bad_page_numbers_answer_404(client, alice, make_post, page):
    make_post(alice)
    assert client.get(f"/?page={page}").status_code == 404


def test_first_page_of_an_empty_list_is_fine(client):
    response = client.get("/?page=1")
    assert response.status_code == 200
    assert '<p class="empty">No posts yet.</p>' in response.get_data(as_text=True)


def test_search_ignores_case_and_takes_wildcards_literally(client, alice, make_post):
    percent = make_post(alice, "100% sure")
    make_post(alice, "1000 sure")
    underscore = make_post(alice, "snake_case")
    make_post(alice, "snakeXcase")
    body = make_post(alice, "Other", body="Mentions FLASK here")
    assert listed_ids(client.get("/?q=0%25")) == [percent]
    assert listed_ids(client.get("/?q=e_c")) == [underscore]
    assert listed_ids(client.get("/?q=flask")) == [body]
    assert client.get("/?q=%00'%3B--").status_code == 200


def test_a_draft_is_shown_to_its_author_only(client, app, alice, make_user, make_post):
    make_user("staff", is_staff=True)
    draft = make_post(alice, status=DRAFT)
    assert client.get(f"/posts/{draft}/").status_code == 404
    login(client, "staff")
    assert client.get(f"/posts/{draft}/").status_code == 404
    author = app.test_client()
    login(author, "alice")
    assert author.get(f"/posts/{draft}/").status_code == 200


@pytest.mark.parametrize("post_id", ["999", "2147483648", "9" * 30, "abc", "-1"])
def test_unknown_and_impossible_ids_answer_404(client, post_id):
    assert client.get(f"/posts/{post_id}/").status_code == 404


def test_visitors_are_sent_to_sign_in_with_next(client, alice, make_post):
    post = make_post(alice)
    for path in ("/posts/new/", f"/posts/{post}/edit/", f"/posts/{post}/delete/"):
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 302
            assert (
                response.headers["Location"] == f"/accounts/login/?next={path.replace('/', '%2F')}"
            )


def test_creating_a_post_ignores_extra_fields(client, app, alice, bob):
    login(client, "bob")
    response = client.post(
        "/posts/new/",
        data={
            "title": " New ",
            "body": "Text",
            "status": "published",
            "author": alice,
            "author_id": alice,
            "id": 77,
        },
    )
    with app.app_context():
        post = db.session.scalar(db.select(Post))
        assert (post.title, post.author_id) == ("New", bob)
        assert post.id != 77
    assert response.headers["Location"] == f"/posts/{post.id}/"
    assert "Post created." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_refused_post_form_keeps_the_values_and_writes_nothing(client, app, alice):
    login(client, "alice")
    response = client.post("/posts/new/", data={"title": "Kept", "body": "", "status": "draft"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Kept"' in page
    assert re.search(r'data-field="body">.*?<ul class="errorlist"', page, re.S)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Post.id))) == 0


def test_only_the_author_edits_and_deletes(client, app, alice, bob, make_post):
    published = make_post(alice, "Alice's")
    draft = make_post(alice, "Alice's draft", status=DRAFT)
    login(client, "bob")
    for path in (f"/posts/{published}/edit/", f"/posts/{published}/delete/"):
        assert client.get(path).status_code == 403
        assert client.post(path, data={"title": "Mine", "body": "x"}).status_code == 403
    for path in (f"/posts/{draft}/edit/", f"/posts/{draft}/delete/"):
        assert client.get(path).status_code == 404
    with app.app_context():
        assert db.session.get(Post, published).title == "Alice's"


def test_the_author_edits_and_deletes(client, app, alice, make_post):
    post = make_post(alice, "Before", status=DRAFT)
    login(client, "alice")
    form = client.get(f"/posts/{post}/edit/").get_data(as_text=True)
    assert 'value="Before"' in form
    response = client.post(
        f"/posts/{post}/edit/", data={"title": "After", "body": "B", "status": "published"}
    )
    assert response.headers["Location"] == f"/posts/{post}/"
    assert "After" in client.get("/").get_data(as_text=True)

    assert client.get(f"/posts/{post}/delete/").status_code == 200
    response = client.post(f"/posts/{post}/delete/")
    assert response.headers["Location"] == "/"
    assert "Post deleted." in client.get("/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Post, post) is None


def test_register_signs_in_and_ignores_staff_flags(client, app):
    response = client.post(
        "/accounts/register/?next=/posts/new/",
        data={
            "username": "newbie",
            "email": "newbie@example.com",
            "password1": "pw-long-enough",
            "password2": "pw-long-enough",
            "is_staff": "y",
            "is_active": "n",
            "id": "5",
        },
    )
    assert response.headers["Location"] == "/posts/new/"
    page = client.get("/").get_data(as_text=True)
    assert "Welcome, newbie! Your account is ready." in page
    assert '<span class="current-user">newbie</span>' in page
    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert user.is_active
        assert not user.is_staff


def test_login_honours_a_safe_next_only(app, alice):
    for next_value, expected in [("/posts/new/", "/posts/new/"), ("//evil.com", "/")]:
        client = app.test_client()
        response = login(client, "ALICE", next=next_value)
        assert response.headers["Location"] == expected
    client = app.test_client()
    response = client.post(
        "/accounts/login/?next=/posts/new/",
        data={"username": "alice", "password": "wrong-password"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<ul class="errorlist nonfield">' in page
    assert 'value="alice"' in page


def test_logout_is_post_only(client, alice):
    login(client, "alice")
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/posts/new/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.headers["Location"] == "/"
    assert "You have been signed out." in client.get("/").get_data(as_text=True)
    assert client.get("/posts/new/").status_code == 302


def test_healthz(client, monkeypatch):
    response = client.get("/healthz")
    assert (response.status_code, response.text, response.mimetype) == (200, "ok", "text/plain")

    def broken(*args, **kwargs):
        from sqlalchemy.exc import OperationalError

        raise OperationalError("SELECT 1", {}, Exception("down"))

    monkeypatch.setattr(db.session, "execute", broken)
    assert client.get("/healthz").status_code == 503


def test_unexpected_errors_get_the_plain_500_page_without_a_traceback(database):
    app = make_app(database, TESTING=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "<h1>Server error</h1>" in page
    assert "secret internals" not in page
    assert "Traceback" not in page
    assert response.headers["X-Frame-Options"] == "DENY"


def test_error_pages_are_the_apps_own(client, alice, bob, make_post):
    assert "<h1>Not found</h1>" in client.get("/nowhere/").get_data(as_text=True)
    post = make_post(alice)
    login(client, "bob")
    response = client.get(f"/posts/{post}/edit/")
    assert "<title>Forbidden | Posts</title>" in response.get_data(as_text=True)


@pytest.mark.parametrize("q", ["a\x00b", "x" * 1001])
def test_a_search_with_a_nul_or_over_1000_characters_lists_nothing_with_an_error(
    client, alice, make_post, q
):
    make_post(alice, "a b")
    response = client.get("/", query_string={"q": q})
    assert response.status_code == 200
    assert listed_ids(response) == []
    page = response.get_data(as_text=True)
    assert '<div class="field" data-field="q">' in page
    assert '<ul class="errorlist"' in page


def test_a_search_is_trimmed(client, alice, make_post):
    post = make_post(alice, "Needle")
    assert listed_ids(client.get("/?q=+needle+")) == [post]
    assert listed_ids(client.get("/?q=+++")) == [post]


def test_signing_out_flashes_an_info_message(client, alice):
    login(client, "alice")
    page = client.post("/accounts/logout/", follow_redirects=True).get_data(as_text=True)
    assert '<li class="message message-info">You have been signed out.</li>' in page
