"""The search's trigram indexes: on PostgreSQL they serve it; SQLite, which has none, scans.

Run with DATABASE_URL=postgresql://… to check the PostgreSQL side (make test-postgres does).
"""

from django.db import connection
from django.db.models import Q

from posts.models import Post


def test_a_search_is_served_by_the_trigram_indexes_on_postgresql(make_post):
    """On PostgreSQL the search's icontains on title or body reads both UPPER() trigram indexes."""
    for n in range(30):
        make_post(f"Post {n}: notes", body=f"Number {n} in words.")
    # The search's filter, as the list view builds it. icontains is sent as
    # UPPER("title"::text) LIKE UPPER(%s): an index on the bare column would not serve it.
    search = Post.objects.filter(Q(title__icontains="post 12:") | Q(body__icontains="post 12:"))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A table this small is cheaper to read whole: ask whether the indexes serve at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = search.explain()
        assert "Bitmap Index Scan on posts_post_title_trgm" in plan, plan
        assert "Bitmap Index Scan on posts_post_body_trgm" in plan, plan
    else:
        # SQLite has no index for LIKE '%…%': every row is read and compared.
        assert "SCAN posts_post" in search.explain()
    assert [post.title for post in search] == ["Post 12: notes"]
