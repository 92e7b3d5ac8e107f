"""Suggestions while someone types a search (``GET /v1/suggest``): the speakers and outlets
with a name whose words start with what was typed, and the phrases that stored quotes hold
starting with it ("direct esc" -> "direct escalation"; "strikes " -> "strikes inside").

Names are few (thousands), so they are matched by their keys directly. Phrases come from the
newest quotes that hold the typed words, found on the phrase index (``app.words``) as a
prefix search and read back: their completions, the commonest first. That search runs in a
short time box; a prefix of very common words that cannot be answered in it gives names only,
and says so (``phrases_complete``)."""

import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app.db import time_box
from app.models import Outlet, OutletAlias, Quote, Speaker, SpeakerAlias
from app.models.tables import core_table
from app.names import name_key
from app.queries.quotes import PG_MATCHES
from app.queries.search import ID_OF, SearchTerm, index_for, to_fts5, to_tsquery
from app.words import WORD

SPEAKER = core_table(Speaker)
OUTLET = core_table(Outlet)
SPEAKER_ALIASES = core_table(SpeakerAlias)
OUTLET_ALIASES = core_table(OutletAlias)
QUOTE = core_table(Quote)

# The newest quotes read for phrases, and how long finding them may take.
SAMPLE = 200
PHRASE_SECONDS = 0.010
# A single word is completed from quotes only once it has this many letters: a shorter
# prefix ("t") stands for too many words to be worth a suggestion.
SHORTEST_PREFIX = 3


@dataclass(frozen=True)
class Named:
    """A speaker or outlet offered: its id (what the ``speaker`` or ``outlet`` filter
    takes) and its name."""

    id: str
    name: str


@dataclass
class Suggested:
    speakers: list[Named] = field(default_factory=list)
    outlets: list[Named] = field(default_factory=list)
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


def suggest(session: Session, q: str, limit: int) -> Suggested:
    typed = read_typed(q)
    found = Suggested(
        speakers=_names(session, SPEAKER, SPEAKER_ALIASES, "speaker_id", q, limit),
        outlets=_names(session, OUTLET, OUTLET_ALIASES, "outlet_id", q, limit),
    )
    search = _phrase_search(typed)
    if search is not None:
        try:
            with time_box(session, PHRASE_SECONDS):
                texts = _newest_texts(session, search)
        except OperationalError:
            found.phrases_complete = False
        else:
            found.phrases = _completions(texts, typed, limit)
    return found


def _names(
    session: Session, owners: sa.Table, aliases: sa.Table, owner: str, q: str, limit: int
) -> list[Named]:
    """Owners with a name or alias that starts with ``q``, or has a word that does; those
    whose own name starts with it first, then the shorter names."""
    key = name_key(q)
    if not key:
        return []
    start = _escaped(key) + "%"
    matching = sa.select(aliases.c[owner]).where(
        sa.or_(
            aliases.c.key.like(start, escape="\\"),
            aliases.c.key.like("% " + start, escape="\\"),
            aliases.c.key.like("%-" + start, escape="\\"),
        )
    )
    own_start = sa.func.lower(owners.c.name).like(start, escape="\\")
    rows = session.execute(
        sa.select(owners.c.id, owners.c.name)
        .where(owners.c.id.in_(matching))
        .order_by(sa.case((own_start, 0), else_=1), sa.func.length(owners.c.name), owners.c.name)
        .limit(limit)
    )
    return [Named(id=str(row.id), name=str(row.name)) for row in rows]


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _phrase_search(typed: Typed) -> SearchTerm | None:
    """The search for quotes holding the typed words, the last as a prefix: after a space,
    any next word (an empty prefix)."""
    words = typed.words
    if not words:
        return None
    if not typed.partial:
        return SearchTerm(words=(*words, ""), prefix=True)
    if len(words) == 1 and len(words[0]) < SHORTEST_PREFIX:
        return None
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
    size = len(typed.words) + (0 if typed.partial else 1)
    for text in texts:
        words = [fold(word) for word in WORD.findall(text)]
        seen: set[str] = set()
        for at in range(len(words) - size + 1):
            window = words[at : at + size]
            if _continues(window, typed):
                seen.add(" ".join(window))
        counted.update(seen)
    return [phrase for phrase, _ in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))][:limit]


def _continues(window: list[str], typed: Typed) -> bool:
    whole = typed.words[:-1] if typed.partial else typed.words
    if window[: len(whole)] != list(whole):
        return False
    return not typed.partial or window[len(whole)].startswith(typed.words[-1])
