"""`python -m workshop`: the exercises' checkpoints, the solutions' check, the break-it drills.

    check N [--app APP]    exercise N's checkpoint on both apps (`make check STEP=N`)
    solutions              every solution applied in order to a clean copy: each checkpoint
                           fails before its solution and passes after, on both apps
                           (`make solutions`, run by CI)
    break-it [--drill N]   each drill applied to a throw-away copy of each app in turn: the
                           shared suite must catch every one (`make break-it`, run by CI)

The guide is docs/workshop/README.md; the exercises and drills are listed in
docs/workshop/workshop.toml.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from rich.console import Console
from rich.table import Table

from workshop import manifest
from workshop.manifest import APP_FOLDERS, APPS, ROOT, Drill, Exercise

BUILD = ROOT / "build"
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
# What a run of ours must not inherit: it always runs in-process against a copy.
RUN_ONLY = ("BASE_URL", "APP", "APPS", "LIVE")

console = Console(width=100)


# -- running the suite -------------------------------------------------------------------------


@dataclass
class Outcome:
    """One pytest run: its exit code, its tests per app and the rules that failed."""

    code: int
    seconds: float
    counts: dict[str, Counter] = field(default_factory=dict)
    failed_tests: dict[str, list[str]] = field(default_factory=dict)
    failed_rules: dict[str, list[str]] = field(default_factory=dict)
    output: str = ""

    def passed(self, app: str) -> bool:
        counts = self.counts.get(app, Counter())
        return self.code == 0 and counts["passed"] > 0 and not counts["failed"]

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


def read_junit(path: Path) -> tuple[dict[str, Counter], dict[str, list[str]]]:
    counts: dict[str, Counter] = {}
    failed: dict[str, list[str]] = {}
    if not path.is_file():
        return counts, failed
    for case in ElementTree.parse(path).iter("testcase"):
        app = app_of(case.get("name", ""))
        if case.find("failure") is not None or case.find("error") is not None:
            state = "failed"
            failed.setdefault(app, []).append(f"{case.get('classname')}::{case.get('name')}")
        elif case.find("skipped") is not None:
            state = "skipped"
        else:
            state = "passed"
        counts.setdefault(app, Counter())[state] += 1
    return counts, failed


def read_failed_rules(tree: Path) -> dict[str, list[str]]:
    """Return, per app, the SPEC.md rules the run's per-rule report says failed."""
    results = tree / "build" / "spec-results.json"
    if not results.is_file():
        return {}
    failed: dict[str, list[str]] = {}
    for entry in json.loads(results.read_text(encoding="utf-8"))["results"]:
        if entry["outcome"] == "failed":
            failed.setdefault(entry["app"], []).append(entry["rule"])
    return failed


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
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=tree, env=env, text=True, capture_output=not show, check=False
    )
    counts, failed = read_junit(junit)
    junit.unlink(missing_ok=True)
    shutil.rmtree(basetemp, ignore_errors=True)
    return Outcome(
        code=done.returncode,
        seconds=time.perf_counter() - started,
        counts=counts,
        failed_tests=failed,
        failed_rules=read_failed_rules(tree),
        output="" if show else done.stdout + done.stderr,
    )


def checkpoint_args(numbers: list[int], apps: list[str]) -> list[str]:
    return [
        "tests/workshop",
        *(f"--exercise={number}" for number in numbers),
        *(f"--app={app}" for app in apps),
    ]


# -- throw-away copies -------------------------------------------------------------------------


def copy_tree(source: Path, target: Path) -> Path:
    """Copy a checkout's files (tracked and new, not ignored ones such as .venv) to target."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=source,
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:  # not a git checkout: copy all but the usual build output
        shutil.copytree(
            source,
            target,
            ignore=shutil.ignore_patterns(
                ".git", ".venv", "build", "__pycache__", "*.sqlite3*", ".*_cache", "staticfiles"
            ),
        )
        return target
    for name in filter(None, listed.stdout.decode().split("\0")):
        path = source / name
        if path.is_file():  # a tracked file deleted in the checkout is left out
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / name)
    return target


def apply_patch(tree: Path, patch: Path, include: str | None = None) -> str | None:
    """Apply a patch to a tree (only the files under `include` when given); None or the error."""
    command = ["git", "apply", "--whitespace=nowarn"]
    if include:
        command.append(f"--include={include}/*")
    done = subprocess.run(
        [*command, str(patch)], cwd=tree, capture_output=True, text=True, check=False
    )
    return None if done.returncode == 0 else (done.stderr.strip() or "git apply failed")


# -- make check STEP=N -------------------------------------------------------------------------


def mutant_caught(tree: Path, exercise: Exercise, app: str) -> tuple[bool, str]:
    """Run exercise's checkpoint against a copy of the tree with its mutant applied to one app."""
    with tempfile.TemporaryDirectory(prefix="workshop-mutant-") as folder:
        copy = copy_tree(tree, Path(folder) / "repo")
        error = apply_patch(copy, exercise.mutant, APP_FOLDERS[app])
        if error:
            return False, f"the mutant does not apply ({error.splitlines()[0]})"
        outcome = run_pytest(copy, checkpoint_args([exercise.number], [app]))
    if outcome.caught(app):
        return True, f"caught: {len(outcome.failed_tests.get(app, []))} test(s) failed"
    if outcome.code == 0:
        return False, "NOT caught: your tests pass on the broken app too"
    return False, f"the run crashed (pytest exit {outcome.code})"


