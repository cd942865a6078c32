"""The scale-out figures as the report reads them (compare/scale.py)."""

import json

from compare import scale


def test_no_results_give_no_rows(tmp_path):
    """Before make test-scale has run there is nothing to show."""
    assert scale.load(tmp_path / "scale.json") is None
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
    rows = scale.drill_rows(scale.load(path))
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
