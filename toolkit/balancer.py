"""A balanced group: an app as several gunicorn replicas behind HAProxy, with a Redis of its own.

Each replica is its own gunicorn master (standing for a machine of its own) on a free loopback
port; HAProxy (Debian's `haproxy`) sends requests round-robin, with no sticky sessions, to the
replicas whose `/healthz` answers 200, and names the one that answered in `X-Served-By`. The
replicas share one database (the caller's) and a private `redis-server` on a free port (the
shared store of throttle counts), started and stopped with the group.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from toolkit.servers import Server, free_port, stop_process

SERVED_BY = "X-Served-By"  # the header HAProxy adds: the replica that answered (r1, r2, ...)
BACKEND = "replicas"

HAPROXY_CONFIG = """\
global
    maxconn 2000
    stats socket {socket} mode 600 level admin

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # A connection refused (a replica gone) is tried again on another replica.
    retries 3
    option redispatch
    # One hop: the client's address appended to X-Forwarded-For, the scheme set (not appended).
    option forwardfor

frontend web
    bind 127.0.0.1:{port}
    http-request set-header X-Forwarded-Proto http
    # Bodies past 10 MB (both apps refuse far less) stop here, as nginx's client_max_body_size
    # would: a replica that answers 413 and closes before reading them all resets the connection,
    # and the client would see no answer at all.
    http-request deny deny_status 413 if {{ req.hdr_val(content-length) gt 10000000 }}
    default_backend {backend}

backend {backend}
    balance roundrobin
    option allbackups
    option httpchk GET /healthz
    http-check expect status 200
    default-server inter 300ms fall 2 rise 1
    http-response set-header {served_by} %s
    # A GET whose replica died before answering is sent again to another; a request that may
    # change something (POST) never is: its sender is told it failed, and may retry itself.
    retry-on conn-failure empty-response response-timeout
    http-request disable-l7-retry if !METH_GET
{servers}
"""


def need(command: str, install: str) -> str:
    """Return the path of a program, or fail saying how to get it."""
    found = shutil.which(command)
    if found is None:
        raise RuntimeError(f"{command} is not installed: apt-get install -y {install}")
    return found


def wait_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 10) -> None:
    """Wait until something listens on 127.0.0.1:port; fail with the log if the process ends."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{process.args[0]} exited with {process.returncode}:\n{log.read_text()[-2000:]}"
            )
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


class Redis:
    """A private redis-server on a free port: no disk, gone when stopped."""

    def __init__(self, log: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            need("redis-server", "redis-server"), "--bind", "127.0.0.1", "--port", str(self.port),
            "--save", "", "--appendonly", "no",
        ]  # fmt: skip
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        wait_port(self.port, self.process, self.log_path)

    def stop(self) -> None:
        stop_process(self.process, signal.SIGTERM)


