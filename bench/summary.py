"""Turn the runs and the counts into build/bench.json's figures, and print them as tables."""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
from importlib import metadata
from pathlib import Path

from bench.pages import NAMES, PAGES, PROFILES
from bench.server import LOAD_LIMIT, SPREAD_LIMIT_PCT, USABLE_CORES

APPS = ("django", "flask")
# Other work on the machine skews the load figures; the load average is saved beside them.
LOAD_AT_START = [round(x, 2) for x in os.getloadavg()]


def spread(values: list[float]) -> dict:
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "min": None, "max": None, "spread_pct": None}
    median = statistics.median(values)
    return {
        "median": median,
        "min": min(values),
        "max": max(values),
        "spread_pct": 100 * (max(values) - min(values)) / median if median else None,
    }


def noise(samples: list[dict], rps: dict) -> dict:
    """Say whether a page's req/s can be used: the load while measured, the spread over runs."""
    reasons = []
    busy = [s["load_average"] for s in samples if s.get("noisy")]
    if busy:
        reasons.append(f"load average {max(busy)} > {LOAD_LIMIT} in {len(busy)} run(s)")
    if rps["spread_pct"] is not None and rps["spread_pct"] > SPREAD_LIMIT_PCT:
        reasons.append(f"spread {rps['spread_pct']:.0f}% > {SPREAD_LIMIT_PCT:.0f}%")
    return {"noisy": bool(reasons), "reasons": reasons}


def summarise(runs: list[dict], pages: list[dict] = PAGES) -> dict:
    """Return each page's median and spread over the runs, plus the side's costs."""
    out: dict = {"pages": {}}
    for page in pages:
        samples = [r["pages"][page["name"]] for r in runs]
        rps = spread([s["rps"] for s in samples])
        guard = noise(samples, rps)
        out["pages"][page["name"]] = {
            "path": page["path"],
            "method": page["method"],
            "db_bound": page["db_bound"],
            "rps": rps["median"],
            "rps_spread": rps,
            "noisy": guard["noisy"],
            "noise": guard["reasons"],
            "load_average_max": max(s["load_average"] for s in samples),
            "cpu_ms_under_load": statistics.median(
                s["cpu_ms"] for s in samples if s["cpu_ms"] is not None
            ),
            "p50_ms": statistics.median(s["p50_ms"] for s in samples),
            "p99_ms": statistics.median(s["p99_ms"] for s in samples),
            "p99_ms_max": max(s["p99_ms"] for s in samples),
            "runs_rps": [s["rps"] for s in samples],
            "requests": sum(s["requests"] for s in samples),
            "failed": sum(s["failed"] for s in samples),
        }
    out["memory_per_worker_mb"] = statistics.median(r["memory_mb"] for r in runs)
    out["startup_seconds"] = statistics.median(r["startup_seconds"] for r in runs)
    return out


def noisy_pages(profiles: dict) -> list[str]:
    """Return profile/app/page of every rate the noise guard marked."""
    return [
        f"{profile}/{app}/{name}"
        for profile, p in profiles.items()
        for app, side in p["apps"].items()
        for name, page in side["pages"].items()
        if page["noisy"]
    ]


def add_counts(side: dict, counted: dict, ceiling: dict) -> None:
    """Put each page's instruction count, SQL and CPU time beside its load figures."""
    for name, page in side["pages"].items():
        figures = counted.get(name, {})
        base = ceiling.get(name, {})
        page["instructions"] = figures.get("instructions")
        page["ceiling_instructions"] = base.get("instructions")
        page["times_ceiling"] = (
            page["instructions"] / page["ceiling_instructions"]
            if page["instructions"] and page["ceiling_instructions"]
            else None
        )
        page["cpu_ms"] = figures.get("cpu_ms")
        page["sql_statements"] = figures.get("sql_statements")
        page["sql"] = figures.get("sql")
        page["callgrind"] = figures.get("callgrind")
    side["queries"] = {name: page["sql_statements"] for name, page in side["pages"].items()}


def add_ratios(sides: dict, ceiling: dict) -> None:
    """Give each app page's req/s as a share of the ceiling's same page, in the same runs."""
    for side in sides.values():
        for name, page in side["pages"].items():
            top = ceiling["pages"].get(name, {}).get("rps")
            page["ratio_to_ceiling"] = page["rps"] / top if top and page["rps"] else None


def machine() -> dict:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": model or platform.processor(),
        "cores": os.cpu_count(),
        "usable_cores": USABLE_CORES,
        "load_average_at_start": LOAD_AT_START,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "kernel": platform.release(),
        "system": platform.system(),
    }


