"""Operations: health, settings, migrations and commands, error pages, SQLite (OPS-1 to OPS-7).

The tests of the command line and of start-up run each app's real CLI and gunicorn on databases
of their own (SQLite files, or PostgreSQL databases when the run uses PostgreSQL).
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing

import httpx
import pytest

from tests import pages
from tests.actions import (
    PASSWORD,
    assert_page,
    create_post,
    home,
    in_parallel,
    new_post,
    sign_in,
    token,
)
from tests.harness import without
from toolkit.browser import Browser
from toolkit.databases import sqlite_path
from toolkit.servers import Server, serving

# The commands SPEC.md names (OPS-3, OPS-4), given to each adapter's CLI.
MIGRATE = {"django": ("migrate", "--noinput"), "flask": ("db", "upgrade")}
SEED = {"django": ("seed_demo",), "flask": ("seed-demo",)}
DEMO_USERS = ("alice", "bob")
DEMO_PASSWORD = "demo-pass-2026"
TRACES = ("Traceback", 'File "', "OperationalError", "sqlite3", "Werkzeug Debugger", "DEBUG = True")


@pytest.mark.rule("OPS-1")
def test_healthz(visitor):
    """A monitor opening /healthz reads ok as plain text."""
    answer = visitor.get("/healthz")
    assert answer.status_code == 200
    assert answer.text.strip() == "ok"
    assert answer.headers["content-type"].startswith("text/plain")


# -- jobs: the slow parts, run in the background from the session's start ---------------------


def refuses_to_start(adapter, env, log) -> tuple[bool, str]:
    """Start gunicorn; return whether it exited with an error (rather than answer), and its log."""
    server = Server(adapter, env, log, workers=1)
    server.start()
    try:
        server.wait_ready(timeout=20)
    except RuntimeError:
        server.stop()
        return server.process.returncode not in (0, None), server.output()
    server.stop()
    return False, server.output()


def no_secret_key(adapter, harness) -> dict:
    """Start the app, and run its CLI, without SECRET_KEY."""
    database = harness.databases.new(f"{adapter.name}_nokey")
    # The server with DEBUG unset (so off by default), the CLI with DEBUG=0.
    env = without(adapter.env(database.url), "SECRET_KEY", "DEBUG")
    server = refuses_to_start(adapter, env, harness.folder / f"{adapter.name}-nokey.log")
    env = {**without(adapter.env(database.url), "SECRET_KEY"), "DEBUG": "0"}
    return {"server": server, "cli": adapter.cli(*MIGRATE[adapter.name], env=env, check=False)}


def default_database(adapter, harness) -> list[str]:
    """Migrate a copy of the app folder without DATABASE_URL; return the SQLite files made."""
    ignore = shutil.ignore_patterns(
        "__pycache__", "*.sqlite3*", "*.db", "instance", "staticfiles", ".pytest_cache"
    )
    copy = harness.folder / f"copy-{adapter.name}" / adapter.app_dir.name
    shutil.copytree(adapter.app_dir, copy, ignore=ignore)
    moved = type(adapter)()
    moved.app_dir = copy
    moved.cli(*MIGRATE[adapter.name], env=without(adapter.env("unused"), "DATABASE_URL"))
    return [
        str(path.relative_to(copy))
        for path in copy.rglob("*")
        if path.is_file() and path.read_bytes()[:16] == b"SQLite format 3\x00"
    ]


def fresh_site(adapter, harness):
    """Migrate a fresh database, create staff and seed twice through the CLI; then serve it."""
    database = harness.databases.new(f"{adapter.name}_fresh")
    env = adapter.env(database.url)
    staff = ("boss", "Boss-Pass-2026!")
    harness.prepare(adapter, database.url, staff)
    seeds = [adapter.cli(*SEED[adapter.name], env=env) for _ in range(2)]
    server = Server(adapter, env, harness.folder / f"{adapter.name}-fresh.log")
    harness.servers.append(server)
    server.start()
    server.wait_ready()
    return server, staff, seeds


def server_error(adapter, harness) -> tuple:
    """Serve the app on a file that is no database, DEBUG unset.

    The app starts, and every page that reads data fails: an unexpected error, black-box.
    """
    broken = harness.folder / f"{adapter.name}-not-a-database.sqlite3"
    broken.write_bytes(b"not a database " * 100)
    env = without(adapter.env(f"sqlite:///{broken}"), "DEBUG")
    log = harness.folder / f"{adapter.name}-error.log"
    with serving(adapter, env, log, status=None) as server:
        return httpx.get(server.base_url + "/"), httpx.get(server.base_url + "/healthz")


def database_out_of_reach(adapter, harness) -> tuple:
    """Serve the app with its database out of reach (a folder that does not exist), DEBUG unset."""
    unreachable = f"sqlite:///{harness.folder}/missing/folder/db.sqlite3"
    env = without(adapter.env(unreachable), "DEBUG")
    log = harness.folder / f"{adapter.name}-unreachable.log"
    with serving(adapter, env, log, status=None) as server:
        return httpx.get(server.base_url + "/"), httpx.get(server.base_url + "/healthz")


JOBS = {
    "no-secret-key": no_secret_key,
    "default-database": default_database,
    "fresh-site": fresh_site,
    "server-error": server_error,
    "database-out-of-reach": database_out_of_reach,
}


# -- OPS-2: settings from the environment -----------------------------------------------------


@pytest.mark.rule("OPS-2")
@pytest.mark.background("no-secret-key")
def test_server_refuses_to_start_without_secret_key(job):
    """Started without SECRET_KEY, the server exits with an error naming it."""
    refused, output = job("no-secret-key")["server"]
    assert refused, f"the app started without SECRET_KEY:\n{output[-2000:]}"
    assert "SECRET_KEY" in output, output[-2000:]


@pytest.mark.rule("OPS-2", "OPS-3")
@pytest.mark.background("no-secret-key")
def test_cli_refuses_to_run_without_secret_key(job):
    """Run without SECRET_KEY, the app's command line fails with an error naming it."""
    done = job("no-secret-key")["cli"]
    assert done.returncode != 0, done.stdout
    assert "SECRET_KEY" in done.stdout + done.stderr


