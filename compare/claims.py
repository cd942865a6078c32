"""The claims of CLAIMS.md, each with the rule that turns the measurements into a verdict.

Each function takes the measurements (the dict `compare.py` builds and writes to compare.json)
and returns (verdict, evidence). A verdict is one of VERDICTS; claims that need `make bench`
say RUN_BENCH until build/bench.json exists. The thresholds are written next to each rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from compare import bench as benchmod
from toolkit.paths import ROOT

SUPPORTED, CONTRADICTED, MIXED, NOT_MEASURABLE = (
    "supported",
    "contradicted",
    "mixed",
    "not measurable here",
)
RUN_BENCH = "run make bench"
VERDICTS = (SUPPORTED, CONTRADICTED, MIXED, NOT_MEASURABLE, RUN_BENCH)
# The team keeps CLAIMS.md beside the repository; docs/ holds the copy a clone carries.
CLAIMS_FILE = ROOT / "docs" / "CLAIMS.md"
TEAM_CLAIMS_FILE = ROOT.parent / "shared" / "CLAIMS.md"
CLAIM_ROW = re.compile(r"^\| (C\d+) \| (.*?) \| (.*?) \| (.*?) \|$")

Verdict = tuple[str, str]


def code(m: dict, app: str) -> int:
    """Return an app's hand-written lines of code (Python, hardening, templates, static, config).

    Hardening (hardening.py, the code kept only to survive hostile input) is in: the app needs
    it. The evidence text says how much of the total it is (code_text).
    """
    return m["loc"][app]["hand_written"]["code"]


def hardening(m: dict, app: str) -> int:
    """Return an app's lines of hardening code (0 when it has no hardening.py)."""
    return m["loc"][app]["kinds"].get("hardening", {}).get("code", 0)


def code_text(m: dict) -> str:
    """Return both apps' hand-written code, with the hardening part named when there is one."""
    if not any(hardening(m, app) for app in ("django", "flask")):
        return f"Django {code(m, 'django')}, Flask {code(m, 'flask')} lines"
    return (
        ", ".join(
            f"{app.title()} {code(m, app)} ({hardening(m, app)} of them hardening)"
            for app in ("django", "flask")
        )
        + " lines, hardening included"
    )


def ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


def kind_code(m: dict, kind: str, app: str) -> int:
    return m["concept_kinds"].get(kind, {}).get(app, {}).get("code", 0)


def package_names(m: dict, app: str) -> set[str]:
    return {p["key"] for p in m["deps"][app]["packages"]}


def rule_outcome(m: dict, rule: str, app: str) -> str:
    for row in m["spec"]["rules"]:
        if row["id"] == rule:
            return row["apps"][app]["outcome"]
    return "not run"


def memory_text(m: dict) -> str:
    figures = {
        app: benchmod.app_figure(m["bench"], app, "memory_per_worker_mb") for app in m["deps"]
    }
    if None in figures.values():
        return "memory per worker: run make bench"
    return f"memory per worker: Django {figures['django']:.0f} MB, Flask {figures['flask']:.0f} MB"


def c1(m: dict) -> Verdict:
    """Flask: half the code and fewer resources.

    Rule: r = Flask's hand-written code / Django's. r <= 0.6 (about half or less) supports the
    code part, r >= 1.0 contradicts it, in between is mixed. Memory per worker (make bench):
    Flask below Django supports the resource part; a contradicted code part decides alone.
    """
    r = ratio(code(m, "flask"), code(m, "django"))
    text = f"hand-written code: {code_text(m)} (Flask/Django = {r:.2f}); {memory_text(m)}"
    part = SUPPORTED if r <= 0.6 else CONTRADICTED if r >= 1.0 else MIXED
    memory = {
        app: benchmod.app_figure(m["bench"], app, "memory_per_worker_mb") for app in m["deps"]
    }
    if part == CONTRADICTED or None in memory.values():
        return part, text
    lighter = memory["flask"] < memory["django"]
    return (part if lighter else MIXED), text


