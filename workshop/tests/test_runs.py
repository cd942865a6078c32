"""Reading a run: JUnit XML per test case, the per-rule report, each app's verdict."""

from __future__ import annotations

import json
import textwrap

from toolkit import pytest_run
from workshop import checkpoints, runs

JUNIT = """\
<testsuites><testsuite>
  <testcase classname="tests.t" name="test_a[django]"/>
  <testcase classname="tests.t" name="test_a[flask]">
    <failure message="AssertionError: the post was saved&#10;assert 302 == 200">POST-3 A rule.
A user would see: The form again, with an error on the title.
Traceback (most recent call last): long text</failure>
  </testcase>
  <testcase classname="tests.t" name="test_b[flask]"><error message="y"/></testcase>
  <testcase classname="tests.t" name="test_c[flask]"><skipped/></testcase>
</testsuite></testsuites>
"""


def read(tmp_path, text: str = JUNIT, exit_code: int = 1) -> pytest_run.PytestRun:
    junit = tmp_path / "junit.xml"
    junit.write_text(text)
    cases, _ = pytest_run.read_junit(junit)
    return pytest_run.PytestRun(exit_code=exit_code, seconds=1.0, cases=cases)


def test_app_of_reads_the_app_among_the_parameters():
    assert pytest_run.app_of("test_x[django]") == "django"
    assert pytest_run.app_of("test_x[flask-R2-d2]") == "flask"
    assert pytest_run.app_of("test_x[HELLO WORLD-django]") == "django"
    assert pytest_run.app_of("test_x") == "-"


def test_read_junit_counts_each_apps_outcomes(tmp_path):
    run = read(tmp_path)
    assert run.counts("django") == {"passed": 1}
    assert run.counts("flask") == {"failed": 1, "skipped": 1, "error": 1}
    assert [case.nodeid for case in run.failures("flask")] == [
        "tests.t::test_a[flask]",
        "tests.t::test_b[flask]",
    ]


def test_read_junit_keeps_the_first_line_of_each_failure_not_the_traceback(tmp_path):
    failed = [runs.failure(case) for case in read(tmp_path).failures("flask")]
    assert [failure.message for failure in failed] == ["the post was saved", "y"]


def test_read_junit_keeps_what_the_test_says_a_user_would_see(tmp_path):
    failed = [runs.failure(case) for case in read(tmp_path).failures("flask")]
    assert [failure.user_sees for failure in failed] == [
        "The form again, with an error on the title.",
        "",
    ]


def test_first_line_is_one_trimmed_line():
    assert runs.first_line("assert [1, 2] == [1, 3]\n  \n  At index 1 diff") == (
        "assert [1, 2] == [1, 3]"
    )
    assert runs.first_line("\n  AssertionError: the title is shown as HTML  \nassert x") == (
        "the title is shown as HTML"
    )
    assert runs.first_line("") == "(no message)"
    long = runs.first_line("x" * 500)
    assert len(long) == runs.MESSAGE_WIDTH
    assert long.endswith("…")


def test_junit_names_match_pytest_node_ids():
    assert runs.junit_name("tests/test_read.py::test_x[django-a/b::c]") == (
        "tests.test_read::test_x[django-a/b::c]"
    )
    assert runs.junit_name("tests/t.py::TestThing::test_y") == "tests.t.TestThing::test_y"


def test_each_failing_test_gets_its_rules_from_the_per_rule_report(tmp_path):
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "spec-results.json").write_text(
        json.dumps(
            {
                "results": [
                    {"rule": "SEC-7", "app": "flask", "outcome": "failed",
                     "tests": [{"nodeid": "tests/t.py::test_a[flask]", "outcome": "failed"}]},
                    {"rule": "READ-1", "app": "flask", "outcome": "passed",
                     "tests": [{"nodeid": "tests/t.py::test_a[flask]", "outcome": "failed"}]},
                ]
            }
        )
    )  # fmt: skip
    failed, tests = runs.read_rule_results(tmp_path)
    assert failed == {"flask": ["SEC-7"]}
    assert tests["tests.t::test_a[flask]"] == ("tests/t.py::test_a[flask]", ["SEC-7", "READ-1"])
    assert runs.read_rule_results(tmp_path, since=9e9) == ({}, {})  # an earlier run's report


def test_each_app_is_judged_on_its_own_tests(tmp_path):
    """A run that fails on Flask only (exit code 1) leaves Django passing."""
    junit = textwrap.dedent(
        """\
        <testsuites><testsuite>
          <testcase classname="tests.workshop.t" name="test_a[django]"/>
          <testcase classname="tests.workshop.t" name="test_b[django]"/>
          <testcase classname="tests.workshop.t" name="test_a[flask]"/>
          <testcase classname="tests.workshop.t" name="test_b[flask]">
            <failure message="no"/></testcase>
        </testsuite></testsuites>
        """
    )
    outcome = read(tmp_path, junit)
    assert checkpoints.checkpoint_rows(outcome, ["django", "flask"]) == [
        ("django", 2, 0, True),
        ("flask", 1, 1, False),
    ]


def test_a_run_that_did_not_finish_passes_no_app(tmp_path):
    passed = '<testcase classname="tests.t" name="test_a[django]"/>'
    assert read(tmp_path, f"<testsuite>{passed}</testsuite>", exit_code=0).passed("django")
    assert not read(tmp_path, f"<testsuite>{passed}</testsuite>", exit_code=2).passed("django")
    assert not read(tmp_path, "<testsuite/>", exit_code=0).passed("django")  # no test ran
