"""The scale-out profile: `--scale NAME` runs the suite on an app as replicas behind HAProxy.

The plugin starts a PostgreSQL cluster of the run's own (`toolkit/pgcluster.py`: on a free
loopback port, removed at the end, so that the drill that restarts it touches no one else's),
then the app as a balanced group (`toolkit/balancer.py`: three gunicorn replicas, HAProxy, a
Redis of its own) on one fresh database in that cluster, then points the suite's BASE_URL
mode at the balancer with the app's adapter, its staff and its database, before the harness
reads them (tests/conftest.py). Tests marked `replicas` need the group (`group` fixture) and are
deselected without `--scale`. Figures the drills record go to `build/scale.json`.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.adapters import load_adapter
from toolkit.apps import STAFF
from toolkit.balancer import Group
from toolkit.databases import Databases
from toolkit.paths import BUILD
from toolkit.pgcluster import Cluster

GROUP = pytest.StashKey[Group]()
CLUSTER = pytest.StashKey[Cluster]()
# Figures of this session's scale tests and drills, per app: written to build/scale.json.
SCALE_FIGURES: dict = {}


def pytest_addoption(parser):
    parser.getgroup("posts").addoption(
        "--scale",
        metavar="NAME",
        help="run against app NAME as 3 gunicorn replicas behind HAProxy, on a PostgreSQL cluster "
        "and a Redis of their own (make test-scale)",
    )


@pytest.hookimpl(tryfirst=True)  # before the harness reads BASE_URL (tests/conftest.py)
def pytest_configure(config):
    config.addinivalue_line("markers", "replicas: needs the app as a balanced group (--scale)")
    name = config.getoption("scale", None)
    if not name:
        return
    folder = BUILD / "scale" / name
    cluster = config.stash[CLUSTER] = Cluster(folder / "postgresql.json")
    try:
        cluster.start()
        databases = Databases(folder, cluster.url("posts_test"))
        database = databases.new(f"scale_{name}")
        adapter = load_adapter(name)
        adapter.prepare(database.url, STAFF)
        group = config.stash[GROUP] = Group(adapter, adapter.env(database.url), folder)
        group.start()
    except BaseException:
        if GROUP in config.stash:
            config.stash[GROUP].stop()
        cluster.stop()
        raise
    os.environ.update(
        BASE_URL=group.base_url,
        APP=name,
        STAFF_USERNAME=STAFF[0],
        STAFF_PASSWORD=STAFF[1],
        DATABASE_URL=database.url,
    )


def pytest_unconfigure(config):
    if GROUP in config.stash:
        config.stash[GROUP].stop()
        del config.stash[GROUP]
    if CLUSTER in config.stash:
        config.stash[CLUSTER].stop()  # its databases with it
        del config.stash[CLUSTER]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    if GROUP in config.stash:
        # The suite's own machinery runs suites of its own (pytester), which would inherit
        # this run's BASE_URL: it is checked by the other runs.
        dropped = [item for item in items if item.path.name.startswith("test_suite_")]
    else:
        dropped = [item for item in items if item.get_closest_marker("replicas")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]


def pytest_report_collectionfinish(config, start_path, items):
    if GROUP in config.stash:
        group = config.stash[GROUP]
        ports = ", ".join(f"{n} :{s.port}" for n, s in group.replicas.items())
        cluster = config.stash[CLUSTER]
        return [
            f"scale: HAProxy {group.base_url} -> {ports}; Redis {group.redis.url}; "
            f"PostgreSQL (private) 127.0.0.1:{cluster.port}"
        ]
    return []


@pytest.fixture(scope="session")
def group(request) -> Group:
    """The app as a balanced group: its replicas, HAProxy and Redis (only with --scale)."""
    return request.config.stash[GROUP]


@pytest.fixture(scope="session")
def postgresql(request) -> Cluster:
    """The run's own PostgreSQL cluster, which the drills may restart (only with --scale)."""
    return request.config.stash[CLUSTER]


@pytest.fixture(scope="session")
def scale_figures(request) -> dict:
    """Figures of the scale tests of this app, written to build/scale.json at the end."""
    return SCALE_FIGURES.setdefault(request.config.getoption("scale"), {})


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for app, figures in SCALE_FIGURES.items():
        for name, values in figures.items():
            shown = ", ".join(f"{key} {value}" for key, value in values.items())
            terminalreporter.write_line(f"scale {app} {name}: {shown}")
    if SCALE_FIGURES:
        path = BUILD / "scale.json"
        found = json.loads(path.read_text()) if path.is_file() else {}
        found.setdefault("apps", {}).update(SCALE_FIGURES)
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n")
