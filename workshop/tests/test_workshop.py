"""The workshop's tooling and material: the manifest, the patches, the guide, the marker."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from unidiff import PatchSet

from workshop import cli, manifest
from workshop.manifest import APPS, GUIDE, ROOT

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
    assert {cli.app_of(nodeid) for nodeid in third} == set(APPS)


# -- the tooling -------------------------------------------------------------------------------


def test_app_of_reads_the_app_among_the_parameters():
    assert cli.app_of("test_x[django]") == "django"
    assert cli.app_of("test_x[flask-R2-d2]") == "flask"
    assert cli.app_of("test_x[HELLO WORLD-django]") == "django"
    assert cli.app_of("test_x") == "-"


def test_read_junit_counts_each_apps_outcomes(tmp_path):
    junit = tmp_path / "junit.xml"
    junit.write_text(
        textwrap.dedent(
            """\
            <testsuites><testsuite>
              <testcase classname="tests.t" name="test_a[django]"/>
              <testcase classname="tests.t" name="test_a[flask]"><failure message="x"/></testcase>
              <testcase classname="tests.t" name="test_b[flask]"><error message="y"/></testcase>
              <testcase classname="tests.t" name="test_c[flask]"><skipped/></testcase>
            </testsuite></testsuites>
            """
        )
    )
    counts, failed = cli.read_junit(junit)
    assert counts["django"] == {"passed": 1}
    assert counts["flask"] == {"failed": 2, "skipped": 1}
    assert failed["flask"] == ["tests.t::test_a[flask]", "tests.t::test_b[flask]"]


PATCH = """\
diff --git a/django_app/a.py b/django_app/a.py
--- a/django_app/a.py
+++ b/django_app/a.py
@@ -1,2 +1,3 @@
 one
-two
+2
+three
diff --git a/django_app/posts/migrations/0002_x.py b/django_app/posts/migrations/0002_x.py
new file mode 100644
--- /dev/null
+++ b/django_app/posts/migrations/0002_x.py
@@ -0,0 +1,2 @@
+from django.db import migrations
+operations = []
diff --git a/flask_app/a.py b/flask_app/a.py
--- a/flask_app/a.py
+++ b/flask_app/a.py
@@ -1,2 +1,2 @@
 one
-two
+2
"""


def test_change_cost_counts_files_and_lines_per_side(tmp_path):
    patch = tmp_path / "change.patch"
    patch.write_text(PATCH)
    cost = manifest.change_cost(patch)
    assert cost["django"] == manifest.Change(files=2, added=4, removed=1, in_migrations=2)
    assert cost["flask"] == manifest.Change(files=1, added=1, removed=1, in_migrations=0)


def make_checkout(folder: Path) -> Path:
    for app in ("django_app", "flask_app"):
        (folder / app).mkdir(parents=True)
        (folder / app / "a.py").write_text("one\ntwo\n")
    (folder / ".gitignore").write_text(".venv/\n")
    (folder / ".venv").mkdir()
    (folder / ".venv" / "big").write_text("not copied")
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    subprocess.run(["git", "add", "."], cwd=folder, check=True)
    (folder / "new.py").write_text("untracked, not ignored: copied\n")
    return folder


def test_a_copy_has_the_checkouts_files_but_not_its_ignored_ones(tmp_path):
    checkout = make_checkout(tmp_path / "checkout")
    copy = cli.copy_tree(checkout, tmp_path / "copy")
    assert (copy / "django_app" / "a.py").read_text() == "one\ntwo\n"
    assert (copy / "new.py").is_file()
    assert not (copy / ".venv").exists()


def test_a_patch_applies_to_one_app_of_a_copy(tmp_path):
    checkout = make_checkout(tmp_path / "checkout")
    patch = tmp_path / "change.patch"
    patch.write_text(PATCH)
    copy = cli.copy_tree(checkout, tmp_path / "copy")
    assert cli.apply_patch(copy, patch, "flask_app") is None
    assert (copy / "flask_app" / "a.py").read_text() == "one\n2\n"
    assert (copy / "django_app" / "a.py").read_text() == "one\ntwo\n"
    assert not (copy / "django_app" / "posts").exists()


def test_a_patch_that_does_not_apply_is_reported(tmp_path):
    checkout = make_checkout(tmp_path / "checkout")
    (checkout / "flask_app" / "a.py").write_text("something else\n")
    patch = tmp_path / "change.patch"
    patch.write_text(PATCH)
    error = cli.apply_patch(checkout, patch, "flask_app")
    assert error is not None
    assert "flask_app/a.py" in error
