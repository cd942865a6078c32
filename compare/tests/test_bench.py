"""The bench's harness: instruction counts repeat, the noise guard marks a busy run, readers read.

Counts, never times: the one callgrind count here (the ceiling's /healthz, a few requests) must
be positive and repeat within a tolerance; no figure of speed is asserted.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from bench import callgrind, server, summary
from compare import bench as benchmod
from toolkit.servers import environ_flag

HEALTHZ = {"name": "healthz", "path": "/healthz", "method": "GET", "signed_in": False}


def test_each_page_costs_its_second_run_less_its_first_over_the_extra_requests():
    order = ["home", "home", "healthz", "healthz"]
    totals = [999, 1_000, 1_600, 50, 70]  # the first dump came before the measured calls
    figures = callgrind.per_request(order, totals, (10, 20))
    assert figures["home"]["instructions"] == 60.0
    assert figures["healthz"]["instructions"] == 2.0


def test_a_missing_dump_is_an_error_not_a_figure():
    with pytest.raises(RuntimeError, match="3 dumps for 4"):
        callgrind.per_request(["a", "a", "b", "b"], [1, 2, 3], (1, 2))


def test_a_page_measured_on_a_busy_machine_or_spread_wide_is_marked_noisy():
    quiet = [{"rps": 100.0, "load_average": 0.5, "noisy": False}] * 3
    busy = [*quiet[:2], {"rps": 100.0, "load_average": 9.0, "noisy": True}]
    spread_wide = [{"rps": r, "load_average": 0.5, "noisy": False} for r in (50.0, 100.0, 150.0)]
    assert summary.noise(quiet, summary.spread([100.0] * 3)) == {"noisy": False, "reasons": []}
    assert "load average 9.0" in summary.noise(busy, summary.spread([100.0] * 3))["reasons"][0]
    wide = summary.noise(spread_wide, summary.spread([50.0, 100.0, 150.0]))
    assert wide["noisy"]
    assert "spread 100%" in wide["reasons"][0]


def test_the_readers_pair_each_page_with_its_ceiling_and_leave_noisy_rates_out():
    page = {"db_bound": True, "instructions": 9e6, "ceiling_instructions": 1e6, "rps": 10.0}
    bench = {
        "apps": {
            "django": {"pages": {"home": {**page, "instructions": 18e6, "noisy": True}}},
            "flask": {"pages": {"home": {**page, "noisy": False}}},
        }
    }
    assert benchmod.instruction_ratios(bench) == {"home": 0.5}
    assert benchmod.times_ceiling(bench, "django", "home") == 18.0
    assert benchmod.noisy_pages(bench) == ["django/home"]
    assert benchmod.instruction_ratios(None) == {}


@pytest.fixture
def valgrind():
    if not callgrind.available():
        if environ_flag("CI"):
            pytest.fail("CI=true and no valgrind on the PATH (apt-get install -y valgrind)")
        pytest.skip("no valgrind on the PATH (apt-get install -y valgrind)")


def test_a_callgrind_count_is_positive_and_repeats(valgrind, tmp_path):
    database = tmp_path / "empty.sqlite3"
    sqlite3.connect(database).close()
    saved = tmp_path / "requests.json"
    callgrind.appside("ceiling", "stock", database, ["prepare", json.dumps([HEALTHZ]), str(saved)])
    counts = [
        callgrind.instructions("ceiling", "stock", database, [HEALTHZ], saved, (5, 10))["healthz"]
        for _ in range(2)
    ]
    first, second = (c["instructions"] for c in counts)
    assert first > 0
    assert abs(first - second) / first < 0.02, counts


def test_the_growth_tables_show_without_a_bench_run(tmp_path):
    """make bench-growth alone gives the report its growth tables; nothing at all gives None."""
    growth = tmp_path / "bench-growth.json"
    assert benchmod.load(tmp_path / "bench.json", growth) is None
    sizes = {"sizes": [1000], "databases": {"sqlite": {"django": {"1000": {}}}}}
    growth.write_text(json.dumps({"growth": sizes}))
    assert benchmod.load(tmp_path / "bench.json", growth) == {"growth": sizes}
    (tmp_path / "bench.json").write_text(json.dumps({"apps": {}}))
    assert benchmod.load(tmp_path / "bench.json", growth) == {"apps": {}, "growth": sizes}


def test_a_noisy_window_is_measured_once_more_and_the_second_kept(monkeypatch):
    """A busy window is measured again after a wait; a quick run keeps its first window."""
    monkeypatch.setattr(server, "NOISE_WAIT_SECONDS", 0)
    windows = iter([{"noisy": True, "n": 1}, {"noisy": True, "n": 2}, {"noisy": False, "n": 3}])
    assert server.twice_if_noisy(lambda: next(windows), quick=False) == {"noisy": True, "n": 2}
    assert server.twice_if_noisy(lambda: next(windows), quick=False) == {"noisy": False, "n": 3}
    busy = iter([{"noisy": True, "n": 1}])
    assert server.twice_if_noisy(lambda: next(busy), quick=True) == {"noisy": True, "n": 1}
