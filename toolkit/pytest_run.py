"""Run pytest in a subprocess and read what it ran from its JUnit XML report."""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from toolkit.paths import PYTHON

PYTEST = [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
ORDER = ("failed", "passed", "skipped", "xfailed", "error")  # as pytest's closing line has them


@dataclass(frozen=True)
class Case:
    """One test the run reports: `classname` and `name` as JUnit XML has them, and its outcome."""

    classname: str
    name: str
    outcome: str  # "passed", "failed", "error", "skipped" or "xfailed"

    @property
    def nodeid(self) -> str:
        return f"{self.classname}::{self.name}"


@dataclass
class PytestRun:
    """One pytest run: its exit code, wall time, its tests, and its output when it was kept."""

    exit_code: int
    seconds: float
    cases: list[Case] = field(default_factory=list)
    reported_seconds: float | None = None  # the time pytest reports for its tests
    output: str = ""

    def counts(self) -> dict[str, int]:
        """Return the number of tests per outcome, in pytest's order, without the zeros."""
        found = Counter(case.outcome for case in self.cases)
        return {outcome: found[outcome] for outcome in ORDER if found[outcome]}

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
        if case.find("failure") is not None:
            outcome = "failed"
        elif case.find("error") is not None:
            outcome = "error"
        elif (skipped := case.find("skipped")) is not None:
            outcome = "xfailed" if skipped.get("type") == "pytest.xfail" else "skipped"
        else:
            outcome = "passed"
        cases.append(Case(case.get("classname", ""), case.get("name", ""), outcome))
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
