"""A private PostgreSQL cluster: initdb in a temporary folder, served on a free loopback port.

The scale-out profile restarts PostgreSQL in a drill and counts its statements and connections;
this cluster is its alone, so the machine's own server, and whoever else is using it, is never
touched. PostgreSQL refuses to run as root: run as root (as in CI), the cluster belongs to the
`postgres` user. The folder is named in a state file, so that a run killed before it could stop
its cluster has it stopped and removed by the next one.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from toolkit.servers import free_port

OWNER = "postgres"  # the user that owns the cluster when we run as root


def bin_dir() -> Path:
    """Return the folder of initdb and pg_ctl: on the PATH, else Debian's newest version's."""
    if found := shutil.which("initdb"):
        return Path(found).parent
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    versions = sorted(found, key=lambda path: int(path.split("/")[4]))
    if not versions:
        raise RuntimeError("PostgreSQL's initdb is not installed: apt-get install -y postgresql")
    return Path(versions[-1]).parent


class Cluster:
    """A PostgreSQL cluster of our own; `start()`, `restart()`, `stop()` (which removes it)."""

    def __init__(self, state: Path):
        self.state = state  # names the folder of a running cluster, for a crashed run's leftover
        self.bin = bin_dir()
        self.port = free_port()
        self.folder: Path | None = None

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log_path(self) -> Path:
        return self.folder / "postgresql.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run one of PostgreSQL's programs, as its owner when we are root."""
        owner = {"user": OWNER, "group": OWNER, "extra_groups": []} if os.geteuid() == 0 else {}
        done = subprocess.run(
            [str(self.bin / command[0]), *command[1:]],
            cwd=self.folder or "/",
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
            **owner,
        )
        if check and done.returncode:
            log = self.log_path.read_text()[-2000:] if self.log_path.is_file() else ""
            raise RuntimeError(f"{command[0]} failed: {done.stdout}{done.stderr}\n{log}")
        return done

    def start(self) -> Cluster:
        self.remove_leftover()
        self.folder = Path(tempfile.mkdtemp(prefix="posts-pg-"))
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam(OWNER)
            except KeyError:
                raise RuntimeError(
                    f"run as root, PostgreSQL needs another owner: no user {OWNER!r} "
                    "(apt-get install -y postgresql creates it)"
                ) from None
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self.state.parent.mkdir(parents=True, exist_ok=True)
        self.state.write_text(json.dumps({"folder": str(self.folder), "bin": str(self.bin)}))
        self.run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--locale", "C", "--no-sync",
        )  # fmt: skip
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.folder}'\nmax_connections = 200\n"
            )
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log_path), "-w", "start")
        return self

    def restart(self, down: float = 0) -> float:
        """Stop the cluster (fast: every connection cut), wait `down` s, start; return the s."""
        started = time.monotonic()
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        time.sleep(down)
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log_path), "-w", "start")
        return time.monotonic() - started

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def stop(self) -> None:
        """Stop the cluster and remove its folder (its log kept beside the state file)."""
        if self.folder is None:
            return
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)
        if self.log_path.is_file():
            shutil.copy(self.log_path, self.state.with_suffix(".log"))
        shutil.rmtree(self.folder, ignore_errors=True)
        self.state.unlink(missing_ok=True)
        self.folder = None

    def remove_leftover(self) -> None:
        """Stop and remove the cluster a killed run left behind, if any."""
        with contextlib.suppress(FileNotFoundError, ValueError, KeyError):
            left = json.loads(self.state.read_text())
            folder = Path(left["folder"])
            if (folder / "data" / "postmaster.pid").is_file():
                self.folder = folder
                self.run(
                    "pg_ctl", "-D", str(folder / "data"), "-m", "immediate", "stop", check=False
                )
            shutil.rmtree(folder, ignore_errors=True)
        self.state.unlink(missing_ok=True)
        self.folder = None
