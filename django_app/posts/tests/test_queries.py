"""The pages that list or show posts run a fixed number of SQL queries, however many posts exist."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import trans_real

from posts.models import Post


def add_posts(count, authors):
    """Add `count` published posts, shared between the authors, in one INSERT."""
    Post.objects.bulk_create(
        Post(
            title=f"Post {n}",
            body=f"Body {n}.",
            author=authors[n % len(authors)],
            status=Post.Status.PUBLISHED,
        )
        for n in range(count)
    )


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# 4 then 12 posts: fewer than a page (10 on the site, 100 in the admin) then more, so a query
# per listed post would show as a different count.
@pytest.mark.parametrize("url", ["/", "/?q=post", "/posts/{first}/", "/admin/posts/post/"])
def test_queries_do_not_grow_with_the_number_of_posts(client, make_user, alice, bob, url):
    client.force_login(make_user("staffer", is_staff=True, is_superuser=True))
    add_posts(4, [alice, bob])
    first = Post.objects.order_by("pk").first().pk
    url = url.format(first=first)
    queries(client, url)  # the first request fills per-process caches (content types)
    with_few = queries(client, url)
    add_posts(8, [alice, bob])
    assert queries(client, url) == with_few


def test_the_home_page_runs_a_known_number_of_queries(client, alice, django_assert_num_queries):
    add_posts(25, [alice])
    # One COUNT for the paginator, one SELECT of the page's posts joined to their authors.
    with django_assert_num_queries(2):
        assert client.get("/").status_code == 200


def test_pages_render_without_looking_up_translations(client, make_post):
    """The English-only site renders its pages without a translation lookup (USE_I18N off)."""
    make_post()
    client.force_login(make_post().author)
    with mock.patch.object(
        trans_real.DjangoTranslation, "gettext", autospec=True, return_value=""
    ) as looked_up:
        for url in ("/", "/posts/new/", "/accounts/login/"):
            assert client.get(url).status_code == 200
    assert looked_up.call_count == 0
