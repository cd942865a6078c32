"""Lay the measurements out once: a summary, then parts of tables, each with a computed sentence."""

from __future__ import annotations

from collections import Counter
from itertools import zip_longest
from pathlib import Path

from compare import summary
from compare.claims import VERDICTS
from compare.loc import HAND_WRITTEN, KINDS
from compare.model import Cell, Report, Section, Table, link, pairs, slug
from compare.performance import bench_section, headline_instructions, scale_section
from compare.summary import NAMES, bench_figure, change_cell, cookie_text, mb, setup_time, versus
from toolkit.paths import APP_DIRS, APPS, BUILD, SHARED_SPEC

SPEC = SHARED_SPEC / "SPEC.md"
COMPLEXITY = {"functions and classes": "blocks", "mean complexity": "mean"}
COMPLEXITY |= {"sum of complexity": "total", "blocks over 10": "over_10"}


def lines_section(m: dict, out: Path = BUILD) -> Section:
    loc, fields = m["loc"], ("files", "code", "comment", "blank")
    counts = {
        k + ("" if k in HAND_WRITTEN else " (apart)"): [loc[a]["kinds"][k] for a in APPS]
        for k in KINDS
    }
    counts["hand-written total"] = [loc[a]["hand_written"] for a in APPS]
    counts["of which ordinary"] = [loc[a]["ordinary"] for a in APPS]
    rows = [[label, *[s[f] for s in sides for f in fields]] for label, sides in counts.items()]
    columns = ["kind"] + [f"{a} {f}" for a in "DF" for f in ("files", "code", "cmt", "blank")]
    title = "Lines by kind (pygount; comments include docstrings, lone brackets count as blank)"
    tables = [Table(title, columns, rows, set(range(1, 9)))]
    cx = {a: loc[a]["complexity"] for a in APPS}
    worst = {a: cx[a]["max"] and f"{cx[a]['max']['name']} ({cx[a]['max']['cc']})" for a in APPS}
    figures = {label: lambda a, k=key: cx[a][k] for label, key in COMPLEXITY.items()}
    figures["most complex"] = lambda a: worst[a] or "-"
    title = "Cyclomatic complexity of the Python (radon; hardening in, tests and migrations out)"
    tables.append(pairs(title, figures, {1, 2}))
    kinds = [[k, v["django"]["code"], v["flask"]["code"]] for k, v in m["concept_kinds"].items()]
    kinds = [[*row, f"{row[2] - row[1]:+d}"] for row in kinds]
    title = "Code lines per kind of concept (the spans of shared_spec/CONCEPTS.toml, no line twice)"
    columns = ["kind of concept", "Django", "Flask", "Flask - Django"]
    tables.append(Table(title, columns, kinds, {1, 2, 3}))
    notes = [
        f"Hand-written = {' + '.join(HAND_WRITTEN)}; generated migrations, tests and docs are "
        "counted apart. hardening = hardening.py, the code each app keeps only to survive hostile "
        'input (fuzzers, scanners); python and "of which ordinary" leave it out.',
        *summary.hardening_notes(loc),
    ]
    code = [loc[a]["hand_written"]["code"] for a in APPS]
    sentence = f"Flask has {versus('hand-written code lines', *code)}."
    return Section("loc", "Lines of code", sentence, tables, notes)


def deps_section(m: dict, out: Path = BUILD) -> Section:
    d = m["deps"]
    figures = {
        "direct": lambda a: d[a]["direct"],
        "transitive": lambda a: d[a]["transitive"],
        "total packages": lambda a: d[a]["total"],
        "installed size": lambda a: mb(d[a]["size"]),
        "distinct maintainers": lambda a: len(d[a]["maintainers"]),
        "licences": lambda a: ", ".join(sorted({p["licence"] for p in d[a]["packages"]})),
    }
    title = "Dependencies resolved from installed metadata (each app's requirements.txt)"
    tables = [pairs(title, figures, {1, 2})]
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
    notes = [f"{NAMES[a]} itself requires: {', '.join(closure[a])}." for a in APPS]
    notes += [f"{a}: not installed: {', '.join(d[a]['missing'])}" for a in APPS if d[a]["missing"]]
    packages = versus("packages", *[d[a]["total"] for a in APPS])
    size = versus("megabytes", *[d[a]["size"] / 1e6 for a in APPS], " MB")
    return Section("deps", "Dependencies", f"Flask installs {packages}, {size}.", tables, notes)


