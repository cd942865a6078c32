"""Lay the measurements out once as sections of tables; render them to a terminal and Markdown."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table as RichTable
from rich.text import Text

from compare.loc import HAND_WRITTEN, KINDS
from toolkit.paths import APPS

VERDICT_STYLE = {
    "supported": "bold green",
    "contradicted": "bold red",
    "mixed": "bold yellow",
    "not measurable here": "dim",
    "run make bench": "cyan",
}
OUTCOME_STYLE = {"passed": "green", "failed": "bold red", "not run": "dim"}


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list]
    numeric: set[int] = field(default_factory=set)  # right-aligned column indexes
    expand: bool = False  # take the terminal's whole width
    under: dict[int, str] = field(default_factory=dict)  # a plain line shown under row i


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def shorten(text: str, width: int = 66) -> str:
    """Cut a rule's text to one line of the table (SPEC.md has it all)."""
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + " …"


def yes(flag) -> str:
    return "yes" if flag else "no"


def lines_section(m: dict) -> Section:
    loc = m["loc"]
    rows = []
    for kind in KINDS:
        row = [kind + ("" if kind in HAND_WRITTEN else " (apart)")]
        for app in ("django", "flask"):
            k = loc[app]["kinds"][kind]
            row += [k["files"], k["code"], k["comment"], k["blank"]]
        rows.append(row)
    for label, key in (("hand-written total", "hand_written"), ("of which ordinary", "ordinary")):
        hw = [loc[a][key] for a in ("django", "flask")]
        rows.append(
            [label, *[x for h in hw for x in (h["files"], h["code"], h["comment"], h["blank"])]]
        )
    by_kind = Table(
        "Lines by kind (pygount: code / comment incl. docstrings / blank, bare brackets as blank)",
        ["kind", "D files", "D code", "D cmt", "D blank", "F files", "F code", "F cmt", "F blank"],
        rows,
        numeric=set(range(1, 9)),
    )
    cx = {a: loc[a]["complexity"] for a in ("django", "flask")}
    complexity = Table(
        "Cyclomatic complexity of the Python (radon; hardening in, tests and migrations out)",
        ["figure", "Django", "Flask"],
        [
            ["functions and classes", cx["django"]["blocks"], cx["flask"]["blocks"]],
            ["mean complexity", cx["django"]["mean"], cx["flask"]["mean"]],
            ["sum of complexity", cx["django"]["total"], cx["flask"]["total"]],
            ["blocks over 10", cx["django"]["over_10"], cx["flask"]["over_10"]],
            [
                "most complex",
                f"{cx['django']['max']['name']} ({cx['django']['max']['cc']})"
                if cx["django"]["max"]
                else "-",
                f"{cx['flask']['max']['name']} ({cx['flask']['max']['cc']})"
                if cx["flask"]["max"]
                else "-",
            ],
        ],
        numeric={1, 2},
    )
    concept_rows = [
        [
            kind,
            v["django"]["code"],
            v["flask"]["code"],
            f"{v['flask']['code'] - v['django']['code']:+d}",
        ]
        for kind, v in m["concept_kinds"].items()
    ]
    per_concept = Table(
        "Code lines per kind of concept (the spans of shared_spec/CONCEPTS.toml, no line twice)",
        ["kind of concept", "Django", "Flask", "Flask - Django"],
        concept_rows,
        numeric={1, 2, 3},
    )
    return Section(
        "loc",
        "1. Lines of code",
        [by_kind, complexity, per_concept],
        [
            "Hand-written = "
            + " + ".join(HAND_WRITTEN)
            + "; generated migrations, tests and docs are counted apart. hardening = "
            "hardening.py, the code each app keeps only to survive hostile input (fuzzers, "
            'scanners); python and "of which ordinary" leave it out.',
            *hardening_notes(loc),
        ],
    )


