"""Each app built (or reached) once per session; servers and slow jobs in the background.

The `harness` fixture builds each app on first use: in-process through its adapter's
`build_wsgi`, live under gunicorn on a free port, or reached at BASE_URL; it stops every
server and drops every database at the session's end. A test marked `background("NAME")`
gets the result of `JOBS["NAME"](adapter, harness)`, a function of its module started at the
session's start (CLI runs, servers of their own), through the `job` fixture.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from tests import mail
from tests.adapters import load_adapter
from tests.adapters.base import Adapter
from tests.harness import REDIS_URL, redis_answers
from tests.plugin_apps import MAIL, RUN, AppUnderTest, Run
from toolkit.apps import STAFF
from toolkit.databases import Databases
from toolkit.servers import Server
from toolkit.wsgi import WSGITransport


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "background(*jobs): slow jobs (JOBS of the test's module) started at session start",
    )


class Harness:
    """Build (or reach) each app once per session, and clean up at its end."""

    def __init__(self, run: Run, folder: Path):
        self.run = run
        self.folder = folder
        self.databases = Databases(folder, run.database_url)
        self.servers: list[Server] = []
        self.apps: dict[str, AppUnderTest | BaseException] = {}
        self.jobs: dict[str, dict[str, Future]] = {}
        self.mailbox: mail.Mailbox | None = None  # the suite's SMTP server's, set by `harness`
        self.pool: ThreadPoolExecutor | None = None
        self.prepare_lock = threading.Lock()  # Django's collectstatic writes one shared folder

    def prepare(self, adapter: Adapter, database_url: str, staff: tuple[str, str]) -> None:
        """Migrate a database and create staff through the app's CLI (one app at a time)."""
        with self.prepare_lock:
            adapter.prepare(database_url, staff)

    def live_env(self, adapter: Adapter, database_url: str, **extra: str) -> dict[str, str]:
        """Return the environment of a live server: the adapter's, with the shared stores.

        Live servers run several workers; Flask-Limiter's default storage is each process's
        memory, so sign-in throttling (SEC-13) counts in Redis when one answers.
        """
        env = adapter.env(database_url)
        if redis_answers():
            env.setdefault("RATELIMIT_STORAGE_URI", REDIS_URL)
        return {**env, **extra}

    def start_jobs(self, wanted: dict[str, dict[str, Callable]]) -> None:
        """Run each app's slow jobs, in order, in a thread of its own (apps side by side)."""
        if not wanted:
            return
        self.pool = ThreadPoolExecutor(max_workers=len(wanted), thread_name_prefix="posts-job")
        for app_name, jobs in wanted.items():
            futures = {name: Future() for name in jobs}
            self.jobs[app_name] = futures

            def chain(app_name=app_name, jobs=jobs, futures=futures):
                adapter = load_adapter(self.run.adapters[app_name])
                for name, function in jobs.items():
                    try:
                        futures[name].set_result(function(adapter, self))
                    except BaseException as error:
                        futures[name].set_exception(error)

            self.pool.submit(chain)

    def job(self, app_name: str, name: str):
        """Return a background job's result (waiting for it), or raise its error."""
        return self.jobs[app_name][name].result(timeout=900)

    def app(self, name: str) -> AppUnderTest:
        if name not in self.apps:
            try:
                self.apps[name] = self.build(name)
            except BaseException as error:  # every test of this app reports the same failure
                self.apps[name] = error
                raise
        found = self.apps[name]
        if isinstance(found, BaseException):
            raise RuntimeError(f"the {name} app could not be built (see its first test)") from found
        return found

    def build(self, name: str) -> AppUnderTest:
        run = self.run
        if run.mode == "url":
            adapter = load_adapter(run.adapter_name) if run.adapter_name else None
            return AppUnderTest(name, adapter, run.base_url, None, run.database_url, run.staff)
        adapter = load_adapter(run.adapters[name])
        database = self.databases.new(name)
        if run.mode == "live":
            self.prepare(adapter, database.url, STAFF)
            server = Server(
                adapter, self.live_env(adapter, database.url), self.folder / f"{name}-server.log"
            )
            self.servers.append(server)
            server.start()
            server.wait_ready()
            live = AppUnderTest(name, adapter, server.base_url, None, database.url, STAFF)
            live.log_path = server.log_path
            return live
        wsgi = adapter.build_wsgi(database.url, STAFF)
        transport = WSGITransport(wsgi)
        return AppUnderTest(name, adapter, "http://localhost", transport, database.url, STAFF)

    def close(self) -> None:
        if self.pool:
            self.pool.shutdown(wait=True, cancel_futures=True)
        with ThreadPoolExecutor(max_workers=max(len(self.servers), 1)) as stopping:
            list(stopping.map(Server.stop, self.servers))  # each may take seconds to wind down
        self.databases.drop_all()


@pytest.fixture(scope="session")
def harness(request, tmp_path_factory):
    built = Harness(request.config.stash[RUN], tmp_path_factory.mktemp("posts"))
    # Background jobs read the apps' mail too (tests/mail.py; none when reaching a BASE_URL).
    built.mailbox = request.config.stash[MAIL][1] if MAIL in request.config.stash else None
    yield built
    built.close()


@pytest.fixture(scope="session", autouse=True)
def _background_jobs(request, harness):
    """Start the slow jobs (CLI runs, servers) of the selected tests before they are needed.

    A test marked `background("NAME")` gets the result of `JOBS["NAME"](adapter, harness)`,
    a function of its module, through the `job` fixture.
    """
    wanted: dict[str, dict[str, Callable]] = {}
    for item in request.session.items:
        for mark in item.iter_markers("background"):
            app_name = item.callspec.params["app"]
            for name in mark.args:
                wanted.setdefault(app_name, {}).setdefault(name, item.module.JOBS[name])
    harness.start_jobs(wanted)