@pytest.mark.rule("OPS-2")
@pytest.mark.background("default-database")
def test_default_database_is_an_sqlite_file_beside_the_app(job):
    """Without DATABASE_URL, migrating makes an SQLite file in the app's folder."""
    assert job("default-database"), "migrating without DATABASE_URL made no SQLite file"


# -- OPS-3 and OPS-4: migrations and commands on a fresh database ---------------------------


@pytest.mark.rule("OPS-3")
@pytest.mark.background("fresh-site")
def test_migrations_build_the_schema(job):
    """On a fresh database, the migrations alone make the site's pages answer."""
    server, _, _ = job("fresh-site")
    visitor = Browser(server.base_url)
    assert visitor.get("/healthz").status_code == 200
    for path in ("/", "/accounts/login/", "/accounts/register/"):
        assert visitor.get(path).status_code == 200, path


@pytest.mark.rule("OPS-4", "ADMIN-3")
@pytest.mark.background("fresh-site")
def test_staff_command_makes_a_staff_user(adapter, job):
    """The staff command makes a user who can sign in to the admin and see the posts."""
    server, staff, _ = job("fresh-site")
    browser = Browser(server.base_url)
    adapter.admin_login(browser, *staff)
    listing = adapter.admin_post_list(browser)
    assert listing.status_code == 200
    assert adapter.admin_post_titles(listing), "the seeded posts are not in the admin"


@pytest.mark.rule("OPS-4", "READ-2")
@pytest.mark.background("fresh-site")
def test_seed_command_loads_demo_users_and_posts_once(job):
    """Seeding twice loads the demo posts once, on two or three pages; the demo users sign in."""
    server, _, seeds = job("fresh-site")
    assert all(seed.returncode == 0 for seed in seeds)
    assert DEMO_PASSWORD in seeds[0].stdout + seeds[0].stderr, "the demo password is not printed"
    visitor = Browser(server.base_url)
    first = home(visitor)
    listed = pages.listed_posts(first)
    assert len(listed) == 10
    assert {post.author for post in listed} <= set(DEMO_USERS)
    nav = pages.pagination(first)
    assert nav is not None, "the demo posts do not paginate"
    # About 25 posts, so seeding twice did not double them: two or three pages.
    assert nav.current in ("Page 1 of 2", "Page 1 of 3"), nav.current
    for username in DEMO_USERS:
        answer = sign_in(Browser(server.base_url), username, DEMO_PASSWORD)
        assert answer.status_code in (302, 303), (username, pages.nonfield_errors(answer))


