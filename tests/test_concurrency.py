"""Concurrent writes under gunicorn with 4 workers lose nothing (OPS-8).

Each app gets a server of its own (whatever the run's mode) on a fresh database like the run's:
an SQLite file in WAL mode, or a PostgreSQL database when DATABASE_URL names one. Eight clients,
each signed in with a browser of its own, create posts and edit their own posts, interleaved,
all at once; then the site is read back: every accepted creation is stored once, every post
shows its last accepted edit, and no request failed.
"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx
import pytest

from tests import pages
from tests.actions import POST_PATH, register, session_tokens, token
from tests.harness import FIGURES
from toolkit.browser import Browser
from toolkit.databases import backend_of
from toolkit.servers import Server

CLIENTS = 8
CREATIONS = 30  # per client; as many edits, interleaved: 8 x 60 = 480 writes
TIMEOUT = 30  # seconds, per request
STAFF = ("foreman", "Foreman-Pass-2026!")


def busy_server(adapter, harness) -> Server:
    """Serve the app with 4 gunicorn workers on a fresh database."""
    database = harness.databases.new(f"{adapter.name}_busy")
    harness.prepare(adapter, database.url, STAFF)
    server = Server(
        adapter,
        harness.live_env(adapter, database.url),
        harness.folder / f"{adapter.name}-busy.log",
        workers=4,
    )
    harness.servers.append(server)
    server.start()
    server.wait_ready()
    return server


JOBS = {"busy-server": busy_server}


@dataclass
class Client:
    """One writer: its browser, its tag, and what the site accepted from it."""

    number: int
    browser: Browser
    tag: str = field(default_factory=token)
    # post id -> (title, body) of its last accepted write
    accepted: dict[int, tuple[str, str]] = field(default_factory=dict)
    sent: int = 0
    failures: list[str] = field(default_factory=list)

    def write(self, url: str, title: str, body: str, tokens: dict) -> int | None:
        """Post a post's form; return the post's id when accepted, None otherwise."""
        self.sent += 1
        data = {**tokens, "title": title, "body": body, "status": "published"}
        try:
            answer = self.browser.post(url, data=data, timeout=TIMEOUT)
        except httpx.TransportError as error:
            self.failures.append(f"{url}: {error!r}")
            return None
        found = POST_PATH.match(httpx.URL(answer.headers.get("location", "")).path)
        if answer.status_code not in (302, 303) or not found:
            self.failures.append(f"{url}: {answer.status_code} {answer.text[:200]!r}")
            return None
        return int(found.group(1))

    def run(self, start: threading.Barrier) -> None:
        tokens = session_tokens(self.browser, "/posts/new/")
        rng = random.Random(self.number)
        start.wait(timeout=60)
        for n in range(CREATIONS):
            title, body = f"{self.tag} n{n:02d} v0", f"Body {self.tag} n{n:02d} v0"
            post = self.write("/posts/new/", title, body, tokens)
            if post is not None:
                self.accepted[post] = (title, body)
            if self.accepted:
                post = rng.choice(list(self.accepted))
                number = self.accepted[post][0].split()[1]
                version = int(self.accepted[post][0].split()[2][1:]) + 1
                title = f"{self.tag} {number} v{version}"
                body = f"Body {self.tag} {number} v{version}"
                if self.write(f"/posts/{post}/edit/", title, body, tokens) == post:
                    self.accepted[post] = (title, body)


def listed(browser: Browser, q: str) -> list[pages.ListedPost]:
    """Return every post a search lists, page after page."""
    found, page = [], 1
    while True:
        answer = browser.get("/", params={"q": q, "page": page}, timeout=TIMEOUT)
        assert answer.status_code == 200, (q, page, answer.status_code)
        found += pages.listed_posts(answer)
        nav = pages.pagination(answer)
        if not nav or not nav.next:
            return found
        page += 1


@pytest.mark.rule("OPS-8", "OPS-7", "POST-2", "POST-4")
@pytest.mark.background("busy-server")
def test_concurrent_writes_lose_nothing(app, job):
    """Eight users writing at once on four workers lose no post and no edit, and none fails."""
    server = job("busy-server")
    started = time.monotonic()

    def sign_up(number: int) -> Client:
        browser = Browser(server.base_url)
        answer = register(browser, f"writer{number}{token()}")
        assert answer.status_code in (302, 303), pages.fields_in_error(answer)
        return Client(number, browser)

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        clients = list(pool.map(sign_up, range(CLIENTS)))
        start = threading.Barrier(CLIENTS)
        for future in [pool.submit(client.run, start) for client in clients]:
            future.result(timeout=300)
    writing = time.monotonic() - started

    reader = Browser(server.base_url)
    problems = []
    for client in clients:
        posts = listed(reader, client.tag)
        ids = [post.id for post in posts]
        numbers = [post.title.split()[1] for post in posts]
        if sorted(ids) != sorted(client.accepted):
            problems.append(f"client {client.number}: listed {sorted(ids)}")
            problems.append(f"  accepted {sorted(client.accepted)}")
        if len(set(numbers)) != len(numbers):
            problems.append(f"client {client.number}: duplicated posts {sorted(numbers)}")

    def check(item: tuple[int, tuple[str, str]]) -> str | None:
        post, (title, body) = item
        answer = reader.get(f"/posts/{post}/", timeout=TIMEOUT)
        shown = pages.shown_post(answer) if answer.status_code == 200 else None
        if shown is None or (shown.title, shown.body) != (title, body):
            return f"post {post}: {answer.status_code} {shown and (shown.title, shown.body)}"
        return None

    everything = [item for client in clients for item in client.accepted.items()]
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        problems += [problem for problem in pool.map(check, everything) if problem]

    failures = [failure for client in clients for failure in client.failures]
    sent = sum(client.sent for client in clients)
    FIGURES["concurrency"][(app.name, backend_of(server.env["DATABASE_URL"]))] = {
        "requests sent": sent,
        "posts stored": len(everything),
        "edits accepted": sum(
            int(title.split()[2][1:]) for client in clients for title, _ in client.accepted.values()
        ),
        "failures": len(failures),
        "seconds": round(writing, 1),
    }
    assert sent >= 400, sent
    assert not failures, f"{len(failures)} of {sent} writes failed:\n" + "\n".join(failures[:20])
    assert not problems, "\n".join(problems[:40])
