"""The machinery behind the fixtures that is the suite's own: the spec's rules, figures, Redis."""

from __future__ import annotations

import functools
import re
import socket
from collections import Counter
from urllib.parse import urlsplit

from toolkit.paths import ROOT

SPEC = ROOT / "shared_spec" / "SPEC.md"
REDIS_URL = "redis://127.0.0.1:6379/15"  # Flask-Limiter's shared storage for live servers
# Figures the tests gather for the session's summary: fuzz examples per app, and the
# concurrency runs' counts per (app, backend).
FIGURES: dict = {"fuzz": Counter(), "concurrency": {}}
RULE_ID = re.compile(r"\*\*([A-Z]+-\d+)\*\*")
RULE_LINE = re.compile(r"^- \*\*([A-Z]+-\d+)\*\* (.*)$")


def spec_rules() -> list[str]:
    """Return the rule IDs SPEC.md defines, in the order it defines them."""
    seen: list[str] = []
    for rule in RULE_ID.findall(SPEC.read_text(encoding="utf-8")):
        if rule not in seen:
            seen.append(rule)
    return seen


@functools.cache
def spec_texts() -> dict[str, str]:
    """Return each rule's text as SPEC.md words it (its first line and the indented ones after)."""
    texts: dict[str, str] = {}
    rule = None
    for line in SPEC.read_text(encoding="utf-8").splitlines():
        if found := RULE_LINE.match(line):
            rule = found.group(1)
            texts[rule] = found.group(2).strip()
        elif rule and line.startswith("  ") and line.strip():
            texts[rule] += " " + line.strip()
        else:
            rule = None
    return texts


def without(env: dict[str, str], *names: str) -> dict[str, str]:
    """Return a copy of an environment without some variables."""
    return {key: value for key, value in env.items() if key not in names}


def redis_answers(url: str = REDIS_URL) -> bool:
    """Tell whether a Redis server answers PING at the URL's host and port."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False
