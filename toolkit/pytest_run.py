"""Run pytest in a subprocess and read what it ran from its JUnit XML report, app by app."""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from toolkit.paths import APPS, PYTHON

PYTEST = [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
ORDER = ("failed", "passed", "skipped", "xfailed", "error")  # as pytest's closing line has them


def app_of(test_name: str) -> str:
    """Return the app a test ran against, from its parameters (`test_x[django-HELLO]`)."""
    params = test_name.partition("[")[2].rstrip("]")
    for token in re.split(r"[-\[\]]", params):
        if token in (*APPS, "url"):
            return token
    return "-"


@dataclass(frozen=True)
class Case:
    """One test the run reports: `classname` and `name` as JUnit XML has them, and its outcome."""

    classname: str
    name: str
    outcome: str  # "passed", "failed", "error", "skipped" or "xfailed"
    message: str = ""  # a failure's or error's message (its first lines)
    details: str = ""  # its report: for the suite, its rules and traceback

    @property
    def nodeid(self) -> str:
        return f"{self.classname}::{self.name}"

    @property
    def app(self) -> str:
        """Return the app the test ran against ("django", "flask", "url"), else "-"."""
        return app_of(self.name)


@dataclass
class PytestRun:
    """One pytest run: its exit code, wall time, its tests, and its output when it was kept."""

    exit_code: int
    seconds: float
    cases: list[Case] = field(default_factory=list)
    reported_seconds: float | None = None  # the time pytest reports for its tests
    output: str = ""

    def counts(self, app: str | None = None) -> dict[str, int]:
        """Return the number of tests (of one app) per outcome, in pytest's order, without zeros."""
        found = Counter(case.outcome for case in self.cases if app in (None, case.app))
        return {outcome: found[outcome] for outcome in ORDER if found[outcome]}

    def failures(self, app: str | None = None) -> list[Case]:
        """Return the tests (of one app) that failed or broke."""
        failed = ("failed", "error")
        return [case for case in self.cases if case.outcome in failed and app in (None, case.app)]

    def passed(self, app: str) -> bool:
        """Tell whether this app's own tests all passed (whatever the other app's did).

        Exit code 1 only says that some test failed, maybe on the other app; any other code
        but 0 is a run that did not finish (a collection error, an interrupted run).
        """
        ran = self.counts(app).get("passed", 0) > 0
        return self.exit_code in (0, 1) and ran and not self.failures(app)

    def caught(self, app: str) -> bool:
        """Tell whether the run failed on this app for failing tests (not for a crash)."""
        return self.exit_code == 1 and bool(self.failures(app))

    def summary(self) -> str:
        """Say what pytest's closing line says: e.g. "2 failed, 424 passed in 397.89s"."""
        counts = ", ".join(f"{n} {outcome}" for outcome, n in self.counts().items())
        if self.reported_seconds is None:
            return counts
        return f"{counts or 'no tests ran'} in {self.reported_seconds:.2f}s"


def read_junit(path: Path) -> tuple[list[Case], float | None]:
    """Return the tests of a JUnit XML report and the seconds it reports (nothing when none)."""
    if not path.is_file():
        return [], None
    root = ElementTree.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    cases = []
    for case in root.iter("testcase"):
        message = details = ""
        if (problem := case.find("failure")) is None:
            problem = case.find("error")
        if problem is not None:
            outcome = "failed" if problem.tag == "failure" else "error"
            details = problem.text or ""
            message = problem.get("message") or details
        elif (skipped := case.find("skipped")) is not None:
            outcome = "xfailed" if skipped.get("type") == "pytest.xfail" else "skipped"
        else:
            outcome = "passed"
        cases.append(
            Case(case.get("classname", ""), case.get("name", ""), outcome, message, details)
        )
    times = [float(suite.get("time")) for suite in suites if suite.get("time")]
    return cases, (round(sum(times), 2) if times else None)


def run_pytest(
    args: list[str], cwd: Path, *, env: dict[str, str] | None = None, show: bool = False
) -> PytestRun:
    """Run pytest with `args` in `cwd`; `show` streams its output (else it is kept in the run)."""
    with tempfile.TemporaryDirectory(prefix="pytest-run-") as folder:
        junit = Path(folder) / "junit.xml"
        started = time.perf_counter()
        done = subprocess.run(
            [*PYTEST, f"--junitxml={junit}", *args],
            cwd=cwd,
            env=env,
            capture_output=not show,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        cases, reported = read_junit(junit)
    return PytestRun(
        exit_code=done.returncode,
        seconds=seconds,
        cases=cases,
        reported_seconds=reported,
        output="" if show else done.stdout + done.stderr,
    )
