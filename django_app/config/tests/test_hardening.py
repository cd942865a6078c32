"""Each input config/hardening.py's admin pieces exist for gets a form error or a 4xx (SEC-10).

Some of them broke the stock admin only on SQLite (huge ids) or only on PostgreSQL (NUL bytes);
a run with DATABASE_URL set to PostgreSQL checks the rest.
"""

import pytest

from config.hardening import MAX_ID, is_row_id
from posts.models import Post

HUGE = "9" * 20
NOT_IDS = ["abc", HUGE, "1.5", "", "\x00", str(MAX_ID + 1)]


@pytest.fixture
def staff_client(client, make_user):
    client.force_login(make_user("staffer", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("value", ["1", " 7 ", "-1", str(MAX_ID), str(-MAX_ID - 1)])
def test_is_row_id_takes_what_an_id_column_holds(value):
    assert is_row_id(value)


@pytest.mark.parametrize("value", [None, *NOT_IDS, str(-MAX_ID - 2)])
def test_is_row_id_refuses_the_rest(value):
    assert not is_row_id(value)


@pytest.mark.parametrize("author", NOT_IDS)
def test_new_post_form_shows_no_author_for_one_that_is_not_an_id(staff_client, author):
    """Staff opening the new-post form with ?author=abc see the form, no author chosen (SEC-10)."""
    response = staff_client.get("/admin/posts/post/add/", {"author": author})
    assert response.status_code == 200
    assert response.context["adminform"].form["author"].value() in (None, "")


@pytest.mark.parametrize("author", NOT_IDS)
def test_an_author_that_is_not_an_id_is_a_form_error(staff_client, author):
    """Staff saving a post whose author is abc or 20 digits see the form's error (SEC-10)."""
    fields = {"title": "Junk author", "body": "Body", "status": "draft", "author": author}
    response = staff_client.post("/admin/posts/post/add/", fields)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["author"]
    assert not Post.objects.exists()


def test_an_author_that_is_an_id_still_saves(staff_client, alice):
    """Staff saving a post for an author get the post, as before (ADMIN-7)."""
    fields = {"title": "Real author", "body": "Body", "status": "draft", "author": str(alice.pk)}
    response = staff_client.post("/admin/posts/post/add/", fields)
    assert response.status_code == 302
    assert Post.objects.get().author == alice


@pytest.mark.parametrize("junk", NOT_IDS)
def test_a_selection_holding_what_is_not_an_id_is_refused(staff_client, make_post, junk):
    """Staff whose bulk action selects abc or 20 digits get 400, and no post changes (SEC-10)."""
    post = make_post(status=Post.Status.DRAFT)
    response = staff_client.post(
        "/admin/posts/post/",
        {"action": "publish", "_selected_action": [str(post.pk), junk], "index": 0},
    )
    assert response.status_code == 400
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT


@pytest.mark.parametrize("query", [{"status__exact": "a\x00b"}, {"q": "\x00"}, {"a\x00": "1"}])
def test_a_nul_in_the_post_list_is_refused_like_any_bad_filter(staff_client, make_post, query):
    """Staff whose list URL holds a NUL are sent back to the list's error page (SEC-10)."""
    make_post()
    response = staff_client.get("/admin/posts/post/", query)
    assert response.status_code == 302
    assert response["Location"] == "/admin/posts/post/?e=1"
