"""The secondary figures: each side under gunicorn, loaded by wrk, with a noise guard.

One run starts a server on a fresh copy of its seeded database, waits for the first 200 from
/healthz (the start-up time), signs in over HTTP, warms every page, loads every page with the
load generator, reads the workers' memory and CPU time, and stops the server. Requests per
second depend on everything else the machine runs: before each page the load average is read,
and a page measured while it is past LOAD_LIMIT is measured again once, then kept but marked
noisy; the summary marks a page whose spread over the runs passes SPREAD_LIMIT_PCT as well.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psutil

from bench import load
from bench.appside import NEW_POST, PASSWORD, SIGNED_IN
from bench.pages import APP_DIRS, EXPECTED, PAGES, TARGETS, app_env
from toolkit.browser import hidden_inputs
from toolkit.paths import PYTHON
from toolkit.servers import free_port, stop_process

USABLE_CORES = len(os.sched_getaffinity(0))
# The server and the load generator keep about one core each busy: past that, other work is
# running and the req/s it leaves are not the sides' own.
LOAD_LIMIT = USABLE_CORES + 1.0
SPREAD_LIMIT_PCT = 20.0
NOISE_WAIT_SECONDS = 5.0


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

    def workers(self) -> list[psutil.Process]:
        # Under taskset the command is exec'd, so the pid is gunicorn's master either way.
        return psutil.Process(self.process.pid).children()

    def worker_rss_mb(self) -> float:
        """Return the mean resident memory of the gunicorn workers, in MB."""
        return statistics.mean(w.memory_info().rss for w in self.workers()) / 1e6

    def worker_cpu_seconds(self) -> float:
        """Return the CPU time (user + system) the workers have used so far."""
        return sum(sum(w.cpu_times()[:2]) for w in self.workers())

    def stop(self) -> None:
        stop_process(self.process)


def sign_in(server: Server) -> tuple[dict[str, str], str]:
    """Sign in over HTTP; return the cookies and the create form's CSRF token."""
    with httpx.Client(base_url=server.url, timeout=20) as client:
        # The CSRF token is the form's hidden input, whatever each framework names it.
        tokens = hidden_inputs(client.get("/accounts/login/"))
        answer = client.post(
            "/accounts/login/",
            data={"username": SIGNED_IN, "password": PASSWORD, **tokens},
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
    cookies, token = sign_in(server) if any(p["signed_in"] for p in pages) else ({}, "")
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    made = []
    for page in pages:
        headers = {"Cookie": cookie} if page["signed_in"] else {}
        body = ""
        if page["method"] == "POST":
            body = urlencode(NEW_POST) + "&" + token
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
    expected = EXPECTED[page["name"]]
    if answer.status_code != 200 or expected not in answer.text:
        raise RuntimeError(
            f"{server.app} {page['path']}: {answer.status_code}, expected {expected!r} in "
            f"{answer.text[:300]!r}"
        )


def post_rows(app: str, database: Path) -> int:
    """Return how many posts the database holds (the create POST must add rows)."""
    table = "posts" if app == "flask" else "posts_post"
    with contextlib.closing(sqlite3.connect(database)) as connection:
        return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def twice_if_noisy(measure: Callable[[], dict], quick: bool) -> dict:
    """Measure; if the window was noisy, let the other work pass and measure once more.

    The second window is kept whatever it shows, marked noisy if it still is; --quick never waits.
    """
    figures = measure()
    if figures["noisy"] and not quick:
        time.sleep(NOISE_WAIT_SECONDS)
        figures = measure()
    return figures


def guarded(server: Server, request: load.Request, settings: Settings) -> dict:
    """Load one page; measured again once if the machine was busy, else kept and marked noisy."""

    def measure() -> dict:
        load_before = os.getloadavg()[0]
        cpu_before = server.worker_cpu_seconds()
        figures = load.measure(server.url, request, settings, settings.duration)
        cpu = server.worker_cpu_seconds() - cpu_before
        figures["cpu_ms"] = 1000 * cpu / figures["requests"] if figures["requests"] else None
        figures["load_average"] = round(max(load_before, os.getloadavg()[0]), 2)
        figures["noisy"] = figures["load_average"] > LOAD_LIMIT
        return figures

    return twice_if_noisy(measure, settings.quick)


def one_run(app, profile, template: Path, settings: Settings, work: Path, log: Path) -> dict:
    """Start one side on a fresh copy of its database, warm it, measure every page, stop it."""
    database = work / f"{app}-{profile}-run.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copy(template, database)
    server = Server(app, profile, database, settings, log)
    try:
        server.start()
        requests = requests_for(server, PAGES)
        for request in requests:  # warm-up: imports, template caches, connections
            load.measure(server.url, request, settings, settings.warmup)
        before = post_rows(app, database)
        results = {r.name: guarded(server, r, settings) for r in requests}
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
