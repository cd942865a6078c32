"""The report's parts on performance (build/bench.json) and scale-out (build/scale.json)."""

from __future__ import annotations

from pathlib import Path

from compare import bench as benchmod
from compare import scale, summary
from compare.model import Section, Table, pairs
from compare.summary import NAMES, RUN_BENCH, bench_figure
from toolkit.paths import APPS, BUILD


def millions(value: float | None) -> str:
    """Return a count in millions: one decimal, two below a million (a ceiling's small pages)."""
    return f"{value / 1e6:.{1 if value >= 1e6 else 2}f}" if value else "-"


def formatted(form: str):
    """Return a function that formats a figure (a dash for none): formatted(".2f")(0.4)."""
    return lambda value: "-" if value is None else format(value, form)


def both(pages: dict, name: str, key: str, shown=str) -> str:
    """Return one figure of a page for Django and Flask, as "D / F"."""
    values = [pages[a].get(name, {}).get(key) for a in APPS]
    return " / ".join("-" if v is None else shown(v) for v in values)


def headline_instructions(bench: dict | None, app: str) -> str:
    """Return the home page's instructions per request, the headline's load-independent figure."""
    page = benchmod.app_figure(bench, app, "pages", "home") or {}
    if not page.get("instructions"):
        return RUN_BENCH
    times = page.get("times_ceiling")
    return f"{millions(page['instructions'])} M" + (f" ({times:.1f}x the ceiling)" if times else "")


def instruction_rows(bench: dict) -> list[list]:
    """Return per page: both apps stock, the ceiling, the ratio, x the ceiling, lean, SQL."""
    pages = {a: benchmod.app_figure(bench, a, "pages") or {} for a in APPS}
    lean = {a: benchmod.app_figure(benchmod.profile(bench, "lean"), a, "pages") or {} for a in APPS}
    ceiling = (bench.get("ceiling") or {}).get("pages") or {}
    ratios, rows = benchmod.instruction_ratios(bench), []
    for name in pages["django"]:
        top = (ceiling.get(name) or {}).get("instructions")
        top = top or benchmod.page_figure(bench, "django", name, "ceiling_instructions")
        stock = [millions(pages[a].get(name, {}).get("instructions")) for a in APPS]
        ratio = f"{ratios[name]:.2f}" if name in ratios else "-"
        times = both(pages, name, "times_ceiling", "{:.1f}".format)
        thin = both(lean, name, "instructions", millions)
        rows.append(
            [name, *stock, millions(top), ratio, times, thin, both(pages, name, "sql_statements")]
        )
    return rows


def rps_rows(bench: dict) -> list[list]:
    """Return per page the median req/s of each app, marked when noisy, and their paired ratio."""
    pages = {a: benchmod.app_figure(bench, a, "pages") or {} for a in APPS}
    ratios, noisy, rows = benchmod.paired_ratios(bench), benchmod.noisy_pages(bench), []
    for name in pages["django"]:
        ratio = summary.ratio_text(ratios[name]) if name in ratios else "-"
        if any(f"{a}/{name}" in noisy for a in APPS):
            ratio = "noisy: not read"
        rows.append([name, *[summary.rps_text(pages[a].get(name)) for a in APPS], ratio])
    for label, key, unit in (("memory per worker", "memory_per_worker_mb", " MB"),
                             ("start-up", "startup_seconds", " s")):  # fmt: skip
        rows += [[label, *[bench_figure(bench, a, key, unit) for a in APPS], ""]] if rows else []
    return rows


# Issue-set goals for 100 times the posts: what a page may cost at the largest size over the
# smallest (bench/README.md, "Cost as the data grows").
GROWTH_GOALS = {"home": 1.5, "detail": 1.5, "search": 3.0, "rare_search": 3.0}


def growth_cells(by: dict, sizes: list[int], name: str, key: str, shown) -> list[str]:
    """Return a page's figure at each size, largest / smallest, and whether it meets its goal."""
    values = [(by.get(str(s)) or {}).get(name, {}).get(key) for s in sizes]
    grew = values[-1] / values[0] if values[0] and values[-1] else None
    goal = GROWTH_GOALS.get(name)
    verdict = "" if goal is None or grew is None else ("met" if grew <= goal else "not met")
    return [
        *map(shown, values),
        "-" if grew is None else f"{grew:.1f}x",
        f"{goal}x: {verdict}" if verdict else "",
    ]


