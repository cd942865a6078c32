"""The bench's work inside one app's process: seed its database, count its queries, profile a page.

Run as `python -m bench.appside APP COMMAND [ARG]` from the app's own folder (so that its
packages import as they do under gunicorn), with the repository on PYTHONPATH and the app's
settings (SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS) in the environment. Each app is seeded through
its own ORM: the two schemas differ, the data (users, posts, times) is the same.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta

USERS = [f"writer{n}" for n in range(5)]
PASSWORD = "bench-pass-2026"
POST_COUNT = 1000
START = datetime(2026, 1, 1, tzinfo=UTC)
SIGNED_IN = USERS[0]
# What the create page's POST sends (the bench's load generator sends the same).
NEW_POST = {"title": "A post from the bench", "body": "Written under load.", "status": "published"}
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def posts() -> list[dict]:
    """Return the posts both apps get: every tenth a draft, one an hour from 1 January 2026."""
    return [
        {
            "title": f"Post {n}: notes on topic {n % 37}",
            "body": f"Post number {n} by {USERS[n % len(USERS)]}. " + "Some words of text. " * 20,
            "status": "draft" if n % 10 == 9 else "published",
            "author": n % len(USERS),
            "created": START + timedelta(hours=n),
        }
        for n in range(POST_COUNT)
    ]


def data_statements(statements: list[str]) -> int:
    """Count the statements that read or write data (transaction control left out)."""
    return sum(1 for s in statements if not s.lstrip().upper().startswith(TRANSACTION_CONTROL))


# -- Django ----------------------------------------------------------------------------------


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def django_seed() -> None:
    django_setup()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from accounts.models import User
    from posts.models import Post

    hashed = make_password(PASSWORD)  # one slow hash, shared: the users are alike
    with transaction.atomic():
        users = [
            User.objects.create(username=name, email=f"{name}@example.com", password=hashed)
            for name in USERS
        ]
        rows = posts()
        made = Post.objects.bulk_create(
            Post(title=r["title"], body=r["body"], status=r["status"], author=users[r["author"]])
            for r in rows
        )
        # auto_now_add sets `created` on insert: give the seeded times afterwards.
        for post, row in zip(made, rows, strict=True):
            post.created = post.updated = row["created"]
        Post.objects.bulk_update(made, ["created", "updated"], batch_size=250)


def django_client():
    """Return Django's test client signed in as the bench's user (no password hashing)."""
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=SIGNED_IN))
    return client


def django_queries(pages: list[dict]) -> dict[str, int]:
    django_setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for page in pages:
        client = django_client() if page["signed_in"] else Client()

        def send(client=client, page=page):
            if page["method"] == "POST":
                return client.post(page["path"], NEW_POST)
            return client.get(page["path"])

        send()  # the first request fills per-process caches (content types, templates)
        with CaptureQueriesContext(connection) as captured:
            response = send()
        assert response.status_code in (200, 302), (page, response.status_code)
        counts[page["name"]] = data_statements([q["sql"] for q in captured.captured_queries])
    return counts


def django_wsgi(page: dict):
    """Return the WSGI app and the Cookie header for a page."""
    django_setup()
    from django.core.wsgi import get_wsgi_application

    cookie = ""
    if page["signed_in"]:
        client = django_client()
        cookie = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
    return get_wsgi_application(), cookie


# -- Flask -----------------------------------------------------------------------------------


def flask_app(**config):
    from app import create_app

    return create_app(config or None)


def flask_seed() -> None:
    from werkzeug.security import generate_password_hash

    from app.extensions import db
    from app.models import Post, User

    app = flask_app()
    hashed = generate_password_hash(PASSWORD)
    with app.app_context():
        users = [User(username=name, password_hash=hashed) for name in USERS]
        db.session.add_all(users)
        db.session.add_all(
            Post(
                title=r["title"],
                body=r["body"],
                status=r["status"],
                author=users[r["author"]],
                created=r["created"],
                updated=r["created"],
            )
            for r in posts()
        )
        db.session.commit()


def flask_client(app, signed_in: bool):
    client = app.test_client()
    if signed_in:
        answer = client.post("/accounts/login/", data={"username": SIGNED_IN, "password": PASSWORD})
        assert answer.status_code in (302, 303), answer.status_code
    return client


def flask_queries(pages: list[dict]) -> dict[str, int]:
    from sqlalchemy import event

    from app.extensions import db

    # The token is checked as usual under gunicorn; here only the queries are counted.
    app = flask_app(WTF_CSRF_ENABLED=False)
    with app.app_context():
        engine = db.engine
    counts = {}
    for page in pages:
        client = flask_client(app, page["signed_in"])
        send = client.post if page["method"] == "POST" else client.get
        kwargs = {"data": NEW_POST} if page["method"] == "POST" else {}
        send(page["path"], **kwargs)
        statements: list[str] = []

        def count(conn, cursor, statement, *args, into=statements):
            into.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            response = send(page["path"], **kwargs)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert response.status_code in (200, 302, 303), (page, response.status_code)
        counts[page["name"]] = data_statements(statements)
    return counts


def flask_wsgi(page: dict):
    app = flask_app()
    cookie = ""
    if page["signed_in"]:
        client = flask_client(app, True)
        cookie = f"session={client.get_cookie('session').value}"
    return app, cookie


# -- profiling -------------------------------------------------------------------------------


def call(application, path: str, cookie: str) -> int:
    """Send one GET straight to the WSGI callable, as gunicorn would; return the status."""
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    status = []
    body = application(environ, lambda s, h, exc_info=None: status.append(s))
    try:
        for _ in body:
            pass
    finally:
        if hasattr(body, "close"):
            body.close()
    return int(status[0].split()[0])


def profile(app: str, page: dict, seconds: float, out_html: str) -> str:
    """Profile a GET page for about `seconds` of requests; write HTML, return the text report."""
    from pyinstrument import Profiler

    application, cookie = (django_wsgi if app == "django" else flask_wsgi)(page)
    for _ in range(20):  # warm-up: first-request work is not what a busy server pays
        assert call(application, page["path"], cookie) == 200
    profiler = Profiler(interval=0.0002)
    count = 0
    deadline = time.perf_counter() + seconds
    profiler.start()
    while time.perf_counter() < deadline:
        call(application, page["path"], cookie)
        count += 1
    profiler.stop()
    with open(out_html, "w", encoding="utf-8") as f:
        f.write(profiler.output_html())
    header = f"{app} {page['path']}: {count} requests in {seconds:.1f} s, in-process WSGI calls\n"
    shares = self_time_by_package(profiler.last_session.root_frame())
    summary = "Own time by package (where the CPU went, callers not counted):\n" + "".join(
        f"  {name:<28}{share:>6.1%}\n" for name, share in shares[:12]
    )
    return header + summary + profiler.output_text(unicode=True, color=False, show_all=False)


def package_of(path: str) -> str:
    """Name the package a source file belongs to (the app's own code as "app")."""
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if "/bench/" in path:
        return "bench (the WSGI caller)"
    if "/django_app/" in path or "/flask_app/" in path:
        return "app"
    return "python stdlib" if path.startswith("/") else path or "other"


def self_time_by_package(root) -> list[tuple[str, float]]:
    """Return each package's share of the profile's own (self) time, largest first."""
    # pyinstrument keeps a function's own time in synthetic "[self]" children: credit each to
    # the package of the function it belongs to.
    totals: dict[str, float] = {}
    stack = [(root, "other")]
    while stack:
        frame, owner = stack.pop()
        if frame.is_synthetic:
            totals[owner] = totals.get(owner, 0.0) + frame.total_self_time
            continue
        name = package_of(frame.file_path or "")
        stack.extend((child, name) for child in frame.children)
    whole = sum(totals.values()) or 1.0
    return sorted(((k, v / whole) for k, v in totals.items()), key=lambda kv: -kv[1])


def main(argv: list[str]) -> None:
    app, command, *rest = argv
    if command == "seed":
        (django_seed if app == "django" else flask_seed)()
    elif command == "queries":
        pages = json.loads(rest[0])
        print(json.dumps((django_queries if app == "django" else flask_queries)(pages)))
    elif command == "profile":
        page, seconds, out_html = json.loads(rest[0]), float(rest[1]), rest[2]
        print(profile(app, page, seconds, out_html))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
