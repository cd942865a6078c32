"""The lines-of-code section of the report, on two app trees counted for real."""

import re

import pytest
from rich.console import Console

from compare import claim_figures, loc, render, report

VIEWS = "def view(request):\n    return request\n"
HARDENING = {
    # Django: one check of 3 code lines; Flask: two of 3 each, so 6.
    "django": "def refuse(value):\n    if value is None:\n        return 400\n",
    "flask": (
        "def refuse(value):\n    if value is None:\n        return 400\n\n\n"
        "def clean(path):\n    if '\\x00' in path:\n        return 404\n"
    ),
}
HOME = {"django": "config", "flask": "app"}


def app_tree(root, app: str, hardening: bool) -> dict:
    folder = root / app
    (folder / HOME[app]).mkdir(parents=True)
    (folder / HOME[app] / "views.py").write_text(VIEWS)
    (folder / "requirements.txt").write_text(f"{app}\n")
    if hardening:
        (folder / HOME[app] / "hardening.py").write_text(HARDENING[app])
    return loc.count_app(folder).to_json()


def measurements(tmp_path, django: bool = True, flask: bool = True) -> dict:
    return {
        "loc": {
            "django": app_tree(tmp_path, "django", django),
            "flask": app_tree(tmp_path, "flask", flask),
        },
        "concept_kinds": {},
    }


def whole(sections: list[report.Section]) -> report.Report:
    """Return a report of these parts alone (an empty summary)."""
    empty = report.Table("", ["figure"], [])
    return report.Report("Report", "now", empty, empty, sections, [])


def by_label(table: report.Table) -> dict[str, list]:
    return {row[0]: row[1:] for row in table.rows}


def test_lines_table_shows_hardening_as_its_own_row(tmp_path):
    section = report.lines_section(measurements(tmp_path))
    rows = by_label(section.tables[0])
    # [D files, D code, D cmt, D blank, F files, F code, F cmt, F blank]
    assert rows["hardening"] == [1, 3, 0, 0, 1, 6, 0, 2]
    assert rows["python"][1] == rows["python"][5] == 2  # views.py only: ordinary code
    total, ordinary = rows["hand-written total"], rows["of which ordinary"]
    assert total[1] - ordinary[1] == 3
    assert total[5] - ordinary[5] == 6
    assert "hardening (apart)" not in rows  # hand-written, in the total


def test_lines_section_says_how_much_hardening_each_side_needed(tmp_path):
    notes = report.lines_section(measurements(tmp_path)).notes
    sentence = next(n for n in notes if n.startswith("To never answer 500"))
    assert "Django 3 lines of code" in sentence
    assert "Flask 6 lines of code" in sentence
    assert "Flask 3 more, 2.0x" in sentence
    # The hand-written totals it quotes are the measured ones: views 2 + requirements 1 + 3.
    assert "of its hand-written 6, beside 3 of ordinary code" in sentence


def test_no_comparison_sentence_unless_both_sides_have_hardening(tmp_path):
    notes = report.lines_section(measurements(tmp_path, django=False)).notes
    assert not any(n.startswith("To never answer 500") for n in notes)
    assert any("Django has no hardening.py yet" in n for n in notes)
    none = report.lines_section(measurements(tmp_path / "none", django=False, flask=False))
    assert not any("hardening.py yet" in n or "To never" in n for n in none.notes)


@pytest.mark.parametrize("renderer", ["markdown", "terminal"])
def test_rendered_report_shows_the_hardening_row(tmp_path, renderer):
    sections = [report.lines_section(measurements(tmp_path))]
    if renderer == "markdown":
        text = render.markdown(whole(sections))
        assert re.search(r"^\| hardening \| 1 \| 3 \| 0 \| 0 \| 1 \| 6 \| 0 \| 2 \|$", text, re.M)
    else:
        console = Console(width=100, record=True)
        render.terminal(whole(sections), console, full=True)
        text = console.export_text()
        assert re.search(r"^\s*hardening\s+1\s+3\s+0\s+0\s+1\s+6\s+0\s+2\s*$", text, re.M)
    assert "To never answer 500 to hostile input" in text


def test_claims_on_lines_count_hardening_in_and_say_so(tmp_path):
    m = measurements(tmp_path)
    assert m["loc"]["flask"]["hand_written"]["code"] == m["loc"]["flask"]["ordinary"]["code"] + 6
    text = claim_figures.code_text(m)
    assert text == "Django 6 (3 of them hardening), Flask 9 (6 of them hardening) lines, " + (
        "hardening included"
    )
