"""Lay the measurements out once: a summary, then parts of tables, each with a computed sentence."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from compare import summary
from compare.loc import HAND_WRITTEN, KINDS
from toolkit.paths import APP_DIRS, APPS, BUILD, SHARED_SPEC

SPEC = SHARED_SPEC / "SPEC.md"
NAMES = {"django": "Django", "flask": "Flask"}
# A claim's keys shown in their own columns, or already said by its rule's text.
SAID = {"id", "claim", "source", "verdict", "evidence", "rule", "why", "cases", "otherwise"}


@dataclass
class Cell:
    """A cell that is more than its text: a link (href) or a place to link to (id)."""

    text: str
    href: str | None = None
    id: str | None = None


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list]  # values: text, a number, a Cell, or a list of Cells (one a line)
    numeric: set[int] = field(default_factory=set)  # right-aligned column indexes
    under: dict[int, str] = field(default_factory=dict)  # a plain line shown under row i
    brief: int | None = None  # a column cut to one line a row in the terminal (not elsewhere)


@dataclass
class Section:
    key: str
    title: str
    sentence: str  # what the figures show, computed from them
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Report:
    title: str
    generated: str
    figures: Table
    claims: Table
    sections: list[Section]
    outputs: list[str]
    footer: str = ""
    concepts: list[dict] = field(default_factory=list)  # the code view (HTML only)
    shots: list[dict] = field(default_factory=list)


def mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def slug(text: str) -> str:
    """Return the anchor GitHub gives a heading (lower case, punctuation dropped, - for spaces)."""
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def link(path: Path, out: Path) -> str:
    """Return a link to a file of the repository relative to the folder the report is in."""
    return Path(os.path.relpath(path, out)).as_posix()


def rule_cell(rule: dict, out: Path) -> Cell:
    """Return a rule id linking to its part of SPEC.md (rules are list items, parts headings)."""
    anchor = slug(f"{rule['area']} ({rule['id'].split('-')[0]})")
    return Cell(rule["id"], f"{link(SPEC, out)}#{anchor}", f"rule-{rule['id']}")


def pair_table(title: str, rows: list[tuple[str, object]], numeric=True) -> Table:
    """Return a table of figures side by side: each row's label, then its value for each app."""
    rows = [[label, *[value(a) for a in APPS]] for label, value in rows]
    return Table(title, ["figure", "Django", "Flask"], rows, {1, 2} if numeric else set())


def lines_section(m: dict) -> Section:
    loc, fields = m["loc"], summary.LOC_FIELDS
    rows = [
        [kind + ("" if kind in HAND_WRITTEN else " (apart)")]
        + [loc[a]["kinds"][kind][f] for a in APPS for f in fields]
        for kind in KINDS
    ]
    for label, key in (("hand-written total", "hand_written"), ("of which ordinary", "ordinary")):
        rows.append([label, *[loc[a][key][f] for a in APPS for f in fields]])
    columns = [
        "kind",
        *[f"{a[0].upper()} {f}" for a in APPS for f in ("files", "code", "cmt", "blank")],
    ]
    title = (
        "Lines by kind (pygount: code / comment incl. docstrings / blank, bare brackets as blank)"
    )
    by_kind = Table(title, columns, rows, set(range(1, 9)))
    cx = {a: loc[a]["complexity"] for a in APPS}
    figures = [(label, lambda a, k=key: cx[a][k]) for label, key in summary.COMPLEXITY]
    worst = {a: cx[a]["max"] and f"{cx[a]['max']['name']} ({cx[a]['max']['cc']})" for a in APPS}
    figures.append(("most complex", lambda a: worst[a] or "-"))
    title = "Cyclomatic complexity of the Python (radon; hardening in, tests and migrations out)"
    complexity = pair_table(title, figures)
    kinds = [
        [
            kind,
            v["django"]["code"],
            v["flask"]["code"],
            f"{v['flask']['code'] - v['django']['code']:+d}",
        ]
        for kind, v in m["concept_kinds"].items()
    ]
    title = "Code lines per kind of concept (the spans of shared_spec/CONCEPTS.toml, no line twice)"
    per_concept = Table(
        title, ["kind of concept", "Django", "Flask", "Flask - Django"], kinds, {1, 2, 3}
    )
    notes = [
        "Hand-written = " + " + ".join(HAND_WRITTEN) + "; generated migrations, tests and docs "
        "are counted apart. hardening = hardening.py, the code each app keeps only to survive "
        'hostile input (fuzzers, scanners); python and "of which ordinary" leave it out.',
        *summary.hardening_notes(loc),
    ]
    tables = [by_kind, complexity, per_concept]
    return Section("loc", "1. Lines of code", summary.loc_sentence(m), tables, notes)


