"""Throw-away copies of the checkout, the apps as committed, and patches applied to them."""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

from workshop.manifest import APP_FOLDERS, ROOT


def copy_tree(source: Path, target: Path) -> Path:
    """Copy a checkout's files (tracked and new, not ignored ones such as .venv) to target."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=source,
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:  # not a git checkout: copy all but the usual build output
        shutil.copytree(
            source,
            target,
            ignore=shutil.ignore_patterns(
                ".git", ".venv", "build", "__pycache__", "*.sqlite3*", ".*_cache", "staticfiles"
            ),
        )
        return target
    for name in filter(None, listed.stdout.decode().split("\0")):
        path = source / name
        if path.is_file():  # a tracked file deleted in the checkout is left out
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / name)
    return target


def last_commit(paths: list[str] | None = None, source: Path = ROOT) -> str | None:
    """Return the last commit that changed these paths, or HEAD; None without git history."""
    found = subprocess.run(
        ["git", "log", "-1", "--format=%H", *(["--", *paths] if paths else [])],
        cwd=source, capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    return found or None


def apps_from(tree: Path, commit: str, source: Path = ROOT) -> str | None:
    """Replace the apps in a copy with the apps of a commit of source; None or the error.

    Whatever else the copy holds (the shared tests, the spec, the workshop's material) stays as
    it is; the apps' own new files (a learner's migration, a template) go with the rest.
    """
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, *APP_FOLDERS.values()],
        cwd=source, capture_output=True, check=False,
    )  # fmt: skip
    if archive.returncode != 0:
        return archive.stderr.decode().strip() or f"git archive {commit} failed"
    for folder in APP_FOLDERS.values():
        shutil.rmtree(tree / folder, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as apps:
        apps.extractall(tree, filter="data")
    return None


def apply_patch(tree: Path, patch: Path, include: str | None = None) -> str | None:
    """Apply a patch to a tree (only the files under `include` when given); None or the error."""
    command = ["git", "apply", "--whitespace=nowarn"]
    if include:
        command.append(f"--include={include}/*")
    done = subprocess.run(
        [*command, str(patch)], cwd=tree, capture_output=True, text=True, check=False
    )
    return None if done.returncode == 0 else (done.stderr.strip() or "git apply failed")
