"""Instructions per request under callgrind, SQL statements at the driver, CPU time per request.

Each side is measured in its own process, requests sent straight to its WSGI callable
(bench/inproc.py). Callgrind (Debian's `valgrind`) collects only inside the marked calls, one
dump each; every page is sent N and then 2N times, and (I(2N) - I(N)) / N is its figure, so that
start-up, imports and anything paid once cancel. Counts do not depend on the machine's load:
they repeat within a fraction of a percent, which makes them the bench's primary figure.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import pages as spec
from toolkit.paths import PYTHON

COUNTS = (5, 10)  # N and 2N requests a page: counts are exact, a few suffice
QUICK_COUNTS = (2, 4)
PASSWORD_CHECKS = 3  # password checks timed a side (each takes a fair part of a second)
VALGRIND = [
    "valgrind", "--tool=callgrind", "--collect-atstart=no",
    "--toggle-collect=ffi_call", "--dump-after=ffi_call",
]  # fmt: skip


def available() -> bool:
    return shutil.which("valgrind") is not None


def appside(side: str, profile: str, database, command: list[str], prefix=()) -> str:
    """Run one bench.appside command in a side's folder; return its last line of output."""
    out = spec.run(
        [*prefix, PYTHON, "-m", "bench.appside", side, *command],
        spec.APP_DIRS[side],
        spec.app_env(side, database, profile),
        timeout=3600,
    )
    return out.strip().splitlines()[-1]


def dumps(folder: Path) -> list[int]:
    """Return the instructions of each --dump-after dump in a folder, in the order made."""
    found = []
    for path in folder.glob("callgrind.out.*"):
        text = path.read_text(errors="replace")
        if "Trigger: --dump-after" not in text:
            continue
        part = int(re.search(r"^part: (\d+)$", text, re.M).group(1))
        found.append((part, int(re.search(r"^summary: (\d+)$", text, re.M).group(1))))
    return [instructions for _, instructions in sorted(found)]


def per_request(order: list[str], totals: list[int], counts: tuple[int, int]) -> dict:
    """Difference each page's two dumps: its instructions per request, start-up cancelled."""
    totals = totals[-len(order) :]  # anything dumped before the measured calls is not ours
    if len(totals) != len(order):
        raise RuntimeError(f"callgrind made {len(totals)} dumps for {len(order)} measured calls")
    out: dict[str, dict] = {}
    for name, total in zip(order, totals, strict=True):
        out.setdefault(name, {"totals": []})["totals"].append(total)
    for figures in out.values():
        low, high = figures["totals"]
        figures["instructions"] = (high - low) / (counts[1] - counts[0])
    return out


def instructions(side, profile, database, pages, saved: Path, counts=COUNTS) -> dict:
    """Return each page's instructions per request for one side under callgrind."""
    with tempfile.TemporaryDirectory(prefix="callgrind-") as tmp:
        prefix = [*VALGRIND, f"--callgrind-out-file={tmp}/callgrind.out.%p"]
        command = ["callgrind", json.dumps(pages), str(saved), *map(str, counts)]
        order = json.loads(appside(side, profile, database, command, prefix))
        return per_request(order, dumps(Path(tmp)), counts)


def count(side, profile, database, pages, saved: Path, counts=COUNTS, counted=None) -> dict:
    """Count SQL, CPU time and instructions of a side's pages on one database, signed in once."""
    if not saved.is_file():
        appside(side, profile, database, ["prepare", json.dumps(pages), str(saved)])
    measured = json.loads(
        appside(side, profile, database, ["measure", json.dumps(pages), str(saved)])
    )
    out = {
        page: {"sql_statements": sql["total"], "sql": sql["statements"], **measured["cpu"][page]}
        for page, sql in measured["sql"].items()
    }
    chosen = pages if counted is None else counted
    if available() and chosen:
        for page, figures in instructions(side, profile, database, chosen, saved, counts).items():
            out[page].update(instructions=figures["instructions"], callgrind=figures["totals"])
    return out


