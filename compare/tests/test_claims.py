"""The claims' rules (compare/claims.py), on measurements made up to give each verdict."""

import copy

import pytest

from compare import claims
from compare.claim_figures import figures

APPS = ("django", "flask")
RULES = ["READ-1", "POST-1", "AUTH-1", "ADMIN-1", "ADMIN-2", "SEC-5", "OPS-8"]


def lines(code: int, tests: int = 0) -> dict:
    kinds = {k: {"files": 1, "code": 0, "comment": 0, "blank": 0} for k in ("tests", "templates")}
    kinds["tests"]["code"] = tests
    return {"hand_written": {"code": code}, "kinds": kinds}


def package(name: str, maintainer: str = "github.com/x", size: int = 1000) -> dict:
    return {"name": name, "key": name.lower(), "maintainer": maintainer, "size": size}


def deps(*names: str, maintainers: int = 1) -> dict:
    rows = [package(n, "github.com/pallets" if n in ("Flask", "Werkzeug") else "x") for n in names]
    return {"packages": rows, "direct": len(rows) - 1, "transitive": 1, "total": len(rows),
            "maintainers": [f"m{i}" for i in range(maintainers)], "size": 5000}  # fmt: skip


def feature(name: str, django: tuple[str, str], flask: tuple[str, str]) -> dict:
    sides = {"django": django, "flask": flask}
    return {"name": name, **{app: {"provider": p, "package": k} for app, (p, k) in sides.items()}}


def probe(pipeline: dict, scheme: str, session: tuple[str, str], backend: str) -> dict:
    return {
        "pipeline": [{"name": name, "provider": by} for name, by in pipeline.items()],
        "password": {"scheme": scheme},
        "session": {"engine": session[0], "provider": session[1]},
        "template_engine": {"backend": backend, "provider": backend.split(".")[0]},
    }


def debug_page(traceback: bool, console: bool = False) -> dict:
    shown = dict.fromkeys(("local_variables", "request_details", "console_pin"), True)
    page = {"traceback": traceback, "interactive_console": console, **shown}
    return {**page, "measured": True, "server": "dev", "status": 500}


def bench(rps: dict[str, tuple[float, float]], db_bound=("home",), **apps) -> dict:
    """Return a bench.json with these (Django, Flask) median req/s per page."""
    out = {"apps": {"django": {"pages": {}}, "flask": {"pages": {}}}, "settings": {"runs": 5}}
    for name, pair in rps.items():
        for app, value in zip(("django", "flask"), pair, strict=True):
            out["apps"][app]["pages"][name] = {
                "rps": value, "ratio_to_ceiling": value / 1000, "db_bound": name in db_bound,
            }  # fmt: skip
    for app, found in apps.items():
        out["apps"][app].update(found)
    return out


def counted(ratios: dict[str, float], db_bound=("home", "search"), rps=None, noisy=()) -> dict:
    """Return a bench.json whose Flask takes these times Django's instructions on each page."""
    out = bench(rps or dict.fromkeys(ratios, (100, 100)), db_bound)
    for name, ratio in ratios.items():
        out["apps"]["django"]["pages"][name]["instructions"] = 10e6
        out["apps"]["flask"]["pages"][name]["instructions"] = ratio * 10e6
    for name in noisy:
        out["apps"]["django"]["pages"][name]["noisy"] = True
    return out


def drills(lost: int = 0) -> dict:
    """Return a scale.json of one drill per app; Flask lost this many acknowledged writes."""
    each = {"requests": 500, "failed": 2, "acknowledged_writes": 40, "found_twice": 0}
    return {"apps": {app: {"replica killed": {**each, "found_afterwards": 40 - n, "lost": n}}
                     for app, n in (("django", 0), ("flask", lost))}}  # fmt: skip


def scaled(django: float | None, flask: float | None) -> dict:
    """Return drills() with make bench-scale's ratios at 3 replicas (None: a noisy run)."""
    apps = {
        app: {"scaling": {"1": 1.0, "3": r}} for app, r in (("django", django), ("flask", flask))
    }
    return {**drills(), "bench": {"apps": apps}}