def hardening_notes(loc: dict) -> list[str]:
    """Say, from the figures, how many lines of hardening each side needed never to answer 500."""
    names = {"django": "Django", "flask": "Flask"}
    hard = {a: loc[a]["kinds"].get("hardening", {}) for a in APPS}
    has = [a for a in APPS if hard[a].get("files")]
    if not has:
        return []
    if len(has) < len(APPS):
        missing = next(a for a in APPS if a not in has)
        return [
            f"{names[has[0]]} keeps {hard[has[0]]['code']} lines of hardening code in "
            f"{hard[has[0]]['files']} file(s); {names[missing]} has no hardening.py yet, so "
            "whatever it does against hostile input is still counted as python."
        ]
    parts = []
    for a in APPS:
        total = loc[a]["hand_written"]["code"]
        share = hard[a]["code"] / total if total else 0.0
        parts.append(
            f"{names[a]} {hard[a]['code']} lines of code ({share:.0%} of its hand-written "
            f"{total}, beside {total - hard[a]['code']} of ordinary code)"
        )
    d, f = (hard[a]["code"] for a in APPS)
    more = (
        "as many on each side"
        if d == f
        else f"{'Flask' if f > d else 'Django'} {abs(f - d)} more"
        + (f", {max(d, f) / min(d, f):.1f}x" if min(d, f) else "")
    )
    return [
        "To never answer 500 to hostile input, each side needed hardening: "
        + "; ".join(parts)
        + f" ({more})."
    ]


def deps_section(m: dict) -> Section:
    d = m["deps"]
    summary = Table(
        "Dependencies resolved from installed metadata (each app's requirements.txt)",
        ["figure", "Django", "Flask"],
        [
            ["direct", d["django"]["direct"], d["flask"]["direct"]],
            ["transitive", d["django"]["transitive"], d["flask"]["transitive"]],
            ["total packages", d["django"]["total"], d["flask"]["total"]],
            ["installed size", mb(d["django"]["size"]), mb(d["flask"]["size"])],
            [
                "distinct maintainers",
                len(d["django"]["maintainers"]),
                len(d["flask"]["maintainers"]),
            ],
            [
                "licences",
                ", ".join(sorted({p["licence"] for p in d["django"]["packages"]})),
                ", ".join(sorted({p["licence"] for p in d["flask"]["packages"]})),
            ],
        ],
        numeric={1, 2},
    )
    tables = [summary]
    for app in ("django", "flask"):
        tables.append(
            Table(
                f"{app.title()} packages",
                ["package", "version", "how", "size", "licence", "maintainer"],
                [
                    [
                        p["name"],
                        p["version"] or "missing",
                        "direct" if p["direct"] else "via " + ", ".join(p["required_by"]),
                        mb(p["size"]),
                        p["licence"],
                        p["maintainer"].removeprefix("github.com/"),
                    ]
                    for p in d[app]["packages"]
                ],
                numeric={3},
            )
        )
    notes = [
        f"Flask itself requires {len(m['flask_closure']['requires'])} packages: "
        + ", ".join(m["flask_closure"]["requires"])
        + f"; Django itself requires {len(m['django_closure']['requires'])}: "
        + ", ".join(m["django_closure"]["requires"])
        + "."
    ]
    for app in ("django", "flask"):
        if d[app]["missing"]:
            notes.append(f"{app}: required but not installed here: {', '.join(d[app]['missing'])}")
    return Section("deps", "2. Dependencies", tables, notes)


