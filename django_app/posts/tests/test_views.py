import pytest
from django.contrib.messages import get_messages

from posts.models import Post


def flashes(response):
    return [message.message for message in get_messages(response.wsgi_request)]


def listed_ids(response):
    return [post.pk for post in response.context["page_obj"]]


# -- reading ---------------------------------------------------------------------------------


def test_list_shows_published_posts_newest_first(client, make_post, alice):
    older = make_post("Older")
    make_post("Draft", status=Post.Status.DRAFT)
    newer = make_post("Newer")
    client.force_login(alice)  # even the author's own drafts are not listed
    response = client.get("/")
    assert response.status_code == 200
    assert listed_ids(response) == [newer.pk, older.pk]


def test_list_pages_by_ten_and_links_neighbours_keeping_the_search(client, make_post):
    posts = [make_post(f"Post {n}") for n in range(23)]
    first = client.get("/", {"q": "post"})
    assert listed_ids(first) == [post.pk for post in reversed(posts[-10:])]
    page = first.content.decode()
    assert 'rel="next" href="?page=2&amp;q=post"' in page
    assert 'rel="prev"' not in page
    assert "Page 1 of 3" in page

    last = client.get("/", {"page": "3", "q": "post"})
    assert listed_ids(last) == [post.pk for post in reversed(posts[:3])]
    assert 'rel="prev" href="?page=2&amp;q=post"' in last.content.decode()
    assert 'rel="next"' not in last.content.decode()


@pytest.mark.parametrize("page", ["0", "-1", "abc", "2.5", "3", "9" * 30, ""])
def test_pages_that_do_not_exist_are_not_found(client, make_post, page):
    for n in range(11):
        make_post(f"Post {n}")
    assert client.get("/", {"page": page}).status_code == 404


def test_first_page_of_nothing_is_empty_not_missing(db, client):
    response = client.get("/", {"page": "1"})
    assert response.status_code == 200
    assert '<p class="empty">No posts yet.</p>' in response.content.decode()
    assert 'class="pagination"' not in response.content.decode()


def test_search_matches_title_or_body_ignoring_case(client, make_post):
    in_title = make_post("Django tips")
    in_body = make_post("Other", body="Notes on DJANGO forms.")
    make_post("Flask tips")
    make_post("Django draft", status=Post.Status.DRAFT)
    response = client.get("/", {"q": "djAngo"})
    assert listed_ids(response) == [in_body.pk, in_title.pk]
    assert 'value="djAngo"' in response.content.decode()


@pytest.mark.parametrize(
    "q", ["nothing like it", "' OR 1=1 --", "a\x00b", pytest.param("x" * 60_000, id="overlong")]
)
def test_search_without_matches_answers_an_empty_list(client, make_post, q):
    make_post("Something")
    response = client.get("/", {"q": q})
    assert response.status_code == 200
    assert listed_ids(response) == []


def test_published_post_is_shown_to_visitors(client, make_post):
    post = make_post("Hello", body="line one\nline <two>")
    response = client.get(f"/posts/{post.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<div class="post-body">line one<br>line &lt;two&gt;</div>' in page
    assert "<title>Hello | Posts</title>" in page
    assert "post-edit" not in page


def test_draft_is_shown_to_its_author_only(client, make_post, alice, bob, make_user):
    draft = make_post(status=Post.Status.DRAFT)
    url = f"/posts/{draft.pk}/"
    assert client.get(url).status_code == 404
    client.force_login(make_user("staffer", is_staff=True))
    assert client.get(url).status_code == 404
    client.force_login(bob)
    assert client.get(url).status_code == 404
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 200
    assert f'<a class="post-edit" href="/posts/{draft.pk}/edit/">Edit</a>' in (
        response.content.decode()
    )


@pytest.mark.parametrize("path", ["/posts/999/", "/posts/abc/", f"/posts/{'9' * 30}/"])
def test_unknown_and_impossible_ids_are_not_found(db, client, alice, path):
    assert client.get(path).status_code == 404
    client.force_login(alice)
    assert client.get(f"{path}edit/").status_code == 404


# -- writing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_visitors_are_sent_to_sign_in(client, make_post, action):
    post = make_post()
    for path in ("/posts/new/", f"/posts/{post.pk}/{action}/"):
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 302
            assert response["Location"] == f"/accounts/login/?next={path}"


def test_create_writes_as_the_signed_in_user_only(client, alice, bob):
    client.force_login(alice)
    response = client.post(
        "/posts/new/",
        {
            "title": "  Mine  ",
            "body": "Text.",
            "status": "published",
            "author": bob.pk,  # extra fields are ignored
            "id": 999,
        },
    )
    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/posts/{post.pk}/"
    assert (post.title, post.author, post.status) == ("Mine", alice, "published")
    assert post.pk != 999
    assert flashes(response) == ["Post created."]


def test_refused_create_keeps_the_values_and_writes_nothing(client, alice):
    client.force_login(alice)
    response = client.post("/posts/new/", {"title": "Kept", "body": "", "status": "published"})
    assert response.status_code == 200
    assert response.context["form"].errors["body"]
    assert 'value="Kept"' in response.content.decode()
    assert not Post.objects.exists()


def test_new_post_form_starts_as_a_draft(client, alice):
    client.force_login(alice)
    response = client.get("/posts/new/")
    assert '<option value="draft" selected>' in response.content.decode()


def test_author_edits_a_post(client, make_post, alice):
    post = make_post("Before")
    client.force_login(alice)
    assert 'value="Before"' in client.get(f"/posts/{post.pk}/edit/").content.decode()
    response = client.post(
        f"/posts/{post.pk}/edit/", {"title": "After", "body": "New.", "status": "draft"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/posts/{post.pk}/"
    assert flashes(response) == ["Post updated."]
    edited = Post.objects.get()
    assert (edited.title, edited.body, edited.status) == ("After", "New.", "draft")
    assert edited.created == post.created
    assert edited.updated > post.updated


def test_author_deletes_a_post_after_confirming(client, make_post, alice):
    post = make_post("Doomed")
    client.force_login(alice)
    confirm = client.get(f"/posts/{post.pk}/delete/")
    assert confirm.status_code == 200
    assert "Doomed" in confirm.content.decode()
    assert Post.objects.exists()

    response = client.post(f"/posts/{post.pk}/delete/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert flashes(response) == ["Post deleted."]
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("status", "answer"), [(Post.Status.PUBLISHED, 403), (Post.Status.DRAFT, 404)]
)
@pytest.mark.parametrize("action", ["edit", "delete"])
def test_others_cannot_touch_a_post(client, make_post, bob, status, answer, action):
    post = make_post("Alice's", status=status)
    client.force_login(bob)
    url = f"/posts/{post.pk}/{action}/"
    assert client.get(url).status_code == answer
    data = {"title": "Hijacked", "body": "x", "status": "published"}
    assert client.post(url, data).status_code == answer
    assert Post.objects.get().title == "Alice's"


def test_wrong_methods_are_refused(client, make_post, alice):
    post = make_post()
    client.force_login(alice)
    assert client.put("/posts/new/").status_code == 405
    assert client.delete(f"/posts/{post.pk}/").status_code == 405
    assert client.post("/").status_code == 405
    assert Post.objects.exists()
