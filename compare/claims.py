"""The claims of CLAIMS.md, each with its rule as data, and the verdicts the figures give them.

A claim's rule reads as it is shown: "supported if A; contradicted if B; otherwise mixed". Each
condition is a Python expression over the figures of compare/claim_figures.py, tried in order;
the first that holds gives the verdict. A figure is None when it was not measured, and a rule
says so itself ("... if x is None"): a rule that compares None, or names a figure no code
measures, raises, and fails the run. Evidence is a few lines of figures; a line that reads a
figure not measured is left out. `settle(m)` returns one dict per claim, in order C1..C18:

    {"id": "C2", "claim": "...", "source": "002", "verdict": "mixed", "evidence": "...",
     "rule": "supported if django_code <= 0.9 * flask_code; ...; otherwise mixed",
     "why": "what the thresholds stand for", "figures": {"django_code": 1031, ...},
     "decided_by": "otherwise"}
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path

from compare.claim_figures import figures
from toolkit.paths import ROOT

# The team keeps CLAIMS.md beside the repository; docs/ holds the copy a clone carries.
CLAIMS_FILE = ROOT / "docs" / "CLAIMS.md"
TEAM_CLAIMS_FILE = ROOT.parent / "shared" / "CLAIMS.md"
CLAIM_ROW = re.compile(r"^\| (C\d+) \| (.*?) \| (.*?) \| (.*?) \|$")
VERDICTS = ("supported", "contradicted", "mixed", "not measurable here", "run make bench")
MEMORY = "memory per worker: Django {django_memory_mb:.0f} MB, Flask {flask_memory_mb:.0f} MB"


@dataclass(frozen=True)
class Claim:
    id: str
    rule: str
    evidence: str  # lines of figures, "; " between them, as they are shown
    why: str = ""

    def cases(self) -> list[tuple[str, str | None]]:
        """Return the rule's (verdict, condition) pairs; the last, `otherwise`, has none."""
        *cases, last = self.rule.split("; ")
        pairs = [tuple(case.split(" if ", 1)) for case in cases]
        pairs.append((last.removeprefix("otherwise "), None))
        if not last.startswith("otherwise ") or any(p[0] not in VERDICTS for p in pairs):
            raise ValueError(f"{self.id}: not a rule: {self.rule!r}")
        return pairs


