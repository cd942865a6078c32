"""The workshop's tooling and material: the manifest, the patches, the guide, the marker."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from unidiff import PatchSet

from toolkit import pytest_run
from toolkit.paths import APPS, ROOT
from workshop import manifest
from workshop.manifest import GUIDE

EXERCISES, DRILLS = manifest.load()
CHECKPOINTS = ROOT / "tests" / "workshop"


def checkpoint_files(number: int) -> list[Path]:
    return sorted(CHECKPOINTS.glob(f"test_ex{number:02d}_*.py"))


def added_files(patch: Path) -> list[str]:
    return [patched.path for patched in PatchSet(patch.read_text()) if patched.is_added_file]


# -- the material ------------------------------------------------------------------------------


def test_the_guide_has_8_to_10_exercises_numbered_in_order():
    assert 8 <= len(EXERCISES) <= 10
    assert [exercise.number for exercise in EXERCISES] == list(range(1, len(EXERCISES) + 1))


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.slug)
def test_each_exercise_has_its_page_solution_and_checkpoint(exercise):
    assert exercise.page.is_file(), exercise.page
    assert exercise.solution.is_file(), exercise.solution
    page = exercise.page.read_text(encoding="utf-8")
    assert page.splitlines()[0] == f"# Exercise {exercise.number} — {exercise.title}"
    assert f"make check STEP={exercise.number}" in page
    assert exercise.solution.name in page
    if exercise.mutant:  # the learner writes the checkpoint: the solution holds one
        assert not checkpoint_files(exercise.number)
        assert exercise.mutant.is_file()
        added = added_files(exercise.solution)
        assert any(re.match(rf"tests/workshop/test_ex{exercise.number:02d}_", p) for p in added)
    else:
        files = checkpoint_files(exercise.number)
        assert files, f"no tests/workshop/test_ex{exercise.number:02d}_*.py"
        for path in files:
            assert f"pytest.mark.exercise({exercise.number})" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.slug)
def test_solutions_change_both_apps_or_only_the_suite(exercise):
    sides = manifest.sides(exercise.solution)
    assert sides in ({"django", "flask"}, {"tests"}), sides


@pytest.mark.parametrize("drill", DRILLS, ids=lambda d: d.slug)
def test_each_drill_breaks_both_apps_and_names_a_rule(drill):
    assert manifest.sides(drill.patch) == set(APPS)
    spec = (ROOT / "shared_spec" / "SPEC.md").read_text(encoding="utf-8")
    for rule in drill.rules:
        assert f"**{rule}**" in spec, rule


def test_there_are_at_least_six_drills_with_the_mistakes_the_workshop_promises():
    slugs = {drill.slug for drill in DRILLS}
    assert len(DRILLS) >= 6
    for needed in (
        "csrf-off",
        "no-owner-check",
        "unescaped-text",
        "any-next",
        "admin-for-members",
        "session-survives-logout",
    ):
        assert needed in slugs


def test_the_guide_links_every_page():
    front = (GUIDE / "README.md").read_text(encoding="utf-8")
    for exercise in EXERCISES:
        assert f"({exercise.page.name})" in front, exercise.page.name
    for page in ("break-it.md", "byo.md"):
        assert f"({page})" in front
        assert (GUIDE / page).is_file()


# -- the marker --------------------------------------------------------------------------------


def collected(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "tests/workshop", *args],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return [line for line in done.stdout.splitlines() if line.startswith("tests/")]


def test_checkpoints_are_left_out_until_their_exercise_is_started():
    assert collected() == []
    third = collected("--exercise=3")
    assert third
    assert all("test_ex03_" in nodeid for nodeid in third)
    assert {pytest_run.app_of(nodeid) for nodeid in third} == set(APPS)
