"""Say what the figures show: the texts the report computes from them, cell by cell."""

from __future__ import annotations

import statistics

from compare import bench as benchmod
from toolkit.paths import APPS

NAMES = {"django": "Django", "flask": "Flask"}
RUN_BENCH = "run make bench"


def number(value, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}{unit}"
    return (f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.1f}") + unit


def plain_data(value) -> str:
    """Return data (a rule's figures, the bench's settings) as one readable line."""
    if isinstance(value, dict):
        return ", ".join(f"{k} = {plain_data(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(plain_data(v) for v in value)
    return str(round(value, 2) if isinstance(value, float) else value)


def versus(what: str, d: float, f: float, unit: str = "") -> str:
    """Say how Flask's figure compares with Django's, in per cent, then both figures."""
    if d == f:
        return f"the same {what} as Django ({number(d, unit)})"
    both = f"({number(f, unit)} against {number(d, unit)})"
    if not d:
        return f"{what} {both}"
    return f"{abs(f - d) / d:.0%} {'more' if f > d else 'fewer'} {what} than Django {both}"


def hardening_notes(loc: dict) -> list[str]:
    """Say, from the figures, how many lines of hardening each side needed never to answer 500."""
    hard = {a: loc[a]["kinds"].get("hardening", {}).get("code", 0) for a in APPS}
    if not any(hard.values()):
        return []
    if not all(hard.values()):
        has, lacks = sorted(APPS, key=lambda a: -hard[a])
        return [
            f"{NAMES[has]} keeps {hard[has]} lines of hardening code; {NAMES[lacks]} has no "
            "hardening.py yet, so whatever it does against hostile input is counted as python."
        ]
    parts = []
    for a in APPS:
        total = loc[a]["hand_written"]["code"]
        parts.append(
            f"{NAMES[a]} {hard[a]} lines of code ({hard[a] / total:.0%} of its hand-written "
            f"{total}, beside {total - hard[a]} of ordinary code)"
        )
    d, f = hard["django"], hard["flask"]
    more = f"{'Flask' if f > d else 'Django'} {abs(f - d)} more, {max(d, f) / min(d, f):.1f}x"
    return [
        "To never answer 500 to hostile input, each side needed hardening: "
        + "; ".join(parts)
        + f" ({more if d != f else 'as many on each side'})."
    ]


def setup_time(run: dict | None, app: str) -> str:
    side = (run or {}).get(app) or {}
    if not run:
        return "not timed"
    if side.get("ok"):
        return f"{side['seconds_to_first_200']:.1f} s"
    return "never: " + (side.get("error") or "not run").replace("\n", " ")[:40]


def rps_text(page: dict | None) -> str:
    """Return a page's median req/s with the spread of its runs, marked when found noisy."""
    if not page or page.get("rps") is None:
        return "-"
    spread = (page.get("rps_spread") or {}).get("spread_pct")
    text = number(page["rps"]) + (f" ± {spread / 2:.0f}%" if spread is not None else "")
    return text + (" noisy" if page.get("noisy") else "")


def ratio_text(ratios: list[float]) -> str:
    """Return the median of Flask's req/s over Django's, run by run, and their range."""
    low, high = min(ratios), max(ratios)
    noise = " (within the noise)" if low <= 1 <= high else ""
    return f"{statistics.median(ratios):.2f}x (runs {low:.2f}-{high:.2f}){noise}"


def bench_figure(bench: dict | None, app: str, key: str, unit: str) -> str:
    value = benchmod.app_figure(bench, app, key)
    return number(value, unit) if value is not None else RUN_BENCH


def mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def cookie_text(jar: dict, *names: str) -> str:
    """Say how the first of these cookies the app sent is set, or that it sent none."""
    cookie = next((jar[name] for name in names if name in jar), None)
    if not cookie:
        return "not sent"
    flags = [f"SameSite={cookie['samesite']}", "HttpOnly" if cookie["httponly"] else "not HttpOnly"]
    return f"{cookie['name']}: " + ", ".join(flags + (["Secure"] if cookie["secure"] else []))


def change_cell(change: dict | None) -> str:
    if not change:
        return "-"
    generated = f" ({change['in_migrations']} generated)" if change["in_migrations"] else ""
    files = f"{change['files']} file{'s' * (change['files'] != 1)}"
    return f"{files}, +{change['added']}{generated} -{change['removed']}"


def workshop_checks(found: dict) -> list[str]:
    """Say what the last `make solutions` and `make break-it` found, when they have run."""
    notes = ["make solutions has not run here: the checkpoints' results are not shown."]
    if solutions := found.get("solutions"):
        passed = sum(all(entry["after"].values()) for entry in solutions["exercises"])
        suite = "passed" if solutions["suite"]["passed"] else "FAILED"
        notes[0] = (
            f"make solutions: {passed}/{len(solutions['exercises'])} solutions pass their "
            f"checkpoint on both apps; whole suite with all of them {suite}."
        )
    if not (broken := found.get("break_it")):
        return [*notes, "make break-it has not run here: its mutation score is not shown."]
    missed = [
        f"{d['number']:02d}-{d['slug']} on {d['app']}" for d in broken["drills"] if not d["caught"]
    ]
    return [
        *notes,
        f"make break-it: the shared suite caught {broken['caught']}/{broken['total']} deliberate "
        f"mistakes ({broken['score']:.0%})"
        + (f"; missed: {', '.join(missed)}" if missed else "")
        + ".",
    ]
