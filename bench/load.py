"""A small HTTP load generator for loopback: bounded request loops, no third-party tool.

Each request opens its own connection (gunicorn's sync workers close after every answer) and
reads the whole body, so a timing covers what a browser waits for."""

from __future__ import annotations

import http.client
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field


@dataclass
class Result:
    p50_ms: float
    p95_ms: float
    rps: float  # throughput at `connections` concurrent connections
    bytes: int
    errors: list[str] = field(default_factory=list)


def get(port: int, path: str, headers: dict[str, str]) -> tuple[int, float, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    began = time.perf_counter()
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", **headers})
        response = conn.getresponse()
        body = response.read()
        status = response.status
    finally:
        conn.close()
    return status, (time.perf_counter() - began) * 1000, body


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(
    port: int,
    path: str,
    headers: dict[str, str],
    *,
    samples: int,
    connections: int,
    per_connection: int,
    warmup: int,
) -> Result:
    errors: list[str] = []

    def one() -> tuple[float, int]:
        status, ms, body = get(port, path, headers)
        if status != 200:
            errors.append(f"{path}: HTTP {status}")
        return ms, len(body)

    # Warm every worker (templates, translations, connections) before timing anything.
    with ThreadPoolExecutor(max_workers=warmup) as pool:
        list(pool.map(lambda _i: one(), range(warmup)))
    single = [one() for _i in range(samples)]
    latencies = [ms for ms, _size in single]

    def loop(_i: int) -> None:
        for _j in range(per_connection):
            one()

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=connections) as pool:
        list(pool.map(loop, range(connections)))
    wall = time.perf_counter() - began
    return Result(
        p50_ms=statistics.median(latencies),
        p95_ms=percentile(latencies, 0.95),
        rps=connections * per_connection / wall,
        bytes=single[-1][1],
        errors=sorted(set(errors)),
    )
