"""The machinery behind the fixtures: fresh databases, gunicorn servers and the spec's rule list."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import os
import re
import signal
import socket
import subprocess
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit, urlunsplit

import httpx

from toolkit.paths import PYTHON, ROOT

SPEC = ROOT / "shared_spec" / "SPEC.md"
LOG = logging.getLogger("tests.harness")
REDIS_URL = "redis://127.0.0.1:6379/15"  # Flask-Limiter's shared storage for live servers
# Figures the tests gather for the session's summary: fuzz examples per app, and the
# concurrency runs' counts per (app, backend).
FIGURES: dict = {"fuzz": Counter(), "concurrency": {}}
RULE_ID = re.compile(r"\*\*([A-Z]+-\d+)\*\*")
RULE_LINE = re.compile(r"^- \*\*([A-Z]+-\d+)\*\* (.*)$")


def spec_rules() -> list[str]:
    """Return the rule IDs SPEC.md defines, in the order it defines them."""
    seen: list[str] = []
    for rule in RULE_ID.findall(SPEC.read_text(encoding="utf-8")):
        if rule not in seen:
            seen.append(rule)
    return seen


@functools.cache
def spec_texts() -> dict[str, str]:
    """Return each rule's text as SPEC.md words it (its first line and the indented ones after)."""
    texts: dict[str, str] = {}
    rule = None
    for line in SPEC.read_text(encoding="utf-8").splitlines():
        if found := RULE_LINE.match(line):
            rule = found.group(1)
            texts[rule] = found.group(2).strip()
        elif rule and line.startswith("  ") and line.strip():
            texts[rule] += " " + line.strip()
        else:
            rule = None
    return texts


# -- databases -------------------------------------------------------------------------------


def backend_of(database_url: str | None) -> str:
    """Return "sqlite" or "postgresql" for a database URL (SQLite when there is none)."""
    if database_url and database_url.split(":", 1)[0] in ("postgres", "postgresql"):
        return "postgresql"
    return "sqlite"


def sqlite_path(database_url: str) -> Path:
    """Return the file of an sqlite:////absolute/path URL."""
    assert database_url.startswith("sqlite:////"), database_url
    return Path(database_url.removeprefix("sqlite:///"))


# -- in-process WSGI -------------------------------------------------------------------------

_RAW_PATH: contextvars.ContextVar[str] = contextvars.ContextVar("raw_path")


class WSGITransport(httpx.WSGITransport):
    """httpx's WSGI transport, passing PATH_INFO as WSGI servers do (PEP 3333).

    httpx gives the app the percent-decoded path as text (`/posts/😀/`); a WSGI server gives
    its bytes decoded as Latin-1, which is what Django and Werkzeug decode again. An error the
    app lets out is a 500, its traceback logged, as a WSGI server answers it: the test that sent
    the request fails on the answer, not in the framework's code.
    """

    def __init__(self, app, **kwargs):
        self.wsgi = app
        self.options = kwargs

        def with_raw_path(environ, start_response):
            environ["PATH_INFO"] = _RAW_PATH.get(environ["PATH_INFO"])
            return app(environ, start_response)

        super().__init__(app=with_raw_path, **kwargs)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raw = request.url.raw_path.split(b"?", 1)[0]
        reset = _RAW_PATH.set(unquote_to_bytes(raw).decode("latin-1"))
        try:
            return super().handle_request(request)
        except Exception:
            LOG.exception(
                "%s %s: the app raised (a server answers 500)", request.method, request.url.path
            )
            return httpx.Response(500, text="Internal Server Error", request=request)
        finally:
            _RAW_PATH.reset(reset)

    def from_address(self, remote_addr: str) -> WSGITransport:
        """Return a transport to the same app for a client at another address (REMOTE_ADDR)."""
        return WSGITransport(self.wsgi, **{**self.options, "remote_addr": remote_addr})


class Database:
    """A fresh, empty database: an SQLite file, or a PostgreSQL database created for the run."""

    def __init__(self, url: str, drop=None):
        self.url = url
        self._drop = drop

    @property
    def backend(self) -> str:
        return backend_of(self.url)

    def drop(self) -> None:
        if self._drop:
            self._drop()
            self._drop = None


