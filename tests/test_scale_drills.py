"""Fault drills on the balanced group, each under a bounded load (OPS-11, OPS-12; `--scale`).

Each drill prints its figures at the end of the run and keeps them in build/scale.json: requests
sent and failed, writes the site acknowledged, and how many of those are found afterwards.
"""

from __future__ import annotations

import threading

import httpx
import pytest

from tests.drills import Load, during

pytestmark = pytest.mark.replicas


def settled(group) -> None:
    """Leave the group as a drill found it: every replica up."""
    group.wait_up(*group.replicas)


def assert_every_write_found_once(figures: dict) -> None:
    """Every write the site acknowledged is in the database afterwards, and none twice."""
    assert figures["lost"] == 0, figures
    assert figures["found_twice"] == 0, figures


@pytest.mark.rule("OPS-11", "OPS-8")
def test_a_killed_replica_loses_no_acknowledged_write(app, group, scale_figures):
    """One server killed under load: the others answer; every saved post is there, once."""
    with Load(app) as load:
        during(load, 2)
        group.kill("r2")
        during(load, 3)
        group.revive("r2")
        during(load, 1)
    figures = scale_figures["replica killed"] = load.figures()
    settled(group)
    assert_every_write_found_once(figures)
    assert figures["acknowledged_writes"] > 0, figures
    # The balancer routes around it: only what r2 was serving when it died can fail.
    assert figures["failed"] <= 2 * load.clients, figures


@pytest.mark.rule("OPS-11", "OPS-8")
def test_a_rolling_restart_fails_no_request(app, group, scale_figures):
    """Each server restarted in turn under load: not one request fails, no saved post is lost."""
    with Load(app) as load:
        during(load, 1)
        for name in group.replicas:
            group.restart(name)
        during(load, 1)
    figures = scale_figures["rolling restart"] = load.figures()
    settled(group)
    assert figures["failed"] == 0, figures
    assert_every_write_found_once(figures)


@pytest.mark.rule("OPS-12", "SEC-13")
def test_redis_stopped_under_load_fails_no_request(app, group, scale_figures):
    """With the shared store of throttle counts gone, pages, posts and sign-ins still answer."""
    with Load(app, kinds=("read", "write", "sign-in")) as load:
        during(load, 1)
        group.redis.stop()
        during(load, 4)
        group.redis.start()
        during(load, 2)
    figures = scale_figures["redis stopped"] = load.figures()
    settled(group)
    assert figures["failed"] == 0, figures
    assert_every_write_found_once(figures)
    # Flask-Limiter warns that it falls back to memory; django-redis logs the error it ignored.
    said = ("Rate limit storage unreachable", "ConnectionError")
    assert any(words in group.output(tail=None) for words in said), "the log says nothing"


class HealthWatch(threading.Thread):
    """Read one replica's /healthz every 0.1 s until stopped; keep what it answered."""

    def __init__(self, base_url: str):
        super().__init__(daemon=True)
        self.url = base_url + "/healthz"
        self.answers: list[str] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(0.1):
            try:
                answer = httpx.get(self.url, timeout=5)
                self.answers.append("ok" if answer.text == "ok" else str(answer.status_code))
            except httpx.TransportError as error:
                self.answers.append(type(error).__name__)


@pytest.mark.rule("OPS-13", "OPS-11")
def test_postgresql_restarted_under_load_gets_fast_503s_and_loses_nothing(
    app, group, postgresql, scale_figures
):
    """While the database restarts pages answer 503 at once; then the site serves again."""
    watch = HealthWatch(group.replicas["r1"].base_url)
    with Load(app) as load:
        during(load, 2)
        watch.start()
        outage = postgresql.restart(down=1)  # the run's own cluster, no one else's
        during(load, 4)
        watch.stopping.set()
    figures = load.figures()
    figures.update(
        restart_seconds=round(outage, 1),
        answers_503_from_the_app=load.count("503", by_replica=True),
        answers_503_from_the_balancer=load.count("503", by_replica=False),
        healthz_not_ok=sum(1 for answer in watch.answers if answer != "ok"),
    )
    scale_figures["postgresql restarted"] = figures
    settled(group)
    assert set(figures["outcomes"]) <= {"ok", "503"}, figures["outcomes"]
    assert figures["slowest_seconds"] < 10, figures
    assert figures["healthz_not_ok"] > 0, watch.answers
    assert watch.answers[-1] == "ok", watch.answers
    assert_every_write_found_once(figures)
    # Serving again without a restart: the load's last requests all succeeded.
    last = [record.outcome for record in load.records[-2 * load.clients :]]
    assert set(last) == {"ok"}, last