def growth_tables(bench: dict) -> list[Table]:
    """Return per database the instructions (and on PostgreSQL the database's ms) at each size."""
    tables = []
    for database in ("sqlite", "postgresql"):
        grown = benchmod.growth(bench, database)
        grown = {side: by for side, by in grown.items() if side != "errors"}
        sizes = sorted({int(s) for by in grown.values() for s in by})
        names = {p: None for by in grown.values() for pages in by.values() for p in pages}
        columns = ["page", "side", *[f"{s:,} posts" for s in sizes], "largest / smallest", "goal"]
        numbers = set(range(2, 3 + len(sizes)))
        for key, shown, what in (
            ("instructions", millions, "Instructions per request (millions)"),
            ("db_ms", formatted(".2f"), "Database CPU ms per request"),
        ):
            rows = [
                [name, NAMES.get(side, "plain WSGI"), *growth_cells(by, sizes, name, key, shown)]
                for name in names
                for side, by in grown.items()
                if any((by.get(str(s)) or {}).get(name, {}).get(key) for s in sizes)
            ]
            title = f"{what} as the posts grow: {database}"
            tables += [Table(title, columns, rows, numbers)] if rows else []
    return tables


def bench_sentence(bench: dict) -> str:
    """Say what the counts show (they repeat whatever the load), and how many rates are noisy."""
    ratios = benchmod.instruction_ratios(bench)
    if not ratios:
        return "Not counted here: make bench writes build/bench.json (the counts need valgrind)."
    home = [benchmod.page_figure(bench, a, "home", "instructions") for a in APPS]
    home_text = ", ".join(f"{NAMES[a]} {millions(v)} M" for a, v in zip(APPS, home, strict=True))
    noisy = len(benchmod.noisy_pages(bench))
    rates = sum(1 for a in APPS for _ in benchmod.app_figure(bench, a, "pages") or {})
    return (
        f"Counted under callgrind, Flask takes {min(ratios.values()):.2f}x to "
        f"{max(ratios.values()):.2f}x Django's instructions per request over {len(ratios)} pages "
        f"(home: {home_text}); {noisy} of {rates} requests-per-second figures are marked noisy."
    )


def sign_in_note(bench: dict) -> list[str]:
    """Say what one password check at sign-in costs each side with its framework's default."""
    parts = []
    for app in APPS:
        check = (bench.get("sign_in") or {}).get(app) or {}
        if check.get("cpu_ms") is None:
            continue
        counted = check.get("instructions")
        counted = f"{counted / 1e6:,.0f} M instructions, " if counted else ""
        parts.append(f"{NAMES[app]} ({check.get('scheme')}) {counted}{check['cpu_ms']:.0f} ms")
    return (
        [
            f"One password check at sign-in, each framework's default hasher: {'; '.join(parts)} "
            "of CPU. Slow on purpose, paid per sign-in (and per guess), not per page."
        ]
        if parts
        else []
    )


def bench_section(m: dict, out: Path = BUILD) -> Section:
    bench = m.get("bench") or {}
    tables = []
    if rows := instruction_rows(bench):
        title = "Instructions per request, millions (callgrind), beside the plain-WSGI ceiling's"
        columns = ["page", "Django", "Flask", "ceiling", "Flask / Django", "x ceiling D/F",
                   "lean D/F", "SQL D/F"]  # fmt: skip
        tables.append(Table(title, columns, rows, {1, 2, 3, 4, 5, 6, 7}))
    tables += growth_tables(bench)
    if rows := rps_rows(bench):
        title = "Requests per second (secondary): the median of the runs ± half their spread"
        columns = ["page", "Django", "Flask", "Flask / Django (paired runs)"]
        tables.append(Table(title, columns, rows, {1, 2}))
    guard = bench.get("noise_guard") or {}
    shown = ("server", "load_generator", "settings")
    notes = [f"{k}: {summary.plain_data(bench[k])}" for k in shown if k in bench]
    notes += [f"instructions: {bench['instructions']['method']}"] if "instructions" in bench else []
    notes += sign_in_note(bench)
    if noisy := benchmod.noisy_pages(bench):
        notes.append(
            f"Noisy (load average over {guard.get('load_limit')} or runs spread over "
            f"{guard.get('spread_limit_pct')}%), shown but read by no verdict: {', '.join(noisy)}."
        )
    title = "Performance (build/bench.json, written by make bench)"
    return Section("bench", title, bench_sentence(bench), tables, notes)


