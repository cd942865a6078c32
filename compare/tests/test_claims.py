"""The verdict rules of compare/claims.py, on measurements made up to sit on each side of a rule."""

import copy

import pytest

from compare import claims

RULES = ["READ-1", "POST-1", "AUTH-1", "ADMIN-1", "SEC-5", "OPS-8"]


def lines(code: int) -> dict:
    kinds = {k: {"files": 1, "code": 0, "comment": 0, "blank": 0} for k in ("tests", "templates")}
    return {"hand_written": {"code": code}, "kinds": kinds}


def package(name: str, maintainer: str = "github.com/x", size: int = 1000) -> dict:
    return {"name": name, "key": name.lower(), "maintainer": maintainer, "size": size}


BASE = {
    "loc": {"django": lines(1000), "flask": lines(1000)},
    "concept_kinds": {"admin": {"django": {"code": 50}, "flask": {"code": 100}}},
    "concepts": [
        {
            "name": "Staff only",
            "kind": "admin",
            "sides": {"django": {"locations": []}, "flask": {"locations": [1]}},
        }
    ],
    "deps": {
        "django": {
            "packages": [package("Django")],
            "direct": 1,
            "transitive": 0,
            "total": 1,
            "maintainers": ["github.com/django"],
            "size": 1000,
        },
        "flask": {
            "packages": [
                package("Flask", "github.com/pallets"),
                package("Flask-Admin"),
                package("SQLAlchemy"),
                package("Flask-Login"),
                package("Werkzeug", "github.com/pallets"),
            ],
            "direct": 4,
            "transitive": 1,
            "total": 5,
            "maintainers": ["github.com/pallets", "github.com/x"],
            "size": 5000,
        },
    },
    "flask_closure": {"requires": ["Werkzeug"], "size": 100},
    "spec": {
        "rules": [
            {"id": r, "apps": {"django": {"outcome": "passed"}, "flask": {"outcome": "passed"}}}
            for r in RULES
        ],
        "totals": {"django": {"passed": 6}, "flask": {"passed": 6}},
    },
    "setup": {"django": {"commands": 8, "app": 4}, "flask": {"commands": 8, "app": 4}},
    "setup_run": None,
    "bench": None,
    "defaults": {
        "django": {
            "template_engine": {"backend": "django.template.backends.django.DjangoTemplates"},
            "debug_page": {
                "measured": True,
                "traceback": True,
                "server": "runserver",
                "status": 500,
                "local_variables": True,
                "request_details": True,
                "settings_shown": True,
            },
        },
        "flask": {
            "template_engine": {"backend": "jinja2.environment.Environment"},
            "debug_page": {
                "measured": True,
                "traceback": True,
                "interactive_console": True,
                "console_pin": True,
                "server": "flask run",
                "status": 500,
            },
        },
    },
}


@pytest.fixture
def m():
    return copy.deepcopy(BASE)


@pytest.mark.parametrize(
    ("django", "flask", "verdict"),
    [(1000, 500, "supported"), (1000, 800, "mixed"), (1000, 1000, "contradicted")],
)
def test_c1_half_the_code(m, django, flask, verdict):
    m["loc"]["django"], m["loc"]["flask"] = lines(django), lines(flask)
    assert claims.c1(m)[0] == verdict
    assert "run make bench" in claims.c1(m)[1]


def test_c1_memory_from_bench_decides_the_resource_part(m):
    m["loc"]["django"], m["loc"]["flask"] = lines(1000), lines(500)
    m["bench"] = {
        "apps": {"django": {"memory_per_worker_mb": 50}, "flask": {"memory_per_worker_mb": 70}}
    }
    assert claims.c1(m)[0] == "mixed"
    m["bench"]["apps"]["flask"]["memory_per_worker_mb"] = 30
    assert claims.c1(m)[0] == "supported"


@pytest.mark.parametrize(
    ("django", "flask", "verdict"),
    [(800, 1000, "supported"), (1000, 1050, "mixed"), (1200, 1000, "contradicted")],
)
def test_c2_django_fewer_lines(m, django, flask, verdict):
    m["loc"]["django"], m["loc"]["flask"] = lines(django), lines(flask)
    assert claims.c2(m)[0] == verdict


@pytest.mark.parametrize(
    ("flask_admin", "verdict"), [(600, "supported"), (200, "contradicted"), (200 * 2, "mixed")]
)
def test_c5_two_sprints_against_a_day(m, flask_admin, verdict):
    m["concept_kinds"]["admin"] = {"django": {"code": 100}, "flask": {"code": flask_admin}}
    assert claims.c5(m)[0] == verdict


def test_c4_admin_needs_flask_admin(m):
    assert claims.c4(m)[0] == "supported"
    m["deps"]["flask"]["packages"] = [
        p for p in m["deps"]["flask"]["packages"] if p["key"] != "flask-admin"
    ]
    assert claims.c4(m)[0] == "contradicted"


def test_c9_flask_with_and_without_dependencies(m):
    assert claims.c9(m)[0] == "contradicted"
    m["flask_closure"]["requires"] = []
    assert claims.c9(m)[0] == "supported"


def test_bench_claims_wait_for_make_bench(m):
    for rule in (claims.c10, claims.c11):
        assert rule(m)[0] == "run make bench"
    pages = {"/": {"rps": 100, "ratio_to_ceiling": 0.1, "db_bound": True}}
    faster = {"/": {"rps": 150, "ratio_to_ceiling": 0.15, "db_bound": True}}
    m["bench"] = {"apps": {"django": {"pages": pages}, "flask": {"pages": faster}}}
    assert claims.c10(m)[0] == "supported"
    assert claims.c11(m)[0] == "mixed"  # 50% apart on database-bound pages


