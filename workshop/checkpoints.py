"""`make check STEP=N`: one exercise's checkpoint, each app judged on its own tests."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rich.table import Table

from toolkit.paths import APP_FOLDERS, ROOT
from workshop import manifest
from workshop.manifest import Exercise
from workshop.runs import Outcome, checkpoint_args, console, run_suite
from workshop.trees import apply_patch, apps_from, copy_tree, last_commit


def mutant_caught(tree: Path, exercise: Exercise, app: str) -> tuple[bool, str]:
    """Run exercise's checkpoint against a copy of the tree with its mutant applied to one app."""
    with tempfile.TemporaryDirectory(prefix="workshop-mutant-") as folder:
        copy = copy_tree(tree, Path(folder) / "repo")
        error = apply_patch(copy, exercise.mutant, APP_FOLDERS[app])
        if error:
            return False, f"the mutant does not apply ({error.splitlines()[0]})"
        outcome = run_suite(copy, checkpoint_args([exercise.number], [app]))
    if outcome.caught(app):
        return True, f"caught: {len(outcome.failed_tests.get(app, []))} test(s) failed"
    if outcome.exit_code == 0:
        return False, "NOT caught: your tests pass on the broken app too"
    return False, f"the run crashed (pytest exit {outcome.exit_code})"


def reference_tree(exercise: Exercise, target: Path) -> tuple[Path | None, str | None]:
    """Copy the checkout with the apps as shipped plus the reference solutions before `exercise`.

    A learner's own tests (exercise 7) are tried on this tree rather than on their own apps, so
    that the mutant applies whatever they wrote in the earlier exercises. The apps as shipped are
    those of the commit that last changed the solutions, which apply to them.
    """
    solutions = manifest.GUIDE / "solutions"
    shipped = last_commit([str(solutions.relative_to(ROOT))])
    if not shipped:
        return None, "no git history: the apps as shipped are unknown"
    tree = copy_tree(ROOT, target)
    error = apps_from(tree, shipped)
    if error:
        return None, f"the apps as shipped cannot be read: {error}"
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
        reference = run_suite(tree, checkpoint_args([exercise.number], apps))
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


def checkpoint_rows(outcome: Outcome, apps: list[str]) -> list[tuple[str, int, int, bool]]:
    """Return, per app, its passed and failed tests and whether it passes, judged on its own."""
    rows = []
    for app in apps:
        passed = outcome.counts(app).get("passed", 0)
        rows.append((app, passed, len(outcome.failures(app)), outcome.passed(app)))
    return rows


def no_checkpoint(exercise: Exercise) -> None:
    console.print(
        f"[bold red]No checkpoint test for exercise {exercise.number}.[/] "
        + (
            "Write yours in tests/workshop/ with "
            f"pytestmark = pytest.mark.exercise({exercise.number})"
            f" ({exercise.page.relative_to(ROOT)})."
            if exercise.mutant
            else "Is tests/workshop/ complete?"
        )
    )


def check(number: int, apps: list[str]) -> int:
    exercise = manifest.exercise(number)
    console.rule(f"[bold]Exercise {number}: {exercise.title}")
    url_mode = bool(os.environ.get("BASE_URL"))
    outcome = run_suite(ROOT, checkpoint_args([number], [] if url_mode else apps), show=True)
    if outcome.exit_code == 5:
        no_checkpoint(exercise)
        return 1
    checked = ["url"] if url_mode else apps
    table = Table("app", "passed", "failed", "verdict", title=f"Checkpoint {number}")
    rows = checkpoint_rows(outcome, checked)
    for app, passed, failed, done in rows:
        table.add_row(app, str(passed), str(failed), "[green]passes" if done else "[red]not yet")
    console.print(table)
    ok = outcome.exit_code == 0 and all(done for *_, done in rows)
    if outcome.exit_code not in (0, 1):
        console.print(f"[red]The run did not finish (pytest exit {outcome.exit_code}): see above.")
    if ok and exercise.mutant:
        if url_mode:
            console.print("The mutant check needs the apps in this checkout: run without BASE_URL.")
        else:
            ok = mutant_check(exercise, apps)
    hints = exercise.page.relative_to(ROOT)
    behind = [app for app, *_, done in rows if not done]
    console.print(
        f"[bold green]Exercise {number} done on {' and '.join(checked)}."
        if ok
        else f"[bold red]Exercise {number} is not done yet"
        + (f" on {' and '.join(behind)}" if behind else "")
        + f".[/] Hints: {hints}"
    )
    return 0 if ok else 1
