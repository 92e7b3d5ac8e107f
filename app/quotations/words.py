"""Quoted words as the comparison sees them: the same after case, quote marks, punctuation,
whitespace, ellipses and bracketed insertions are set aside; numbers kept whole ("1,000" and
"1000" are one word, "1.5" stays "1.5")."""

import hashlib
import itertools
import re
import unicodedata
from dataclasses import dataclass

_APOSTROPHES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'"})
# A reporter's insertion, "[Ukraine]" or "[the missiles]": the speaker did not say it.
_BRACKETED = re.compile(r"\[[^\]]*\]")
# Where a reporter left words out.
_ELLIPSIS = re.compile(r"\.\s*\.\s*\.|\u2026")
# Letters and digits; inner apostrophes, points and commas joined ("don't", "u.s", "1.5").
_WORD = re.compile(r"[^\W_]+(?:['.,][^\W_]+)*")
_NUMBER_COMMAS = re.compile(r"(?<=\d),(?=\d{3}\b)")
# Contractions one report writes out and another does not: "haven't" and "have not" are the
# same words. ("'s" and "'d" stand for several words and are left alone.)
_CONTRACTIONS = {"won't": ("will", "not"), "can't": ("can", "not"), "cannot": ("can", "not"),
                 "shan't": ("shall", "not"), "ain't": ("is", "not")}  # fmt: skip
_SUFFIXES = (("n't", "not"), ("'ll", "will"), ("'re", "are"), ("'ve", "have"), ("'m", "am"))

# Words too common to say two quotes are alike; anchors are made of the others.
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in into
    is it it's its itself just let's me more most my myself no nor not now of off on once only
    or other our ours ourselves out over own same she should so some such than that that's the
    their theirs them themselves then there there's these they this those through to too under
    until up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves""".split()
)


@dataclass(frozen=True)
class Words:
    """A text's words, and the runs between the ellipses that the text marks."""

    words: tuple[str, ...]
    segments: tuple[tuple[str, ...], ...]

    def __len__(self) -> int:
        return len(self.words)

    @property
    def content(self) -> tuple[str, ...]:
        return tuple(w for w in self.words if w not in STOPWORDS)

    @property
    def telling(self) -> bool:
        """Whether some run holds two words that are not stopwords: enough to tie the text to
        one statement and to share an index key with it."""
        return any(len([w for w in s if w not in STOPWORDS]) >= 2 for s in self.segments)


def words_of(text: str) -> Words:
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()
    text = _BRACKETED.sub(" ", text)
    segments = []
    for part in _ELLIPSIS.split(text):
        found: list[str] = []
        for token in _WORD.findall(part):
            if "," in token:  # "1,000" is one number
                token = _NUMBER_COMMAS.sub("", token)
            found += (word for word in _expanded(token.strip("'")) if word)
        if found:
            segments.append(tuple(found))
    return Words(tuple(w for segment in segments for w in segment), tuple(segments))


def _expanded(token: str) -> tuple[str, ...]:
    if token in _CONTRACTIONS:
        return _CONTRACTIONS[token]
    if "'" not in token:  # every suffix below has one
        return (token,)
    for suffix, word in _SUFFIXES:
        if token.endswith(suffix) and len(token) > len(suffix):
            return (token[: -len(suffix)], word)
    return (token,)


def _hash(text: str) -> int:
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def anchors(words: Words) -> list[int]:
    """The index keys of a text: each pair of neighbouring words that are not stopwords, within
    one run (a stopword between them is skipped; an ellipsis is not). Two reports of the same
    words share most of them, a fragment with a telling run shares all of its own, and one
    changed word costs at most two. A text with no such pair is keyed by what it has."""
    keys = {
        _hash(f"{a} {b}")
        for segment in words.segments
        for a, b in itertools.pairwise(_content(segment))
    }
    if keys:
        return sorted(keys)
    if words.content:
        return sorted({_hash(f"1:{word}") for word in words.content})
    if words.words:
        return [_hash("0:" + " ".join(words.words))]
    return []


def query_anchors(words: Words) -> list[int]:
    """The keys to look a text up by: its own, and a short text's single words too, so that
    "never" asked finds "Never again"."""
    keys = set(anchors(words))
    content = words.content
    if len(content) <= 2:
        keys |= {_hash(f"1:{word}") for word in content}
    return sorted(keys)


def _content(segment: tuple[str, ...]) -> list[str]:
    return [w for w in segment if w not in STOPWORDS]


def has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)