CLAIMS = (
    Claim(
        "C1",
        "contradicted if flask_code >= django_code; supported if flask_code <= 0.6 * django_code "
        "and (flask_memory_mb is None or flask_memory_mb < django_memory_mb); otherwise mixed",
        "hand-written code: {code_text} (Flask/Django = {code_ratio:.2f}); " + MEMORY,
        "Half the code: Flask's at most 0.6 of Django's; fewer resources: less memory per worker "
        "(when make bench has measured it).",
    ),
    Claim(
        "C2",
        "supported if django_code <= 0.9 * flask_code; "
        "contradicted if django_code >= 1.1 * flask_code; otherwise mixed",
        "hand-written code: {code_text} (Flask/Django = {code_ratio:.2f})",
        "Within 10% either way is about the same: mixed.",
    ),
    Claim(
        "C3",
        "supported if django_code >= 1.1 * flask_code; "
        "contradicted if django_code <= 0.9 * flask_code; otherwise mixed",
        "apps without migrations or tests: {code_text}; the frameworks installed: Django "
        "{django_framework_mb:.1f} MB, Flask {flask_framework_mb:.1f} MB "
        "(+{flask_closure_mb:.1f} MB of its own dependencies)",
        "The apps' code without generated migrations or tests; more than 10% apart counts.",
    ),
    Claim(
        "C4",
        "not measurable here if django_admin_passed is None; supported if flask_admin_package "
        "and not django_admin_package and django_admin_code < flask_admin_code "
        "and django_admin_passed == admin_rules; contradicted if not flask_admin_package "
        "or django_admin_code >= flask_admin_code; otherwise mixed",
        "admin code: Django {django_admin_code}, Flask {flask_admin_code} lines; Flask-Admin a "
        "Flask dependency: {flask_admin_package}; admin rules passed: Django "
        "{django_admin_passed}/{admin_rules}, Flask {flask_admin_passed}/{admin_rules}",
        "Django's admin gives the CRUD when it passes every admin rule with less code.",
    ),
    Claim(
        "C5",
        "supported if flask_admin_code >= 5 * django_admin_code; "
        "contradicted if flask_admin_code < 3 * django_admin_code; otherwise mixed",
        "admin code: Flask {flask_admin_code} / Django {django_admin_code} lines = "
        "{admin_ratio:.1f}x; written by hand in Flask only: {by_hand}",
        "Time is not measured; its proxy is the admin code. Two sprints against a day is 10 to 1.",
    ),
    Claim(
        "C6",
        "not measurable here if django_csrf_builtin is None or flask_csrf is None; contradicted "
        "if not (django_csrf_builtin and django_clickjacking_builtin and django_hash_builtin); "
        "supported if not flask_stack_protections; otherwise mixed",
        "Django: CSRF {django_csrf}, clickjacking {django_clickjacking}, hash {django_hash}; "
        "Flask: CSRF {flask_csrf}, headers {flask_headers}, hash {flask_hash}; "
        "from Flask's own stack: {flask_stack_protections}",
        "Django's part: CSRF, clickjacking and hashing from Django, read from the running app. "
        "Flask's part: no protection of PROVENANCE.toml from Flask or its own dependencies.",
    ),
    Claim(
        "C7",
        "not measurable here if django_auth_builtin is None or flask_cookie_sessions is None; "
        "supported if django_auth_builtin and flask_login_package and flask_cookie_sessions; "
        "contradicted if not django_auth_builtin and not flask_login_package "
        "and not flask_cookie_sessions; otherwise mixed",
        "Django sessions: {django_session_engine} ({django_signin}); Flask sign-in: "
        "{flask_signin}, Flask sessions: {flask_session_engine}; old cookie refused after "
        "sign-out (SEC-5): Django {django_sec5}, Flask {flask_sec5}",
        "Three parts: Django's sign-in and sessions its own, Flask-Login, Flask's cookie sessions.",
    ),
    Claim(
        "C8",
        "supported if flask_sqlalchemy and not django_sqlalchemy "
        "and django_orm_provider == 'built in'; otherwise contradicted",
        "Django ORM: {django_orm} ({django_orm_provider}), Flask: {flask_orm} "
        "({flask_orm_provider}); SQLAlchemy in Flask's dependencies: {flask_sqlalchemy}, "
        "in Django's: {django_sqlalchemy}",
    ),
    Claim(
        "C9",
        "supported if not flask_requires; otherwise contradicted",
        "Flask requires {flask_requires} ({flask_closure_mb:.1f} MB, {same_maintainer} of them "
        "from Flask's own maintainers)",
        "Flask's own metadata, its markers evaluated here.",
    ),
    Claim(
        "C10",
        "run make bench if pages is None; supported if flask_pages_lighter > 0.5 * pages "
        "and (flask_memory_mb is None or flask_memory_mb <= django_memory_mb); "
        "contradicted if django_pages_lighter > 0.5 * pages; otherwise mixed",
        "Flask/Django instructions per request per page (callgrind): {page_ratios}; Flask "
        "clearly lighter on {flask_pages_lighter}, Django on {django_pages_lighter} of {pages} "
        "pages; " + MEMORY,
        "make bench, stock profile: instructions per request counted in-process, which repeat "
        "within 0.5% whatever the load (req/s on this machine's shared cores do not). Clearly "
        "lighter: 10% fewer instructions on a page, on most pages; and lighter means no more "
        "memory per worker either (when measured).",
    ),
    Claim(
        "C11",
        "run make bench if db_low is None; supported if 1 / 1.2 <= db_low and db_high <= 1.2 "
        "and (quiet_rps_apart is None or quiet_rps_apart <= 1.2); contradicted if "
        "(db_high < 1 / 1.5 or db_low > 1.5) and (quiet_rps_apart is None or quiet_rps_apart > "
        "1.2); otherwise mixed",
        "database-bound pages, Flask/Django instructions per request: {db_page_ratios} (from "
        "{db_low:.2f} to {db_high:.2f}); their req/s where neither app's run was noisy: "
        "{quiet_rps_ratios}; noisy, not read: {noisy_pages}",
        "make bench, stock profile, the database-bound pages (home, search, a post, the create "
        "POST). Minor: every page within 20% either way. Not minor: every page more than 1.5x "
        "apart, the same way. Pages that disagree (a wide spread over the pages) give mixed. The "
        "req/s of the pages measured quietly must fall on the same side of 1.2x, as they carry "
        "the database and the server too; a noisy one is not read.",
    ),
    Claim(
        "C12",
        "not measurable here if django_ops8 is None or flask_ops8 is None; "
        "mixed if not django_ops8 == flask_ops8 == 'passed'; "
        "mixed if False in (django_drills_held, flask_drills_held); "
        "mixed if None not in (django_scale_3, flask_scale_3) "
        "and (django_scale_3 > 1.2 * flask_scale_3 or flask_scale_3 > 1.2 * django_scale_3); "
        "contradicted if django_drills_held and flask_drills_held "
        "and flask_replica_packages <= django_replica_packages; "
        "mixed if django_drills_held and flask_drills_held; "
        "run make bench if django_load_failed is None or flask_load_failed is None; "
        "contradicted if django_load_failed == flask_load_failed == 0; otherwise mixed",
        "OPS-8 (concurrent writes, gunicorn, 4 workers): Django {django_ops8}, Flask "
        "{flask_ops8}; load (make bench): Django {django_load_failed} failed of "
        "{django_load_requests}, Flask {flask_load_failed} failed of {flask_load_requests}; "
        "fault drills, 3 replicas (make test-scale): Django lost {django_drill_lost} of "
        "{django_drill_writes} acknowledged writes, {django_drill_failed} of "
        "{django_drill_requests} requests failed, Flask lost {flask_drill_lost} of "
        "{flask_drill_writes}, {flask_drill_failed} of {flask_drill_requests} failed; "
        "packages added for replicas: Django {django_replica_package_names}, Flask "
        "{flask_replica_package_names}; req/s with 3 replicas over 1 (make bench-scale, quiet "
        "runs only): Django {django_scale_3:.2f}, Flask {flask_scale_3:.2f}; replica counts "
        "measured noisy, not read: {scale_noisy}",
        "Serving simultaneous requests: both apps pass OPS-8, then run as three replicas of two "
        "workers each behind one balancer, under load while a replica is killed, restarted in "
        "turn, and Redis and PostgreSQL stop, losing no acknowledged write and writing none twice "
        "(requests failed during a fault are the fault's, bounded by the drills' own tests). "
        "Extra tooling is judged between the two: both ran on the same gunicorn, HAProxy, "
        "PostgreSQL and Redis, so it holds against Flask only if Flask needed more packages for "
        "it than Django (then mixed). Adding replicas must help both alike: if one app's req/s "
        "grow from 1 to 3 replicas over 1.2 times as much as the other's (quiet runs of make "
        "bench-scale only), mixed. Without the drills, the bench's load decides; without "
        "either, the claim waits.",
    ),
    Claim(
        "C13",
        "not measurable here if flask_page_rules_passed is None; "
        "contradicted if flask_page_rules_passed == page_rules; "
        "supported if flask_page_rules_passed < 0.5 * page_rules; otherwise mixed",
        "Flask passes {flask_page_rules_passed}/{page_rules} page rules (READ, POST, AUTH) "
        "and {flask_suite_passed}/{rules} rules in all, served as server-rendered HTML pages",
        "The reading, writing and account rules make a multi-page HTML site.",
    ),
    Claim(
        "C14",
        "not measurable here if django_jinja2 is None or flask_jinja2 is None; "
        "supported if django_jinja2 and flask_jinja2; otherwise contradicted",
        "Django: {django_template_engine}, Flask: {flask_template_engine}; template lines: "
        "Django {django_template_lines}, Flask {flask_template_lines}, both following one markup "
        "contract (MARKUP.md)",
        "Each app's template engine, read from the running app.",
    ),
    Claim(
        "C15",
        "not measurable here if django_tests is None or flask_tests is None; supported if "
        "django_lines_per_test > 1.5 * flask_lines_per_test "
        "or django_ms_per_test > 2 * flask_ms_per_test; otherwise contradicted",
        "Django: {django_tests} tests, {django_lines_per_test:.1f} lines and "
        "{django_ms_per_test:.0f} ms a test; Flask: {flask_tests} tests, "
        "{flask_lines_per_test:.1f} lines and {flask_ms_per_test:.0f} ms a test",
        "Both frameworks ship a test client (django.test, flask.testing), so that part tells them "
        "apart in nothing: the claim stands on Django being harder to test, by each app's own "
        "tests' lines and time per test.",
    ),
    Claim(
        "C16",
        "supported if None in (django_seconds, flask_seconds) and flask_steps < django_steps; "
        "contradicted if None in (django_seconds, flask_seconds); "
        "supported if flask_seconds <= 0.8 * django_seconds and flask_steps <= django_steps; "
        "contradicted if flask_seconds >= 0.9 * django_seconds and flask_steps >= django_steps; "
        "otherwise mixed",
        "documented steps for the app: Django {django_steps}, Flask {flask_steps}; time to the "
        "first 200 from scratch: Django {django_seconds:.0f} s, Flask {flask_seconds:.0f} s",
        "Setup steps, and when timed (compare.py --run-setup), the time to the first 200.",
    ),
    Claim(
        "C17",
        "not measurable here if django_traceback is None or flask_debugger is None; "
        "supported if flask_debugger and not django_traceback; "
        "contradicted if not flask_debugger and django_traceback; otherwise mixed",
        "Django: traceback {django_traceback}, local variables {django_locals}; Flask: "
        "traceback {flask_traceback}, interactive console {flask_debugger} (Werkzeug's "
        "debugger, only under flask run --debug)",
        "Each development server is started with DEBUG on and made to fail. Flask's part: a "
        "traceback and an interactive console; Django's part: no traceback.",
    ),
    Claim(
        "C18",
        "supported if flask_packages > django_packages and flask_maintainers > django_maintainers; "
        "contradicted if flask_packages <= django_packages "
        "and flask_maintainers <= django_maintainers; otherwise mixed",
        "Django: {django_packages} packages, {django_maintainers} maintainers, {django_mb:.1f} "
        "MB; Flask: {flask_packages} packages, {flask_maintainers} maintainers, {flask_mb:.1f} MB",
        "More packages in all (direct and transitive) and more distinct maintainers.",
    ),
)
RULES = {claim.id: claim for claim in CLAIMS}


