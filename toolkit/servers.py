"""Servers on free local ports: an app under gunicorn, started, waited for and stopped."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

from toolkit.apps import App
from toolkit.paths import PYTHON


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

    def __init__(self, app: App, env: dict[str, str], log: Path, workers: int = 2):
        self.app = app
        self.env = env
        self.log_path = log
        self.workers = workers
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return [
            PYTHON, "-m", "gunicorn", "--workers", str(self.workers),
            "--bind", f"127.0.0.1:{self.port}", self.app.gunicorn_target,
        ]  # fmt: skip

    def start(self, *, session: bool = False) -> subprocess.Popen:
        """Start gunicorn; with `session`, in a process group of its own (killed as one)."""
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=self.app.app_dir,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=session,
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

    def stop(self) -> None:
        stop_process(self.process)


@contextlib.contextmanager
def serving(app: App, env: dict[str, str], log: Path, **wait):
    """Run the app under gunicorn for the duration of a `with` block; yield the Server."""
    server = Server(app, env, log)
    server.start()
    try:
        server.wait_ready(**wait)
        yield server
    finally:
        server.stop()


def environ_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")
