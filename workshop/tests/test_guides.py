"""What the guides tell a learner: commands in the right order, hints with the right shape."""

from __future__ import annotations

import os
import re
import subprocess

import pytest
from unidiff import PatchSet

from toolkit.paths import ROOT
from workshop import manifest
from workshop.manifest import GUIDE

EXERCISES, _ = manifest.load()


def code_blocks(page: str) -> list[str]:
    return re.findall(r"```(?:sh|text)?\n(.*?)```", page, flags=re.S)


def test_the_flask_migration_is_generated_on_an_up_to_date_database():
    page = (GUIDE / "02-add-a-field.md").read_text(encoding="utf-8")
    block = next(block for block in code_blocks(page) if "db migrate" in block)
    commands = [line.split("#")[0] for line in block.splitlines() if " db " in line]
    steps = [command.split(" db ")[1].split()[0] for command in commands]
    assert steps == ["upgrade", "migrate", "upgrade"], commands
    assert "Target database is not up to date." in page
    assert "uq_users_username_lower" in page
    assert "harmless" in page


def test_the_pagination_hint_gives_the_shape_of_the_call():
    page = (GUIDE / "03-add-a-page.md").read_text(encoding="utf-8")
    shape = re.search(r"`(url_for\(request\.endpoint, [^`]*\))`", page)
    assert shape, "no url_for(request.endpoint, ...) call in the guide"
    assert shape.group(1).endswith("**request.view_args)"), shape.group(1)
    assert "page=" in shape.group(1)


def test_the_author_page_hints_match_usernames_as_sign_in_does():
    page = (GUIDE / "03-add-a-page.md").read_text(encoding="utf-8")
    assert "with_username()" in page
    assert "func.lower(username)" in page
    assert "the lowered username" not in page  # the wording that led to username.lower()


def test_the_author_page_solution_matches_usernames_as_sign_in_does():
    added = "".join(
        str(line)
        for patched in PatchSet(EXERCISES[2].solution.read_text(encoding="utf-8"))
        for hunk in patched
        for line in hunk
        if line.is_added
    )
    assert ".with_username(username)" in added
    assert "func.lower(User.username) == func.lower(username)" in added
    assert "username__iexact" not in added
    assert "username.lower()" not in added


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.slug)
def test_each_guide_shows_how_to_measure_your_change(exercise):
    page = exercise.page.read_text(encoding="utf-8")
    assert "## Measure your change" in page
    assert "git diff --stat" in page
    assert f"git apply --stat docs/workshop/solutions/{exercise.solution.name}" in page
    assert "make compare" in page


def minutes(time: str) -> int:
    hours, _, mins = time.partition(":")
    return int(hours) * 60 + int(mins)


def schedules() -> dict[str, tuple[str, list[tuple[int, int | None, str]]]]:
    """Return each plan of the guide: its stated length, and its rows (start, length, what)."""
    page = (GUIDE / "README.md").read_text(encoding="utf-8")
    plans = {}
    for name, stated, work, table in re.findall(
        r"\*\*(Half day|Full day): ([^*]+)\*\* \(([^)]*) of work[^\n]*\n\n((?:\|.*\n)+)", page
    ):
        rows = []
        for start, length, what in re.findall(r"^\| (\d+:\d\d) \| (?:(\d+) min)? *\| (.*) \|$",
                                              table, flags=re.M):  # fmt: skip
            rows.append((minutes(start), int(length) if length else None, what))
        plans[name] = (stated, work, rows)
    return plans


def duration(text: str) -> int:
    hours, mins = re.fullmatch(r"(\d+) h(?: (\d+) min)?", text).groups()
    return int(hours) * 60 + int(mins or 0)


def test_the_schedules_add_up_to_their_stated_length():
    plans = schedules()
    assert set(plans) == {"Half day", "Full day"}
    for name, (stated, work, rows) in plans.items():
        *items, end = rows
        assert end[2] == "End", name
        assert end[1] is None, name
        clock = 0
        for start, length, what in items:
            assert start == clock, f"{name}: {what!r} starts at {start} min, not {clock}"
            clock += length
        assert end[0] == clock, name
        assert duration(stated) == clock, f"{name}: {stated} != {clock} min"
        working = sum(length for _, length, what in items if what not in ("Break", "Lunch"))
        assert duration(work) == working, f"{name}: {work} of work != {working} min"


def test_the_schedules_give_each_exercise_its_time():
    page = (GUIDE / "README.md").read_text(encoding="utf-8")
    times = {int(n): int(m) for n, m in re.findall(r"^\| (\d) \| \[.*\| (\d+) min \|$", page, re.M)}
    assert sorted(times) == [exercise.number for exercise in EXERCISES]
    for name, (*_, rows) in schedules().items():
        for _, length, what in rows:
            found = re.match(r"Exercise (\d)", what)
            if found:
                assert length == times[int(found.group(1))], f"{name}: {what}"


@pytest.mark.parametrize(("target", "default"), [("run-django", "8000"), ("run-flask", "5000")])
def test_the_apps_run_on_another_port_when_asked(target, default):
    # Run from another make (make test-unit), make would print "Entering directory" lines.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}

    def dry_run(*args: str) -> str:
        command = ["make", "--no-print-directory", "-n", target, *args]
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()[-1]

    assert dry_run().endswith(default)
    assert dry_run("PORT=5123").endswith("5123")


def test_break_it_says_the_drills_run_on_the_committed_apps():
    page = (GUIDE / "break-it.md").read_text(encoding="utf-8")
    assert "The drills run on the committed apps." in page
