"""Failures with one cause, told once.

Tests that fail at the same line with the same message (the suite's unique names aside) failed
for one cause: a sign-up form answering 404 fails every test that signs a user up. The summary
opens with each such group ("14 tests failed at the same step: GET /accounts/register/ answered
404, …"); the group's first test keeps its traceback, the others' reports point to it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

# The suite's unique names: tokens (tk0123456789) and users (alice0123456789), any quotes around.
UNIQUE = re.compile(r"'?\b\w*[0-9a-f]{10}\b'?")
GROUPS = pytest.StashKey[dict]()  # (where, message) -> the node ids of the tests failing there


def pytest_configure(config):
    config.stash[GROUPS] = {}


def cause(report, root: Path) -> tuple[str, str] | None:
    """Return where a failed test failed and why: its last line, its message's first line."""
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is None:
        text = str(report.longrepr or "").strip()
        return ("", UNIQUE.sub("…", text.splitlines()[0])) if text else None
    path = Path(crash.path)
    where = f"{path.relative_to(root) if path.is_relative_to(root) else path}:{crash.lineno}"
    message = (crash.message or "").strip().splitlines() or [""]
    return where, UNIQUE.sub("…", message[0].removeprefix("AssertionError: "))


class SameAs:
    """The report of a test that failed as an earlier one did: a pointer to that one's report."""

    def __init__(self, first: str, where: str, longrepr):
        self.first = first
        self.where = where
        self.reprcrash = getattr(longrepr, "reprcrash", None)

    def __str__(self) -> str:
        message = self.reprcrash.message.strip() if self.reprcrash else ""
        return (
            f"The same failure as {self.first} (its traceback is above):\n{self.where}: {message}"
        )

    def toterminal(self, tw) -> None:
        for line in str(self).splitlines():
            tw.line(line)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and report.when in ("setup", "call"):
        key = cause(report, item.config.rootpath)
        if key is not None:
            tests = item.config.stash[GROUPS].setdefault(key, [])
            shorten = item.config.getoption("tbstyle") in ("auto", "short")
            if tests and shorten and report.longrepr is not None:
                report.longrepr = SameAs(tests[0], key[0], report.longrepr)
            tests.append(item.nodeid)
    return report


@pytest.hookimpl(wrapper=True, tryfirst=True)  # before pytest's own failure reports
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    groups = sorted(
        ((key, tests) for key, tests in config.stash[GROUPS].items() if len(tests) > 1),
        key=lambda group: -len(group[1]),
    )
    if groups:
        terminalreporter.section("failures with one cause", red=True)
        for (where, message), tests in groups:
            terminalreporter.write_line(
                f"{len(tests)} tests failed at the same step: {message}", red=True, bold=True
            )
            terminalreporter.write_line(f"    at {where or '?'}, first in {tests[0]}")
    return (yield)