def c2(m: dict) -> Verdict:
    """Django often needs fewer lines than Flask.

    Rule: r = Django's hand-written code / Flask's. r <= 0.9 supports, r >= 1.1 contradicts,
    within 10% either way is mixed (about the same).
    """
    r = ratio(code(m, "django"), code(m, "flask"))
    verdict = SUPPORTED if r <= 0.9 else CONTRADICTED if r >= 1.1 else MIXED
    return verdict, f"hand-written code: {code_text(m)} (Django/Flask = {r:.2f})"


def c3(m: dict) -> Verdict:
    """Django has a larger code base; Flask a smaller one.

    Rule: on the apps' code without generated migrations (and without tests), Django more than
    10% larger supports, more than 10% smaller contradicts, else mixed. The frameworks' own
    installed sizes are shown beside it.
    """
    r = ratio(code(m, "django"), code(m, "flask"))
    verdict = SUPPORTED if r >= 1.1 else CONTRADICTED if r <= 0.9 else MIXED
    sizes = {
        app: next((p["size"] for p in m["deps"][app]["packages"] if p["key"] == app), 0)
        for app in m["deps"]
    }
    return verdict, (
        f"apps without migrations or tests: {code_text(m)}; "
        f"the frameworks installed: Django {sizes['django'] / 1e6:.1f} MB, Flask "
        f"{sizes['flask'] / 1e6:.1f} MB (+{m['flask_closure']['size'] / 1e6:.1f} MB of its own "
        "dependencies)"
    )


def admin_rules(m: dict, app: str) -> tuple[int, int]:
    rows = [r for r in m["spec"]["rules"] if r["id"].startswith("ADMIN-")]
    return sum(1 for r in rows if r["apps"][app]["outcome"] == "passed"), len(rows)


def c4(m: dict) -> Verdict:
    """Django's admin is CRUD without extra code; Flask has none and needs Flask-Admin.

    Rule: supported when Flask-Admin is among the Flask app's dependencies, the Django app's
    admin is Django's own (no admin package in its dependencies), and Django's admin code is
    smaller than Flask's; contradicted when Flask needs no admin package or Django's admin code
    is not smaller.
    """
    flask_admin = "flask-admin" in package_names(m, "flask")
    django_extra = any("admin" in name for name in package_names(m, "django"))
    lines = {app: kind_code(m, "admin", app) for app in m["deps"]}
    passed = {app: admin_rules(m, app) for app in m["deps"]}
    text = (
        f"admin code: Django {lines['django']}, Flask {lines['flask']} lines; Flask-Admin "
        f"{'is' if flask_admin else 'is not'} a Flask dependency; admin rules passed: Django "
        f"{passed['django'][0]}/{passed['django'][1]}, "
        f"Flask {passed['flask'][0]}/{passed['flask'][1]}"
    )
    if flask_admin and not django_extra and lines["django"] < lines["flask"]:
        return SUPPORTED, text
    if not flask_admin or lines["django"] >= lines["flask"]:
        return CONTRADICTED, text
    return MIXED, text


def c5(m: dict) -> Verdict:
    """An admin that takes a day in Django takes two sprints in Flask.

    Time is not measured; its proxy is the admin code each side wrote and the admin features
    Flask had to write by hand. Two sprints against a day is 10 days to 1: a Flask/Django admin
    code ratio >= 5 supports, < 3 contradicts, in between is mixed.
    """
    lines = {app: kind_code(m, "admin", app) for app in m["deps"]}
    r = ratio(lines["flask"], lines["django"])
    by_hand = [
        c["name"]
        for c in m["concepts"]
        if c["kind"] == "admin" and not c["sides"]["django"]["locations"]
    ]
    verdict = SUPPORTED if r >= 5 else CONTRADICTED if r < 3 else MIXED
    return verdict, (
        f"admin code: Flask {lines['flask']} / Django {lines['django']} lines = {r:.1f}x; "
        f"written by hand in Flask only: {', '.join(by_hand) or 'nothing'}"
    )


def pipeline_provider(m: dict, app: str, needle: str) -> str | None:
    for step in m["defaults"][app].get("pipeline", []):
        if needle in step["name"]:
            return step["provider"]
    return None


