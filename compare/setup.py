"""Each app's documented setup (shared_spec/SETUP.toml): counted, checked and run from scratch."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import httpx

from toolkit.commands import run
from toolkit.paths import APP_DIRS, ROOT, SHARED_SPEC
from toolkit.servers import free_port, stop_process

SETUP_FILE = SHARED_SPEC / "SETUP.toml"
# Steps that only change the shell's state: replayed before each later step.
STATEFUL = re.compile(r"^(\. |source |export )")
# Steps that set up Python itself rather than the app.
ENVIRONMENT = re.compile(r"^(python -m venv|\. |source |pip install|export )")
# What a run leaves in an app folder; a fresh setup starts without it.
LEFTOVERS = shutil.ignore_patterns(
    ".venv", "__pycache__", "*.pyc", "*.sqlite3", "*.sqlite3-*", "instance", "staticfiles",
    ".pytest_cache", ".ruff_cache",
)  # fmt: skip


def load(path: Path = SETUP_FILE) -> dict:
    """Read the setup data file."""
    with path.open("rb") as handle:
        return tomllib.load(handle)


def readme_commands(readme: Path, section: str) -> list[str]:
    """Return the commands of the first shell block under a README heading, one a line."""
    text = readme.read_text(encoding="utf-8")
    heading = re.search(rf"^#+ {re.escape(section)}\s*$", text, re.M)
    if heading is None:
        raise ValueError(f"{readme}: no section {section!r}")
    block = re.search(
        r"^```(?:sh|bash|console|shell)?\n(.*?)^```", text[heading.end() :], re.M | re.S
    )
    if block is None:
        raise ValueError(f"{readme}: no code block under {section!r}")
    commands, current = [], ""
    for raw in block.group(1).splitlines():
        line = re.sub(r"\s+#.*$", "", raw).strip() if not raw.lstrip().startswith("#") else ""
        current = f"{current} {line}".strip() if current else line
        if current.endswith("\\"):
            current = current[:-1].rstrip()
            continue
        if current:
            commands.append(" ".join(current.split()))
        current = ""
    return commands


def count_steps(steps: list[str]) -> dict:
    """Count the documented steps: all, and those for the app rather than Python itself."""
    environment = [s for s in steps if ENVIRONMENT.match(s)]
    return {
        "commands": len(steps),
        "environment": len(environment),
        "app": len(steps) - len(environment),
        "steps": steps,
    }


def summary() -> dict:
    """Return each app's documented steps, counted, and whether its README matches."""
    data = load()
    out = {}
    for app in APP_DIRS:
        entry = data[app]
        documented = readme_commands(ROOT / entry["readme"], entry["section"])
        out[app] = {
            **count_steps(entry["steps"]),
            "readme": entry["readme"],
            "readme_matches": documented == entry["steps"],
            "serve": entry["serve"],
        }
    return out


def clean_env(bin_dir: Path) -> dict[str, str]:
    """Return an environment as a new terminal has it: no venv, no app settings."""
    drop = {"VIRTUAL_ENV", "PYTHONPATH", "DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE", "FLASK_APP", "PYTHONHOME"}  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in drop}
    path = [p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p]
    env["PATH"] = os.pathsep.join([str(bin_dir), *path])
    return env


def base_python() -> str:
    """Return the Python this virtualenv was made from (a fresh venv is made from it)."""
    return getattr(sys, "_base_executable", None) or shutil.which("python3") or sys.executable


def run_setup(app: str, progress=None, server_timeout: float = 120) -> dict:
    """Copy an app, run its documented steps in a fresh venv, time them to the first 200."""
    entry = load()[app]
    steps: list[str] = entry["steps"]
    work = Path(tempfile.mkdtemp(prefix=f"compare-setup-{app}-"))
    folder = work / APP_DIRS[app].name
    shutil.copytree(APP_DIRS[app], folder, ignore=LEFTOVERS)
    bin_dir = work / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(base_python())
    env = clean_env(bin_dir)
    done, prelude = [], []
    started = time.perf_counter()
    result = {"app": app, "folder": str(folder), "steps": done, "ok": False}
    try:
        for index, step in enumerate(steps):
            last = index == len(steps) - 1
            command = entry["serve"].format(port=free_port()) if last else step
            if progress:
                progress(f"{app} setup {index + 1}/{len(steps)}: {command}")
            script = "\n".join(["set -e", *prelude, command])
            step_start = time.perf_counter()
            if last:
                port = int(re.search(r"127\.0\.0\.1:(\d+)", command).group(1))
                status = serve_until_healthy(script, folder, env, port, server_timeout, work)
                done.append(
                    {
                        "step": step,
                        "ran": command,
                        "seconds": round(time.perf_counter() - step_start, 2),
                        "ok": status == 200,
                    }
                )
                if status != 200:
                    result["error"] = (
                        f"/healthz never answered 200 ({status}): "
                        f"{(work / 'server.log').read_text()[-600:]}"
                    )
                    return result
            else:
                finished = run(["bash", "-c", script], folder, env, check=False, timeout=None)
                done.append(
                    {
                        "step": step,
                        "ran": command,
                        "seconds": round(time.perf_counter() - step_start, 2),
                        "ok": finished.returncode == 0,
                    }
                )
                if finished.returncode != 0:
                    result["error"] = (
                        f"{command!r} failed: {(finished.stdout + finished.stderr)[-600:]}"
                    )
                    return result
            if STATEFUL.match(step):
                prelude.append(step)
        result["ok"] = True
        result["seconds_to_first_200"] = round(time.perf_counter() - started, 2)
        return result
    finally:
        result["total_seconds"] = round(time.perf_counter() - started, 2)
        shutil.rmtree(work, ignore_errors=True)


def serve_until_healthy(
    script: str, folder: Path, env: dict, port: int, timeout: float, work: Path
) -> int | None:
    """Start the server script, wait for /healthz to answer 200, stop it; return the last status."""
    with (work / "server.log").open("w") as log:
        server = subprocess.Popen(
            ["bash", "-c", script.replace("\ngunicorn", "\nexec gunicorn")],
            cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    status = None
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code
                if status == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        return status
    finally:
        stop_process(server, signal.SIGTERM, group=True, timeout=15)
