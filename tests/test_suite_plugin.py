"""The suite's own machinery, run on small test files of its own (pytester, one pytest each).

What a learner sees of a run: a failure explained by its rules, failures of one cause told once,
`--rules`, the notes on what was left out, and an app added with `--adapter`.
"""

from __future__ import annotations

import os

import pytest

from tests.harness import spec_rules, spec_texts
from toolkit.paths import ROOT

# What would change the mode of the inner runs.
RUN_SETTINGS = ("BASE_URL", "APP", "APPS", "LIVE", "CI", "DATABASE_URL", "PYTEST_ADDOPTS")

RULED = '''
import pytest

@pytest.mark.rule("READ-1")
def test_read():
    """A visitor reads."""

@pytest.mark.rule("AUTH-1")
def test_auth_1():
    """A visitor signs up."""

@pytest.mark.rule("AUTH-10")
def test_auth_10():
    """A visitor signs up with extra fields."""

@pytest.mark.rule("SEC-1")
def test_sec():
    """A forger is refused."""
'''


@pytest.fixture
def suite(pytester, monkeypatch):
    """Return a function running pytest, with this suite's conftest, on pytester's folder."""
    for name in RUN_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), str(pytester.path)]))
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # no Hypothesis: 2 s a run saved
    # pytester's folder is its own root, even when --basetemp puts it inside this checkout
    # (the workshop's runs do): else the checkout's config would be found and node ids differ.
    pytester.makeini("[pytest]\n")

    def run(*args: str) -> pytest.RunResult:
        return pytester.runpytest_subprocess(
            "-p", "tests.conftest", "-p", "no:cacheprovider", *args
        )

    return run


def test_a_failure_opens_with_its_rules_and_what_a_user_sees(pytester, suite):
    """A failing test's report starts with its rules' texts and its docstring, then the trace."""
    pytester.makepyfile(
        test_weak='''
        import pytest

        @pytest.mark.rule("AUTH-4", "SEC-10")
        def test_weak_password():
            """A visitor signing up with 1234 sees the form again."""
            assert 1 == 2, "the form was not shown again"
        '''
    )
    output = suite().stdout.str()
    order = [
        "_ test_weak_password _",
        f"AUTH-4    {spec_texts()['AUTH-4'][:40]}",
        f"SEC-10    {spec_texts()['SEC-10'][:40]}",
        "A user would see: A visitor signing up with 1234 sees the form again.",
        "def test_weak_password():",
        "AssertionError: the form was not shown again",
    ]
    places = [output.find(text) for text in order]
    assert -1 not in places, list(zip(order, places, strict=True))
    assert places == sorted(places), list(zip(order, places, strict=True))


def test_failures_of_one_cause_are_told_once(pytester, suite):
    """Tests failing at one step are named once at the top; only the first keeps its trace."""
    pytester.makepyfile(
        test_one_cause="""
        import pytest

        def sign_up(name):
            assert False, "GET /accounts/register/ answered 404, not a page with a form"

        @pytest.fixture
        def alice():
            sign_up("alice0123456789")

        @pytest.mark.parametrize("n", range(3))
        def test_needs_a_user(alice, n):
            pass

        def test_other():
            assert 1 == 2, "another cause"
        """
    )
    result = suite()
    result.assert_outcomes(failed=1, errors=3)
    output = result.stdout.str()
    top = "3 tests failed at the same step: GET /accounts/register/ answered 404, not a page"
    assert top in output
    assert output.index(top) < output.index("= ERRORS =")
    assert output.count("The same failure as test_one_cause.py::test_needs_a_user[0]") == 2
    assert output.count("def sign_up(name):") == 1
    assert "tests failed at the same step: another cause" not in output


