"""The shared suite's harness: which apps run, how each is reached, what a run leaves out.

Every test that takes the `app` fixture runs once per app (`[django]`, `[flask]`, or an app an
`--adapter` adds). Three modes: in-process WSGI (the default), live gunicorn servers (`--live`
or LIVE=1), or any running site (BASE_URL=http://host:port). The per-rule report is in
plugin_rules.py. See tests/README.md.
"""

from __future__ import annotations

import importlib
import inspect
import os
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests import actions, mail, pages
from tests.adapters.base import Adapter
from tests.harness import REDIS_URL, redis_answers
from toolkit.browser import Browser, fresh_address
from toolkit.databases import Databases, backend_of
from toolkit.servers import Server, environ_flag
from toolkit.wsgi import WSGITransport

# The machinery beside this file: the rules (--rules, explained failures, the per-rule report)
# and failures grouped by cause; the scale-out profile (--scale); pytester runs the suite's tests
# of that machinery.
pytest_plugins = ["pytester", "tests.plugin_failures", "tests.plugin_rules", "tests.plugin_scale"]

APP_NAMES = ("django", "flask")  # the adapters of tests/adapters/; --adapter adds others
STAFF = ("staff", "Staff-Pass-2026!")
NEEDS = {"adapter", "staff", "database", "sqlite", "postgresql", "redis", "log", "mail"}
# Needs that are tools of the machine running the suite: under CI=true a missing one fails.
TOOLS = {"redis"}
# Fixtures that bring a need with them, so that tests need not mark it twice.
FIXTURE_NEEDS = {
    "adapter": {"adapter"},
    "job": {"adapter"},
    "staff": {"adapter", "staff"},
    "database_url": {"database"},
    "mailbox": {"mail"},
}
MAIL = pytest.StashKey[tuple]()


def pytest_addoption(parser):
    group = parser.getgroup("posts", "the Posts apps under test")
    group.addoption(
        "--app",
        action="append",
        dest="apps",
        metavar="NAME",
        help="run against this app only (repeatable): django, flask or an --adapter's; default: "
        "env APPS=django,flask, else both (with --adapter, the apps it adds)",
    )
    group.addoption(
        "--adapter",
        action="append",
        default=[],
        dest="adapters",
        metavar="MODULE:CLASS",
        help="add the app an Adapter subclass drives, from any importable module: built by its "
        "build_wsgi (in-process) or started by gunicorn (--live); with BASE_URL, the site's "
        "adapter (docs/workshop/byo.md)",
    )
    group.addoption(
        "--live",
        action="store_true",
        help="start each app with gunicorn on a free port instead of in-process (env LIVE=1)",
    )
    group.addoption(
        "--exercise",
        action="append",
        type=int,
        default=[],
        dest="exercises",
        metavar="N",
        help="start workshop exercise N: run its checkpoint tests (marked exercise(N)), which "
        "are left out otherwise (docs/workshop/README.md; make check STEP=N)",
    )


# -- the run ---------------------------------------------------------------------------------


@dataclass
class Run:
    """What this session runs against, read from the options and the environment."""

    mode: str  # "in-process", "live" or "url"
    apps: list[str]
    base_url: str | None = None
    database_url: str | None = None  # in-process/live: a PostgreSQL template; url: the site's
    staff: tuple[str, str] | None = STAFF
    adapter_name: str | None = None  # url mode: the adapter that drives the site's admin
    # Each app's adapter: NAME (tests/adapters/NAME.py) or MODULE:CLASS (--adapter).
    adapters: dict[str, str] = field(default_factory=lambda: {name: name for name in APP_NAMES})

    @property
    def backend(self) -> str:
        return backend_of(self.database_url)

    def has(self) -> set[str]:
        """Return the needs this run can meet."""
        tools = {"redis"} if redis_answers() else set()
        if self.mode != "url":
            # The app's log: in-process its records reach this process's logging; a live
            # server writes it to the harness's log file. The suite's own SMTP server
            # (tests/mail.py) receives the apps' mail.
            return {"adapter", "staff", "database", "log", "mail", self.backend} | tools
        found = set(tools)
        if self.adapter_name:
            found.add("adapter")
            if self.staff:
                found.add("staff")
        if self.database_url:
            found |= {"database", self.backend}
        return found


