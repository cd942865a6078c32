"""`python -m bench --scale`: both apps through HAProxy with 1, 2 and 3 replicas, and their costs.

Each app runs as the scale-out profile runs it (toolkit/balancer.py: gunicorn replicas of two
sync workers behind HAProxy, a Redis of its own) on a seeded database in a PostgreSQL cluster of
the run's own (toolkit/pgcluster.py). Both groups start once; HAProxy's runtime API sets how
many replicas take requests. wrk loads the home page through the balancer, the apps taking
turns (Django, Flask, then Flask, Django, ...) for every replica count, so that drift on the
machine hits both. Every window records the CPU time of each part (the replicas, HAProxy,
PostgreSQL, Redis, wrk) and of the whole machine: what the machine spent outside these parts is
other work, and past OTHER_CPU_LIMIT the window is measured again once, then kept but marked
noisy; runs spread past SPREAD_LIMIT_PCT are marked too, and a noisy figure gives no ratio.
SQL statements per request are counted from PostgreSQL's own statement log (bench/sqlcount.py).
Results: build/bench-scale.json, read by `make compare` (compare/scale.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import statistics
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import psutil

from bench import load, sqlcount
from bench.pages import NAMES, app_env, seed
from bench.server import SPREAD_LIMIT_PCT, Settings, twice_if_noisy
from bench.summary import machine, spread
from toolkit.apps import APP_CLASSES
from toolkit.balancer import Group
from toolkit.databases import Databases
from toolkit.paths import APPS, BUILD
from toolkit.pgcluster import Cluster

OUT = BUILD / "bench-scale.json"
QUICK_OUT = BUILD / "bench-scale-quick.json"  # a harness check is no measurement: kept apart
REPLICA_COUNTS = (1, 2, 3)
HOME = load.Request("home", "/")
# Cores that processes outside the measured parts may use in a window before it is noisy: the
# 1-minute load average cannot tell, as the replicas' own workers keep it high under load.
OTHER_CPU_LIMIT = 0.25
PARTS = ("replicas", "haproxy", "postgresql", "redis", "wrk")


def tree_cpu(pid: int | None) -> float:
    """Return the CPU seconds (user + system) a process and its living children have used."""
    if pid is None:
        return 0.0
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):  # a worker gone meanwhile
            total += sum(process.cpu_times()[:2])
    return total


def cpu_snapshot(groups: dict[str, Group], cluster: Cluster) -> dict[str, float]:
    """Return the CPU seconds used so far by each part, by wrk (reaped children), the machine."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    times = psutil.cpu_times()
    idle = times.idle + getattr(times, "iowait", 0.0)
    return {
        "replicas": sum(
            tree_cpu(s.process.pid) for g in groups.values() for s in g.replicas.values()
        ),
        "haproxy": sum(tree_cpu(g.proxy.process.pid) for g in groups.values()),
        "redis": sum(tree_cpu(g.redis.process.pid) for g in groups.values()),
        "postgresql": tree_cpu(cluster.postmaster_pid()),
        "wrk": children.ru_utime + children.ru_stime,
        "bench": sum(psutil.Process().cpu_times()[:2]),
        "machine": sum(times) - idle,
    }


def use_replicas(group: Group, count: int) -> None:
    """Let the first `count` replicas take requests through HAProxy; keep the others out."""
    for number, name in enumerate(group.replicas, start=1):
        state = "ready" if number <= count else "maint"
        group.proxy.set_state(name, state)
        group.proxy.set_state(f"{name}-last", state)
    group.wait_up(*list(group.replicas)[:count])


