"""Start each app's development server with DEBUG on, make it fail, and read its debug page."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from toolkit.paths import APP_DIRS, ROOT
from toolkit.servers import free_port, stop_process

ERROR_URL = "/__compare_error__/"


def commands(app: str, port: int) -> list[str]:
    """Return each framework's own development server command (the one its docs teach)."""
    if app == "django":
        return [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    return [
        sys.executable, "-m", "flask", "--app", "compare.debug_flask:create",
        "run", "--debug", "--no-reload", "--port", str(port),
    ]  # fmt: skip


def read_page(text: str) -> dict:
    """Say what a debug page offers: a traceback, local variables, an interactive console."""
    lowered = text.lower()
    return {
        "traceback": "traceback" in lowered,
        "local_variables": "local vars" in lowered,
        "request_details": "request information" in lowered,
        "settings_shown": 'id="settings-info"' in lowered,
        # Werkzeug's page runs Python in any frame when EVALEX is on, behind a PIN.
        "interactive_console": "evalex = true" in lowered,
        "console_pin": "evalex_trusted = false" in lowered,
        "title": " ".join(text.split("<title>", 1)[-1].split("</title>", 1)[0].split())[:70]
        if "<title>" in text
        else "",
        "bytes": len(text.encode()),
    }


def probe(app: str, timeout: float = 30) -> dict:
    """Run one app's development server with DEBUG=1; GET a failing URL; describe the answer."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix=f"compare-debug-{app}-") as folder:
        env = {
            **os.environ,
            "DEBUG": "1",
            "SECRET_KEY": "compare-debug-probe-not-secret",
            "DATABASE_URL": f"sqlite:///{folder}/debug.sqlite3",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(APP_DIRS[app])]),
        }
        if app == "django":
            env["DJANGO_SETTINGS_MODULE"] = "compare.debug_settings"
        log = Path(folder) / "server.log"
        with log.open("w") as out:
            server = subprocess.Popen(
                commands(app, port),
                cwd=APP_DIRS[app],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    answer = httpx.get(f"http://127.0.0.1:{port}{ERROR_URL}", timeout=10)
                    break
                except httpx.TransportError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        return {
                            "measured": False,
                            "reason": "the development server did not answer: "
                            + log.read_text()[-400:],
                        }
                    time.sleep(0.2)
            return {
                "measured": True,
                "server": " ".join(
                    "python" if part == sys.executable else part.replace(str(port), "PORT")
                    for part in commands(app, port)
                ),
                "status": answer.status_code,
                **read_page(answer.text),
            }
        finally:
            stop_process(server, signal.SIGTERM, group=True, timeout=10)
