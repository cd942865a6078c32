"""The ceiling: a plain WSGI app serving every measured page with sqlite3 and string formatting.

No framework, no ORM, no template engine, no middleware: what each page costs at least under
the same server, on the same database file (the Django app's, read with its own SQL), sending
the same security headers and cookies. Signed-in pages check a session (an HMAC-signed cookie
and a SELECT of the user, as a cookie session does); the forms carry a CSRF token (the cookie's
value, compared with the form's and with the Origin header on POST). gunicorn target
`bench.ceiling:application`; the database comes from BENCH_CEILING_DB (a sqlite:/// URL).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import os
import secrets
import sqlite3
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

PAGE_SIZE = 10
SECRET = os.environ.get("SECRET_KEY", "ceiling").encode()
LIST = """
    SELECT p.id, p.title, u.username, p.created
    FROM posts_post p JOIN accounts_user u ON u.id = p.author_id
    WHERE p.status = 'published'{where}
    ORDER BY p.created DESC, p.id DESC
    LIMIT ? OFFSET ?
"""
COUNT = "SELECT COUNT(*) FROM posts_post p WHERE p.status = 'published'{where}"
SEARCH = " AND (p.title LIKE ? ESCAPE '\\' OR p.body LIKE ? ESCAPE '\\')"
DETAIL = """
    SELECT p.id, p.title, p.body, u.username, p.created, p.status, p.author_id
    FROM posts_post p JOIN accounts_user u ON u.id = p.author_id WHERE p.id = ?
"""
INSERT = """
    INSERT INTO posts_post (title, body, status, author_id, created, updated)
    VALUES (?, ?, ?, ?, ?, ?)
"""
# The headers both apps send on every page (Django's and Flask's alike, as the suite checks).
HEADERS = [
    ("Vary", "Cookie"),
    ("Permissions-Policy", "accelerometer=(), browsing-topics=(), camera=(), display-capture=(), "
     "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"),
    ("Content-Security-Policy", "form-action 'self'; default-src 'self'; base-uri 'self'; "
     "object-src 'none'; style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
     "img-src 'self' data:"),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
]  # fmt: skip
NO_CACHE = [("Cache-Control", "max-age=0, no-cache, no-store, must-revalidate, private")]
PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
</head>
<body>
  <header class="site-header"><a class="site-name" href="/">Posts</a>
    <nav>{nav}</nav>
  </header>
  <main>
{main}
  </main>
</body>
</html>
"""
SIGNED_OUT_NAV = '<a href="/accounts/login/">Sign in</a> <a href="/accounts/register/">Sign up</a>'
ITEM = (
    '    <li class="post" data-post-id="{id}"><a class="post-title" href="/posts/{id}/">{title}'
    '</a> by <span class="post-author">{author}</span> on <time class="post-created" '
    'datetime="{iso}">{shown}</time></li>'
)
FORM = """  <h1>{heading}</h1>
  <form method="post" action="{action}">
    <input type="hidden" name="csrf_token" value="{token}">
{fields}
    <button type="submit">{button}</button>
  </form>"""
SIGN_IN_FIELDS = """    <label>Username <input name="username" required></label>
    <label>Password <input type="password" name="password" required></label>"""
POST_FIELDS = """    <label>Title <input name="title" maxlength="200" required></label>
    <label>Body <textarea name="body" required></textarea></label>
    <select name="status"><option value="draft">Draft</option>
      <option value="published">Published</option></select>"""

_connection: sqlite3.Connection | None = None


def connection() -> sqlite3.Connection:
    """Return this worker's connection, opened at its first request (as the apps do)."""
    global _connection
    if _connection is None:
        path = os.environ["BENCH_CEILING_DB"].removeprefix("sqlite:///")
        _connection = sqlite3.connect(path, timeout=20, isolation_level=None)
        _connection.execute("PRAGMA journal_mode=WAL")
    return _connection


