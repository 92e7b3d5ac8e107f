"""How two reports of quoted words relate: the same words, one a fragment of the other, a few
words apart, or different words. Grouping and the quote check both decide here, so a report the
check calls exact is one grouping would have joined."""

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from app.quotations.words import STOPWORDS, Words, has_digit

# A fragment shorter than this says too little to tie it to one quotation ("the United
# States"); the check still finds it.
MIN_FRAGMENT_WORDS = 4
# Reports this long or longer may differ by a few words (one in six, three at most).
MIN_NEAR_WORDS = 8
# Words whose change turns a quote into its opposite: never a "few words" apart.
_NEGATIONS = frozenset("not no never nor none nothing nobody neither".split())
# Two spellings of one word ("defense", "defence"): this alike, letter by letter.
_SPELLING = 0.8
# The check calls a stored quotation close from this share of words in common.
CLOSE_RATIO = 0.6
CLOSE_MIN_WORDS = 3

OpKind = Literal["equal", "added", "dropped", "changed"]
Verdict = Literal["exact", "close", "not_found"]


@dataclass(frozen=True)
class Op:
    """One step of a word-level diff from the stored words to the words asked about."""

    op: OpKind
    words: tuple[str, ...]  # the words asked about (equal, added, changed)
    stored: tuple[str, ...] = ()  # the stored words (dropped, changed)


@dataclass(frozen=True)
class Comparison:
    verdict: Verdict
    similarity: float
    fragment: bool  # the words asked about are part of the stored ones, not all of them
    ops: tuple[Op, ...]


def contains(longer: Words, shorter: Words) -> bool:
    """Each run of ``shorter`` (between its ellipses) stands whole in ``longer``, in order,
    and what it leaves out just before or between its runs holds no "not": "I want to stay" is
    not a part of "I do not want to stay"."""
    at = 0
    haystack = longer.words
    for segment in shorter.segments:
        found = _find(haystack, segment, at)
        if found < 0:
            return False
        skipped = haystack[max(at, found - 2) if at == 0 else at : found]
        if any(w in _NEGATIONS for w in skipped):
            return False
        at = found + len(segment)
    return bool(shorter.segments)


def _find(haystack: tuple[str, ...], needle: tuple[str, ...], start: int) -> int:
    n = len(needle)
    first = needle[0]
    for i in range(start, len(haystack) - n + 1):
        if haystack[i] == first and haystack[i : i + n] == needle:
            return i
    return -1


def _window(stored: tuple[str, ...], asked: tuple[str, ...]) -> tuple[int, int, int]:
    """(start, end, matched): the stretch of the stored words the asked words line up with,
    grown from the longest common run; lone words matched far away do not stretch it."""
    blocks = [b for b in SequenceMatcher(None, stored, asked, autojunk=False).get_matching_blocks()
              if b.size]  # fmt: skip
    if not blocks:
        return 0, 0, 0
    core = max(range(len(blocks)), key=lambda k: (blocks[k].size, -k))
    slack = max(3, len(asked) // 5)
    lo = hi = core
    while lo > 0:
        left, here = blocks[lo - 1], blocks[lo]
        if here.a - (left.a + left.size) > here.b - (left.b + left.size) + slack:
            break
        lo -= 1
    while hi < len(blocks) - 1:
        here, right = blocks[hi], blocks[hi + 1]
        if right.a - (here.a + here.size) > right.b - (here.b + here.size) + slack:
            break
        hi += 1
    first, last = blocks[lo], blocks[hi]
    start = max(0, first.a - first.b)
    end = min(len(stored), last.a + last.size + (len(asked) - last.b - last.size))
    return start, end, sum(b.size for b in blocks[lo : hi + 1])


def diff(stored: tuple[str, ...], asked: tuple[str, ...]) -> tuple[Op, ...]:
    ops: list[Op] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, stored, asked, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(Op("equal", asked[j1:j2]))
        elif tag == "insert":
            ops.append(Op("added", asked[j1:j2]))
        elif tag == "delete":
            ops.append(Op("dropped", (), stored[i1:i2]))
        else:
            ops.append(Op("changed", asked[j1:j2], stored[i1:i2]))
    return tuple(ops)


def compare(asked: Words, stored: Words) -> Comparison:
    """The check's verdict on words someone sent against one stored quotation."""
    if not asked.words or not stored.words:
        return Comparison("not_found", 0.0, False, ())
    if contains(stored, asked):
        fragment = asked.words != stored.words
        return Comparison("exact", 1.0, fragment, (Op("equal", asked.words),))
    start, end, matched = _window(stored.words, asked.words)
    window = stored.words[start:end]
    ratio = SequenceMatcher(None, window, asked.words, autojunk=False).ratio() if window else 0.0
    if ratio < CLOSE_RATIO or matched < min(CLOSE_MIN_WORDS, len(asked.words)):
        return Comparison("not_found", round(ratio, 3), False, ())
    fragment = end - start < len(stored.words)
    return Comparison("close", round(ratio, 3), fragment, diff(window, asked.words))


def same_quotation(new: Words, old: Words) -> float | None:
    """How surely two reports by one speaker are one quotation, or None: the same words (3),
    one a fragment of the other (2..3), or a few words apart with no number or negation among
    them (1..2)."""
    if not new.words or not old.words:
        return None
    if new.words == old.words:
        return 3.0
    short, long = (new, old) if len(new) <= len(old) else (old, new)
    # Words with no run of two that are not stopwords ("there are no talks", "we will ...
    # win") could belong to many statements: only the same words join them.
    if not short.telling:
        return None
    if len(short) >= MIN_FRAGMENT_WORDS and contains(long, short):
        return 2.0 + len(short) / len(long)
    if len(short) < MIN_NEAR_WORDS:
        return None
    start, end, matched = _window(long.words, short.words)
    allowed = min(3, max(1, len(short) // 6))
    if matched < len(short) - allowed:
        return None
    changed = 0
    elided = len(short.segments) > 1
    for op in diff(long.words[start:end], short.words):
        if op.op == "equal":
            continue
        if any(has_digit(w) or w in _NEGATIONS for w in (*op.words, *op.stored)):
            return None
        if op.op == "dropped" and elided:
            continue
        if op.op == "changed" and not _interchangeable(op.words, op.stored):
            return None
        changed += max(len(op.words), len(op.stored))
    if changed > allowed:
        return None
    return 1.0 + matched / max(len(short), end - start)


def _interchangeable(ours: tuple[str, ...], theirs: tuple[str, ...]) -> bool:
    """Words one report gives for another's that leave the statement as it was: small words
    ("will" for "would", "the" for "a") or another spelling. Any other word changed ("this
    year" for "next year") may be another statement."""
    if len(ours) != len(theirs):
        return all(w in STOPWORDS for w in (*ours, *theirs))
    for a, b in zip(ours, theirs, strict=True):
        if a in STOPWORDS and b in STOPWORDS:
            continue
        if a[0] != b[0] or SequenceMatcher(None, a, b).ratio() < _SPELLING:
            return False
    return True
