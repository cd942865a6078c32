"""A bounded load for the fault drills: a few signed-in clients reading, writing and signing in.

Every request is recorded (what it was, its status or error, the replica that answered, how
long it took); every post the site said it saved (a redirect to the new post) is an
acknowledged write, checked afterwards through the site's search: found once, or lost, or
twice (a write replayed).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

from tests import pages
from tests.actions import POST_PATH, in_parallel, search_titles, session_tokens, token
from toolkit.balancer import SERVED_BY
from toolkit.browser import Browser, fresh_address

TIMEOUT = 20  # seconds, per request: a hang shows as a failure, not as a stuck drill


@dataclass
class Record:
    kind: str  # "read", "write" or "sign-in"
    outcome: str  # "ok", or the status code, or the error's class
    served_by: str
    seconds: float


@dataclass
class Load:
    """Clients sending requests in a loop until stopped; what they sent and what was saved."""

    app: object
    clients: int = 4
    kinds: tuple[str, ...] = ("read", "write")
    records: list[Record] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)  # titles the site said it saved
    unacknowledged: list[str] = field(default_factory=list)  # titles of writes that failed
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        self.tag = f"drill{token()}"
        self.browsers = [self.app.make_user("driller")[2] for _ in range(self.clients)]
        self.tokens = [session_tokens(browser, "/posts/new/") for browser in self.browsers]
        # Sign-in attempts: a visitor's form tokens, sent each time from another address.
        self.visitor = self.app.browser()
        self.sign_in_tokens = session_tokens(self.visitor)
        self.threads: list[threading.Thread] = []

    def send(self, kind: str, browser: Browser, method: str, url: str, ok, **kwargs) -> bool:
        started = time.monotonic()
        try:
            answer = browser.request(method, url, timeout=TIMEOUT, **kwargs)
        except httpx.TransportError as error:
            outcome, served = type(error).__name__, "-"
        else:
            outcome = "ok" if ok(answer) else str(answer.status_code)
            served = answer.headers.get(SERVED_BY, "-")
        with self.lock:
            self.records.append(Record(kind, outcome, served, time.monotonic() - started))
        return outcome == "ok"

    def client(self, number: int) -> None:
        browser, tokens = self.browsers[number], self.tokens[number]
        n = 0
        while not self.stopping.is_set():
            n += 1
            if "read" in self.kinds:
                self.send("read", browser, "GET", "/", lambda a: a.status_code == 200)
            if "write" in self.kinds:
                title = f"{self.tag} c{number} n{n} end"
                data = {**tokens, "title": title, "body": "Drill.", "status": "published"}
                saved = self.send("write", browser, "POST", "/posts/new/", is_saved, data=data)
                with self.lock:
                    (self.acknowledged if saved else self.unacknowledged).append(title)
            if "sign-in" in self.kinds:
                visitor = self.app.browser_from(fresh_address())
                visitor.http.cookies = httpx.Cookies(self.visitor.http.cookies)
                data = {**self.sign_in_tokens, "username": f"nobody{n}", "password": "x"}
                self.send("sign-in", visitor, "POST", "/accounts/login/", refused, data=data)

    def __enter__(self) -> Load:
        self.started = time.monotonic()
        for number in range(self.clients):
            thread = threading.Thread(target=self.client, args=(number,), daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=TIMEOUT + 5)
        self.seconds = time.monotonic() - self.started

    def count(self, outcome: str, *, by_replica: bool) -> int:
        """Count the requests with an outcome, answered by a replica or by the balancer itself."""
        return sum(
            1 for r in self.records if r.outcome == outcome and (r.served_by != "-") == by_replica
        )

    def failures(self, kind: str | None = None) -> list[Record]:
        return [r for r in self.records if r.outcome != "ok" and kind in (None, r.kind)]

    def figures(self) -> dict:
        """Count what was sent and failed, and look every write up through the site."""
        reader = self.app.browser()

        def copies(title: str) -> int:
            return search_titles(reader, title).count(title)

        found = in_parallel(copies, self.acknowledged)
        stray = in_parallel(copies, self.unacknowledged)
        return {
            "requests": len(self.records),
            "failed": len(self.failures()),
            "failed_reads": len(self.failures("read")),
            "failed_writes": len(self.failures("write")),
            "failed_sign_ins": len(self.failures("sign-in")),
            "outcomes": dict(Counter(r.outcome for r in self.records)),
            "slowest_seconds": round(max((r.seconds for r in self.records), default=0), 3),
            "acknowledged_writes": len(self.acknowledged),
            "found_afterwards": sum(1 for n in found if n >= 1),
            "found_twice": sum(1 for n in found if n > 1),
            "lost": sum(1 for n in found if n == 0),
            "stored_though_failed": sum(1 for n in stray if n),
            "seconds": round(self.seconds, 1),
        }


def is_saved(answer: httpx.Response) -> bool:
    """Tell whether the new-post form's answer says the post was saved."""
    path = httpx.URL(answer.headers.get("location", "")).path
    return answer.status_code in (302, 303) and bool(POST_PATH.match(path))


def refused(answer: httpx.Response) -> bool:
    """Tell whether a wrong password got the sign-in form again with its error (not a 500)."""
    return answer.status_code == 200 and bool(pages.nonfield_errors(answer))


def during(load: Load, seconds: float) -> None:
    """Let the load run for a while (the drill's fault happens between such waits)."""
    time.sleep(seconds)
    assert not load.stopping.is_set()
