"""One server process under a crowd: 50, 200 and 500 connections, beside a 10-connection run
as the reference, on SQLite and (with --postgres) PostgreSQL.

    python bench/crowd.py [--duration 20] [--levels 50,200,500] [--store FILE]
                          [--postgres postgresql+psycopg://...]

Serves a seeded store (or a copy of ``--store``, e.g. one made by ``saidwho synth``) with rate
limits off, loads it with wrk over a mix of reads, and meanwhile probes ``/health`` every
100 ms and posts one article a second with a write key. Prints per level: requests/s and its
ratio to the 10-connection run, answers by status (wrk's socket errors too), p99, the longest
``/health`` answer, and the writes' statuses and longest answer. A server that sheds load
shows 503s and a steady ``/health``; one that queues shows timeouts and a stalled probe.

Needs wrk (Debian package wrk).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serving import served  # noqa: E402

PATHS = [
    "/v1/quotes", "/v1/quotes?speaker=blinken", "/v1/quotes?q=escalation",
    "/v1/quotes?q=%22direct%20escalation%22&sort=relevance", "/v1/quotes?outlet=cbs-news",
    "/v1/quotes?since=2024-05-01&until=2024-05-31&kind=direct", "/v1/quotes/3", "/v1/quotes/7",
    "/v1/speakers", "/v1/speakers/blinken", "/v1/outlets", "/v1/articles/1",
    "/v1/quotes/facets", "/v1/quotations", "/v1/quotes/5/history",
]  # fmt: skip

SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  statuses = {}
  paths = {%s}
  n = math.random(#paths)
end
function request()
  n = n %% #paths + 1
  return wrk.format("GET", paths[n])
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do total[k] = (total[k] or 0) + v end
  end
  for k, v in pairs(total) do io.write(string.format("status %%d %%d\\n", k, v)) end
  io.write(string.format("p99_us %%.0f\\n", latency:percentile(99)))
  io.write(string.format("socket_errors %%d\\n", summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


@dataclass
class Level:
    connections: int
    rps: float = 0.0
    p99_ms: float = 0.0
    statuses: Counter[str] = field(default_factory=Counter)
    health_max_ms: float = 0.0
    health_failed: int = 0
    writes: Counter[str] = field(default_factory=Counter)
    write_max_ms: float = 0.0


class Probes:
    """/health every 100 ms and a POST every second, timed, while wrk runs."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token
        self.stop = threading.Event()
        self.level = Level(0)
        self.posted = 0

    def run(self, level: Level) -> threading.Thread:
        self.stop.clear()
        self.level = level
        threads = [threading.Thread(target=self._health), threading.Thread(target=self._writes)]
        for thread in threads:
            thread.start()
        return threads  # type: ignore[return-value]

    def _health(self) -> None:
        with httpx.Client(base_url=self.base, timeout=10) as client:
            while not self.stop.is_set():
                started = time.perf_counter()
                try:
                    ok = client.get("/health").status_code == 200
                except httpx.HTTPError:
                    ok = False
                took = (time.perf_counter() - started) * 1000
                self.level.health_max_ms = max(self.level.health_max_ms, took)
                self.level.health_failed += not ok
                self.stop.wait(0.1)

    def _writes(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=self.base, timeout=30, headers=headers) as client:
            while not self.stop.is_set():
                self.posted += 1
                article = {
                    "title": f"Council minutes {self.posted}",
                    "publisher": "Bench Gazette",
                    "published_on": "2025-01-02",
                    "text": f'The council met for the {self.posted}th time. "We will decide '
                    f'item {self.posted} next week," chair Odile Brandt said.',
                }
                started = time.perf_counter()
                try:
                    status = str(client.post("/v1/articles", json=article).status_code)
                except httpx.HTTPError as error:
                    status = type(error).__name__
                took = (time.perf_counter() - started) * 1000
                self.level.writes[status] += 1
                self.level.write_max_ms = max(self.level.write_max_ms, took)
                self.stop.wait(1.0)


