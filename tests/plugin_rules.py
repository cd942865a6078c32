"""The rules of SPEC.md in a run: choose them, explain a failure by them, report each one's result.

- `--rules READ` or `--rules AUTH-1,AUTH-2` runs only the tests citing those rules (an area name
  selects its rules), and the summary counts only them.
- A failing test's report opens with the rules it cites, each with its text from SPEC.md, and
  its docstring as what a user would see.
- At the end: each rule's result per app, the figures the tests gathered, and
  build/spec-results.json.
"""

from __future__ import annotations

import inspect
import json
import textwrap
from collections import Counter

import pytest

from tests.harness import FIGURES, spec_rules, spec_texts
from tests.plugin_apps import RUN, Run

OUTCOMES = pytest.StashKey[dict]()
CHOSEN = pytest.StashKey[list]()  # the rules the summary covers: --rules's, or all of SPEC.md's
LEFT_OUT = pytest.StashKey[int]()  # tests deselected by --rules


def pytest_addoption(parser):
    parser.getgroup("posts").addoption(
        "--rules",
        action="append",
        default=[],
        metavar="IDS",
        help="run only the tests citing these rules of SPEC.md: an area (READ) or rules "
        "(AUTH-1,AUTH-2), comma-separated or repeated; the summary counts only them",
    )


def chosen_rules(values: list[str]) -> list[str]:
    """Return the rules that --rules values name, in SPEC.md's order (every rule without any)."""
    known = spec_rules()
    if not values:
        return known
    wanted = set()
    for value in ",".join(values).split(","):
        name = value.strip().upper().rstrip("-")
        if not name:
            continue
        matched = {rule for rule in known if name in (rule, rule.rsplit("-", 1)[0])}
        if not matched:
            areas = ", ".join(dict.fromkeys(rule.rsplit("-", 1)[0] for rule in known))
            raise pytest.UsageError(
                f"--rules {value.strip()!r}: no rule or area of SPEC.md has that name "
                f"(areas: {areas}; a rule: READ-1)"
            )
        wanted |= matched
    return [rule for rule in known if rule in wanted]


def cited_rules(item) -> list[str]:
    return [rule for mark in item.iter_markers("rule") for rule in mark.args]


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "rule(*ids): the SPEC.md rules a test checks, e.g. rule('POST-3')"
    )
    config.stash[CHOSEN] = chosen_rules(config.getoption("rules"))
    config.stash[OUTCOMES] = {}
    config.stash[LEFT_OUT] = 0


def pytest_collection_modifyitems(config, items):
    if not config.getoption("rules"):
        return
    chosen = set(config.stash[CHOSEN])
    kept = [item for item in items if chosen & set(cited_rules(item))]
    dropped = [item for item in items if item not in kept]
    if dropped:
        config.stash[LEFT_OUT] = len(dropped)
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_report_collectionfinish(config, start_path, items):
    if not config.getoption("rules"):
        return []
    chosen = config.stash[CHOSEN]
    return [
        f"rules: {', '.join(chosen)} ({len(chosen)}); "
        f"{config.stash[LEFT_OUT]} test(s) deselected, citing none of them"
    ]


# -- a failure, explained by the rules it breaks -------------------------------------------------


class Explained:
    """A failed test's report with lines before it: the rules it cites and what a user sees."""

    def __init__(self, lines: list[str], longrepr):
        self.lines = lines
        self.longrepr = longrepr

    @property
    def reprcrash(self):
        """The failure's last line and message, for the short summary (as pytest made it)."""
        return getattr(self.longrepr, "reprcrash", None)

    def toterminal(self, tw) -> None:
        for line in self.lines:
            tw.line(line, bold=True)
        if hasattr(self.longrepr, "toterminal"):
            self.longrepr.toterminal(tw)
        else:
            tw.line(str(self.longrepr))

    def __str__(self) -> str:
        return "\n".join([*self.lines, str(self.longrepr)])


def explanation(item) -> list[str]:
    """Return the lines opening a failed test's report: its rules' texts and its docstring."""
    texts = spec_texts()
    lines = []
    for rule in dict.fromkeys(cited_rules(item)):
        text = texts.get(rule, "(not in SPEC.md)")
        lines += textwrap.wrap(
            f"{rule:<9} {text}", width=100, initial_indent="", subsequent_indent=" " * 10
        )
    doc = inspect.getdoc(getattr(item, "function", None)) or ""
    if doc:
        first_paragraph = doc.split("\n\n")[0].replace("\n", " ")
        lines.append(f"A user would see: {first_paragraph}")
    return lines


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if cited_rules(item):
        record(item, report)
        if report.failed and report.longrepr is not None:
            report.longrepr = Explained(explanation(item), report.longrepr)
    return report


# -- each rule's result ----------------------------------------------------------------------


