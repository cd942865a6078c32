"""The report's model: tables of cells in sections, each part with its computed sentence."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.paths import APPS


@dataclass
class Cell:
    """A cell that is more than its text: a link (href) or a place to link to (id)."""

    text: str
    href: str | None = None
    id: str | None = None


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list]  # values: text, a number, a Cell, or a list of Cells (one a line)
    numeric: set[int] = field(default_factory=set)  # right-aligned column indexes
    brief: int | None = None  # a column cut to one line a row in the terminal (not elsewhere)


@dataclass
class Section:
    key: str
    title: str
    sentence: str  # what the figures show, computed from them
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Report:
    title: str
    generated: str
    figures: Table
    claims: Table
    sections: list[Section]
    outputs: list[str]
    footer: str = ""
    concepts: list[dict] = field(default_factory=list)  # the code view (HTML only)
    shots: list[dict] = field(default_factory=list)


def slug(text: str) -> str:
    """Return the anchor GitHub gives a heading (lower case, punctuation dropped, - for spaces)."""
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def link(path: Path, out: Path) -> str:
    """Return a link to a file of the repository relative to the folder the report is in."""
    return Path(os.path.relpath(path, out)).as_posix()


def pairs(title: str, rows: dict[str, object], numeric: set[int] | None = None) -> Table:
    """Return a table of figures side by side: each row's label, then row(app) for each app."""
    rows = [[label, *map(row, APPS)] for label, row in rows.items()]
    return Table(title, ["figure", "Django", "Flask"], rows, numeric or set())
