"""Reading stored password hashes, cookies and pytest's summary line."""

from compare import probe, spec
from toolkit import pytest_run


def test_hash_schemes_and_costs_are_read_from_the_stored_value():
    assert probe.parse_hash("pbkdf2_sha256$1000000$salt$hash") == {
        "scheme": "pbkdf2_sha256",
        "cost": "1,000,000 iterations",
    }
    assert probe.parse_hash("scrypt:32768:8:1$salt$hash") == {
        "scheme": "scrypt",
        "cost": "N=32768, r=8, p=1",
    }
    assert probe.parse_hash("pbkdf2:sha256:600000$salt$hash")["cost"] == "600,000 iterations"
    assert probe.parse_hash("plain")["scheme"] == "unknown"


def test_cookie_flags_are_read_from_set_cookie():
    cookie = probe.parse_cookie(
        "sessionid=abc; expires=x; HttpOnly; Max-Age=1; Path=/; SameSite=Lax"
    )
    assert cookie == {
        "name": "sessionid",
        "httponly": True,
        "secure": False,
        "samesite": "Lax",
        "path": "/",
        "persistent": True,
    }
    assert probe.parse_cookie("csrftoken=x; Path=/")["samesite"] == "not set"


JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="1" failures="1" skipped="2" tests="6" time="397.891">
<testcase classname="tests.test_a" name="test_one[django]" time="0.1" />
<testcase classname="tests.test_a" name="test_one[flask]" time="0.1" />
<testcase classname="tests.test_a" name="test_two" time="0.1"><failure message="no" /></testcase>
<testcase classname="tests.test_a" name="test_three" time="0.1"><error message="x" /></testcase>
<testcase classname="tests.test_b" name="test_four" time="0">
<skipped type="pytest.skip" message="no redis" /></testcase>
<testcase classname="tests.test_b" name="test_five" time="0">
<skipped type="pytest.xfail" message="known" /></testcase>
</testsuite></testsuites>"""


def test_a_pytest_report_is_read(tmp_path):
    report = tmp_path / "junit.xml"
    report.write_text(JUNIT)
    cases, seconds = pytest_run.read_junit(report)
    run = pytest_run.PytestRun(exit_code=1, seconds=400.0, cases=cases, reported_seconds=seconds)
    assert run.counts() == {"failed": 1, "passed": 2, "skipped": 1, "xfailed": 1, "error": 1}
    assert run.reported_seconds == 397.89
    assert run.summary() == "1 failed, 2 passed, 1 skipped, 1 xfailed, 1 error in 397.89s"
    assert [c.nodeid for c in cases if c.outcome == "failed"] == ["tests.test_a::test_two"]
    assert pytest_run.read_junit(tmp_path / "missing.xml") == ([], None)


def test_spec_rules_are_read_whole():
    rules = spec.spec_rules()
    assert rules[0]["id"] == "READ-1"
    assert all(rule["text"].endswith(".") for rule in rules)
    assert len({rule["id"] for rule in rules}) == len(rules)
