"""The workshop's change cost, measured from its solution patches, and its last checks' results.

For each exercise, the files and lines each side had to change (docs/workshop/solutions/*.patch,
read with unidiff); lines the framework's CLI generated (migrations) are counted, and shown apart.
The results of `make solutions` and `make break-it` are read from build/ when they have run.
"""

from __future__ import annotations

from pathlib import Path

from toolkit.paths import BUILD, read_json
from workshop import manifest

SIDES = ("django", "flask", "tests")


def change_costs(path: Path = manifest.MANIFEST) -> list[dict]:
    """Return each exercise's change per side: files, lines added and removed."""
    costs = []
    for exercise in manifest.load(path)[0]:
        if not exercise.solution.is_file():
            continue
        cost = manifest.change_cost(exercise.solution)
        costs.append(
            {
                "exercise": exercise.number,
                "title": exercise.title,
                "sides": {
                    side: vars(cost[side]) if side in cost else None for side in (*SIDES, "other")
                },
            }
        )
    return costs


def totals(costs: list[dict]) -> dict[str, dict[str, int]]:
    """Sum the changes of every exercise, per side."""
    summed: dict[str, dict[str, int]] = {}
    for entry in costs:
        for side, change in entry["sides"].items():
            if change:
                into = summed.setdefault(side, dict.fromkeys(change, 0))
                for key, value in change.items():
                    into[key] += value
    return summed


def last_run(name: str) -> dict | None:
    """Return build/NAME's results (written by `python -m workshop`), or None if never run."""
    return read_json(BUILD / name)


def measure() -> dict:
    costs = change_costs()
    return {
        "costs": costs,
        "totals": totals(costs),
        "solutions": last_run("workshop-solutions.json"),
        "break_it": last_run("break-it.json"),
    }