BASE = {
    "loc": {"django": lines(1000, tests=500), "flask": lines(1000, tests=500)},
    "concept_kinds": {"admin": {"django": {"code": 50}, "flask": {"code": 100}}},
    "concepts": [{"name": "Staff only", "kind": "admin",
                  "sides": {"django": {"locations": []}, "flask": {"locations": [1]}}}],
    "deps": {"django": deps("Django", "asgiref"),
             "flask": deps("Flask", "Flask-Admin", "SQLAlchemy", "Flask-Login", "Werkzeug",
                           maintainers=2)},
    "flask_closure": {"requires": ["Werkzeug"], "size": 100},
    "provenance": [
        feature("ORM and database access", ("built in", "Django"), ("extension", "SQLAlchemy")),
        feature("Sign-in sessions", ("built in", "Django"), ("extension", "Flask-Login")),
        feature("Sessions die on sign-out", ("built in", "Django"), ("own code", "")),
        feature("User model and password hashing", ("built in", "Django"),
                ("own code", "Werkzeug (werkzeug.security)")),
        feature("CSRF protection", ("built in", "Django"), ("extension", "Flask-WTF")),
    ],
    "spec": {
        "rules": [{"id": r, "apps": {"django": {"outcome": "passed"},
                                     "flask": {"outcome": "passed"}}} for r in RULES],
        "totals": {"django": {"passed": 7}, "flask": {"passed": 7}},
        "figures": {},
    },
    "unit": {"django": {"counts": {"passed": 10}, "seconds": 2.0},
             "flask": {"counts": {"passed": 10}, "seconds": 2.0}},
    "setup": {"django": {"commands": 8, "app": 4}, "flask": {"commands": 8, "app": 4}},
    "setup_run": None,
    "bench": None,
    "scale": None,
    "replicas": {"django": {"settings": ["BEHIND_PROXY"], "packages": ["django-redis", "redis"],
                            "lines": 6},
                 "flask": {"settings": ["ProxyFix"], "packages": ["limits[redis]", "redis"],
                           "lines": 4}},
    "defaults": {
        "django": {**probe({"django.middleware.csrf.CsrfViewMiddleware": "Django 5.2",
                            "django.middleware.clickjacking.XFrameOptionsMiddleware": "Django 5.2"},
                           "pbkdf2_sha256", ("django.contrib.sessions.backends.db", "Django 5.2"),
                           "django.template.backends.django.DjangoTemplates"),
                   "debug_page": debug_page(traceback=True)},
        "flask": {**probe({"csrf: flask_wtf.csrf.CSRFProtect": "Flask-WTF 1.2"}, "scrypt",
                          ("flask.sessions.SecureCookieSessionInterface", "Flask 3.1"),
                          "jinja2.environment.Environment"),
                  "debug_page": debug_page(traceback=True, console=True)},
    },
}  # fmt: skip


def put(m: dict, path: str, value) -> None:
    """Set m at a dotted path (a number indexes a list)."""
    *keys, last = [int(k) if k.isdigit() else k for k in path.split(".")]
    for key in keys:
        m = m[key]
    m[last] = value


def judge(changes: dict, claim: str) -> dict:
    m = copy.deepcopy(BASE)
    for path, value in changes.items():
        put(m, path, value)
    return claims.judge(claims.RULES[claim], figures(m))


