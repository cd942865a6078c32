"""Throw-away copies of the checkout, the apps as committed, and patches applied to them."""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

from toolkit.commands import git_files, run
from toolkit.paths import APP_FOLDERS, ROOT


def copy_tree(source: Path, target: Path) -> Path:
    """Copy a checkout's files (tracked and new, not ignored ones such as .venv) to target."""
    try:
        listed = git_files(source)
    except subprocess.CalledProcessError:  # not a git checkout: copy all but the build output
        shutil.copytree(
            source,
            target,
            ignore=shutil.ignore_patterns(
                ".git", ".venv", "build", "__pycache__", "*.sqlite3*", ".*_cache", "staticfiles"
            ),
        )
        return target
    for name in listed:
        path = source / name
        if path.is_file():  # a tracked file deleted in the checkout is left out
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / name)
    return target


def last_commit(paths: list[str] | None = None, source: Path = ROOT) -> str | None:
    """Return the last commit that changed these paths, or HEAD; None without git history."""
    only = ["--", *paths] if paths else []
    found = run(["git", "log", "-1", "--format=%H", *only], source, check=False).stdout.strip()
    return found or None


def apps_from(tree: Path, commit: str, source: Path = ROOT) -> str | None:
    """Replace the apps in a copy with the apps of a commit of source; None or the error.

    Whatever else the copy holds (the shared tests, the spec, the workshop's material) stays as
    it is; the apps' own new files (a learner's migration, a template) go with the rest.
    """
    archive = run(
        ["git", "archive", "--format=tar", commit, *APP_FOLDERS.values()],
        source, check=False, text=False,
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
    done = run([*command, str(patch)], tree, check=False)
    return None if done.returncode == 0 else (done.stderr.strip() or "git apply failed")
