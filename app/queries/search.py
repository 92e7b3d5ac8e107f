"""The `q` syntax for clients: words, "a phrase", prefix*, and OR between two of them.
Anything else is read as plain words.

A plain word matches every form sharing its stem ("escalations" finds "escalation" and
"escalate"): the forms are spelt out here, from the word's Snowball stem and the English
endings, and kept only where the stemmer agrees they share it. The store's index stays one of
exact words, so a quoted phrase still matches exactly, and both stores search alike.

The client's text never reaches the store's search syntax: it is parsed here into terms and
rebuilt, every term quoted, so no input can be an operator, a column filter or a syntax error."""

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer

from app.models.phrase_index import ID_MASK, key_date, pair_key_sql, pair_tokens
from app.models.phrase_index import WORD as _WORD
from app.queries.totals import OLDEST_SET_ASIDE, extrapolated

# A phrase between straight or curly double quotes; then any run of non-space characters.
_TOKEN = re.compile(r'["\u201c\u201d]([^"\u201c\u201d]*)["\u201c\u201d]|(\S+)')


@dataclass(frozen=True)
class SearchTerm:
    """Consecutive words that must appear together; ``prefix`` lets the last one be a prefix.
    A plain word carries its ``forms`` (itself among them), any of which matches. A term with
    ``any_of`` is the OR of those terms."""

    words: tuple[str, ...]
    prefix: bool = False
    forms: tuple[str, ...] = ()
    any_of: tuple["SearchTerm", ...] = ()

    def options(self) -> tuple["SearchTerm", ...]:
        """The terms any one of which matches: this one, or those it ORs."""
        return self.any_of or (self,)


def parse_search(q: str) -> list[SearchTerm]:
    """Every term of ``q``; all of them must match, but ``a OR b`` matches either. Unpaired
    quote marks are ignored, as is an OR with nothing on one side."""
    terms: list[SearchTerm] = []
    joining = False
    for match in _TOKEN.finditer(q):
        phrase, bare = match.group(1), match.group(2)
        if phrase is None and bare == "OR":
            joining = bool(terms)
            continue
        if phrase is not None:
            term = _term(tuple(_WORD.findall(phrase)), prefix=False, plain=False)
        else:
            term = _term(tuple(_WORD.findall(bare)), prefix=bare.endswith("*"), plain=True)
        if term is None:
            continue
        if joining:
            term = SearchTerm(words=(), any_of=(*terms.pop().options(), term))
            joining = False
        terms.append(term)
    return terms


def _term(words: tuple[str, ...], *, prefix: bool, plain: bool) -> SearchTerm | None:
    if not words:
        return None
    if plain and not prefix and len(words) == 1:
        return SearchTerm(words=words, forms=word_forms(words[0]))
    return SearchTerm(words=words, prefix=prefix)


# The store's two indexes: every word with its positions, and every pair of adjacent words
# (``app.models.phrase_index``), named as on SQLite (FTS5 tables, with their fts5vocab views).
WORD_INDEX = "quote_fts"
PAIR_INDEX = "quote_pair_fts"
VOCABULARY = {WORD_INDEX: "quote_fts_vocab", PAIR_INDEX: "quote_pair_vocab"}
# The quote id an index lists: its rowid, or in the phrase index the low bits of its key.
ID_OF = {WORD_INDEX: "rowid", PAIR_INDEX: f"(rowid & {ID_MASK})"}
# The search on PostgreSQL as SQL text, for the direct paths: against the word column, or
# the phrase column, whose pair tokens are read as written. ``{mark}`` is the driver's mark.
PG_MATCH_SQL = {
    WORD_INDEX: "q.search @@ to_tsquery('simple', {mark})",
    PAIR_INDEX: "q.pairs @@ CAST({mark} AS tsquery)",
}
# An index's key for a quote row aliased ``{q}``: what ``rowid =`` checks one quote against.
KEY_OF = {WORD_INDEX: "{q}.id", PAIR_INDEX: pair_key_sql("{q}")}


def index_for(terms: list[SearchTerm]) -> tuple[str, list[SearchTerm]]:
    """The index that answers the search, and the search as that index reads it. When every
    term (each side of an OR too) is a phrase of two or more words, the phrase index does:
    "one of the" is the phrase of pairs one_of of_the there, which matches exactly the quotes
    the words match, where the word index would merge the words' long position lists. A word
    alone is not in the phrase index, so any search with one stays on the word index."""
    paired: list[SearchTerm] = []
    for term in terms:
        options: list[SearchTerm] = []
        for option in term.options():
            if option.forms or len(option.words) < 2:
                return WORD_INDEX, terms
            options.append(SearchTerm(words=pair_tokens(option.words), prefix=option.prefix))
        paired.append(SearchTerm(words=(), any_of=tuple(options)) if term.any_of else options[0])
    return PAIR_INDEX, paired