class Databases:
    """Make fresh databases like the run's: SQLite files in a folder, or PostgreSQL databases.

    `template` is the run's DATABASE_URL: when it is a postgresql://…/NAME URL, each new database
    is NAME_<label>_<random> on that server, created and later dropped through the `postgres`
    database; otherwise each is a new SQLite file in `folder`.
    """

    def __init__(self, folder: Path, template: str | None):
        self.folder = folder
        self.template = template
        self.made: list[Database] = []

    @property
    def backend(self) -> str:
        return backend_of(self.template)

    def new(self, label: str) -> Database:
        if self.backend == "postgresql":
            database = self._new_postgresql(label)
        else:
            path = self.folder / f"{label}-{uuid.uuid4().hex[:8]}.sqlite3"
            database = Database(f"sqlite:///{path}")
        self.made.append(database)
        return database

    def drop_all(self) -> None:
        for database in self.made:
            database.drop()

    def _new_postgresql(self, label: str) -> Database:
        import psycopg  # only PostgreSQL runs need it

        parts = urlsplit(self.template)
        base = parts.path.lstrip("/") or "posts_test"
        name = re.sub(r"[^a-z0-9_]", "_", f"{base}_{label}_{uuid.uuid4().hex[:8]}".lower())[:63]
        admin = urlunsplit(parts._replace(path="/postgres"))

        def execute(sql: str) -> None:
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(sql)

        execute(f'CREATE DATABASE "{name}"')
        url = urlunsplit(parts._replace(path=f"/{name}"))
        return Database(url, drop=lambda: execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# -- servers ---------------------------------------------------------------------------------


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop_process(
    process: subprocess.Popen | None,
    sig: int = signal.SIGINT,  # gunicorn's quick shutdown
    *,
    group: bool = False,
    timeout: float = 15,
) -> None:
    """Stop a server with `sig` (its whole process group when `group`); kill it if it lingers."""

    def send(signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):  # already gone
            if group:
                os.killpg(process.pid, signum)
            else:
                process.send_signal(signum)

    # A group may outlive its leader (a server's children), so it is signalled regardless.
    if process is None or (not group and process.poll() is not None):
        return
    send(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait(timeout=5)


class Server:
    """The app under gunicorn on a free local port, as in production; stopped by `stop()`."""

    def __init__(self, adapter, env: dict[str, str], log: Path, workers: int = 2):
        self.adapter = adapter
        self.env = env
        self.log_path = log
        self.workers = workers
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return [
            PYTHON, "-m", "gunicorn", "--workers", str(self.workers),
            "--bind", f"127.0.0.1:{self.port}", self.adapter.gunicorn_target,
        ]  # fmt: skip

    def start(self) -> subprocess.Popen:
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=self.adapter.app_dir,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self.process

    def output(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def wait_ready(self, path: str = "/healthz", status: int | None = 200, timeout: float = 30):
        """Wait until `path` answers (with `status`, or anything when None); fail with the log."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode} before answering:\n"
                    f"{self.output()}"
                )
            try:
                answer = httpx.get(self.base_url + path, timeout=2)
            except httpx.TransportError as error:
                last = repr(error)
            else:
                if status is None or answer.status_code == status:
                    return answer
                last = f"{answer.status_code} {answer.text[:200]!r}"
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(
            f"{self.base_url}{path} did not answer {status} within {timeout}s (last: {last}).\n"
            f"Server output:\n{self.output()}"
        )

    def wait_exit(self, timeout: float = 30) -> int:
        """Wait for a server that should refuse to start; return its exit status."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise

    def stop(self) -> None:
        stop_process(self.process)


@contextlib.contextmanager
def serving(adapter, env: dict[str, str], log: Path, **wait):
    """Run the app under gunicorn for the duration of a `with` block; yield the Server."""
    server = Server(adapter, env, log)
    server.start()
    try:
        server.wait_ready(**wait)
        yield server
    finally:
        server.stop()


def without(env: dict[str, str], *names: str) -> dict[str, str]:
    """Return a copy of an environment without some variables."""
    return {key: value for key, value in env.items() if key not in names}


def redis_answers(url: str = REDIS_URL) -> bool:
    """Tell whether a Redis server answers PING at the URL's host and port."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def environ_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")