def setup_section(m: dict) -> Section:
    s = m["setup"]
    count = max(len(s["django"]["steps"]), len(s["flask"]["steps"]))
    rows = []
    for i in range(count):
        row = [i + 1]
        for app in ("django", "flask"):
            steps = s[app]["steps"]
            row.append(steps[i] if i < len(steps) else "")
        rows.append(row)
    rows.append(["all", *[f"{s[a]['commands']} commands, {s[a]['app']} for the app" for a in APPS]])
    tables = [
        Table(
            "Documented steps (shared_spec/SETUP.toml = each README's Quick start)",
            ["#", "Django", "Flask"],
            rows,
        )
    ]
    notes = [
        f"{app.title()} README matches SETUP.toml: {yes(s[app]['readme_matches'])}"
        for app in ("django", "flask")
    ]
    run = m.get("setup_run")
    if run:
        timed = []
        for i in range(count):
            row = [i + 1]
            for app in ("django", "flask"):
                steps = (run.get(app) or {}).get("steps", [])
                row.append(
                    f"{steps[i]['seconds']:.1f} s{'' if steps[i]['ok'] else ' FAILED'}"
                    if i < len(steps)
                    else ""
                )
            timed.append(row)
        timed.append(["first 200", *[
            f"{run[a]['seconds_to_first_200']:.1f} s"
            if run.get(a, {}).get("ok")
            else "never: " + shorten(run.get(a, {}).get("error", "not run").replace("\n", " "), 40)
            for a in ("django", "flask")
        ]])  # fmt: skip
        tables.append(
            Table(
                f"Run from scratch, {run.get('ran_at', '')}: seconds per step "
                "(the last one: gunicorn until /healthz answers 200)",
                ["#", "Django", "Flask"],
                timed,
            )
        )
        for app in ("django", "flask"):
            if run.get(app) and not run[app].get("ok"):
                notes.append(f"{app.title()} setup failed: {run[app].get('error', '')[-300:]}")
    else:
        notes.append(
            "Not run this time: `python compare.py --run-setup` (or `make compare-setup`) "
            "runs and times them."
        )
    return Section("setup", "3. Setup steps", tables, notes)


def spec_section(m: dict) -> Section:
    spec = m["spec"]
    rows = [
        [r["id"], shorten(r["text"]), r["apps"]["django"]["outcome"], r["apps"]["flask"]["outcome"]]
        for r in spec["rules"]
    ]
    totals = spec["totals"]
    rows.append(
        [
            "all",
            "rules passed",
            f"{totals['django']['passed']}/{len(spec['rules'])}",
            f"{totals['flask']['passed']}/{len(spec['rules'])}",
        ]
    )
    run = m["spec_run"]
    notes = [
        f"Shared suite: {run.get('line') or 'no summary'} — exit code {run.get('exit_code')}, "
        f"{run.get('seconds')} s, "
        f"{'cached from ' + run.get('ran_at', '') if run.get('cached') else 'run now'} "
        f"(mode {spec.get('mode')}, database {spec.get('database')})."
    ]
    failed: dict[str, list[str]] = {}
    for r in spec["rules"]:
        for app in ("django", "flask"):
            for test in r["apps"][app]["failed_tests"]:
                failed.setdefault(test, []).append(r["id"])
    notes += [f"failed: {test} ({', '.join(dict.fromkeys(ids))})" for test, ids in failed.items()]
    return Section(
        "spec",
        "4. Spec conformance (shared_spec/SPEC.md)",
        [Table("Each rule, per app", ["rule", "what", "Django", "Flask"], rows)],
        notes,
    )


def cookie_text(cookie: dict | None) -> str:
    if not cookie:
        return "not sent"
    flags = [f"SameSite={cookie['samesite']}"]
    flags += ["HttpOnly"] if cookie["httponly"] else ["not HttpOnly"]
    flags += ["Secure"] if cookie["secure"] else []
    return f"{cookie['name']}: " + ", ".join(flags)


def engine_text(engine: dict) -> str:
    return f"{engine.get('backend')} ({engine.get('provider')})"


def session_cookie(probe: dict) -> dict | None:
    cookies = probe.get("cookies", {})
    for name in ("sessionid", "session"):
        if name in cookies:
            return cookies[name]
    return None