def c6(m: dict) -> Verdict:
    """Django has built-in security; Flask has none and needs extensions.

    Rule: the Django part holds when CSRF, clickjacking and password hashing are each provided
    by Django itself (read from the running app). The Flask part holds when no protection of
    PROVENANCE.toml comes from Flask or its own dependencies. Both: supported; Django's only:
    mixed; Django's not: contradicted.
    """
    d = m["defaults"]["django"]
    django_csrf = (pipeline_provider(m, "django", "CsrfViewMiddleware") or "").startswith("Django")
    django_frame = (pipeline_provider(m, "django", "XFrameOptions") or "").startswith("Django")
    django_hash = d.get("password", {}).get("scheme", "").startswith("pbkdf2")
    flask_stack = {"flask", *(n.lower() for n in m["flask_closure"]["requires"])}
    flask_own = [
        f"{f['name']} ({f['flask']['package']})"
        for f in m["provenance"]
        if f["flask"]["package"]
        and f["flask"]["package"].split()[0].rstrip(",").lower() in flask_stack
    ]
    f = m["defaults"]["flask"]
    text = (
        f"Django: CSRF {pipeline_provider(m, 'django', 'CsrfViewMiddleware')}, clickjacking "
        f"{pipeline_provider(m, 'django', 'XFrameOptions')}, "
        f"hash {d.get('password', {}).get('scheme')}. "
        f"Flask: CSRF {pipeline_provider(m, 'flask', 'csrf') or 'none'}, headers "
        f"{pipeline_provider(m, 'flask', 'Talisman') or 'none'}, hash "
        f"{f.get('password', {}).get('scheme')}; from Flask's own stack: "
        f"{'; '.join(flask_own) or 'nothing'}"
    )
    if not (django_csrf and django_frame and django_hash):
        return CONTRADICTED, text
    return (MIXED if flask_own else SUPPORTED), text


def feature(m: dict, name: str) -> dict:
    return next(f for f in m["provenance"] if f["name"] == name)


def c7(m: dict) -> Verdict:
    """Django has built-in auth and sessions; Flask needs Flask-Login, cookie sessions only.

    Rule: supported when the Django app's sign-in and sessions come from Django, Flask's
    sign-in from Flask-Login, and Flask's session interface keeps the session in the cookie;
    mixed when some of the three hold, contradicted when none.
    """
    signin = feature(m, "Sign-in sessions")
    django_builtin = signin["django"]["provider"] == "built in" and m["defaults"]["django"].get(
        "session", {}
    ).get("provider", "").startswith("Django")
    flask_login = "flask-login" in package_names(m, "flask")
    engine = m["defaults"]["flask"].get("session", {}).get("engine", "")
    cookie = "Cookie" in engine
    held = [django_builtin, flask_login, cookie]
    text = (
        f"Django sessions: {m['defaults']['django'].get('session', {}).get('engine')} "
        f"({signin['django']['package']}); Flask sign-in: {signin['flask']['package']}; Flask "
        f"sessions: {engine}; old cookie refused after sign-out (SEC-5): Django "
        f"{rule_outcome(m, 'SEC-5', 'django')}, Flask {rule_outcome(m, 'SEC-5', 'flask')} "
        f"({feature(m, 'Sessions die on sign-out')['flask']['provider']})"
    )
    return (SUPPORTED if all(held) else MIXED if any(held) else CONTRADICTED), text


def c8(m: dict) -> Verdict:
    """Django has a built-in ORM; Flask needs SQLAlchemy.

    Rule: supported when SQLAlchemy is among the Flask app's dependencies and not Django's, and
    the Django app's ORM is Django's own; contradicted otherwise.
    """
    orm = feature(m, "ORM and database access")
    flask_sqla = "sqlalchemy" in package_names(m, "flask")
    django_sqla = "sqlalchemy" in package_names(m, "django")
    text = (
        f"Django ORM: {orm['django']['package']} ({orm['django']['provider']}); Flask: "
        f"{orm['flask']['package']} ({orm['flask']['provider']}); SQLAlchemy in Flask's "
        f"dependencies: {flask_sqla}, in Django's: {django_sqla}"
    )
    ok = flask_sqla and not django_sqla and orm["django"]["provider"] == "built in"
    return (SUPPORTED if ok else CONTRADICTED), text


