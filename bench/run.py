"""`make bench`: both apps and the plain-WSGI ceiling under one gunicorn setup, measured in turns.

Each run starts a server on a fresh copy of its seeded database, waits for the first 200 from
/healthz (the start-up time), signs in over HTTP, warms every page, measures every page with the
load generator, reads the workers' memory, and stops the server. The servers take turns run by
run (Django, Flask, then Flask, Django, ...; the ceiling after them) so that drift on the machine
hits every side alike. Results go to build/bench.json, read by `make compare`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psutil

from bench import appside, load
from toolkit import commands, paths
from toolkit.browser import hidden_inputs
from toolkit.paths import APPS, BUILD, PYTHON, ROOT
from toolkit.servers import free_port, stop_process

OUT = BUILD / "bench.json"
QUICK_OUT = BUILD / "bench-quick.json"  # a harness check is no measurement: kept apart
USABLE_CORES = len(os.sched_getaffinity(0))
# Other work on the machine skews the figures; the load average is saved beside them.
LOAD_AT_START = [round(x, 2) for x in os.getloadavg()]
NAMES = {"django": "Django", "flask": "Flask", "ceiling": "plain WSGI"}
APP_DIRS = {**paths.APP_DIRS, "ceiling": ROOT}
SECRET_KEY = "bench-only-not-a-secret"
# What each profile changes, in the environment or gunicorn's target; stock is each app as
# shipped. Lean turns off what the measured pages do not use (see bench/README.md).
TARGETS = {
    ("django", "stock"): "config.wsgi:application",
    ("django", "lean"): "config.wsgi:application",
    ("flask", "stock"): "app:create_app()",
    # Flask-Limiter's documented switch: no rate-limit check before every request.
    ("flask", "lean"): "app:create_app({'RATELIMIT_ENABLED': False})",
    ("ceiling", "stock"): "bench.ceiling:application",
}
LEAN_ENV = {"django": {"DJANGO_SETTINGS_MODULE": "bench.lean_settings"}, "flask": {}}
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
CEILING_PAGES = [PAGES[0]]


@dataclass
class Settings:
    workers: int
    connections: int
    duration: float
    warmup: float
    runs: int
    quick: bool
    pin: bool
    generator: str
    extra: dict = field(default_factory=dict)


# -- databases -------------------------------------------------------------------------------


def app_env(app: str, database: Path, profile: str = "stock") -> dict[str, str]:
    """Return the environment an app runs with: production settings, DEBUG off."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "HTTPS")
    }
    env.update(
        SECRET_KEY=SECRET_KEY,
        DATABASE_URL=f"sqlite:///{database}",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        PYTHONPATH=str(ROOT),
        BENCH_CEILING_DB=str(database),
    )
    if profile == "lean":
        env.update(LEAN_ENV[app])
    return env


def run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run a command (seeding, timing an import); return its output, failing with it."""
    return commands.run(command, cwd, env, timeout=600).stdout


def seed(app: str, database: Path) -> None:
    """Create an app's schema through its own CLI, then load the shared data through its ORM."""
    env = app_env(app, database)
    cwd = APP_DIRS[app]
    if app == "django":
        run([PYTHON, "manage.py", "migrate", "--noinput"], cwd, env)
        run([PYTHON, "manage.py", "collectstatic", "--noinput"], cwd, env)
    else:
        run([PYTHON, "-m", "flask", "--app", "app", "db", "upgrade"], cwd, env)
    run([PYTHON, "-m", "bench.appside", app, "seed"], cwd, env)


# -- servers ---------------------------------------------------------------------------------


