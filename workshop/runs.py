"""Running the shared suite in a tree (toolkit.pytest_run), with its per-rule report."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from toolkit.paths import BUILD
from toolkit.pytest_run import Case, PytestRun, run_pytest

# What a run of ours must not inherit: it always runs in-process against a copy.
RUN_ONLY = ("BASE_URL", "APP", "APPS", "LIVE")
# The longest "what went wrong" line shown for a failing test: one line of the console, indented.
MESSAGE_WIDTH = 96

console = Console(width=100)


@dataclass
class Failure:
    """One failing test: its JUnit name, the first line of its failure and its SPEC.md rules."""

    test: str  # "tests.test_read::test_x[django]", as JUnit names it
    message: str
    rules: list[str] = field(default_factory=list)
    nodeid: str = ""  # "tests/test_read.py::test_x[django]", when the per-rule report has it
    user_sees: str = ""  # the test's docstring, from its report's "A user would see:" line

    @property
    def name(self) -> str:
        return self.nodeid or self.test


@dataclass
class Outcome(PytestRun):
    """A run of the suite in a tree: pytest's, with its failing tests per app and failed rules."""

    failed_tests: dict[str, list[Failure]] = field(default_factory=dict)
    failed_rules: dict[str, list[str]] = field(default_factory=dict)


def junit_name(nodeid: str) -> str:
    """Return a pytest node id as JUnit XML names it: `tests/t.py::f[x]` -> `tests.t::f[x]`."""
    path, bracket, params = nodeid.partition("[")
    names = path.split("::")
    names[0] = re.sub(r"\.py$", "", names[0].replace("/", "."))
    return ".".join(names[:-1]) + "::" + names[-1] + bracket + params


def first_line(message: str | None) -> str:
    """Return what went wrong in one line: a failure message's first line, trimmed."""
    line = next((line.strip() for line in (message or "").splitlines() if line.strip()), "")
    line = line.removeprefix("AssertionError: ")
    if len(line) > MESSAGE_WIDTH:
        line = line[: MESSAGE_WIDTH - 1] + "…"
    return line or "(no message)"


USER_SEES = "A user would see: "


def user_sees(text: str | None) -> str:
    """Return what the failed test says a user would see (its docstring), if its report has it."""
    for line in (text or "").splitlines():
        if line.strip().startswith(USER_SEES):
            return line.strip().removeprefix(USER_SEES)
    return ""


def failure(case: Case) -> Failure:
    """Return a failing test as the workshop shows it: what went wrong, in one line."""
    return Failure(case.nodeid, first_line(case.message), user_sees=user_sees(case.details))


def read_rule_results(
    tree: Path, since: float = 0.0
) -> tuple[dict[str, list[str]], dict[str, tuple[str, list[str]]]]:
    """Return the run's per-rule report: the failed rules per app, and each test's rules.

    Each test is keyed by its JUnit name, as toolkit's read_junit() names it, with its node id
    and its rules. A report older than `since` (a time stamp) is an earlier run's: a run of no
    rule's tests writes none.
    """
    results = tree / "build" / "spec-results.json"
    if not results.is_file() or results.stat().st_mtime < since:
        return {}, {}
    failed: dict[str, list[str]] = {}
    tests: dict[str, tuple[str, list[str]]] = {}
    for entry in json.loads(results.read_text(encoding="utf-8"))["results"]:
        if entry["outcome"] == "failed":
            failed.setdefault(entry["app"], []).append(entry["rule"])
        for test in entry.get("tests", []):
            _, rules = tests.setdefault(junit_name(test["nodeid"]), (test["nodeid"], []))
            if entry["rule"] not in rules:
                rules.append(entry["rule"])
    return failed, tests


def run_suite(tree: Path, args: list[str], *, show: bool = False) -> Outcome:
    """Run the shared suite in a tree; `show` streams its output (else it is kept)."""
    basetemp = tree / "build" / f"tmp-{uuid.uuid4().hex[:8]}"
    basetemp.parent.mkdir(exist_ok=True)
    env = dict(os.environ)
    if not show:
        env = {key: value for key, value in env.items() if key not in RUN_ONLY}
    stamp = time.time()
    run = run_pytest(
        [f"--basetemp={basetemp}", *args, *(["--tb=short"] if show else [])],
        tree,
        env=env,
        show=show,
    )
    shutil.rmtree(basetemp, ignore_errors=True)
    failed_rules, tests = read_rule_results(tree, since=stamp)
    failed: dict[str, list[Failure]] = {}
    for case in run.failures():
        found = failure(case)
        found.nodeid, found.rules = tests.get(found.test, ("", []))
        failed.setdefault(case.app, []).append(found)
    return Outcome(**vars(run), failed_tests=failed, failed_rules=failed_rules)


def checkpoint_args(numbers: list[int], apps: list[str]) -> list[str]:
    return [
        "tests/workshop",
        *(f"--exercise={number}" for number in numbers),
        *(f"--app={app}" for app in apps),
    ]


def write_json(name: str, data: dict) -> None:
    BUILD.mkdir(exist_ok=True)
    (BUILD / name).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    console.print(f"written to build/{name}")