_STEMMER = snowballstemmer.stemmer("english")
# Endings English adds to a stem; a form is kept only if the stemmer takes it back to the
# same stem, so a wrong guess ("escalness") is never searched for.
# Most common first: past MAX_FORMS, the rarer are left out.
_ENDINGS = (
    "", "s", "es", "e", "ed", "ing", "ly", "er", "ers", "ion", "ions", "ation", "ations",
    "ate", "ates", "ated", "ating", "y", "ies", "ied", "al", "ally", "ment", "ments", "ness",
    "ity", "ities", "ive", "ian", "ians", "ic", "ical", "ist", "ists", "ism", "ize", "izes",
    "ized", "izing", "ise", "ises", "ised", "ising", "ance", "ence", "ant", "ants", "ent",
    "ents", "able", "ible", "ful", "ician",
)  # fmt: skip
MAX_FORMS = 32


@lru_cache(maxsize=8192)
def word_forms(word: str) -> tuple[str, ...]:
    """The word and its other forms that share its stem, lower case: "escalations" ->
    escalate, escalated, escalates, escalating, escalation, escalations. Words of digits, or
    shorter than three letters, stand alone."""
    word = word.lower()
    if len(word) < 3 or not word.isalpha():
        return (word,)
    stem = _STEMMER.stemWord(word)
    guesses = [word]
    if stem.endswith("i"):
        guesses += [stem[:-1] + ending for ending in ("y", "ies", "ied")]  # policy, policies
    if len(stem) >= 3 and stem[-1] not in "aeiouwxy" and stem[-2] in "aeiou":
        guesses += [stem + stem[-1] + ending for ending in ("ed", "ing", "er", "ers")]  # stopped
    guesses += [stem + ending for ending in _ENDINGS]
    same = [form for form in dict.fromkeys(guesses) if _STEMMER.stemWord(form) == stem]
    return tuple(same[:MAX_FORMS])


# Which of some words any quote holds, on PostgreSQL: one GIN probe each, in one statement.
PG_WORDS_HELD = (
    "SELECT word FROM unnest(%s::text[]) AS word WHERE EXISTS "
    "(SELECT 1 FROM quote WHERE search @@ to_tsquery('simple', quote_literal(word)))"
)


def other_forms(terms: list[SearchTerm]) -> list[str]:
    """Every form of the search's plain words but the words themselves: those to look up."""
    found: list[str] = []
    for term in terms:
        for option in term.options():
            found += option.forms[1:]
    return sorted(set(found))


def one_entry(tsquery: str) -> bool:
    """Whether a ``to_tsquery`` search is one index entry: one lexeme, no prefix, no operator
    (the planner's estimate of it is read off that entry's own statistics)."""
    return _ONE_ENTRY.fullmatch(tsquery) is not None


_ONE_ENTRY = re.compile(r"\('[^'\s]+'\)")


def to_tsquery(terms: list[SearchTerm], held: Collection[str] | None = None) -> str:
    """The same search for PostgreSQL's ``to_tsquery('simple', ...)``: a phrase's words
    follow each other (<->), a prefix ends in :*, forms and OR are |, terms are ANDed. Words
    hold only letters and digits (``_WORD``), so quoting them keeps them plain lexemes.
    With ``held`` (``PG_WORDS_HELD`` of ``other_forms``), forms no quote holds are left out:
    the planner counts each as a likely match, and past a few it reads the whole table."""
    return " & ".join(_ts_term(term, held) for term in terms)


def _ts_term(term: SearchTerm, held: Collection[str] | None) -> str:
    if term.any_of:
        return "(" + " | ".join(_ts_term(option, held) for option in term.any_of) + ")"
    if term.forms:
        forms = [f for n, f in enumerate(term.forms) if n == 0 or held is None or f in held]
        return "(" + " | ".join(f"'{form}'" for form in forms) + ")"
    words = [f"'{word.lower()}'" for word in term.words]
    if term.prefix:
        words[-1] += ":*"
    return "(" + " <-> ".join(words) + ")"


def to_fts5(terms: list[SearchTerm], documents: Callable[[str], int] | None = None) -> str:
    """An FTS5 MATCH expression: each term a quoted phrase (its forms ORed), ANDed together
    (FTS5 takes two phrases side by side as AND, but not a bracketed group: AND is spelt out).
    With ``documents`` (how many quotes hold a word), forms no quote holds are left out: they
    would match nothing, and each costs the index a lookup."""
    return " AND ".join(_fts5_term(term, documents) for term in terms)


