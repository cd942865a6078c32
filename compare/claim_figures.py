"""The figures the claims read that are more than a path into the measurements `m`.

Each takes m (and an app) and returns a figure, or None when it was not measured: no
build/bench.json, the suite not run, a probe that failed. Bench figures come through
compare/bench.py's readers.
"""

from __future__ import annotations

import functools

from compare import bench as benchmod

APPS = ("django", "flask")


def per_app(figure: str, reader, /, **keywords) -> dict:
    """Return the figures django_FIGURE and flask_FIGURE: a path with {app}, or reader(m, app)."""
    if isinstance(reader, str):
        return {f"{app}_{figure}": reader.format(app=app) for app in APPS}
    return {f"{app}_{figure}": functools.partial(reader, app=app, **keywords) for app in APPS}


def code(m: dict, app: str) -> int:
    """Return an app's hand-written lines of code, its hardening (hostile input) included."""
    return m["loc"][app]["hand_written"]["code"]


def hardening(m: dict, app: str) -> int:
    return m["loc"][app]["kinds"].get("hardening", {}).get("code", 0)


def code_text(m: dict) -> str:
    """Return both apps' hand-written code, with the hardening part named when there is one."""
    if not any(hardening(m, app) for app in APPS):
        return f"Django {code(m, 'django')}, Flask {code(m, 'flask')} lines"
    each = [f"{app.title()} {code(m, app)} ({hardening(m, app)} of them hardening)" for app in APPS]
    return ", ".join(each) + " lines, hardening included"


def has_package(m: dict, app: str, name: str) -> bool:
    """Say whether the app's dependencies, direct or transitive, hold a package with this name."""
    return any(name in p["key"] for p in m["deps"][app]["packages"])


def framework_bytes(m: dict, app: str) -> int:
    return next(p["size"] for p in m["deps"][app]["packages"] if p["key"] == app)


def maintainers(m: dict, app: str) -> int:
    return len(m["deps"][app]["maintainers"])


def same_maintainer(m: dict) -> int:
    """Return how many of Flask's own requirements come from Flask's maintainers."""
    rows = m["deps"]["flask"]["packages"]
    flask = next(p["maintainer"] for p in rows if p["key"] == "flask")
    requires = m["flask_closure"]["requires"]
    return sum(1 for p in rows if p["name"] in requires and p["maintainer"] == flask)


def outcome(m: dict, rule: str, app: str) -> str | None:
    """Return a spec rule's outcome on an app, None when it did not run."""
    found = next(r["apps"][app]["outcome"] for r in m["spec"]["rules"] if r["id"] == rule)
    return None if found == "not run" else found


def rules_passed(m: dict, app: str, prefixes: tuple[str, ...]) -> int | None:
    """Return how many rules with these prefixes the app passed; None when none of them ran."""
    rows = [r["apps"][app]["outcome"] for r in m["spec"]["rules"] if r["id"].startswith(prefixes)]
    return rows.count("passed") if any(o != "not run" for o in rows) else None


def rules_count(m: dict, prefixes: tuple[str, ...]) -> int:
    return sum(1 for r in m["spec"]["rules"] if r["id"].startswith(prefixes))


def by_hand(m: dict, kind: str) -> list[str]:
    """Return the concepts of a kind that Flask's side wrote and Django's framework supplies."""
    concepts = [c for c in m["concepts"] if c["kind"] == kind]
    return [c["name"] for c in concepts if not c["sides"]["django"]["locations"]]


def feature(m: dict, name: str, app: str, key: str) -> str:
    """Return a key (package, provider) of a feature of PROVENANCE.toml on one side."""
    return next(f for f in m["provenance"] if f["name"] == name)[app][key]


def flask_stack_protections(m: dict) -> list[str]:
    """Return the protections of PROVENANCE.toml that Flask or its own dependencies supply."""
    stack = {"flask", *(n.lower() for n in m["flask_closure"]["requires"])}
    own = [f for f in m["provenance"] if f["flask"]["package"]]
    return [f"{f['name']} ({f['flask']['package']})" for f in own
            if f["flask"]["package"].split()[0].rstrip(",").lower() in stack]  # fmt: skip


def probed(read):
    """Make a figure read from the running app (compare/probe.py) None when its probe failed."""

    @functools.wraps(read)
    def figure(m: dict, app: str, **keywords):
        return None if "error" in m["defaults"][app] else read(m["defaults"][app], **keywords)

    return figure


@probed
def provider(probe: dict, needle: str) -> str:
    """Return which package supplies the pipeline step named like needle, or "none"."""
    return next((s["provider"] for s in probe["pipeline"] if needle in s["name"]), "none")


@probed
def from_django(probe: dict, needle: str) -> bool:
    return provider.__wrapped__(probe, needle).startswith("Django")


@probed
def setting(probe: dict, keys: tuple[str, ...]):
    """Return the probe's figure at these keys."""
    return functools.reduce(lambda value, key: value[key], keys, probe)


