"""`python -m bench --profile`: profile each side's slowest page with pyinstrument.

The slowest page is the one with the most instructions per request in build/bench.json (the
home page when there is none yet). Each app is seeded as for the bench, signed in as a browser
would (the form's CSRF token), and called in-process, straight through its WSGI callable (no
test client, whose own instrumentation would show up), for a few seconds. The text reports are
printed and written to build/profile-<app>.txt, the interactive ones to .html.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from bench.pages import APP_DIRS, PAGES, app_env, run, seed
from toolkit.paths import APPS, BUILD, PYTHON

SECONDS = 5.0


def slowest_page(results: dict | None, app: str) -> dict:
    """Return the page with the most instructions per request (else the fewest req/s)."""
    pages = {p["name"]: p for p in PAGES}
    measured = ((results or {}).get("apps", {}).get(app) or {}).get("pages", {})
    counted = {n: p.get("instructions") for n, p in measured.items() if n in pages}
    if all(counted.values()) and counted:
        return pages[max(counted, key=counted.get)]
    timed = {n: p["rps"] for n, p in measured.items() if n in pages and p.get("rps")}
    return pages[min(timed, key=timed.get)] if timed else pages["home"]


def main(results_path: Path) -> int:
    results = json.loads(results_path.read_text()) if results_path.is_file() else None
    BUILD.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        for app in APPS:
            database = Path(tmp) / f"{app}.sqlite3"
            seed(app, database)
            page = slowest_page(results, app)
            out = BUILD / f"profile-{app}"
            report = run(
                [
                    PYTHON, "-m", "bench.appside", app, "profile", json.dumps(page),
                    str(SECONDS), f"{out}.html", str(Path(tmp) / f"{app}-requests.json"),
                ],
                APP_DIRS[app],
                app_env(app, database),
            )  # fmt: skip
            Path(f"{out}.txt").write_text(report)
            print(report)
            print(f"wrote build/profile-{app}.txt and .html\n")
    return 0
