"""The load generator: wrk when it is installed, else a small Python one (a lower ceiling).

Both send one request over and over from `connections` connections for a bounded time and
report requests per second, p50 and p99 latency, and the failed requests (connection errors,
timeouts, and answers other than 2xx/3xx).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field

import httpx

PYTHON_GENERATOR = "python threads + httpx (fallback: a lower ceiling than wrk; compare ratios)"
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "failed": %d, "p50_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass
class Request:
    name: str
    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""


def generator(force_python: bool = False) -> str:
    """Name the load generator this machine has: wrk and its version, or the fallback."""
    wrk = shutil.which("wrk")
    if wrk is None or force_python:
        return PYTHON_GENERATOR
    # wrk prints its version in the usage text (on stderr, with exit status 1).
    usage = subprocess.run([wrk, "--version"], capture_output=True, text=True, timeout=10)
    words = (usage.stdout + usage.stderr).split()
    return f"wrk {words[1]}" if len(words) > 1 and words[0] == "wrk" else "wrk"


def measure(base_url: str, request: Request, settings, seconds: float) -> dict:
    """Load one page for about `seconds`; return rps, p50_ms, p99_ms, requests and failed."""
    if settings.generator.startswith("wrk"):
        return measure_wrk(base_url, request, settings, seconds)
    return measure_python(base_url, request, settings, seconds)


def lua_script(request: Request) -> str:
    # JSON strings of ASCII text are valid Lua string literals.
    lines = [f"wrk.method = {json.dumps(request.method)}"]
    if request.body:
        lines.append(f"wrk.body = {json.dumps(request.body)}")
    lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in request.headers.items()]
    return "\n".join(lines) + WRK_REPORT


def measure_wrk(base_url: str, request: Request, settings, seconds: float) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(request))
    duration = max(1, math.ceil(seconds))  # wrk takes whole seconds
    command = [
        "wrk", "-t1", f"-c{settings.connections}", f"-d{duration}s", "--timeout", "10s",
        "-s", script.name, base_url + request.path,
    ]  # fmt: skip
    if settings.pin:
        command = ["taskset", "-c", "1", *command]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 30)
    finally:
        os.unlink(script.name)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no report:\n{done.stdout}\n{done.stderr}")
    report = json.loads(line.removeprefix("BENCH "))
    return {
        "rps": report["requests"] / (report["duration_us"] / 1e6),
        "p50_ms": report["p50_us"] / 1000,
        "p99_ms": report["p99_us"] / 1000,
        "requests": report["requests"],
        "failed": report["failed"],
    }


def measure_python(base_url: str, request: Request, settings, seconds: float) -> dict:
    """Send the request from one thread per connection until the time is up."""
    latencies: list[float] = []
    failed = [0]
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + seconds

    def client_loop():
        mine, bad = [], 0
        with httpx.Client(base_url=base_url, timeout=10) as client:
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                try:
                    answer = client.request(
                        request.method,
                        request.path,
                        headers=request.headers,
                        content=request.body or None,
                    )
                    ok = answer.status_code < 400
                except httpx.HTTPError:
                    ok = False
                mine.append(time.perf_counter() - began)
                bad += not ok
        with lock:
            latencies.extend(mine)
            failed[0] += bad

    threads = [threading.Thread(target=client_loop) for _ in range(settings.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    elapsed = time.perf_counter() - start
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": cuts[49] * 1000 if cuts else 0.0,
        "p99_ms": cuts[98] * 1000 if cuts else 0.0,
        "requests": len(latencies),
        "failed": failed[0],
    }