def step_rows(steps: list[list]) -> list[list]:
    """Return the rows of steps side by side, numbered: one list of steps per app."""
    return [[i, *row] for i, row in enumerate(zip_longest(*steps, fillvalue=""), 1)]


def setup_section(m: dict, out: Path = BUILD) -> Section:
    s, run = m["setup"], m.get("setup_run")
    rows = step_rows([s[a]["steps"] for a in APPS])
    rows.append(["all", *[f"{s[a]['commands']} commands, {s[a]['app']} for the app" for a in APPS]])
    title = "Documented steps (shared_spec/SETUP.toml = each README's Quick start)"
    tables = [Table(title, ["#", "Django", "Flask"], rows)]
    notes = [
        f"{NAMES[a]} README matches SETUP.toml: {'yes' if s[a]['readme_matches'] else 'no'}"
        for a in APPS
    ]
    sentence = "Flask's Quick start has " + versus("commands", *[s[a]["commands"] for a in APPS])
    if not run:
        notes.append("Not timed this run: `make compare-setup` runs and times them.")
        return Section("setup", "Setup steps", f"{sentence}; not timed this run.", tables, notes)
    ran = []
    for a in APPS:
        side = run.get(a) or {}
        ran.append(
            [f"{t['seconds']:.1f} s" + ("" if t["ok"] else " FAILED") for t in side["steps"]]
        )
        if not side.get("ok"):
            notes.append(f"{NAMES[a]} setup failed: {side.get('error', '')[-300:]}")
    timed = [*step_rows(ran), ["first 200", *[setup_time(run, a) for a in APPS]]]
    title = f"Run from scratch, {run.get('ran_at', '')}: seconds per step (the last to /healthz)"
    tables.append(Table(title, ["#", "Django", "Flask"], timed))
    times = ", ".join(f"{NAMES[a]} {setup_time(run, a)}" for a in APPS)
    sentence += f"; from scratch to the first 200: {times}."
    return Section("setup", "Setup steps", sentence, tables, notes)


def spec_section(m: dict, out: Path = BUILD) -> Section:
    spec, run, total = m["spec"], m["spec_run"], len(m["spec"]["rules"])
    rows, failed = [], {}
    for r in spec["rules"]:
        # Rules are list items of SPEC.md: the link goes to the heading of their part.
        anchor = slug(f"{r['area']} ({r['id'].split('-')[0]})")
        rule = Cell(r["id"], f"{link(SPEC, out)}#{anchor}", f"rule-{r['id']}")
        rows.append([rule, r.get("full") or r["text"], *[r["apps"][a]["outcome"] for a in APPS]])
        for test in (t for a in APPS for t in r["apps"][a]["failed_tests"]):
            failed.setdefault(test, []).append(r["id"])
    rows.append(["all", "rules passed", *[f"{spec['totals'][a]['passed']}/{total}" for a in APPS]])
    cached = f"cached from {run.get('ran_at', '')}" if run.get("cached") else "run now"
    notes = [
        f"Shared suite: {run.get('line') or 'no summary'} — exit code {run.get('exit_code')}, "
        f"{run.get('seconds')} s, {cached} (mode {spec.get('mode')}, database "
        f"{spec.get('database')})."
    ]
    notes += [f"failed: {test} ({', '.join(dict.fromkeys(ids))})" for test, ids in failed.items()]
    passed = [spec["totals"][a]["passed"] for a in APPS]
    sentence = f"Of the spec's {total} rules, Django passes {passed[0]} and Flask {passed[1]}"
    for a in APPS:
        if ids := [r["id"] for r in spec["rules"] if r["apps"][a]["outcome"] == "failed"]:
            sentence += f"; {NAMES[a]} fails {', '.join(ids)}"
    if passed == [total, total]:
        sentence = f"Both apps pass all {total} rules of the spec"
    if all(spec["totals"][a]["not run"] == total for a in APPS):
        sentence = f"No results of the shared suite here: its {total} rules are not run"
    table = Table("Each rule, per app", ["rule", "what", "Django", "Flask"], rows)
    return Section("spec", "Spec conformance (shared_spec/SPEC.md)", sentence + ".", [table], notes)


