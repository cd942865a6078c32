"""`python -m bench --growth`: what each page costs as the data grows, on SQLite and PostgreSQL.

Each app is seeded through its own ORM with 1,000, 10,000 and 100,000 posts, then its read pages
are counted as in the bench (bench/callgrind.py): instructions per request, SQL statements at
the driver (SQLite), CPU time per request. A deep page (the middle page of the list) shows what
OFFSET costs; the home page's paginator COUNT is among its statements. The plain-WSGI ceiling is
counted on SQLite. On PostgreSQL the database's own work runs in its server process, outside
the counted one: there `db_ms` (the server backend's CPU time per request, read from /proc)
stands beside the app's instructions. Results: build/bench-growth.json.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench import callgrind
from bench.pages import NAMES, PAGES, RARE_SEARCH, seed
from toolkit.databases import Databases
from toolkit.paths import APPS, BUILD

OUT = BUILD / "bench-growth.json"
SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 2_000)
COUNTS = (1, 2)  # a request at 100,000 posts can take a billion instructions: few, and exact
PG_URL = os.environ.get("PG_URL", "postgresql://postgres@127.0.0.1:5432/posts_bench")
READ_PAGES = ("home", "search", "detail", "healthz")


def pages_for(size: int) -> list[dict]:
    """Return the read pages, a rare term's search, and the deep page (the list's middle)."""
    chosen = [page for page in PAGES if page["name"] in READ_PAGES] + [RARE_SEARCH]
    middle = max(1, size * 9 // 10 // 10 // 2)  # nine posts in ten are published, ten a page
    deep = {"name": "deep_page", "path": f"/?page={middle}", "method": "GET",
            "signed_in": False, "db_bound": True}  # fmt: skip
    return [*chosen, deep]


def vacuum(url: str) -> None:
    """Rewrite a freshly seeded PostgreSQL database compactly, then vacuum and analyse it.

    The rewrite (FULL) makes both apps' tables and indexes alike: Django's seed writes every
    post twice (the `created` it cannot give `bulk_create` past `auto_now_add`), which left its
    trigram indexes half as large again and a rare term's index scan five times slower than
    Flask's, a cost of the seed, not of the framework. The plain VACUUM after it marks the pages
    all-visible (FULL does not), or the paginator's COUNT reads the table besides its index;
    without statistics (ANALYZE) the planner never chooses the search's trigram indexes.
    """
    import psycopg  # only PostgreSQL runs need it

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM FULL")
        connection.execute("VACUUM ANALYZE")


def count_size(kind: str, size: int, work: Path) -> dict:
    """Seed both apps with `size` posts on one kind of database; count their pages."""
    databases = Databases(work, None if kind == "sqlite" else PG_URL)
    out = {}
    try:
        urls = {}
        for app in APPS:
            print(f"growth: {kind}, {size} posts, {NAMES[app]}", flush=True)
            urls[app] = databases.new(f"{app}{size}").url
            seed(app, urls[app], size)
            if kind == "postgresql":
                vacuum(urls[app])
        sides = [*APPS, "ceiling"] if kind == "sqlite" else list(APPS)
        for side in sides:
            url = urls["django" if side == "ceiling" else side]
            saved = work / f"{kind}-{size}-{side}-requests.json"
            out[side] = callgrind.count(side, "stock", url, pages_for(size), saved, COUNTS)
            for page in out[side].values():
                page["sql"] = page["sql"][:12]  # enough to read; the count says the rest
    finally:
        databases.drop_all()
    return out


def main(quick: bool = False, kinds=("sqlite", "postgresql"), sizes=None) -> int:
    """Count every size on every database, writing the results after each (a long run)."""
    sizes = sizes or (QUICK_SIZES if quick else SIZES)
    found: dict = {kind: {} for kind in kinds}
    result = {"generated": None, "growth": {"sizes": list(sizes), "counts": list(COUNTS)}}
    failed = 0
    BUILD.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-growth-") as tmp:
        for kind in kinds:
            for size in sizes:
                try:
                    for side, pages in count_size(kind, size, Path(tmp)).items():
                        found[kind].setdefault(side, {})[str(size)] = pages
                except RuntimeError as error:  # a database gone mid-run: say so, go on
                    failed += 1
                    found[kind].setdefault("errors", {})[str(size)] = str(error)[-600:]
                result["generated"] = datetime.now(UTC).isoformat(timespec="seconds")
                result["growth"]["databases"] = found
                OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(table(result["growth"]))
    print(f"\nwrote {OUT}")
    return 1 if failed else 0


def table(growth: dict) -> str:
    """Millions of instructions per request at each size, and each page's growth."""
    sizes = [str(s) for s in growth["sizes"]]
    lines = []
    for kind, sides in growth["databases"].items():
        lines += ["", f"== {kind}: instructions per request (millions) by posts ==",
                  f"{'page':<11}{'side':<11}" + "".join(f"{s:>10}" for s in sizes)
                  + f"{'growth':>8}" + ("  db ms" if kind != "sqlite" else "")]  # fmt: skip
        for name in (*READ_PAGES, RARE_SEARCH["name"], "deep_page"):
            for side, by_size in sides.items():
                if side == "errors":
                    continue
                figures = [by_size.get(s, {}).get(name, {}) for s in sizes]
                counts = [f.get("instructions") for f in figures]
                cells = "".join(f"{c / 1e6:>10.2f}" if c else f"{'-':>10}" for c in counts)
                grew = counts[-1] / counts[0] if counts[0] and counts[-1] else None
                db = [f.get("db_ms") for f in figures]
                db_cells = " / ".join(f"{d:.2f}" for d in db if d is not None)
                lines.append(
                    f"{name:<11}{NAMES[side]:<11}{cells}"
                    f"{'' if grew is None else f'{grew:>7.1f}x'}  {db_cells}"
                )
    return "\n".join(lines)