def added_adapters(config) -> dict[str, str]:
    """Return the apps that --adapter adds: each adapter's `name`, with its MODULE:CLASS."""
    added = {}
    for spec in config.getoption("adapters"):
        if ":" not in spec:
            raise pytest.UsageError(f"--adapter {spec!r}: expected MODULE:CLASS (my_adapter:Mine)")
        added[adapter_class(spec).name] = spec
    return added


def read_run(config) -> Run:
    added = added_adapters(config)
    known = {**{name: name for name in APP_NAMES}, **added}
    base_url = os.environ.get("BASE_URL", "").strip()
    if base_url:
        name = os.environ.get("APP", "").strip() or None
        if len(added) > 1:
            raise pytest.UsageError("with BASE_URL, one --adapter: the site's")
        if name and not added and not (Path(__file__).parent / "adapters" / f"{name}.py").is_file():
            raise pytest.UsageError(f"APP={name!r}: no adapter tests/adapters/{name}.py")
        label, spec = next(iter(added.items())) if added else (name, name)
        user, password = os.environ.get("STAFF_USERNAME"), os.environ.get("STAFF_PASSWORD")
        return Run(
            mode="url",
            apps=[label or "url"],
            base_url=base_url.rstrip("/"),
            database_url=os.environ.get("DATABASE_URL") or None,
            staff=(user, password) if user and password else None,
            adapter_name=spec,
            adapters={**known, label: spec} if label else known,
        )
    names = config.getoption("apps") or [
        name.strip() for name in os.environ.get("APPS", "").split(",") if name.strip()
    ]
    for name in names:
        if name not in known:
            raise pytest.UsageError(f"unknown app {name!r}; expected one of {sorted(known)}")
    template = os.environ.get("DATABASE_URL") or None
    return Run(
        mode="live" if config.getoption("live") or environ_flag("LIVE") else "in-process",
        apps=list(dict.fromkeys(names)) or list(added) or list(APP_NAMES),
        database_url=template if backend_of(template) == "postgresql" else None,
        adapters=known,
    )


RUN = pytest.StashKey[Run]()
MISSING_TOOLS = pytest.StashKey[set]()
DESELECTED = pytest.StashKey[Counter]()
NOT_STARTED = "a started workshop exercise"


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "requires(*needs, apps=(), modes=()): what a test needs besides HTTP "
        "(adapter, staff, database, sqlite, postgresql, redis, log), for those apps and run modes "
        "only when given; deselected when the run lacks it (a missing tool fails under CI=true)",
    )
    config.addinivalue_line(
        "markers",
        "background(*jobs): slow jobs (JOBS of the test's module) started at session start",
    )
    config.addinivalue_line(
        "markers",
        "exercise(n): a checkpoint of workshop exercise N (docs/workshop/), left out of the run "
        "(deselected, not skipped) unless --exercise N starts it",
    )
    config.stash[RUN] = read_run(config)
    if config.stash[RUN].mode != "url":
        # Before any app is built: every app and server of the run mails to it.
        config.stash[MAIL] = mail.start()
        Adapter.mail_port = config.stash[MAIL][0].port
    config.stash[DESELECTED] = Counter()


def pytest_unconfigure(config):
    if MAIL in config.stash:
        config.stash[MAIL][0].stop()


def pytest_report_header(config):
    run = config.stash[RUN]
    where = {
        "in-process": "in-process WSGI",
        "live": "gunicorn servers",
        "url": f"the site at {run.base_url}",
    }[run.mode]
    database = run.backend if run.mode != "url" else (run.database_url and run.backend) or "unknown"
    return [f"posts suite: {', '.join(run.apps)} via {where}; database: {database}"]


def pytest_generate_tests(metafunc):
    if "app" in metafunc.fixturenames:
        apps = metafunc.config.stash[RUN].apps
        metafunc.parametrize("app", apps, indirect=True, scope="session", ids=apps)


def item_needs(item) -> set[str]:
    needs = set()
    run = item.config.stash[RUN]
    app_name = getattr(getattr(item, "callspec", None), "params", {}).get("app")
    for mark in item.iter_markers("requires"):
        unknown = set(mark.args) - NEEDS
        if unknown:
            raise pytest.UsageError(f"{item.nodeid}: unknown need(s) {sorted(unknown)}")
        if mark.kwargs.get("apps") and app_name not in mark.kwargs["apps"]:
            continue
        if mark.kwargs.get("modes") and run.mode not in mark.kwargs["modes"]:
            continue
        needs.update(mark.args)
    for name in getattr(item, "fixturenames", ()):
        needs |= FIXTURE_NEEDS.get(name, set())
    return needs


