"""Suggestions while someone types a search (``GET /v1/suggest``): the speakers and outlets
with a name whose words start with what was typed, and the phrases that stored quotes hold
starting with it ("direct esc" -> "direct escalation"; "strikes " -> "strikes inside").

Names are few (thousands), so they are matched by their keys directly. Phrases start once a
word is complete: they come from the newest quotes that hold the typed words, read back, their
completions the commonest first. After a space the words are searched as they stand (one
entry of an index, read from its newest end); a word being typed is a prefix search on the
phrase index (``app.models.phrase_index``: "direct esc" is "direct_esc*"). A prefix search
costs the index a merge of every word pair it covers, which nothing can stop half-way on
SQLite: after a word in thousands of quotes ("the b") it is not tried until the word has three
letters, and a short time box stops it on either store. Then the answer gives names only and
says so (``phrases_complete``)."""

import bisect
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import sqlalchemy as sa
from cachetools import LRUCache
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app.db import time_box
from app.models.phrase_index import WORD
from app.names import name_key
from app.queries.search import ID_OF, PG_MATCH_SQL, SearchTerm, index_for, to_fts5, to_tsquery
from app.queries.store_version import store_version
from app.queries.suggest import OUTLET, OUTLET_ALIASES, SPEAKER, SPEAKER_ALIASES, Suggestion

# The newest quotes read for phrases, and how long finding them may take.
SAMPLE = 100
PHRASE_SECONDS = 0.010
# A word in at least this many quotes is too common to complete a phrase after ("the ") or
# after it with a letter or two more ("the e"): merging the pairs it starts took 2.5 ms on
# average (9 ms at most) for words in 2,000-5,000 of a million quotes, 21 ms (69) for those
# in 20,000-50,000.
COMMON_WORD = 5000
# A word being typed after a common one is completed once it has this many letters.
SHORTEST_AFTER_COMMON = 3


@dataclass
class Suggested:
    speakers: list[Suggestion] = field(default_factory=list)
    outlets: list[Suggestion] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    phrases_complete: bool = True


@dataclass(frozen=True)
class Typed:
    """What was typed, as words: lower case, accents folded as the indexes fold them; the
    last one ``partial`` when it is still being typed (no space after it yet)."""

    words: tuple[str, ...]
    partial: bool


def read_typed(q: str) -> Typed:
    words = tuple(fold(word) for word in WORD.findall(q))
    partial = bool(words) and bool(WORD.fullmatch(q[-1]))
    return Typed(words, partial)


def fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class Source(Protocol):
    """What suggestions are read through: a session on either store (``SessionSource``, the
    route's), or the direct paths' own connections (``fast``, ``fast_pg``), which spare each
    of a suggestion's few statements the session's transaction, time box and layers. SQL is
    text with ``:name`` marks, which each turns into its driver's."""

    @property
    def postgres(self) -> bool: ...

    def version(self) -> Hashable:
        """A value that changes whenever the store's names may have."""
        ...

    def rows(self, sql: str, params: dict[str, Any]) -> Sequence[Sequence[Any]]: ...

    def within(
        self, seconds: float, sql: str, params: dict[str, Any]
    ) -> Sequence[Sequence[Any]] | None:
        """The statement's rows, or ``None`` when it was stopped ``seconds`` from now."""
        ...


class SessionSource:
    """Suggestions read through a session (the route's)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.postgres = session.get_bind().dialect.name == "postgresql"

    def version(self) -> Hashable:
        return store_version(self.session)  # four index probes

    def rows(self, sql: str, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        return self.session.execute(sa.text(sql), params).all()

    def within(
        self, seconds: float, sql: str, params: dict[str, Any]
    ) -> Sequence[Sequence[Any]] | None:
        try:
            with time_box(self.session, seconds):
                return self.session.execute(sa.text(sql), params).all()
        except OperationalError:
            return None


def answer(q: str, found: Suggested) -> dict[str, Any]:
    """What was found, in the fields of ``GET /v1/suggest``'s answer (``Suggestions``)."""
    return {
        "q": q,
        "speakers": [{"id": n.id, "name": n.name} for n in found.speakers],
        "outlets": [{"id": n.id, "name": n.name} for n in found.outlets],
        "phrases": found.phrases,
        "phrases_complete": found.phrases_complete,
    }


