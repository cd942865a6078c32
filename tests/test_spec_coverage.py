"""The suite checks every rule of SPEC.md: each rule is cited by a test, each citation exists.

Citations are read from the source of tests/test_*.py (not from the selected tests), so the check
does not depend on which tests a run selects.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.harness import spec_rules

HERE = Path(__file__).parent


def is_rule_marker(node: ast.AST) -> bool:
    """Tell whether a node is `pytest.mark.rule` (or `mark.rule`)."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "rule"
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "mark"
    )


def citations() -> dict[str, list[str]]:
    """Return each cited rule ID with the places (file:line) citing it."""
    cited: dict[str, list[str]] = {}
    for path in sorted(HERE.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and is_rule_marker(node.func):
                for arg in node.args:
                    where = f"{path.name}:{node.lineno}"
                    assert isinstance(arg, ast.Constant), f"{where}: cite rules as literals"
                    assert isinstance(arg.value, str), f"{where}: cite rules as strings"
                    cited.setdefault(arg.value, []).append(f"{path.name}:{node.lineno}")
    return cited


def uncited_tests() -> list[str]:
    """Return the test functions of the area modules that cite no rule.

    This module and the tests of the suite's own machinery (test_suite_*.py) check no rule.
    """
    found = []
    for path in sorted(HERE.glob("test_*.py")):
        if path.name == Path(__file__).name or path.name.startswith("test_suite_"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module_marked = any(
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets)
            and any(isinstance(n, ast.Call) and is_rule_marker(n.func) for n in ast.walk(node))
            for node in tree.body
        )
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                marked = any(
                    isinstance(d, ast.Call) and is_rule_marker(d.func) for d in node.decorator_list
                )
                if not (marked or module_marked):
                    found.append(f"{path.name}::{node.name}")
    return found


def undocumented_tests(folder: Path = HERE) -> list[str]:
    """Return the test functions of tests/test_*.py without a docstring."""
    found = []
    for path in sorted(folder.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            is_test = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            if is_test and node.name.startswith("test_") and not ast.get_docstring(node):
                found.append(f"{path.name}::{node.name}")
    return found


def test_spec_defines_rules():
    """SPEC.md defines at least 50 rules, each id once."""
    rules = spec_rules()
    assert len(rules) >= 50, rules
    assert len(rules) == len(set(rules))


def test_every_rule_is_cited_by_a_test():
    """Every rule of SPEC.md is checked by at least one test."""
    cited = citations()
    missing = [rule for rule in spec_rules() if rule not in cited]
    assert not missing, f"rules of SPEC.md cited by no test: {', '.join(missing)}"


def test_every_citation_names_a_rule_of_the_spec():
    """Every rule a test cites is one that SPEC.md defines."""
    known = set(spec_rules())
    unknown = {rule: where for rule, where in citations().items() if rule not in known}
    assert not unknown, f"tests cite rules SPEC.md does not define: {unknown}"


def test_every_test_cites_a_rule():
    """Every test of the area modules cites the rules it checks."""
    missing = uncited_tests()
    assert not missing, f"tests that cite no rule (add @pytest.mark.rule): {missing}"


def test_every_test_says_what_a_user_sees():
    """Every test has a docstring: what a user sees, shown when it fails."""
    missing = undocumented_tests()
    assert not missing, (
        f"{len(missing)} test(s) without a docstring saying what a user sees: {missing}"
    )