def shown(created: str) -> tuple[str, str]:
    when = datetime.fromisoformat(created)
    return when.isoformat(), when.strftime("%-d %b %Y, %H:%M")


def post_list(query: dict[str, list[str]]) -> tuple[str, int]:
    """Return one page of published posts (searched if asked) and the number of pages."""
    q = query.get("q", [""])[0]
    try:
        number = int(query.get("page", ["1"])[0])
    except ValueError:
        return "", 404
    where, params = "", ()
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where, params = SEARCH, (like, like)
    db = connection()
    (count,) = db.execute(COUNT.format(where=where), params).fetchone()
    pages = max(1, -(-count // PAGE_SIZE))
    if not 1 <= number <= pages:
        return "", 404
    rows = db.execute(LIST.format(where=where), (*params, PAGE_SIZE, (number - 1) * PAGE_SIZE))
    items = []
    for post_id, title, author, created in rows:
        iso, text = shown(created)
        items.append(
            ITEM.format(
                id=post_id,
                title=html.escape(title),
                author=html.escape(author),
                iso=iso,
                shown=text,
            )
        )
    main = (
        '  <h1>Posts</h1>\n  <form class="search" method="get" action="/"><input type="search" '
        f'name="q" value="{html.escape(q)}"><button type="submit">Search</button></form>\n'
        f'  <ol class="post-list">\n{chr(10).join(items)}\n  </ol>\n'
        f'  <nav class="pagination"><span class="page-current">Page {number} of {pages}</span>'
        f'<a rel="next" href="?page={number + 1}">Next</a></nav>'
    )
    return main, 200


def post_detail(post_id: int, user: tuple | None) -> tuple[str, int]:
    row = connection().execute(DETAIL, (post_id,)).fetchone()
    if row is None or (row[5] != "published" and (user is None or user[0] != row[6])):
        return "", 404
    _, title, body, author, created, _, _ = row
    iso, text = shown(created)
    return (
        f"  <article><h1>{html.escape(title)}</h1><p>by {html.escape(author)} on "
        f'<time datetime="{iso}">{text}</time></p>\n  <div class="post-body">'
        f"{html.escape(body)}</div></article>",
        200,
    )


# -- sessions and CSRF -----------------------------------------------------------------------


def sign(value: str) -> str:
    return value + "." + hmac.new(SECRET, value.encode(), hashlib.sha256).hexdigest()


def session_user(cookies: SimpleCookie) -> tuple | None:
    """Return the signed-in user (id, username) from the session cookie, or None."""
    morsel = cookies.get("session")
    if morsel is None:
        return None
    value, _, _ = morsel.value.partition(".")
    if not hmac.compare_digest(sign(value), morsel.value):
        return None
    return (
        connection()
        .execute("SELECT id, username FROM accounts_user WHERE id = ? AND is_active", (int(value),))
        .fetchone()
    )


def password_ok(encoded: str, password: str) -> bool:
    """Check a password against Django's PBKDF2 hash (algorithm$iterations$salt$hash)."""
    algorithm, iterations, salt, expected = encoded.split("$", 3)
    if algorithm != "pbkdf2_sha256":
        return False
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), int(iterations))
    return hmac.compare_digest(base64.b64encode(digest).decode(), expected)


def csrf_ok(environ, cookies: SimpleCookie, form: dict) -> bool:
    """Accept a POST whose token matches its cookie and whose Origin is this site."""
    host = environ.get("HTTP_HOST", "")
    morsel = cookies.get("csrftoken")
    token = form.get("csrf_token", [""])[0]
    return (
        morsel is not None
        and hmac.compare_digest(morsel.value, token)
        and environ.get("HTTP_ORIGIN") == f"{environ['wsgi.url_scheme']}://{host}"
    )


def form_page(heading, action, fields, button, cookies, headers) -> str:
    """Return a form's page with its CSRF token, setting the token's cookie when it has none."""
    morsel = cookies.get("csrftoken")
    token = morsel.value if morsel else secrets.token_urlsafe(32)
    if morsel is None:
        headers.append(("Set-Cookie", f"csrftoken={token}; Path=/; SameSite=Lax"))
    return FORM.format(heading=heading, action=action, token=token, fields=fields, button=button)


