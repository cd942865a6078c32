"""`compare.py`: measure both apps and write the report (terminal, Markdown, JSON, HTML)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rich.console import Console

from compare import (
    bench,
    claims,
    concepts,
    defaults,
    deps,
    loc,
    render,
    report,
    scale,
    setup,
    spec,
    workshop,
)
from toolkit.paths import APP_DIRS, BUILD, ROOT, SHARED_SPEC

HEADER = "Django and Flask, side by side: the measured comparison"
SETUP_RUN = BUILD / "setup-run.json"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--run-setup",
        action="store_true",
        help="run each app's documented setup from scratch and time it",
    )
    parser.add_argument(
        "--rerun-tests",
        action="store_true",
        help="run the shared suite and unit tests even when cached",
    )
    parser.add_argument(
        "--no-tests", action="store_true", help="never run the tests: report the last results found"
    )
    parser.add_argument(
        "--full", action="store_true", help="print the whole report, not only its summary"
    )
    parser.add_argument(
        "--out", type=Path, default=BUILD, help="where to write compare.md/.json/.html"
    )
    return parser.parse_args(argv)


class Steps:
    """Run measuring steps, showing each and keeping how long it took."""

    def __init__(self, status, timings: dict):
        self.status, self.timings = status, timings

    def __call__(self, name: str, text: str, function):
        self.status(text)
        started = time.perf_counter()
        value = function()
        self.timings[name] = round(time.perf_counter() - started, 2)
        return value


def measure(args: argparse.Namespace, status) -> dict:
    """Take every measurement; `status(text)` shows progress."""
    m: dict = {"generated": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
    step = Steps(status, m.setdefault("timings", {}))
    measure_code(m, step)
    measure_setup(m, step, args.run_setup)
    digest = step("hash", "hashing the sources the tests depend on", spec.source_hash)
    if args.no_tests:
        last_test_results(m)
    else:
        m["spec_run"] = step(
            "suite",
            "the shared suite (cached by source hash)",
            lambda: spec.run_suite(digest, args.rerun_tests, status),
        )
        m["unit"] = step(
            "unit",
            "each app's unit tests (cached by source hash)",
            lambda: spec.run_unit_tests(digest, args.rerun_tests, status),
        )
    m["spec"] = spec.read_results(spec.spec_rules())
    m["bench"] = bench.load()
    m["scale"], m["replicas"] = scale.load(), scale.replica_changes()
    m["workshop"] = step("workshop", "the workshop's change cost", workshop.measure)
    m["claims"] = claims.settle(m)
    return m


def measure_code(m: dict, step: Steps) -> None:
    """Measure the apps' code, dependencies and defaults (the probes run while code is counted)."""
    resolved = step(
        "concepts",
        "resolving the concept map",
        lambda: concepts.resolve_all(concepts.load(SHARED_SPEC / "CONCEPTS.toml"), APP_DIRS),
    )
    m["provenance"] = step("provenance", "checking PROVENANCE.toml", defaults.provenance)
    # The probes start servers and wait on them: let them run while the code is counted. They
    # are done before anything timed (setup, the tests) starts, so as not to slow it.
    pool = ThreadPoolExecutor(max_workers=1)
    probes = pool.submit(defaults.read_all)
    m["loc"] = step(
        "loc",
        "counting lines (pygount) and complexity (radon)",
        lambda: {app: loc.count_app(folder).to_json() for app, folder in APP_DIRS.items()},
    )
    m["concepts"] = concepts.per_concept(resolved, APP_DIRS)
    m["concept_kinds"] = concepts.per_kind(resolved, APP_DIRS)
    m["deps"] = step(
        "deps",
        "resolving dependencies from installed metadata",
        lambda: {
            app: deps.app_dependencies(folder / "requirements.txt")
            for app, folder in APP_DIRS.items()
        },
    )
    m["flask_closure"] = deps.package_closure("Flask")
    m["django_closure"] = deps.package_closure("Django")
    m["setup"] = setup.summary()
    m["defaults"] = step(
        "defaults",
        "reading defaults from the running apps and their debug pages",
        probes.result,
    )
    pool.shutdown()


def measure_setup(m: dict, step: Steps, run_setup: bool) -> None:
    """Run each app's documented setup from scratch when asked; read the last run's figures."""
    if run_setup:
        runs = {"ran_at": m["generated"]}
        for app in APP_DIRS:
            runs[app] = step(
                f"setup-{app}",
                f"{app}: running the documented setup from scratch",
                lambda app=app: setup.run_setup(app, progress=step.status),
            )
        BUILD.mkdir(exist_ok=True)
        SETUP_RUN.write_text(json.dumps(runs, indent=2))
    m["setup_run"] = json.loads(SETUP_RUN.read_text()) if SETUP_RUN.is_file() else None


def last_test_results(m: dict) -> None:
    """Read the last runs' results of the suite and unit tests (--no-tests)."""
    m["spec_run"] = {"line": "not run (--no-tests)", "cached": True}
    m["unit"] = {app: {"counts": {}} for app in APP_DIRS}
    for name in ("spec-run", *(f"unit-{a}" for a in APP_DIRS)):
        path = BUILD / f"{name}.json"
        if path.is_file():
            record = {**json.loads(path.read_text()), "cached": True}
            if name == "spec-run":
                m["spec_run"] = record
            else:
                m["unit"][name.removeprefix("unit-")] = record


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    progress = Console(stderr=True)
    try:
        with progress.status("measuring…") as status:
            m = measure(args, lambda text: status.update(f"[bold]compare[/]: {text}"))
    except (concepts.ConceptError, defaults.ProvenanceError) as error:
        progress.print(f"[bold red]compare.py: {error}")
        return 2
    m["timings"]["total"] = round(time.perf_counter() - started, 2)
    args.out.mkdir(parents=True, exist_ok=True)
    paths = {kind: args.out / f"compare.{kind}" for kind in ("md", "json", "html")}
    outputs = [str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p) for p in paths.values()]
    model = report.build(m, HEADER, outputs, args.out)
    model.footer = f"Measured in {m['timings']['total']:.0f} s: " + ", ".join(
        f"{k} {v:.1f} s" for k, v in m["timings"].items() if k != "total"
    )
    render.terminal(model, Console(width=100), args.full)
    paths["md"].write_text(render.markdown(model))
    paths["json"].write_text(json.dumps(m, indent=2, default=str))
    model.concepts = render.code_view(m, args.out)
    model.shots = render.screenshots(args.out)
    paths["html"].write_text(render.html(model))
    return 0


if __name__ == "__main__":
    sys.exit(main())