def versions(generator: str, valgrind: str | None) -> dict:
    found = {}
    for package in ("Django", "Flask", "gunicorn", "SQLAlchemy", "Werkzeug", "Jinja2"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[package.lower()] = metadata.version(package)
    found["load_generator"] = generator
    found["valgrind"] = valgrind
    return found


# -- the tables ------------------------------------------------------------------------------


def number(value, fmt: str) -> str:
    """Format a figure, or a dash as wide as it would be when there is none."""
    width = int(fmt.split(".")[0] or 0)
    return f"{'-':>{width}}" if value is None else format(value, fmt)


def instruction_table(result: dict) -> list[str]:
    """Millions of instructions per request, each app beside the ceiling, stock and lean."""
    head = (
        f"{'page':<13}{'Django':>8}{'Flask':>8}{'ceiling':>8}{'D/ceil':>8}{'F/ceil':>8}{'F/D':>7}"
        f"{'SQL D':>6}{'SQL F':>6}{'CPU ms D':>9}{'CPU ms F':>9}"
    )
    lines = []
    for profile in PROFILES:
        apps = result["profiles"][profile]["apps"]
        lines += ["", f"== instructions per request (millions), {profile} ==", head]
        for page in PAGES:
            d, f = (apps[a]["pages"][page["name"]] for a in APPS)
            m = [None if p["instructions"] is None else p["instructions"] / 1e6 for p in (d, f)]
            ceiling = d["ceiling_instructions"]
            lines.append(
                f"{page['name']:<13}{number(m[0], '8.2f')}{number(m[1], '8.2f')}"
                f"{number(ceiling and ceiling / 1e6, '8.2f')}{number(d['times_ceiling'], '8.1f')}"
                f"{number(f['times_ceiling'], '8.1f')}"
                f"{number(m[1] / m[0] if m[0] and m[1] else None, '7.2f')}"
                f"{number(d['sql_statements'], '6')}{number(f['sql_statements'], '6')}"
                f"{number(d['cpu_ms'], '9.2f')}{number(f['cpu_ms'], '9.2f')}"
            )
    return lines


def load_table(result: dict) -> list[str]:
    """Requests per second under the load generator, each marked when noisy."""
    head = (
        f"{'page':<13}{'side':<11}{'req/s':>8}{'spread':>8}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'/ceil':>7}{'failed':>7}  noise"
    )
    lines = []
    for profile in PROFILES:
        sides = {**result["profiles"][profile]["apps"], "ceiling": result["ceiling"]}
        lines += ["", f"== requests per second (secondary), {profile} ==", head]
        for page in PAGES:
            for side in (*APPS, "ceiling"):
                p = sides[side]["pages"][page["name"]]
                lines.append(
                    f"{page['name']:<13}{NAMES[side]:<11}{number(p['rps'], '8.0f')}"
                    f"{number(p['rps_spread']['spread_pct'], '7.0f')}%{p['p50_ms']:>8.2f}"
                    f"{p['p99_ms']:>8.2f}{number(p.get('ratio_to_ceiling'), '7.2f')}"
                    f"{p['failed']:>7}  {'NOISY: ' + '; '.join(p['noise']) if p['noisy'] else ''}"
                )
    return lines


def table(result: dict) -> str:
    lines = [
        f"Instructions: {result['instructions']['method']}",
        f"Load: {result['load_generator']}; server: {result['server']}",
        f"Runs: {result['settings']['runs']} per side, {result['settings']['duration']} s a page "
        f"after {result['settings']['warmup']} s of warm-up, {result['settings']['connections']} "
        "connections",
        *instruction_table(result),
        *load_table(result),
        "",
        f"{'cost':<34}{'Django':>12}{'Flask':>12}",
    ]
    apps, lean = result["apps"], result["profiles"]["lean"]["apps"]
    rows = [
        ("memory per worker, stock (MB)", apps, "memory_per_worker_mb", "{:.1f}"),
        ("memory per worker, lean (MB)", lean, "memory_per_worker_mb", "{:.1f}"),
        ("start-up to first 200 (s)", apps, "startup_seconds", "{:.2f}"),
        ("import + build the app (s)", apps, "import_seconds", "{:.2f}"),
    ]
    for label, sides, key, fmt in rows:
        values = [fmt.format(sides[a][key]) for a in APPS]
        lines.append(f"{label:<34}{values[0]:>12}{values[1]:>12}")
    return "\n".join([*lines, *sign_in_lines(result.get("sign_in") or {})])


def sign_in_lines(sign_in: dict) -> list[str]:
    """One password check at sign-in, each side's default hasher: its cost and its scheme."""
    if not sign_in:
        return []
    checks = [sign_in.get(a) or {} for a in APPS]
    millions = [c.get("instructions") and c["instructions"] / 1e6 for c in checks]
    schemes = "; ".join(f"{NAMES[a]} {c.get('scheme')}" for a, c in zip(APPS, checks, strict=True))
    return [
        f"{'password check (M instructions)':<34}{number(millions[0], '12.0f')}"
        f"{number(millions[1], '12.0f')}",
        f"{'password check (CPU ms)':<34}{number(checks[0].get('cpu_ms'), '12.1f')}"
        f"{number(checks[1].get('cpu_ms'), '12.1f')}",
        f"  (one check at sign-in, each side's default hasher: {schemes})",
    ]
