"""One very large article against a live server, and what another writer sees meanwhile.

    python bench/big_article.py [--paragraphs 16000]

Builds an article of that many short quoted paragraphs (16,000 make about 1 MB, the body
limit), starts ``saidwho serve`` on a new seeded SQLite store with the article bounds raised
so it is taken, and posts it while a second client posts a one-line quote every 50 ms. Prints
the big post's time, and the second writer's median and longest answer time during the big
post next to the same writer alone, in the same run: the longest is the time the big write
held the lock. Then the same article against the default bounds: how fast it is refused.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import seeded_store_with_key  # noqa: E402
from tests.serving import free_port  # noqa: E402

QUOTE = {"article": 1, "speaker": "blinken", "kind": "partial", "text": "Moldova"}


def article(paragraphs: int) -> dict[str, str]:
    text = "\n".join(
        f"“We will build {n} new homes,” Mayor Ann Reyes said." for n in range(paragraphs)
    )
    return {"title": "Housing", "publisher": "Test Gazette", "published_on": "2024-06-03",
            "text": text}  # fmt: skip


def small_writes(base: str, headers: dict[str, str], stop: threading.Event) -> list[float]:
    times: list[float] = []
    with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
        while not stop.is_set():
            started = time.perf_counter()
            answer = client.post("/v1/quotes", json=QUOTE)
            times.append(time.perf_counter() - started)
            assert answer.status_code == 201, answer.text
            stop.wait(0.05)
    return times


def serve(folder: Path, **settings: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "SAIDWHO_DATABASE_URL": f"sqlite:///{folder / 'saidwho.db'}",
           "SAIDWHO_RATE_LIMIT_PER_ADDRESS": "", "SAIDWHO_RATE_LIMIT_PER_KEY": "",
           **{f"SAIDWHO_{k.upper()}": v for k, v in settings.items()}}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("the server did not come up")


def during(
    base: str, headers: dict[str, str], work: float | None, body: dict[str, str]
) -> tuple[float, list[float]]:
    stop = threading.Event()
    seen: list[float] = []
    writer = threading.Thread(target=lambda: seen.extend(small_writes(base, headers, stop)))
    writer.start()
    started = time.perf_counter()
    if work is None:
        with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
            answer = client.post("/v1/articles", json=body)
        assert answer.status_code in (201, 413), answer.text
    else:
        time.sleep(work)
    took = time.perf_counter() - started
    stop.set()
    writer.join()
    return took, seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paragraphs", type=int, default=16000)
    args = parser.parse_args()
    body = article(args.paragraphs)
    size = len(body["text"].encode())
    with tempfile.TemporaryDirectory(prefix="saidwho-big-") as folder:
        _, token = seeded_store_with_key(Path(folder), "bench")
        headers = {"Authorization": f"Bearer {token}"}
        raised = {"max_paragraphs": "100000", "max_quotes_per_article": "100000",
                  "write_budget_ms": "600000", "max_body_bytes": str(2 * size)}  # fmt: skip
        process, base = serve(Path(folder), **raised)
        try:
            took, busy = during(base, headers, None, body)
            _, alone = during(base, headers, took, body)
        finally:
            process.terminate()
            process.wait(timeout=10)
        process, base = serve(Path(folder), max_body_bytes=str(2 * size))
        try:
            started = time.perf_counter()
            refused = httpx.post(f"{base}/v1/articles", json=body, headers=headers, timeout=600)
            refused_in = time.perf_counter() - started
        finally:
            process.terminate()
            process.wait(timeout=10)
    print(f"article: {args.paragraphs:,} paragraphs, {size / 1e6:.2f} MB")
    print(f"stored with raised bounds in {took:.1f} s")
    print(f"{'another writer':<28}{'median ms':>10}{'longest ms':>12}{'writes':>8}")
    for label, times in (("alone", alone), ("during the big write", busy)):
        print(f"{label:<28}{statistics.median(times) * 1000:>10.1f}"
              f"{max(times) * 1000:>12.1f}{len(times):>8}")  # fmt: skip
    print(f"longest wait, during / alone: {max(busy) / max(alone):.1f}x")
    print(f"with the default bounds: {refused.status_code} in {refused_in * 1000:.0f} ms")


if __name__ == "__main__":
    main()
