"""The workshop's change-cost section: measured from the solution patches."""

from __future__ import annotations

from compare import report, workshop

PATCH = """\
diff --git a/django_app/posts/forms.py b/django_app/posts/forms.py
--- a/django_app/posts/forms.py
+++ b/django_app/posts/forms.py
@@ -1,2 +1,3 @@
 one
+two
 three
diff --git a/flask_app/app/posts/forms.py b/flask_app/app/posts/forms.py
--- a/flask_app/app/posts/forms.py
+++ b/flask_app/app/posts/forms.py
@@ -1,2 +1,4 @@
 one
+two
+and a half
 three
"""

MANIFEST = """\
[[exercise]]
number = 1
slug = "first"
title = "The first"

[[exercise]]
number = 2
slug = "second"
title = "The second"

[[drill]]
number = 1
slug = "oops"
title = "Oops"
rules = ["SEC-1"]
"""


def test_each_solution_is_measured_per_side_and_summed(tmp_path):
    (tmp_path / "workshop.toml").write_text(MANIFEST)
    (tmp_path / "solutions").mkdir()
    for name in ("01-first.patch", "02-second.patch"):
        (tmp_path / "solutions" / name).write_text(PATCH)
    costs = workshop.change_costs(tmp_path / "workshop.toml")
    assert [entry["exercise"] for entry in costs] == [1, 2]
    assert costs[0]["sides"]["django"] == {"files": 1, "added": 1, "removed": 0, "in_migrations": 0}
    assert costs[0]["sides"]["flask"]["added"] == 2
    assert costs[0]["sides"]["tests"] is None
    summed = workshop.totals(costs)
    assert summed["django"]["added"] == 2
    assert summed["flask"] == {"files": 2, "added": 4, "removed": 0, "in_migrations": 0}


def test_the_section_shows_the_costs_and_the_last_checks():
    change = {"files": 2, "added": 10, "removed": 1, "in_migrations": 4}
    m = {
        "workshop": {
            "costs": [{"exercise": 2, "title": "Add a field", "sides": {
                "django": change, "flask": change, "tests": None, "other": None}}],
            "totals": {"django": change, "flask": change},
            "solutions": None,
            "break_it": {"caught": 15, "total": 16, "score": 15 / 16, "drills": [
                {"number": 3, "slug": "unescaped-text", "app": "flask", "caught": False}]},
        }
    }  # fmt: skip
    section = report.workshop_section(m)
    rows = section.tables[0].rows
    assert rows[0][2] == "2 files, +10 (4 generated) -1"
    assert rows[-1][1].startswith("all exercises")
    notes = " ".join(section.notes)
    assert "make solutions has not run" in notes
    assert "caught 15/16" in notes
    assert "03-unescaped-text on flask" in notes