def suggest(source: Source, q: str, limit: int) -> Suggested:
    typed = read_typed(q)
    version = source.version()  # asked once
    found = Suggested(
        speakers=_names(source, version, SPEAKER, SPEAKER_ALIASES, "speaker_id", q, limit),
        outlets=_names(source, version, OUTLET, OUTLET_ALIASES, "outlet_id", q, limit),
    )
    search = _phrase_search(typed)
    if search is None:
        return found
    if _too_common(source, typed):
        found.phrases_complete = False
        return found
    texts = _newest_texts(source, search)
    if texts is None:
        found.phrases_complete = False
    else:
        found.phrases = _completions(texts, typed, limit)
    return found


# A quote past the first ``many`` that hold ``word``, if there is one (SQLite).
_COMMON = "SELECT rowid FROM quote_fts WHERE quote_fts MATCH :word LIMIT 1 OFFSET :many"


def _too_common(source: Source, typed: Typed) -> bool:
    """Whether the prefix search would merge the pairs of a word in thousands of quotes (on
    SQLite; PostgreSQL's time box stops such a search itself)."""
    words, partial = typed.words, typed.partial
    if source.postgres or not partial:
        return False  # an exact search after a space reads one index entry (``_phrase_search``)
    if len(words[-1]) >= SHORTEST_AFTER_COMMON:
        return False  # the pairs it covers start with that word and these letters: few
    before = words[-2]
    # The word's matches read off its own entry, no merge: a few hundred microseconds.
    return bool(source.rows(_COMMON, {"word": f'"{before}"', "many": COMMON_WORD}))


def _names(
    source: Source,
    version: Hashable,
    owners: sa.Table,
    aliases: sa.Table,
    owner: str,
    q: str,
    limit: int,
) -> list[Suggestion]:
    """Owners with a name or alias that starts with ``q``, or has a word that does; those
    whose own name starts with it first, then the shorter names."""
    key = name_key(q)
    if not key:
        return []
    index = _name_index(source, version, owners, aliases, owner)
    if len(key) > SHORT_KEY:
        best = _best(index.entries, key, limit)
    else:
        # A letter or two starts thousands of names (5 ms for "s" among 5,000 speakers): their
        # best are worked out once for the index, as part of it.
        kept = index.short.get(key)
        if kept is None:
            kept = index.short[key] = _best(index.entries, key, MOST_SUGGESTED)
        best = kept
    return [Suggestion(id=owner_id, name=rank[2]) for owner_id, rank in best[:limit]]


_Rank = tuple[bool, int, str]
# Keys this short have their best names kept with the index.
SHORT_KEY = 2
# The most of each kind an answer may hold (``limit``'s bound on ``GET /v1/suggest``).
MOST_SUGGESTED = 10


def _best(entries: list["_Entry"], key: str, most: int) -> list[tuple[str, _Rank]]:
    """The ``most`` owners with a name word starting with ``key``, best first."""
    found: dict[str, _Rank] = {}
    at = bisect.bisect_left(entries, (key,))
    while at < len(entries) and entries[at][0].startswith(key):
        _, owner_id, name, own_key = entries[at]
        rank = (not own_key.startswith(key), len(name), name)
        if owner_id not in found or rank < found[owner_id]:
            found[owner_id] = rank
        at += 1
    return sorted(found.items(), key=lambda item: item[1])[:most]


# Every word start of every name and alias (with the owner, its name and the name's own
# key), sorted: a prefix is a bisection away. Built once per store version (names change
# with writes), a few tens of ms for tens of thousands.
_Entry = tuple[str, str, str, str]