def deps_section(m: dict) -> Section:
    d = m["deps"]
    figures = [
        ("direct", lambda a: d[a]["direct"]),
        ("transitive", lambda a: d[a]["transitive"]),
        ("total packages", lambda a: d[a]["total"]),
        ("installed size", lambda a: mb(d[a]["size"])),
        ("distinct maintainers", lambda a: len(d[a]["maintainers"])),
        ("licences", lambda a: ", ".join(sorted({p["licence"] for p in d[a]["packages"]}))),
    ]
    title = "Dependencies resolved from installed metadata (each app's requirements.txt)"
    tables = [pair_table(title, figures)]
    for app in APPS:
        rows = [
            [
                p["name"],
                p["version"] or "missing",
                "direct" if p["direct"] else "via " + ", ".join(p["required_by"]),
                mb(p["size"]),
                p["licence"],
                p["maintainer"].removeprefix("github.com/"),
            ]
            for p in d[app]["packages"]
        ]
        columns = ["package", "version", "how", "size", "licence", "maintainer"]
        tables.append(Table(f"{NAMES[app]} packages", columns, rows, {3}))
    closure = {a: m[f"{a}_closure"]["requires"] for a in APPS}
    notes = [
        f"Flask itself requires {len(closure['flask'])} packages: {', '.join(closure['flask'])}; "
        f"Django itself requires {len(closure['django'])}: {', '.join(closure['django'])}."
    ]
    notes += [
        f"{a}: required but not installed: {', '.join(d[a]['missing'])}"
        for a in d
        if d[a]["missing"]
    ]
    return Section("deps", "2. Dependencies", summary.deps_sentence(m), tables, notes)


def step_text(steps: list, i: int) -> str:
    """Return step i of a timed run: its seconds, and FAILED when it failed."""
    if i >= len(steps):
        return ""
    return f"{steps[i]['seconds']:.1f} s" + ("" if steps[i]["ok"] else " FAILED")


def setup_section(m: dict) -> Section:
    s, run = m["setup"], m.get("setup_run")
    count = max(len(s[a]["steps"]) for a in APPS)
    steps = [s[a]["steps"] + [""] * (count - len(s[a]["steps"])) for a in APPS]
    rows = [[i + 1, *column] for i, column in enumerate(zip(*steps, strict=True))]
    rows.append(["all", *[f"{s[a]['commands']} commands, {s[a]['app']} for the app" for a in APPS]])
    title = "Documented steps (shared_spec/SETUP.toml = each README's Quick start)"
    tables = [Table(title, ["#", "Django", "Flask"], rows)]
    notes = [
        f"{NAMES[a]} README matches SETUP.toml: {'yes' if s[a]['readme_matches'] else 'no'}"
        for a in APPS
    ]
    if run:
        ran = {a: (run.get(a) or {}).get("steps", []) for a in APPS}
        timed = [[i + 1, *[step_text(ran[a], i) for a in APPS]] for i in range(count)]
        timed.append(["first 200", *[summary.setup_time(run, a) for a in APPS]])
        title = f"Run from scratch, {run.get('ran_at', '')}: seconds per step (the last: gunicorn "
        title += "until /healthz answers 200)"
        tables.append(Table(title, ["#", "Django", "Flask"], timed))
        notes += [
            f"{NAMES[a]} setup failed: {run[a].get('error', '')[-300:]}"
            for a in APPS
            if not (run.get(a) or {}).get("ok")
        ]
    else:
        notes.append("Not timed this run: `make compare-setup` runs and times them.")
    return Section("setup", "3. Setup steps", summary.setup_sentence(m), tables, notes)


def spec_section(m: dict, out: Path = BUILD) -> Section:
    spec, run = m["spec"], m["spec_run"]
    rows = [
        [rule_cell(r, out), r.get("full") or r["text"], *[r["apps"][a]["outcome"] for a in APPS]]
        for r in spec["rules"]
    ]
    total = len(spec["rules"])
    rows.append(["all", "rules passed", *[f"{spec['totals'][a]['passed']}/{total}" for a in APPS]])
    cached = f"cached from {run.get('ran_at', '')}" if run.get("cached") else "run now"
    notes = [
        f"Shared suite: {run.get('line') or 'no summary'} — exit code {run.get('exit_code')}, "
        f"{run.get('seconds')} s, {cached} (mode {spec.get('mode')}, database "
        f"{spec.get('database')})."
    ]
    failed: dict[str, list[str]] = {}
    for r in spec["rules"]:
        for a in APPS:
            for test in r["apps"][a]["failed_tests"]:
                failed.setdefault(test, []).append(r["id"])
    notes += [f"failed: {test} ({', '.join(dict.fromkeys(ids))})" for test, ids in failed.items()]
    table = Table("Each rule, per app", ["rule", "what", "Django", "Flask"], rows)
    title = "4. Spec conformance (shared_spec/SPEC.md)"
    return Section("spec", title, summary.spec_sentence(m), [table], notes)