def c9(m: dict) -> Verdict:
    """Flask does not depend on external libraries.

    Rule: contradicted when Flask's own metadata requires any package (markers evaluated
    here), supported when it requires none.
    """
    closure = m["flask_closure"]
    owners = {
        p["name"]: p["maintainer"]
        for p in m["deps"]["flask"]["packages"]
        if p["name"] in closure["requires"]
    }
    flask_owner = next(
        p["maintainer"] for p in m["deps"]["flask"]["packages"] if p["key"] == "flask"
    )
    same = sum(1 for owner in owners.values() if owner == flask_owner)
    text = (
        f"Flask {len(closure['requires'])} packages: {', '.join(closure['requires'])} "
        f"({closure['size'] / 1e6:.1f} MB; {same} of them from {flask_owner}, "
        "Flask's own maintainers)"
    )
    return (CONTRADICTED if closure["requires"] else SUPPORTED), text


def ratios_text(ratios: dict[str, float]) -> str:
    return ", ".join(f"{name} {r:.2f}" for name, r in ratios.items())


def c10(m: dict) -> Verdict:
    """Flask is faster and lighter; Django slightly slower.

    Rule (make bench, stock profile): the bench runs the apps in turns, so each run of one app
    has a neighbour run of the other; r is Flask's requests per second over Django's in such a
    pair. A page counts for Flask when the median r over the pairs is above 1.1 (clearly, more
    than 10%) and Flask is ahead in at least 80% of the pairs (not one lucky run); for Django
    likewise (median r below 1/1.1, Django ahead in 80%). Flask ahead on most pages (more than
    half) supports, Django ahead on most contradicts, anything else is mixed. Memory per worker
    is shown beside it (C1 uses it).
    """
    if m["bench"] is None:
        return RUN_BENCH, "requests per second and latency come from make bench"
    pairs = benchmod.paired_ratios(m["bench"])
    if not pairs:
        return RUN_BENCH, "build/bench.json has no requests-per-second figures"
    ratios = benchmod.page_ratios(m["bench"])

    def ahead(name: str, flask: bool) -> bool:
        wins = sum(1 for r in pairs[name] if (r > 1) == flask and r != 1)
        clear = ratios[name] > 1.1 if flask else ratios[name] < 1 / 1.1
        return clear and wins >= 0.8 * len(pairs[name])

    flask_ahead = sum(1 for name in ratios if ahead(name, flask=True))
    django_ahead = sum(1 for name in ratios if ahead(name, flask=False))
    most = len(ratios) / 2
    verdict = SUPPORTED if flask_ahead > most else CONTRADICTED if django_ahead > most else MIXED
    return verdict, (
        f"Flask/Django req/s per page (median of paired runs): {ratios_text(ratios)}; Flask "
        f"clearly ahead on {flask_ahead}, Django on {django_ahead} of {len(ratios)} pages; "
        f"{memory_text(m)} ({bench_setup(m)})"
    )


def bench_setup(m: dict) -> str:
    settings = m["bench"].get("settings", {})
    return (
        f"{m['bench'].get('load_generator', 'load generator?')}, {settings.get('runs', '?')} "
        f"runs of {settings.get('duration', '?')} s, {settings.get('workers', '?')} gunicorn "
        f"worker(s), {settings.get('connections', '?')} connections"
    )