S, C, M, N, B = claims.VERDICTS
FLASK_CODE, ADMIN = "loc.flask.hand_written.code", "concept_kinds.admin.flask.code"
FLASK_ADMIN_OUT = {"deps.flask.packages": [package("Flask"), package("Werkzeug")]}
DJANGO_CSRF = "defaults.django.pipeline.0.provider"
NOT_RUN = {f"spec.rules.{i}.apps.{app}.outcome": "not run" for i in range(7) for app in APPS}
MEMORY = {"apps": {"django": {"memory_per_worker_mb": 50}, "flask": {"memory_per_worker_mb": 30}}}
TIMES = {"django": {"seconds_to_first_200": 100}, "flask": {"seconds_to_first_200": 50}}
LOAD = {"requests": 5000, "failed": 0}
CASES = [
    ("C1", {FLASK_CODE: 500}, S), ("C1", {FLASK_CODE: 800}, M), ("C1", {FLASK_CODE: 1000}, C),
    ("C1", {FLASK_CODE: 500, "bench": MEMORY}, S),
    ("C1", {FLASK_CODE: 500, "bench": MEMORY, "bench.apps.flask.memory_per_worker_mb": 70}, M),
    ("C2", {FLASK_CODE: 1200}, S), ("C2", {FLASK_CODE: 1050}, M), ("C2", {FLASK_CODE: 800}, C),
    ("C3", {FLASK_CODE: 800}, S), ("C3", {FLASK_CODE: 1050}, M), ("C3", {FLASK_CODE: 1200}, C),
    ("C4", {}, S), ("C4", FLASK_ADMIN_OUT, C), ("C4", {ADMIN: 40}, C),
    ("C4", {"spec.rules.4.apps.django.outcome": "failed"}, M), ("C4", NOT_RUN, N),
    ("C5", {ADMIN: 500}, S), ("C5", {ADMIN: 200}, M), ("C5", {ADMIN: 100}, C),
    ("C6", {"flask_closure.requires": []}, S), ("C6", {}, M), ("C6", {DJANGO_CSRF: "own code"}, C),
    ("C6", {"defaults.django": {"error": "boom", "debug_page": {}}}, N),
    ("C7", {}, S), ("C7", FLASK_ADMIN_OUT, M),
    ("C7", {**FLASK_ADMIN_OUT, "defaults.flask.session.engine": "redis", "provenance.1.django.provider": "extension"}, C),  # noqa: E501
    ("C7", {"defaults.flask": {"error": "boom", "debug_page": {}}}, N),
    ("C8", {}, S), ("C8", {"deps.django.packages": [package("Django"), package("SQLAlchemy")]}, C),
    ("C9", {"flask_closure.requires": []}, S), ("C9", {}, C),
    ("C10", {"bench": counted({"home": 0.5, "detail": 0.85, "hz": 1.0})}, S),
    ("C10", {"bench": counted({"home": 0.5, "detail": 0.85, "hz": 1.0}),
             "bench.apps.django.memory_per_worker_mb": 50,
             "bench.apps.flask.memory_per_worker_mb": 70}, M),  # fewer instructions, more memory
    ("C10", {"bench": counted({"home": 1.2, "detail": 1.15, "hz": 0.5})}, C),
    ("C10", {"bench": counted({"home": 0.5, "detail": 1.2, "hz": 0.95})}, M),
    ("C10", {"bench": counted({"home": 0.95, "detail": 1.05})}, M),  # 5%: no difference
    ("C10", {}, B), ("C10", {"bench": bench({"home": (100, 200)})}, B),  # req/s alone: not read
    ("C11", {"bench": counted({"home": 1.1, "search": 0.9})}, S),
    ("C11", {"bench": counted({"home": 0.5, "search": 0.88})}, M),  # the pages disagree
    ("C11", {"bench": counted({"home": 0.5, "search": 0.6})}, M),  # quiet req/s: the same
    ("C11", {"bench": counted({"home": 0.5, "search": 0.6}, rps={"home": (100, 140), "search": (1, 1)})}, C),  # noqa: E501
    ("C11", {"bench": counted({"home": 1, "search": 1}, rps={"home": (100, 200), "search": (1, 1)})}, M),  # noqa: E501
    ("C11", {"bench": counted({"home": 1, "search": 1}, rps={"home": (100, 200), "search": (1, 1)}, noisy=["home"])}, S),  # noqa: E501
    ("C11", {}, B), ("C11", {"bench": bench({"home": (100, 200)})}, B),
    ("C12", {}, B), ("C12", {"spec.rules.6.apps.flask.outcome": "failed"}, M), ("C12", NOT_RUN, N),
    ("C12", {"bench": bench({}, django={"concurrency": LOAD}, flask={"concurrency": LOAD})}, C),
    ("C12", {"bench": bench({}, django={"concurrency": LOAD},
                            flask={"concurrency": {"requests": 5000, "failed": 3}})}, M),
    ("C12", {"scale": drills()}, C), ("C12", {"scale": drills(lost=1)}, M),
    ("C12", {"scale": drills(), "replicas.flask.packages": ["limits[redis]", "redis", "x"]}, M),
    ("C12", {"scale": scaled(1.1, 1.2)}, C), ("C12", {"scale": scaled(1.0, 1.3)}, M),
    ("C12", {"scale": scaled(None, 1.3)}, C),  # a noisy ratio is not read
    ("C13", {}, C), ("C13", {"spec.rules.0.apps.flask.outcome": "failed"}, M),
    ("C13", {f"spec.rules.{i}.apps.flask.outcome": "failed" for i in range(3)}, S),
    ("C13", NOT_RUN, N),
    ("C14", {"defaults.django.template_engine.backend": "django.template.backends.jinja2.J"}, S),
    ("C14", {}, C), ("C14", {"defaults.flask": {"error": "boom", "debug_page": {}}}, N),
    ("C15", {"loc.django.kinds.tests.code": 800}, S), ("C15", {"unit.django.seconds": 5.0}, S),
    ("C15", {}, C), ("C15", {"unit.django.counts": {}}, N),
    ("C16", {"setup_run": TIMES}, S), ("C16", {"setup_run": TIMES, "setup.flask.app": 5}, M),
    ("C16", {"setup_run": {**TIMES, "flask": {"seconds_to_first_200": 95}}}, C),
    ("C16", {"setup.flask.app": 3}, S), ("C16", {}, C),
    ("C16", {"setup_run": {**TIMES, "flask": {"error": "never answered"}}}, C),
    ("C17", {"defaults.django.debug_page.traceback": False}, S), ("C17", {}, M),
    ("C17", {"defaults.flask.debug_page": debug_page(traceback=True)}, C),
    ("C17", {"defaults.flask.debug_page": {"measured": False, "reason": "no server"}}, N),
    ("C18", {}, S), ("C18", {"deps.flask.maintainers": ["one"]}, M),
    ("C18", {"deps.flask.maintainers": ["one"], "deps.flask.total": 2}, C),
]  # fmt: skip