def cookie_text(cookie: dict | None) -> str:
    if not cookie:
        return "not sent"
    flags = [f"SameSite={cookie['samesite']}", "HttpOnly" if cookie["httponly"] else "not HttpOnly"]
    return f"{cookie['name']}: " + ", ".join(flags + (["Secure"] if cookie["secure"] else []))


def default_rows(d: dict, f: dict) -> list[list]:
    """Return each default read from the running apps: headers, cookies, CSRF, hashes, engines."""
    both = (d, f)
    headers = d.get("headers") or f.get("headers") or {}
    rows = [[h, *[p.get("headers", {}).get(h) or "—" for p in both]] for h in headers]
    jars = [p.get("cookies", {}) for p in both]
    rows.append(
        ["session cookie", *[cookie_text(j.get("sessionid") or j.get("session")) for j in jars]]
    )
    for name in sorted((set(jars[0]) | set(jars[1])) - {"sessionid", "session"}):
        rows.append([f"cookie {name}", *[cookie_text(j.get(name)) for j in jars]])
    rows.append(["CSRF failure status", *[p.get("csrf_failure_status") for p in both]])
    for label, key, first, second in (
        ("password hash (as stored)", "password", "scheme", "cost"),
        ("template engine", "template_engine", "backend", "provider"),
        ("sessions", "session", "engine", "provider"),
    ):
        rows.append(
            [label, *[f"{p.get(key, {}).get(first)} ({p.get(key, {}).get(second)})" for p in both]]
        )
    return rows


def defaults_section(m: dict) -> Section:
    d, f = m["defaults"]["django"], m["defaults"]["flask"]
    title = "Read from the running apps (in-process, a fresh database each; a visitor signs up)"
    tables = [Table(title, ["default", "Django", "Flask"], default_rows(d, f))]
    for app, probe in (("django", d), ("flask", f)):
        where = "settings.MIDDLEWARE" if app == "django" else "hooks and extensions"
        rows = [[s["kind"], s["name"], s["provider"]] for s in probe.get("pipeline", [])]
        title = f"{NAMES[app]} request pipeline, in order ({where})"
        tables.append(Table(title, ["kind", "name", "provided by"], rows))
    rows = [
        [p["name"], *[f"{p[a]['provider']}: {p[a]['package'] or '-'}" for a in APPS]]
        for p in m["provenance"]
    ]
    title = "Provenance: which package provides each feature (shared_spec/PROVENANCE.toml)"
    tables.append(Table(title, ["feature", "Django", "Flask"], rows))
    notes = [
        f"{a}: probe failed: {m['defaults'][a]['error'][-500:]}"
        for a in APPS
        if m["defaults"][a].get("error")
    ]
    sentence = summary.defaults_sentence(tables[0].rows)
    return Section("defaults", "5. Defaults read from the running apps", sentence, tables, notes)


def location_cells(concept: dict, app: str, out: Path) -> list[Cell] | str:
    """Return one link a file (file.py:12,40) or say who writes the concept instead."""
    per_file: dict[str, list[str]] = {}
    for loc in concept["sides"][app]["locations"]:
        per_file.setdefault(loc["file"], []).append(str(loc["line"]))
    if not per_file:
        neither = not any(concept["sides"][a]["locations"] for a in APPS)
        return "(written by neither app)" if neither else "(the framework)"
    return [
        Cell(f"{file}:{','.join(lines)}", link(APP_DIRS[app] / file, out))
        for file, lines in per_file.items()
    ]


def concepts_section(m: dict, out: Path = BUILD) -> Section:
    rows, under = [], {}
    for c in m["concepts"]:
        name = Cell(f"{c['name']} ({c['kind']})", f"#code-{slug(c['name'])}")
        sides = [[location_cells(c, a, out), c["sides"][a]["code"]] for a in APPS]
        rows.append([name, *sides[0], *sides[1]])
        if c.get("lesson"):
            under[len(rows) - 1] = f"Lesson: {c['lesson']}"
    title = "Where each concept lives (file:line of each symbol) and its code lines"
    table = Table(title, ["concept", "Django", "lines", "Flask", "lines"], rows, {2, 4}, under)
    lesson = "A lesson, under its concept, names a difference the two apps keep on purpose."
    notes = [lesson][: bool(under)]
    title = "6. Concept map (shared_spec/CONCEPTS.toml, resolved)"
    return Section("concepts", title, summary.concepts_sentence(m), [table], notes)


