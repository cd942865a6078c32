"""`make break-it`: each drill applied to the committed apps, one app at a time, must be caught.

The drills are applied to the apps as committed (HEAD), whatever the working tree holds: a
learner's exercises change the very lines some drills change. The rest of the copy (the shared
tests, the spec, the drills) is the working tree's, so a test or a drill being written counts.
"""

from __future__ import annotations

import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rich.markup import escape
from rich.table import Table

from toolkit.paths import APP_FOLDERS, ROOT
from workshop import manifest
from workshop.manifest import Drill
from workshop.runs import Failure, Outcome, console, run_suite, write_json
from workshop.trees import apply_patch, apps_from, copy_tree, last_commit

SPEC = ROOT / "shared_spec" / "SPEC.md"


@dataclass
class Attempt:
    drill: Drill | None  # None: the unbroken app, which must pass
    app: str
    error: str | None = None
    outcome: Outcome | None = None

    @property
    def caught(self) -> bool:
        return self.error is None and self.outcome is not None and self.outcome.caught(self.app)

    @property
    def failures(self) -> list[Failure]:
        return self.outcome.failed_tests.get(self.app, []) if self.outcome else []


def prepare(drill: Drill | None, app: str, target: Path, source: Path = ROOT) -> str | None:
    """Copy source to target with its committed apps and the drill applied to one app.

    Return None, or why the drill cannot be tried. Without git history the apps are copied as
    they are.
    """
    copy_tree(source, target)
    head = last_commit(source=source)
    if head:
        error = apps_from(target, head, source)
        if error:
            return f"the committed apps cannot be read: {error}"
    if drill is None:
        return None
    if app not in manifest.sides(drill.patch):
        return f"the drill has no change for {app}"
    return apply_patch(target, drill.patch, APP_FOLDERS[app])


def suite_args(app: str, rules: tuple[str, ...] = ()) -> list[str]:
    """Return the arguments that run the shared suite on one app, servers left out."""
    chosen = ["--rules", ",".join(rules)] if rules else []
    return ["tests", f"--app={app}", "-m", "not background", *chosen]


def judge(tree: Path, drill: Drill | None, app: str, run=run_suite) -> Outcome:
    """Run the tests of the drill's rules on a tree; the whole suite if they miss it.

    A drill's own rules' tests take seconds and catch it as a rule; the whole suite (about a
    minute and a half an app) runs for the unbroken apps and for a drill its rules miss.
    """
    if drill is not None:
        outcome = run(tree, suite_args(app, tuple(drill.rules)))
        if outcome.caught(app):
            return outcome
    return run(tree, suite_args(app))


def attempt(drill: Drill | None, app: str, source: Path = ROOT) -> Attempt:
    """Run the shared suite on a throw-away copy with one drill applied to one app."""
    found = Attempt(drill, app)
    with tempfile.TemporaryDirectory(prefix="workshop-break-it-") as folder:
        tree = Path(folder) / "repo"
        found.error = prepare(drill, app, tree, source)
        if found.error is None:
            found.outcome = judge(tree, drill, app)
    return found


def rule_text(rule: str, spec: Path = SPEC) -> str:
    """Return a SPEC.md rule's text, on one line ("" when the spec has no such rule)."""
    lines = spec.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if line.startswith(f"- **{rule}** "):
            text = [line.removeprefix(f"- **{rule}** ")]
            for more in lines[number + 1 :]:
                if not more.startswith("  ") or more.lstrip().startswith("- "):
                    break
                text.append(more.strip())
            return " ".join(text)
    return ""


def first_failure(found: Attempt) -> Failure | None:
    """Return the failure to show: the first test of the drill's own rules, else the first."""
    failures = found.failures
    own = [failure for failure in failures if set(failure.rules) & set(found.drill.rules)]
    return (own or failures or [None])[0]


def caught_text(found: Attempt) -> str:
    """Return a drill's table cell: caught (by how many tests, which rules), or not."""
    if found.error:
        return f"[red]error: {escape(found.error.splitlines()[0])}"
    outcome = found.outcome
    if not found.caught:
        return (
            "[bold red]SURVIVED"
            if outcome.exit_code == 0
            else f"[red]crash (exit {outcome.exit_code})"
        )
    rules = outcome.failed_rules.get(found.app, [])
    # The rules the drill was written to break first, in bold: are their own tests the catchers?
    shown = [f"[bold]{rule}[/]" for rule in found.drill.rules if rule in rules]
    shown += [rule for rule in rules if rule not in found.drill.rules]
    tests = len(found.failures)
    return f"[green]caught[/] by {tests} test{'s' * (tests != 1)}: " + ", ".join(shown)