def c11(m: dict) -> Verdict:
    """The performance difference is minor and usually insignificant.

    Rule (make bench, stock profile): Flask's requests per second over Django's (the median over
    the paired runs, as in C10) on each database-bound page (home, search, a post, the create
    POST). Every such page within
    20% (1/1.2 <= r <= 1.2) supports; any such page more than 50% apart (r > 1.5 or r < 1/1.5)
    contradicts; otherwise mixed. Both apps' share of the plain-WSGI ceiling is shown beside.
    """
    if m["bench"] is None:
        return RUN_BENCH, "ratios to the plain-WSGI ceiling come from make bench"
    ratios = benchmod.page_ratios(m["bench"], db_bound=True)
    if not ratios:
        return RUN_BENCH, "build/bench.json has no database-bound pages"
    apart = [max(r, 1 / r) for r in ratios.values()]
    verdict = SUPPORTED if max(apart) <= 1.2 else CONTRADICTED if max(apart) > 1.5 else MIXED
    share = {app: benchmod.mean_ratio(m["bench"], app, db_bound=True) for app in m["deps"]}
    text = f"database-bound pages, Flask/Django req/s: {ratios_text(ratios)}"
    if None not in share.values():
        text += (
            f"; mean share of the plain-WSGI ceiling: Django {share['django']:.2f}, "
            f"Flask {share['flask']:.2f}"
        )
    return verdict, text


def c12(m: dict) -> Verdict:
    """Flask is single-threaded and needs extra tooling; Django cannot serve simultaneous requests.

    Rule: both parts are contradicted when both apps pass OPS-8 (concurrent writes from 8
    clients under gunicorn with 4 workers, nothing lost, no failure), and the load part (make
    bench) shows no failed request; a failure on one side makes it mixed.
    """
    ops8 = {app: rule_outcome(m, "OPS-8", app) for app in m["deps"]}
    text = (
        f"OPS-8 (concurrent writes, gunicorn, 4 workers): Django {ops8['django']}, "
        f"Flask {ops8['flask']}"
    )
    if "not run" in ops8.values():
        return NOT_MEASURABLE, text + "; the suite did not run it"
    for run in m["spec"].get("figures", {}).get("concurrency", []):
        figures = ", ".join(f"{k} {v}" for k, v in run.items() if k not in ("app", "database"))
        text += f"; {run.get('app')} on {run.get('database')}: {figures}"
    failed = {
        app: benchmod.app_figure(m["bench"], app, "concurrency", "failed") for app in m["deps"]
    }
    if m["bench"] is None or None in failed.values():
        text += "; load: run make bench"
    else:
        load = {app: benchmod.app_figure(m["bench"], app, "concurrency") for app in m["deps"]}
        text += (
            "; load (make bench, "
            + bench_setup(m)
            + "): "
            + ", ".join(
                f"{app} {load[app].get('failed')} failed of {load[app].get('requests')}"
                for app in m["deps"]
            )
        )
    both = all(v == "passed" for v in ops8.values()) and not any(failed.values() or [0])
    return (CONTRADICTED if both else MIXED), text


def c13(m: dict) -> Verdict:
    """Flask suits only single-page applications and does not support HTML pages.

    Rule: contradicted when the Flask app passes the reading, writing and account rules (a
    multi-page HTML site); supported when it fails most of them; not measurable without results.
    """
    rows = [r for r in m["spec"]["rules"] if r["id"].split("-")[0] in ("READ", "POST", "AUTH")]
    passed = sum(1 for r in rows if r["apps"]["flask"]["outcome"] == "passed")
    ran = sum(1 for r in rows if r["apps"]["flask"]["outcome"] != "not run")
    total_passed = m["spec"]["totals"]["flask"]["passed"]
    text = (
        f"Flask passes {passed}/{len(rows)} page rules (READ, POST, AUTH) and {total_passed}/"
        f"{len(m['spec']['rules'])} rules in all, served as server-rendered HTML pages"
    )
    if ran == 0:
        return NOT_MEASURABLE, text + " (the suite has not run)"
    if passed == len(rows):
        return CONTRADICTED, text
    return (SUPPORTED if passed < len(rows) / 2 else MIXED), text


