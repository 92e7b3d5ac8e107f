"""The shapes the API answers with. Tables never leave the store; these do."""

import datetime as dt
import re
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    Tag,
    computed_field,
)
from pydantic.json_schema import SkipJsonSchema

from app.models.tables import MAX_ROW_ID

SpeakerKind = Literal["person", "anonymous", "organization"]
QuoteKind = Literal["direct", "partial", "indirect"]
DatePrecision = Literal["day", "month", "year"]
QuoteOrigin = Literal["seed", "extracted", "manual"]

T = TypeVar("T")


def _iso_only(value: Any) -> Any:
    # Pydantic would also read 0 or 1717113600 as a date (seconds since 1970); a client that
    # sends a number meant something else.
    if not isinstance(value, dt.date) and not (
        isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-"
    ):
        raise ValueError("must be an ISO date, YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_only)]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain a NUL character")
    return value


def _no_control(value: str) -> str:
    """Stored text holds what every format the service writes can carry: no control character
    but tab and line ends, nothing XML forbids (an Atom feed, a page, a citation)."""
    _no_nul(value)
    found = NOT_TEXT.search(value)
    if found is not None:
        code = f"U+{ord(found.group()):04X}"
        raise ValueError(f"must not contain the control character {code} (at {found.start()})")
    return value


# What stored text may not hold: C0 controls but tab, line feed and carriage return, lone
# surrogates, and the two non-characters XML forbids.
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Text from a client: what the store keeps (PostgreSQL cannot store a NUL character, and an
# Atom feed cannot carry a control character), so neither store takes them.
Text = Annotated[str, AfterValidator(_no_control)]
# A saved page as posted: its markup may hold anything but NUL; the text read from it is
# cleaned before it is stored (``app.ingest.web_pages``).
Html = Annotated[str, AfterValidator(_no_nul)]
# The longest article text the store takes, in characters; no offset can be past it.
MAX_TEXT = 1_000_000


class Span(BaseModel):
    """Character offsets into the article text: ``text[start:end]``."""

    start: int = Field(examples=[1635])
    end: int = Field(examples=[1770])


class SpeakerRef(BaseModel):
    id: str = Field(examples=["antony-blinken"])
    name: str = Field(examples=["Antony Blinken"])
    kind: SpeakerKind
    role: str | None = Field(examples=["U.S. Secretary of State"])


class OutletRef(BaseModel):
    id: str = Field(examples=["cbs-news"])
    name: str = Field(examples=["CBS News"])


class ArticleRef(BaseModel):
    id: int = Field(examples=[1])
    title: str
    publisher: OutletRef
    published_on: dt.date | None = Field(
        examples=["2024-05-31"], description="Null when nobody knows when it was published."
    )


class QuotePublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 4,
                    "text": "Our policy with respect to prohibiting the use of [Army Tactical "
                    "Missile System] or long-range strikes inside of Russia has not changed",
                    "kind": "direct",
                    "speaker": {
                        "id": "unnamed-us-official",
                        "name": "unnamed U.S. official",
                        "kind": "anonymous",
                        "role": "U.S. official",
                    },
                    "outlet": {"id": "cbs-news", "name": "CBS News"},
                    "article": {
                        "id": 1,
                        "title": "U.S. lets Ukraine strike inside Russia with American weapons "
                        "to defend Kharkiv",
                        "publisher": {"id": "upi", "name": "UPI"},
                        "published_on": "2024-05-31",
                    },
                    "said_on": None,
                    "said_on_precision": None,
                    "date": "2024-05-31",
                    "cue": "the official told CBS News",
                    "span": {"start": 1635, "end": 1770},
                    "speaker_span": {"start": 1773, "end": 1785},
                    "continues": None,
                    "origin": "seed",
                    "basis": None,
                    "confidence": None,
                    "reviewed": True,
                    "quotation": 3,
                }
            ]
        }
    )

    id: int
    text: str = Field(description="The quoted words, without quote marks.")
    kind: QuoteKind
    speaker: SpeakerRef
    outlet: OutletRef | None = Field(
        description="The outlet the words were given to or first reported by, if the text says."
    )
    article: ArticleRef
    said_on: dt.date | None = Field(description="When the words were said, where the text says.")
    said_on_precision: DatePrecision | None
    date: dt.date = Field(
        description="said_on where known, else the article's published_on, else (an undated "
        "article) the day it was stored: what filters and sorting use."
    )
    cue: str | None = Field(description="The attribution words, e.g. 'Blinken said'.")
    span: Span = Field(description="Where the quoted words (or reported clause) stand.")
    speaker_span: Span | None = Field(
        description="Where the words naming the speaker stand; null where the text names nobody."
    )
    continues: int | None = Field(
        description="The quote in the paragraph before that this one carries on, if any."
    )
    origin: QuoteOrigin = Field(
        description="`seed` (curated by hand), `extracted` (found and attributed by the "
        "extractor) or `manual` (entered by a person with a key)."
    )
    basis: str | None = Field(
        description="For extracted quotes, the rule that found them, e.g. "
        "'direct, named person', 'indirect, pronoun'.",
        examples=["direct, named person"],
    )
    confidence: float | None = Field(
        ge=0,
        le=1,
        description="For extracted quotes, how often quotes found by this rule were right in "
        "every field on the team's evaluation set.",
    )
    reviewed: bool = Field(
        description="True once a person with a key confirmed or corrected the quote (the seed "
        "was curated by hand). An unreviewed extracted quote was attributed by a machine."
    )
    quotation: int | None = Field(
        description="The quotation this report belongs to: every report of the same words by "
        "the same speaker (`GET /v1/quotations/{id}`)."
    )


