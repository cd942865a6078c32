"""Resolve the concept map (shared_spec/CONCEPTS.toml) to file:line on each side."""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from compare.loc import count_text

BLOCK_TAG = re.compile(r"{%-?\s*(block\s+(\w+)|endblock(?:\s+\w+)?)\s*-?%}")


class ConceptError(Exception):
    """A concept map entry that points to nothing."""


@dataclass
class Location:
    file: str  # relative to the app folder
    symbol: str  # "" for the whole file
    line: int  # where the symbol starts (its def/class/block line; 1 for a file)
    start: int  # first line of its span (decorators included)
    end: int  # last line of its span

    @property
    def ref(self) -> str:
        return f"{self.file}:{self.line}"

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "symbol": self.symbol,
            "line": self.line,
            "span": [self.start, self.end],
        }


def split_entry(entry: str) -> tuple[str, str]:
    """Split "file:symbol" (the symbol may itself hold a colon, as "block:content")."""
    file, _, symbol = entry.partition(":")
    return file, symbol


def python_span(source: str, symbol: str) -> tuple[int, int, int]:
    """Return (line, start, end) of a class, function or module-level name ("A.b" nests)."""
    body = ast.parse(source).body
    node = None
    for name in symbol.split("."):
        node = next((n for n in body if name in names_of(n)), None)
        if node is None:
            raise KeyError(symbol)
        body = getattr(node, "body", [])
    start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return node.lineno, start, node.end_lineno


def names_of(node: ast.stmt) -> list[str]:
    """Return the names a statement defines at its level."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []


def template_block_span(source: str, name: str) -> tuple[int, int, int]:
    """Return (line, start, end) of a template's {% block name %} … {% endblock %}."""
    stack: list[tuple[str, int]] = []
    for match in BLOCK_TAG.finditer(source):
        line = source.count("\n", 0, match.start()) + 1
        if match.group(2):
            stack.append((match.group(2), line))
        elif stack:
            opened, first = stack.pop()
            if opened == name:
                return first, first, line
    raise KeyError(f"block:{name}")


def resolve_entry(app_dir: Path, entry: str) -> Location:
    """Resolve one "file:symbol" entry, raising ConceptError when it no longer exists."""
    file, symbol = split_entry(entry)
    path = app_dir / file
    if not path.is_file():
        raise ConceptError(f"{app_dir.name}/{file}: no such file (concept map entry {entry!r})")
    source = path.read_text(encoding="utf-8")
    last = max(source.count("\n") + (0 if source.endswith("\n") else 1), 1)
    if not symbol:
        return Location(file, "", 1, 1, last)
    try:
        if symbol.startswith("block:"):
            line, start, end = template_block_span(source, symbol.removeprefix("block:"))
        elif path.suffix == ".py":
            line, start, end = python_span(source, symbol)
        else:
            raise KeyError(symbol)
    except (KeyError, SyntaxError) as error:
        raise ConceptError(
            f"{app_dir.name}/{file}: no {symbol!r} there (concept map entry {entry!r})"
        ) from error
    return Location(file, symbol, line, start, end)


def load(path: Path) -> list[dict]:
    """Read the concept map."""
    with path.open("rb") as handle:
        return tomllib.load(handle)["concept"]


def resolve_all(concepts: list[dict], app_dirs: dict[str, Path]) -> list[dict]:
    """Resolve every entry on every side; raise one ConceptError listing all that fail."""
    resolved, errors = [], []
    for concept in concepts:
        sides = {}
        for app, app_dir in app_dirs.items():
            sides[app] = []
            for entry in concept.get(app, []):
                try:
                    sides[app].append(resolve_entry(app_dir, entry))
                except ConceptError as error:
                    errors.append(f"{concept['name']}: {error}")
        resolved.append(
            {
                "name": concept["name"],
                "kind": concept["kind"],
                "lesson": concept.get("lesson"),  # a difference kept on purpose, or None
                "sides": sides,
            }
        )
    if errors:
        raise ConceptError(
            "the concept map points to code that no longer exists:\n  " + "\n  ".join(errors)
        )
    return resolved


def snippet(app_dir: Path, location: Location) -> str:
    """Return the source lines of a location's span."""
    lines = (app_dir / location.file).read_text(encoding="utf-8").splitlines()
    return "\n".join(lines[location.start - 1 : location.end]) + "\n"


def merged_spans(locations: list[Location]) -> dict[str, list[tuple[int, int]]]:
    """Merge the spans of locations per file, so that a line is never counted twice."""
    per_file: dict[str, list[tuple[int, int]]] = {}
    for location in locations:
        per_file.setdefault(location.file, []).append((location.start, location.end))
    for file, spans in per_file.items():
        spans.sort()
        merged = [spans[0]]
        for start, end in spans[1:]:
            if start <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        per_file[file] = merged
    return per_file


def count_locations(app_dir: Path, locations: list[Location]) -> dict:
    """Count the code, comment and blank lines of some locations' spans (pygount, no overlap)."""
    totals = {"code": 0, "comment": 0, "blank": 0}
    for file, spans in merged_spans(locations).items():
        lines = (app_dir / file).read_text(encoding="utf-8").splitlines()
        for start, end in spans:
            text = "\n".join(lines[start - 1 : end]) + "\n"
            counted = count_text(file, text.encode())
            totals["code"] += counted.code
            totals["comment"] += counted.comment
            totals["blank"] += counted.blank
    return totals


def per_kind(resolved: list[dict], app_dirs: dict[str, Path]) -> dict[str, dict[str, dict]]:
    """Return the lines of code of each kind of concept on each side: {kind: {app: counts}}."""
    kinds: dict[str, dict[str, dict]] = {}
    for kind in dict.fromkeys(c["kind"] for c in resolved):
        kinds[kind] = {}
        for app, app_dir in app_dirs.items():
            locations = [loc for c in resolved if c["kind"] == kind for loc in c["sides"][app]]
            kinds[kind][app] = count_locations(app_dir, locations)
    return kinds


def per_concept(resolved: list[dict], app_dirs: dict[str, Path]) -> list[dict]:
    """Return each concept with its locations and code lines on each side."""
    rows = []
    for concept in resolved:
        row = {
            "name": concept["name"],
            "kind": concept["kind"],
            "lesson": concept.get("lesson"),
            "sides": {},
        }
        for app, app_dir in app_dirs.items():
            locations = concept["sides"][app]
            row["sides"][app] = {
                "locations": [loc.to_json() | {"ref": loc.ref} for loc in locations],
                "code": count_locations(app_dir, locations)["code"],
            }
        rows.append(row)
    return rows