def defaults_section(m: dict, out: Path = BUILD) -> Section:
    probes = [m["defaults"][a] for a in APPS]
    jars = [p.get("cookies", {}) for p in probes]
    headers = probes[0].get("headers") or probes[1].get("headers") or {}
    rows = [[h, *[p.get("headers", {}).get(h) or "—" for p in probes]] for h in headers]
    rows.append(["session cookie", *[cookie_text(jar, "sessionid", "session") for jar in jars]])
    for name in sorted((set(jars[0]) | set(jars[1])) - {"sessionid", "session"}):
        rows.append([f"cookie {name}", *[cookie_text(jar, name) for jar in jars]])
    rows.append(["CSRF failure status", *[p.get("csrf_failure_status") for p in probes]])
    for label, key, first, second in (
        ("password hash (as stored)", "password", "scheme", "cost"),
        ("template engine", "template_engine", "backend", "provider"),
        ("sessions", "session", "engine", "provider"),
    ):
        sides = [p.get(key, {}) for p in probes]
        rows.append([label, *[f"{side.get(first)} ({side.get(second)})" for side in sides]])
    title = "Read from the running apps (in-process, a fresh database each; a visitor signs up)"
    tables = [Table(title, ["default", "Django", "Flask"], rows)]
    for app, probe in zip(APPS, probes, strict=True):
        where = "settings.MIDDLEWARE" if app == "django" else "hooks and extensions"
        steps = [[s["kind"], s["name"], s["provider"]] for s in probe.get("pipeline", [])]
        title = f"{NAMES[app]} request pipeline, in order ({where})"
        tables.append(Table(title, ["kind", "name", "provided by"], steps))
    features = [
        [f["name"], *[f"{f[a]['provider']}: {f[a]['package'] or '-'}" for a in APPS]]
        for f in m["provenance"]
    ]
    title = "Provenance: which package provides each feature (shared_spec/PROVENANCE.toml)"
    tables.append(Table(title, ["feature", "Django", "Flask"], features))
    notes = [
        f"{a}: probe failed: {p['error'][-500:]}" for a, p in m["defaults"].items() if "error" in p
    ]
    differ = [row[0] for row in rows if row[1] != row[2]]
    named = ", ".join(differ[:3]) + (f" and {len(differ) - 3} more" if len(differ) > 3 else "")
    sentence = f"{len(differ)} of the {len(rows)} defaults read differ: {named}."
    if not differ:
        sentence = f"All {len(rows)} defaults read are the same on both apps."
    return Section("defaults", "Defaults read from the running apps", sentence, tables, notes)


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
    concepts = m["concepts"]
    rows = []
    for c in concepts:
        sides = [[location_cells(c, a, out), c["sides"][a]["code"]] for a in APPS]
        name = Cell(f"{c['name']} ({c['kind']})", f"#code-{slug(c['name'])}")
        rows.append([name, *sides[0], *sides[1]])
    title = "Where each concept lives (file:line of each symbol) and its code lines"
    tables = [Table(title, ["concept", "Django", "lines", "Flask", "lines"], rows, {2, 4})]
    lessons = [[c["name"], c["lesson"]] for c in concepts if c.get("lesson")]
    title = "Lessons: the differences the two apps keep on purpose"
    tables += [Table(title, ["concept", "lesson"], lessons)] if lessons else []
    framework = [sum(not c["sides"][a]["locations"] for c in concepts) for a in APPS]
    sentence = (
        f"Of {len(concepts)} concepts, the framework alone does {framework[0]} for Django and "
        f"{framework[1]} for Flask; {len(lessons)} carry a lesson."
    )
    title = "Concept map (shared_spec/CONCEPTS.toml, resolved)"
    return Section("concepts", title, sentence, tables)