def measure_side(side, profile, template: Path, pages, work: Path, counts=COUNTS, counted=None):
    """Count a side's pages, each process on a fresh copy of the data from after the sign-in.

    The sign-in's session lives in the database (Django's): it is made on a copy every later
    process starts from, so the create POSTs of one process do not show in the next.
    """
    name = f"{side}-{profile}"
    prepared, fresh = work / f"{name}-prepared.sqlite3", work / f"{name}-run.sqlite3"
    saved = work / f"{name}-requests.json"
    shutil.copy(template, prepared)
    saved.unlink(missing_ok=True)
    appside(side, profile, prepared, ["prepare", json.dumps(pages), str(saved)])
    shutil.copy(prepared, fresh)
    out = count(side, profile, fresh, pages, saved, counts, counted=[])
    if available():
        shutil.copy(prepared, fresh)
        chosen = pages if counted is None else counted
        for page, figures in instructions(side, profile, fresh, chosen, saved, counts).items():
            out[page].update(instructions=figures["instructions"], callgrind=figures["totals"])
    return out


def measure_all(templates: dict[str, Path], work: Path, quick: bool = False) -> dict:
    """Return {profile: {side: {page: figures}}} for both apps (stock, lean) and the ceiling.

    --quick counts one page a side (the home page, a few requests): it checks the harness.
    """
    counts = QUICK_COUNTS if quick else COUNTS
    counted = spec.PAGES[:1] if quick else spec.PAGES
    jobs = [(side, profile) for profile in spec.PROFILES for side in ("django", "flask")]
    jobs.append(("ceiling", "stock"))

    def one(job):
        side, profile = job
        print(f"counting {spec.NAMES[side]} ({profile})", flush=True)
        template = templates["django" if side == "ceiling" else side]
        return job, measure_side(side, profile, template, spec.PAGES, work, counts, counted)

    # Counts do not depend on the load: both cores may count at once.
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(pool.map(one, jobs))
    out: dict = {profile: {} for profile in spec.PROFILES}
    for (side, profile), figures in results.items():
        out[profile][side] = figures
    return out


def sign_in_cost(side: str, template: Path, work: Path, quick: bool = False) -> dict:
    """Return one password check's cost on a side: the hash's scheme, CPU ms, instructions.

    The check a sign-in makes (each side's own function on its stored hash), timed over
    PASSWORD_CHECKS checks, and counted once under callgrind (not with --quick: a check of
    Django's default PBKDF2 runs billions of instructions, half a minute under valgrind).
    """
    database = work / f"{side}-password.sqlite3"
    shutil.copy(template, database)
    times = "1" if quick else str(PASSWORD_CHECKS)
    out = json.loads(appside(side, "stock", database, ["password", "time", times]))
    out["instructions"] = None
    if available() and not quick:
        with tempfile.TemporaryDirectory(prefix="callgrind-") as tmp:
            prefix = [*VALGRIND, f"--callgrind-out-file={tmp}/callgrind.out.%p"]
            appside(side, "stock", database, ["password", "callgrind"], prefix)
            out["instructions"] = dumps(Path(tmp))[-1]  # the last dump: the marked check
    return out


def sign_in_costs(templates: dict[str, Path], work: Path, quick: bool = False) -> dict:
    """Return {side: one password check's cost} for both apps, counted side by side."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        found = pool.map(lambda side: sign_in_cost(side, templates[side], work, quick), templates)
        return dict(zip(templates, found, strict=True))


def check_counts(counted: dict) -> None:
    """Fail unless every count is positive and each page's two runs grew with the requests."""
    for profile, sides in counted.items():
        for side, pages in sides.items():
            for name, figures in pages.items():
                if "callgrind" not in figures:
                    continue
                low, high = figures["callgrind"]
                if not 0 < low < high or figures["instructions"] <= 0:
                    raise RuntimeError(f"{profile} {side} {name}: callgrind counted {low}, {high}")
