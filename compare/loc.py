"""Count lines of code by kind (pygount) and the cyclomatic complexity of the Python (radon)."""

from __future__ import annotations

import io
import os
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from pygount import SourceAnalysis, SourceState
from pygount.analysis import has_lexer
from radon.complexity import cc_visit

from toolkit.commands import git_files

KINDS = ("python", "hardening", "templates", "static", "config", "migrations", "tests", "docs")
# Hand-written kinds; generated migrations and tests are reported apart, never in this total.
# "hardening" is hand-written too, but kept apart from "python" (ordinary code) so that the
# report shows what each framework needed to never answer 500 to hostile input.
HAND_WRITTEN = ("python", "hardening", "templates", "static", "config")
# Code that exists only to survive hostile input (fuzzers, scanners): each app keeps it in one
# module named hardening.py (flask_app/app/hardening.py, django_app/config/hardening.py), or in
# a package named hardening/. Add here, relative to the app folder, any other file that is all
# hardening and cannot take that name.
HARDENING_NAME = "hardening"
HARDENING_PATHS: frozenset[str] = frozenset()
CONFIG_NAMES = {"pytest.ini", "setup.cfg", "pyproject.toml", "tox.ini", "alembic.ini", "Procfile"}
CONFIG_SUFFIXES = {".ini", ".cfg", ".toml", ".yaml", ".yml"}
# Folders that hold what a run makes, when the tree is not a git work tree.
SKIP_DIRS = {"__pycache__", ".venv", ".pytest_cache", ".ruff_cache", "staticfiles", "instance"}


@dataclass
class Lines:
    files: int = 0
    code: int = 0
    comment: int = 0
    blank: int = 0

    def add(self, other: Lines) -> None:
        self.files += other.files
        self.code += other.code
        self.comment += other.comment
        self.blank += other.blank

    @property
    def total(self) -> int:
        return self.code + self.comment + self.blank


@dataclass
class AppLines:
    kinds: dict[str, Lines] = field(default_factory=lambda: {k: Lines() for k in KINDS})
    files: dict[str, dict] = field(default_factory=dict)
    complexity: dict = field(default_factory=dict)

    def hand_written(self) -> Lines:
        """Return the sum of the hand-written kinds (no migrations, tests or docs)."""
        total = Lines()
        for kind in HAND_WRITTEN:
            total.add(self.kinds[kind])
        return total

    def ordinary(self) -> Lines:
        """Return the hand-written lines without hardening: the app's ordinary code."""
        total = Lines()
        for kind in HAND_WRITTEN:
            if kind != "hardening":
                total.add(self.kinds[kind])
        return total

    def to_json(self) -> dict:
        return {
            "kinds": {k: {**asdict(v), "total": v.total} for k, v in self.kinds.items()},
            "hand_written": asdict(self.hand_written()),
            "ordinary": asdict(self.ordinary()),
            "files": self.files,
            "complexity": self.complexity,
        }


def kind_of(path: str) -> str | None:
    """Return the kind of a file (a path relative to its app folder), None when not counted."""
    parts = PurePosixPath(path).parts
    name = parts[-1]
    suffix = PurePosixPath(name).suffix
    if "tests" in parts or name == "conftest.py" or name.startswith("test_"):
        return "tests"
    if "migrations" in parts:
        return "migrations"
    if suffix == ".py" and (
        path in HARDENING_PATHS or name == f"{HARDENING_NAME}.py" or HARDENING_NAME in parts[:-1]
    ):
        return "hardening"
    if "templates" in parts and suffix in {".html", ".txt", ".jinja", ".j2"}:
        return "templates"
    if "static" in parts:
        return "static"
    if suffix == ".py":
        return "python"
    if name.startswith("requirements") and suffix == ".txt":
        return "config"
    if name in CONFIG_NAMES or suffix in CONFIG_SUFFIXES:
        return "config"
    if suffix == ".md":
        return "docs"
    return None


def list_files(folder: Path) -> list[str]:
    """List an app's files as the repository holds them (tracked or new, never ignored)."""
    try:
        files = [f for f in git_files(folder) if (folder / f).is_file()]
        if files:
            return sorted(files)
    except (OSError, subprocess.CalledProcessError):
        pass
    # Not a git work tree (a copy, a test fixture): walk it, leaving out what runs make.
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
        for name in filenames:
            if not name.endswith((".pyc", ".sqlite3")) and "sqlite3-" not in name:
                found.append((Path(dirpath) / name).relative_to(folder).as_posix())
    return sorted(found)


def count_text(path: str, data: bytes) -> Lines:
    """Count the lines of one file's content with pygount; '#' lines are comments in plain text."""
    if not data.strip():
        return Lines(files=1, blank=len(data.splitlines()))
    analysis = None
    if has_lexer(path):
        analysis = SourceAnalysis.from_file(
            path, "app", encoding="utf-8", file_handle=io.BytesIO(data)
        )
    if (
        analysis is not None
        and analysis.state == SourceState.analyzed
        and analysis.language != "Text only"
    ):
        # pygount counts docstrings as documentation already; its other string-only lines are
        # data (a list of middleware names), so code, as its own cloc output counts them.
        return Lines(
            files=1,
            code=analysis.code_count + analysis.string_count,
            comment=analysis.documentation_count,
            blank=analysis.empty_count,
        )
    # requirements.txt and friends have no lexer: a line is blank, a '#' comment, or code.
    lines = data.decode("utf-8", errors="replace").splitlines()
    blank = sum(1 for line in lines if not line.strip())
    comment = sum(1 for line in lines if line.strip().startswith("#"))
    return Lines(files=1, code=len(lines) - blank - comment, comment=comment, blank=blank)


def complexity(sources: dict[str, str]) -> dict:
    """Return radon's cyclomatic complexity over some Python files: blocks, mean, worst."""
    blocks = []
    for path, source in sources.items():
        for block in cc_visit(source):
            name = (
                f"{block.classname}.{block.name}"
                if getattr(block, "classname", None)
                else (block.name)
            )
            blocks.append({"where": f"{path}:{block.lineno}", "name": name, "cc": block.complexity})
    blocks.sort(key=lambda b: (-b["cc"], b["where"]))
    total = sum(b["cc"] for b in blocks)
    return {
        "blocks": len(blocks),
        "total": total,
        "mean": round(total / len(blocks), 2) if blocks else 0.0,
        "max": blocks[0] if blocks else None,
        "over_10": sum(1 for b in blocks if b["cc"] > 10),
        "worst": blocks[:5],
    }


def count_app(folder: Path) -> AppLines:
    """Count every file of one app folder by kind, and the complexity of its Python.

    The complexity covers all the app's hand-written Python: ordinary code and hardening.
    """
    result = AppLines()
    python_sources = {}
    for path in list_files(folder):
        kind = kind_of(path)
        if kind is None:
            continue
        data = (folder / path).read_bytes()
        lines = count_text(path, data)
        result.kinds[kind].add(lines)
        result.files[path] = {"kind": kind, **asdict(lines)}
        if kind in ("python", "hardening"):
            python_sources[path] = data.decode("utf-8")
    result.complexity = complexity(python_sources)
    return result
