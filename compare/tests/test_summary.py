"""The report a reader meets: the summary first, links that resolve, every part on request."""

from __future__ import annotations

import re

import pytest
from rich.console import Console

from compare import cli, performance, render, report
from compare.tests.measurements import fixture_measurements
from toolkit.paths import BUILD, SHARED_SPEC

HEADLINE = (
    "hand-written code lines",
    "dependencies",
    "setup commands",
    "setup to first 200",
    "spec rules passed",
    "instructions per request (home)",
    "memory per worker",
)


@pytest.fixture(scope="module")
def m() -> dict:
    return fixture_measurements()


def terminal(m: dict, full: bool = False) -> list[str]:
    console = Console(width=100, record=True)
    render.terminal(
        report.build(m, "Report", ["build/compare.md", "build/compare.html"]), console, full
    )
    return console.export_text().splitlines()


def cells(table: report.Table) -> list[report.Cell]:
    """Return every Cell of a table, those of multi-link cells included."""
    found = []
    for row in table.rows:
        for value in row:
            found += [
                c
                for c in (value if isinstance(value, list) else [value])
                if isinstance(c, report.Cell)
            ]
    return found


def by_label(table: report.Table) -> dict[str, list]:
    return {row[0]: row[1:] for row in table.rows}


def test_the_first_screen_names_the_headline_figures_then_each_claims_verdict(m):
    """The first lines: each headline figure with both apps' values, then every claim's verdict."""
    lines = terminal(m)
    for label in HEADLINE:
        row = next(i for i, line in enumerate(lines) if line.strip().startswith(label))
        assert row < 15, f"{label} is on line {row}"
    code = next(line for line in lines if "hand-written code lines" in line)
    assert re.search(r"1,031\s+1,771", code)
    total = len(m["spec"]["rules"])  # the fixture's results cover SPEC.md's rules, read live
    passed = rf"{total}/{total}\s+{total - 1}/{total}"
    assert re.search(passed, next(line for line in lines if "rules passed" in line))
    for claim in m["claims"]:
        [line] = [line for line in lines if re.match(rf"\s*{claim['id']}\s", line)]
        assert line.rstrip().endswith(claim["verdict"]), line
        assert lines.index(line) < 40
    assert lines[-1].startswith("The full report (python compare.py --full prints it here)")
    assert not any("Lines by kind" in line for line in lines)  # the parts' tables wait


def test_each_part_says_in_one_sentence_what_its_figures_show(m):
    """A sentence per part, computed: change a figure and the sentence follows."""
    text = " ".join(line.strip() for line in terminal(m))
    assert "Flask has 72% more hand-written code lines than Django (1,771 against 1,031)." in text
    total = len(m["spec"]["rules"])
    assert f"Django passes {total} and Flask {total - 1}; Flask fails READ-2." in text
    assert "Flask takes 0.49x to 0.60x Django's instructions per request over 2 pages" in text
    assert "(home: Django 17.9 M, Flask 8.7 M); 1 of 4 requests-per-second figures are" in text
    assert (
        "Over 4 drill runs, acknowledged writes lost: Django 0 of 160, Flask 0 of 160 (requests"
        in text
    )
    assert (
        "failed: Django 3 of 2,400, Flask 5 of 2,400); to run as replicas, Django reads 2" in text
    )
    same = {**m, "loc": dict.fromkeys(m["loc"], m["loc"]["django"])}
    assert report.lines_section(same).sentence == (
        "Flask has the same hand-written code lines as Django (1,031)."
    )


def test_full_prints_every_part_after_the_summary(m):
    """--full: the summary, then every part's title, tables and notes."""
    assert cli.parse_args(["--full"]).full
    assert not cli.parse_args([]).full
    lines = terminal(m, full=True)
    text = "\n".join(lines)
    for section in report.build_sections(m):
        assert section.title in text
    assert text.index("hand-written code lines") < text.index("Lines by kind")
    assert lines[-1].startswith("The full report: build/compare.md")


def test_the_markdown_holds_the_summary_and_the_full_text(m):
    text = render.markdown(report.build(m, "Report", []))
    assert text.index("## Summary") < text.index("## 1. Lines of code") < text.index("## 9. Perf")
    assert text.index("## 9. Perf") < text.index("## 10. Scale-out")
    assert "| [C1](#claim-C1)" not in text  # no links to anchors only the page has
    assert "Flask's Quick start" in text  # plain text, not HTML's entities
    assert re.search(r"^\| C1 \| With Flask .* \| contradicted \|$", text, re.M)


def test_file_line_labels_link_to_files_of_the_repository(m):
    """Each file:line of the concept map links, relative to build/, to a file that exists."""
    links = [
        c for c in cells(report.concepts_section(m, BUILD).tables[0]) if not c.href.startswith("#")
    ]
    assert links
    for cell in links:
        assert cell.href.startswith("../")
        assert "#" not in cell.href
        file = (BUILD / cell.href).resolve()
        assert file.is_file(), cell.href
        lines = len(file.read_text(encoding="utf-8").splitlines())
        for number in cell.text.rpartition(":")[2].split(","):
            assert 1 <= int(number) <= lines, cell.text


def test_rule_ids_link_to_their_part_of_spec_md(m):
    """Each rule id links to the heading of SPEC.md its rule sits under."""
    spec = (SHARED_SPEC / "SPEC.md").read_text(encoding="utf-8").splitlines()
    part, parts = None, {}
    for line in spec:
        if line.startswith("#"):
            part = report.slug(line.lstrip("#").strip())
        elif found := re.match(r"- \*\*([A-Z]+-\d+)\*\*", line):
            parts[found.group(1)] = part
    rules = [c for c in cells(report.spec_section(m, BUILD).tables[0]) if c.id]
    assert len(rules) == len(m["spec"]["rules"]) == len(parts)
    for cell in rules:
        path, _, anchor = cell.href.partition("#")
        assert (BUILD / path).resolve() == SHARED_SPEC / "SPEC.md"
        assert anchor == parts[cell.text], cell.text


