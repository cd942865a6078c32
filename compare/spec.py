"""Run the shared suite and each app's unit tests (once per source state) and read the results."""

from __future__ import annotations

import hashlib
import importlib.metadata as metadata
import json
import os
import re
import shutil
import time
from pathlib import Path

from toolkit import pytest_run
from toolkit.commands import git_files
from toolkit.paths import APP_DIRS, BUILD, ROOT, SHARED_SPEC

RULE = re.compile(r"^- \*\*([A-Z]+-\d+)\*\* (.*)$")
SECTION = re.compile(r"^## (.*?) \(`([A-Z]+)`\)")
# What the results depend on: the apps, the suite and its package, the spec, the installed packages.
SOURCES = (
    "django_app",
    "flask_app",
    "tests",
    "toolkit",
    "shared_spec/SPEC.md",
    "shared_spec/MARKUP.md",
)
# Settings of the caller that would change which mode the suite runs in.
MODE_VARIABLES = ("LIVE", "BASE_URL", "APPS", "APP", "DATABASE_URL", "CI")


def source_hash(root: Path = ROOT) -> str:
    """Hash the files the tests depend on and the installed package versions."""
    digest = hashlib.sha256()
    for name in sorted(git_files(root, *SOURCES)):
        path = root / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    for dist in sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions()):
        digest.update(dist.encode() + b"\n")
    return digest.hexdigest()


def spec_rules(spec: Path = SHARED_SPEC / "SPEC.md") -> list[dict]:
    """Read the rules of SPEC.md: id, area, first sentence and whole text."""
    rules, area = [], ""
    for line in spec.read_text(encoding="utf-8").splitlines():
        if heading := SECTION.match(line):
            area = heading.group(1)
        elif rule := RULE.match(line):
            rules.append({"id": rule.group(1), "area": area, "text": rule.group(2)})
        elif rules and line.startswith("  ") and line.strip():
            rules[-1]["text"] += " " + line.strip()  # a rule's text goes on, indented
    for rule in rules:
        rule["full"] = rule["text"]
        rule["text"] = rule["text"].split(". ")[0].rstrip(".") + "."
    return rules


def run_pytest(args: list[str], cwd: Path, log: Path) -> dict:
    """Run pytest in a subprocess; return its exit code, wall time and what its report counts."""
    env = {k: v for k, v in os.environ.items() if k not in MODE_VARIABLES}
    run = pytest_run.run_pytest(args, cwd, env=env)
    log.write_text(run.output)
    return {
        "exit_code": run.exit_code,
        "seconds": round(run.seconds, 2),
        "counts": run.counts(),
        "reported_seconds": run.reported_seconds,
        "line": run.summary(),
    }


def cached_run(name: str, digest: str, run, force: bool, progress=None) -> dict:
    """Return a run's record from build/NAME.json when made from the same sources, else run it."""
    record_path = BUILD / f"{name}.json"
    if not force and record_path.is_file():
        record = json.loads(record_path.read_text())
        if record.get("source_hash") == digest:
            return {**record, "cached": True}
    if progress:
        progress(f"running {name} (the sources changed since the last run)")
    record = {"source_hash": digest, "ran_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    record.update(run())
    BUILD.mkdir(exist_ok=True)
    record_path.write_text(json.dumps(record, indent=2))
    return {**record, "cached": False}


def run_suite(digest: str, force: bool = False, progress=None) -> dict:
    """Run the shared suite in-process on both apps unless its results match the sources."""
    results = BUILD / "spec-results.json"  # where the suite writes them

    kept = BUILD / "compare-spec-results.json"

    def run():
        BUILD.mkdir(exist_ok=True)
        started = time.time()
        record = run_pytest(["tests"], ROOT, BUILD / "spec-run.log")
        # Keep this run's results: any later run of the suite (one app, live) rewrites the file.
        # Take them only if they are this run's: written since it started, both apps in-process.
        fresh = results.is_file() and results.stat().st_mtime >= started
        data = json.loads(results.read_text()) if fresh else {}
        record["results_kept"] = data.get("mode") == "in-process" and data.get("apps") == list(
            APP_DIRS
        )
        if record["results_kept"]:
            shutil.copyfile(results, kept)
        return record

    return cached_run("spec-run", digest, run, force or not kept.is_file(), progress)


def run_unit_tests(digest: str, force: bool = False, progress=None) -> dict:
    """Run each app's own unit tests (timed, for claim C15) unless cached for these sources."""
    out = {}
    for app, folder in APP_DIRS.items():

        def run(app=app, folder=folder):
            BUILD.mkdir(exist_ok=True)
            return run_pytest([], folder, BUILD / f"unit-{app}.log")

        out[app] = cached_run(f"unit-{app}", digest, run, force, progress)
    return out


def read_results(rules: list[dict], path: Path = BUILD / "compare-spec-results.json") -> dict:
    """Return each rule with its outcome per app, from the suite's build/spec-results.json."""
    data = json.loads(path.read_text()) if path.is_file() else {"results": []}
    outcome = {(r["rule"], r["app"]): r for r in data.get("results", [])}
    rows = []
    for rule in rules:
        row = {**rule, "apps": {}}
        for app in APP_DIRS:
            found = outcome.get((rule["id"], app))
            row["apps"][app] = {
                "outcome": found["outcome"] if found else "not run",
                "tests": len(found["tests"]) if found else 0,
                "failed_tests": [t["nodeid"] for t in found["tests"] if t["outcome"] == "failed"]
                if found
                else [],
            }
        rows.append(row)
    totals = {
        app: {
            state: sum(1 for r in rows if r["apps"][app]["outcome"] == state)
            for state in ("passed", "failed", "not run")
        }
        for app in APP_DIRS
    }
    return {
        "figures": data.get("figures", {}),
        "mode": data.get("mode"),
        "database": data.get("database"),
        "rules": rows,
        "totals": totals,
    }