@pytest.hookimpl(trylast=True)  # after -k, -m and --rules: the notes count what this left out
def pytest_collection_modifyitems(config, items):
    run = config.stash[RUN]
    have = run.has()
    kept, dropped = [], []
    started = set(config.getoption("exercises"))
    for item in items:
        exercise = item.get_closest_marker("exercise")
        if exercise is not None and exercise.args[0] not in started:
            # Deselected rather than skipped: the main suite stays green under CI=true, where a
            # skip is a failure, and an exercise nobody started is no defect. While one runs,
            # the other exercises' checkpoints are left out as asked: no note for them.
            dropped.append(item)
            if not started:
                config.stash[DESELECTED][NOT_STARTED] += 1
            continue
        missing = item_needs(item) - have
        if missing and under_ci() and missing <= TOOLS:
            item.stash[MISSING_TOOLS] = missing  # kept, and failed at set-up
        elif missing:
            dropped.append(item)
            config.stash[DESELECTED][", ".join(sorted(missing))] += 1
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def deselection_notes(config) -> list[str]:
    hints = {
        "adapter": "set APP=django|flask, or --adapter MODULE:CLASS, to drive the admin and CLI",
        "staff": "set STAFF_USERNAME and STAFF_PASSWORD",
        "database": "set DATABASE_URL to the site's database",
        "sqlite": "the database is not SQLite, or unknown",
        "postgresql": "the database is not PostgreSQL, or unknown",
        "redis": f"no Redis answers at {REDIS_URL} (apt-get install redis-server)",
        "log": "a site at BASE_URL keeps its log to itself",
        "mail": "a site at BASE_URL sends its mail elsewhere, not to the suite's SMTP server",
        NOT_STARTED: "start one with make check STEP=N, see docs/workshop/README.md",
    }
    notes = []
    for missing, count in sorted(config.stash[DESELECTED].items()):
        why = "; ".join(hints[need] for need in missing.split(", "))
        notes.append(f"note: {count} test(s) deselected, needing {missing} ({why})")
    return notes


def pytest_report_collectionfinish(config, start_path, items):
    return deselection_notes(config)


def pytest_runtest_setup(item):
    missing = item.stash.get(MISSING_TOOLS, None)
    if missing:
        pytest.fail(f"needs {', '.join(sorted(missing))}, missing; under CI=true that fails")


# -- the apps --------------------------------------------------------------------------------


def adapter_class(spec: str) -> type[Adapter]:
    """Return the Adapter a spec names: NAME (tests/adapters/NAME.py) or MODULE:CLASS."""
    if ":" in spec:
        module_name, class_name = spec.split(":", 1)
        try:
            found = getattr(importlib.import_module(module_name), class_name, None)
        except ImportError as error:
            raise pytest.UsageError(f"adapter {spec!r}: {error}") from error
        if not (inspect.isclass(found) and issubclass(found, Adapter)):
            raise pytest.UsageError(f"adapter {spec!r}: {class_name} is no subclass of Adapter")
        return found
    module = importlib.import_module(f"tests.adapters.{spec}")
    classes = [
        value
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, Adapter)
        and value is not Adapter
        and value.__module__ == module.__name__
    ]
    assert len(classes) == 1, f"tests/adapters/{spec}.py should define one Adapter: {classes}"
    return classes[0]


def load_adapter(spec: str) -> Adapter:
    """Return an instance of the Adapter a spec names: NAME or MODULE:CLASS."""
    return adapter_class(spec)()


