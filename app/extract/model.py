"""What the extractor hands back: plain values, no database, so any caller (the API, the CLI,
the evaluation) can use them."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any, Literal

QuoteKind = Literal["direct", "partial", "indirect"]
SpeakerKind = Literal["person", "anonymous", "organization"]
Precision = Literal["day", "month", "year"]


class _Pickled:
    """Pickled as its class and its fields' values, in order: an ingest's readers hand every
    attribution to the writer process, and pickle's default (a dict per object, set after the
    object is made) cost the writer three times as long to load (0.45 against 0.16 ms an
    article of 38 quotes)."""

    def __reduce__(self) -> tuple[type[Any], tuple[Any, ...]]:
        cls: type[Any] = type(self)
        values = _GETTERS.get(cls)
        if values is None:  # every class here has two fields or more: the getter gives a tuple
            values = _GETTERS[cls] = attrgetter(*(each.name for each in fields(cls)))
        return cls, values(self)


# Each class's fields read in one call, in order.
_GETTERS: dict[type[Any], Callable[[Any], tuple[Any, ...]]] = {}


@dataclass(frozen=True, order=True)
class Span(_Pickled):
    """Character offsets into the article text, end exclusive."""

    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(eq=False)
class Speaker(_Pickled):
    """One speaker as the article refers to it; several mentions resolve to the same object."""

    name: str
    kind: SpeakerKind
    role: str | None = None
    mentions: list[str] = field(default_factory=list)
    gender: Literal["m", "f"] | None = None
    # "the foreign secretary" with no holder of that role earlier in the article: the store
    # may know who holds it among the article's people.
    role_reference: str | None = None
    # False for a bare capitalised name with no sign of being a person's ("Harlow said"):
    # stored as an organization, unless the store already knows a person by that name.
    kind_certain: bool = True


@dataclass(frozen=True)
class SaidOn(_Pickled):
    date: dt.date
    precision: Precision


@dataclass
class Quotation(_Pickled):
    """One stored quotation: for direct and partial quotes ``span`` covers exactly the quoted
    words; for indirect ones, the reported clause."""

    text: str
    kind: QuoteKind
    span: Span
    continues: "Quotation | None" = None
    # False for a paragraph that continues a quote with no cue of its own: the text names
    # nobody there.
    speaker_named: bool = True


@dataclass
class Attribution(_Pickled):
    """Who said what to whom: one act of speech, which may be quoted in several pieces (a quote
    split by its cue, a quote running over paragraphs, several fragments in one clause).

    ``content`` is the attributed content in the convention of attribution corpora: the quoted
    words for direct quotes, the whole reported clause (quoted fragments and lead-in) otherwise.
    """

    kind: QuoteKind
    quotations: list[Quotation]
    content: list[Span]
    speaker: Speaker | None
    speaker_span: Span | None
    cue: str | None
    cue_span: Span | None
    outlet: str | None = None
    # Whom the words were told to, when it is a proper name that is not known to be an outlet
    # ("told Variety", "told Frank Russo"): the store decides whether it names an outlet.
    audience: str | None = None
    said_on: SaidOn | None = None
    # The rule that found it, in a few words ("direct, named speaker").
    basis: str = ""
    # False for beliefs, intentions and findings ("X hopes to ...", "the poll found ..."):
    # attribution corpora count them, a quote store keeps only what was said or written.
    speech: bool = True