class SpeakerPublic(BaseModel):
    id: str = Field(examples=["antony-blinken"])
    name: str = Field(examples=["Antony Blinken"])
    kind: SpeakerKind
    role: str | None = Field(examples=["U.S. Secretary of State"])
    affiliation: str | None = Field(examples=["United States"])
    aliases: list[str] = Field(examples=[["Blinken", "Secretary of State Antony Blinken"]])
    quote_count: int


_SpeakerName = Annotated[Text, Field(min_length=1, max_length=300, pattern=r"\S")]


class SpeakerPatch(BaseModel):
    """Only the fields sent change; ``null`` clears ``role`` or ``affiliation``."""

    model_config = ConfigDict(extra="forbid")

    name: _SpeakerName | None = Field(default=None, examples=["David Cameron"])
    kind: SpeakerKind | None = None
    role: Annotated[Text, Field(max_length=300)] | None = Field(
        default=None, examples=["British Foreign Secretary"]
    )
    affiliation: Annotated[Text, Field(max_length=300)] | None = Field(
        default=None, examples=["United Kingdom"]
    )


class SpeakerMerge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    into: _SpeakerName = Field(
        description="The speaker that takes every quote and name: its id, or any name.",
        examples=["david-cameron"],
    )


class SpeakerSplit(BaseModel):
    """A new speaker made of some of a speaker's aliases, with the quotes of the articles
    those aliases were learnt from, and of any articles named."""

    model_config = ConfigDict(extra="forbid")

    name: _SpeakerName = Field(description="The new speaker's name.", examples=["James Cameron"])
    kind: SpeakerKind = "person"
    role: Annotated[Text, Field(max_length=300)] | None = Field(
        default=None, examples=["film director"]
    )
    aliases: list[_SpeakerName] = Field(min_length=1, max_length=100, examples=[["James Cameron"]])
    articles: list[Annotated[StrictInt, Field(ge=1, le=MAX_ROW_ID)]] = Field(
        default_factory=list,
        max_length=1000,
        description="Articles whose quotes by this speaker move to the new one, beside those "
        "the aliases were learnt from.",
    )


