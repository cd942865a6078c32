"""The bench's work inside one side's process: seed, sign in, count, time and profile requests.

Run as `python -m bench.appside SIDE COMMAND [ARG...]` from the side's own folder (so that its
packages import as they do under gunicorn), with the repository on PYTHONPATH and the side's
settings (SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS, BENCH_PROFILE) in the environment. Each app
is seeded through its own ORM: the two schemas differ, the data (users, posts, times) is the
same. SIDE is django, flask or ceiling (the plain WSGI app, on the Django app's database).
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import inproc
from bench.pages import FLASK_CONFIG

USERS = [f"writer{n}" for n in range(5)]
PASSWORD = "bench-pass-2026"
POST_COUNT = 1000
START = datetime(2026, 1, 1, tzinfo=UTC)
SIGNED_IN = USERS[0]
# What the create page's POST sends (the bench's load generator sends the same).
NEW_POST = {"title": "A post from the bench", "body": "Written under load.", "status": "published"}
CPU_REQUESTS = 50  # requests a page for its CPU time per request


def posts(count: int = POST_COUNT) -> list[dict]:
    """Return the posts both apps get: every tenth a draft, one an hour from 1 January 2026."""
    return [
        {
            "title": f"Post {n}: notes on topic {n % 37}",
            "body": f"Post number {n} by {USERS[n % len(USERS)]}. " + "Some words of text. " * 20,
            "status": "draft" if n % 10 == 9 else "published",
            "author": n % len(USERS),
            "created": START + timedelta(hours=n),
        }
        for n in range(count)
    ]


# -- Django ----------------------------------------------------------------------------------


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def django_seed(count: int) -> None:
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
        rows = posts(count)
        made = Post.objects.bulk_create(
            Post(title=r["title"], body=r["body"], status=r["status"], author=users[r["author"]])
            for r in rows
        )
        # auto_now_add sets `created` on insert: give the seeded times afterwards.
        for post, row in zip(made, rows, strict=True):
            post.created = post.updated = row["created"]
        Post.objects.bulk_update(made, ["created", "updated"], batch_size=500)


# -- Flask -----------------------------------------------------------------------------------


def flask_app(profile: str = "stock"):
    from app import create_app

    return create_app(FLASK_CONFIG[profile] or None)


def flask_seed(count: int) -> None:
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
            for r in posts(count)
        )
        db.session.commit()


def application(side: str):
    """Return a side's WSGI callable, built as gunicorn builds it (BENCH_PROFILE: stock, lean)."""
    if side == "django":
        django_setup()
        from django.core.wsgi import get_wsgi_application

        return get_wsgi_application()
    if side == "flask":
        return flask_app(os.environ.get("BENCH_PROFILE", "stock"))
    from bench.ceiling import application as ceiling

    return ceiling


# -- the sign-in's password check -----------------------------------------------------------


def password_check(side: str):
    """Return a check of the bench user's password on the side's stored hash, and its scheme."""
    if side == "django":
        django_setup()
        from django.contrib.auth.hashers import check_password, identify_hasher

        from accounts.models import User

        stored = User.objects.get(username=SIGNED_IN).password
        identify_hasher(stored)  # loads the hashers: paid once per process, not per sign-in
        return (lambda: check_password(PASSWORD, stored)), "$".join(stored.split("$")[:2])
    from werkzeug.security import check_password_hash

    from app.extensions import db
    from app.models import User

    with flask_app().app_context():
        select = db.select(User.password_hash).filter_by(username=SIGNED_IN)
        stored = db.session.execute(select).scalar_one()
    return (lambda: check_password_hash(stored, PASSWORD)), stored.split("$")[0]


def password_cost(side: str, how: str, times: int = 1) -> dict:
    """Time `times` password checks, or run one marked for callgrind (`how`: time, callgrind)."""
    check, scheme = password_check(side)
    results = []
    began = time.process_time()
    if how == "callgrind":
        inproc.marked(lambda: results.append(check()))
    else:
        results += [check() for _ in range(times)]
    cpu_ms = (time.process_time() - began) * 1000 / len(results)
    if not all(results):
        raise RuntimeError(f"{side}: the stored hash did not match the password")
    return {"scheme": scheme, "cpu_ms": None if how == "callgrind" else cpu_ms}


# -- profiling -------------------------------------------------------------------------------


def profile(side: str, page: dict, seconds: float, out_html: str, saved: Path) -> str:
    """Profile a page for about `seconds` of requests; write HTML, return the text report."""
    from pyinstrument import Profiler

    app = application(side)
    request = requests_for(app, [page], saved)[page["name"]]
    inproc.send(app, request, 20)  # warm-up: first-request work is not what a busy server pays
    profiler = Profiler(interval=0.0002)
    count = 0
    deadline = time.perf_counter() + seconds
    profiler.start()
    while time.perf_counter() < deadline:
        inproc.send(app, request, 1)
        count += 1
    profiler.stop()
    with open(out_html, "w", encoding="utf-8") as f:
        f.write(profiler.output_html())
    header = f"{side} {page['path']}: {count} requests in {seconds:.1f} s, in-process WSGI calls\n"
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


def requests_for(app, pages: list[dict], saved: Path) -> dict:
    """Return each page's request: signed in and checked now, or as saved by an earlier run."""
    if saved.is_file():
        return json.loads(saved.read_text())
    requests = inproc.prepare(app, pages, SIGNED_IN, PASSWORD, NEW_POST)
    saved.write_text(json.dumps(requests))
    return requests


def measure(side: str, pages: list[dict], saved: Path) -> dict:
    """Return each page's SQL statements at the driver and CPU time per request (no callgrind)."""
    with inproc.traced_connections() as (statements, backends):
        app = application(side)
        requests = requests_for(app, pages, saved)
        sql = inproc.sql_counts(app, requests, statements)
        cpu = inproc.cpu_seconds(app, requests, CPU_REQUESTS, backends)
    return {"sql": sql, "cpu": cpu}


def main(argv: list[str]) -> None:
    side, command, *rest = argv
    if command == "seed":
        count = int(rest[0]) if rest else POST_COUNT
        (django_seed if side == "django" else flask_seed)(count)
    elif command == "prepare":  # PAGES_JSON REQUESTS_FILE: sign in, check the pages, save
        requests_for(application(side), json.loads(rest[0]), Path(rest[1]))
        print("prepared")
    elif command == "measure":  # PAGES_JSON REQUESTS_FILE
        print(json.dumps(measure(side, json.loads(rest[0]), Path(rest[1]))))
    elif command == "callgrind":  # PAGES_JSON REQUESTS_FILE N 2N (run under valgrind)
        app = application(side)
        requests = requests_for(app, json.loads(rest[0]), Path(rest[1]))
        counts = (int(rest[2]), int(rest[3]))
        print(json.dumps(inproc.callgrind_loops(app, requests, counts)))
    elif command == "password":  # time|callgrind [TIMES]: the sign-in's password check
        print(json.dumps(password_cost(side, rest[0], *map(int, rest[1:]))))
    elif command == "profile":  # PAGE_JSON SECONDS OUT_HTML REQUESTS_FILE
        page, seconds, out_html = json.loads(rest[0]), float(rest[1]), rest[2]
        print(profile(side, page, seconds, out_html, Path(rest[3])))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