def defaults_section(m: dict) -> Section:
    d, f = m["defaults"]["django"], m["defaults"]["flask"]
    rows = []
    for header in d.get("headers") or f.get("headers") or {}:
        rows.append(
            [
                header,
                d.get("headers", {}).get(header) or "—",
                f.get("headers", {}).get(header) or "—",
            ]
        )
    rows.append(["session cookie", cookie_text(session_cookie(d)), cookie_text(session_cookie(f))])
    others = sorted(
        (set(d.get("cookies", {})) | set(f.get("cookies", {}))) - {"sessionid", "session"}
    )
    for name in others:
        rows.append(
            [
                f"cookie {name}",
                cookie_text(d.get("cookies", {}).get(name)),
                cookie_text(f.get("cookies", {}).get(name)),
            ]
        )
    rows.append(["CSRF failure status", d.get("csrf_failure_status"), f.get("csrf_failure_status")])
    rows.append(
        [
            "password hash (as stored)",
            f"{d.get('password', {}).get('scheme')} {d.get('password', {}).get('cost')}",
            f"{f.get('password', {}).get('scheme')} {f.get('password', {}).get('cost')}",
        ]
    )
    rows.append(
        [
            "template engine",
            engine_text(d.get("template_engine", {})),
            engine_text(f.get("template_engine", {})),
        ]
    )
    rows.append(
        [
            "sessions",
            f"{d.get('session', {}).get('engine')} ({d.get('session', {}).get('provider')})",
            f"{f.get('session', {}).get('engine')} ({f.get('session', {}).get('provider')})",
        ]
    )
    tables = [
        Table(
            "Read from the running apps (in-process, a fresh database each; a visitor signs up)",
            ["default", "Django", "Flask"],
            rows,
        )
    ]
    for app, probe in (("django", d), ("flask", f)):
        tables.append(
            Table(
                f"{app.title()} request pipeline, in order"
                + (
                    " (settings.MIDDLEWARE)"
                    if app == "django"
                    else " (hooks and extensions of create_app())"
                ),
                ["kind", "name", "provided by"],
                [[s["kind"], s["name"], s["provider"]] for s in probe.get("pipeline", [])],
            )
        )
    tables.append(
        Table(
            "Provenance: which package provides each feature "
            "(shared_spec/PROVENANCE.toml, every `where` checked)",
            ["feature", "Django", "Flask"],
            [
                [
                    p["name"],
                    f"{p['django']['provider']}: {p['django']['package'] or '-'}",
                    f"{p['flask']['provider']}: {p['flask']['package'] or '-'}",
                ]
                for p in m["provenance"]
            ],
        )
    )
    notes = [
        f"{app}: probe failed: {m['defaults'][app]['error'][-500:]}"
        for app in ("django", "flask")
        if m["defaults"][app].get("error")
    ]
    return Section("defaults", "5. Defaults read from the running apps", tables, notes)


def concepts_section(m: dict) -> Section:
    rows, under = [], {}
    for c in m["concepts"]:
        neither = not any(c["sides"][app]["locations"] for app in APPS)
        refs = {}
        for app in ("django", "flask"):
            locs = c["sides"][app]["locations"]
            # One line a file, its symbols' lines after it: file.py:12,40 (the HTML shows code).
            per_file: dict[str, list[str]] = {}
            for loc in locs:
                per_file.setdefault(loc["file"], []).append(str(loc["line"]))
            refs[app] = "\n".join(
                f"{file}:{','.join(lines)}" for file, lines in per_file.items()
            ) or ("(written by neither app)" if neither else "(the framework)")
        rows.append(
            [
                f"{c['name']} ({c['kind']})",
                refs["django"],
                c["sides"]["django"]["code"],
                refs["flask"],
                c["sides"]["flask"]["code"],
            ]
        )
        if c.get("lesson"):
            under[len(rows) - 1] = f"Lesson: {c['lesson']}"
    return Section(
        "concepts",
        "6. Concept map (shared_spec/CONCEPTS.toml, resolved)",
        [
            Table(
                "Where each concept lives (file:line of each symbol) and its code lines",
                ["concept", "Django", "lines", "Flask", "lines"],
                rows,
                numeric={2, 4},
                expand=True,
                under=under,
            )
        ],
        [
            "A lesson, under its concept, names a difference between the frameworks that the "
            "two apps keep on purpose."
        ]
        if under
        else [],
    )


