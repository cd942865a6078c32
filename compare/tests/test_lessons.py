"""A concept's lesson (CONCEPTS.toml `lesson = "..."`) is shown under it in every rendering."""

import json
import re

import pytest
from rich.console import Console

from compare import concepts, render, report
from compare.loc import KINDS
from compare.tests.test_report import whole

MAP = """
[[concept]]
name = "Sign-in throttling"
kind = "auth"
lesson = "Axes is a setting; Flask-Limiter is a decorator."
one = ["views.py:throttle"]
two = []

[[concept]]
name = "Hardening"
kind = "hardening"
lesson = "Only hostile input needed this."
one = ["hardening.py"]
two = ["hardening.py"]

[[concept]]
name = "Debug pages"
kind = "errors"
lesson = "Django shows its technical 404 page."
one = []
two = []

[[concept]]
name = "Sign out"
kind = "auth"
one = ["views.py:sign_out"]
two = ["views.py:sign_out"]
"""
VIEWS = "def throttle():\n    return 1\n\n\ndef sign_out():\n    return 2\n"
HARDENING = "def refuse(value):\n    if value is None:\n        return 400\n"


@pytest.fixture
def measured(tmp_path, monkeypatch):
    """Resolve a small concept map on two app trees; return (measurements, app folders)."""
    dirs = {}
    for app in ("one", "two"):
        folder = tmp_path / app
        folder.mkdir()
        (folder / "views.py").write_text(VIEWS)
        (folder / "hardening.py").write_text(HARDENING)
        dirs[app] = folder
    (tmp_path / "CONCEPTS.toml").write_text(MAP)
    resolved = concepts.resolve_all(concepts.load(tmp_path / "CONCEPTS.toml"), dirs)
    # The renderers name the sides django and flask.
    dirs = {"django": dirs["one"], "flask": dirs["two"]}
    for concept in resolved:
        concept["sides"] = {"django": concept["sides"]["one"], "flask": concept["sides"]["two"]}
    monkeypatch.setattr(render, "APP_DIRS", dirs)
    monkeypatch.setattr(report, "APP_DIRS", dirs)
    m = {
        "concepts": concepts.per_concept(resolved, dirs),
        "concept_kinds": concepts.per_kind(resolved, dirs),
    }
    return m


def test_the_json_carries_each_lesson(measured):
    lessons = {c["name"]: c["lesson"] for c in json.loads(json.dumps(measured))["concepts"]}
    assert lessons["Sign-in throttling"] == "Axes is a setting; Flask-Limiter is a decorator."
    assert lessons["Sign out"] is None


def test_every_rendering_lists_each_lesson_beside_its_concept(measured):
    """The lessons' table: a concept with a lesson, then its lesson; no row for one without."""
    text = render.markdown(whole([report.concepts_section(measured)]))
    assert "| Sign-in throttling | Axes is a setting; Flask-Limiter is a decorator. |" in text
    assert "| Hardening | Only hostile input needed this. |" in text
    assert "| Sign out |" not in text
    console = Console(width=100, record=True)
    render.terminal(whole([report.concepts_section(measured)]), console, full=True)
    lines = console.export_text().splitlines()
    row = next(line for line in lines if line.lstrip().startswith("Debug pages  "))
    assert row.split()[-4:] == ["Django", "shows", "its", "technical"] or "Django shows" in row
    page = render.html(whole([report.concepts_section(measured)]))
    assert "<td>Axes is a setting; Flask-Limiter is a decorator.</td>" in page


def test_a_concept_neither_app_writes_says_so(measured):
    table = report.concepts_section(measured).tables[0]
    row = next(r for r in table.rows if r[0].text.startswith("Debug pages"))
    assert row[1:] == ["(written by neither app)", 0, "(written by neither app)", 0]
    throttling = next(r for r in table.rows if r[0].text.startswith("Sign-in throttling"))
    assert throttling[3] == "(the framework)"  # one side empty: the framework does it
    console = Console(width=100, record=True)
    render.terminal(whole([report.concepts_section(measured)]), console, full=True)
    assert re.search(
        r"Debug pages \(errors\)\s+\(written by neither app\)\s+0", console.export_text()
    )


def test_the_code_view_shows_each_lesson_under_its_concept(measured):
    page = whole([report.concepts_section(measured)])
    page.concepts = render.code_view(measured)
    text = render.html(page)
    assert '<span class="lesson">Lesson: Axes is a setting; Flask-Limiter is a decorator.' in text
    assert "Debug pages (errors) — written by neither app" in text
    assert "Nothing written by either app." in text


def test_hardening_concepts_get_their_own_row_in_the_lines_per_kind(measured):
    rows = {row[0]: row[1:] for row in per_kind_table(measured).rows}
    assert rows["hardening"] == [3, 3, "+0"]
    assert rows["errors"] == [0, 0, "+0"]  # written by neither app: a row of zeros, no error
    assert rows["auth"] == [4, 2, "-2"]


def per_kind_table(m: dict) -> report.Table:
    sides = {"files": 0, "code": 0, "comment": 0, "blank": 0}
    complexity = {"blocks": 0, "mean": 0, "total": 0, "over_10": 0, "max": None}
    side = {
        "kinds": dict.fromkeys(KINDS, sides),
        "hand_written": sides,
        "ordinary": sides,
        "complexity": complexity,
    }
    return report.lines_section(m | {"loc": dict.fromkeys(report.APPS, side)}).tables[2]