def record(item, report) -> None:
    outcomes = item.config.stash[OUTCOMES]
    params = getattr(getattr(item, "callspec", None), "params", {})
    entry = outcomes.setdefault(
        item.nodeid, {"rules": cited_rules(item), "app": params.get("app", "-"), "outcome": None}
    )
    if report.failed:
        entry["outcome"] = "failed"
    elif report.skipped and entry["outcome"] != "failed":
        entry["outcome"] = "skipped"
    elif report.when == "call" and entry["outcome"] is None:
        entry["outcome"] = "passed"


def rule_results(config, rules: list[str] | None = None) -> list[dict]:
    """Return one entry per (rule, app): its outcome and the tests behind it."""
    run = config.stash[RUN]
    outcomes = config.stash[OUTCOMES]
    results = []
    for rule in spec_rules() if rules is None else rules:
        for app_name in run.apps:
            tests = [
                {"nodeid": nodeid, "outcome": entry["outcome"] or "not run"}
                for nodeid, entry in outcomes.items()
                if rule in entry["rules"] and entry["app"] in (app_name, "-")
            ]
            states = {test["outcome"] for test in tests}
            if not tests:
                outcome = "not run"
            elif states & {"failed", "skipped", "not run"}:
                outcome = "failed"
            else:
                outcome = "passed"
            results.append({"rule": rule, "app": app_name, "outcome": outcome, "tests": tests})
    return results


def write_table(terminalreporter, run: Run, results: list[dict]) -> None:
    """Print each rule's result per app, and each app's totals."""
    terminalreporter.section("spec rules")
    cells: dict[str, dict[str, str]] = {}
    for entry in results:
        tests = entry["tests"]
        passed = sum(test["outcome"] == "passed" for test in tests)
        if entry["outcome"] == "not run":
            cell = "-"
        elif entry["outcome"] == "passed":
            cell = f"pass {passed}"
        else:
            cell = f"FAIL {len(tests) - passed}/{len(tests)}"
        cells.setdefault(entry["rule"], {})[entry["app"]] = cell
    terminalreporter.write_line("rule      " + "".join(f"{name:<14}" for name in run.apps))
    for rule, row in cells.items():
        terminalreporter.write_line(
            f"{rule:<10}" + "".join(f"{row.get(name, '-'):<14}" for name in run.apps)
        )
    totals = Counter((entry["app"], entry["outcome"]) for entry in results)
    for name in run.apps:
        terminalreporter.write_line(
            f"{name}: {totals[(name, 'passed')]} rules passed, {totals[(name, 'failed')]} failed,"
            f" {totals[(name, 'not run')]} not run"
        )


def write_figures(terminalreporter, run: Run, results: list[dict]) -> None:
    """Print the figures the fuzz, security and concurrency tests of this run gathered."""
    security = [entry for entry in results if entry["rule"].startswith("SEC-")]
    if any(entry["outcome"] != "not run" for entry in security):
        counts = []
        for name in run.apps:
            ran = [e for e in security if e["app"] == name and e["outcome"] != "not run"]
            passed = sum(entry["outcome"] == "passed" for entry in ran)
            left = sum(e["app"] == name for e in security) - len(ran)
            counts.append(f"{name} {passed}/{len(ran)}" + (f" ({left} not run)" if left else ""))
        terminalreporter.write_line("security rules passed: " + ", ".join(counts))
    if FIGURES["fuzz"]:
        terminalreporter.write_line(
            "fuzz examples: " + ", ".join(f"{name} {FIGURES['fuzz'][name]}" for name in run.apps)
        )
    for (name, backend), figures in sorted(FIGURES["concurrency"].items()):
        terminalreporter.write_line(
            f"concurrency {name} on {backend}: "
            + ", ".join(f"{key} {value}" for key, value in figures.items())
        )


def write_results(config, run: Run, results: list[dict]) -> str:
    """Write every rule's result and the figures to build/spec-results.json; return its path."""
    path = config.rootpath / "build" / "spec-results.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    figures = {
        "fuzz_examples": dict(FIGURES["fuzz"]),
        "concurrency": [
            {"app": name, "database": backend, **figures}
            for (name, backend), figures in sorted(FIGURES["concurrency"].items())
        ],
    }
    document = {
        "mode": run.mode,
        "apps": run.apps,
        "database": run.backend if run.mode != "url" else None,
        "base_url": run.base_url,
        "rules_chosen": config.stash[CHOSEN],
        "results": results,
        "figures": figures,
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return str(path.relative_to(config.rootpath))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not config.stash[OUTCOMES]:
        return
    run = config.stash[RUN]
    chosen = rule_results(config, config.stash[CHOSEN])
    write_table(terminalreporter, run, chosen)
    write_figures(terminalreporter, run, chosen)
    written = write_results(config, run, rule_results(config))
    terminalreporter.write_line(f"rule results written to {written}")
