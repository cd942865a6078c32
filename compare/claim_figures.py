"""The figures the claims read, by name: django_X and flask_X for each app, then the shared ones.

A figure is None when it was not measured: no build/bench.json, the suite not run, a probe that
failed. A missing key is a bug and raises. Bench figures come through compare/bench.py's readers.
"""

from __future__ import annotations

from compare import bench as benchmod
from compare import scale

APPS = ("django", "flask")
PAGE_RULES = ("READ-", "POST-", "AUTH-")
# The figures read from a running app (compare/probe.py): all None when its probe failed.
PROBED = (
    "csrf",
    "clickjacking",
    "headers",
    "csrf_builtin",
    "clickjacking_builtin",
    "hash",
    "hash_builtin",
    "session_engine",
    "cookie_sessions",
    "auth_builtin",
    "template_engine",
    "jinja2",
)


def figures(m: dict) -> dict:
    """Return every figure the claims read, by name."""
    found = shared_figures(m)
    for app in APPS:
        each = {
            **app_figures(m, app),
            **probe_figures(m, app),
            **debug_figures(m["defaults"][app]["debug_page"]),
            **bench_figures(m["bench"], app),
            **scale_figures(m, app),
        }
        found |= {f"{app}_{name}": value for name, value in each.items()}
    return found


def has(deps: dict, name: str) -> bool:
    """Say whether an app's dependencies, direct or transitive, hold a package named like this."""
    return any(name in p["key"] for p in deps["packages"])


def rules_passed(m: dict, app: str, prefixes: tuple[str, ...]) -> int | None:
    """Return how many rules with these prefixes the app passed; None when none of them ran."""
    rows = [r["apps"][app]["outcome"] for r in m["spec"]["rules"] if r["id"].startswith(prefixes)]
    return rows.count("passed") if any(o != "not run" for o in rows) else None


def outcome(m: dict, rule: str, app: str) -> str | None:
    found = next(r["apps"][app]["outcome"] for r in m["spec"]["rules"] if r["id"] == rule)
    return None if found == "not run" else found


def feature(m: dict, name: str, app: str) -> dict:
    """Return one side of a feature of PROVENANCE.toml: its provider and package."""
    return next(f for f in m["provenance"] if f["name"] == name)[app]


def app_figures(m: dict, app: str) -> dict:
    """Return an app's figures read from the counts, its dependencies, the suite and its setup."""
    loc, deps, unit = m["loc"][app], m["deps"][app], m["unit"][app]
    tests = unit.get("counts", {}).get("passed", 0) + unit.get("counts", {}).get("failed", 0)
    seconds = unit.get("reported_seconds") or unit.get("seconds", 0)
    return {
        "code": loc["hand_written"]["code"],
        "admin_code": m["concept_kinds"]["admin"][app]["code"],
        "template_lines": loc["kinds"]["templates"]["code"],
        "tests": tests or None,
        "lines_per_test": loc["kinds"]["tests"]["code"] / tests if tests else None,
        "ms_per_test": 1000 * seconds / tests if tests else None,
        "packages": deps["total"],
        "mb": deps["size"] / 1e6,
        "framework_mb": next(p["size"] for p in deps["packages"] if p["key"] == app) / 1e6,
        "maintainers": len(deps["maintainers"]),
        "admin_package": has(deps, "admin"),
        "login_package": has(deps, "flask-login"),
        "sqlalchemy": has(deps, "sqlalchemy"),
        "admin_passed": rules_passed(m, app, ("ADMIN-",)),
        "page_rules_passed": rules_passed(m, app, PAGE_RULES),
        "suite_passed": m["spec"]["totals"][app]["passed"],
        "ops8": outcome(m, "OPS-8", app),
        "sec5": outcome(m, "SEC-5", app),
        "steps": m["setup"][app]["app"],
        "seconds": ((m["setup_run"] or {}).get(app) or {}).get("seconds_to_first_200"),
        "orm": feature(m, "ORM and database access", app)["package"],
        "orm_provider": feature(m, "ORM and database access", app)["provider"],
        "signin": feature(m, "Sign-in sessions", app)["package"],
    }


def probe_figures(m: dict, app: str) -> dict:
    """Return the figures read from the running app (compare/probe.py); None if its probe failed."""
    probe = m["defaults"][app]
    if "error" in probe:
        return dict.fromkeys(PROBED)

    def provider(needle: str) -> str:
        return next((s["provider"] for s in probe["pipeline"] if needle in s["name"]), "none")

    session, engine = probe["session"], probe["template_engine"]
    signin = feature(m, "Sign-in sessions", app)["provider"]
    return {
        "csrf": provider("csrf"),
        "clickjacking": provider("XFrameOptions"),
        "headers": provider("Talisman"),
        "csrf_builtin": provider("csrf").startswith("Django"),
        "clickjacking_builtin": provider("XFrameOptions").startswith("Django"),
        "hash": probe["password"]["scheme"],
        "hash_builtin": "pbkdf2" in probe["password"]["scheme"],
        "session_engine": session["engine"],
        "cookie_sessions": "cookie" in session["engine"].lower(),
        "auth_builtin": signin == "built in" and session["provider"].startswith("Django"),
        "template_engine": engine["backend"],
        "jinja2": "jinja2" in engine["backend"].lower(),
    }