class Server:
    """One side under gunicorn on a free local port, pinned to CPU 0 when the machine allows."""

    def __init__(self, app: str, profile: str, database: Path, settings: Settings, log: Path):
        self.app, self.profile, self.settings = app, profile, settings
        self.env = app_env(app, database, profile)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process: subprocess.Popen | None = None
        self.startup_seconds: float | None = None

    def start(self, timeout: float = 60) -> None:
        command = [
            PYTHON, "-m", "gunicorn", "--workers", str(self.settings.workers),
            "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}",
            TARGETS[(self.app, self.profile)],
        ]  # fmt: skip
        if self.settings.pin:
            command = ["taskset", "-c", "0", *command]
        began = time.perf_counter()
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=APP_DIRS[self.app],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = began + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.app} exited before answering; see {self.log}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    self.startup_seconds = time.perf_counter() - began
                    return
            time.sleep(0.02)
        raise RuntimeError(f"{self.app} did not answer /healthz within {timeout}s; see {self.log}")

    def worker_rss_mb(self) -> float:
        """Return the mean resident memory of the gunicorn workers, in MB."""
        master = psutil.Process(self.process.pid)
        # Under taskset the command is exec'd, so the pid is gunicorn's master either way.
        workers = master.children()
        return statistics.mean(w.memory_info().rss for w in workers) / 1e6

    def stop(self) -> None:
        stop_process(self.process)


def sign_in(server: Server) -> tuple[dict[str, str], str]:
    """Sign in over HTTP; return the cookies and the create form's CSRF token."""
    with httpx.Client(base_url=server.url, timeout=20) as client:
        # The CSRF token is the form's hidden input, whatever each framework names it.
        tokens = hidden_inputs(client.get("/accounts/login/"))
        answer = client.post(
            "/accounts/login/",
            data={"username": appside.SIGNED_IN, "password": appside.PASSWORD, **tokens},
            headers={"Origin": server.url},
        )
        if answer.status_code not in (302, 303):
            raise RuntimeError(f"{server.app}: sign-in answered {answer.status_code}")
        page = client.get("/posts/new/")
        if page.status_code != 200:
            raise RuntimeError(f"{server.app}: the create form answered {page.status_code}")
        return dict(client.cookies.items()), urlencode(hidden_inputs(page))


def requests_for(server: Server, pages: list[dict]) -> list[load.Request]:
    """Turn the pages into requests the load generator sends (cookies, token, form)."""
    needs_sign_in = server.app != "ceiling" and any(p["signed_in"] for p in pages)
    cookies, token = sign_in(server) if needs_sign_in else ({}, "")
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    made = []
    for page in pages:
        headers = {"Cookie": cookie} if page["signed_in"] else {}
        body = ""
        if page["method"] == "POST":
            body = "&".join(f"{k}={v.replace(' ', '+')}" for k, v in appside.NEW_POST.items())
            body += "&" + token
            headers.update(
                {"Content-Type": "application/x-www-form-urlencoded", "Origin": server.url}
            )
        made.append(load.Request(page["name"], page["path"], page["method"], headers, body))
        if page["method"] == "GET":
            check_page(server, page, headers)
    return made


def check_page(server: Server, page: dict, headers: dict[str, str]) -> None:
    """Fail unless the page answers 200 with its content (signed in where it should be)."""
    answer = httpx.get(server.url + page["path"], headers=headers, timeout=20)
    expected = {
        "home": "Post 998:",  # the newest published post, first on page 1
        "search": "topic 7",
        "detail": "Post 500:",
        "sign_in_form": 'name="password"',
        "create_form": appside.SIGNED_IN,
        "healthz": "ok",
    }[page["name"]]
    if answer.status_code != 200 or expected not in answer.text:
        raise RuntimeError(
            f"{server.app} {page['path']}: {answer.status_code}, expected {expected!r} in "
            f"{answer.text[:300]!r}"
        )


def post_rows(app: str, database: Path) -> int:
    """Return how many posts the database holds (the create POST must add rows)."""
    table = "posts_post" if app == "django" else "posts"
    with contextlib.closing(sqlite3.connect(database)) as connection:
        return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


# -- one run ---------------------------------------------------------------------------------


