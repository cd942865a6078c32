"""Read build/bench.json, written by `make bench` (bench/run.py), if it exists.

The shape read here (every key optional; a missing figure reads as "run make bench"). `apps` is
the stock profile (each app as shipped); `profiles` holds it again beside the lean one:

    {"server": "gunicorn ...", "load_generator": "wrk 4.1.0", "settings": {"runs": 5, ...},
     "machine": {...}, "versions": {...},
     "ceiling": {"rps": 9000.0, "p50_ms": 0.9, "p99_ms": 2.0},
     "apps": {"django": {"pages": {"home": {"path": "/", "rps": 800.0, "p50_ms": 5.1,
                                           "p99_ms": 12.0, "ratio_to_ceiling": 0.09,
                                           "db_bound": true, "rps_spread": {...}}, ...},
                         "memory_per_worker_mb": 60.5, "startup_seconds": 0.9,
                         "import_seconds": 0.5, "queries": {"home": 2, ...},
                         "concurrency": {"requests": 2000, "failed": 0, "clients": 8}},
              "flask": {...}},
     "profiles": {"stock": {"apps": {...}}, "lean": {"apps": {...}}}}
"""

from __future__ import annotations

import statistics
from pathlib import Path

from toolkit.paths import BUILD, read_json

BENCH = BUILD / "bench.json"


def load(path: Path = BENCH) -> dict | None:
    """Return the bench results, or None when `make bench` has not run."""
    return read_json(path)


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
    """Return the mean over the app's pages of their median requests per second."""
    pages = app_figure(bench, app, "pages") or {}
    values = [p["rps"] for p in pages.values() if isinstance(p, dict) and p.get("rps")]
    return sum(values) / len(values) if values else None


def paired_ratios(bench: dict | None, db_bound: bool | None = None) -> dict[str, list[float]]:
    """Return, for each page both measured, Flask's req/s over Django's run by run.

    The bench alternates the apps run by run, so run i of one app sat next to run i of the other
    in time: their ratio cancels most of the machine's drift, which the medians alone do not.
    Without per-run figures, the one ratio of the medians stands in.
    """
    django = app_figure(bench, "django", "pages") or {}
    flask = app_figure(bench, "flask", "pages") or {}
    ratios = {}
    for name, page in django.items():
        other = flask.get(name)
        if not (isinstance(page, dict) and isinstance(other, dict)):
            continue
        if db_bound is not None and bool(page.get("db_bound")) != db_bound:
            continue
        runs = list(zip(page.get("runs_rps") or [], other.get("runs_rps") or [], strict=False))
        if runs and all(d and f for d, f in runs):
            ratios[name] = [f / d for d, f in runs]
        elif page.get("rps") and other.get("rps"):
            ratios[name] = [other["rps"] / page["rps"]]
    return ratios


def page_ratios(bench: dict | None, db_bound: bool | None = None) -> dict[str, float]:
    """Return the median over the paired runs of Flask's req/s over Django's, for each page."""
    return {
        name: statistics.median(values) for name, values in paired_ratios(bench, db_bound).items()
    }