def test_the_page_links_its_parts_and_claims_and_colours_verdicts(m):
    model = report.build(m, "Report", [])
    model.concepts = render.code_view(m)
    page = render.html(model)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    for section in model.sections:
        assert f'<section id="{section.key}">' in page
        assert f'href="#{section.key}"' in page
    for claim in m["claims"]:
        assert f'<td id="claim-{claim["id"]}">' in page
        assert f'href="#claim-{claim["id"]}"' in page
    assert '<td class="bad">contradicted</td>' in page
    assert '<td class="good">passed</td>' in page
    assert "<code>GET /</code>" in page
    assert "`GET /`" not in page
    assert "<h4" not in page
    assert re.search(r'<a href="\.\./(django|flask)_app/[^"#]+\.py">', page)
    assert 'id="expand"' in page


def test_the_bench_shows_counts_beside_the_ceiling_and_the_noise(m):
    """Instructions per request first (x the ceiling, lean, SQL), the growth, then req/s."""
    section = performance.bench_section(m)
    counts, growth, pg_growth, pg_database, rates = section.tables
    home = by_label(counts)["home"]
    assert home == ["17.9", "8.7", "1.0", "0.49", "17.9 / 8.7", "15.2 / 8.2", "2 / 5"]
    assert growth.rows[2] == ["search", "Django", "28.6", "1550.0", "54.2x", "3.0x: not met"]
    assert growth.rows[0] == ["home", "Django", "17.9", "18.3", "1.0x", "1.5x: met"]
    assert "postgresql" in pg_growth.title
    assert pg_growth.rows[1][-2:] == ["1.0x", "1.5x: met"]
    assert pg_database.title.startswith("Database CPU ms per request")
    assert pg_database.rows[0] == ["home", "Django", "0.40", "21.00", "52.5x", "1.5x: not met"]
    rows = by_label(rates)
    assert rows["home"][0] == "800 ± 2%"  # spread 5% of the median: half above, half below
    assert rows["post"][1:] == ["880 ± 5% noisy", "noisy: not read"]
    assert rows["memory per worker"][:2] == ["62 MB", "48 MB"]
    assert any("read by no verdict: flask/post" in note for note in section.notes)
    row = next(r for r in report.headline(m).rows if r[0].text.startswith("instructions"))
    assert row[1:] == ["17.9 M (17.9x the ceiling)", "8.7 M (8.7x the ceiling)"]
    rule = report.claims_section(m).tables[0].rows[0][4]
    assert "Rule: contradicted if flask_code >= django_code; supported if " in rule
    figures = "figures: django_code = 1031, django_memory_mb = 61.5, flask_code = 1771, "
    assert figures + "flask_memory_mb = 48.0\n" in rule  # the data its rule read
    assert f"decided by: {m['claims'][0]['decided_by']}" in rule
    assert performance.bench_section({}).sentence.startswith("Not counted here")


def test_the_bench_notes_what_one_password_check_costs_each_side(m):
    """Each default hasher's cost at sign-in, counted where valgrind ran, timed where it did not."""
    sign_in = {
        "django": {"scheme": "pbkdf2_sha256$1000000", "cpu_ms": 240.4, "instructions": 4.4e9},
        "flask": {"scheme": "scrypt:32768:8:1", "cpu_ms": 90.2, "instructions": None},
    }
    notes = performance.bench_section({**m, "bench": {**m["bench"], "sign_in": sign_in}}).notes
    note = next(n for n in notes if n.startswith("One password check"))
    assert "Django (pbkdf2_sha256$1000000) 4,400 M instructions, 240 ms; " in note
    assert "Flask (scrypt:32768:8:1) 90 ms of CPU." in note
    assert not any("password" in n for n in performance.bench_section(m).notes)


def test_the_scale_out_part_shows_changes_drills_and_scaling(m):
    section = performance.scale_section(m)
    changes, drills, scaling, cpu, sql = section.tables
    assert by_label(changes)["packages added"] == ["django-redis, redis", "limits[redis], redis"]
    assert drills.rows[0] == ["replica killed", "Django", "1,200", "3", "80", "80", "0"]
    assert ["3", "Flask", "760", "4.0%", "1.90x", "quiet"] in scaling.rows
    assert ["3", "Django", "450", "25%", "noisy", "spread 25% > 20%"] in scaling.rows
    assert cpu.columns[2:] == ["replicas", "haproxy", "postgresql", "redis", "wrk", "other"]
    assert by_label(sql)["home"] == ["4.0", "5.0"]
    bare = performance.scale_section({**m, "scale": None})
    assert bare.sentence.startswith("Not run here: make test-scale writes build/scale.json.")
    assert len(bare.tables) == 1  # what each app changed, read from its code


def test_without_test_results_the_rules_passed_say_not_run(m):
    """compare.py --no-tests with no earlier run: the headline says "not run", not "0/74"."""
    total = len(m["spec"]["rules"])
    none_run = {app: {"passed": 0, "failed": 0, "not run": total} for app in m["spec"]["totals"]}
    lines = terminal({**m, "spec": {**m["spec"], "totals": none_run}})
    row = next(line for line in lines if "spec rules passed" in line)
    assert re.search(r"spec rules passed\s+not run\s+not run", row)