def c14(m: dict) -> Verdict:
    """Both use Jinja2 templates; the markup is the same.

    Rule: supported when both apps' template engines (read from the running apps) are Jinja2;
    contradicted when they differ.
    """
    engines = {app: m["defaults"][app].get("template_engine", {}) for app in m["deps"]}
    jinja = {app: "jinja2" in engines[app].get("backend", "").lower() for app in m["deps"]}
    lines = {app: m["loc"][app]["kinds"]["templates"]["code"] for app in m["deps"]}
    text = (
        f"Django: {engines['django'].get('backend')} ({engines['django'].get('provider')}); Flask: "
        f"{engines['flask'].get('backend')} ({engines['flask'].get('provider')}); template lines: "
        f"Django {lines['django']}, Flask {lines['flask']}; the HTML both render follows one "
        "markup contract (MARKUP.md)"
    )
    if not all(engines.values()):
        return NOT_MEASURABLE, text
    return (SUPPORTED if all(jinja.values()) else CONTRADICTED), text


def unit_figures(m: dict, app: str) -> tuple[int, int, float]:
    record = m["unit"][app]
    counts = record.get("counts", {})
    tests = counts.get("passed", 0) + counts.get("failed", 0)
    return (
        tests,
        m["loc"][app]["kinds"]["tests"]["code"],
        record.get("reported_seconds") or record.get("seconds", 0),
    )


def c15(m: dict) -> Verdict:
    """Flask has an integrated unit-testing system; Django is harder to test.

    Rule: Django counts as harder to test when its tests need more than 1.5x Flask's lines per
    test or more than 2x its time per test. Supported when Django is harder and only Flask
    ships a test client; contradicted when Django is not harder (both ship one: flask.testing,
    django.test); mixed otherwise.
    """
    import importlib.util

    clients = {
        "django": importlib.util.find_spec("django.test") is not None,
        "flask": importlib.util.find_spec("flask.testing") is not None,
    }
    fig = {app: unit_figures(m, app) for app in m["deps"]}
    if not fig["django"][0] or not fig["flask"][0]:
        return NOT_MEASURABLE, "the apps' unit tests did not run"
    per_line = {app: fig[app][1] / fig[app][0] for app in fig}
    per_time = {app: fig[app][2] / fig[app][0] for app in fig}
    harder = (
        per_line["django"] > 1.5 * per_line["flask"] or per_time["django"] > 2 * per_time["flask"]
    )
    text = "; ".join(
        f"{app.title()}: {fig[app][0]} tests, {fig[app][1]} lines ({per_line[app]:.0f}/test), "
        f"{fig[app][2]:.1f} s ({per_time[app] * 1000:.0f} ms/test)"
        for app in fig
    )
    text += (
        f"; test client built in: Django {clients['django']} (django.test), Flask "
        f"{clients['flask']} (flask.testing); shared suite rules passed: Django "
        f"{m['spec']['totals']['django']['passed']}, Flask {m['spec']['totals']['flask']['passed']}"
    )
    if harder and not clients["django"]:
        return SUPPORTED, text
    if not harder and clients["django"]:
        return CONTRADICTED, text
    return MIXED, text


def c16(m: dict) -> Verdict:
    """Flask allows a quicker start-up; Django takes longer initially.

    Rule: with timings (compare.py --run-setup), Flask's time to the first 200 at least 20%
    shorter and no more steps supports; Flask not faster (within 10% or slower) and no fewer
    steps contradicts; else mixed. Without timings, steps alone: fewer app steps in Flask
    supports, as many or more contradicts.
    """
    steps = {app: m["setup"][app]["app"] for app in m["deps"]}
    commands = {app: m["setup"][app]["commands"] for app in m["deps"]}
    text = (
        f"documented steps: Django {commands['django']} ({steps['django']} for the app), Flask "
        f"{commands['flask']} ({steps['flask']} for the app)"
    )
    run = m.get("setup_run") or {}
    times = {app: (run.get(app) or {}).get("seconds_to_first_200") for app in m["deps"]}
    if None in times.values():
        text += "; time to first 200: run compare.py --run-setup"
        return (SUPPORTED if steps["flask"] < steps["django"] else CONTRADICTED), text
    text += (
        f"; time to first 200 from scratch: Django {times['django']:.0f} s, "
        f"Flask {times['flask']:.0f} s"
    )
    r = times["flask"] / times["django"]
    if r <= 0.8 and steps["flask"] <= steps["django"]:
        return SUPPORTED, text
    if r >= 0.9 and steps["flask"] >= steps["django"]:
        return CONTRADICTED, text
    return MIXED, text