class AppUnderTest:
    """One app as the tests reach it: its address, its adapter and a few signed-in browsers."""

    def __init__(self, name, adapter, base_url, transport, database_url, staff):
        self.name = name
        self._adapter = adapter
        self.base_url = base_url
        self.transport = transport
        self.database_url = database_url
        self.staff = staff
        self._members: dict[str, Browser] = {}
        self._staff_browser: Browser | None = None
        self.cache: dict = {}  # data several tests share (made once per app per session)
        self.log_path: Path | None = None  # a live server's output (stdout and stderr)

    def __repr__(self) -> str:
        return f"<{self.name} at {self.base_url}>"

    @property
    def adapter(self) -> Adapter:
        if self._adapter is None:
            raise RuntimeError("no adapter for this site: set APP=django|flask, or --adapter")
        return self._adapter

    def browser(self) -> Browser:
        """Return a new visitor with an empty cookie jar, from an address of its own."""
        if self.transport is not None:
            return Browser(self.base_url, self.transport.from_address(fresh_address()))
        return Browser(self.base_url)

    def browser_from(self, address: str) -> Browser:
        """Return a new visitor connecting from another local address (another client).

        In-process, the WSGI environ's REMOTE_ADDR; over HTTP, the socket's source address
        (any of 127.0.0.0/8 reaches a server on 127.0.0.1).
        """
        if self.transport is not None:
            return Browser(self.base_url, self.transport.from_address(address))
        return Browser(self.base_url, httpx.HTTPTransport(local_address=address))

    def signed_in(self, username: str, password: str) -> Browser:
        """Return a new browser signed in through the public sign-in form."""
        browser = self.browser()
        answer = actions.sign_in(browser, username, password)
        assert answer.status_code in (302, 303), (
            f"signing in as {username!r} failed: {answer.status_code} "
            f"{pages.nonfield_errors(answer)} {pages.fields_in_error(answer)}"
        )
        browser.username = username
        return browser

    def make_user(self, prefix: str = "user", password: str = actions.PASSWORD):
        """Sign up a new unique user; return (username, password, signed-in browser)."""
        username = f"{prefix[:18]}{uuid.uuid4().hex[:10]}"
        browser = self.browser()
        answer = actions.register(browser, username, password)
        errors = {name: pages.field_errors(answer, name) for name in pages.fields_in_error(answer)}
        assert answer.status_code in (302, 303), (
            f"signing up {username!r} failed: {answer.status_code} {errors}"
        )
        browser.username = username
        return username, password, browser

    def member(self, prefix: str) -> Browser:
        """Return this session's signed-in user of that name (made once; never sign it out)."""
        if prefix not in self._members:
            self._members[prefix] = self.make_user(prefix)[2]
        return self._members[prefix]

    def staff_browser(self) -> Browser:
        """Return this session's staff browser, signed into the admin once."""
        if self._staff_browser is None:
            browser = self.browser()
            self.adapter.admin_login(browser, *self.staff)
            browser.username = self.staff[0]
            self._staff_browser = browser
        return self._staff_browser


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


@pytest.fixture
def job(app, harness):
    """Return a function giving the result of one of this app's background jobs."""
    return lambda name: harness.job(app.name, name)


@pytest.fixture(scope="session")
def app(request, harness) -> AppUnderTest:
    """The app under test (parametrized: each test runs once per app)."""
    return harness.app(request.param)


@pytest.fixture
def adapter(app) -> Adapter:
    return app.adapter


@pytest.fixture
def database_url(app) -> str:
    assert app.database_url, "no database URL for this app"
    return app.database_url


@pytest.fixture
def databases(harness) -> Databases:
    """Make fresh databases like the run's (SQLite files, or PostgreSQL databases)."""
    return harness.databases


@pytest.fixture(scope="session")
def mailbox(request) -> mail.Mailbox:
    """The messages the apps have sent to the suite's SMTP server."""
    return request.config.stash[MAIL][1]


@pytest.fixture
def visitor(app) -> Browser:
    return app.browser()


@pytest.fixture
def alice(app) -> Browser:
    """A user signed in for the whole session: do not sign it out."""
    return app.member("alice")


@pytest.fixture
def bob(app) -> Browser:
    """Another user signed in for the whole session: do not sign it out."""
    return app.member("bob")


@pytest.fixture
def staff(app) -> Browser:
    """The staff user, signed into the admin for the whole session: do not sign it out."""
    return app.staff_browser()


# -- strictness and the notes at the end ------------------------------------------------------


def under_ci() -> bool:
    return environ_flag("CI")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.skipped and under_ci():
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped, and under CI=true a skip is a failure: {reason}"
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    report = yield
    if report.skipped and under_ci():
        report.outcome = "failed"
        report.longrepr = (
            f"skipped at collection, and under CI=true a skip is a failure: {report.longrepr}"
        )
    return report


@pytest.hookimpl(tryfirst=True)  # before the per-rule report (tests/plugin_rules.py)
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for note in deselection_notes(config):
        terminalreporter.write_line(note)