# -- OPS-5 and OPS-6: error pages ------------------------------------------------------------


@pytest.mark.rule("OPS-5")
@pytest.mark.parametrize(
    "path", ["/no-such-page/", "/posts/abc/", "/posts/999999999/", "/admin.php"]
)
def test_unknown_urls_get_the_apps_404_page(visitor, path):
    """An unknown address shows the site's own Not found page, in its layout."""
    answer = visitor.get(path)
    assert_page(answer, 404, "Not found", "Not found | Posts")
    assert pages.lang(answer) == "en"
    assert pages.has_link(answer, "/accounts/login/", "Sign in"), "the 404 page lacks the layout"


@pytest.mark.rule("OPS-5")
def test_refused_action_gets_the_apps_403_page(alice, bob):
    """Opening another user's edit page shows the site's own Forbidden page, in its layout."""
    post = create_post(alice, f"Not bob's {token()}")
    answer = bob.get(f"/posts/{post}/edit/")
    assert_page(answer, 403, "Forbidden", "Forbidden | Posts")
    assert pages.lang(answer) == "en"
    assert pages.current_user(answer) == bob.username, "the 403 page lacks the layout"


@pytest.mark.rule("OPS-6", "SEC-2", "OPS-1")
@pytest.mark.background("server-error")
def test_unexpected_error_gets_the_apps_500_page(job):
    """A broken database shows the site's own Server error page, no trace; /healthz fails."""
    answer, health = job("server-error")
    assert_page(answer, 500, "Server error", "Server error | Posts")
    for trace in TRACES:
        assert trace not in answer.text, trace
    assert answer.headers.get("x-frame-options", "").upper() == "DENY"
    assert answer.headers.get("x-content-type-options") == "nosniff"
    assert answer.headers.get("referrer-policy")
    assert health.status_code >= 500, "healthz says ok without a database"
    assert "Traceback" not in health.text


@pytest.mark.rule("OPS-13", "OPS-1")
@pytest.mark.background("database-out-of-reach")
def test_a_database_out_of_reach_gets_the_apps_503_page(job):
    """With the database out of reach, pages answer the site's own Service unavailable page."""
    answer, health = job("database-out-of-reach")
    assert_page(answer, 503, "Service unavailable", "Service unavailable | Posts")
    for trace in TRACES:
        assert trace not in answer.text, trace
    assert health.status_code == 503, "healthz says ok without a database"
    assert health.text != "ok"


# -- OPS-7: SQLite in WAL mode; concurrent writes --------------------------------------------


@pytest.mark.rule("OPS-7")
@pytest.mark.requires("sqlite")
def test_sqlite_database_is_in_wal_mode(database_url, alice):
    """The SQLite database runs in WAL mode, so readers do not block a writer."""
    create_post(alice, f"Written {token()}")
    path = sqlite_path(database_url)
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"


@pytest.mark.rule("OPS-7")
def test_concurrent_writes_are_not_lost(visitor, alice, bob):
    """Sixteen posts written at once are all listed, and two sign-ins at once both succeed."""
    tag = token()
    writers = [(alice if n % 2 else bob).clone() for n in range(16)]

    def write(n: int) -> int:
        return new_post(writers[n], f"Concurrent {n:02d} {tag}", "Body", "published").status_code

    statuses = in_parallel(write, range(16), workers=8)
    assert set(statuses) <= {302, 303}, statuses
    titles = []
    for page in (1, 2):
        titles += [post.title for post in pages.listed_posts(home(visitor, q=tag, page=page))]
    assert sorted(titles) == [f"Concurrent {n:02d} {tag}" for n in range(16)]
    # Sign-ins write sessions too.
    answers = in_parallel(
        lambda _: sign_in(Browser(visitor.base_url, visitor.transport), alice.username, PASSWORD),
        range(2),
    )
    assert {answer.status_code for answer in answers} <= {302, 303}