def reference_tree(exercise: Exercise, target: Path) -> tuple[Path | None, str | None]:
    """Copy the checkout with the apps as shipped plus the reference solutions before `exercise`.

    A learner's own tests (exercise 7) are tried on this tree rather than on their own apps, so
    that the mutant applies whatever they wrote in the earlier exercises. The apps as shipped are
    those of the commit that last changed the solutions, which apply to them.
    """
    solutions = manifest.GUIDE / "solutions"
    shipped = subprocess.run(
        ["git", "log", "-1", "--format=%H", "--", str(solutions.relative_to(ROOT))],
        cwd=ROOT, capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    if not shipped:
        return None, "no git history: the apps as shipped are unknown"
    tree = copy_tree(ROOT, target)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", shipped, *APP_FOLDERS.values()],
        cwd=ROOT, capture_output=True, check=True,
    )  # fmt: skip
    for folder in APP_FOLDERS.values():
        shutil.rmtree(tree / folder)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as shipped_apps:
        shipped_apps.extractall(tree, filter="data")
    for earlier in manifest.load()[0]:
        if earlier.number >= exercise.number:
            break
        error = apply_patch(tree, earlier.solution, "*_app")
        if error:
            return None, f"solution {earlier.number} does not apply: {error}"
    return tree, None


def mutant_check(exercise: Exercise, apps: list[str]) -> bool:
    """Run the learner's tests on the reference apps: they must pass, and fail on the mutant."""
    console.print(
        f"Your tests pass. Now on the reference apps, then on a broken copy of each "
        f"({exercise.mutant.relative_to(ROOT)}): they must pass on the first and fail on the other."
    )
    with tempfile.TemporaryDirectory(prefix="workshop-reference-") as folder:
        tree, error = reference_tree(exercise, Path(folder) / "repo")
        if error:
            console.print(f"[red]  {error}")
            return False
        reference = run_pytest(tree, checkpoint_args([exercise.number], apps))
        ok = True
        for app in apps:
            if not reference.passed(app):
                console.print(f"  {app}: [red]your tests fail on the reference app")
                console.print(reference.output[-3000:])
                ok = False
                continue
            caught, why = mutant_caught(tree, exercise, app)
            console.print(f"  {app}: {'[green]' if caught else '[red]'}{why}")
            ok = ok and caught
    return ok


def check(number: int, apps: list[str]) -> int:
    exercise = manifest.exercise(number)
    console.rule(f"[bold]Exercise {number}: {exercise.title}")
    url_mode = bool(os.environ.get("BASE_URL"))
    outcome = run_pytest(ROOT, checkpoint_args([number], [] if url_mode else apps), show=True)
    if outcome.code == 5:
        console.print(
            f"[bold red]No checkpoint test for exercise {number}.[/] "
            + (
                f"Write yours in tests/workshop/ with pytestmark = pytest.mark.exercise({number})"
                f" ({exercise.page.relative_to(ROOT)})."
                if exercise.mutant
                else "Is tests/workshop/ complete?"
            )
        )
        return 1
    table = Table("app", "passed", "failed", "verdict", title=f"Checkpoint {number}")
    ok = outcome.code == 0
    checked = ["url"] if url_mode else apps
    for app in checked:
        counts = outcome.counts.get(app, Counter())
        verdict = "[green]passes" if outcome.passed(app) else "[red]not yet"
        table.add_row(app, str(counts["passed"]), str(counts["failed"]), verdict)
    console.print(table)
    if ok and exercise.mutant:
        if url_mode:
            console.print("The mutant check needs the apps in this checkout: run without BASE_URL.")
        else:
            ok = mutant_check(exercise, apps)
    hints = exercise.page.relative_to(ROOT)
    console.print(
        f"[bold green]Exercise {number} done on {' and '.join(checked)}."
        if ok
        else f"[bold red]Exercise {number} is not done yet.[/] Hints: {hints}"
    )
    return 0 if ok else 1


# -- make solutions ----------------------------------------------------------------------------


