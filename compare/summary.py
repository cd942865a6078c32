"""Say what the figures show: the headline figures and one sentence per part, computed."""

from __future__ import annotations

import statistics
from collections import Counter

from toolkit.paths import APPS

NAMES = {"django": "Django", "flask": "Flask"}
LOC_FIELDS = ("files", "code", "comment", "blank")
BENCH_FIGURES = (
    ("memory per worker", "memory_per_worker_mb", " MB"),
    ("start-up", "startup_seconds", " s"),
)
BENCH_NOTES = ("server", "load_generator", "settings")
COMPLEXITY = (
    ("functions and classes", "blocks"),
    ("mean complexity", "mean"),
    ("sum of complexity", "total"),
    ("blocks over 10", "over_10"),
)
RUN_BENCH = "run make bench"
VERDICTS = ("supported", "contradicted", "mixed", "not measurable here", RUN_BENCH)


def number(value, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}{unit}"
    return (f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.1f}") + unit


def plain_data(value) -> str:
    """Return data (a rule's figures, thresholds, settings) as one readable line."""
    if isinstance(value, dict):
        return ", ".join(f"{k} = {plain_data(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(plain_data(v) for v in value)
    return str(value)


def versus(what: str, d: float, f: float, unit: str = "") -> str:
    """Say how Flask's figure compares with Django's, in per cent, then both figures."""
    both = f"({number(f, unit)} against {number(d, unit)})"
    if d == f or not d:
        return f"the same {what} as Django ({number(d, unit)})" if d == f else f"{what} {both}"
    return f"{abs(f - d) / d:.0%} {'more' if f > d else 'fewer'} {what} than Django {both}"


def hardening_notes(loc: dict) -> list[str]:
    """Say, from the figures, how many lines of hardening each side needed never to answer 500."""
    hard = {a: loc[a]["kinds"].get("hardening", {}) for a in APPS}
    has = [a for a in APPS if hard[a].get("files")]
    if not has:
        return []
    if len(has) < len(APPS):
        missing = next(a for a in APPS if a not in has)
        return [
            f"{NAMES[has[0]]} keeps {hard[has[0]]['code']} lines of hardening code in "
            f"{hard[has[0]]['files']} file(s); {NAMES[missing]} has no hardening.py yet, so "
            "whatever it does against hostile input is still counted as python."
        ]
    parts = []
    for a in APPS:
        total = loc[a]["hand_written"]["code"]
        share = hard[a]["code"] / total if total else 0.0
        parts.append(
            f"{NAMES[a]} {hard[a]['code']} lines of code ({share:.0%} of its hand-written "
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


def setup_time(run: dict | None, app: str) -> str:
    side = (run or {}).get(app) or {}
    if not run:
        return "not timed"
    if side.get("ok"):
        return f"{side['seconds_to_first_200']:.1f} s"
    return "never: " + (side.get("error") or "not run").replace("\n", " ")[:40]


def pages(bench: dict, app: str) -> dict:
    return ((bench or {}).get("apps") or {}).get(app, {}).get("pages") or {}


def rps_text(page: dict | None) -> str:
    """Return a page's median req/s with the spread of its runs: the noise it carries."""
    if not page or page.get("rps") is None:
        return "-"
    spread = (page.get("rps_spread") or {}).get("spread_pct")
    return number(page["rps"]) + (f" ± {spread / 2:.0f}%" if spread is not None else "")


def paired(django: dict | None, flask: dict | None) -> list[float]:
    """Return Flask's req/s over Django's, run by run (the runs alternate), else of the medians."""
    if not (django and flask):
        return []
    runs = list(zip(django.get("runs_rps") or [], flask.get("runs_rps") or [], strict=False))
    if runs and all(d and f for d, f in runs):
        return [f / d for d, f in runs]
    return [flask["rps"] / django["rps"]] if django.get("rps") and flask.get("rps") else []


def ratio_text(django: dict | None, flask: dict | None) -> str:
    ratios = paired(django, flask)
    if not ratios:
        return "-"
    low, high = min(ratios), max(ratios)
    noise = " (within the noise)" if low <= 1 <= high else ""
    return f"{statistics.median(ratios):.2f}x (runs {low:.2f}-{high:.2f}){noise}"


def bench_figure(bench: dict, app: str, key: str, unit: str) -> str:
    value = ((bench or {}).get("apps") or {}).get(app, {}).get(key)
    return number(value, unit) if value is not None else RUN_BENCH


def mean_rps(bench: dict, app: str) -> str:
    """Return the mean over the pages of their median req/s, with the widest spread among them."""
    found = [p for p in pages(bench, app).values() if isinstance(p, dict) and p.get("rps")]
    if not found:
        return RUN_BENCH
    spreads = [(p.get("rps_spread") or {}).get("spread_pct") for p in found]
    widest = max((s for s in spreads if s is not None), default=None)
    noise = f" ± {widest / 2:.0f}%" if widest is not None else ""
    return number(statistics.mean(p["rps"] for p in found)) + noise


def headline_rows(m: dict) -> list[tuple[str, str, list[str]]]:
    """Return (figure, part, [Django's, Flask's]) for each headline figure."""
    loc, deps, steps, spec = m["loc"], m["deps"], m["setup"], m["spec"]
    total = len(spec["rules"])
    return [
        ("hand-written code lines", "loc", [number(loc[a]["hand_written"]["code"]) for a in APPS]),
        (
            "dependencies",
            "deps",
            [f"{deps[a]['total']} packages, {deps[a]['size'] / 1e6:.1f} MB" for a in APPS],
        ),
        ("setup commands", "setup", [steps[a]["commands"] for a in APPS]),
        ("setup to first 200", "setup", [setup_time(m.get("setup_run"), a) for a in APPS]),
        ("spec rules passed", "spec", [f"{spec['totals'][a]['passed']}/{total}" for a in APPS]),
        ("requests per second", "bench", [mean_rps(m.get("bench"), a) for a in APPS]),
        (
            "memory per worker",
            "bench",
            [bench_figure(m.get("bench"), a, "memory_per_worker_mb", " MB") for a in APPS],
        ),
    ]


def loc_sentence(m: dict) -> str:
    code = [m["loc"][a]["hand_written"]["code"] for a in APPS]
    return f"Flask has {versus('hand-written code lines', *code)}."


def deps_sentence(m: dict) -> str:
    d = m["deps"]
    packages = versus("packages", *[d[a]["total"] for a in APPS])
    size = versus("megabytes", *[d[a]["size"] / 1e6 for a in APPS], " MB")
    return f"Flask installs {packages}, {size}."


def setup_sentence(m: dict) -> str:
    steps = "Flask's Quick start has " + versus(
        "commands", *[m["setup"][a]["commands"] for a in APPS]
    )
    run = m.get("setup_run")
    if not run:
        return steps + "; not timed this run (make compare-setup)."
    times = ", ".join(f"{NAMES[a]} {setup_time(run, a)}" for a in APPS)
    return f"{steps}; from scratch to the first 200: {times}."


def spec_sentence(m: dict) -> str:
    spec = m["spec"]
    total, passed = len(spec["rules"]), [spec["totals"][a]["passed"] for a in APPS]
    if all(spec["totals"][a]["not run"] == total for a in APPS):
        return f"No results of the shared suite here: its {total} rules are not run."
    if passed == [total, total]:
        return f"Both apps pass all {total} rules of the spec."
    text = f"Of the spec's {total} rules, Django passes {passed[0]} and Flask {passed[1]}"
    failing = {
        a: [r["id"] for r in spec["rules"] if r["apps"][a]["outcome"] == "failed"] for a in APPS
    }
    named = [f"{NAMES[a]} fails {', '.join(ids)}" for a, ids in failing.items() if ids]
    return text + (f"; {'; '.join(named)}" if named else "") + "."


def defaults_sentence(rows: list[list]) -> str:
    differ = [row[0] for row in rows if row[1] != row[2]]
    if not differ:
        return f"All {len(rows)} defaults read are the same on both apps."
    named = ", ".join(differ[:3]) + (f" and {len(differ) - 3} more" if len(differ) > 3 else "")
    return f"{len(differ)} of the {len(rows)} defaults read differ: {named}."


def concepts_sentence(m: dict) -> str:
    concepts = m["concepts"]
    framework = {a: sum(not c["sides"][a]["locations"] for c in concepts) for a in APPS}
    lessons = sum(bool(c.get("lesson")) for c in concepts)
    return (
        f"Of {len(concepts)} concepts, the framework alone does {framework['django']} for "
        f"Django and {framework['flask']} for Flask; {lessons} carry a lesson."
    )


def claims_sentence(claims: list[dict]) -> str:
    counts = Counter(c["verdict"] for c in claims)
    order = sorted(counts, key=lambda v: VERDICTS.index(v) if v in VERDICTS else len(VERDICTS))
    return f"Of {len(claims)} claims: " + ", ".join(f"{counts[v]} {v}" for v in order) + "."


def workshop_sentence(found: dict) -> str:
    totals = found.get("totals") or {}
    if not found.get("costs"):
        return "No workshop exercise measured."
    sides = [
        f"{NAMES[a]} +{totals[a]['added']} -{totals[a]['removed']} lines in {totals[a]['files']} "
        "files"
        for a in APPS
        if totals.get(a)
    ]
    return f"The {len(found['costs'])} exercises changed " + ", ".join(sides) + "."


def workshop_checks(found: dict) -> list[str]:
    """Say what the last `make solutions` and `make break-it` found, when they have run."""
    notes = []
    solutions, broken = found.get("solutions"), found.get("break_it")
    if solutions:
        passed = sum(all(entry["after"].values()) for entry in solutions["exercises"])
        notes.append(
            f"make solutions: {passed}/{len(solutions['exercises'])} solutions pass their "
            f"checkpoint on both apps; whole suite with all of them "
            f"{'passed' if solutions['suite']['passed'] else 'FAILED'}."
        )
    else:
        notes.append("make solutions has not run here: the checkpoints' results are not shown.")
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
    return notes


def bench_sentence(bench: dict) -> str:
    if not pages(bench, "django"):
        return "Not measured here: make bench writes build/bench.json."
    ratios = [
        paired(p, pages(bench, "flask").get(name)) for name, p in pages(bench, "django").items()
    ]
    ratios = [r for r in ratios if r]
    if not ratios:
        return "The bench measured no page on both apps."
    medians = [statistics.median(r) for r in ratios]
    noisy = sum(min(r) <= 1 <= max(r) for r in ratios)
    return (
        f"Flask serves {min(medians):.2f}x to {max(medians):.2f}x Django's requests per second "
        f"over {len(ratios)} pages (median of paired runs); on {noisy} of them the runs "
        "overlap 1x, within the noise."
    )
