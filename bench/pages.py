"""What the bench measures and how each side runs: the pages, the profiles, the environment.

Shared by the load run (bench/run.py), the instruction counts (bench/callgrind.py) and the
profiles (bench/profile.py), so that none of them imports another.
"""

from __future__ import annotations

import os
from pathlib import Path

from toolkit import commands, paths
from toolkit.paths import PYTHON, ROOT

NAMES = {"django": "Django", "flask": "Flask", "ceiling": "plain WSGI"}
SIDES = ("django", "flask", "ceiling")
APP_DIRS = {**paths.APP_DIRS, "ceiling": ROOT}
PROFILES = ("stock", "lean")
SECRET_KEY = "bench-only-not-a-secret"
# The lean profile, one rule on both sides: turn off, by configuration only, what none of the
# measured pages uses: serving static files (none is measured) and the sign-in throttles'
# per-request work (no sign-in is posted under load). Translation is off on both sides as
# shipped (the site is English-only). Sessions, CSRF, auth, messages and the security headers
# stay. See bench/README.md.
FLASK_CONFIG = {"stock": {}, "lean": {"RATELIMIT_ENABLED": False}}
LEAN_ENV = {"django": {"DJANGO_SETTINGS_MODULE": "bench.lean_settings"}, "flask": {}, "ceiling": {}}
TARGETS = {
    ("django", "stock"): "config.wsgi:application",
    ("django", "lean"): "config.wsgi:application",
    ("flask", "stock"): "app:create_app()",
    ("flask", "lean"): f"app:create_app({FLASK_CONFIG['lean']!r})",
    ("ceiling", "stock"): "bench.ceiling:application",
    ("ceiling", "lean"): "bench.ceiling:application",
}
# The detail page shows post 501 (the 501st seeded, published in both databases).
PAGES = [
    {"name": "home", "path": "/", "method": "GET", "signed_in": False, "db_bound": True},
    {"name": "search", "path": "/?q=topic+7", "method": "GET", "signed_in": False,
     "db_bound": True},
    {"name": "detail", "path": "/posts/501/", "method": "GET", "signed_in": False,
     "db_bound": True},
    {"name": "sign_in_form", "path": "/accounts/login/", "method": "GET", "signed_in": False,
     "db_bound": False},
    {"name": "create_form", "path": "/posts/new/", "method": "GET", "signed_in": True,
     "db_bound": False},
    {"name": "create_post", "path": "/posts/new/", "method": "POST", "signed_in": True,
     "db_bound": True},
    {"name": "healthz", "path": "/healthz", "method": "GET", "signed_in": False,
     "db_bound": False},
]  # fmt: skip
# Measured in the growth run, where the data size is the point: a search for a term in one post
# only (the "search" page's term is in one post in ten), which PostgreSQL's trigram indexes
# serve. The deep page depends on the size: bench/growth.py makes it.
RARE_SEARCH = {"name": "rare_search", "path": "/?q=Post+500%3A", "method": "GET",
               "signed_in": False, "db_bound": True}  # fmt: skip
# What each GET page must show (checked before any measurement).
EXPECTED = {
    "home": "Post ",
    "search": "topic 7",
    "detail": "Post 500:",
    "sign_in_form": 'name="password"',
    "create_form": "writer0",
    "healthz": "ok",
    "deep_page": "Post ",
    "rare_search": "Post 500:",
}


def app_env(app: str, database: Path | str, profile: str = "stock") -> dict[str, str]:
    """Return the environment a side runs with: production settings, DEBUG off."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "HTTPS")
    }
    url = str(database) if "://" in str(database) else f"sqlite:///{database}"
    env.update(
        SECRET_KEY=SECRET_KEY,
        DATABASE_URL=url,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        PYTHONPATH=str(ROOT),
        BENCH_CEILING_DB=url,
        BENCH_PROFILE=profile,
    )
    env.update(LEAN_ENV[app] if profile == "lean" else {})
    return env


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 1800) -> str:
    """Run a command (seeding, counting, timing an import); return its output, failing with it."""
    return commands.run(command, cwd, env, timeout=timeout).stdout


def seed(app: str, database: Path | str, posts: int | None = None) -> None:
    """Create an app's schema through its own CLI, then load the shared data through its ORM."""
    env = app_env(app, database)
    cwd = APP_DIRS[app]
    if app == "django":
        run([PYTHON, "manage.py", "migrate", "--noinput"], cwd, env)
        run([PYTHON, "manage.py", "collectstatic", "--noinput"], cwd, env)
    else:
        run([PYTHON, "-m", "flask", "--app", "app", "db", "upgrade"], cwd, env)
    count = [] if posts is None else [str(posts)]
    run([PYTHON, "-m", "bench.appside", app, "seed", *count], cwd, env)