class HAProxy:
    """HAProxy in front of some replicas, on a free port; drains and readmits them by name."""

    def __init__(self, folder: Path, replicas: dict[str, int]):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.socket = folder / "haproxy.sock"
        self.config = folder / "haproxy.cfg"
        self.log_path = folder / "haproxy.log"
        # Each replica twice: checked, and as an unchecked backup, used only when every checked
        # one is down (the database is out of reach, say): then the replicas' own 503 page
        # answers rather than the balancer's.
        servers = "\n".join(
            f"    server {name} 127.0.0.1:{port} check\n"
            f"    server {name}-last 127.0.0.1:{port} backup"
            for name, port in replicas.items()
        )
        self.config.write_text(
            HAPROXY_CONFIG.format(
                socket=self.socket,
                port=self.port,
                backend=BACKEND,
                served_by=SERVED_BY,
                servers=servers,
            )
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [need("haproxy", "haproxy"), "-db", "-f", str(self.config)]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        wait_port(self.port, self.process, self.log_path)

    def admin(self, command: str) -> str:
        """Send a command to HAProxy's runtime API; return its answer."""
        with socket.socket(socket.AF_UNIX) as connection:
            connection.connect(str(self.socket))
            connection.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def set_state(self, name: str, state: str) -> None:
        """Put a replica in "drain" (no new requests), "maint" (none) or "ready"."""
        self.admin(f"set server {BACKEND}/{name} state {state}")

    def sessions(self, name: str) -> int:
        """Return the requests a replica is serving now."""
        for line in self.admin("show stat").splitlines():
            fields = line.split(",")
            if fields[:2] == [BACKEND, name]:
                return int(fields[4] or 0)  # scur
        raise KeyError(name)

    def status(self, name: str) -> str:
        """Return a replica's state as its health checks see it: UP, DOWN, MAINT, ..."""
        for line in self.admin("show stat").splitlines():
            fields = line.split(",")
            if fields[:2] == [BACKEND, name]:
                return fields[17]
        raise KeyError(name)

    def stop(self) -> None:
        stop_process(self.process, signal.SIGTERM)


class Group:
    """An app as `size` gunicorn replicas behind HAProxy, sharing a database and a Redis.

    `adapter` names the app (app_dir, gunicorn_target); `env` is a replica's environment, the
    database's URL in it; the group adds BEHIND_PROXY=1 and the Redis URL.
    """

    def __init__(self, adapter, env: dict[str, str], folder: Path, size: int = 3, workers=2):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.log"):
            old.unlink()  # a replica's log is appended to across restarts: start afresh
        self.redis = Redis(folder / "redis.log")
        self.env = {
            **env,
            "BEHIND_PROXY": "1",
            "RATELIMIT_STORAGE_URI": self.redis.url,
        }
        self.replicas = {
            f"r{n}": Server(adapter, self.env, folder / f"r{n}.log", workers=workers)
            for n in range(1, size + 1)
        }
        self.proxy = HAProxy(folder, {name: s.port for name, s in self.replicas.items()})
        self.base_url = self.proxy.base_url

    def start(self) -> Group:
        self.redis.start()
        with ThreadPoolExecutor(max_workers=len(self.replicas)) as pool:
            list(pool.map(self._start_replica, self.replicas.values()))
        self.proxy.start()
        self.wait_up(*self.replicas)
        return self

    @staticmethod
    def _start_replica(server: Server) -> None:
        server.start(session=True)
        server.wait_ready()

    def wait_up(self, *names: str, timeout: float = 30) -> None:
        """Wait until HAProxy's health checks see these replicas up."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(self.proxy.status(name) == "UP" for name in names):
                return
            time.sleep(0.1)
        states = {name: self.proxy.status(name) for name in names}
        raise RuntimeError(f"replicas not up after {timeout}s: {states}")

    def kill(self, name: str) -> None:
        """Kill a replica's master and workers at once (SIGKILL), as a machine that dies."""
        stop_process(self.replicas[name].process, signal.SIGKILL, group=True)

    def restart(self, name: str, drain_timeout: float = 30) -> None:
        """Restart one replica without failing a request: drain it, stop it, start, readmit."""
        self.proxy.set_state(name, "drain")
        self.proxy.set_state(name, "maint")
        deadline = time.monotonic() + drain_timeout
        while self.proxy.sessions(name) and time.monotonic() < deadline:
            time.sleep(0.05)
        server = self.replicas[name]
        stop_process(server.process, signal.SIGTERM, group=True)  # graceful: in-flight finish
        self._start_replica(server)
        self.proxy.set_state(name, "ready")
        self.wait_up(name)

    def revive(self, name: str) -> None:
        """Start a killed replica again on its port."""
        self._start_replica(self.replicas[name])
        self.wait_up(name)

    def healthz(self) -> httpx.Response:
        return httpx.get(self.base_url + "/healthz", timeout=5)

    def stop(self) -> None:
        self.proxy.stop()
        with ThreadPoolExecutor(max_workers=len(self.replicas)) as pool:
            for server in self.replicas.values():
                pool.submit(stop_process, server.process, group=True)
        self.redis.stop()

    def output(self, tail: int | None = 3000) -> str:
        """Return every replica's log (the last `tail` characters of each; None: all)."""
        return "\n".join(
            f"--- {n}\n{s.output()[-tail if tail else 0 :]}" for n, s in self.replicas.items()
        )


@contextlib.contextmanager
def balanced(adapter, env: dict[str, str], folder: Path, **options):
    """Run an app as a balanced group for the duration of a `with` block; yield the Group."""
    group = Group(adapter, env, folder, **options)
    try:
        yield group.start()
    finally:
        group.stop()
