"""The claims of CLAIMS.md, each with its rule as data: the figures it reads, cases, thresholds.

compare/verdicts.py turns a claim's data into a verdict; compare/claim_figures.py holds the
figures that are more than a path into the measurements `m`. `settle(m)` returns one dict per
claim, in order C1..C18:

    {"id": "C1", "claim": "With Flask ...", "source": "000",
     "verdict": "supported",               # one of VERDICTS
     "evidence": "hand-written code: ...",  # the figures in words
     "rule": "<why> Rule: contradicted if flask_code ≥ 1.0 * django_code; ...; otherwise "
             "mixed. When not measured (memory per worker: run make bench): ...",
     "why": "what the thresholds stand for",    # rule, decided_by: * printed as the times sign
     "figures": {"flask_code": {"value": 812, "from": "code(app='flask')"}, ...},
     "not_measured": ["django_memory_mb", ...],   # figures read as None (no bench, no tests)
     "cases": [{"verdict": "contradicted", "conditions": ["flask_code >= 1.0 * django_code"],
                "join": "all"}, ...],               # the rule applied, in order
     "otherwise": "mixed",
     "decided_by": "flask_code ≤ 0.6 * django_code",  # the case that held, or "otherwise"
     "thresholds": [1.0, 0.6]}                     # the numbers the applied rule compares with
"""

from __future__ import annotations

import re
from functools import partial as p
from pathlib import Path

from compare import claim_figures as fig
from compare.claim_figures import code, code_text, per_app
from compare.verdicts import (
    CONTRADICTED,
    NOT_MEASURABLE,
    RUN_BENCH,
    SUPPORTED,
    VERDICTS,
    Claim,
    Without,
    explain,
    judge,
    rule,
    when,
    when_any,
)
from toolkit.paths import ROOT

__all__ = ["CLAIMS", "VERDICTS", "code", "code_text", "read_claims", "settle"]

# The team keeps CLAIMS.md beside the repository; docs/ holds the copy a clone carries.
CLAIMS_FILE = ROOT / "docs" / "CLAIMS.md"
TEAM_CLAIMS_FILE = ROOT.parent / "shared" / "CLAIMS.md"
CLAIM_ROW = re.compile(r"^\| (C\d+) \| (.*?) \| (.*?) \| (.*?) \|$")

CODE = {**per_app("code", code), "code_text": code_text}
MEMORY = per_app("memory_mb", fig.bench_figure, keys=("memory_per_worker_mb",))
NO_MEMORY = "memory per worker: run make bench"
ADMIN_CODE = per_app("admin_code", "concept_kinds.admin.{app}.code")
NO_PROBE = "a running app could not be probed (see the defaults part)"
NO_SUITE = "the shared suite has not run (compare.py without --no-tests)"