def debug_figures(page: dict) -> dict:
    """Return what the app's debug page shows; None when its server could not be probed."""
    if not page.get("measured"):
        return dict.fromkeys(("traceback", "locals", "debugger"))
    return {
        "traceback": page["traceback"],
        "locals": page["local_variables"],
        "debugger": page["traceback"] and page["interactive_console"],
    }


def bench_figures(bench: dict | None, app: str) -> dict:
    """Return an app's figures of make bench (build/bench.json), None where it has not run."""
    ratios = benchmod.instruction_ratios(bench)
    # Clearly lighter: 10% fewer instructions per request (the counts repeat within 0.5%).
    lighter = [r for r in ratios.values() if (r < 1 / 1.1 if app == "flask" else r > 1.1)]
    return {
        "memory_mb": benchmod.app_figure(bench, app, "memory_per_worker_mb"),
        "load_failed": benchmod.app_figure(bench, app, "concurrency", "failed"),
        "load_requests": benchmod.app_figure(bench, app, "concurrency", "requests"),
        "pages_lighter": len(lighter) if ratios else None,
    }


def scale_figures(m: dict, app: str) -> dict:
    """Return an app's figures of make test-scale's drills, None where they have not run."""
    rows = [row for row in scale.drill_rows(m["scale"]) if row["app"] == app]
    replicas = (m["replicas"] or {}).get(app)

    def total(key: str) -> int | None:
        return sum(row[key] or 0 for row in rows) if rows else None

    return {
        "drills_held": scale.drills_held(m["scale"]).get(app),
        "drill_requests": total("requests"),
        "drill_failed": total("failed"),
        "drill_writes": total("acknowledged_writes"),
        "drill_lost": total("lost"),
        "replica_packages": len(replicas["packages"]) if replicas else None,
        "replica_package_names": replicas["packages"] if replicas else None,
        # make bench-scale: req/s with 3 replicas over 1; None when noisy or not measured.
        "scale_3": scale.quiet_ratio(m["scale"], app, "3"),
    }


def quiet_ratios(bench: dict | None) -> dict[str, float]:
    """Return the database-bound pages' paired req/s ratios where neither app's run was noisy."""
    noisy = benchmod.noisy_pages(bench)
    return {
        name: ratio
        for name, ratio in benchmod.page_ratios(bench, db_bound=True).items()
        if not {f"django/{name}", f"flask/{name}"} & set(noisy)
    }


def shared_figures(m: dict) -> dict:
    """Return the figures of both apps at once, or of neither."""
    code = {app: m["loc"][app]["hand_written"]["code"] for app in APPS}
    admin = {app: m["concept_kinds"]["admin"][app]["code"] for app in APPS}
    rules, closure = m["spec"]["rules"], m["flask_closure"]
    flask_deps = m["deps"]["flask"]["packages"]
    pallets = next(p["maintainer"] for p in flask_deps if p["key"] == "flask")
    stack = {"flask", *(name.lower() for name in closure["requires"])}
    db_ratios = benchmod.instruction_ratios(m["bench"], db_bound=True)
    quiet = quiet_ratios(m["bench"])
    return {
        "code_text": code_text(m),
        "code_ratio": code["flask"] / code["django"],
        "admin_ratio": admin["flask"] / admin["django"],
        "admin_rules": sum(1 for r in rules if r["id"].startswith("ADMIN-")),
        "page_rules": sum(1 for r in rules if r["id"].startswith(PAGE_RULES)),
        "rules": len(rules),
        "by_hand": [
            c["name"]
            for c in m["concepts"]
            if c["kind"] == "admin" and not c["sides"]["django"]["locations"]
        ],
        "flask_requires": closure["requires"],
        "flask_closure_mb": closure["size"] / 1e6,
        "same_maintainer": sum(
            1 for p in flask_deps if p["name"] in closure["requires"] and p["maintainer"] == pallets
        ),
        "flask_stack_protections": [
            f"{f['name']} ({f['flask']['package']})"
            for f in m["provenance"]
            if f["flask"]["package"]
            and f["flask"]["package"].split()[0].rstrip(",").lower() in stack
        ],
        "pages": len(benchmod.instruction_ratios(m["bench"])) or None,
        "page_ratios": ratios_text(benchmod.instruction_ratios(m["bench"])),
        "db_page_ratios": ratios_text(db_ratios),
        "db_low": min(db_ratios.values(), default=None),
        "db_high": max(db_ratios.values(), default=None),
        "quiet_rps_ratios": ratios_text(quiet),
        "quiet_rps_apart": max((max(r, 1 / r) for r in quiet.values()), default=None),
        "noisy_pages": benchmod.noisy_pages(m["bench"]),
        "scale_noisy": ", ".join(scale.noisy_counts(m["scale"])) or None,
    }


def hardening(m: dict, app: str) -> int:
    return m["loc"][app]["kinds"].get("hardening", {}).get("code", 0)


def code_text(m: dict) -> str:
    """Return both apps' hand-written code, with the hardening part named when there is one."""
    code = {app: m["loc"][app]["hand_written"]["code"] for app in APPS}
    if not any(hardening(m, app) for app in APPS):
        return f"Django {code['django']}, Flask {code['flask']} lines"
    each = [f"{app.title()} {code[app]} ({hardening(m, app)} of them hardening)" for app in APPS]
    return ", ".join(each) + " lines, hardening included"


def ratios_text(ratios: dict[str, float]) -> str | None:
    return ", ".join(f"{name} {r:.2f}" for name, r in ratios.items()) or None
