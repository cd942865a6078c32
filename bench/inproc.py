"""Requests sent in-process, straight to a WSGI callable, as gunicorn's worker would send them.

Used inside one side's process (bench/appside.py): sign in and build each page's request
(`prepare`), count the SQL statements each page sends at the driver (`sql_counts`), time the CPU
a request takes (`cpu_seconds`), and run the requests that callgrind counts (`callgrind_loops`).
"""

from __future__ import annotations

import ctypes
import io
import os
import sqlite3
import sys
import time
from contextlib import contextmanager
from urllib.parse import urlencode

from bench.pages import EXPECTED

BASE = "http://127.0.0.1"
WARM_UP = 3  # requests a page gets before any count: caches, compiled templates, connections


def environ_for(request: dict) -> dict:
    """Return the WSGI environ gunicorn would build for a request."""
    path, _, query = request["path"].partition("?")
    body = request.get("body", "").encode()
    environ = {
        "REQUEST_METHOD": request["method"],
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in request.get("headers", {}).items():
        key = name.upper().replace("-", "_")
        environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    return environ


def call(application, request: dict) -> int:
    """Send one request to the WSGI callable; return the status."""
    status = []
    body = application(environ_for(request), lambda s, h, exc_info=None: status.append(s))
    try:
        for _ in body:
            pass
    finally:
        if hasattr(body, "close"):
            body.close()
    return int(status[0].split()[0])


def sign_in(client, username: str, password: str) -> None:
    from toolkit.browser import hidden_inputs

    tokens = hidden_inputs(client.get("/accounts/login/"))
    answer = client.post(
        "/accounts/login/",
        data={"username": username, "password": password, **tokens},
        headers={"Origin": BASE},
    )
    if answer.status_code not in (302, 303):
        raise RuntimeError(f"sign-in answered {answer.status_code}: {answer.text[:300]!r}")


def prepare(application, pages: list[dict], username: str, password: str, post: dict) -> dict:
    """Sign in as a browser would; return each page's request (cookies, token, form)."""
    # Imported here: the processes callgrind runs need none of this (fewer imports to run).
    import httpx

    from toolkit.browser import hidden_inputs
    from toolkit.wsgi import WSGITransport

    client = httpx.Client(transport=WSGITransport(application), base_url=BASE)
    requests = {}
    if any(page["signed_in"] for page in pages):
        sign_in(client, username, password)
        form = client.get("/posts/new/")
        if form.status_code != 200:
            raise RuntimeError(f"the create form answered {form.status_code}")
        token = hidden_inputs(form)
    cookie = "; ".join(f"{c.name}={c.value}" for c in client.cookies.jar)
    for page in pages:
        headers = {"Cookie": cookie} if page["signed_in"] else {}
        request = {"method": page["method"], "path": page["path"], "headers": headers}
        if page["method"] == "POST":
            request["body"] = urlencode({**post, **token})
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": BASE})
        else:
            check(client, page, headers)
        requests[page["name"]] = request
    return requests


def check(client, page: dict, headers: dict) -> None:
    """Fail unless a GET page answers 200 with its content (signed in where it should be)."""
    answer = client.get(page["path"], headers=headers)
    expected = EXPECTED[page["name"]]
    if answer.status_code != 200 or expected not in answer.text:
        raise RuntimeError(
            f"{page['path']}: {answer.status_code}, expected {expected!r} in {answer.text[:300]!r}"
        )


def expected_status(request: dict) -> tuple[int, ...]:
    return (302, 303) if request["method"] == "POST" else (200,)


def send(application, request: dict, times: int) -> None:
    """Send a request `times` times, failing at the first unexpected status."""
    wanted = expected_status(request)
    for _ in range(times):
        status = call(application, request)
        if status not in wanted:
            raise RuntimeError(f"{request['method']} {request['path']} answered {status}")


# -- SQL statements at the driver ------------------------------------------------------------


@contextmanager
def traced_connections():
    """Trace every statement sqlite3 connections opened from now on send (DB-API level).

    PostgreSQL connections (psycopg) are kept too: their server processes' CPU time is what
    the database spends on a request there (`backend_cpu_seconds`).
    """
    statements: list[str] = []
    backends: list = []
    original = sqlite3.connect

    def connect(*args, **kwargs):
        connection = original(*args, **kwargs)
        connection.set_trace_callback(statements.append)
        return connection

    # Django and SQLAlchemy both call sqlite3.dbapi2.connect; `sqlite3.connect` is another name.
    sqlite3.connect = sqlite3.dbapi2.connect = connect
    try:
        import psycopg
    except ImportError:
        psycopg = None
    if psycopg is not None:
        pg_connect = psycopg.connect

        def keep(*args, **kwargs):
            backends.append(pg_connect(*args, **kwargs))
            return backends[-1]

        psycopg.connect = keep
    try:
        yield statements, backends
    finally:
        sqlite3.connect = sqlite3.dbapi2.connect = original
        if psycopg is not None:
            psycopg.connect = pg_connect


def backend_cpu_seconds(backends: list) -> float:
    """Return the CPU time the PostgreSQL server processes of these connections have used."""
    total = 0
    for connection in backends:
        if connection.closed:
            continue
        with open(f"/proc/{connection.info.backend_pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def sql_counts(application, requests: dict, statements: list[str]) -> dict:
    """Return each page's statements at the driver (BEGIN, COMMIT, pings included), one request."""
    counts = {}
    for name, request in requests.items():
        send(application, request, WARM_UP)
        statements.clear()
        send(application, request, 1)
        counts[name] = {"total": len(statements), "statements": list(statements)}
    return counts


def cpu_seconds(application, requests: dict, times: int, backends=()) -> dict[str, dict]:
    """Return each page's CPU time per request, in ms: this process's, PostgreSQL's server's."""
    out = {}
    for name, request in requests.items():
        send(application, request, WARM_UP)
        began, db_began = time.process_time(), backend_cpu_seconds(backends)
        send(application, request, times)
        out[name] = {
            "cpu_ms": (time.process_time() - began) * 1000 / times,
            "db_ms": (backend_cpu_seconds(backends) - db_began) * 1000 / times
            if backends
            else None,
        }
    return out


# -- under callgrind -------------------------------------------------------------------------


def marked(work) -> None:
    """Run `work` inside libffi's ffi_call: the only code callgrind collects (--toggle-collect).

    No framework calls through ctypes, so each call of this function is one callgrind dump
    (--dump-after=ffi_call) holding that work's instructions and nothing else.
    """
    failure: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:  # a ctypes callback cannot raise: carry it out
            failure.append(error)

    ctypes.CFUNCTYPE(None)(run)()
    if failure:
        raise failure[0]


def callgrind_loops(application, requests: dict, counts: tuple[int, int]) -> list[str]:
    """Warm each page, then send it counts[0] and counts[1] times, each run one dump, in order."""
    order = []
    for name, request in requests.items():
        send(application, request, WARM_UP)
        for times in counts:
            marked(lambda request=request, times=times: send(application, request, times))
            order.append(name)
    return order
