"""The scale-out figures as the report reads them (compare/scale.py)."""

import json

from bench import scale as benchscale
from compare import performance, scale


def test_no_results_give_no_rows(tmp_path):
    """Before make test-scale has run there is nothing to show."""
    assert scale.load(tmp_path / "scale.json", tmp_path / "bench-scale.json") is None
    assert scale.drill_rows(None) == []
    assert scale.drills_held(None) == {}


def test_drills_read_per_app_in_the_drills_order(tmp_path):
    """Each drill's figures come out per app; a lost write marks the app's drills as failed."""
    figures = {"requests": 10, "failed": 1, "acknowledged_writes": 4, "found_afterwards": 4}
    data = {
        "apps": {
            "flask": {"rolling restart": {**figures, "lost": 0, "found_twice": 0}},
            "django": {
                "rolling restart": {**figures, "lost": 1, "found_twice": 0},
                "replica killed": {**figures, "lost": 0, "found_twice": 0},
            },
        }
    }
    path = tmp_path / "scale.json"
    path.write_text(json.dumps(data))
    rows = scale.drill_rows(scale.load(path, tmp_path / "no-bench-scale.json"))
    assert [(row["drill"], row["app"]) for row in rows] == [
        ("replica killed", "django"),
        ("rolling restart", "django"),
        ("rolling restart", "flask"),
    ]
    assert rows[0]["acknowledged_writes"] == 4
    assert scale.drills_held(data) == {"django": False, "flask": True}


def test_replica_changes_are_found_in_each_app():
    """Each app names the proxy setting and pins a Redis client."""
    changes = scale.replica_changes()
    for app in ("django", "flask"):
        assert "BEHIND_PROXY" in changes[app]["settings"]
        assert "redis" in changes[app]["packages"]
        assert changes[app]["lines"] > 0


PARTS = benchscale.PARTS  # the parts whose CPU make bench-scale measures


def measured(rps: dict[str, tuple[float, bool]]) -> dict:
    """Return a replica count's figures as make bench-scale writes them: req/s, noisy or not."""
    return {
        n: {
            "rps": r,
            "rps_spread": {"spread_pct": 30.0 if noisy else 5.0},
            "noisy": noisy,
            "noise": ["spread 30% > 20%"] if noisy else [],
            "cores": {**dict.fromkeys(PARTS, 0.5), "other": 0.1},
            "redis_commands_per_request": 0.0,
        }
        for n, (r, noisy) in rps.items()
    }


def bench_scale(noisy_three: bool = False) -> dict:
    """Return a bench-scale.json: Django 100, 150, 160 req/s; Flask 200, 220, 240."""
    apps = {}
    for app, rates in (("django", (100, 150, 160)), ("flask", (200, 220, 240))):
        by_count = measured({str(n): (r, noisy_three and n == 3) for n, r in enumerate(rates, 1)})
        apps[app] = {
            "replicas": by_count,
            "scaling": benchscale.scaling(by_count),
            "connections": {"total": 6, "replicas": 3, "per_replica": 2.0},
            "sql": {"home": {"statements": 3.0}, "create_post": {"statements": 7.0}},
        }
    guard = {"other_cpu_limit_cores": 0.25, "spread_limit_pct": 20.0}
    settings = {"load_generator": "wrk 4.2.0", "runs": 3, "duration": 5.0, "noise_guard": guard}
    return {"apps": apps, "settings": settings, "machine": {"usable_cores": 2}}


def test_ratios_to_one_replica_leave_noisy_counts_out():
    """A noisy replica count gets no ratio; the quiet ones are req/s over one replica's."""
    data = bench_scale(noisy_three=True)
    assert data["apps"]["django"]["scaling"] == {"1": 1.0, "2": 1.5, "3": None}
    one_noisy = measured({"1": (100, True), "2": (150, False)})
    assert benchscale.scaling(one_noisy) == {"1": None, "2": None}


def test_bench_scale_results_are_read_beside_the_drills(tmp_path):
    """The report reads make bench-scale's file even when make test-scale wiped its own."""
    (tmp_path / "bench-scale.json").write_text(json.dumps(bench_scale(noisy_three=True)))
    data = scale.load(tmp_path / "scale.json", tmp_path / "bench-scale.json")
    assert scale.drill_rows(data) == []
    assert scale.quiet_ratio(data, "flask", "2") == 1.1
    assert scale.quiet_ratio(data, "flask", "3") is None
    assert scale.quiet_ratio(None, "flask") is None
    assert scale.sql_rows(data) == [["home", 3.0, 3.0], ["create_post", 7.0, 7.0]]


def test_the_report_shows_req_s_ratios_noise_cpu_and_sql():
    """The Scale-out part shows each count's req/s, its ratio or "noisy", the cores, the SQL."""
    section = performance.scale_section({"scale": {"bench": bench_scale(noisy_three=True)}})
    throughput, cpu, sql = section.tables
    assert ["3", "Django", "160", "30%", "noisy", "spread 30% > 20%"] in throughput.rows
    assert ["2", "Flask", "220", "5.0%", "1.10x", "quiet"] in throughput.rows
    assert cpu.rows[0] == ["1", "Django", "0.50", "0.50", "0.50", "0.50", "0.50", "0.10"]
    assert ["PostgreSQL connections a replica", "2.0", "2.0"] in sql.rows
    assert any("read by no verdict" in note for note in section.notes)


def window(rps: float, other: float) -> dict:
    """Return one load window as bench/scale.py measures it: req/s and the machine's other work."""
    cores = {**dict.fromkeys(PARTS, 0.5), "other": other}
    return {
        "rps": rps,
        "requests": 100,
        "failed": 0,
        "p50_ms": 5.0,
        "p99_ms": 9.0,
        "cores": cores,
        "cpu_ms": dict.fromkeys(PARTS, 1.0),
        "redis_commands": 0.0,
        "load_average": 1.0,
        "noisy": other > benchscale.OTHER_CPU_LIMIT,
    }


def test_quiet_windows_give_a_quiet_figure_and_busy_ones_say_why():
    """Windows with no other work are quiet; one with other work names its cores."""
    quiet = benchscale.summarise([window(100, 0.0), window(102, 0.0), window(101, 0.0)])
    assert (quiet["rps"], quiet["noisy"], quiet["noise"]) == (101, False, [])
    busy = benchscale.summarise([window(100, 0.0), window(90, 0.9)])
    assert busy["noisy"]
    assert busy["noise"][0].startswith("other work 0.90 cores")