class SpeakerRevisionPublic(BaseModel):
    version: int
    action: Literal["update", "merge", "absorb", "split", "split_off", "revert"]
    at: dt.datetime
    by: str | None = Field(description="The name of the API key that made the change.")
    by_key: str | None = Field(
        default=None,
        description="The prefix of that key (`sw_<prefix>_…`): names can repeat, prefixes do not.",
    )
    changes: dict[str, Any] = Field(
        description="What changed: fields before and after, quotes and aliases moved, the "
        "speaker merged into or split off."
    )
    reverted: bool = Field(description="True once a later revert undid this change.")


class SpeakerHistory(BaseModel):
    speaker_id: str
    current: "SpeakerPublic | None" = Field(description="Null once merged into another.")
    revisions: list[SpeakerRevisionPublic]


class OutletPublic(BaseModel):
    id: str = Field(examples=["cbs-news"])
    name: str = Field(examples=["CBS News"])
    aliases: list[str] = Field(examples=[["CBS"]])
    quote_count: int


class ArticlePublic(BaseModel):
    id: int
    title: str
    publisher: OutletRef
    published_on: dt.date | None = Field(
        description="Null when nobody knows when it was published: nothing in it is dated "
        "from it, and its quotes sort and filter by the day it was stored."
    )
    url: str | None
    byline: str | None = Field(default=None, description="Who wrote it, when known.")
    language: str | None = Field(
        default=None,
        description="The language of the text (ISO 639-1), as detected. Only English text is "
        "attributed: an article in another language is stored with no quotes. Null when the "
        "text is too short to tell, or was stored before languages were detected.",
        examples=["en"],
    )
    quote_count: int

    @computed_field(  # type: ignore[prop-decorator]
        description="Why no quote was taken from it, when the service attributed nothing by "
        "design: a text not in English. Null otherwise."
    )
    @property
    def not_attributed(self) -> str | None:
        if self.language is None or self.language == "en":
            return None
        return (
            f"the text is in another language ({self.language}); quotations are attributed "
            "only in English text, so it is stored with no quotes"
        )


class ArticleDetail(ArticlePublic):
    text: str = Field(description="The full text; quote spans are offsets into it.")


class ArticleWithQuotes(ArticleDetail):
    quotes: list[QuotePublic] = Field(description="Every quote taken from it, in text order.")


class ArticleIn(BaseModel):
    """An article to store; its quotations are extracted and attributed on the way in."""

    model_config = ConfigDict(extra="forbid")

    title: Text = Field(
        min_length=1, max_length=500, pattern=r"\S", examples=["Ukraine may strike inside Russia"]
    )
    publisher: Text = Field(
        min_length=1,
        max_length=300,
        pattern=r"\S",
        description="The outlet that published it, by id or any name; a new name creates it.",
        examples=["upi"],
    )
    published_on: IsoDate | None = Field(
        default=None,
        examples=["2024-05-31"],
        description="When it was published. Leave it out when nobody knows: the article is "
        "stored undated, and no quote in it is dated from it ('on Wednesday' stays undated).",
    )
    url: AnyHttpUrl | None = Field(default=None, examples=["https://www.upi.com/"])
    byline: Text | None = Field(default=None, max_length=300, examples=["Jane Roe"])
    text: Text = Field(
        min_length=1,
        max_length=MAX_TEXT,
        pattern=r"\S",
        description="The article text, paragraphs separated by line breaks.",
    )


# Past this a saved page is refused: a news page's HTML is rarely over 2 MB.
MAX_HTML = 5_000_000


class PageIn(BaseModel):
    """A saved web page to store as an article: its main text, title, date, site, byline and
    canonical address are read from the HTML; a field given here overrides the page's own."""

    model_config = ConfigDict(extra="forbid")

    html: Html = Field(min_length=1, max_length=MAX_HTML, description="The page's HTML.")
    url: AnyHttpUrl | None = Field(default=None, examples=["https://www.upi.com/"])
    title: Text | None = Field(default=None, min_length=1, max_length=500, pattern=r"\S")
    publisher: Text | None = Field(default=None, min_length=1, max_length=300, pattern=r"\S")
    published_on: IsoDate | None = Field(default=None, examples=["2024-05-31"])
    byline: Text | None = Field(default=None, max_length=300)