def _fts5_term(term: SearchTerm, documents: Callable[[str], int] | None) -> str:
    if term.any_of:
        return "(" + " OR ".join(_fts5_term(option, documents) for option in term.any_of) + ")"
    if term.forms:
        forms = [
            form
            for index, form in enumerate(term.forms)
            if index == 0 or documents is None or documents(form) > 0
        ]
        if len(forms) > 1:
            return "(" + " OR ".join(f'"{form}"' for form in forms) + ")"
    phrase = '"' + " ".join(term.words) + '"'
    return phrase + " *" if term.prefix else phrase


# A search whose rarest word is in more than this share of quotes is "common": its matches are
# found by walking the date order and checking each quote, which stops after one page, instead
# of listing every match first, which is quick only for rare words.
COMMON_SHARE = 0.05
# ...and in more than this many: below it, listing every match is quick anyway.
COMMON_FLOOR = 5000


def search_total(
    rows: Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]],
    match: str,
    up_to: int,
    quotes: int,
    index: str = WORD_INDEX,
) -> tuple[int, bool]:
    """How many quotes an FTS5 search matches, and whether that is exact: counted up to
    ``up_to``; past it, estimated from how far into the store (FTS5 returns matches in id
    order) the match after ``up_to`` stands, so a phrase of common words ("in the") is not
    matched through a million quotes only to be counted. ``rows(sql, params)`` runs a query;
    ``quotes`` is the highest quote id. ``up_to`` 0 counts exactly. Both read paths use this,
    so they give the same estimate."""
    if up_to <= 0:
        found = rows(f"SELECT count(*) FROM {index} WHERE {index} MATCH ?", (match,))
        return int(found[0][0]), True
    if index == PAIR_INDEX:
        return _pair_total(rows, match, up_to)
    found = rows(
        f"SELECT count(*), max(rowid) FROM (SELECT rowid FROM {index} WHERE {index} MATCH ? "
        "LIMIT ?)",
        (match, up_to + 1),
    )
    counted, last = int(found[0][0]), found[0][1]
    if counted <= up_to:
        return counted, True
    return max(up_to + 1, round(counted * max(quotes, last) / last)), False


def _pair_total(
    rows: Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]], match: str, up_to: int
) -> tuple[int, bool]:
    """The phrase index lists a phrase's matches newest first (its keys order by date): the
    newest ``up_to`` are counted, and past them the total is estimated from their dates as a
    list's is (``totals.extrapolated``)."""
    found = rows(
        f"SELECT count(*), max(rowid), min(rowid) FROM (SELECT rowid FROM {PAIR_INDEX} "
        f"WHERE {PAIR_INDEX} MATCH ? ORDER BY rowid DESC LIMIT ?)",
        (match, up_to + 1),
    )
    counted, newest, back = int(found[0][0]), found[0][1], found[0][2]
    if counted <= up_to:
        return counted, True
    kept = rows(
        f"SELECT max(rowid) FROM (SELECT rowid FROM {PAIR_INDEX} WHERE {PAIR_INDEX} MATCH ? "
        f"ORDER BY rowid LIMIT {OLDEST_SET_ASIDE})",
        (match,),
    )[0][0]
    return extrapolated(counted, key_date(newest), key_date(back), key_date(kept)), False


def is_common(
    terms: list[SearchTerm],
    documents: Callable[[str], int],
    quotes: int,
    matches: Callable[[], int],
) -> bool:
    """Whether the search matches many quotes. ``documents(word)`` counts the quotes holding
    a word (cheap for rare words), ``matches()`` the quotes matching the whole search (read
    only when every word is common: a phrase of common words can still be rare), ``quotes``
    counts them all."""
    if not terms or quotes <= 0:
        return False
    many = max(COMMON_SHARE * quotes, COMMON_FLOOR)
    for term in terms:
        # At most the quotes holding any form of any option (fewer when they overlap).
        most = 0
        for option in term.options():
            words = option.words[:-1] if option.prefix else option.words
            if not words:
                return False  # a bare prefix: no count to plan by, so list its matches
            if option.forms:
                most += sum(documents(form) for form in option.forms)
            else:
                most += min(documents(word.lower()) for word in words)
        if most <= many:
            return False
    only = terms[0]
    if len(terms) == 1 and not only.any_of and len(only.forms) == 1:
        return True
    return matches() > many