@probed
def holds(probe: dict, keys: tuple[str, ...], text: str) -> bool:
    """Say whether the probe's figure at these keys contains text (case ignored)."""
    return text.lower() in setting.__wrapped__(probe, keys).lower()


def auth_builtin(m: dict, app: str) -> bool | None:
    """Say whether the app's sign-in and its sessions both come from Django."""
    session = setting(m, app, keys=("session", "provider"))
    signin = feature(m, "Sign-in sessions", app, "provider")
    return None if session is None else signin == "built in" and session.startswith("Django")


def bench_figure(m: dict, app: str, keys: tuple[str, ...]):
    return benchmod.app_figure(m["bench"], app, *keys)


def pages_ahead(m: dict, app: str, margin: float, agreement: float) -> int | None:
    """Return the pages where the app is clearly ahead in requests per second.

    Clearly: the median over the paired runs of Flask's req/s over Django's beyond `margin`
    (or below 1/margin for Django), and the app ahead in at least `agreement` of the pairs.
    """
    pairs = benchmod.paired_ratios(m["bench"])
    if not pairs:
        return None
    flask, medians = app == "flask", benchmod.page_ratios(m["bench"])

    def ahead(name: str) -> bool:
        wins = sum(1 for r in pairs[name] if (r > 1) == flask and r != 1)
        clear = medians[name] > margin if flask else medians[name] < 1 / margin
        return clear and wins >= agreement * len(pairs[name])

    return sum(1 for name in pairs if ahead(name))


def page_count(m: dict) -> int | None:
    return len(benchmod.paired_ratios(m["bench"])) or None


def ratios_text(m: dict, db_bound: bool | None = None) -> str | None:
    """Return Flask's req/s over Django's per page (the median of paired runs), or None."""
    ratios = benchmod.page_ratios(m["bench"], db_bound)
    return ", ".join(f"{name} {r:.2f}" for name, r in ratios.items()) or None


def farthest_apart(m: dict) -> float | None:
    """Return max(r, 1/r) over the database-bound pages, r Flask's req/s over Django's."""
    ratios = benchmod.page_ratios(m["bench"], db_bound=True).values()
    return max((max(r, 1 / r) for r in ratios), default=None)


def ceiling_share(m: dict, app: str) -> float | None:
    return benchmod.mean_ratio(m["bench"], app, db_bound=True)


def bench_setup(m: dict) -> str | None:
    if m["bench"] is None:
        return None
    settings = m["bench"].get("settings", {})
    return (
        f"{m['bench'].get('load_generator', 'load generator?')}, {settings.get('runs', '?')} "
        f"runs of {settings.get('duration', '?')} s, {settings.get('workers', '?')} gunicorn "
        f"worker(s), {settings.get('connections', '?')} connections"
    )


def concurrency_runs(m: dict) -> str:
    """Return the suite's concurrency figures (OPS-8), one run per app and database."""
    runs = m["spec"]["figures"].get("concurrency", [])
    return (
        "; ".join(
            f"{run.get('app')} on {run.get('database')}: "
            + ", ".join(f"{k} {v}" for k, v in run.items() if k not in ("app", "database"))
            for run in runs
        )
        or "no concurrency figures"
    )


def unit_tests(m: dict, app: str) -> int | None:
    """Return how many of the app's own unit tests ran; None when they did not run."""
    counts = m["unit"][app].get("counts", {})
    return (counts.get("passed", 0) + counts.get("failed", 0)) or None


def lines_per_test(m: dict, app: str) -> float | None:
    tests = unit_tests(m, app)
    return tests and m["loc"][app]["kinds"]["tests"]["code"] / tests


def ms_per_test(m: dict, app: str) -> float | None:
    record, tests = m["unit"][app], unit_tests(m, app)
    return tests and 1000 * (record.get("reported_seconds") or record.get("seconds", 0)) / tests


def first_200(m: dict, app: str) -> float | None:
    """Return the seconds from scratch to the first 200 (compare.py --run-setup), if it ran."""
    return ((m["setup_run"] or {}).get(app) or {}).get("seconds_to_first_200")


def debug(m: dict, app: str, key: str):
    """Return a figure of the app's debug page; None when its server could not be probed."""
    page = m["defaults"][app]["debug_page"]
    return page[key] if page.get("measured") else None


def debugger(m: dict, app: str) -> bool | None:
    """Say whether the app's debug page has a traceback and an interactive console."""
    page = m["defaults"][app]["debug_page"]
    return page["traceback"] and page["interactive_console"] if page.get("measured") else None


def debug_probes(m: dict) -> str:
    pages = {app: m["defaults"][app]["debug_page"] for app in APPS}
    return "; ".join(f"{a}: {p.get('reason', 'not run')}" for a, p in pages.items()
                     if not p.get("measured"))  # fmt: skip
