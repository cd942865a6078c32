import pytest
from django.contrib.messages import get_messages

from posts.models import Post


@pytest.fixture
def staff_client(client, make_user):
    client.force_login(make_user("staffer", is_staff=True, is_superuser=True))
    return client


def test_staff_list_every_post_with_search_and_filters(staff_client, make_post, bob):
    make_post("Alice's draft", status=Post.Status.DRAFT)
    make_post("Bob's post", author=bob, body="About <Django>")
    for query, titles in [
        ({}, {"Alice's draft", "Bob's post"}),
        ({"q": "django"}, {"Bob's post"}),
        ({"status__exact": "draft"}, {"Alice's draft"}),
        ({"author__id__exact": bob.pk}, {"Bob's post"}),
    ]:
        response = staff_client.get("/admin/posts/post/", query)
        assert response.status_code == 200
        assert {post.title for post in response.context["cl"].result_list} == titles


@pytest.mark.parametrize("year", ["9999", "9" * 30, "-1", "abc"])
def test_a_year_out_of_range_in_the_date_filter_is_refused_like_any_bad_filter(
    staff_client, make_post, year
):
    make_post()
    response = staff_client.get("/admin/posts/post/", {"created__year": year})
    assert response.status_code == 302
    assert response["Location"] == "/admin/posts/post/?e=1"


@pytest.mark.parametrize("term", ["ali", "a\x00b"])
def test_the_author_search_of_the_post_form_takes_any_term(staff_client, alice, term):
    response = staff_client.get(
        "/admin/autocomplete/",
        {"term": term, "app_label": "posts", "model_name": "post", "field_name": "author"},
    )
    assert response.status_code == 200
    found = [result["text"] for result in response.json()["results"]]
    assert found == (["alice"] if term == "ali" else [])


def test_list_escapes_titles(staff_client, make_post):
    make_post("<script>alert(1)</script>")
    page = staff_client.get("/admin/posts/post/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [("publish", Post.Status.DRAFT, Post.Status.PUBLISHED), ("unpublish", "published", "draft")],
)
def test_bulk_actions_change_the_status_of_the_selected_posts(
    staff_client, make_post, action, before, after
):
    chosen = [make_post(f"Chosen {n}", status=before) for n in range(2)]
    other = make_post("Left alone", status=before)
    response = staff_client.post(
        "/admin/posts/post/",
        {"action": action, "_selected_action": [post.pk for post in chosen], "index": 0},
    )
    assert response.status_code == 302
    for post in chosen:
        post.refresh_from_db()
        assert post.status == after
        assert post.updated > post.created
    other.refresh_from_db()
    assert other.status == before
    assert [m.message for m in get_messages(response.wsgi_request)] == [f"2 posts are now {after}."]


def test_non_staff_get_none_of_the_admin(client, alice, make_post):
    make_post("Secret draft", status=Post.Status.DRAFT)
    client.force_login(alice)
    response = client.get("/admin/posts/post/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_every_staff_member_manages_posts_but_only_superusers_change_users(
    client, make_user, make_post, alice
):
    post = make_post("Anyone's")
    client.force_login(make_user("editor", is_staff=True))  # no permissions, not superuser
    for url in ("/admin/", "/admin/posts/post/", "/admin/posts/post/add/"):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/admin/posts/post/{post.pk}/change/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    response = client.post(f"/admin/accounts/user/{alice.pk}/change/", {"is_staff": "on"})
    assert response.status_code == 403
    alice.refresh_from_db()
    assert not alice.is_staff
