"""Read build/bench.json, written by `make bench` (bench/run.py), if it exists.

The shape read here (every key optional; a missing figure reads as "run make bench"). `apps` is
the stock profile (each app as shipped); `profiles` holds it again beside the lean one. Each page
carries the primary figures (counted in-process: `instructions` per request under callgrind,
`ceiling_instructions` of the plain-WSGI ceiling's same page, `times_ceiling` = the first over
the second, `cpu_ms` per request, `sql_statements` at the driver with the `sql` itself) and the
secondary ones (gunicorn under wrk: `rps`, its spread over the runs, latency, `ratio_to_ceiling`
= rps over the ceiling's same page in the same runs, and `noisy` with its `noise` reasons: a
noisy rate is not to be used for a verdict):

    {"server": "gunicorn ...", "load_generator": "wrk 4.1.0", "settings": {"runs": 5, ...},
     "machine": {...}, "versions": {..., "valgrind": "valgrind-3.19.0"},
     "instructions": {"method": "...", "counts": [10, 20], "available": true},
     "sign_in": {"django": {"scheme": "pbkdf2_sha256$1000000", "cpu_ms": 242.0,
                            "instructions": 6.9e9},
                 "flask": {"scheme": "scrypt:32768:8:1", "cpu_ms": 102.0, "instructions": 7.8e8}},
     "noise_guard": {"load_limit": 3.0, "spread_limit_pct": 20.0,
                     "noisy_pages": ["stock/django/home", ...]},
     "ceiling": {"pages": {"home": {<the same page keys>}, ...}, "memory_per_worker_mb": 20.1},
     "apps": {"django": {"pages": {"home": {"path": "/", "db_bound": true,
                                           "instructions": 18.1e6, "ceiling_instructions": 1.05e6,
                                           "times_ceiling": 17.3, "cpu_ms": 3.7,
                                           "sql_statements": 2, "sql": ["SELECT ...", ...],
                                           "callgrind": [I(N), I(2N)],
                                           "rps": 800.0, "rps_spread": {...}, "runs_rps": [...],
                                           "p50_ms": 5.1, "p99_ms": 12.0, "ratio_to_ceiling": 0.09,
                                           "cpu_ms_under_load": 4.0, "load_average_max": 2.1,
                                           "noisy": false, "noise": [], "failed": 0}, ...},
                         "memory_per_worker_mb": 60.5, "startup_seconds": 0.9,
                         "import_seconds": 0.5, "queries": {"home": 2, ...},
                         "concurrency": {"requests": 2000, "failed": 0, "clients": 8}},
              "flask": {...}},
     "profiles": {"stock": {"apps": {...}}, "lean": {"apps": {...}}},
     "growth": {"sizes": [1000, 10000, 100000],
                "databases": {"sqlite": {"django": {"1000": {"home": {"instructions": ...,
                                                                       "sql_statements": 2}}}}}}}

`sign_in` is one password check as a sign-in makes it, with each side's default hasher (not
per request; `instructions` is None without valgrind or with --quick).

`python -m bench --growth` writes build/bench-growth.json (the `growth` part alone); `load`
merges it in when bench.json has none.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from toolkit.paths import BUILD, read_json

BENCH = BUILD / "bench.json"
GROWTH = BUILD / "bench-growth.json"


def load(path: Path = BENCH, growth: Path = GROWTH) -> dict | None:
    """Return the bench results with the growth run's; None when neither has run."""
    results = read_json(path)
    grown = read_json(growth)
    if grown is not None and "growth" not in (results or {}):
        # make bench-growth alone is worth showing: its tables need nothing of make bench.
        results = {**(results or {}), "growth": grown.get("growth")}
    return results


def app_figure(bench: dict | None, app: str, *keys: str):
    """Return bench["apps"][app][keys...] or None."""
    value = (bench or {}).get("apps", {}).get(app)
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def profile(bench: dict | None, name: str) -> dict:
    """Return one profile's figures (stock or lean) in the shape of the whole, for the readers."""
    return ((bench or {}).get("profiles") or {}).get(name) or {}


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


def page_figure(bench: dict | None, app: str, page: str, key: str):
    """Return bench["apps"][app]["pages"][page][key] or None."""
    return (app_figure(bench, app, "pages", page) or {}).get(key)


def instruction_ratios(bench: dict | None, db_bound: bool | None = None) -> dict[str, float]:
    """Return, for each page both counted, Flask's instructions per request over Django's."""
    django = app_figure(bench, "django", "pages") or {}
    flask = app_figure(bench, "flask", "pages") or {}
    ratios = {}
    for name, page in django.items():
        other = flask.get(name) or {}
        if db_bound is not None and bool(page.get("db_bound")) != db_bound:
            continue
        if page.get("instructions") and other.get("instructions"):
            ratios[name] = other["instructions"] / page["instructions"]
    return ratios


def times_ceiling(bench: dict | None, app: str, page: str) -> float | None:
    """Return how many times the ceiling's instructions an app's page takes."""
    own = page_figure(bench, app, page, "instructions")
    ceiling = page_figure(bench, app, page, "ceiling_instructions")
    return own / ceiling if own and ceiling else None


def noisy_pages(bench: dict | None) -> list[str]:
    """Return the app/page pairs whose requests per second the noise guard marked noisy."""
    return [
        f"{app}/{name}"
        for app in ("django", "flask")
        for name, page in (app_figure(bench, app, "pages") or {}).items()
        if isinstance(page, dict) and page.get("noisy")
    ]


def growth(bench: dict | None, database: str = "sqlite") -> dict:
    """Return {app: {size: {page: figures}}} of the growth run on a database, or {}."""
    return ((bench or {}).get("growth") or {}).get("databases", {}).get(database, {})
