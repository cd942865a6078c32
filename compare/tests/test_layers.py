"""The layers of docs/ARCHITECTURE.md hold: the tools never import the suite, and nothing cycles.

Every .py file of the tools (compare/, bench/, e2e/, workshop/, compare.py) and of the shared
package (toolkit/) is parsed, never imported; imports inside functions count as well.
"""

from __future__ import annotations

import ast
from pathlib import Path

from toolkit.paths import ROOT

TOOLS = ("compare", "bench", "e2e", "workshop")
SHARED = "toolkit"


def sources() -> list[Path]:
    files = [ROOT / "compare.py"]
    for folder in (*TOOLS, SHARED):
        files += sorted((ROOT / folder).rglob("*.py"))
    return files


def module_name(path: Path) -> str:
    if path.parent == ROOT:
        return path.name  # a script (compare.py), which nothing imports
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """Return the absolute modules a file imports (`from a import b` gives `a` and `a.b`)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def graph() -> dict[str, set[str]]:
    """Return each module of the tools and the package, with the ones of them it imports."""
    files = {module_name(path): path for path in sources()}
    return {name: {m for m in imports(path) if m in files} - {name} for name, path in files.items()}


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """Return one import cycle (its modules in order, the first repeated at the end), or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for other in sorted(edges.get(node, ())):
            if state.get(other) == "open":
                return [*stack[stack.index(other) :], other]
            if other not in state and (found := visit(other)):
                return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def suite_imports(paths: list[Path]) -> list[str]:
    """Return each import of the suite (`tests`) the files make, as "file imports module"."""
    return [
        f"{path.relative_to(ROOT).as_posix()} imports {module}"
        for path in paths
        for module in sorted(imports(path))
        if module.split(".")[0] == "tests"
    ]


def test_the_tools_and_the_package_do_not_import_the_suite():
    # What the tools and the suite both need of the apps is in toolkit/apps.py.
    assert suite_imports(sources()) == []


def test_an_import_of_the_suite_inside_a_function_is_found(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    tool = tmp_path / "tool.py"
    tool.write_text("import os\n\n\ndef staff():\n    from tests.adapters import load_adapter\n")
    assert suite_imports([tool]) == [
        "tool.py imports tests.adapters",
        "tool.py imports tests.adapters.load_adapter",
    ]


def test_the_package_imports_none_of_the_tools():
    wrong = [
        f"{module_name(path)} imports {module}"
        for path in sorted((ROOT / SHARED).rglob("*.py"))
        for module in sorted(imports(path))
        if module.split(".")[0] in (*TOOLS, "tests")
    ]
    assert wrong == []


def test_no_import_cycles_between_the_tools_modules():
    assert cycle(graph()) is None


def test_no_import_cycles_between_the_tools():
    folders = {}
    for name, others in graph().items():
        top = name.split(".")[0]
        folders.setdefault(top, set()).update(o.split(".")[0] for o in others)
    assert cycle({top: others - {top} for top, others in folders.items()}) is None


def test_a_cycle_is_found():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) is None
