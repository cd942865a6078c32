"""Which apps a run tests, and how each is reached: in-process, live, or at a BASE_URL.

Every test that takes the `app` fixture runs once per app (`[django]`, `[flask]`, or an app an
`--adapter` adds). Three modes: in-process WSGI (the default), live gunicorn servers (`--live`
or LIVE=1), or any running site (BASE_URL=http://host:port). The suite's SMTP server runs for
the whole session in the first two. See tests/README.md.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests import actions, mail, pages
from tests.adapters import adapter_class
from tests.adapters.base import Adapter
from tests.harness import redis_answers
from toolkit.apps import STAFF
from toolkit.browser import Browser, fresh_address
from toolkit.databases import backend_of
from toolkit.servers import environ_flag

APP_NAMES = ("django", "flask")  # the adapters of tests/adapters/; --adapter adds others
MAIL = pytest.StashKey[tuple]()  # the suite's SMTP server and its mailbox


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


RUN = pytest.StashKey[Run]()


def added_adapters(config) -> dict[str, str]:
    """Return the apps that --adapter adds: each adapter's `name`, with its MODULE:CLASS."""
    added = {}
    for spec in config.getoption("adapters"):
        if ":" not in spec:
            raise pytest.UsageError(f"--adapter {spec!r}: expected MODULE:CLASS (my_adapter:Mine)")
        added[adapter_class(spec).name] = spec
    return added


def url_run(base_url: str, added: dict[str, str], known: dict[str, str]) -> Run:
    """Return the run against a site at BASE_URL, driven by APP's adapter or --adapter's."""
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


def read_run(config) -> Run:
    """Return what the options and the environment ask this session to run against."""
    added = added_adapters(config)
    known = {**{name: name for name in APP_NAMES}, **added}
    base_url = os.environ.get("BASE_URL", "").strip()
    if base_url:
        return url_run(base_url, added, known)
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


def pytest_configure(config):
    config.stash[RUN] = read_run(config)
    if config.stash[RUN].mode != "url":
        # Before any app is built: every app and server of the run mails to it.
        config.stash[MAIL] = mail.start()
        Adapter.mail_port = config.stash[MAIL][0].port


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


# -- an app as the tests reach it ---------------------------------------------------------------


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