def scale_sentence(data: dict | None, replicas: dict) -> str:
    """Say whether the drills lost any acknowledged write, and what running as replicas took."""
    took = "; ".join(
        f"{NAMES[a]} reads {len(c['settings'])} settings and adds {len(c['packages'])} "
        f"packages ({c['lines']} lines)"
        for a, c in replicas.items()
    )
    rows = scale.drill_rows(data)
    if not rows:
        return f"Not run here: make test-scale writes build/scale.json. To run as replicas, {took}."

    def total(app: str, key: str) -> str:
        return summary.number(sum(r[key] or 0 for r in rows if r["app"] == app))

    lost = [f"{NAMES[a]} {total(a, 'lost')} of {total(a, 'acknowledged_writes')}" for a in APPS]
    failed = [f"{NAMES[a]} {total(a, 'failed')} of {total(a, 'requests')}" for a in APPS]
    return (
        f"Over {len(rows)} drill runs, acknowledged writes lost: {', '.join(lost)} (requests "
        f"failed: {', '.join(failed)}); to run as replicas, {took}."
    )


def scale_section(m: dict, out: Path = BUILD) -> Section:
    data, replicas = m.get("scale"), m.get("replicas") or {}
    changes = {
        "settings read": lambda a: ", ".join(replicas[a]["settings"]) or "none",
        "packages added": lambda a: ", ".join(replicas[a]["packages"]) or "none",
        "lines naming them": lambda a: replicas[a]["lines"],
    }
    title = "What each app changed or added to run as replicas"
    tables = [pairs(title, changes)] if replicas else []
    figures = ("requests", "failed", "acknowledged_writes", "found_afterwards", "lost")
    drills = [
        [r["drill"], NAMES[r["app"]], *[summary.number(r[k]) for k in figures]]
        for r in scale.drill_rows(data)
    ]
    columns = ["drill", "app", *(f.replace("_", " ") for f in figures)]
    title = "Fault drills under load (3 replicas behind HAProxy)"
    tables += [Table(title, columns, drills, {2, 3, 4, 5, 6})] if drills else []
    tables += scale_bench_tables(data)
    notes = [
        "Failed requests include the faults' own: a killed replica's open requests (a POST is "
        "never replayed), the fast 503s while PostgreSQL restarts."
    ] if drills else []  # fmt: skip
    if measured := (data or {}).get("bench"):
        guard = measured["settings"]["noise_guard"]
        notes.append(
            f"make bench-scale: {measured['settings']['load_generator']}, the home page, "
            f"{measured['settings']['runs']} runs of {measured['settings']['duration']} s, on "
            f"{measured['machine']['usable_cores']} cores shared by every part. Noisy (other work "
            f"over {guard['other_cpu_limit_cores']} cores, or runs spread over "
            f"{guard['spread_limit_pct']:.0f}%): shown, no ratio, read by no verdict."
        )
    title = "Scale-out (build/scale.json: make test-scale; bench-scale.json: make bench-scale)"
    return Section("scale", title, scale_sentence(data, replicas), tables, notes)


def scale_bench_tables(data: dict | None) -> list[Table]:
    """Return make bench-scale's tables: req/s and ratios, the cores each part used, the SQL."""
    if not (rows := scale.throughput_rows(data)):
        return []
    shown = [
        [n, NAMES[a], summary.number(rps), summary.number(spread, "%"),
         ratio if isinstance(ratio, str) else f"{ratio:.2f}x", noise]
        for n, a, rps, spread, ratio, noise in rows
    ]  # fmt: skip
    title = "Requests per second through the balancer (home page), and the ratio to one replica"
    columns = ["replicas", "app", "req/s", "spread", "ratio", "noise"]
    tables = [Table(title, columns, shown, {2, 3, 4})]
    cpu = [[n, NAMES[a], *[f"{c:.2f}" for c in cores]] for n, a, *cores in scale.cpu_rows(data)]
    title = "Where the CPU went: cores each part kept busy under that load"
    columns = ["replicas up", "app", *scale.CPU_PARTS]
    tables.append(Table(title, columns, cpu, set(range(2, 2 + len(scale.CPU_PARTS)))))
    sql = [[page, *map(formatted(".1f"), values)] for page, *values in scale.sql_rows(data)]
    each = scale.per_replica(data)
    figures = (("PostgreSQL connections a replica", "connections", ".1f"),
               ("Redis commands a request (home)", "redis_commands", ".3f"))  # fmt: skip
    for label, key, form in figures:
        sql.append([label, *[formatted(form)(each.get(a, {}).get(key)) for a in APPS]])
    title = "SQL statements a request (PostgreSQL's statement log), connections, Redis"
    tables.append(Table(title, ["page", "Django", "Flask"], sql, {1, 2}))
    return tables