@dataclass
class _NameIndex:
    entries: list[_Entry]
    # The best names for each key of up to ``SHORT_KEY`` letters asked so far.
    short: dict[str, list[tuple[str, _Rank]]] = field(default_factory=dict)


_NAME_INDEXES: LRUCache[tuple[str, Hashable], _NameIndex] = LRUCache(maxsize=8)
_names_lock = threading.Lock()


def _name_index(
    source: Source, store: Hashable, owners: sa.Table, aliases: sa.Table, owner: str
) -> _NameIndex:
    version = (owners.name, store)
    with _names_lock:
        known = _NAME_INDEXES.get(version)
    if known is not None:
        return known
    rows = source.rows(
        f"SELECT a.key, o.id, o.name FROM {aliases.name} a "
        f"JOIN {owners.name} o ON o.id = a.{owner}",
        {},
    )
    entries: list[_Entry] = []
    for alias, owner_id, name in rows:
        own_key = name_key(str(name))
        for start in _WORD_STARTS.finditer(alias):
            entries.append((alias[start.start() :], str(owner_id), str(name), own_key))
    entries.sort()
    built = _NameIndex(entries)
    with _names_lock:
        _NAME_INDEXES[version] = built
    return built


# Where a word of a name key starts: its beginning, and after a space or a hyphen.
_WORD_STARTS = re.compile(r"(?:^|(?<=[ -]))\S")


def _phrase_search(typed: Typed) -> SearchTerm | None:
    """The search for quotes holding the typed words, the last as a prefix: after a space,
    any next word (an empty prefix)."""
    words = typed.words
    if not words or (typed.partial and len(words) == 1):
        return None  # a word alone is completed by names only
    if not typed.partial:
        # The words as they stand: the next one is read off each quote found. An exact search
        # is one entry of an index read from its newest end, however common the words; a
        # prefix search of any next word would merge every pair the last word starts.
        return SearchTerm(words=words)
    return SearchTerm(words=words, prefix=True)


def _newest_texts(source: Source, term: SearchTerm) -> list[str] | None:
    """The texts of the newest quotes that hold the search, or ``None`` when finding them
    took longer than ``PHRASE_SECONDS``."""
    index, terms = index_for([term])
    if source.postgres:
        match = PG_MATCH_SQL[index].format(mark=":match")
        newest = f"SELECT q.text FROM quote q WHERE {match} ORDER BY q.id DESC LIMIT :sample"
        params = {"match": to_tsquery(terms), "sample": SAMPLE}
    else:
        newest = (
            f"SELECT q.text FROM quote q WHERE q.id IN (SELECT {ID_OF[index]} FROM {index} "
            f"WHERE {index} MATCH :match ORDER BY rowid DESC LIMIT :sample)"
        )
        params = {"match": to_fts5(terms), "sample": SAMPLE}
    rows = source.within(PHRASE_SECONDS, newest, params)
    return None if rows is None else [str(row[0]) for row in rows]


def _completions(texts: list[str], typed: Typed, limit: int) -> list[str]:
    """The typed words completed in each text (with the next word, after a space), counted
    once a text; the commonest first."""
    counted: Counter[str] = Counter()
    whole = list(typed.words[:-1] if typed.partial else typed.words)  # never empty here
    size = len(typed.words) + (0 if typed.partial else 1)
    first, last = whole[0], typed.words[-1]
    for text in texts:
        words = WORD.findall(text.casefold() if text.isascii() else fold(text))
        seen: set[str] = set()
        # Only where the first typed word stands can a completion start.
        for at in [at for at, word in enumerate(words[: len(words) - size + 1]) if word == first]:
            window = words[at : at + size]
            if window[: len(whole)] == whole and (not typed.partial or window[-1].startswith(last)):
                seen.add(" ".join(window))
        counted.update(seen)
    return [phrase for phrase, _ in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))][:limit]