def fields(text: str) -> set[str]:
    """Return the figures an evidence line names."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def judge(claim: Claim, found: dict) -> dict:
    """Apply a claim's rule to the figures: its verdict, evidence and the case that decided."""
    cases = claim.cases()
    read = {n for _, c in cases if c for n in compile(c, claim.id, "eval").co_names}
    lines = claim.evidence.split("; ")
    names = read | {n for line in lines for n in fields(line)}
    f = {name: found[name] for name in sorted(names)}  # a name no figure has raises KeyError
    # The conditions are the repository's own (above), evaluated over the figures alone.
    verdict, condition = next(
        (v, c) for v, c in cases if c is None or eval(c, {"__builtins__": {}}, f)
    )
    shown = {n: ", ".join(v) or "nothing" if isinstance(v, list) else v for n, v in f.items()}
    absent = sorted(n for n, v in f.items() if v is None)
    lines = [line.format(**shown) for line in lines if not fields(line) & set(absent)]
    lines += [f"not measured here: {', '.join(absent)}"] if absent else []
    return {
        "verdict": verdict,
        "evidence": "; ".join(lines),
        "figures": {name: f[name] for name in sorted(read)},
        "decided_by": condition or "otherwise",
    }


def read_claims(path: Path = CLAIMS_FILE) -> dict[str, dict]:
    """Read the claims table of CLAIMS.md (text and source) when it is there."""
    claims = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if row := CLAIM_ROW.match(line):
                claims[row.group(1)] = {"claim": row.group(2), "source": row.group(3)}
    return claims


def settle(m: dict, claims: dict[str, dict] | None = None) -> list[dict]:
    """Apply every claim's rule to the measurements; a rule that cannot read its figures raises."""
    claims = read_claims() if claims is None else claims
    found = figures(m)
    return [
        {
            "id": claim.id,
            "claim": claims.get(claim.id, {}).get("claim", ""),
            "source": claims.get(claim.id, {}).get("source", ""),
            "rule": claim.rule,
            "why": claim.why,
            **judge(claim, found),
        }
        for claim in CLAIMS
    ]