# Tags of the two bodies POST /v1/articles takes; the error handler leaves them out of the
# name of a field at fault ("title", not "article-page.title").
BODY_TAGS = frozenset({"article-text", "article-page"})


def _article_body(value: Any) -> str:
    return "article-page" if isinstance(value, dict) and "html" in value else "article-text"


ArticlePost = Annotated[
    Annotated[ArticleIn, Tag("article-text")] | Annotated[PageIn, Tag("article-page")],
    Discriminator(_article_body),
]


class BatchLine(BaseModel):
    """What became of one line of a batch of articles."""

    line: int = Field(description="The line of the body, counted from 1 (blank lines too).")
    status: int = Field(
        description="As `POST /v1/articles` would answer it alone: 201 stored, 200 already "
        "stored, or the problem's status.",
        examples=[201],
    )
    id: int | None = Field(default=None, description="The article's id, stored or found.")
    quotes: int | None = Field(default=None, description="Quotes stored from it.")
    problem: dict[str, Any] | None = Field(
        default=None, description="Why it was not stored (RFC 9457), as the single post says it."
    )


class BatchAnswer(BaseModel):
    stored: int = Field(description="Articles stored now.")
    already_stored: int = Field(description="Articles whose text was stored before.")
    refused: int = Field(description="Lines that were not stored, each with its problem.")
    results: list[BatchLine] = Field(description="One outcome per article line, in order.")


class SpanIn(BaseModel):
    """Character offsets into the article text, ``text[start:end]``, start before end."""

    model_config = ConfigDict(extra="forbid")

    start: StrictInt = Field(ge=0, le=MAX_TEXT, examples=[1635])
    end: StrictInt = Field(ge=1, le=MAX_TEXT, examples=[1770])