def test_c12_both_pass_concurrent_writes(m):
    verdict, evidence = claims.c12(m)
    assert verdict == "contradicted"
    assert "run make bench" in evidence
    m["spec"]["rules"][-1]["apps"]["flask"]["outcome"] = "failed"
    assert claims.c12(m)[0] == "mixed"


def test_c13_flask_serves_html_pages(m):
    assert claims.c13(m)[0] == "contradicted"
    for rule in m["spec"]["rules"]:
        rule["apps"]["flask"]["outcome"] = "not run"
    assert claims.c13(m)[0] == "not measurable here"


def test_c14_template_engines(m):
    assert claims.c14(m)[0] == "contradicted"
    m["defaults"]["django"]["template_engine"]["backend"] = "django.template.backends.jinja2.Jinja2"
    assert claims.c14(m)[0] == "supported"


def test_c16_steps_then_timings(m):
    assert claims.c16(m)[0] == "contradicted"
    m["setup_run"] = {
        "django": {"seconds_to_first_200": 100},
        "flask": {"seconds_to_first_200": 50},
    }
    assert claims.c16(m)[0] == "supported"
    m["setup"]["flask"]["app"] = 3
    m["setup_run"] = None
    assert claims.c16(m)[0] == "supported"


def test_c17_debug_pages(m):
    assert claims.c17(m)[0] == "mixed"
    m["defaults"]["django"]["debug_page"]["traceback"] = False
    assert claims.c17(m)[0] == "supported"
    m["defaults"]["flask"]["debug_page"] = {"measured": False, "reason": "no server"}
    assert claims.c17(m)[0] == "not measurable here"


def test_c18_more_packages_and_maintainers(m):
    assert claims.c18(m)[0] == "supported"
    m["deps"]["flask"]["maintainers"] = ["one"]
    assert claims.c18(m)[0] == "mixed"


def test_settle_gives_every_claim_a_verdict_even_with_figures_missing(m):
    del m["defaults"]["flask"]["template_engine"]
    rows = claims.settle(m, claims={})
    assert [row["id"] for row in rows] == [f"C{n}" for n in range(1, 19)]
    assert all(row["verdict"] in claims.VERDICTS for row in rows)
    assert all(row["rule"] for row in rows)


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


def bench_pages(rps: dict[str, tuple[float, float]], db_bound=("home",)) -> dict:
    """Return a bench.json with these (Django, Flask) median req/s per page."""
    apps = {"django": {"pages": {}}, "flask": {"pages": {}}}
    for name, pair in rps.items():
        for app, value in zip(("django", "flask"), pair, strict=True):
            apps[app]["pages"][name] = {
                "rps": value,
                "ratio_to_ceiling": value / 1000,
                "db_bound": name in db_bound,
            }
    return {"apps": apps, "settings": {"runs": 5}}


@pytest.mark.parametrize(
    ("rps", "verdict"),
    [
        ({"home": (100, 120), "detail": (100, 115), "healthz": (100, 100)}, "supported"),
        ({"home": (120, 100), "detail": (115, 100), "healthz": (100, 130)}, "contradicted"),
        ({"home": (100, 120), "detail": (115, 100), "healthz": (100, 105)}, "mixed"),
        # 5% apart is no difference: neither side is ahead on most pages.
        ({"home": (100, 105), "detail": (100, 95)}, "mixed"),
    ],
)
def test_c10_counts_the_pages_each_side_is_clearly_ahead_on(m, rps, verdict):
    m["bench"] = bench_pages(rps)
    assert claims.c10(m)[0] == verdict


def test_c10_a_page_counts_only_when_most_paired_runs_agree(m):
    m["bench"] = bench_pages({"home": (100, 150), "detail": (100, 150)})
    pages = m["bench"]["apps"]
    # Flask is 50% ahead in the medians' pairing, but behind in two of five neighbouring runs.
    pages["django"]["pages"]["home"]["runs_rps"] = [100, 100, 100, 200, 200]
    pages["flask"]["pages"]["home"]["runs_rps"] = [150, 150, 150, 150, 150]
    pages["django"]["pages"]["detail"]["runs_rps"] = [100] * 5
    pages["flask"]["pages"]["detail"]["runs_rps"] = [150] * 5
    verdict, evidence = claims.c10(m)
    assert verdict == "mixed"
    assert "Flask clearly ahead on 1, Django on 0 of 2 pages" in evidence
    pages["django"]["pages"]["home"]["runs_rps"] = [100, 100, 100, 100, 200]
    assert claims.c10(m)[0] == "supported"


@pytest.mark.parametrize(
    ("home", "search", "verdict"),
    [((100, 110), (100, 90), "supported"), ((100, 130), (100, 100), "mixed"),
     ((100, 100), (200, 100), "contradicted")],
)  # fmt: skip
def test_c11_judges_the_database_bound_pages_only(m, home, search, verdict):
    # healthz is far apart but not database-bound: it does not count.
    pages = {"home": home, "search": search, "healthz": (100, 300)}
    m["bench"] = bench_pages(pages, db_bound=("home", "search"))
    verdict_found, evidence = claims.c11(m)
    assert verdict_found == verdict
    assert "healthz" not in evidence


def test_c12_reads_the_failed_requests_under_load(m):
    load = {"requests": 5000, "failed": 0, "clients": 8}
    m["bench"] = {"apps": {"django": {"concurrency": load}, "flask": {"concurrency": dict(load)}}}
    verdict, evidence = claims.c12(m)
    assert verdict == "contradicted"
    assert "0 failed of 5000" in evidence
    m["bench"]["apps"]["flask"]["concurrency"]["failed"] = 3
    assert claims.c12(m)[0] == "mixed"
