"""Words with their offsets, over a sentence whose quotations are masked out so that rules
looking for cues and speakers never read inside quoted words."""

import re
from typing import NamedTuple

from app.extract.lexicon import ABBREVIATIONS
from app.extract.model import Span

MASK = "\u00a7"
# "al-Rishq", "bin-Salman": a name that opens with a lowercase particle.
_PARTICLE_NAME = re.compile(r"(?:al|el|ad|as|bin|ibn|abu|de|di|da|van|von|ul)-[A-Z]")
_TOKEN = re.compile(MASK + r"+|[$\w]+(?:[\u2019\u2018'\-.&/][\w]+)*\.?|[^\w\s]")
_MONTHS_AND_DAYS = frozenset(
    """January February March April May June July August September October November December
    Jan. Feb. Aug. Sept. Oct. Nov. Dec. Monday Tuesday Wednesday Thursday Friday Saturday
    Sunday""".split()
)


# A personal pronoun with its auxiliary run on: "He’s", "they're", "I’ve".
_CONTRACTION = re.compile(r"(he|she|they|we|i|you)(['\u2019](?:s|re|ve|m|d|ll))", re.I)


class Token(NamedTuple):
    """A word or mark; a tuple because sentences make many of them and rules only read them."""

    text: str
    start: int
    end: int
    lower: str = ""
    is_word: bool = False

    @classmethod
    def of(cls, text: str, start: int) -> "Token":
        first = text[0]
        return _new(
            cls, (text, start, start + len(text), text.lower(), first.isalnum() or first == "$")
        )

    @property
    def is_capitalized(self) -> bool:
        if self.text[0].isupper():
            return self.text not in _MONTHS_AND_DAYS
        return _PARTICLE_NAME.match(self.text) is not None

    @property
    def is_mask(self) -> bool:
        return self.text[0] == MASK


# Building a token by ``tuple.__new__`` skips the named tuple's Python-level constructor, which
# costs as much again: a sentence makes dozens of them.
_new = tuple.__new__


def masked(text: str, sentence: Span, quotes: list[Span]) -> str:
    """The sentence with every quotation (marks included) replaced by mask characters."""
    pieces, at = [], sentence.start
    for quote in sorted(quotes):
        start, end = max(quote.start, at), min(quote.end, sentence.end)
        if start >= end:
            continue
        pieces.append(text[at:start])
        pieces.append(MASK * (end - start))
        at = end
    pieces.append(text[at : sentence.end])
    return "".join(pieces)


def tokenize(masked_sentence: str, offset: int) -> list[Token]:
    tokens = []
    for match in _TOKEN.finditer(masked_sentence):
        word, start = match.group(0), match.start() + offset
        if len(word) > 1 and word.endswith(".") and not _keeps_period(word):
            tokens.append(Token.of(word[:-1], start))
            tokens.append(Token.of(".", start + len(word) - 1))
        elif ("'" in word or "\u2019" in word) and (contraction := _CONTRACTION.fullmatch(word)):
            # "He’s claiming": the pronoun, then its auxiliary as a word of its own.
            pronoun, clitic = contraction.group(1), contraction.group(2)
            tokens.append(Token.of(pronoun, start))
            at = start + len(pronoun)
            tokens.append(Token(clitic, at, at + len(clitic), clitic.lower(), True))
        else:  # Token.of, written out: this is the extractor's most frequent line
            first = word[0]
            is_word = first.isalnum() or first == "$"
            tokens.append(_new(Token, (word, start, start + len(word), word.lower(), is_word)))
    return tokens


def _keeps_period(word: str) -> bool:
    bare = word[:-1].lower()
    return bare in ABBREVIATIONS or bool(re.fullmatch(r"(?:\w\.)+\w", bare)) or len(bare) == 1
