"""The scale-out figures: `build/scale.json` (written by `make test-scale`) as plain data.

Each function returns lists and dicts for the report to lay out: the fault drills per app, and
what each app had to change or add to run as replicas (its settings, found in its code). A
run that measured the balancer's throughput keeps it per app as
`"scaling": {"1": 1.0, "2": 1.6, "3": 1.9}`: requests per second over one replica's.
"""

from __future__ import annotations

import re
from pathlib import Path

from toolkit.paths import APP_DIRS, BUILD, read_json

SCALE_JSON = BUILD / "scale.json"
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


def load(path: Path = SCALE_JSON) -> dict | None:
    """Return the results of the last `make test-scale`, or None when it has not run."""
    return read_json(path)


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


def scaling(data: dict | None) -> dict[str, dict[str, float]]:
    """Return per app its requests per second with N replicas over one's, when it was measured."""
    apps = (data or {}).get("apps", {})
    return {app: apps[app]["scaling"] for app in sorted(apps) if apps[app].get("scaling")}


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
