"""A fixed-rate read load held on a served, seeded store: the rate reached, p50, p99 and errors.

    python bench/load.py [--rate 500] [--seconds 60] [--connections 64]

Starts ``saidwho serve`` on a new seeded SQLite store, then sends the read mix below at a fixed
rate for the given time (an open loop: each request leaves at its own scheduled moment, whether
or not earlier ones have come back, and its latency is counted from that moment, so a stall
shows as latency instead of as a slower rate). The load generator runs on the same machine.
The server's rate limit per address is raised for the run (one client sends everything); the
limiter itself still runs on every request. The client is aiohttp, whose cost per request is
small enough to leave the server most of the machine (httpx's async client needed a whole
core for 300 requests a second here).

Needs the bench extra (`pip install -e ".[bench]"`).
"""

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serving import free_port  # noqa: E402

# (weight, path): quote pages and single quotes most, then the rest of the API and the page.
MIX = [
    (20, "/v1/quotes"), (10, "/v1/quotes?speaker=blinken"), (8, "/v1/quotes?q=escalation"),
    (5, '/v1/quotes?q="direct escalation"&sort=relevance'), (5, "/v1/quotes?outlet=cbs-news"),
    (5, "/v1/quotes?since=2024-05-01&until=2024-05-31&kind=direct"), (20, "/v1/quotes/{id}"),
    (5, "/v1/speakers"), (5, "/v1/speakers/blinken"), (3, "/v1/outlets"),
    (3, "/v1/articles/1"), (5, "/?speaker=Peskov"), (3, "/v1/quotes?format=csv&speaker=blinken"),
    (3, "/v1/quotes/{id}/history"),
]  # fmt: skip


async def run(base: str, rate: float, seconds: float, connections: int) -> None:
    rng = random.Random(1)
    weights, paths = zip(*MIX, strict=True)
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    connector = aiohttp.TCPConnector(limit=connections)
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(base, connector=connector, timeout=timeout) as client:

        async def one(path: str, due: float) -> None:
            try:
                async with client.get(path) as answer:
                    await answer.read()
                    outcomes[str(answer.status)] += 1
            except (aiohttp.ClientError, TimeoutError) as error:
                outcomes[type(error).__name__] += 1
            latencies.append(time.perf_counter() - due)

        tasks = []
        started = time.perf_counter()
        total = int(rate * seconds)
        for n in range(total):
            due = started + n / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            path = rng.choices(paths, weights)[0].replace("{id}", str(rng.randint(1, 16)))
            tasks.append(asyncio.create_task(one(path, due)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    errors = sum(count for outcome, count in outcomes.items() if not outcome.startswith("2"))
    print(f"asked for {rate:,.0f} requests/s for {seconds:.0f} s ({total:,} requests)")
    print(f"reached   {len(latencies) / elapsed:,.1f} requests/s")
    print(
        f"latency   p50 {statistics.median(ordered) * 1000:.2f} ms, "
        f"p99 {ordered[int(len(ordered) * 0.99) - 1] * 1000:.2f} ms, "
        f"max {ordered[-1] * 1000:.2f} ms"
    )
    print(f"answers   {dict(sorted(outcomes.items()))}")
    print(f"errors    {errors}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="saidwho-load-"))
    port = free_port()
    env = {
        **os.environ,
        "SAIDWHO_DATABASE_URL": f"sqlite:///{folder / 'saidwho.db'}",
        "SAIDWHO_RATE_LIMIT_PER_ADDRESS": "1000000/minute",
    }
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--no-access-log"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise SystemExit((folder / "server.log").read_text())
        asyncio.run(run(base, args.rate, args.seconds, args.connections))
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


if __name__ == "__main__":
    main()