def claims_section(m: dict) -> Section:
    rows = [[c["id"], c["claim"], c["verdict"], c["evidence"]] for c in m["claims"]]
    counts = {}
    for c in m["claims"]:
        counts[c["verdict"]] = counts.get(c["verdict"], 0) + 1
    return Section(
        "claims",
        "7. Claims (CLAIMS.md) against the evidence",
        [
            Table(
                "Each claim, its evidence and the verdict its rule gives (compare/claims.py)",
                ["id", "claim", "verdict", "evidence"],
                rows,
            )
        ],
        [
            "Verdicts: "
            + ", ".join(f"{v} {n}" for v, n in counts.items())
            + ". Each rule is written beside its claim in compare/claims.py and in compare.json."
        ],
    )


def change_cell(change: dict | None) -> str:
    if not change:
        return "-"
    generated = f" ({change['in_migrations']} generated)" if change["in_migrations"] else ""
    files = f"{change['files']} file{'s' * (change['files'] != 1)}"
    return f"{files}, +{change['added']}{generated} -{change['removed']}"


def workshop_section(m: dict) -> Section:
    found = m.get("workshop") or {"costs": [], "totals": {}}
    rows = [
        [
            str(entry["exercise"]),
            entry["title"],
            change_cell(entry["sides"]["django"]),
            change_cell(entry["sides"]["flask"]),
            change_cell(entry["sides"]["tests"]),
        ]
        for entry in found["costs"]
    ]
    sides = ("django", "flask", "tests")
    total = [change_cell(found["totals"].get(side)) for side in sides]
    rows.append(["", "all exercises (a file once per exercise)", *total])
    notes = [
        "Measured from docs/workshop/solutions/*.patch (each applied after the ones before it): "
        'files touched and lines added/removed per side. "generated" lines are migrations '
        "the framework's CLI wrote (makemigrations; flask db migrate, then reviewed)."
    ]
    solutions = found.get("solutions")
    if solutions:
        passed = sum(all(entry["after"].values()) for entry in solutions["exercises"])
        notes.append(
            f"make solutions: {passed}/{len(solutions['exercises'])} solutions pass their "
            f"checkpoint on both apps; whole suite with all of them "
            f"{'passed' if solutions['suite']['passed'] else 'FAILED'}."
        )
    else:
        notes.append("make solutions has not run here: the checkpoints' results are not shown.")
    broken = found.get("break_it")
    if broken:
        missed = [
            f"{d['number']:02d}-{d['slug']} on {d['app']}"
            for d in broken["drills"]
            if not d["caught"]
        ]
        notes.append(
            f"make break-it: the shared suite caught {broken['caught']}/{broken['total']} "
            f"deliberate mistakes ({broken['score']:.0%})"
            + (f"; missed: {', '.join(missed)}" if missed else "")
            + "."
        )
    else:
        notes.append("make break-it has not run here: its mutation score is not shown.")
    return Section(
        "workshop",
        "8. Workshop: what each exercise cost each side",
        [
            Table(
                "Files and lines changed by each exercise's solution",
                ["#", "exercise", "Django", "Flask", "shared tests"],
                rows,
            )
        ],
        notes,
    )


def build_sections(m: dict) -> list[Section]:
    return [
        lines_section(m),
        deps_section(m),
        setup_section(m),
        spec_section(m),
        defaults_section(m),
        concepts_section(m),
        claims_section(m),
        workshop_section(m),
    ]


