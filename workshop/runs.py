"""Running the shared suite in a tree, and reading its reports: JUnit XML, per-rule results."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from rich.console import Console

from workshop.manifest import APPS, ROOT

BUILD = ROOT / "build"
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
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
class Outcome:
    """One pytest run: its exit code, its tests per app and the rules that failed."""

    code: int
    seconds: float
    counts: dict[str, Counter] = field(default_factory=dict)
    failed_tests: dict[str, list[Failure]] = field(default_factory=dict)
    failed_rules: dict[str, list[str]] = field(default_factory=dict)
    output: str = ""

    def passed(self, app: str) -> bool:
        """Tell whether this app's own tests all passed (whatever the other app's did).

        Exit code 1 only says that some test failed, maybe on the other app; any other code
        but 0 is a run that did not finish (a collection error, an interrupted run).
        """
        counts = self.counts.get(app, Counter())
        return self.code in (0, 1) and counts["passed"] > 0 and not counts["failed"]

    def caught(self, app: str) -> bool:
        """Tell whether the run failed on this app for failing tests (not for a crash)."""
        return self.code == 1 and self.counts.get(app, Counter())["failed"] > 0


def app_of(test_name: str) -> str:
    """Return the app a test ran against, from its parameters (`test_x[django-HELLO]`)."""
    params = test_name.partition("[")[2].rstrip("]")
    for token in re.split(r"[-\[\]]", params):
        if token in (*APPS, "url"):
            return token
    return "-"


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


def read_junit(path: Path) -> tuple[dict[str, Counter], dict[str, list[Failure]]]:
    """Return, per app, the count of each outcome and the failing tests with their message."""
    counts: dict[str, Counter] = {}
    failed: dict[str, list[Failure]] = {}
    if not path.is_file():
        return counts, failed
    for case in ElementTree.parse(path).iter("testcase"):
        app = app_of(case.get("name", ""))
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is not None:
            state = "failed"
            message = problem.get("message") or problem.text
            test = f"{case.get('classname')}::{case.get('name')}"
            failure = Failure(test, first_line(message), user_sees=user_sees(problem.text))
            failed.setdefault(app, []).append(failure)
        elif case.find("skipped") is not None:
            state = "skipped"
        else:
            state = "passed"
        counts.setdefault(app, Counter())[state] += 1
    return counts, failed


def read_rule_results(
    tree: Path, since: float = 0.0
) -> tuple[dict[str, list[str]], dict[str, tuple[str, list[str]]]]:
    """Return the run's per-rule report: the failed rules per app, and each test's rules.

    Each test is keyed by its JUnit name, as read_junit() names it, with its node id and its
    rules. A report older than `since` (a time stamp) is an earlier run's: a run of no rule's
    tests writes none.
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


def run_pytest(tree: Path, args: list[str], *, show: bool = False) -> Outcome:
    """Run the shared suite in a tree; `show` streams its output (else it is kept)."""
    run_id = uuid.uuid4().hex[:8]
    junit = tree / "build" / f"workshop-{run_id}.xml"
    basetemp = tree / "build" / f"tmp-{run_id}"
    basetemp.parent.mkdir(exist_ok=True)
    command = [*PYTEST, f"--junitxml={junit}", f"--basetemp={basetemp}", *args]
    if show:
        command.append("--tb=short")
    env = dict(os.environ)
    if not show:
        env = {key: value for key, value in env.items() if key not in RUN_ONLY}
    started, stamp = time.perf_counter(), time.time()
    done = subprocess.run(
        command, cwd=tree, env=env, text=True, capture_output=not show, check=False
    )
    counts, failed = read_junit(junit)
    junit.unlink(missing_ok=True)
    shutil.rmtree(basetemp, ignore_errors=True)
    failed_rules, tests = read_rule_results(tree, since=stamp)
    for failures in failed.values():
        for failure in failures:
            failure.nodeid, failure.rules = tests.get(failure.test, ("", []))
    return Outcome(
        code=done.returncode,
        seconds=time.perf_counter() - started,
        counts=counts,
        failed_tests=failed,
        failed_rules=failed_rules,
        output="" if show else done.stdout + done.stderr,
    )


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