def one_run(app, profile, template: Path, settings: Settings, work: Path, log: Path) -> dict:
    """Start one side on a fresh copy of its database, warm it, measure every page, stop it."""
    database = work / f"{app}-{profile}-run.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copy(template, database)
    server = Server(app, profile, database, settings, log)
    try:
        server.start()
        pages = CEILING_PAGES if app == "ceiling" else PAGES
        requests = requests_for(server, pages)
        for request in requests:  # warm-up: imports, template caches, connections
            load.measure(server.url, request, settings, settings.warmup)
        before = post_rows(app, database) if app != "ceiling" else 0
        results = {
            r.name: load.measure(server.url, r, settings, settings.duration) for r in requests
        }
        if app != "ceiling":
            # Each answered create POST must have added a post: a form error would answer 200
            # and add nothing, which the load generator would count as a success.
            added = post_rows(app, database) - before
            posted = results["create_post"]["requests"]
            results["create_post"]["rows_added"] = added
            if added < posted:
                raise RuntimeError(f"{app}: {posted} create POSTs answered, {added} posts added")
        return {
            "pages": results,
            "memory_mb": server.worker_rss_mb(),
            "startup_seconds": server.startup_seconds,
        }
    finally:
        server.stop()


# -- costs outside the load ------------------------------------------------------------------

IMPORT_CODE = {
    "django": "import config.wsgi",
    "flask": "from app import create_app; create_app()",
}


def import_seconds(app: str, database: Path, times: int) -> float:
    """Return the median time a fresh interpreter takes to import and build the WSGI app."""
    code = (
        f"import time; t = time.perf_counter(); {IMPORT_CODE[app]}; print(time.perf_counter() - t)"
    )
    env = app_env(app, database)
    samples = [float(run([PYTHON, "-c", code], APP_DIRS[app], env)) for _ in range(times)]
    return statistics.median(samples)


def query_counts(app: str, template: Path, work: Path) -> dict[str, int]:
    """Count each page's SQL statements in the app's own process (on a scratch copy)."""
    database = work / f"{app}-queries.sqlite3"
    shutil.copy(template, database)
    out = run(
        [PYTHON, "-m", "bench.appside", app, "queries", json.dumps(PAGES)],
        APP_DIRS[app],
        app_env(app, database),
    )
    return json.loads(out.strip().splitlines()[-1])


# -- summary ---------------------------------------------------------------------------------


def spread(values: list[float]) -> dict:
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "min": None, "max": None, "spread_pct": None}
    median = statistics.median(values)
    return {
        "median": median,
        "min": min(values),
        "max": max(values),
        "spread_pct": 100 * (max(values) - min(values)) / median if median else None,
    }


def summarise(runs: list[dict], pages: list[dict]) -> dict:
    """Return each page's median and spread over the runs, plus the side's costs."""
    out: dict = {"pages": {}}
    for page in pages:
        samples = [r["pages"][page["name"]] for r in runs]
        rps = spread([s["rps"] for s in samples])
        out["pages"][page["name"]] = {
            "path": page["path"],
            "method": page["method"],
            "db_bound": page["db_bound"],
            "rps": rps["median"],
            "rps_spread": rps,
            "p50_ms": statistics.median(s["p50_ms"] for s in samples),
            "p99_ms": statistics.median(s["p99_ms"] for s in samples),
            "p99_ms_max": max(s["p99_ms"] for s in samples),
            "runs_rps": [s["rps"] for s in samples],
            "requests": sum(s["requests"] for s in samples),
            "failed": sum(s["failed"] for s in samples),
        }
    out["memory_per_worker_mb"] = statistics.median(r["memory_mb"] for r in runs)
    out["startup_seconds"] = statistics.median(r["startup_seconds"] for r in runs)
    return out


def add_ratios(sides: dict, ceiling_rps: float | None) -> None:
    for side in sides.values():
        for page in side["pages"].values():
            page["ratio_to_ceiling"] = (
                page["rps"] / ceiling_rps if ceiling_rps and page["rps"] else None
            )


def machine() -> dict:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": model or platform.processor(),
        "cores": os.cpu_count(),
        "usable_cores": USABLE_CORES,
        "load_average_at_start": LOAD_AT_START,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "kernel": platform.release(),
        "system": platform.system(),
    }