def claim_rule(claim: dict) -> str:
    """Return the claim's rule, then the data its rule carries: figures read, thresholds, case."""
    lines = [claim.get("rule") or ""]
    for key, value in claim.items():
        if key in SAID or value in (None, "", [], {}):
            continue
        if key == "figures" and isinstance(value, dict):  # name: {"value": v, "from": path}
            value = {n: f.get("value") if isinstance(f, dict) else f for n, f in value.items()}
        lines.append(f"{key.replace('_', ' ')}: {summary.plain_data(value)}")
    return "\n".join(lines).strip()


def claims_section(m: dict) -> Section:
    rows = [
        [
            Cell(c["id"], id=f"claim-{c['id']}"),
            c["claim"],
            c["verdict"],
            c.get("evidence", ""),
            claim_rule(c),
        ]
        for c in m["claims"]
    ]
    title = "Each claim, its evidence, and the rule that gives its verdict"
    table = Table(title, ["id", "claim", "verdict", "evidence", "rule"], rows)
    title = "7. Claims (CLAIMS.md) against the evidence"
    return Section("claims", title, summary.claims_sentence(m["claims"]), [table])


def change_cell(change: dict | None) -> str:
    if not change:
        return "-"
    generated = f" ({change['in_migrations']} generated)" if change["in_migrations"] else ""
    files = f"{change['files']} file{'s' * (change['files'] != 1)}"
    return f"{files}, +{change['added']}{generated} -{change['removed']}"


def workshop_section(m: dict) -> Section:
    found = m.get("workshop") or {"costs": [], "totals": {}}
    sides = ("django", "flask", "tests")
    rows = [
        [str(e["exercise"]), e["title"], *[change_cell(e["sides"][s]) for s in sides]]
        for e in found["costs"]
    ]
    totals = [change_cell(found["totals"].get(s)) for s in sides]
    rows.append(["", "all exercises (a file once per exercise)", *totals])
    notes = [
        "Measured from docs/workshop/solutions/*.patch (each applied after the ones before it): "
        'files touched and lines added/removed per side. "generated" lines are migrations '
        "the framework's CLI wrote (makemigrations; flask db migrate, then reviewed).",
        *summary.workshop_checks(found),
    ]
    title = "Files and lines changed by each exercise's solution"
    table = Table(title, ["#", "exercise", "Django", "Flask", "shared tests"], rows)
    title = "8. Workshop: what each exercise cost each side"
    return Section("workshop", title, summary.workshop_sentence(found), [table], notes)


def bench_section(m: dict) -> Section:
    bench = m.get("bench") or {}
    pages = {a: (bench.get("apps") or {}).get(a, {}).get("pages") or {} for a in APPS}
    rows = [
        [
            name,
            *[summary.rps_text(pages[a].get(name)) for a in APPS],
            summary.ratio_text(pages["django"].get(name), pages["flask"].get(name)),
        ]
        for name in pages["django"]
    ]
    for label, key, unit in summary.BENCH_FIGURES if rows else ():
        rows.append([label, *[summary.bench_figure(bench, a, key, unit) for a in APPS], ""])
    title = "Requests per second: the median of the runs ± half their spread (max - min)"
    columns = ["page", "Django", "Flask", "Flask / Django (paired runs)"]
    tables = [Table(title, columns, rows, {1, 2})][: bool(rows)]
    notes = [f"{k}: {summary.plain_data(bench[k])}" for k in summary.BENCH_NOTES if bench.get(k)]
    title = "9. Performance (build/bench.json, written by make bench)"
    return Section("bench", title, summary.bench_sentence(bench), tables, notes)


def build_sections(m: dict, out: Path = BUILD) -> list[Section]:
    return [
        lines_section(m),
        deps_section(m),
        setup_section(m),
        spec_section(m, out),
        defaults_section(m),
        concepts_section(m, out),
        claims_section(m),
        workshop_section(m),
        bench_section(m),
    ]


def headline(m: dict) -> Table:
    """Return the headline figures side by side, each linking to the part that details it."""
    rows = [[Cell(label, f"#{key}"), *values] for label, key, values in summary.headline_rows(m)]
    return Table("The headline figures", ["figure", "Django", "Flask"], rows, {1, 2})


def claims_summary(m: dict) -> Table:
    rows = [[Cell(c["id"], f"#claim-{c['id']}"), c["claim"], c["verdict"]] for c in m["claims"]]
    return Table("Each claim and its verdict", ["id", "claim", "verdict"], rows, brief=1)


def build(m: dict, title: str, outputs: list[str], out: Path = BUILD) -> Report:
    """Return the report's model: the summary first, then every part."""
    sections = build_sections(m, out)
    return Report(title, m["generated"], headline(m), claims_summary(m), sections, outputs)