# Claim(id, figures, rule, evidence, why, without): compare/verdicts.py says what each holds.
# fmt: off
CLAIMS = (
    Claim(
        "C1",
        {**CODE, **MEMORY},
        rule(
            when(CONTRADICTED, "flask_code >= 1.0 * django_code"),
            when(SUPPORTED, "flask_code <= 0.6 * django_code",
                 "flask_memory_mb < django_memory_mb"),
        ),
        ("hand-written code: {code_text} (Flask/Django = {flask_code/django_code:.2f})",
         "memory per worker: Django {django_memory_mb:.0f} MB, Flask {flask_memory_mb:.0f} MB"),
        "Half the code: Flask's at most 0.6 of Django's; fewer resources: less memory per worker.",
        (Without(tuple(MEMORY), NO_MEMORY, rule(
            when(CONTRADICTED, "flask_code >= 1.0 * django_code"),
            when(SUPPORTED, "flask_code <= 0.6 * django_code"))),),
    ),
    Claim(
        "C2",
        CODE,
        rule(when(SUPPORTED, "django_code <= 0.9 * flask_code"),
             when(CONTRADICTED, "django_code >= 1.1 * flask_code")),
        ("hand-written code: {code_text} (Django/Flask = {django_code/flask_code:.2f})",),
        "Within 10% either way is about the same: mixed.",
    ),
    Claim(
        "C3",
        {**CODE, **per_app("framework_bytes", fig.framework_bytes),
         "flask_closure_bytes": "flask_closure.size"},
        rule(when(SUPPORTED, "django_code >= 1.1 * flask_code"),
             when(CONTRADICTED, "django_code <= 0.9 * flask_code")),
        ("apps without migrations or tests: {code_text}",
         "the frameworks installed: Django {django_framework_bytes/1e6:.1f} MB, Flask "
         "{flask_framework_bytes/1e6:.1f} MB (+{flask_closure_bytes/1e6:.1f} MB of its own "
         "dependencies)"),
        "The apps' code without generated migrations or tests; more than 10% apart counts.",
    ),
    Claim(
        "C4",
        {"flask_admin_package": p(fig.has_package, app="flask", name="flask-admin"),
         "django_admin_package": p(fig.has_package, app="django", name="admin"), **ADMIN_CODE,
         "admin_rules": p(fig.rules_count, prefixes=("ADMIN-",)),
         **per_app("admin_passed", fig.rules_passed, prefixes=("ADMIN-",))},
        rule(when(SUPPORTED, "flask_admin_package", "not django_admin_package",
                  "django_admin_code < flask_admin_code", "django_admin_passed == admin_rules"),
             when_any(CONTRADICTED, "not flask_admin_package",
                      "django_admin_code >= flask_admin_code")),
        ("admin code: Django {django_admin_code}, Flask {flask_admin_code} lines",
         "Flask-Admin a Flask dependency: {flask_admin_package}",
         "admin rules passed: Django {django_admin_passed}/{admin_rules}, "
         "Flask {flask_admin_passed}/{admin_rules}"),
        "Django's admin gives the CRUD when it passes every admin rule with less code.",
        (Without(("django_admin_passed", "flask_admin_passed"),
                 "admin rules: " + NO_SUITE, rule(otherwise=NOT_MEASURABLE)),),
    ),
    Claim(
        "C5",
        {**ADMIN_CODE, "by_hand": p(fig.by_hand, kind="admin")},
        rule(when(SUPPORTED, "flask_admin_code >= 5 * django_admin_code"),
             when(CONTRADICTED, "flask_admin_code < 3 * django_admin_code")),
        ("admin code: Flask {flask_admin_code} / Django {django_admin_code} lines = "
         "{flask_admin_code/django_admin_code:.1f}x",
         "written by hand in Flask only: {by_hand}"),
        "Time is not measured; its proxy is the admin code. Two sprints against a day is 10 to 1.",
    ),
    Claim(
        "C6",
        PROTECTIONS := {
            "django_csrf": p(fig.provider, app="django", needle="CsrfViewMiddleware"),
            "django_clickjacking": p(fig.provider, app="django", needle="XFrameOptions"),
            "django_csrf_builtin": p(fig.from_django, app="django", needle="CsrfViewMiddleware"),
            "django_clickjacking_builtin": p(fig.from_django, app="django", needle="XFrameOptions"),
            **per_app("hash", fig.setting, keys=("password", "scheme")),
            "django_hash_builtin": p(fig.holds, app="django", keys=("password", "scheme"),
                                   text="pbkdf2"),
            "flask_csrf": p(fig.provider, app="flask", needle="csrf"),
            "flask_headers": p(fig.provider, app="flask", needle="Talisman"),
            "flask_stack_protections": fig.flask_stack_protections,
        },
        rule(when_any(CONTRADICTED, "not django_csrf_builtin", "not django_clickjacking_builtin",
                      "not django_hash_builtin"),
             when(SUPPORTED, "not flask_stack_protections")),
        ("Django: CSRF {django_csrf}, clickjacking {django_clickjacking}, hash {django_hash}",
         "Flask: CSRF {flask_csrf}, headers {flask_headers}, hash {flask_hash}",
         "from Flask's own stack: {flask_stack_protections}"),
        "Django's part: CSRF, clickjacking and hashing from Django, read from the running app. "
        "Flask's part: no protection of PROVENANCE.toml from Flask or its own dependencies.",
        (Without(tuple(PROTECTIONS)[:-1], NO_PROBE, rule(otherwise=NOT_MEASURABLE)),),
    ),
    Claim(
        "C7",
        SESSIONS := {
            "django_auth_builtin": p(fig.auth_builtin, app="django"),
            "flask_login": p(fig.has_package, app="flask", name="flask-login"),
            "flask_cookie_sessions": p(fig.holds, app="flask", keys=("session", "engine"),
                                     text="Cookie"),
            **per_app("session_engine", fig.setting, keys=("session", "engine")),
            **per_app("signin", fig.feature, name="Sign-in sessions", key="package"),
            **per_app("sec5", fig.outcome, rule="SEC-5"),
            "flask_sessions_die": p(fig.feature, name="Sessions die on sign-out", app="flask",
                                    key="provider"),
        },
        rule(when(SUPPORTED, "django_auth_builtin", "flask_login", "flask_cookie_sessions"),
             when(CONTRADICTED, "not django_auth_builtin", "not flask_login",
                  "not flask_cookie_sessions")),
        ("Django sessions: {django_session_engine} ({django_signin})",
         "Flask sign-in: {flask_signin}; Flask sessions: {flask_session_engine}",
         "old cookie refused after sign-out (SEC-5): Django {django_sec5}, Flask {flask_sec5} "
         "({flask_sessions_die})"),
        "Three parts: Django's sign-in and sessions its own, Flask-Login, Flask's cookie sessions.",
        (Without(("django_auth_builtin", "flask_cookie_sessions", "django_session_engine",
                  "flask_session_engine"), NO_PROBE, rule(otherwise=NOT_MEASURABLE)),
         Without(("django_sec5", "flask_sec5"), "SEC-5: " + NO_SUITE)),
    ),
    Claim(
        "C8",
        {**per_app("orm", fig.feature, name="ORM and database access", key="package"),
         **per_app("orm_provider", fig.feature, name="ORM and database access", key="provider"),
         **per_app("sqlalchemy", fig.has_package, name="sqlalchemy")},
        rule(when(SUPPORTED, "flask_sqlalchemy", "not django_sqlalchemy",
                  "django_orm_provider == 'built in'"), otherwise=CONTRADICTED),
        ("Django ORM: {django_orm} ({django_orm_provider}); Flask: {flask_orm} "
         "({flask_orm_provider})",
         "SQLAlchemy in Flask's dependencies: {flask_sqlalchemy}, "
         "in Django's: {django_sqlalchemy}"),
    ),
    Claim(
        "C9",
        {"flask_requires": "flask_closure.requires", "flask_closure_bytes": "flask_closure.size",
         "same_maintainer": fig.same_maintainer},
        rule(when(SUPPORTED, "not flask_requires"), otherwise=CONTRADICTED),
        ("Flask requires {flask_requires} ({flask_closure_bytes/1e6:.1f} MB; {same_maintainer} "
         "of them from Flask's own maintainers)",),
        "Flask's own metadata, its markers evaluated here.",
    ),
    Claim(
        "C10",
        BENCH := {
            **per_app("pages_ahead", fig.pages_ahead, margin=1.1, agreement=0.8),
            "pages": fig.page_count,
            "page_ratios": fig.ratios_text,
            "bench_setup": fig.bench_setup,
            **MEMORY,
        },
        rule(when(SUPPORTED, "flask_pages_ahead > 0.5 * pages"),
             when(CONTRADICTED, "django_pages_ahead > 0.5 * pages")),
        ("Flask/Django req/s per page (median of paired runs): {page_ratios}",
         "Flask clearly ahead on {flask_pages_ahead}, Django on {django_pages_ahead} of {pages} "
         "pages",
         "memory per worker: Django {django_memory_mb:.0f} MB, Flask {flask_memory_mb:.0f} MB",
         "{bench_setup}"),
        "make bench, stock profile: the apps run in turns, each run of one paired with its "
        "neighbour run of the other. Memory per worker is shown beside it (C1 uses it).",
        (Without(tuple(BENCH)[:5], "requests per second and latency: run make bench",
                 rule(otherwise=RUN_BENCH)),
         Without(tuple(MEMORY), "")),  # C1 says memory needs make bench
    ),
    Claim(
        "C11",
        {"farthest_apart": fig.farthest_apart, "page_ratios": p(fig.ratios_text, db_bound=True),
         **per_app("ceiling_share", fig.ceiling_share)},
        rule(when(SUPPORTED, "farthest_apart <= 1.2"), when(CONTRADICTED, "farthest_apart > 1.5")),
        ("database-bound pages, Flask/Django req/s: {page_ratios}",
         "mean share of the plain-WSGI ceiling: Django {django_ceiling_share:.2f}, "
         "Flask {flask_ceiling_share:.2f}"),
        "make bench, stock profile: the median of paired runs on each database-bound page (home, "
        "search, a post, the create POST); farthest_apart is max(r, 1/r) over them.",
        (Without(("farthest_apart", "page_ratios"), "database-bound pages: run make bench",
                 rule(otherwise=RUN_BENCH)),
         Without(("django_ceiling_share", "flask_ceiling_share"), "")),
    ),
    Claim(
        "C12",
        {**per_app("ops8", fig.outcome, rule="OPS-8"), "concurrency": fig.concurrency_runs,
         **(LOAD := {**per_app("load_failed", fig.bench_figure, keys=("concurrency", "failed")),
                     **per_app("load_requests", fig.bench_figure,
                               keys=("concurrency", "requests")),
                     "bench_setup": fig.bench_setup})},
        rule(when(CONTRADICTED, "django_ops8 == 'passed'", "flask_ops8 == 'passed'",
                  "django_load_failed == 0", "flask_load_failed == 0")),
        ("OPS-8 (concurrent writes, gunicorn, 4 workers): Django {django_ops8}, Flask {flask_ops8}",
         "{concurrency}",
         "load (make bench, {bench_setup}): django {django_load_failed} failed of "
         "{django_load_requests}, flask {flask_load_failed} failed of {flask_load_requests}"),
        "Both parts are contradicted when both apps serve concurrent writes and load unharmed.",
        (Without(("django_ops8", "flask_ops8"), "OPS-8: " + NO_SUITE,
                 rule(otherwise=NOT_MEASURABLE)),
         Without(tuple(LOAD), "load: run make bench", rule(
             when(CONTRADICTED, "django_ops8 == 'passed'", "flask_ops8 == 'passed'")))),
    ),
    Claim(
        "C13",
        {"flask_page_rules_passed": p(fig.rules_passed, app="flask",
                                      prefixes=("READ-", "POST-", "AUTH-")),
         "page_rules": p(fig.rules_count, prefixes=("READ-", "POST-", "AUTH-")),
         "flask_rules_passed": "spec.totals.flask.passed",
         "rules": p(fig.rules_count, prefixes=("",))},
        rule(when(CONTRADICTED, "flask_page_rules_passed == page_rules"),
             when(SUPPORTED, "flask_page_rules_passed < 0.5 * page_rules")),
        ("Flask passes {flask_page_rules_passed}/{page_rules} page rules (READ, POST, AUTH) and "
         "{flask_rules_passed}/{rules} rules in all, served as server-rendered HTML pages",),
        "The reading, writing and account rules make a multi-page HTML site.",
        (Without(("flask_page_rules_passed",), NO_SUITE, rule(otherwise=NOT_MEASURABLE)),),
    ),
    Claim(
        "C14",
        {**(ENGINES := {
            **per_app("template_engine", fig.setting, keys=("template_engine", "backend")),
            **per_app("template_provider", fig.setting, keys=("template_engine", "provider")),
            **per_app("jinja2", fig.holds, keys=("template_engine", "backend"), text="jinja2")}),
         **per_app("template_lines", "loc.{app}.kinds.templates.code")},
        rule(when(SUPPORTED, "django_jinja2", "flask_jinja2"), otherwise=CONTRADICTED),
        ("Django: {django_template_engine} ({django_template_provider}); "
         "Flask: {flask_template_engine} ({flask_template_provider})",
         "template lines: Django {django_template_lines}, Flask {flask_template_lines}; the HTML "
         "both render follows one markup contract (MARKUP.md)"),
        "Each app's template engine, read from the running app.",
        (Without(tuple(ENGINES), NO_PROBE, rule(otherwise=NOT_MEASURABLE)),),
    ),
    Claim(
        "C15",
        {**(TESTS := {**per_app("tests", fig.unit_tests),
                      **per_app("lines_per_test", fig.lines_per_test),
                      **per_app("ms_per_test", fig.ms_per_test)}),
         **per_app("test_lines", "loc.{app}.kinds.tests.code"),
         **per_app("suite_passed", "spec.totals.{app}.passed")},
        rule(when_any(SUPPORTED, "django_lines_per_test > 1.5 * flask_lines_per_test",
                      "django_ms_per_test > 2 * flask_ms_per_test"), otherwise=CONTRADICTED),
        ("Django: {django_tests} tests, {django_test_lines} lines "
         "({django_lines_per_test:.1f}/test), {django_ms_per_test:.0f} ms/test",
         "Flask: {flask_tests} tests, {flask_test_lines} lines "
         "({flask_lines_per_test:.1f}/test), {flask_ms_per_test:.0f} ms/test",
         "shared suite rules passed: Django {django_suite_passed}, Flask {flask_suite_passed}"),
        "Both frameworks ship a test client (django.test, flask.testing), so that part tells them "
        "apart in nothing: the claim stands on Django being harder to test, by each app's own "
        "tests' lines and time per test.",
        (Without(tuple(TESTS), "the apps' unit tests did not run",
                 rule(otherwise=NOT_MEASURABLE)),),
    ),
    Claim(
        "C16",
        {**per_app("steps", "setup.{app}.app"), **per_app("commands", "setup.{app}.commands"),
         **per_app("seconds", fig.first_200)},
        rule(when(SUPPORTED, "flask_seconds <= 0.8 * django_seconds",
                  "flask_steps <= django_steps"),
             when(CONTRADICTED, "flask_seconds >= 0.9 * django_seconds",
                  "flask_steps >= django_steps")),
        ("documented steps: Django {django_commands} ({django_steps} for the app), Flask "
         "{flask_commands} ({flask_steps} for the app)",
         "time to first 200 from scratch: Django {django_seconds:.0f} s, "
         "Flask {flask_seconds:.0f} s"),
        "Setup steps, run from scratch and timed to the first 200 (compare.py --run-setup).",
        (Without(("django_seconds", "flask_seconds"),
                 "time to first 200: run compare.py --run-setup",
                 rule(when(SUPPORTED, "flask_steps < django_steps"), otherwise=CONTRADICTED)),),
    ),
    Claim(
        "C17",
        {**(DEBUG := {"flask_debugger": p(fig.debugger, app="flask"),
                      **per_app("traceback", fig.debug, key="traceback"),
                      **per_app("server", fig.debug, key="server"),
                      **per_app("status", fig.debug, key="status"),
                      "django_locals": p(fig.debug, app="django", key="local_variables"),
                      "django_request": p(fig.debug, app="django", key="request_details"),
                      "flask_pin": p(fig.debug, app="flask", key="console_pin")}),
         "debug_probes": fig.debug_probes},
        rule(when(SUPPORTED, "flask_debugger", "not django_traceback"),
             when(CONTRADICTED, "not flask_debugger", "django_traceback")),
        ("Django ({django_server}): {django_status}, traceback {django_traceback}, local "
         "variables {django_locals}, request details {django_request}",
         "Flask ({flask_server}): {flask_status}, traceback {flask_traceback}, interactive "
         "console {flask_debugger} (PIN {flask_pin}; Werkzeug's debugger, only under flask run "
         "--debug)"),
        "Each development server is started with DEBUG on and made to fail. Flask's part: a "
        "traceback and an interactive console; Django's part: no traceback.",
        (Without(tuple(DEBUG), "a development server could not be probed ({debug_probes})",
                 rule(otherwise=NOT_MEASURABLE)),),
    ),
    Claim(
        "C18",
        {**per_app("packages", "deps.{app}.total"), **per_app("direct", "deps.{app}.direct"),
         **per_app("transitive", "deps.{app}.transitive"), **per_app("bytes", "deps.{app}.size"),
         **per_app("maintainers", fig.maintainers)},
        rule(when(SUPPORTED, "flask_packages > django_packages",
                  "flask_maintainers > django_maintainers"),
             when(CONTRADICTED, "flask_packages <= django_packages",
                  "flask_maintainers <= django_maintainers")),
        ("Django: {django_direct} direct + {django_transitive} transitive = {django_packages} "
         "packages, {django_maintainers} maintainers, {django_bytes/1e6:.1f} MB",
         "Flask: {flask_direct} direct + {flask_transitive} transitive = {flask_packages} "
         "packages, {flask_maintainers} maintainers, {flask_bytes/1e6:.1f} MB"),
        "More packages in all (direct and transitive) and more distinct maintainers.",
    ),
)
# fmt: on
RULES = {claim.id: claim for claim in CLAIMS}


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
    """Apply every claim's rule to the measurements; a rule that cannot read its figures raises."""
    claims = read_claims() if claims is None else claims
    return [
        {
            "id": claim.id,
            "claim": claims.get(claim.id, {}).get("claim", ""),
            "source": claims.get(claim.id, {}).get("source", ""),
            "rule": explain(claim),
            "why": claim.why,
            **judge(claim, m),
        }
        for claim in CLAIMS
    ]