def caught_line(found: Attempt) -> str:
    """Return one line for a drill on one app: the test that caught it, its rules, what failed."""
    first = first_failure(found) if found.caught else None
    if first is None:
        return f"{found.app}: " + caught_text(found)
    others = len(found.failures) - 1
    rules = ", ".join(first.rules) or "no rule"
    return (
        f"{found.app}: [green]caught[/] by {escape(first.name)} ({rules})"
        + (f" and {others} more" if others else "")
        + (f"\n    a user would see: {escape(first.user_sees)}" if first.user_sees else "")
        + f"\n    [italic]{escape(first.message)}"
    )


def explain(drills: list[Drill], attempts: list[Attempt], apps: list[str]) -> None:
    """Print, per drill, the rules it breaks with their text and, per app, what caught it."""
    console.print("[bold]What caught each drill[/] (the first failing test of its rule):")
    for drill in drills:
        console.print(f"[bold]{drill.number}. {escape(drill.title)}[/]")
        for rule in drill.rules:
            console.print(f"  {rule}: {escape(rule_text(rule))}")
        for found in attempts:
            if found.drill is drill and found.app in apps:
                console.print("  " + caught_line(found))


def unbroken_report(controls: list[Attempt]) -> bool:
    """Print each unbroken app's run; return whether they all passed."""
    for found in controls:
        passed = found.outcome.counts(found.app).get("passed", 0) if found.outcome else 0
        ok = found.outcome is not None and found.outcome.exit_code == 0
        console.print(
            f"unbroken {found.app}: {passed} passed, {len(found.failures)} failed"
            + ("" if ok else f" [red](must pass) {escape(found.error or '')}")
        )
        for failure in [] if ok else found.failures[:10]:
            console.print(f"  {escape(failure.name)}: {escape(failure.message)}")
        if found.outcome and not ok and not found.failures:  # the run itself broke down
            console.print(escape(found.outcome.output[-3000:]))
    return all(found.outcome and found.outcome.exit_code == 0 for found in controls)


def drill_record(found: Attempt) -> dict:
    """Return what build/break-it.json keeps of a drill on one app."""
    first = first_failure(found) if found.caught else None
    failed_rules = found.outcome.failed_rules.get(found.app, []) if found.outcome else []
    return {
        "number": found.drill.number,
        "slug": found.drill.slug,
        "title": found.drill.title,
        "breaks": list(found.drill.rules),
        "app": found.app,
        "caught": found.caught,
        "error": found.error,
        "failed_tests": len(found.failures),
        "failed_rules": failed_rules,
        "caught_by_its_rule": bool(set(found.drill.rules) & set(failed_rules)),
        "first_failure": (
            {"test": first.name, "rules": first.rules, "message": first.message} if first else None
        ),
    }


def break_it(drill_numbers: list[int], apps: list[str], jobs: int) -> int:
    _, drills = manifest.load()
    if drill_numbers:
        drills = [drill for drill in drills if drill.number in drill_numbers]
    plan = [(None, app) for app in apps] + [(drill, app) for drill in drills for app in apps]
    console.print(
        f"{len(drills)} drills x {len(apps)} apps, plus each app unbroken: {len(plan)} runs of "
        f"the shared suite (servers left out; a drill's rules first), {jobs} at a time, on the "
        "apps as committed"
    )
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        attempts = list(pool.map(lambda task: attempt(*task), plan))
    controls = [found for found in attempts if found.drill is None]
    broken = [found for found in attempts if found.drill is not None]
    table = Table("#", "drill (breaks)", *apps, title="Break-it: does the shared suite catch it?")
    for drill in drills:
        cells = {found.app: caught_text(found) for found in broken if found.drill is drill}
        table.add_row(str(drill.number), f"{drill.title} ({', '.join(drill.rules)})",
                      *(cells[app] for app in apps))  # fmt: skip
    console.print(table)
    explain(drills, broken, apps)
    unbroken_ok = unbroken_report(controls)
    caught = sum(found.caught for found in broken)
    score = caught / len(broken) if broken else 0.0
    seconds = time.perf_counter() - started
    if unbroken_ok:
        console.print(
            f"[bold]Mutation score: {caught}/{len(broken)} = {score:.0%}[/] "
            f"({len(drills)} drills on {', '.join(apps)}; {seconds:.0f} s)"
        )
    else:  # a suite that fails anyway catches everything, and so proves nothing
        console.print("[bold red]No mutation score: the unbroken apps must pass first.")
    write_json(
        "break-it.json",
        {"apps": apps, "unbroken_passed": unbroken_ok, "score": score, "caught": caught,
         "total": len(broken), "seconds": round(seconds, 1),
         "drills": [drill_record(found) for found in broken]},
    )  # fmt: skip
    return 0 if unbroken_ok and caught == len(broken) else 1