def test_rules_option_runs_one_group_and_counts_only_it(pytester, suite):
    """`--rules READ` runs the READ tests only; `AUTH-1` is that rule, not AUTH-10 too."""
    pytester.makepyfile(test_ruled=RULED)
    result = suite("--rules", "READ")
    result.assert_outcomes(passed=1, deselected=3)
    output = result.stdout.str()
    assert "READ-1    pass 1" in output
    assert "SEC-1 " not in output
    assert "security rules passed" not in output
    assert "django: 1 rules passed, 0 failed, 7 not run" in output

    result = suite("--rules", "AUTH-1,SEC")
    result.assert_outcomes(passed=2, deselected=2)
    output = result.stdout.str()
    assert "AUTH-1    pass 1" in output
    assert "AUTH-10 " not in output
    not_run = len([rule for rule in spec_rules() if rule.startswith("SEC-")]) - 1
    shown = f"django 1/1 ({not_run} not run), flask 1/1 ({not_run} not run)"
    assert f"security rules passed: {shown}" in output

    result = suite("--rules", "NOPE")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--rules 'NOPE': no rule or area of SPEC.md*"])


def test_summary_counts_only_the_rules_that_ran(pytester, suite):
    """A run of READ tests alone reports no security count (it ran no security rule)."""
    pytester.makepyfile(test_ruled=RULED)
    result = suite("-k", "test_read")
    result.assert_outcomes(passed=1, deselected=3)
    assert "security rules passed" not in result.stdout.str()


def test_exercise_note_only_when_it_is_true(pytester, suite):
    """The note on checkpoints left out appears only when no exercise runs, counting them."""
    pytester.makepyfile(
        test_exercises="""
        import pytest

        @pytest.mark.exercise(1)
        def test_one():
            pass

        @pytest.mark.exercise(2)
        def test_two():
            pass

        def test_plain():
            pass
        """
    )
    note = "needing a started workshop exercise"
    result = suite("--exercise", "1")
    result.assert_outcomes(passed=2, deselected=1)
    assert note not in result.stdout.str()

    result = suite()
    result.assert_outcomes(passed=1, deselected=2)
    assert f"2 test(s) deselected, {note}" in result.stdout.str()

    result = suite("-k", "plain")  # -k left both checkpoints out already
    result.assert_outcomes(passed=1, deselected=2)
    assert note not in result.stdout.str()


def test_a_site_at_base_url_gets_a_note_for_each_need_it_lacks(pytester, suite, monkeypatch):
    """Reaching a site at BASE_URL, the tests needing its log or mail are left out with a note."""
    pytester.makepyfile(
        test_needs="""
        import pytest

        @pytest.mark.requires("log")
        def test_log():
            pass

        def test_mail(mailbox):
            pass

        def test_plain():
            pass
        """
    )
    monkeypatch.setenv("BASE_URL", "http://127.0.0.1:9")  # nothing listens: no request is made
    result = suite()
    result.assert_outcomes(passed=1, deselected=2)
    result.stdout.fnmatch_lines(
        [
            "note: 1 test(s) deselected, needing log (a site at BASE_URL keeps its log to itself)",
            "note: 1 test(s) deselected, needing mail (a site at BASE_URL sends its mail *)",
        ]
    )


TINY_ADAPTER = """
from tests.adapters.base import Adapter


def hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello from tiny"]


class TinyAdapter(Adapter):
    name = "tiny"

    def build_wsgi(self, database_url, staff):
        return hello
"""


def test_an_adapter_added_from_outside_drives_its_app(pytester, suite, monkeypatch):
    """`--adapter MODULE:CLASS` adds an app: built by that adapter, or the site at BASE_URL's."""
    pytester.makepyfile(
        tiny_adapter=TINY_ADAPTER,
        test_tiny="""
        import os

        def test_home(app):
            assert app.adapter.name == "tiny"
            if os.environ.get("BASE_URL"):
                assert app.base_url == os.environ["BASE_URL"]
            else:
                assert app.browser().get("/").text == "hello from tiny"
        """,
    )
    result = suite("--adapter", "tiny_adapter:TinyAdapter", "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["posts suite: tiny via in-process WSGI*", "*test_home[[]tiny[]] PASSED*"]
    )

    result = suite("--adapter", "tiny_adapter:TinyAdapter", "--app", "flask", "--co", "-q")
    result.stdout.fnmatch_lines(["*test_home[[]flask[]]"])

    monkeypatch.setenv("BASE_URL", "http://127.0.0.1:9")  # nothing listens: no request is made
    result = suite("--adapter", "tiny_adapter:TinyAdapter", "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*test_home[[]tiny[]] PASSED*"])

    result = suite("--adapter", "tiny_adapter:Missing")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
