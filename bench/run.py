"""`make bench`: both apps and a plain-WSGI ceiling, counted under callgrind, then loaded by wrk.

The primary figures come from each side's own process (bench/callgrind.py): instructions per
request under callgrind, SQL statements at the driver, CPU time per request. The secondary ones
from gunicorn under load (bench/server.py), the sides taking turns run by run (Django, Flask,
then Flask, Django, ...; the ceiling in every run) so that drift on the machine hits every side
alike, each page guarded against a busy machine. Results go to build/bench.json, read by
`make compare` (compare/bench.py describes its shape).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench import appside, callgrind, load, server, summary
from bench.pages import APP_DIRS, NAMES, PROFILES, app_env, run, seed
from toolkit.paths import APPS, BUILD, PYTHON, ROOT

OUT = BUILD / "bench.json"
QUICK_OUT = BUILD / "bench-quick.json"  # a harness check is no measurement: kept apart
IMPORT_CODE = {
    "django": "import config.wsgi",
    "flask": "from app import create_app; create_app()",
}


def import_seconds(app: str, database: Path, times: int) -> float:
    """Return the median time a fresh interpreter takes to import and build the WSGI app."""
    code = (
        f"import time; t = time.perf_counter(); {IMPORT_CODE[app]}; print(time.perf_counter() - t)"
    )
    env = app_env(app, database)
    samples = [float(run([PYTHON, "-c", code], APP_DIRS[app], env)) for _ in range(times)]
    return statistics.median(samples)


def valgrind_version() -> str | None:
    if not callgrind.available():
        if os.environ.get("CI") == "true":
            raise SystemExit("CI=true and no valgrind: apt-get install -y valgrind")
        print("no valgrind: no instruction counts (apt-get install -y valgrind)")
        return None
    done = subprocess.run(["valgrind", "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip()


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="1 run, ~1 s a page: checks the harness"
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per side (default 5)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds a page a run")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of warm-up a page")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn sync workers (default 1)")
    parser.add_argument("--connections", type=int, default=8, help="open connections (default 8)")
    parser.add_argument("--python-load", action="store_true", help="use the Python fallback")
    parser.add_argument("--profile", action="store_true", help="profile each side's slowest page")
    parser.add_argument("--growth", action="store_true", help="cost as the data grows")
    parser.add_argument("--sizes", help="--growth: posts, comma-separated (1000,10000,100000)")
    parser.add_argument("--databases", default="sqlite,postgresql", help="--growth: which")
    parser.add_argument("--scale", action="store_true", help="1 to 3 replicas behind HAProxy")
    parser.add_argument("--sql-requests", type=int, default=20, help="--scale: requests a page")
    parser.add_argument("--out", type=Path, help="default build/bench.json (quick: -quick.json)")
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> server.Settings:
    generator = load.generator(force_python=args.python_load)
    # Two or more usable cores: the server on CPU 0, the load generator on CPU 1, so that they
    # do not take turns on one core. With one core both share it (and the figures say so).
    pin = shutil.which("taskset") is not None and {0, 1} <= os.sched_getaffinity(0)
    return server.Settings(
        workers=args.workers,
        connections=args.connections,
        duration=args.duration,
        warmup=args.warmup,
        runs=args.runs,
        quick=args.quick,
        pin=pin,
        generator=generator,
    )


def load_runs(templates: dict, settings: server.Settings, work: Path, log: Path) -> dict:
    """Run every side under load, in turns; return the runs of each (side, profile)."""
    sides = [(app, profile) for profile in PROFILES for app in APPS]
    runs: dict[tuple[str, str], list[dict]] = {side: [] for side in [*sides, ("ceiling", "stock")]}
    if settings.pin:
        os.sched_setaffinity(0, {1})  # this process (the Python fallback's threads) off CPU 0
    for number in range(settings.runs):
        # A B A B ...: the apps swap order every run; the ceiling is measured in each run.
        order = (
            sides
            if number % 2 == 0
            else [s for pair in zip(sides[1::2], sides[::2], strict=True) for s in pair]
        )
        for app, profile in [*order, ("ceiling", "stock")]:
            print(f"run {number + 1}/{settings.runs}: {NAMES[app]} ({profile})", flush=True)
            template = templates["django" if app == "ceiling" else app]
            runs[(app, profile)].append(server.one_run(app, profile, template, settings, work, log))
    os.sched_setaffinity(0, range(os.cpu_count() or 1))
    return runs


def assemble(args, settings, runs, counted, costs, valgrind, sign_in) -> dict:
    """Return build/bench.json's content (its shape: compare/bench.py)."""
    ceiling = summary.summarise(runs[("ceiling", "stock")])
    summary.add_counts(ceiling, counted["stock"]["ceiling"], counted["stock"]["ceiling"])
    profiles = {}
    for profile in PROFILES:
        apps = {app: summary.summarise(runs[(app, profile)]) for app in APPS}
        summary.add_ratios(apps, ceiling)
        for app in APPS:
            summary.add_counts(apps[app], counted[profile][app], counted["stock"]["ceiling"])
            apps[app].update(costs[app])
            apps[app]["concurrency"] = {
                "requests": sum(p["requests"] for p in apps[app]["pages"].values()),
                "failed": sum(p["failed"] for p in apps[app]["pages"].values()),
                "clients": args.connections,
            }
        profiles[profile] = {"apps": apps}
    pinning = "server on CPU 0, load generator on CPU 1" if settings.pin else "not pinned"
    counts = callgrind.QUICK_COUNTS if args.quick else callgrind.COUNTS
    versions = summary.versions(settings.generator, valgrind)
    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": summary.machine(),
        "versions": versions,
        "settings": {
            "workers": args.workers,
            "worker_class": "sync",
            "connections": args.connections,
            "duration": args.duration,
            "warmup": args.warmup,
            "runs": args.runs,
            "pinning": pinning,
            "users": len(appside.USERS),
            "posts": appside.POST_COUNT,
        },
        "instructions": {
            "method": f"{valgrind or 'no valgrind'} --tool=callgrind, in-process WSGI calls, "
            f"(I({counts[1]}) - I({counts[0]})) / {counts[1] - counts[0]} per page",
            "counts": list(counts),
            "available": valgrind is not None,
        },
        # One password check as a sign-in makes it, each side's default hasher: not per request.
        "sign_in": sign_in,
        "noise_guard": {
            "load_limit": server.LOAD_LIMIT,
            "spread_limit_pct": server.SPREAD_LIMIT_PCT,
            "noisy_pages": summary.noisy_pages(profiles),
        },
        "load_generator": settings.generator,
        "server": f"gunicorn {versions.get('gunicorn')}, {args.workers} sync worker(s), DEBUG "
        f"off, SQLite (WAL); {pinning}",
        "ceiling": ceiling,
        # The stock profile is the comparison's: `apps` is what compare.py reads first.
        "apps": profiles["stock"]["apps"],
        "profiles": profiles,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    args.out = args.out or (QUICK_OUT if args.quick else OUT)
    if args.quick:
        args.runs, args.duration, args.warmup = 1, 1.0, 1.0
    settings = settings_from(args)
    valgrind = valgrind_version()
    BUILD.mkdir(exist_ok=True)
    log = BUILD / "bench-servers.log"
    log.write_bytes(b"")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        templates = {}
        for app in APPS:
            templates[app] = work / f"{app}.sqlite3"
            print(f"seeding {NAMES[app]}: {len(appside.USERS)} users, {appside.POST_COUNT} posts")
            seed(app, templates[app])
        counted = callgrind.measure_all(templates, work, quick=args.quick)
        if valgrind:
            callgrind.check_counts(counted)
        print("counting one password check a side", flush=True)
        sign_in = callgrind.sign_in_costs(templates, work, quick=args.quick)
        runs = load_runs(templates, settings, work, log)
        costs = {
            app: {"import_seconds": import_seconds(app, templates[app], 1 if args.quick else 3)}
            for app in APPS
        }
    result = assemble(args, settings, runs, counted, costs, valgrind, sign_in)
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print()
    print(summary.table(result))
    if args.quick:
        print("\n--quick: one short run, to check the harness works; not a measurement of speed.")
    sides = [side for p in result["profiles"].values() for side in p["apps"].values()]
    failed = sum(side["concurrency"]["failed"] for side in sides)
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    if failed:
        print(f"{failed} requests failed (non-2xx/3xx or errors): see {log}")
        return 1
    return 0