@pytest.mark.parametrize(("claim", "changes", "verdict"), CASES)
def test_each_rule_gives_each_verdict(claim, changes, verdict):
    assert judge(changes, claim)["verdict"] == verdict


def test_every_claim_is_tested_on_each_verdict_its_rule_can_give():
    tested = {(claim, verdict) for claim, _, verdict in CASES}
    for claim in claims.CLAIMS:
        possible = {verdict for verdict, _ in claim.cases()}
        assert {(claim.id, v) for v in possible} <= tested, claim.id


def test_without_test_results_the_admin_claim_says_it_cannot_be_settled():
    """With --no-tests, C4 no longer says "supported" beside "admin rules passed: 0/2"."""
    row = judge(NOT_RUN, "C4")
    assert row["verdict"] == N
    assert "not measured here: django_admin_passed, flask_admin_passed" in row["evidence"]
    assert "admin rules passed" not in row["evidence"]
    assert "admin rules passed: Django 2/2, Flask 2/2" in judge({}, "C4")["evidence"]


def test_bench_claims_say_run_make_bench_and_keep_the_code_verdict():
    row = judge({FLASK_CODE: 500}, "C1")
    assert row["verdict"] == S
    assert row["evidence"].endswith("not measured here: django_memory_mb, flask_memory_mb")
    assert "load (make bench" not in judge({}, "C12")["evidence"]