def lint(tree: Path) -> str | None:
    """Run the repository's ruff checks in a tree; None when clean, else the complaint."""
    for args in (["check", "--quiet", "."], ["format", "--check", "--quiet", "."]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *args], cwd=tree, capture_output=True, text=True
        )
        if done.returncode != 0:
            return (done.stdout + done.stderr).strip()
    return None


def solutions(apps: list[str]) -> int:
    """Apply each solution in order to a clean copy; check its checkpoint before and after."""
    exercises, _ = manifest.load()
    rows, record, ok = [], [], True
    with tempfile.TemporaryDirectory(prefix="workshop-solutions-") as folder:
        tree = copy_tree(ROOT, Path(folder) / "repo")
        for exercise in exercises:
            console.print(f"exercise {exercise.number}: {exercise.title}")
            before = run_pytest(tree, checkpoint_args([exercise.number], apps))
            error = apply_patch(tree, exercise.solution)
            after = (
                run_pytest(tree, checkpoint_args([exercise.number], apps)) if not error else None
            )
            mutants = {}
            if exercise.mutant and after and after.code == 0:
                mutants = {app: mutant_caught(tree, exercise, app) for app in apps}
            entry = {
                "exercise": exercise.number,
                "failed_before": before.code != 0,
                "applies": error is None,
                "after": {app: bool(after and after.passed(app)) for app in apps},
                "tests": {app: after.counts.get(app, Counter())["passed"] for app in apps}
                if after
                else {},
                "mutant_caught": {app: caught for app, (caught, _) in mutants.items()},
                "seconds": round(before.seconds + (after.seconds if after else 0), 1),
            }
            good = (
                entry["failed_before"]
                and entry["applies"]
                and all(entry["after"].values())
                and all(entry["mutant_caught"].values())
            )
            ok = ok and good
            record.append(entry)
            rows.append(
                [
                    str(exercise.number),
                    exercise.title,
                    "fails" if entry["failed_before"] else "[red]PASSES",
                    *(
                        f"[green]pass {entry['tests'][app]}"
                        if entry["after"].get(app)
                        else "[red]FAIL"
                        for app in apps
                    ),
                    ", ".join(
                        f"{app} {'caught' if c else 'MISSED'}"
                        for app, c in entry["mutant_caught"].items()
                    )
                    or "-",
                ]
            )
            if error:
                console.print(f"[red]  the solution does not apply: {error}")
            elif not good and after:
                console.print(after.output[-4000:])
        console.print("the whole shared suite on the solved apps (servers left out)")
        numbers = [exercise.number for exercise in exercises]
        suite = run_pytest(
            tree,
            ["tests", "-m", "not background", *(f"--exercise={n}" for n in numbers),
             *(f"--app={app}" for app in apps)],
        )  # fmt: skip
        style = lint(tree)
    table = Table(
        "#", "exercise", "before", *(f"after: {app}" for app in apps), "mutant",
        title="Solutions: each checkpoint before and after its patch, on a clean copy",
    )  # fmt: skip
    for row in rows:
        table.add_row(*row)
    console.print(table)
    suite_counts = {app: suite.counts.get(app, Counter())["passed"] for app in apps}
    console.print(
        f"Whole suite with every solution in: {'passed' if suite.code == 0 else 'FAILED'} "
        + ", ".join(f"{app} {n} tests" for app, n in suite_counts.items())
        + f"; ruff: {'clean' if style is None else 'NOT clean'}"
    )
    if suite.code != 0:
        console.print(suite.output[-6000:])
    if style:
        console.print(style)
    ok = ok and suite.code == 0 and style is None
    write_json(
        "workshop-solutions.json",
        {"exercises": record, "suite": {"passed": suite.code == 0, "tests": suite_counts},
         "ruff_clean": style is None, "ok": ok},
    )  # fmt: skip
    return 0 if ok else 1


# -- make break-it -----------------------------------------------------------------------------


@dataclass
class Attempt:
    drill: Drill | None  # None: the unbroken app, which must pass
    app: str
    error: str | None = None
    outcome: Outcome | None = None

    @property
    def caught(self) -> bool:
        return self.error is None and self.outcome is not None and self.outcome.caught(self.app)


def attempt(drill: Drill | None, app: str) -> Attempt:
    """Run the shared suite on a throw-away copy with one drill applied to one app."""
    found = Attempt(drill, app)
    with tempfile.TemporaryDirectory(prefix="workshop-break-it-") as folder:
        tree = copy_tree(ROOT, Path(folder) / "repo")
        if drill:
            if app not in manifest.sides(drill.patch):
                found.error = f"the drill has no change for {app}"
                return found
            found.error = apply_patch(tree, drill.patch, APP_FOLDERS[app])
            if found.error:
                return found
        found.outcome = run_pytest(tree, ["tests", f"--app={app}", "-m", "not background"])
    return found


