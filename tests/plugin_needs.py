"""What a run leaves out, and what CI=true refuses to leave out.

- A test marked `requires(*needs)` (or taking a fixture that brings a need) is deselected,
  never skipped, when the run lacks the need; a note at the start and at the end says which
  and why. Under CI=true a missing tool (Redis) fails the test instead.
- A workshop checkpoint (`exercise(N)`) is deselected unless `--exercise N` starts it.
- Under CI=true a skipped test, or a module skipped at collection, counts as failed.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.harness import REDIS_URL
from tests.plugin_apps import RUN
from toolkit.servers import environ_flag

NEEDS = {"adapter", "staff", "database", "sqlite", "postgresql", "redis", "log", "mail"}
# Needs that are tools of the machine running the suite: under CI=true a missing one fails.
TOOLS = {"redis"}
# Fixtures that bring a need with them, so that tests need not mark it twice.
FIXTURE_NEEDS = {
    "adapter": {"adapter"},
    "job": {"adapter"},
    "staff": {"adapter", "staff"},
    "database_url": {"database"},
    "mailbox": {"mail"},
}
MISSING_TOOLS = pytest.StashKey[set]()
DESELECTED = pytest.StashKey[Counter]()
NOT_STARTED = "a started workshop exercise"
HINTS = {
    "adapter": "set APP=django|flask, or --adapter MODULE:CLASS, to drive the admin and CLI",
    "staff": "set STAFF_USERNAME and STAFF_PASSWORD",
    "database": "set DATABASE_URL to the site's database",
    "sqlite": "the database is not SQLite, or unknown",
    "postgresql": "the database is not PostgreSQL, or unknown",
    "redis": f"no Redis answers at {REDIS_URL} (apt-get install redis-server)",
    "log": "a site at BASE_URL keeps its log to itself",
    "mail": "a site at BASE_URL sends its mail elsewhere than the suite's SMTP server",
    NOT_STARTED: "start one with make check STEP=N, see docs/workshop/README.md",
}


def pytest_addoption(parser):
    parser.getgroup("posts").addoption(
        "--exercise",
        action="append",
        type=int,
        default=[],
        dest="exercises",
        metavar="N",
        help="start workshop exercise N: run its checkpoint tests (marked exercise(N)), which "
        "are left out otherwise (docs/workshop/README.md; make check STEP=N)",
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "requires(*needs, apps=(), modes=()): what a test needs besides HTTP "
        "(adapter, staff, database, sqlite, postgresql, redis, log), for those apps and run modes "
        "only when given; deselected when the run lacks it (a missing tool fails under CI=true)",
    )
    config.addinivalue_line(
        "markers",
        "exercise(n): a checkpoint of workshop exercise N (docs/workshop/), left out of the run "
        "(deselected, not skipped) unless --exercise N starts it",
    )
    config.stash[DESELECTED] = Counter()


def under_ci() -> bool:
    return environ_flag("CI")


def item_needs(item) -> set[str]:
    needs = set()
    run = item.config.stash[RUN]
    app_name = getattr(getattr(item, "callspec", None), "params", {}).get("app")
    for mark in item.iter_markers("requires"):
        unknown = set(mark.args) - NEEDS
        if unknown:
            raise pytest.UsageError(f"{item.nodeid}: unknown need(s) {sorted(unknown)}")
        if mark.kwargs.get("apps") and app_name not in mark.kwargs["apps"]:
            continue
        if mark.kwargs.get("modes") and run.mode not in mark.kwargs["modes"]:
            continue
        needs.update(mark.args)
    for name in getattr(item, "fixturenames", ()):
        needs |= FIXTURE_NEEDS.get(name, set())
    return needs


@pytest.hookimpl(trylast=True)  # after -k, -m and --rules: the notes count what this left out
def pytest_collection_modifyitems(config, items):
    have = config.stash[RUN].has()
    kept, dropped = [], []
    started = set(config.getoption("exercises"))
    for item in items:
        exercise = item.get_closest_marker("exercise")
        if exercise is not None and exercise.args[0] not in started:
            # Deselected rather than skipped: the main suite stays green under CI=true, where a
            # skip is a failure, and an exercise nobody started is no defect. While one runs,
            # the other exercises' checkpoints are left out as asked: no note for them.
            dropped.append(item)
            if not started:
                config.stash[DESELECTED][NOT_STARTED] += 1
            continue
        missing = item_needs(item) - have
        if missing and under_ci() and missing <= TOOLS:
            item.stash[MISSING_TOOLS] = missing  # kept, and failed at set-up
        elif missing:
            dropped.append(item)
            config.stash[DESELECTED][", ".join(sorted(missing))] += 1
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def deselection_notes(config) -> list[str]:
    notes = []
    for missing, count in sorted(config.stash[DESELECTED].items()):
        why = "; ".join(HINTS[need] for need in missing.split(", "))
        notes.append(f"note: {count} test(s) deselected, needing {missing} ({why})")
    return notes


def pytest_report_collectionfinish(config, start_path, items):
    return deselection_notes(config)


def pytest_runtest_setup(item):
    missing = item.stash.get(MISSING_TOOLS, None)
    if missing:
        pytest.fail(f"needs {', '.join(sorted(missing))}, missing; under CI=true that fails")


# -- strictness and the notes at the end ------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.skipped and under_ci():
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped, and under CI=true a skip is a failure: {reason}"
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    report = yield
    if report.skipped and under_ci():
        report.outcome = "failed"
        report.longrepr = (
            f"skipped at collection, and under CI=true a skip is a failure: {report.longrepr}"
        )
    return report


@pytest.hookimpl(tryfirst=True)  # before the per-rule report (tests/plugin_rules.py)
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for note in deselection_notes(config):
        terminalreporter.write_line(note)
