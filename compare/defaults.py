"""Read each app's defaults from the running app (one subprocess each) and check provenance."""

from __future__ import annotations

import json
import os
import tempfile
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from compare import debugpage
from toolkit.commands import run
from toolkit.paths import APP_DIRS, PYTHON, ROOT, SHARED_SPEC

PROVENANCE = SHARED_SPEC / "PROVENANCE.toml"


class ProvenanceError(Exception):
    """PROVENANCE.toml names a place that no longer exists."""


def run_probe(app: str) -> dict:
    """Build one app in a fresh Python process and read its defaults (compare/probe.py)."""
    with tempfile.TemporaryDirectory(prefix="compare-probe-") as folder:
        out = Path(folder) / "probe.json"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = run([PYTHON, "-m", "compare.probe", app, str(out)], ROOT, env, check=False)
        if done.returncode != 0 or not out.is_file():
            return {"error": (done.stdout + done.stderr)[-1500:]}
        return json.loads(out.read_text())


def read_all() -> dict:
    """Probe both apps, and both development servers' debug pages, in parallel."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        probes = {app: pool.submit(run_probe, app) for app in APP_DIRS}
        debug = {app: pool.submit(debugpage.probe, app) for app in APP_DIRS}
        return {
            app: {**probes[app].result(), "debug_page": debug[app].result()} for app in APP_DIRS
        }


def provenance(path: Path = PROVENANCE, app_dirs: dict[str, Path] = APP_DIRS) -> list[dict]:
    """Read which package provides each feature; raise when a `where` no longer exists."""
    with path.open("rb") as handle:
        features = tomllib.load(handle)["feature"]
    missing = []
    for feature in features:
        for app, folder in app_dirs.items():
            where = feature[app]["where"]
            feature[app]["exists"] = (folder / where).exists()
            if not feature[app]["exists"]:
                missing.append(f"{feature['name']} ({app}): {folder.name}/{where}")
    if missing:
        raise ProvenanceError(
            "PROVENANCE.toml points to places that no longer exist:\n  " + "\n  ".join(missing)
        )
    return features
