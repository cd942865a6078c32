"""Run a command and fail with its output; list a checkout's files as git holds them."""

from __future__ import annotations

import subprocess
from pathlib import Path


def run(
    args: list[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    check: bool = True,
    timeout: float | None = 300,
    *,
    text: bool = True,
) -> subprocess.CompletedProcess:
    """Run a command and keep its output (bytes unless `text`); fail with it when it fails.

    `env` None: the caller's environment. With `check` False the caller reads `returncode`.
    """
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=text, timeout=timeout)
    if check and done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return done


def git_files(folder: Path, *paths: str) -> list[str]:
    """List the files under `folder` (or its `paths`) git would hold: tracked or new, not ignored.

    Names are relative to `folder`; subprocess.CalledProcessError when it is no git work tree.
    """
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", *(paths or (".",))],
        cwd=folder,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name]
