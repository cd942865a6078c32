"""`make solutions`: every solution applied in order to a clean copy passes its checkpoint."""

from __future__ import annotations

import tempfile
from pathlib import Path

from rich.table import Table

from toolkit.commands import run
from toolkit.paths import PYTHON, ROOT
from workshop import manifest
from workshop.checkpoints import mutant_caught
from workshop.manifest import Exercise
from workshop.runs import Outcome, checkpoint_args, console, run_suite, write_json
from workshop.trees import apply_patch, copy_tree


def lint(tree: Path) -> str | None:
    """Run the repository's ruff checks in a tree; None when clean, else the complaint."""
    for args in (["check", "--quiet", "."], ["format", "--check", "--quiet", "."]):
        done = run([PYTHON, "-m", "ruff", *args], tree, check=False)
        if done.returncode != 0:
            return (done.stdout + done.stderr).strip()
    return None


def try_solution(tree: Path, exercise: Exercise, apps: list[str]) -> dict:
    """Run a checkpoint before and after its solution in the tree (left solved); the record."""
    console.print(f"exercise {exercise.number}: {exercise.title}")
    before = run_suite(tree, checkpoint_args([exercise.number], apps))
    error = apply_patch(tree, exercise.solution)
    after = run_suite(tree, checkpoint_args([exercise.number], apps)) if not error else None
    mutants = {}
    if exercise.mutant and after and after.exit_code == 0:
        mutants = {app: mutant_caught(tree, exercise, app) for app in apps}
    entry = {
        "exercise": exercise.number,
        "failed_before": before.exit_code != 0,
        "applies": error is None,
        "after": {app: bool(after and after.passed(app)) for app in apps},
        "tests": {app: after.counts(app).get("passed", 0) for app in apps} if after else {},
        "mutant_caught": {app: caught for app, (caught, _) in mutants.items()},
        "seconds": round(before.seconds + (after.seconds if after else 0), 1),
    }
    entry["good"] = (
        entry["failed_before"]
        and entry["applies"]
        and all(entry["after"].values())
        and all(entry["mutant_caught"].values())
    )
    if error:
        console.print(f"[red]  the solution does not apply: {error}")
    elif not entry["good"] and after:
        console.print(after.output[-4000:])
    return entry


def solution_row(exercise: Exercise, entry: dict, apps: list[str]) -> list[str]:
    return [
        str(exercise.number),
        exercise.title,
        "fails" if entry["failed_before"] else "[red]PASSES",
        *(
            f"[green]pass {entry['tests'][app]}" if entry["after"].get(app) else "[red]FAIL"
            for app in apps
        ),
        ", ".join(
            f"{app} {'caught' if caught else 'MISSED'}"
            for app, caught in entry["mutant_caught"].items()
        )
        or "-",
    ]


def whole_suite(tree: Path, exercises: list[Exercise], apps: list[str]) -> Outcome:
    """Run the whole shared suite on the solved tree, every checkpoint started."""
    console.print("the whole shared suite on the solved apps (servers left out)")
    return run_suite(
        tree,
        ["tests", "-m", "not background",
         *(f"--exercise={exercise.number}" for exercise in exercises),
         *(f"--app={app}" for app in apps)],
    )  # fmt: skip


def solutions(apps: list[str]) -> int:
    """Apply each solution in order to a clean copy; check its checkpoint before and after."""
    exercises, _ = manifest.load()
    with tempfile.TemporaryDirectory(prefix="workshop-solutions-") as folder:
        tree = copy_tree(ROOT, Path(folder) / "repo")
        record = [try_solution(tree, exercise, apps) for exercise in exercises]
        suite = whole_suite(tree, exercises, apps)
        style = lint(tree)
    table = Table(
        "#", "exercise", "before", *(f"after: {app}" for app in apps), "mutant",
        title="Solutions: each checkpoint before and after its patch, on a clean copy",
    )  # fmt: skip
    for exercise, entry in zip(exercises, record, strict=True):
        table.add_row(*solution_row(exercise, entry, apps))
    console.print(table)
    suite_counts = {app: suite.counts(app).get("passed", 0) for app in apps}
    console.print(
        f"Whole suite with every solution in: {'passed' if suite.exit_code == 0 else 'FAILED'} "
        + ", ".join(f"{app} {n} tests" for app, n in suite_counts.items())
        + f"; ruff: {'clean' if style is None else 'NOT clean'}"
    )
    if suite.exit_code != 0:
        console.print(suite.output[-6000:])
    if style:
        console.print(style)
    good = [entry.pop("good") for entry in record]  # the record keeps its former fields
    ok = all(good) and suite.exit_code == 0 and style is None
    write_json(
        "workshop-solutions.json",
        {"exercises": record, "suite": {"passed": suite.exit_code == 0, "tests": suite_counts},
         "ruff_clean": style is None, "ok": ok},
    )  # fmt: skip
    return 0 if ok else 1
