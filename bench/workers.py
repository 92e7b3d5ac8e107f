"""One server process against two, on the same store (see BENCH.md).

    python bench/workers.py --store PATH [--duration 10] [--rounds 3]

Serves a store made by ``saidwho synth`` with ``saidwho serve --workers 1``, then ``--workers
2``, and loads each with wrk on one quote by id and on the busiest speaker's first page,
alternating rounds. wrk runs on the same machine, so on two cores it competes with the
servers for the CPU: the ratio says what a second process buys here, not on a bigger machine.

Needs: wrk (Debian package wrk).
"""

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from speed import UNTHROTTLED, Load, free_port, server, wrk  # noqa: E402

BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=20)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="saidwho-workers-"))
    store = folder / "store.db"
    shutil.copy(args.store, store)
    with sqlite3.connect(store) as db:
        busiest = db.execute(
            "SELECT speaker_id FROM quote GROUP BY speaker_id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        middle = db.execute("SELECT max(id) / 2 FROM quote").fetchone()[0]
    paths = {"one quote by id": f"/v1/quotes/{middle}",
             "busiest speaker": f"/v1/quotes?speaker={busiest}"}  # fmt: skip
    env = {**os.environ, **UNTHROTTLED, "SAIDWHO_DATABASE_URL": f"sqlite:///{store}"}
    loads: dict[tuple[str, int], list[Load]] = {}
    for round_number in range(args.rounds):
        order = [1, 2] if round_number % 2 == 0 else [2, 1]
        for workers in order:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            command = [str(BIN / "saidwho"), "serve", "--port", str(port), "--workers",
                       str(workers), "--no-access-log"]  # fmt: skip
            with server(command, env, base + "/health", folder / f"w{workers}.log"):
                for name, path in paths.items():
                    wrk(base + path, 2, args.connections)  # every worker warmed
                    load = wrk(base + path, args.duration, args.connections)
                    loads.setdefault((name, workers), []).append(load)
    print(f"wrk -t1 -c{args.connections} -d{args.duration}s, {args.rounds} rounds alternating, "
          f"medians, {os.cpu_count()} cores\n")  # fmt: skip
    print("| query | 1 worker r/s | 2 workers r/s | ratio | errors |")
    print("|---|---|---|---|---|")
    for name in paths:
        one = statistics.median(r.rps for r in loads[(name, 1)])
        two = statistics.median(r.rps for r in loads[(name, 2)])
        errors = sum(r.errors for w in (1, 2) for r in loads[(name, w)])
        print(f"| {name} | {one:,.0f} | {two:,.0f} | {two / one:.2f}x | {errors} |")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