def claims_section(m: dict, out: Path = BUILD) -> Section:
    """Each claim beside its rule: the rule as written, the figures it read, the case that held."""
    rows = []
    for c in m["claims"]:
        rule = f"{c['why']} Rule: {c['rule']}.\nfigures: {summary.plain_data(c['figures'])}"
        rule += f"\ndecided by: {c['decided_by']}"
        claim = Cell(c["id"], id=f"claim-{c['id']}")
        rows.append([claim, c["claim"], c["verdict"], c["evidence"], rule.strip()])
    title = "Each claim, its evidence, and the rule that gives its verdict"
    table = Table(title, ["id", "claim", "verdict", "evidence", "rule"], rows)
    notes = [
        "A figure not measured here is None: the bench's come from make bench, the suite's from "
        "compare.py without --no-tests, the setup's times from compare.py --run-setup."
    ]
    counts = Counter(c["verdict"] for c in m["claims"])
    tally = ", ".join(f"{counts[v]} {v}" for v in VERDICTS if counts[v])
    sentence = f"Of {len(m['claims'])} claims: {tally}."
    return Section("claims", "Claims (CLAIMS.md) against the evidence", sentence, [table], notes)


def workshop_section(m: dict, out: Path = BUILD) -> Section:
    found = m.get("workshop") or {"costs": [], "totals": {}}
    sides, totals = ("django", "flask", "tests"), found["totals"]
    rows = [
        [e["exercise"], e["title"], *[change_cell(e["sides"][s]) for s in sides]]
        for e in found["costs"]
    ]
    total = ["", "all exercises (a file once per exercise)"]
    rows.append([*total, *[change_cell(totals.get(s)) for s in sides]])
    title = "Files and lines changed by each exercise's solution"
    table = Table(title, ["#", "exercise", "Django", "Flask", "shared tests"], rows)
    notes = [
        "Measured from docs/workshop/solutions/*.patch (each applied after the ones before it): "
        'files touched and lines added/removed per side. "generated" lines are migrations '
        "the framework's CLI wrote (makemigrations; flask db migrate, then reviewed).",
        *summary.workshop_checks(found),
    ]
    changed = [f"{NAMES[a]} {change_cell(totals[a])}" for a in APPS if totals.get(a)]
    sentence = f"The {len(found['costs'])} exercises changed: " + "; ".join(changed) + "."
    if not found["costs"]:
        sentence = "No workshop exercise measured."
    title = "Workshop: what each exercise cost each side"
    return Section("workshop", title, sentence, [table], notes)


def build_sections(m: dict, out: Path = BUILD) -> list[Section]:
    """Return the parts in order, numbered; each reads the measurements and where links start."""
    parts = (lines_section, deps_section, setup_section, spec_section, defaults_section)
    parts += (concepts_section, claims_section, workshop_section, bench_section, scale_section)
    sections = [part(m, out) for part in parts]
    for number, section in enumerate(sections, 1):
        section.title = f"{number}. {section.title}"
    return sections


def rules_passed(totals: dict, total: int) -> str:
    """Say how many rules passed, or that the suite has not run (compare.py --no-tests)."""
    return "not run" if totals["not run"] == total else f"{totals['passed']}/{total}"


def headline(m: dict) -> Table:
    """Return the headline figures side by side, each linking to the part that details it."""
    loc, deps, spec, bench = m["loc"], m["deps"], m["spec"], m["bench"]
    total, memory = len(spec["rules"]), "memory_per_worker_mb"
    figures = {
        ("hand-written code lines", "loc"): lambda a: f"{loc[a]['hand_written']['code']:,}",
        ("dependencies", "deps"): lambda a: f"{deps[a]['total']} packages, {mb(deps[a]['size'])}",
        ("setup commands", "setup"): lambda a: m["setup"][a]["commands"],
        ("setup to first 200", "setup"): lambda a: setup_time(m["setup_run"], a),
        ("spec rules passed", "spec"): lambda a: rules_passed(spec["totals"][a], total),
        ("instructions per request (home)", "bench"): lambda a: headline_instructions(bench, a),
        ("memory per worker", "bench"): lambda a: bench_figure(bench, a, memory, " MB"),
    }
    rows = [[Cell(label, f"#{key}"), *map(f, APPS)] for (label, key), f in figures.items()]
    return Table("The headline figures", ["figure", "Django", "Flask"], rows, {1, 2})


def build(m: dict, title: str, outputs: list[str], out: Path = BUILD) -> Report:
    """Return the report's model: the summary first (headline figures, verdicts), then the parts."""
    claims = [[Cell(c["id"], f"#claim-{c['id']}"), c["claim"], c["verdict"]] for c in m["claims"]]
    claims = Table("Each claim and its verdict", ["id", "claim", "verdict"], claims, brief=1)
    return Report(title, m["generated"], headline(m), claims, build_sections(m, out), outputs)
