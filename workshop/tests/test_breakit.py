"""`make break-it`: the drills run on the committed apps, and say what caught them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from toolkit.paths import APPS, ROOT
from toolkit.pytest_run import Case
from workshop import breakit, manifest, trees
from workshop.runs import Failure, Outcome

EXERCISES, DRILLS = manifest.load()


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=folder, check=True, capture_output=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def learners_checkout(tmp_path_factory) -> Path:
    """This repository (its apps as committed), then solutions 2 and 3 applied, not committed."""
    checkout = trees.copy_tree(ROOT, tmp_path_factory.mktemp("learner") / "repo")
    assert trees.apps_from(checkout, "HEAD") is None
    git(checkout, "init", "-q")
    git(checkout, "add", ".")
    git(checkout, "commit", "-q", "-m", "the workshop as handed out")
    for number in (2, 3):
        assert trees.apply_patch(checkout, EXERCISES[number - 1].solution) is None
    return checkout


def test_some_drills_no_longer_apply_to_a_learners_working_tree(learners_checkout, tmp_path):
    """Why the drills must not run on the working tree: exercises change the same lines."""
    copy = trees.copy_tree(learners_checkout, tmp_path / "copy")
    failing = {drill.slug for drill in DRILLS if trees.apply_patch(copy, drill.patch)}
    assert {"unescaped-text", "sql-from-input"} <= failing


@pytest.mark.parametrize("app", APPS)
@pytest.mark.parametrize("drill", DRILLS, ids=lambda d: d.slug)
def test_every_drill_applies_to_the_committed_apps_after_the_exercises(
    learners_checkout, tmp_path, drill, app
):
    assert breakit.prepare(drill, app, tmp_path / "copy", learners_checkout) is None


def test_the_unbroken_apps_are_the_committed_ones(learners_checkout, tmp_path):
    copy = tmp_path / "copy"
    assert breakit.prepare(None, "django", copy, learners_checkout) is None
    views = "django_app/posts/views.py"
    assert "author_posts" in (learners_checkout / views).read_text()  # the learner's change
    committed = subprocess.run(
        ["git", "show", f"HEAD:{views}"],
        cwd=learners_checkout, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert (copy / views).read_text() == committed
    assert not list((copy / "django_app" / "posts" / "migrations").glob("0003_post_summary*"))


def test_rule_text_reads_a_rule_of_the_spec_on_one_line():
    text = breakit.rule_text("SEC-7")
    assert text.startswith("User text (titles, bodies, usernames, search terms) is HTML-escaped")
    assert text.endswith("shown.")
    assert "\n" not in text
    assert breakit.rule_text("NOPE-1") == ""


def drill_on(app: str, *failures: Failure) -> breakit.Attempt:
    drill = next(drill for drill in DRILLS if drill.slug == "unescaped-text")
    cases = [Case("tests.t", f"test_{n}[{app}]", "passed") for n in range(9)]
    cases += [Case("tests.t", f"test_f{n}[{app}]", "failed") for n in range(len(failures))]
    outcome = Outcome(
        exit_code=1, seconds=1.0, cases=cases,
        failed_tests={app: list(failures)}, failed_rules={app: ["READ-4", "SEC-7"]},
    )  # fmt: skip
    return breakit.Attempt(drill, app, outcome=outcome)


def test_a_caught_drill_names_its_first_test_its_rule_and_what_went_wrong(capsys):
    found = drill_on(
        "flask",
        Failure("tests.test_read::test_search[flask]", "search broke", ["READ-4"]),
        Failure(
            "tests.test_security::test_escaped[flask-title]",
            "<b>bold</b> in a title is shown as HTML on the home page",
            ["SEC-7"],
            nodeid="tests/test_security.py::test_escaped[flask-title]",
            user_sees="Titles show as typed, never as HTML.",
        ),
    )
    assert breakit.first_failure(found).rules == ["SEC-7"]  # the drill's own rule first
    breakit.explain([found.drill], [found], ["flask"])
    shown = capsys.readouterr().out
    assert "SEC-7: User text (titles, bodies, usernames, search terms) is HTML-escaped" in shown
    assert "tests/test_security.py::test_escaped[flask-title] (SEC-7) and 1 more" in shown
    assert "<b>bold</b> in a title is shown as HTML on the home page" in shown
    assert "a user would see: Titles show as typed, never as HTML." in shown
    assert "Traceback" not in shown
    record = breakit.drill_record(found)
    assert record["first_failure"] == {
        "test": "tests/test_security.py::test_escaped[flask-title]",
        "rules": ["SEC-7"],
        "message": "<b>bold</b> in a title is shown as HTML on the home page",
    }
    assert record["caught_by_its_rule"]


def test_a_survivor_says_so(capsys):
    found = drill_on("django")
    found.outcome.exit_code = 0
    breakit.explain([found.drill], [found], ["django"])
    assert "django: SURVIVED" in capsys.readouterr().out


def fake_suite(caught_by_rules: bool):
    """Return a stand-in for run_suite that records its arguments; its rules' run may catch."""
    calls = []

    def run(tree, args):
        calls.append(args)
        failing = caught_by_rules and "--rules" in args
        cases = [Case("tests.t", "test_x[flask]", "failed" if failing else "passed")]
        return Outcome(exit_code=int(failing), seconds=1.0, cases=cases)

    return run, calls


def test_a_drill_caught_by_its_rules_skips_the_whole_suite(tmp_path):
    """A drill its own rules' tests catch costs one short run, not the whole suite."""
    drill = next(drill for drill in DRILLS if drill.slug == "unescaped-text")
    run, calls = fake_suite(caught_by_rules=True)
    assert breakit.judge(tmp_path, drill, "flask", run).caught("flask")
    assert calls == [["tests", "--app=flask", "-m", "not background", "--rules", "SEC-7"]]


def test_a_drill_its_rules_miss_and_the_unbroken_apps_get_the_whole_suite(tmp_path):
    """Whatever the drill's rules do not catch, the whole suite still gets its chance."""
    drill = next(drill for drill in DRILLS if drill.slug == "unescaped-text")
    run, calls = fake_suite(caught_by_rules=False)
    assert not breakit.judge(tmp_path, drill, "django", run).caught("django")
    assert calls[-1] == ["tests", "--app=django", "-m", "not background"]
    assert len(calls) == 2
    run, calls = fake_suite(caught_by_rules=False)
    breakit.judge(tmp_path, None, "django", run)
    assert calls == [["tests", "--app=django", "-m", "not background"]]
