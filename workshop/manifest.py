"""Read docs/workshop/workshop.toml: the exercises, their solutions, and the break-it drills."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from unidiff import PatchSet

from toolkit.paths import APP_FOLDERS, ROOT

GUIDE = ROOT / "docs" / "workshop"
MANIFEST = GUIDE / "workshop.toml"


@dataclass(frozen=True)
class Exercise:
    number: int
    slug: str
    title: str
    page: Path
    solution: Path
    mutant: Path | None  # a broken app the learner's own tests must catch (exercise 7)


@dataclass(frozen=True)
class Drill:
    number: int
    slug: str
    title: str
    patch: Path
    rules: tuple[str, ...]  # the SPEC.md rules the mistake breaks


def load(path: Path = MANIFEST) -> tuple[list[Exercise], list[Drill]]:
    """Return the exercises and drills of the manifest, in order."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    folder = path.parent
    exercises = [
        Exercise(
            number=entry["number"],
            slug=entry["slug"],
            title=entry["title"],
            page=folder / f"{entry['number']:02d}-{entry['slug']}.md",
            solution=folder / "solutions" / f"{entry['number']:02d}-{entry['slug']}.patch",
            mutant=folder / entry["mutant"] if "mutant" in entry else None,
        )
        for entry in data["exercise"]
    ]
    drills = [
        Drill(
            number=entry["number"],
            slug=entry["slug"],
            title=entry["title"],
            patch=folder / "break-it" / f"{entry['number']:02d}-{entry['slug']}.patch",
            rules=tuple(entry["rules"]),
        )
        for entry in data["drill"]
    ]
    return exercises, drills


def exercise(number: int, path: Path = MANIFEST) -> Exercise:
    for found in load(path)[0]:
        if found.number == number:
            return found
    raise KeyError(number)


@dataclass(frozen=True)
class Change:
    files: int
    added: int
    removed: int
    in_migrations: int  # lines added in migration files, which the framework's CLI writes


def side_of(path: str) -> str:
    """Return which part of the repository a patched file belongs to: an app, or "tests"."""
    top = path.split("/", 1)[0]
    for app, folder in APP_FOLDERS.items():
        if top == folder:
            return app
    return "tests" if top == "tests" else "other"


def change_cost(patch: Path) -> dict[str, Change]:
    """Return the files and lines a patch changes, per side (django, flask, tests, other)."""
    totals: dict[str, list[int]] = {}
    for patched in PatchSet(patch.read_text(encoding="utf-8")):
        figures = totals.setdefault(side_of(patched.path), [0, 0, 0, 0])
        figures[0] += 1
        figures[1] += patched.added
        figures[2] += patched.removed
        if "/migrations/" in patched.path:
            figures[3] += patched.added
    return {side: Change(*figures) for side, figures in totals.items()}


def sides(patch: Path) -> set[str]:
    """Return the sides a patch touches."""
    return set(change_cost(patch))