def versions(generator: str) -> dict:
    found = {}
    for package in ("Django", "Flask", "gunicorn", "SQLAlchemy", "Werkzeug", "Jinja2"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[package.lower()] = metadata.version(package)
    found["load_generator"] = generator
    return found


# -- the table -------------------------------------------------------------------------------


def table(result: dict) -> str:
    ceiling = result["ceiling"]
    lines = [
        f"Load: {result['load_generator']}; server: {result['server']}",
        f"Runs: {result['settings']['runs']} per side, {result['settings']['duration']} s a page "
        f"after {result['settings']['warmup']} s of warm-up, {result['settings']['connections']} "
        "connections",
        f"Ceiling (plain WSGI home page): {ceiling['rps']:.0f} req/s (spread "
        f"{ceiling['rps_spread']['spread_pct']:.0f}%), p50 {ceiling['p50_ms']:.2f} ms, "
        f"p99 {ceiling['p99_ms']:.2f} ms",
    ]
    head = (
        f"{'page':<13}{'side':<8}{'req/s':>8}{'spread':>8}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'/ceil':>7}{'failed':>8}"
    )
    for profile in ("stock", "lean"):
        sides = result["profiles"][profile]["apps"]
        lines += ["", f"== {profile} profile ==", head]
        for page in PAGES:
            for app in APPS:
                p = sides[app]["pages"][page["name"]]
                ratio = p["ratio_to_ceiling"]
                lines.append(
                    f"{page['name']:<13}{NAMES[app]:<8}{p['rps']:>8.0f}"
                    f"{p['rps_spread']['spread_pct']:>7.0f}%{p['p50_ms']:>8.2f}{p['p99_ms']:>8.2f}"
                    f"{ratio if ratio is not None else float('nan'):>7.2f}{p['failed']:>8}"
                )
            d, f = (sides[a]["pages"][page["name"]]["rps"] for a in APPS)
            lines.append(f"{'':<13}{'Flask/Django':<20}{f / d if d else float('nan'):>8.2f}")
    lines += ["", f"{'cost':<34}{'Django':>12}{'Flask':>12}"]
    apps = result["apps"]
    rows = [
        ("memory per worker, stock (MB)", "memory_per_worker_mb", "{:.1f}"),
        ("start-up to first 200 (s)", "startup_seconds", "{:.2f}"),
        ("import + build the app (s)", "import_seconds", "{:.2f}"),
    ]
    for label, key, fmt in rows:
        lines.append(
            f"{label:<34}{fmt.format(apps['django'][key]):>12}{fmt.format(apps['flask'][key]):>12}"
        )
    lean = result["profiles"]["lean"]["apps"]
    lines.append(
        f"{'memory per worker, lean (MB)':<34}{lean['django']['memory_per_worker_mb']:>12.1f}"
        f"{lean['flask']['memory_per_worker_mb']:>12.1f}"
    )
    for page in PAGES:
        q = [apps[a]["queries"].get(page["name"]) for a in APPS]
        lines.append(f"{'SQL statements, ' + page['name']:<34}{q[0]!s:>12}{q[1]!s:>12}")
    return "\n".join(lines)


# -- main ------------------------------------------------------------------------------------


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="1 run, ~1 s a page: checks the harness"
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per side (default 5)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds a page a run")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of warm-up a page")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn sync workers (default 1)")
    parser.add_argument("--connections", type=int, default=8, help="open connections (default 8)")
    parser.add_argument("--python-load", action="store_true", help="use the Python fallback")
    parser.add_argument("--profile", action="store_true", help="profile each side's slowest page")
    parser.add_argument("--out", type=Path, help="default build/bench.json (quick: -quick.json)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    args.out = args.out or (QUICK_OUT if args.quick else OUT)
    if args.quick:
        args.runs, args.duration, args.warmup = 1, 1.0, 1.0
    generator = load.generator(force_python=args.python_load)
    # Two or more usable cores: the server on CPU 0, the load generator on CPU 1, so that they
    # do not take turns on one core. With one core both share it (and the figures say so).
    pin = shutil.which("taskset") is not None and {0, 1} <= os.sched_getaffinity(0)
    if pin:
        os.sched_setaffinity(0, {1})  # this process (the Python fallback's threads) off CPU 0
    settings = Settings(
        workers=args.workers,
        connections=args.connections,
        duration=args.duration,
        warmup=args.warmup,
        runs=args.runs,
        quick=args.quick,
        pin=pin,
        generator=generator,
    )
    BUILD.mkdir(exist_ok=True)
    log = BUILD / "bench-servers.log"
    log.write_bytes(b"")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        templates = {}
        for app in APPS:
            templates[app] = work / f"{app}.sqlite3"
            print(f"seeding {NAMES[app]}: {len(appside.USERS)} users, {appside.POST_COUNT} posts")
            seed(app, templates[app])
        templates["ceiling"] = templates["django"]
        sides = [(app, profile) for profile in ("stock", "lean") for app in APPS]
        runs: dict[tuple[str, str], list[dict]] = {
            side: [] for side in [*sides, ("ceiling", "stock")]
        }
        for number in range(args.runs):
            # A B A B ...: the apps swap order every run; the ceiling is measured in each run.
            order = (
                sides
                if number % 2 == 0
                else [s for pair in zip(sides[1::2], sides[::2], strict=True) for s in pair]
            )
            for app, profile in [*order, ("ceiling", "stock")]:
                print(f"run {number + 1}/{args.runs}: {NAMES[app]} ({profile})", flush=True)
                runs[(app, profile)].append(
                    one_run(app, profile, templates[app], settings, work, log)
                )
        costs = {
            app: {
                "import_seconds": import_seconds(app, templates[app], 1 if args.quick else 3),
                "queries": query_counts(app, templates[app], work),
            }
            for app in APPS
        }
    ceiling = summarise(runs[("ceiling", "stock")], CEILING_PAGES)
    ceiling_page = ceiling["pages"]["home"]
    profiles = {}
    for profile in ("stock", "lean"):
        apps = {app: summarise(runs[(app, profile)], PAGES) for app in APPS}
        add_ratios(apps, ceiling_page["rps"])
        for app in APPS:
            apps[app].update(costs[app])
            apps[app]["concurrency"] = {
                "requests": sum(p["requests"] for p in apps[app]["pages"].values()),
                "failed": sum(p["failed"] for p in apps[app]["pages"].values()),
                "clients": args.connections,
            }
        profiles[profile] = {"apps": apps}
    pinning = "server on CPU 0, load generator on CPU 1" if pin else "not pinned (one core)"
    result = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine(),
        "versions": versions(generator),
        "settings": {
            "workers": args.workers,
            "worker_class": "sync",
            "connections": args.connections,
            "duration": args.duration,
            "warmup": args.warmup,
            "runs": args.runs,
            "pinning": pinning,
            "users": len(appside.USERS),
            "posts": appside.POST_COUNT,
        },
        "load_generator": generator,
        "server": f"gunicorn {versions(generator).get('gunicorn')}, {args.workers} sync "
        f"worker(s), DEBUG off, SQLite (WAL); {pinning}",
        "ceiling": {
            "rps": ceiling_page["rps"],
            "rps_spread": ceiling_page["rps_spread"],
            "p50_ms": ceiling_page["p50_ms"],
            "p99_ms": ceiling_page["p99_ms"],
            "memory_per_worker_mb": ceiling["memory_per_worker_mb"],
        },
        # The stock profile is the comparison's: `apps` is what compare.py reads first.
        "apps": profiles["stock"]["apps"],
        "profiles": profiles,
    }
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print()
    print(table(result))
    if args.quick:
        print("\n--quick: one short run, to check the harness works; not a measurement of speed.")
    failed = sum(
        side["concurrency"]["failed"] for p in profiles.values() for side in p["apps"].values()
    )
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    if failed:
        print(f"{failed} requests failed (non-2xx/3xx or errors): see {log}")
        return 1
    return 0