def window(group: Group, groups: dict, cluster: Cluster, settings: Settings) -> dict:
    """Load the home page once through the balancer; return req/s, latency and CPU per part."""
    before, started = cpu_snapshot(groups, cluster), time.monotonic()
    load_before = os.getloadavg()[0]
    redis_before = sqlcount.redis_commands(group.redis.port)
    figures = load.measure(group.base_url, HOME, settings, settings.duration)
    after, seconds = cpu_snapshot(groups, cluster), time.monotonic() - started
    cores = {k: (after[k] - before[k]) / seconds for k in after}
    cores["other"] = max(0.0, cores["machine"] - sum(cores[k] for k in (*PARTS, "bench")))
    requests = figures["requests"] or 1
    redis_commands = sqlcount.redis_commands(group.redis.port) - redis_before
    figures.update(
        cores={k: round(v, 3) for k, v in cores.items()},
        cpu_ms={k: round(1000 * cores[k] * seconds / requests, 3) for k in PARTS},
        redis_commands=round(redis_commands / requests, 3),
        load_average=round(max(load_before, os.getloadavg()[0]), 2),
        noisy=cores["other"] > OTHER_CPU_LIMIT,
    )
    return figures


def load_runs(groups: dict[str, Group], cluster: Cluster, settings: Settings) -> dict:
    """Run every (app, replicas) in turns, the apps swapping order each time; return the runs."""
    runs: dict[str, dict[int, list[dict]]] = {app: {n: [] for n in REPLICA_COUNTS} for app in APPS}
    turn = 0
    for number in range(settings.runs):
        for count in REPLICA_COUNTS:
            order = APPS if turn % 2 == 0 else APPS[::-1]
            turn += 1
            for app in order:
                print(f"run {number + 1}/{settings.runs}: {NAMES[app]}, {count} replica(s)")
                use_replicas(groups[app], count)
                load.measure(groups[app].base_url, HOME, settings, settings.warmup)
                measure = partial(window, groups[app], groups, cluster, settings)
                runs[app][count].append(twice_if_noisy(measure, settings.quick))
    return runs


def summarise(runs: list[dict]) -> dict:
    """Return one replica count's median req/s, its spread, the noise verdict and CPU per part."""
    rps = spread([r["rps"] for r in runs])
    busy = [r["cores"]["other"] for r in runs if r["noisy"]]
    reasons = []
    if busy:
        most = max(busy)
        reasons.append(f"other work {most:.2f} cores > {OTHER_CPU_LIMIT} in {len(busy)} run(s)")
    if rps["spread_pct"] is not None and rps["spread_pct"] > SPREAD_LIMIT_PCT:
        reasons.append(f"spread {rps['spread_pct']:.0f}% > {SPREAD_LIMIT_PCT:.0f}%")
    return {
        "rps": rps["median"],
        "rps_spread": rps,
        "runs_rps": [r["rps"] for r in runs],
        "noisy": bool(reasons),
        "noise": reasons,
        "failed": sum(r["failed"] for r in runs),
        "requests": sum(r["requests"] for r in runs),
        "p50_ms": statistics.median(r["p50_ms"] for r in runs),
        "p99_ms": statistics.median(r["p99_ms"] for r in runs),
        "cores": {k: statistics.median(r["cores"][k] for r in runs) for k in runs[0]["cores"]},
        "cpu_ms": {k: statistics.median(r["cpu_ms"][k] for r in runs) for k in PARTS},
        "redis_commands_per_request": statistics.median(r["redis_commands"] for r in runs),
        "load_average_max": max(r["load_average"] for r in runs),
    }


def scaling(by_count: dict[str, dict]) -> dict[str, float | None]:
    """Return req/s with N replicas over one's; None where either figure is noisy."""
    one = by_count["1"]
    return {
        n: None if one["noisy"] or f["noisy"] or not one["rps"] else round(f["rps"] / one["rps"], 3)
        for n, f in by_count.items()
    }


def start_groups(cluster: Cluster, folder: Path, workers: int, groups: dict) -> dict[str, str]:
    """Seed each app's database in the cluster, start its group of three into `groups`."""
    databases = Databases(folder, cluster.url("posts_bench"))
    urls = {}
    for app in APPS:
        urls[app] = databases.new(app).url
        print(f"seeding {NAMES[app]} on the run's PostgreSQL cluster", flush=True)
        seed(app, urls[app])
        group = Group(APP_CLASSES[app](), app_env(app, urls[app]), folder / app, workers=workers)
        groups[app] = group  # stopped by the caller, even if it fails to start
        group.start()
    return urls


