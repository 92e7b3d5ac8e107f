"""Precision, recall, F1 and speaker accuracy of predicted attributions against gold ones.

Matching follows the common protocol for attribution corpora: content spans compared as sets
of characters (quote marks, spaces and edge punctuation ignored), Jaccard overlap at least a
threshold, one-to-one, greedy by overlap.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

IGNORED = frozenset(" \t\n\r\u00a0\"'\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb")
EDGE = frozenset(".,;:!?-\u2014\u2013\u2026()[]")

Spans = Sequence[tuple[int, int]]


@dataclass(frozen=True)
class Item:
    """One attribution to compare: its type, content, and who it names."""

    type: str
    content: frozenset[int]
    speaker_spans: tuple[tuple[int, int], ...] = ()
    speaker_names: tuple[str, ...] = ()


@dataclass
class Tally:
    predicted: int = 0
    gold: int = 0
    matched: int = 0
    speaker_right: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_right / self.matched if self.matched else 0.0


@dataclass
class Scores:
    tallies: dict[tuple[str, float], Tally] = field(default_factory=dict)

    def tally(self, subset: str, overlap: float) -> Tally:
        return self.tallies.setdefault((subset, overlap), Tally())


SUBSETS: dict[str, frozenset[str]] = {
    "direct": frozenset({"direct"}),
    "direct+mixed": frozenset({"direct", "mixed"}),
    "all": frozenset({"direct", "mixed", "indirect"}),
}
OVERLAPS = (0.3, 0.8)


def characters(text: str, spans: Spans) -> frozenset[int]:
    """The scored characters of some spans: each span trimmed of edge punctuation, then quote
    marks and spaces dropped."""
    kept: set[int] = set()
    for start, end in spans:
        while start < end and (text[start] in IGNORED or text[start] in EDGE):
            start += 1
        while end > start and (text[end - 1] in IGNORED or text[end - 1] in EDGE):
            end -= 1
        kept.update(i for i in range(start, end) if text[i] not in IGNORED)
    return frozenset(kept)


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def speaker_right(predicted: Item, gold: Item, text: str) -> bool:
    for start, end in predicted.speaker_spans:
        if any(start < g_end and g_start < end for g_start, g_end in gold.speaker_spans):
            return True
    gold_text = " ".join(text[s:e] for s, e in gold.speaker_spans).casefold().strip()
    if not gold_text:
        return False
    return any(
        name and (name.casefold() in gold_text or gold_text in name.casefold())
        for name in predicted.speaker_names
    )


def score_article(
    scores: Scores, text: str, predicted: Iterable[Item], gold: Iterable[Item]
) -> None:
    predicted, gold = list(predicted), list(gold)
    for subset, types in SUBSETS.items():
        mine = [p for p in predicted if p.type in types and p.content]
        theirs = [g for g in gold if g.type in types]
        for overlap in OVERLAPS:
            tally = scores.tally(subset, overlap)
            tally.predicted += len(mine)
            tally.gold += len(theirs)
            for p, g in match(mine, theirs, overlap):
                tally.matched += 1
                tally.speaker_right += speaker_right(p, g, text)


def match(predicted: list[Item], gold: list[Item], overlap: float) -> list[tuple[Item, Item]]:
    """One-to-one pairs with Jaccard overlap >= ``overlap``, greedy from the best."""
    candidates = sorted(
        (
            (jaccard(p.content, g.content), i, j)
            for i, p in enumerate(predicted)
            for j, g in enumerate(gold)
            if not p.content.isdisjoint(g.content)
        ),
        reverse=True,
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for value, i, j in candidates:
        if value < overlap:
            break
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((predicted[i], gold[j]))
    return pairs
