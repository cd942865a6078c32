"""A whole set of measurements to render: compare.json's shape, small, from measurements.json.

The concept map and the spec's rules are read live, so that links to the apps' files and to
SPEC.md are the ones a run writes today; the suite's outcomes are made up (one failure), and
the claims settled on all of it.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from compare import claims, concepts, spec
from toolkit.paths import APP_DIRS, SHARED_SPEC

FIXTURE = Path(__file__).with_name("measurements.json")


def fixture_measurements() -> dict:
    m = json.loads(FIXTURE.read_text())
    resolved = concepts.resolve_all(concepts.load(SHARED_SPEC / "CONCEPTS.toml"), APP_DIRS)
    m["concepts"] = concepts.per_concept(resolved, APP_DIRS)
    m["concept_kinds"] = concepts.per_kind(resolved, APP_DIRS)
    rules = spec.spec_rules()
    results = [
        {
            "rule": rule["id"],
            "app": app,
            "outcome": outcome,
            "tests": [{"nodeid": f"tests/test_{i}.py::test", "outcome": outcome}],
        }
        for i, rule in enumerate(rules)
        for app in APP_DIRS
        for outcome in ["failed" if (i, app) == (1, "flask") else "passed"]
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "spec-results.json"
        path.write_text(json.dumps({"results": results, "mode": "in-process"}))
        m["spec"] = spec.read_results(rules, path)
    m["claims"] = claims.settle(m)
    return m