def caught_text(found: Attempt) -> str:
    if found.error:
        return f"[red]error: {found.error}"
    outcome = found.outcome
    if not found.caught:
        return "[bold red]SURVIVED" if outcome.code == 0 else f"[red]crash (exit {outcome.code})"
    rules = outcome.failed_rules.get(found.app, [])
    # The rules the drill was written to break first, in bold: are their own tests the catchers?
    shown = [f"[bold]{rule}[/]" for rule in found.drill.rules if rule in rules]
    shown += [rule for rule in rules if rule not in found.drill.rules]
    tests = len(outcome.failed_tests[found.app])
    return f"[green]caught[/] by {tests} test{'s' * (tests != 1)}: " + ", ".join(shown)


def break_it(drill_numbers: list[int], apps: list[str], jobs: int) -> int:
    _, drills = manifest.load()
    if drill_numbers:
        drills = [drill for drill in drills if drill.number in drill_numbers]
    plan = [(None, app) for app in apps] + [(drill, app) for drill in drills for app in apps]
    console.print(
        f"{len(drills)} drills x {len(apps)} apps, plus each app unbroken: {len(plan)} runs of "
        f"the shared suite (servers left out), {jobs} at a time"
    )
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        attempts = list(pool.map(lambda task: attempt(*task), plan))
    controls = [found for found in attempts if found.drill is None]
    table = Table("#", "drill (breaks)", *apps, title="Break-it: does the shared suite catch it?")
    for drill in drills:
        cells = {found.app: caught_text(found) for found in attempts if found.drill is drill}
        table.add_row(
            str(drill.number),
            f"{drill.title} ({', '.join(drill.rules)})",
            *(cells[a] for a in apps),
        )
    console.print(table)
    unbroken_ok = all(found.outcome and found.outcome.code == 0 for found in controls)
    for found in controls:
        counts = found.outcome.counts.get(found.app, Counter()) if found.outcome else Counter()
        console.print(
            f"unbroken {found.app}: {counts['passed']} passed, {counts['failed']} failed"
            + ("" if found.outcome and found.outcome.code == 0 else " [red](must pass)")
        )
    broken = [found for found in attempts if found.drill is not None]
    caught = sum(found.caught for found in broken)
    score = caught / len(broken) if broken else 0.0
    seconds = time.perf_counter() - started
    if unbroken_ok:
        console.print(
            f"[bold]Mutation score: {caught}/{len(broken)} = {score:.0%}[/] "
            f"({len(drills)} drills on {', '.join(apps)}; {seconds:.0f} s)"
        )
    else:  # a suite that fails anyway catches everything, and so proves nothing
        for found in controls:
            if found.outcome and found.outcome.code != 0:
                console.print(found.outcome.output[-4000:])
        console.print("[bold red]No mutation score: the unbroken apps must pass first.")
    write_json(
        "break-it.json",
        {
            "apps": apps,
            "unbroken_passed": unbroken_ok,
            "score": score,
            "caught": caught,
            "total": len(broken),
            "seconds": round(seconds, 1),
            "drills": [
                {
                    "number": found.drill.number,
                    "slug": found.drill.slug,
                    "title": found.drill.title,
                    "breaks": list(found.drill.rules),
                    "app": found.app,
                    "caught": found.caught,
                    "error": found.error,
                    "failed_tests": len(found.outcome.failed_tests.get(found.app, []))
                    if found.outcome
                    else 0,
                    "failed_rules": found.outcome.failed_rules.get(found.app, [])
                    if found.outcome
                    else [],
                    "caught_by_its_rule": bool(
                        found.outcome
                        and set(found.drill.rules)
                        & set(found.outcome.failed_rules.get(found.app, []))
                    ),
                }
                for found in broken
            ],
        },
    )
    return 0 if unbroken_ok and caught == len(broken) else 1


def write_json(name: str, data: dict) -> None:
    BUILD.mkdir(exist_ok=True)
    (BUILD / name).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    console.print(f"written to build/{name}")


# -- the command line --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m workshop",
        description=__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    checking = commands.add_parser("check", help="run one exercise's checkpoint")
    checking.add_argument("number", type=int)
    for command in (
        checking,
        commands.add_parser("solutions"),
        breaking := commands.add_parser("break-it"),
    ):
        command.add_argument("--app", action="append", choices=APPS, dest="apps")
    breaking.add_argument("--drill", action="append", type=int, default=[], dest="drills")
    breaking.add_argument("--jobs", type=int, default=2, help="runs at a time (default 2)")
    args = parser.parse_args(argv)
    apps = args.apps or list(APPS)
    if args.command == "check":
        numbers = [exercise.number for exercise in manifest.load()[0]]
        if args.number not in numbers:
            parser.error(f"no exercise {args.number}: the exercises are {numbers}")
        return check(args.number, apps)
    if args.command == "solutions":
        return solutions(apps)
    return break_it(args.drills, apps, args.jobs)
