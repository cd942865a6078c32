"""The scale-out figures: `build/scale.json` (written by `make test-scale`) as plain data.

Each function returns lists and dicts for the report to lay out: the fault drills per app, and
what each app had to change or add to run as replicas (its settings, found in its code). The
balancer's throughput comes from `build/bench-scale.json` (`make bench-scale`), kept under
"bench": per app and replica count its req/s, spread and noise verdict, and
`"scaling": {"1": 1.0, "2": 1.6, "3": None}`: req/s over one replica's, None where noisy.
"""

from __future__ import annotations

import re
from pathlib import Path

from toolkit.paths import APP_DIRS, APPS, BUILD, read_json

SCALE_JSON = BUILD / "scale.json"
BENCH_SCALE_JSON = BUILD / "bench-scale.json"
# The parts whose CPU make bench-scale measures; "other" is what the machine spent besides.
CPU_PARTS = ("replicas", "haproxy", "postgresql", "redis", "wrk", "other")
DRILLS = ("replica killed", "rolling restart", "redis stopped", "postgresql restarted")
DRILL_FIGURES = (
    "requests", "failed", "acknowledged_writes", "found_afterwards", "found_twice", "lost",
)  # fmt: skip
# What running as replicas asked of each app: the settings it reads for it, and the packages.
REPLICA_SETTINGS = {
    "django": ("BEHIND_PROXY", "AXES_CLIENT_IP_CALLABLE", "RATELIMIT_IP_META_KEY",
               "RATELIMIT_FAIL_OPEN", "IGNORE_EXCEPTIONS", "RATELIMIT_STORAGE_URI"),
    "flask": ("BEHIND_PROXY", "ProxyFix", "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED",
              "RATELIMIT_STORAGE_URI"),
}  # fmt: skip
REPLICA_PACKAGES = {"django": ("django-redis", "redis"), "flask": ("limits[redis]", "redis")}


def load(path: Path = SCALE_JSON, bench: Path = BENCH_SCALE_JSON) -> dict | None:
    """Return the last `make test-scale`'s results and `make bench-scale`'s; None: neither ran."""
    data, measured = read_json(path), read_json(bench)
    if measured:
        data = {**(data or {}), "bench": measured}
    return data


def drill_rows(data: dict | None) -> list[dict]:
    """Return one row per drill and app: the drill, the app and its figures (None: not run)."""
    apps = (data or {}).get("apps", {})
    rows = []
    for drill in DRILLS:
        for app in sorted(apps):
            figures = apps[app].get(drill)
            if figures is None:
                continue
            rows.append({"drill": drill, "app": app, **{k: figures.get(k) for k in DRILL_FIGURES}})
    return rows


def drills_held(data: dict | None) -> dict[str, bool]:
    """Tell per app whether every drill run lost no acknowledged write and replayed none."""
    held: dict[str, bool] = {}
    for row in drill_rows(data):
        ok = row["lost"] == 0 and row["found_twice"] == 0
        held[row["app"]] = held.get(row["app"], True) and ok
    return held


def bench_apps(data: dict | None) -> dict[str, dict]:
    """Return per app what `make bench-scale` measured ({} when it has not run)."""
    return ((data or {}).get("bench") or {}).get("apps", {})


def scaling(data: dict | None) -> dict[str, dict[str, float | None]]:
    """Return per app its req/s with N replicas over one's (None where a run was noisy)."""
    apps = bench_apps(data)
    return {app: apps[app]["scaling"] for app in sorted(apps) if apps[app].get("scaling")}


def quiet_ratio(data: dict | None, app: str, replicas: str = "3") -> float | None:
    """Return an app's req/s with this many replicas over one's; None if noisy or not run."""
    return scaling(data).get(app, {}).get(replicas)


def noisy_counts(data: dict | None) -> list[str]:
    """Return app/replicas of every count that has no ratio: noisy, not read."""
    return [f"{app}/{n}" for app, by in scaling(data).items() for n, r in by.items() if r is None]


def throughput_rows(data: dict | None) -> list[list]:
    """Return per replica count and app: req/s, spread, the ratio to one replica, the noise."""
    rows = []
    for app, side in sorted(bench_apps(data).items()):
        for n, f in side["replicas"].items():
            ratio = side["scaling"].get(n)
            rows.append([
                n, app, f["rps"], f["rps_spread"]["spread_pct"],
                "noisy" if ratio is None else ratio, "; ".join(f["noise"]) or "quiet",
            ])  # fmt: skip
    return sorted(rows, key=lambda row: (int(row[0]), row[1]))


def cpu_rows(data: dict | None) -> list[list]:
    """Return per app and replica count the cores each part kept busy (CPU_PARTS)."""
    rows = []
    for app, side in sorted(bench_apps(data).items()):
        for n, f in side["replicas"].items():
            rows.append([n, app, *[f["cores"].get(p) for p in CPU_PARTS]])
    return rows


def sql_rows(data: dict | None) -> list[list]:
    """Return per page the SQL statements a request sends, for each app (None: not counted)."""
    measured = bench_apps(data)
    pages = list(dict.fromkeys(p for side in measured.values() for p in side["sql"]))
    return [
        [page, *[measured.get(a, {}).get("sql", {}).get(page, {}).get("statements") for a in APPS]]
        for page in pages
    ]


def per_replica(data: dict | None) -> dict[str, dict]:
    """Return per app its PostgreSQL connections per replica and Redis commands per request."""
    return {
        app: {
            "connections": side["connections"]["per_replica"],
            "redis_commands": side["replicas"]["1"]["redis_commands_per_request"],
        }
        for app, side in sorted(bench_apps(data).items())
    }


def replica_changes(app_dirs: dict[str, Path] = APP_DIRS) -> dict[str, dict]:
    """Return per app the replica settings and packages it has, and the lines that name them."""
    found = {}
    for app, settings in REPLICA_SETTINGS.items():
        lines = []
        for path in sorted(app_dirs[app].rglob("*.py")):
            if "tests" in path.relative_to(app_dirs[app]).parts:
                continue
            text = path.read_text(encoding="utf-8")
            lines += [line for line in text.splitlines() if any(s in line for s in settings)]
        requirements = (app_dirs[app] / "requirements.txt").read_text(encoding="utf-8")
        pinned = set(re.findall(r"^([A-Za-z0-9_.\-\[\]]+)==", requirements, re.M))
        found[app] = {
            "settings": [s for s in settings if any(s in line for line in lines)],
            "packages": [p for p in REPLICA_PACKAGES[app] if p in pinned],
            "lines": len(lines),
        }
    return found