def test_c11_judges_the_database_bound_pages_only():
    # healthz is far apart but not database-bound: it does not count.
    row = judge({"bench": counted({"home": 1.1, "healthz": 3.0}, db_bound=("home",))}, "C11")
    assert row["verdict"] == S
    assert (
        "database-bound pages, Flask/Django instructions per request: home 1.10 ("
        in (row["evidence"])
    )
    assert "healthz" not in row["evidence"]


def test_c12_shows_the_drills_and_what_each_app_added():
    row = judge({"scale": drills(lost=1)}, "C12")
    assert "Django lost 0 of 40 acknowledged writes, 2 of 500 requests failed" in row["evidence"]
    assert "Flask lost 1 of 40, 2 of 500 failed" in row["evidence"]
    assert "packages added for replicas: Django django-redis, redis, Flask" in row["evidence"]
    assert row["decided_by"] == "False in (django_drills_held, flask_drills_held)"


def test_c12_shows_the_scaling_ratios_only_when_both_were_quiet():
    row = judge({"scale": scaled(1.0, 1.3)}, "C12")
    assert (
        "req/s with 3 replicas over 1 (make bench-scale, quiet runs only): Django 1.00, "
        "Flask 1.30" in row["evidence"]
    )
    assert row["decided_by"].startswith("None not in (django_scale_3, flask_scale_3)")
    noisy = judge({"scale": scaled(None, 1.3)}, "C12")["evidence"]
    assert "req/s with 3 replicas" not in noisy
    assert "replica counts measured noisy, not read: django/3" in noisy


def test_a_rule_reading_a_missing_figure_fails_the_run():
    m = copy.deepcopy(BASE)
    del m["loc"]["flask"]["hand_written"]
    with pytest.raises(KeyError):
        claims.settle(m, claims={})
    m = copy.deepcopy(BASE)
    del m["defaults"]["django"]["template_engine"]
    with pytest.raises(KeyError):
        claims.settle(m, claims={})


def test_a_rule_comparing_a_figure_not_measured_fails_the_run():
    m = copy.deepcopy(BASE)
    m["deps"]["flask"]["total"] = None
    with pytest.raises(TypeError):
        claims.settle(m, claims={})


def test_a_rule_naming_a_figure_no_code_measures_fails_the_run():
    claim = claims.Claim("C0", "supported if django_code < 2 * flask_lines; otherwise mixed", "")
    with pytest.raises(KeyError, match="flask_lines"):
        claims.judge(claim, figures(copy.deepcopy(BASE)))
    with pytest.raises(ValueError, match="not a rule"):
        claims.Claim("C0", "supported if django_code > 1; otherwise maybe", "").cases()


def test_settle_shows_each_rule_its_figures_and_what_decided():
    rows = claims.settle(
        copy.deepcopy(BASE), claims={"C2": {"claim": "Django: fewer", "source": "002"}}
    )
    assert [row["id"] for row in rows] == [f"C{n}" for n in range(1, 19)]
    assert all(row["verdict"] in claims.VERDICTS and row["rule"] for row in rows)
    c2 = rows[1]
    assert (c2["claim"], c2["source"], c2["verdict"]) == ("Django: fewer", "002", M)
    assert c2["rule"].startswith("supported if django_code <= 0.9 * flask_code; ")
    assert c2["figures"]["flask_code"] == 1000
    assert c2["decided_by"] == "otherwise"
    assert rows[0]["decided_by"] == "flask_code >= django_code"


def test_every_claim_of_claims_md_has_a_verdict_rule():
    """Settle each claim the repository's CLAIMS.md lists, no more and no fewer."""
    listed = claims.read_claims()
    assert len(listed) >= 18
    assert set(listed) == set(claims.RULES)


def test_the_claims_copy_matches_the_teams_file():
    """Keep docs/CLAIMS.md the same as the team's CLAIMS.md where that file is at hand."""
    if not claims.TEAM_CLAIMS_FILE.is_file():  # a clone outside the team's workspace
        return
    assert claims.CLAIMS_FILE.read_text() == claims.TEAM_CLAIMS_FILE.read_text()
