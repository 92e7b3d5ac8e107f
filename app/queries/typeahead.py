"""Suggestions while someone types a search (``GET /v1/suggest``): the speakers and outlets
with a name whose words start with what was typed, and the phrases that stored quotes hold
starting with it ("direct esc" -> "direct escalation"; "strikes " -> "strikes inside").

Names are few (thousands), so they are matched by their keys directly. Phrases start once a
word is complete: they come from the newest quotes that hold the typed words, found on the
phrase index (``app.models.phrase_index``) as a prefix search ("direct_esc*", "strikes_*")
and read back, their completions the commonest first. A prefix search costs the index a
merge of every word pair it covers, which nothing can stop half-way on SQLite: after a word in
thousands of quotes ("the ") it is not tried, and on PostgreSQL a short time box stops it.
Either way the answer gives names only and says so (``phrases_complete``)."""

import bisect
import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import orjson
import sqlalchemy as sa
from cachetools import LRUCache
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app.db import time_box
from app.models import Quote
from app.models.phrase_index import WORD
from app.models.tables import core_table
from app.names import name_key
from app.queries.quotes import PG_MATCHES
from app.queries.search import ID_OF, SearchTerm, index_for, to_fts5, to_tsquery
from app.queries.store_version import store_version
from app.queries.suggest import OUTLET, OUTLET_ALIASES, SPEAKER, SPEAKER_ALIASES, Suggestion

QUOTE = core_table(Quote)

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


def suggestions_json(engine: Engine, q: str, limit: int) -> bytes:
    """The answer of ``GET /v1/suggest`` as the route serializes it (``Suggestions``), for
    the direct read path: a search box asks at every key, and the framework's own layers
    cost more than the suggestions."""
    with Session(engine) as session:
        return orjson.dumps(answer(q, suggest(session, q, limit)))


def answer(q: str, found: Suggested) -> dict[str, Any]:
    """What was found, in the fields of ``GET /v1/suggest``'s answer (``Suggestions``)."""
    return {
        "q": q,
        "speakers": [{"id": n.id, "name": n.name} for n in found.speakers],
        "outlets": [{"id": n.id, "name": n.name} for n in found.outlets],
        "phrases": found.phrases,
        "phrases_complete": found.phrases_complete,
    }


def suggest(session: Session, q: str, limit: int) -> Suggested:
    typed = read_typed(q)
    version = store_version(session)  # asked once: four index probes
    found = Suggested(
        speakers=_names(session, version, SPEAKER, SPEAKER_ALIASES, "speaker_id", q, limit),
        outlets=_names(session, version, OUTLET, OUTLET_ALIASES, "outlet_id", q, limit),
    )
    search = _phrase_search(typed)
    if search is None:
        return found
    if _too_common(session, typed):
        found.phrases_complete = False
        return found
    try:
        with time_box(session, PHRASE_SECONDS):
            texts = _newest_texts(session, search)
    except OperationalError:
        found.phrases_complete = False
    else:
        found.phrases = _completions(texts, typed, limit)
    return found


def _too_common(session: Session, typed: Typed) -> bool:
    """Whether the prefix search would merge the pairs of a word in thousands of quotes (on
    SQLite; PostgreSQL's time box stops such a search itself)."""
    if session.get_bind().dialect.name == "postgresql":
        return False
    words, partial = typed.words, typed.partial
    if partial and len(words[-1]) >= SHORTEST_AFTER_COMMON:
        return False  # the pairs it covers start with that word and these letters: few
    before = words[-2] if partial else words[-1]
    # The word's matches read off its own entry, no merge: a few hundred microseconds.
    row = session.execute(
        sa.text("SELECT rowid FROM quote_fts WHERE quote_fts MATCH :word LIMIT 1 OFFSET :many"),
        {"word": f'"{before}"', "many": COMMON_WORD},
    ).first()
    return row is not None


def _names(
    session: Session,
    version: tuple[Any, ...],
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
    index = _name_index(session, version, owners, aliases, owner)
    found: dict[str, tuple[bool, int, str]] = {}
    at = bisect.bisect_left(index, (key,))
    while at < len(index) and index[at][0].startswith(key):
        _, owner_id, name, own_key = index[at]
        rank = (not own_key.startswith(key), len(name), name)
        if owner_id not in found or rank < found[owner_id]:
            found[owner_id] = rank
        at += 1
    best = sorted(found.items(), key=lambda item: item[1])[:limit]
    return [Suggestion(id=owner_id, name=rank[2]) for owner_id, rank in best]


# Every word start of every name and alias (with the owner, its name and the name's own
# key), sorted: a prefix is a bisection away. Built once per store version (names change
# with writes), a few tens of ms for tens of thousands.
_Entry = tuple[str, str, str, str]
_NAME_INDEXES: LRUCache[tuple[Any, ...], list[_Entry]] = LRUCache(maxsize=8)
_names_lock = threading.Lock()


def _name_index(
    session: Session, store: tuple[Any, ...], owners: sa.Table, aliases: sa.Table, owner: str
) -> list[_Entry]:
    version = (owners.name, *store)
    with _names_lock:
        known = _NAME_INDEXES.get(version)
    if known is not None:
        return known
    rows = session.execute(
        sa.select(aliases.c.key, owners.c.id, owners.c.name).join(
            owners, owners.c.id == aliases.c[owner]
        )
    )
    entries: list[_Entry] = []
    for alias, owner_id, name in rows:
        own_key = name_key(str(name))
        for start in _WORD_STARTS.finditer(alias):
            entries.append((alias[start.start() :], str(owner_id), str(name), own_key))
    entries.sort()
    with _names_lock:
        _NAME_INDEXES[version] = entries
    return entries


# Where a word of a name key starts: its beginning, and after a space or a hyphen.
_WORD_STARTS = re.compile(r"(?:^|(?<=[ -]))\S")


def _phrase_search(typed: Typed) -> SearchTerm | None:
    """The search for quotes holding the typed words, the last as a prefix: after a space,
    any next word (an empty prefix)."""
    words = typed.words
    if not words or (typed.partial and len(words) == 1):
        return None  # a word alone is completed by names only
    if not typed.partial:
        return SearchTerm(words=(*words, ""), prefix=True)
    return SearchTerm(words=words, prefix=True)


def _newest_texts(session: Session, term: SearchTerm) -> list[str]:
    index, terms = index_for([term])
    if session.get_bind().dialect.name == "postgresql":
        statement = (
            sa.select(QUOTE.c.text)
            .where(PG_MATCHES[index])
            .order_by(QUOTE.c.id.desc())
            .limit(SAMPLE)
        )
        return list(session.execute(statement, {"match": to_tsquery(terms)}).scalars())
    newest = sa.text(
        f"SELECT q.text FROM quote q WHERE q.id IN (SELECT {ID_OF[index]} FROM {index} "
        f"WHERE {index} MATCH :match ORDER BY rowid DESC LIMIT :sample)"
    )
    rows = session.execute(newest, {"match": to_fts5(terms), "sample": SAMPLE})
    return [str(text) for text in rows.scalars()]


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