# -- terminal ----------------------------------------------------------------------------------


def styled(value, column: str) -> Text | str:
    text = str(value)
    if column == "verdict":
        return Text(text, style=VERDICT_STYLE.get(text, ""))
    if column in ("Django", "Flask") and text in OUTCOME_STYLE:
        return Text(text, style=OUTCOME_STYLE[text])
    return text


def rich_table(table: Table, rows: list[list], widths: list[int] | None, first: bool) -> RichTable:
    """Return a rich table of some rows; a later chunk (first=False) continues the first."""
    rich = RichTable(
        title=table.title if first else None,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        show_lines=False,
        show_header=first,
        show_edge=widths is None,
        expand=table.expand and widths is None,
    )
    for i, column in enumerate(table.columns):
        rich.add_column(
            column,
            justify="right" if i in table.numeric else "left",
            overflow="fold",
            width=widths[i] if widths else None,
        )
    for row in rows:
        rich.add_row(*[styled(v, table.columns[i]) for i, v in enumerate(row)])
    return rich


def fixed_widths(table: Table, width: int) -> list[int]:
    """Give numeric columns their content's width and share the rest among the others."""
    cells = [
        [table.columns[i], *(str(row[i]) for row in table.rows)] for i in range(len(table.columns))
    ]
    widths = [
        max(len(line) for cell in column for line in cell.split("\n")) if i in table.numeric else 0
        for i, column in enumerate(cells)
    ]
    text = [i for i in range(len(widths)) if i not in table.numeric]
    free = width - 3 * len(widths) - sum(widths)  # padding and the column gaps
    for i in text:
        widths[i] = max(free // len(text), 8)
    return widths


def print_table(table: Table, console: Console) -> None:
    """Print a table; a line under a row (Table.under) runs the table's whole width."""
    if not table.under:
        console.print(rich_table(table, table.rows, None, True))
        return
    widths = fixed_widths(table, console.width)
    console.print()
    start = 0
    for r in sorted(table.under):
        console.print(rich_table(table, table.rows[start : r + 1], widths, start == 0))
        console.print(Padding(Text(f"↳ {table.under[r]}", style="italic"), (0, 1, 0, 2)))
        start = r + 1
    if start < len(table.rows):
        console.print(rich_table(table, table.rows[start:], widths, False))
    console.print()


def render_terminal(sections: list[Section], console: Console, outputs: list[str]) -> None:
    """Print every section as rich tables, readable in 100 columns."""
    for section in sections:
        console.rule(f"[bold]{section.title}")
        for table in section.tables:
            print_table(table, console)
        for note in section.notes:
            console.print(f"[dim]•[/dim] {note}", highlight=False)
    console.rule("[bold]9. Output")
    for path in outputs:
        console.print(f"  {path}")


# -- Markdown ----------------------------------------------------------------------------------


def md_cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", "<br>")


def render_markdown(sections: list[Section], header: str, outputs: list[str]) -> str:
    """Return the whole report as GitHub-flavoured Markdown."""
    out = [header, ""]
    for section in sections:
        out += [f"## {section.title}", ""]
        for table in section.tables:
            out += [f"**{table.title}**", ""]
            out.append("| " + " | ".join(table.columns) + " |")
            out.append(
                "|"
                + "|".join(
                    "---:" if i in table.numeric else "---" for i in range(len(table.columns))
                )
                + "|"
            )
            for r, row in enumerate(table.rows):
                out.append("| " + " | ".join(md_cell(v) for v in row) + " |")
                if r in table.under:
                    blanks = " |" * (len(table.columns) - 1)
                    out.append(f"| ↳ {md_cell(table.under[r])} |{blanks}")
            out.append("")
        out += [f"- {note}" for note in section.notes]
        out.append("")
    out += ["## 9. Output", "", *[f"- `{p}`" for p in outputs], ""]
    return "\n".join(out)