def wrk(base: str, connections: int, duration: int, script: Path) -> Level:
    level = Level(connections)
    run = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s",
         "-s", str(script), base],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    out = run.stdout
    if "p99_us" not in out:
        raise SystemExit(f"wrk failed:\n{out}\n{run.stderr}")
    level.rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    for status, count in re.findall(r"^status (\d+) (\d+)$", out, re.M):
        level.statuses[status] += int(count)
    level.p99_ms = float(re.search(r"^p99_us ([\d.]+)$", out, re.M).group(1)) / 1000  # type: ignore[union-attr]
    errors = int(re.search(r"^socket_errors (\d+)$", out, re.M).group(1))  # type: ignore[union-attr]
    if errors:
        level.statuses["socket error"] += errors
    return level


@contextmanager
def server(env: dict[str, str], folder: Path) -> Iterator[tuple[str, str]]:
    """``saidwho serve`` (one process) on the store ``env`` names, and a write key for it."""
    key = subprocess.run(
        [sys.executable, "-m", "app.cli", "keys", "create", "bench-writer"],
        env=env, capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout  # fmt: skip
    with served(env, folder / "server.log", "--no-access-log") as base:
        yield base, key.strip().splitlines()[-1]  # the key is alone on the last line


def measure(name: str, env: dict[str, str], folder: Path, levels: list[int], duration: int) -> None:
    script = folder / "mix.lua"
    script.write_text(SCRIPT % ", ".join(f'"{p}"' for p in PATHS))
    print(f"\n{name}: one server process, rate limits off, wrk {duration} s per level")
    print(
        f"{'connections':>11} {'requests/s':>10} {'× ref':>6} {'p99 ms':>8} "
        f"{'longest /health ms':>18} {'writes (longest ms)':>24}  answers"
    )
    with server(env, folder) as (base, token):
        probes = Probes(base, token)
        reference = 0.0
        for connections in [10, *levels]:
            level = Level(connections)
            threads = probes.run(level)
            measured = wrk(base, connections, duration, script)
            probes.stop.set()
            for thread in threads:  # type: ignore[attr-defined]
                thread.join()
            level.rps, level.p99_ms, level.statuses = (
                measured.rps,
                measured.p99_ms,
                measured.statuses,
            )
            reference = reference or level.rps
            answers = ", ".join(f"{k}: {v:,}" for k, v in sorted(level.statuses.items()))
            writes = ", ".join(f"{k}: {v}" for k, v in sorted(level.writes.items()))
            health = f"{level.health_max_ms:.0f}" + (
                f" ({level.health_failed} failed)" if level.health_failed else ""
            )
            print(
                f"{connections:>11} {level.rps:>10,.0f} {level.rps / reference:>6.2f} "
                f"{level.p99_ms:>8.0f} {health:>18} "
                f"{writes + f' ({level.write_max_ms:.0f})':>24}  {answers}"
            )
            time.sleep(2)  # let the crowd's sockets close before the next level


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per level")
    parser.add_argument("--levels", default="50,200,500")
    parser.add_argument("--store", type=Path, help="a SQLite store to copy (default: the seed)")
    parser.add_argument("--postgres", help="an empty PostgreSQL database to load as well")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("needs wrk (apt-get install wrk)")
    levels = [int(n) for n in args.levels.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="saidwho-crowd-"))
    quiet = {
        "SAIDWHO_RATE_LIMIT_PER_ADDRESS": "",
        "SAIDWHO_RATE_LIMIT_PER_KEY": "",
        "SAIDWHO_JSON_LOGS": "false",
    }
    sqlite = folder / "saidwho.db"
    if args.store:
        shutil.copy(args.store, sqlite)
    env = {**os.environ, **quiet, "SAIDWHO_DATABASE_URL": f"sqlite:///{sqlite}"}
    for step in ("migrate", "seed"):
        subprocess.run([sys.executable, "-m", "app.cli", step], env=env, check=True, cwd=ROOT,
                       capture_output=True)  # fmt: skip
    measure("SQLite", env, folder, levels, args.duration)
    if args.postgres:
        pg = {**os.environ, **quiet, "SAIDWHO_DATABASE_URL": args.postgres}
        for step in ("migrate", "seed"):
            subprocess.run([sys.executable, "-m", "app.cli", step], env=pg, check=True, cwd=ROOT,
                           capture_output=True)  # fmt: skip
        measure("PostgreSQL", pg, folder, levels, args.duration)


if __name__ == "__main__":
    main()
