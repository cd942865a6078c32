"""What one request asks of PostgreSQL and Redis, counted where they are served.

SQL statements: a separate gunicorn server of one worker on the app's database, its connections
named by `application_name`, while the run's own cluster logs every statement (log_statement =
all): the statements of N requests of each page, over N. PostgreSQL logs what it runs, so
Django's and SQLAlchemy's connection pings, BEGIN and COMMIT count as they reach the server.
Connections: the client backends on each app's database once every replica has served.
Redis: the commands its server counts (INFO stats) over a window's requests.
"""

from __future__ import annotations

import contextlib
import re
import time
from pathlib import Path
from types import SimpleNamespace

import httpx
import psycopg
import redis

from bench import server as benchserver
from bench.pages import PAGES, app_env
from toolkit.apps import APP_CLASSES
from toolkit.pgcluster import Cluster
from toolkit.servers import Server

COUNTED = "sqlcount"  # the application_name of the counted server's connections
# A statement as PostgreSQL logs it: simple protocol ("statement:") or extended ("execute ...:").
STATEMENT = re.compile(rf"{COUNTED}: LOG:  (?:statement|execute [^:]*): (.*)")


def redis_commands(port: int) -> int:
    """Return the commands a Redis server has processed (the INFO asking it excluded)."""
    with contextlib.closing(redis.Redis(port=port)) as client:
        return client.info("stats")["total_commands_processed"] - 1


def connections(cluster: Cluster, url: str, replicas: int) -> dict:
    """Count the client connections open on an app's database, in all and per replica."""
    database = url.rsplit("/", 1)[1]
    with psycopg.connect(cluster.url()) as connection:
        total = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
            "AND backend_type = 'client backend' AND application_name <> %s "
            "AND pid <> pg_backend_pid()",
            (database, COUNTED),
        ).fetchone()[0]
    return {"total": total, "replicas": replicas, "per_replica": total / replicas}


@contextlib.contextmanager
def statement_log(cluster: Cluster):
    """Have the cluster log every statement, with its connection's application_name."""

    def configure(statement: str, prefix: str) -> None:
        with psycopg.connect(cluster.url(), autocommit=True) as connection:
            connection.execute(f"ALTER SYSTEM SET log_statement = '{statement}'")
            connection.execute(f"ALTER SYSTEM SET log_line_prefix = '{prefix}'")
            connection.execute("SELECT pg_reload_conf()")
        time.sleep(0.5)  # each backend reads the new settings at its next command

    configure("all", "%a: ")
    try:
        yield
    finally:
        configure("none", "%m [%p] ")


def statements_since(log: Path, mark: int) -> list[str]:
    """Return the counted server's statements logged after byte `mark`."""
    time.sleep(0.3)  # the log is written by the backends themselves, a little later
    with open(log, "rb") as file:
        file.seek(mark)
        text = file.read().decode("utf-8", "replace")
    return [match.group(1)[:160] for match in STATEMENT.finditer(text)]


def count(app: str, url: str, cluster: Cluster, folder: Path, requests: int, redis: str) -> dict:
    """Return per page the statements per request, and one request's statements.

    The server is set up as the replicas are, their Redis included: with it Django reads its
    sessions from the cache (cached_db) rather than from the database.
    """
    env = {**app_env(app, f"{url}?application_name={COUNTED}"), "RATELIMIT_STORAGE_URI": redis}
    server = Server(APP_CLASSES[app](), env, folder / "sqlcount.log", workers=1)
    server.start()
    found = {}
    try:
        server.wait_ready()
        shim = SimpleNamespace(app=app, url=server.base_url)
        made = benchserver.requests_for(shim, PAGES)
        with statement_log(cluster), httpx.Client(base_url=server.base_url, timeout=20) as http:

            def send(request) -> None:
                body = request.body.encode() or None
                answer = http.request(request.method, request.path, headers=request.headers,
                                      content=body)  # fmt: skip
                if answer.status_code >= 400:
                    raise RuntimeError(f"{app} {request.path}: {answer.status_code}")

            for request in made:
                send(request)  # warm: the first request pays once-only work
                mark = cluster.log_path.stat().st_size
                for _ in range(requests):
                    send(request)
                counted = statements_since(cluster.log_path, mark)
                mark = cluster.log_path.stat().st_size
                send(request)
                found[request.name] = {
                    "statements": len(counted) / requests,
                    "one_request": statements_since(cluster.log_path, mark),
                }
    finally:
        server.stop()
    return found
