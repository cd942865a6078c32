"""Read build/bench.json, written by `make bench` (another part of the project), if it exists.

The shape read here (every key optional; a missing figure reads as "run make bench"):

    {"server": "gunicorn ...", "ceiling": {"rps": 9000.0},
     "apps": {"django": {"pages": {"/": {"rps": 800.0, "p50_ms": 5.1, "p99_ms": 12.0,
                                         "ratio_to_ceiling": 0.09, "db_bound": true}, ...},
                         "memory_per_worker_mb": 60.5,
                         "concurrency": {"requests": 2000, "failed": 0, "clients": 32}},
              "flask": {...}}}
"""

from __future__ import annotations

import json
from pathlib import Path

from compare.paths import BUILD

BENCH = BUILD / "bench.json"


def load(path: Path = BENCH) -> dict | None:
    """Return the bench results, or None when `make bench` has not run."""
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError:
        return None


def app_figure(bench: dict | None, app: str, *keys: str):
    """Return bench["apps"][app][keys...] or None."""
    value = (bench or {}).get("apps", {}).get(app)
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def mean_ratio(bench: dict | None, app: str, db_bound: bool | None = None) -> float | None:
    """Return the mean ratio to the plain-WSGI ceiling over the app's pages (optionally by kind)."""
    pages = app_figure(bench, app, "pages") or {}
    ratios = [
        page["ratio_to_ceiling"]
        for page in pages.values()
        if isinstance(page, dict)
        and page.get("ratio_to_ceiling") is not None
        and (db_bound is None or bool(page.get("db_bound")) == db_bound)
    ]
    return sum(ratios) / len(ratios) if ratios else None


def mean_rps(bench: dict | None, app: str) -> float | None:
    pages = app_figure(bench, app, "pages") or {}
    values = [p["rps"] for p in pages.values() if isinstance(p, dict) and p.get("rps")]
    return sum(values) / len(values) if values else None