# -- the pages -------------------------------------------------------------------------------


def sign_in(environ, cookies, form, headers) -> tuple[str, int]:
    if not csrf_ok(environ, cookies, form):
        return "", 403
    row = (
        connection()
        .execute(
            "SELECT id, password FROM accounts_user WHERE username = ? AND is_active",
            (form.get("username", [""])[0],),
        )
        .fetchone()
    )
    if row is None or not password_ok(row[1], form.get("password", [""])[0]):
        return "  <p>Wrong username or password.</p>", 200
    headers += [
        ("Set-Cookie", f"session={sign(str(row[0]))}; HttpOnly; Path=/; SameSite=Lax"),
        ("Location", "/"),
    ]
    return "", 302


def create_post(environ, cookies, form, user, headers) -> tuple[str, int]:
    if not csrf_ok(environ, cookies, form):
        return "", 403
    title, body = form.get("title", [""])[0].strip(), form.get("body", [""])[0].strip()
    status = form.get("status", ["draft"])[0]
    if not title or len(title) > 200 or not body or status not in ("draft", "published"):
        return "  <p>Check the form.</p>", 200
    now = datetime.now(UTC).isoformat(sep=" ")
    db = connection()
    db.execute("BEGIN IMMEDIATE")
    cursor = db.execute(INSERT, (title, body, status, user[0], now, now))
    db.execute("COMMIT")
    headers += [
        ("Set-Cookie", "messages=Post+created.; HttpOnly; Path=/; SameSite=Lax"),
        ("Location", f"/posts/{cursor.lastrowid}/"),
    ]
    return "", 302


def route(environ, cookies: SimpleCookie, headers: list) -> tuple[str, int]:
    """Return a page's main HTML and its status (headers may be added on the way)."""
    path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
    form = {}
    if method == "POST":
        size = int(environ.get("CONTENT_LENGTH") or 0)
        form = parse_qs(environ["wsgi.input"].read(size).decode())
    if path == "/" and method == "GET":
        return post_list(parse_qs(environ.get("QUERY_STRING", "")))
    if path.startswith("/posts/") and path[7:-1].isdigit() and method == "GET":
        return post_detail(int(path[7:-1]), session_user(cookies))
    if path == "/accounts/login/":
        if method == "POST":
            return sign_in(environ, cookies, form, headers)
        return form_page("Sign in", path, SIGN_IN_FIELDS, "Sign in", cookies, headers), 200
    if path == "/posts/new/":
        user = session_user(cookies)
        if user is None:
            headers.append(("Location", "/accounts/login/?next=/posts/new/"))
            return "", 302
        headers += NO_CACHE
        if method == "POST":
            return create_post(environ, cookies, form, user, headers)
        page = form_page("New post", path, POST_FIELDS, "Save", cookies, headers)
        return f"  <p>Signed in as {html.escape(user[1])}</p>\n{page}", 200
    return "", 404


def application(environ, start_response):
    """Serve the measured pages; /healthz answers ok after a SELECT 1."""
    if environ.get("PATH_INFO") == "/healthz":
        connection().execute("SELECT 1").fetchone()
        body, status, kind, headers = b"ok", 200, "text/plain", []
    else:
        cookies = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        headers: list[tuple[str, str]] = []
        main, status = route(environ, cookies, headers)
        user = "" if status != 200 or "Signed in as" in main else SIGNED_OUT_NAV
        body = PAGE.format(title="Posts", nav=user, main=main).encode() if main else b""
        kind = "text/html; charset=utf-8"
    reason = {200: "OK", 302: "Found", 403: "Forbidden", 404: "Not Found"}[status]
    headers = [("Content-Type", kind), ("Content-Length", str(len(body))), *HEADERS, *headers]
    start_response(f"{status} {reason}", headers)
    return [body]
