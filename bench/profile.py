"""`python -m bench --profile`: profile each side's slowest page with pyinstrument.

The slowest page is the GET page with the fewest requests per second in build/bench.json (the
home page when there is none yet); POST pages are left out, as they need a live CSRF exchange.
Each app is seeded as for the bench and called in-process, straight through its WSGI callable
(no test client, whose own instrumentation would show up), for a few seconds. The text reports
are printed and written to build/profile-<app>.txt, the interactive ones to .html.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from bench import run as bench

SECONDS = 5.0


def slowest_get_page(results: dict | None, app: str) -> dict:
    pages = {p["name"]: p for p in bench.PAGES if p["method"] == "GET"}
    measured = ((results or {}).get("apps", {}).get(app) or {}).get("pages", {})
    timed = {name: page["rps"] for name, page in measured.items() if name in pages and page["rps"]}
    return pages[min(timed, key=timed.get)] if timed else pages["home"]


def main(results_path: Path) -> int:
    results = json.loads(results_path.read_text()) if results_path.is_file() else None
    bench.BUILD.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        for app in bench.APPS:
            database = Path(tmp) / f"{app}.sqlite3"
            bench.seed(app, database)
            page = slowest_get_page(results, app)
            out = bench.BUILD / f"profile-{app}"
            report = bench.run(
                [
                    bench.PYTHON, "-m", "bench.appside", app, "profile", json.dumps(page),
                    str(SECONDS), f"{out}.html",
                ],
                bench.APP_DIRS[app],
                bench.app_env(app, database),
            )  # fmt: skip
            Path(f"{out}.txt").write_text(report)
            print(report)
            print(f"wrote build/profile-{app}.txt and .html\n")
    return 0