class QuoteFields(BaseModel):
    """What a client may set on a quote. Server-owned fields (``id``, ``date``, the article of
    an existing quote) and unknown ones are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")

    speaker: Text | None = Field(
        default=None,
        min_length=1,
        max_length=300,
        pattern=r"\S",
        description="Who said it: a speaker id or any of its names.",
        examples=["antony-blinken"],
    )
    speaker_kind: SpeakerKind | None = Field(
        default=None,
        description="When `speaker` names nobody stored: create that speaker, of this kind.",
    )
    kind: QuoteKind | None = None
    span: SpanIn | None = Field(default=None, description="Where the quoted words stand.")
    text: Text | None = Field(
        default=None,
        min_length=1,
        max_length=100_000,
        description="The quoted words; without `span`, found in the article (once only).",
    )
    outlet: Text | None = Field(
        default=None,
        min_length=1,
        max_length=300,
        pattern=r"\S",
        description="The outlet the words were given to, by id or name; a new name creates it.",
        examples=["cbs-news"],
    )
    said_on: IsoDate | None = None
    said_on_precision: DatePrecision | None = None
    cue: Text | None = Field(default=None, max_length=500, examples=["Blinken said"])
    speaker_span: SpanIn | None = None
    continues: StrictInt | None = Field(default=None, ge=1, le=MAX_ROW_ID)
    reviewed: StrictBool | None = Field(
        default=None,
        description="`true` confirms the quote as it stands; any correction also marks it "
        "reviewed. `false` puts it back among the quotes a person has not checked.",
    )


class QuoteIn(QuoteFields):
    """A quote entered by hand, in an article already stored."""

    article: StrictInt = Field(ge=1, le=MAX_ROW_ID, description="The article's id.", examples=[1])
    speaker: Text = Field(min_length=1, max_length=300, pattern=r"\S", examples=["antony-blinken"])
    kind: QuoteKind


class QuotePatch(QuoteFields):
    """Only the fields sent change; ``null`` clears one that may be empty. A quote cannot be
    without its speaker, its kind or its reviewed flag: for those the schema has no null."""

    speaker: (
        Annotated[Text, StringConstraints(min_length=1, max_length=300, pattern=r"\S")]
        | SkipJsonSchema[None]
    ) = Field(
        default=None,
        description="Who said it: a speaker id or any of its names.",
        examples=["antony-blinken"],
    )
    kind: QuoteKind | SkipJsonSchema[None] = None
    reviewed: StrictBool | SkipJsonSchema[None] = Field(
        default=None,
        description="`true` confirms the quote as it stands; any correction also marks it "
        "reviewed. `false` puts it back among the quotes a person has not checked.",
    )
    quotation: Annotated[StrictInt, Field(ge=1, le=MAX_ROW_ID)] | None = Field(
        default=None,
        description="The quotation this report belongs to (one of the same speaker's), as a "
        "person judges it; `null` takes it out of its quotation into one of its own.",
    )


class FieldChange(BaseModel):
    before: Any = Field(description="The value before this revision; null when there was none.")
    after: Any = Field(description="The value after it; null once deleted.")


class QuoteRevisionPublic(BaseModel):
    version: int = Field(description="1 for the first change recorded, then 2, 3...")
    action: Literal["create", "update", "delete"]
    at: dt.datetime
    by: str | None = Field(description="The name of the API key that made the change.")
    by_key: str | None = Field(
        default=None,
        description="The prefix of that key (`sw_<prefix>_…`): names can repeat, prefixes do not.",
    )
    changes: dict[str, FieldChange]


class QuoteHistory(BaseModel):
    quote_id: int
    deleted: bool
    current: QuotePublic | None = Field(description="The quote as it stands; null once deleted.")
    revisions: list[QuoteRevisionPublic] = Field(
        description="Every change, oldest first. A quote found by extraction and never changed "
        "has none: its first correction holds the values extraction gave it."
    )


class QuotationPublic(BaseModel):
    """One quotation: the same words by the same speaker, however often reported."""

    id: int = Field(examples=[6])
    text: str = Field(description="The fullest report's words.")
    speaker: SpeakerRef
    date: dt.date = Field(
        description="The earliest date any report gives: said, where a report says, else "
        "published. Lists sort and `since`/`until` filter by it."
    )
    first_said: dt.date | None = Field(description="The earliest date a report says it was said.")
    first_reported: dt.date = Field(description="The earliest publication of a report.")
    reports: int = Field(description="How many stored quotes report these words.")
    publishers: int = Field(description="How many different publishers reported them.")


class QuotationReport(BaseModel):
    """One report of a quotation: a stored quote, with the words as that report gives them."""

    quote: int = Field(description="The quote's id (`GET /v1/quotes/{id}`).")
    text: str
    kind: QuoteKind
    article: ArticleRef
    outlet: OutletRef | None
    said_on: dt.date | None
    date: dt.date
    origin: QuoteOrigin
    reviewed: bool


class QuotationDetail(QuotationPublic):
    items: list[QuotationReport] = Field(description="Every report, oldest first.")


DiffKind = Literal["equal", "added", "dropped", "changed"]


class DiffStep(BaseModel):
    op: DiffKind = Field(
        description="`equal`: the same words; `added`: in the text checked, not in the stored "
        "words; `dropped`: stored words the text leaves out; `changed`: stored words the text "
        "gives differently."
    )
    words: str = Field(description="The checked text's words (empty for `dropped`).")
    stored: str = Field(description="The stored words (empty for `equal` and `added`).")


class CheckMatch(BaseModel):
    quotation: QuotationPublic
    verdict: Literal["exact", "close"] = Field(
        description="`exact`: the words, or an unbroken part of them (or parts, between "
        "ellipses), are stored as checked; `close`: stored with differences, in `diff`."
    )
    similarity: float = Field(ge=0, le=1, description="Share of words in common, 0 to 1.")
    fragment: bool = Field(description="The text checked is only part of the stored words.")
    same_speaker: bool | None = Field(
        description="Whether the stored speaker is the one asked about; null if none was."
    )
    diff: list[DiffStep] = Field(
        description="For `close`: word by word, from the stored words to the text checked."
    )


class CheckResult(BaseModel):
    text: str = Field(description="The text checked, as sent.")
    speaker: SpeakerRef | None = Field(description="The speaker asked about, if any.")
    verdict: Literal["exact", "close", "not_found"] = Field(
        description="The best verdict among quotations of the speaker asked about (of anyone, "
        "when none was asked)."
    )
    matches: list[CheckMatch] = Field(description="The closest stored quotations, best first.")
    said_by_others: list[SpeakerRef] = Field(
        description="Other speakers under whom these words, or close ones, are stored: a quote "
        "given to the wrong person is the commonest misquote."
    )


MAX_CHECK_TEXT = 5000


class CheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[Text, StringConstraints(min_length=1, max_length=MAX_CHECK_TEXT)] = Field(
        description=f"The words to check, at most {MAX_CHECK_TEXT} characters.",
        examples=["This is a direct escalation of tension"],
    )
    speaker: (
        Annotated[Text, StringConstraints(min_length=1, max_length=300, pattern=r"\S")] | None
    ) = Field(
        default=None,
        description="Who is said to have said them: a speaker id or any of its names.",
        examples=["peskov"],
    )


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )
    prev_cursor: str | None = Field(
        default=None,
        description="Pass as `cursor` for the page before this one; null on the first page.",
    )
    total: int = Field(description="How many items match, across all pages.")
    total_is_exact: bool = Field(
        default=True,
        description="False when `total` is an estimate: past `SAIDWHO_EXACT_TOTAL_UP_TO` "
        "matches (10,000 by default) on PostgreSQL, and for a search alone on SQLite, so "
        "that a large total costs no full count.",
    )


FacetName = Literal["speaker", "outlet", "publisher", "kind", "year", "month"]


class FacetValue(BaseModel):
    value: str = Field(
        description="The value: a speaker or outlet id or a kind, which the filter of that "
        "name takes as it is; a year (`2024`) or a month (`2024-05`), which `since` and "
        "`until` spanning it select.",
        examples=["antony-blinken"],
    )
    label: str = Field(description="As a reader would say it.", examples=["Antony Blinken"])
    count: int = Field(description="Quotes matching every filter with this value.")


class Facet(BaseModel):
    values: list[FacetValue] = Field(description="The values with most quotes, most first.")
    other: int = Field(description="Quotes of the values past `limit` (0 when all are listed).")
    exact: bool = Field(
        description="False when the matches were too many to count all of them: the counts "
        "are then those of the newest `counted` matches."
    )


class Facets(BaseModel):
    counted: int = Field(
        description="How many matching quotes the counts are taken from: all of them, or the "
        "newest `SAIDWHO_FACET_SCAN` (100,000 by default) when there are more."
    )
    exact: bool = Field(description="Whether every match was counted.")
    facets: dict[FacetName, Facet]


class SuggestedName(BaseModel):
    id: str = Field(description="What the `speaker` (or `outlet`) filter takes.")
    name: str


class Suggestions(BaseModel):
    q: str = Field(description="What was typed.")
    speakers: list[SuggestedName] = Field(
        description="Speakers with a name or alias whose words start with what was typed: "
        "those whose own name starts with it first, then the shorter names."
    )
    outlets: list[SuggestedName] = Field(description="Outlets, found the same way.")
    phrases: list[str] = Field(
        description="Phrases stored quotes hold that start with what was typed, its last word "
        "completed (after a space: with the next word), in lower case, the commonest among "
        'the newest quotes holding them first. Search one as `q="..."`.'
    )
    phrases_complete: bool = Field(
        description="False when the words typed are so common that their phrases were not "
        "found within the few milliseconds a suggestion may take: type on."
    )


class Health(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ready"]
    schema_revision: str = Field(description="The Alembic revision the store is at: the latest.")
    writes: Literal["accepted", "refused"] = Field(
        description="Whether writes are taken; reads are served either way."
    )
    writes_refused_because: str | None = Field(
        default=None, description="Why writes are refused: a read-only store, or the setting."
    )
