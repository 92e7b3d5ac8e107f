"""The phrase index answers every phrase exactly as the word index does, on both stores, and
stays in step with every write: a quote added, its words corrected, a quote deleted."""

import random

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session

from app.articles.store import add_article
from app.db import session_scope
from app.models import Quote
from app.models.phrase_index import WORD
from app.queries.quotes import PG_MATCHES, listing
from app.queries.search import (
    PAIR_INDEX,
    WORD_INDEX,
    SearchTerm,
    index_for,
    parse_search,
    to_fts5,
    to_tsquery,
)
from app.quotes.store import add_quote

# A small vocabulary, so that phrases repeat, overlap and run across sentences.
VOCABULARY = (
    "the of and to a in that it was said we they not will be strikes inside russia officials "
    "direct escalation weapons kharkiv border talks ceasefire"
).split()
# Text the store must split into words as FTS5 does: accents, hyphens, digits, apostrophes,
# curly quotes, a stray quote mark, case, and punctuation between two words.
AWKWARD = [
    "Café society met the São Paulo delegation; the café closed.",
    "A U.S.-supplied system, the officials said, is 'not' a direct escalation.",
    "It's the 2024 plan: no F-16s, no ATACMS — said Kuleba's office.",
    "“We will not,” he said. THE OF THE; the-of-the!",
    'He said "strikes inside Russia" were off; strikes. Inside Russia, they were on.',
    "Naïve NAIVE naive: was was was was.",
]


def _sentences(rng: random.Random, count: int) -> list[str]:
    made = []
    for _ in range(count):
        words = rng.choices(VOCABULARY, k=rng.randint(1, 14))
        made.append(" ".join(words).capitalize() + rng.choice([".", ",", "!", "?", ";"]))
    return made


def _store_quotes(engine: Engine, sentences: list[str]) -> list[int]:
    """One article holding every sentence, one quote for each."""
    text = " ".join(sentences)
    with session_scope(engine) as session:
        article = add_article(
            session=session, title="Phrases", publisher_id="upi", published_on=None, text=text
        )
        ids, at = [], 0
        for sentence in sentences:
            start = text.index(sentence, at)
            at = start + len(sentence)
            quote = add_quote(
                session=session, article=article, speaker_id="antony-blinken",
                kind="direct", span=(start, at),
            )  # fmt: skip
            assert quote.id is not None
            ids.append(quote.id)
        return ids


_NO_QUOTES = str.maketrans("", "", '"\u201c\u201d')


def _phrases(rng: random.Random, sentences: list[str]) -> list[str]:
    """Windows of two to five words of stored quotes, with their case changed, phrases of
    random words (mostly matching nothing), prefixes, and two phrases side by side or ORed."""
    found: list[str] = []
    for sentence in sentences:
        words = [w for w in sentence.translate(_NO_QUOTES).split() if WORD.search(w)]
        if len(words) < 2:
            continue
        size = rng.randint(2, min(5, len(words)))
        at = rng.randrange(len(words) - size + 1)
        found.append(" ".join(words[at : at + size]).upper() if rng.random() < 0.1 else
                     " ".join(words[at : at + size]))  # fmt: skip
    for _ in range(60):
        found.append(" ".join(rng.choices(VOCABULARY, k=rng.randint(2, 4))))
    quoted = [f'"{phrase}"' for phrase in found]
    # A prefix: words joined into one bare token, the last one cut short ("of-the-peo*").
    for phrase in found[:40]:
        words = phrase.split()
        quoted.append("-".join([*words[:-1], words[-1][: max(1, len(words[-1]) - 2)]]) + "*")
    quoted += [f"{a} {b}" for a, b in zip(quoted[:30], quoted[30:60], strict=True)]
    quoted += [f"{a} OR {b}" for a, b in zip(quoted[60:90], quoted[90:120], strict=True)]
    return quoted


def _matched(session: Session, index: str, terms: list[SearchTerm]) -> set[int]:
    """The quotes the store's own condition for ``index`` finds, as every read path uses it."""
    if session.get_bind().dialect.name == "postgresql":
        condition, match = PG_MATCHES[index], to_tsquery(terms)
    else:
        condition, match = Quote.id.in_(listing(index)), to_fts5(terms)  # type: ignore[union-attr]
    rows = session.execute(sa.select(Quote.id).where(condition), {"match": match})
    return {int(row[0]) for row in rows}


def _check_every_phrase(engine: Engine, phrases: list[str]) -> int:
    """Each phrase matched by the phrase index and by the word index; the number matched."""
    matched = 0
    with session_scope(engine) as session:
        for q in phrases:
            words = parse_search(q)
            index, paired = index_for(words)
            assert index == PAIR_INDEX, q
            expected = _matched(session, WORD_INDEX, words)
            assert _matched(session, PAIR_INDEX, paired) == expected, q
            matched += bool(expected)
    return matched


def test_every_phrase_matches_the_same_quotes_on_both_indexes(seeded: Engine) -> None:
    rng = random.Random(2024)
    sentences = _sentences(rng, 400) + AWKWARD
    _store_quotes(seeded, sentences)
    phrases = _phrases(rng, sentences)
    phrases += ['"café society"', '"cafe SOCIETY"', '"u s supplied"', '"f 16s"', '"it s"',
                '"the of the"', '"was was was"', '"naive naive"', '"said is"', '"strikes inside"',
                '"russia were"', '"off strikes inside russia"']  # fmt: skip
    matched = _check_every_phrase(seeded, phrases)
    assert matched > len(phrases) / 3  # the check is not vacuous: many phrases match


def test_the_phrase_index_follows_edits_and_deletions(seeded: Engine) -> None:
    rng = random.Random(7)
    sentences = _sentences(rng, 120)
    ids = _store_quotes(seeded, sentences)
    with session_scope(seeded) as session:
        for quote_id in ids[:40]:
            quote = session.get(Quote, quote_id)
            assert quote is not None
            if quote_id % 2:
                session.delete(quote)
            else:  # new words, as a correction of the quote's span makes
                quote.text = " ".join(rng.choices(VOCABULARY, k=6))
    _check_every_phrase(seeded, _phrases(rng, sentences))
    with session_scope(seeded) as session:
        gone = _matched(session, PAIR_INDEX, index_for(parse_search(f'"{sentences[1]}"'))[1])
        assert ids[1] not in gone


@pytest.mark.parametrize(
    ("q", "index"),
    [
        ('"direct escalation"', PAIR_INDEX),
        ('"one of the" "in order to"', PAIR_INDEX),
        ("one-of-th*", PAIR_INDEX),
        ('"strikes inside" OR "direct escalation"', PAIR_INDEX),
        ("escalation", WORD_INDEX),  # a word alone is not in the phrase index
        ('"direct escalation" russia', WORD_INDEX),
        ('"strikes inside" OR russia', WORD_INDEX),
        ("escal*", WORD_INDEX),
        ('"escal*"', WORD_INDEX),
    ],
)
def test_only_searches_made_of_phrases_go_to_the_phrase_index(q: str, index: str) -> None:
    assert index_for(parse_search(q))[0] == index


def test_a_phrase_becomes_the_phrase_of_its_word_pairs() -> None:
    _, terms = index_for(parse_search("One-of-THE-people*"))
    assert to_fts5(terms) == '"One_of of_THE THE_people" *'
    assert to_tsquery(terms) == "('one_of' <-> 'of_the' <-> 'the_people':*)"
