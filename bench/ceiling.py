"""The ceiling: a plain WSGI app serving the home page's HTML with sqlite3 and string formatting.

No framework, no ORM, no template engine, no middleware: what the home page costs at least under
the same server, on the same database file (the Django app's, read with its own SQL). gunicorn
target `bench.ceiling:application`; the database file comes from BENCH_CEILING_DB.
"""

from __future__ import annotations

import html
import os
import sqlite3
from datetime import datetime

PAGE_SIZE = 10
QUERY = """
    SELECT p.id, p.title, u.username, p.created
    FROM posts_post p JOIN accounts_user u ON u.id = p.author_id
    WHERE p.status = 'published'
    ORDER BY p.created DESC, p.id DESC
    LIMIT ?
"""
COUNT = "SELECT COUNT(*) FROM posts_post WHERE status = 'published'"
PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Posts</title>
</head>
<body>
  <header class="site-header"><a class="site-name" href="/">Posts</a>
    <nav><a href="/accounts/login/">Sign in</a> <a href="/accounts/register/">Sign up</a></nav>
  </header>
  <main>
  <h1>Posts</h1>
  <form class="search" method="get" action="/"><input type="search" name="q">
    <button type="submit">Search</button></form>
  <ol class="post-list">
{items}
  </ol>
  <nav class="pagination"><span class="page-current">Page 1 of {pages}</span>
    <a rel="next" href="?page=2">Next</a></nav>
  </main>
</body>
</html>
"""
ITEM = (
    '    <li class="post" data-post-id="{id}"><a class="post-title" href="/posts/{id}/">{title}'
    '</a> by <span class="post-author">{author}</span> on <time class="post-created" '
    'datetime="{iso}">{shown}</time></li>'
)

_connection: sqlite3.Connection | None = None


def connection() -> sqlite3.Connection:
    """Return this worker's connection, opened at its first request (as the apps do)."""
    global _connection
    if _connection is None:
        _connection = sqlite3.connect(os.environ["BENCH_CEILING_DB"], timeout=20)
        _connection.execute("PRAGMA journal_mode=WAL")
    return _connection


def home() -> bytes:
    db = connection()
    rows = db.execute(QUERY, (PAGE_SIZE,)).fetchall()
    (count,) = db.execute(COUNT).fetchone()
    items = []
    for post_id, title, author, created in rows:
        when = datetime.fromisoformat(created)
        items.append(
            ITEM.format(
                id=post_id,
                title=html.escape(title),
                author=html.escape(author),
                iso=when.isoformat(),
                shown=when.strftime("%-d %b %Y, %H:%M"),
            )
        )
    pages = max(1, -(-count // PAGE_SIZE))
    return PAGE.format(items="\n".join(items), pages=pages).encode()


def application(environ, start_response):
    """Answer / with the home page and /healthz with ok; anything else is a 404."""
    path = environ.get("PATH_INFO", "")
    if path == "/":
        body, status, kind = home(), "200 OK", "text/html; charset=utf-8"
    elif path == "/healthz":
        connection().execute("SELECT 1").fetchone()
        body, status, kind = b"ok", "200 OK", "text/plain"
    else:
        body, status, kind = b"not found", "404 Not Found", "text/plain"
    start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body)))])
    return [body]