def main(args) -> int:
    """Measure, count, write build/bench-scale.json and print its tables."""
    if args.quick:
        args.runs, args.duration, args.warmup, args.sql_requests = 1, 1.0, 1.0, 3
    settings = Settings(workers=2, connections=args.connections, duration=args.duration,
                        warmup=args.warmup, runs=args.runs, quick=args.quick, pin=False,
                        generator=load.generator(force_python=args.python_load))  # fmt: skip
    folder = BUILD / "bench-scale"
    cluster, groups = Cluster(folder / "postgresql.json"), {}
    try:
        cluster.start()
        urls = start_groups(cluster, folder, settings.workers, groups)
        runs = load_runs(groups, cluster, settings)
        result = {"apps": {}}
        for app in APPS:
            by_count = {str(n): summarise(runs[app][n]) for n in REPLICA_COUNTS}
            use_replicas(groups[app], max(REPLICA_COUNTS))
            result["apps"][app] = {
                "replicas": by_count,
                "scaling": scaling(by_count),
                "connections": sqlcount.connections(cluster, urls[app], len(groups[app].replicas)),
                "sql": sqlcount.count(
                    app, urls[app], cluster, folder / app, args.sql_requests, groups[app].redis.url
                ),
            }
    finally:
        for group in groups.values():
            group.stop()
        cluster.stop()
    result.update(settings=settings_of(args, settings), machine=machine(),
                  generated=datetime.now(UTC).isoformat(timespec="seconds"))  # fmt: skip
    out = args.out or (QUICK_OUT if args.quick else OUT)
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(table(result))
    print(f"\nwrote {out}")
    failed = sum(f["failed"] for a in result["apps"].values() for f in a["replicas"].values())
    return 1 if failed else 0


def settings_of(args, settings: Settings) -> dict:
    return {
        "page": HOME.path,
        "replica_counts": list(REPLICA_COUNTS),
        "workers_per_replica": settings.workers,
        "worker_class": "sync",
        "connections": settings.connections,
        "duration": settings.duration,
        "warmup": settings.warmup,
        "runs": settings.runs,
        "load_generator": settings.generator,
        "pinning": "none: replicas, HAProxy, PostgreSQL and wrk share every core",
        "noise_guard": {
            "other_cpu_limit_cores": OTHER_CPU_LIMIT,
            "spread_limit_pct": SPREAD_LIMIT_PCT,
        },
        "sql_requests": args.sql_requests,
    }


def table(result: dict) -> str:
    """Req/s per replica count, the ratios, where the CPU went, and the SQL per request."""
    lines = ["", "== home page through HAProxy: req/s (median of runs, spread) and cores used =="]
    lines.append(f"{'app':<8}{'n':>3}{'req/s':>9}{'spread':>8}{'ratio':>7}  cores: "
                 + " ".join(f"{p:>10}" for p in (*PARTS, "other")) + "  noisy")  # fmt: skip
    for app, side in result["apps"].items():
        for n, f in side["replicas"].items():
            ratio = side["scaling"][n]
            cores = " ".join(f"{f['cores'][p]:>10.2f}" for p in (*PARTS, "other"))
            lines.append(
                f"{NAMES[app]:<8}{n:>3}{f['rps']:>9.1f}{f['rps_spread']['spread_pct']:>7.0f}%"
                f"{'-' if ratio is None else f'{ratio:.2f}':>7}  cores: {cores}  "
                f"{'; '.join(f['noise']) or 'no'}"
            )
    lines += ["", "== SQL statements per request (PostgreSQL's statement log), connections =="]
    for app, side in result["apps"].items():
        pages = ", ".join(f"{p} {c['statements']:.1f}" for p, c in side["sql"].items())
        c = side["connections"]
        lines.append(f"{NAMES[app]:<8}{pages}; connections {c['total']} for {c['replicas']} "
                     f"replicas ({c['per_replica']:.1f} each)")  # fmt: skip
    return "\n".join(lines)
