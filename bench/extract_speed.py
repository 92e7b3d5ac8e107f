"""How fast the extractor reads: articles of 5,000 characters per second on one core.

    python bench/extract_speed.py [--corpus FILE.jsonl] [--articles N] [--rounds R]

Without a corpus the articles are built from the seed article's paragraphs, shuffled and
repeated to 5,000 characters each. With one (any file in the ``saidwho eval`` format), its
texts are used as they are and the rate is normalized to 5,000-character articles.

Per BENCH.md, the figure is printed beside a reference measured in the same run on the same
texts: a bare regular-expression pass that finds "..., X said" quotes and nothing else, the
floor any extractor pays to read the text. The last line is the rate against the target.
"""

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.extract import extract  # noqa: E402

ARTICLE_CHARS = 5_000
TARGET = 200.0
_REFERENCE = re.compile(
    r"“([^”]+)”\s*,?\s*(?:said|says)\s+([A-Z]\w+(?:\s+[A-Z]\w+)*)|"
    r"“([^”]+),”\s+([A-Z]\w+(?:\s+[A-Z]\w+)*)\s+(?:said|says)"
)


def seed_articles(count: int) -> list[str]:
    text = (ROOT / "seed" / "upi-2024-05-31-kharkiv.txt").read_text(encoding="utf-8")
    paragraphs = [p for p in text.splitlines() if p.strip()]
    rng = random.Random(7)
    articles = []
    for _ in range(count):
        chosen: list[str] = []
        while sum(len(p) + 1 for p in chosen) < ARTICLE_CHARS:
            chosen.extend(rng.sample(paragraphs, len(paragraphs)))
        articles.append("\n".join(chosen)[:ARTICLE_CHARS])
    return articles


def corpus_articles(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()]


def reference(text: str) -> int:
    return sum(1 for _ in _REFERENCE.finditer(text))


def saidwho(text: str) -> int:
    return len(extract(text, None))


def rate(run: Callable[[str], int], texts: list[str], rounds: int) -> float:
    """Median over rounds of 5,000-character articles read per second."""
    chars = sum(len(t) for t in texts)
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            run(text)
        rates.append(chars / ARTICLE_CHARS / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="annotated articles (.jsonl) to read")
    parser.add_argument("--articles", type=int, default=400, help="seed-built articles")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    texts = corpus_articles(args.corpus) if args.corpus else seed_articles(args.articles)
    source = str(args.corpus) if args.corpus else f"{len(texts)} seed-built articles"
    for text in texts[:20]:
        saidwho(text)  # warm up
    ours = rate(saidwho, texts, args.rounds)
    floor = rate(reference, texts, args.rounds)
    print(f"texts: {source}, {sum(len(t) for t in texts):,} characters, one core")
    print(f"{'reader':<34}{'articles/s':>12}{'ratio':>9}")
    print(f"{'regex reference (said-quotes only)':<34}{floor:>12,.0f}{1:>9.2f}")
    print(f"{'saidwho extractor':<34}{ours:>12,.0f}{ours / floor:>9.3f}")
    verdict = "meets" if ours >= TARGET else "misses"
    print(
        f"saidwho reads {ours:,.0f} articles of 5,000 characters/s: {ours / TARGET:.1f}x the "
        f"target of {TARGET:.0f}/s ({verdict} it)"
    )


if __name__ == "__main__":
    main()