def c17(m: dict) -> Verdict:
    """Flask has a built-in debugger; Django has no support for debugging.

    Rule: each side's development server is started with DEBUG on and made to fail. The Flask
    part holds when its page has a traceback and an interactive console; the Django part holds
    when its page shows no traceback. Both: supported; one: mixed; neither: contradicted.
    """
    pages = {app: m["defaults"][app].get("debug_page", {}) for app in m["deps"]}
    if not all(p.get("measured") for p in pages.values()):
        reasons = "; ".join(
            f"{a}: {p.get('reason', 'not run')}" for a, p in pages.items() if not p.get("measured")
        )
        return NOT_MEASURABLE, f"a development server could not be probed ({reasons})"
    d, f = pages["django"], pages["flask"]
    text = (
        f"Django ({d['server']}): {d['status']}, traceback {d['traceback']}, local variables "
        f"{d['local_variables']}, request and settings "
        f"{d['request_details'] and d['settings_shown']}"
        f"; Flask ({f['server']}): {f['status']}, traceback {f['traceback']}, interactive console "
        f"{f['interactive_console']} (PIN {f['console_pin']}; Werkzeug's debugger, only under "
        "flask run --debug)"
    )
    flask_part = f["traceback"] and f["interactive_console"]
    django_part = not d["traceback"]
    if flask_part and django_part:
        return SUPPORTED, text
    return (MIXED if flask_part or django_part else CONTRADICTED), text


def c18(m: dict) -> Verdict:
    """Flask projects rely on more third-party libraries: a more complex stack to maintain.

    Rule: supported when the Flask app has more packages in all (direct + transitive) and
    more distinct maintainers; contradicted when it has fewer or as many of both; else mixed.
    """
    deps = m["deps"]
    total = {app: deps[app]["total"] for app in deps}
    owners = {app: len(deps[app]["maintainers"]) for app in deps}
    text = "; ".join(
        f"{app.title()}: {deps[app]['direct']} direct + {deps[app]['transitive']} transitive = "
        f"{total[app]} packages, {owners[app]} maintainers, {deps[app]['size'] / 1e6:.1f} MB"
        for app in deps
    )
    more = [total["flask"] > total["django"], owners["flask"] > owners["django"]]
    if all(more):
        return SUPPORTED, text
    return (MIXED if any(more) else CONTRADICTED), text


RULES: dict[str, Callable[[dict], Verdict]] = {
    f"C{n}": f
    for n, f in enumerate(
        [c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18], 1
    )
}


def read_claims(path: Path = CLAIMS_FILE) -> dict[str, dict]:
    """Read the claims table of CLAIMS.md (text and source) when it is there."""
    claims = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if row := CLAIM_ROW.match(line):
                claims[row.group(1)] = {
                    "claim": row.group(2),
                    "source": row.group(3),
                    "settled_by": row.group(4),
                }
    return claims


def settle(m: dict, claims: dict[str, dict] | None = None) -> list[dict]:
    """Apply every rule; a rule that fails on missing figures says so instead of stopping."""
    claims = read_claims() if claims is None else claims
    rows = []
    for cid, rule in RULES.items():
        try:
            verdict, evidence = rule(m)
        except (KeyError, TypeError, StopIteration, ZeroDivisionError) as error:
            verdict, evidence = (
                NOT_MEASURABLE,
                f"a figure is missing ({type(error).__name__}: {error})",
            )
        info = claims.get(cid, {})
        rows.append(
            {
                "id": cid,
                "claim": info.get("claim") or (rule.__doc__ or "").splitlines()[0],
                "source": info.get("source", ""),
                "verdict": verdict,
                "evidence": evidence,
                "rule": " ".join((rule.__doc__ or "").split("\n", 1)[-1].split()),
            }
        )
    return rows
