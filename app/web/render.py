"""Turning query results into what the templates show: highlighted words, and an article's
text with the quoted words marked."""

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from app.models.public import QuotePublic
from app.queries.search import parse_search


def highlight(text: str, q: str | None) -> Markup:
    """``text`` escaped, with every match of the search terms in ``<mark>``."""
    if not q:
        return escape(text)
    patterns = []
    for term in parse_search(q):
        for option in term.options():
            if option.forms:
                forms = "|".join(re.escape(form) for form in option.forms)
                patterns.append(r"(?<!\w)(?:" + forms + r")(?!\w)")
                continue
            words = [re.escape(w) for w in option.words]
            ending = r"\w*" if option.prefix else r"(?!\w)"
            patterns.append(r"(?<!\w)" + r"\W+".join(words) + ending)
    if not patterns:
        return escape(text)
    found = re.compile("|".join(patterns), re.IGNORECASE)
    pieces: list[str] = []
    at = 0
    for match in found.finditer(text):
        pieces.append(escape(text[at : match.start()]))
        pieces.append(Markup("<mark>") + escape(match.group(0)) + Markup("</mark>"))
        at = match.end()
    pieces.append(escape(text[at:]))
    return Markup("").join(pieces)


@dataclass(frozen=True)
class Passage:
    """One paragraph of an article, as markup with the quote and its cue marked."""

    html: Markup
    holds_quote: bool


def passages(text: str, quote: QuotePublic, *, anchor: bool = True) -> list[Passage]:
    """The article's paragraphs, the quoted words in ``<mark>`` (with ``id="quote"`` when
    ``anchor``) and the words naming the speaker in ``<strong>``."""
    opening = Markup('<mark id="quote">') if anchor else Markup("<mark>")
    marks: list[tuple[int, int, Markup, Markup]] = [
        (quote.span.start, quote.span.end, opening, Markup("</mark>"))
    ]
    if quote.speaker_span is not None:
        start, end = quote.speaker_span.start, quote.speaker_span.end
        if end <= quote.span.start or start >= quote.span.end:
            marks.append((start, end, Markup('<strong class="cue">'), Markup("</strong>")))
    found: list[Passage] = []
    offset = 0
    for line in text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        if not line.strip():
            continue
        pieces: list[str] = []
        at = start
        holds = False
        for m_start, m_end, opening, closing in sorted(marks):
            if m_end <= start or m_start >= end:
                continue
            m_start, m_end = max(m_start, start), min(m_end, end)
            pieces.append(escape(text[at:m_start]))
            pieces.append(opening + escape(text[m_start:m_end]) + closing)
            at = m_end
            holds = holds or opening.startswith("<mark")
        pieces.append(escape(text[at:end]))
        found.append(Passage(Markup("").join(pieces), holds))
    return found


@dataclass(frozen=True)
class _Mark:
    start: int
    end: int
    quote: QuotePublic
    speaker: bool  # the words naming the speaker, not the quoted words


def marked_article(text: str, quotes: list[QuotePublic]) -> list[Markup]:
    """The article's paragraphs with every quote's words in ``<mark>`` (a link to the quote;
    the first piece carries ``id="q-ID"``, for the list of quotes to point at) and every
    speaker mention in ``<strong>``. Spans may overlap (a partial quote inside an indirect
    one): the text is cut at every span's edge, and each piece marked by the shortest quote
    covering it."""
    marks = [_Mark(q.span.start, q.span.end, q, False) for q in quotes]
    marks += [
        _Mark(q.speaker_span.start, q.speaker_span.end, q, True)
        for q in quotes
        if q.speaker_span is not None
    ]
    cuts = _cuts(text, marks)
    anchored: set[int] = set()
    paragraphs: list[Markup] = []
    pieces: list[Markup] = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        piece = text[start:end]
        if "\n" in piece or not piece:
            continue
        covering = [m for m in marks if m.start <= start and end <= m.end]
        pieces.append(_marked_piece(piece, covering, anchored))
        if text[end : end + 1] == "\n" or end == len(text):
            if "".join(pieces).strip():
                paragraphs.append(Markup("").join(pieces))
            pieces = []
    if pieces and "".join(pieces).strip():
        paragraphs.append(Markup("").join(pieces))
    return paragraphs


def _cuts(text: str, marks: list[_Mark]) -> list[int]:
    """Every place the text is cut: each span's edges, kept inside the text, and each line's."""
    edges = {0, len(text)}
    for mark in marks:
        edges |= {max(0, min(mark.start, len(text))), max(0, min(mark.end, len(text)))}
    offset = 0
    for line in text.split("\n"):
        edges |= {offset, offset + len(line)}
        offset += len(line) + 1
    return sorted(edges)


def _marked_piece(piece: str, covering: list[_Mark], anchored: set[int]) -> Markup:
    """One piece of text, in ``<strong>`` if it names a speaker and in a linked ``<mark>`` if
    it is quoted (the first piece of each quote carries its anchor, noted in ``anchored``)."""
    words = [m for m in covering if not m.speaker]
    named = [m for m in covering if m.speaker]
    html = escape(piece)
    if named:
        who = named[0].quote.speaker
        html = Markup('<strong class="cue" title="{}">{}</strong>').format(who.name, html)
    if words:
        quote = min(words, key=lambda m: m.end - m.start).quote
        anchor = ""
        if quote.id not in anchored:
            anchored.add(quote.id)
            anchor = f' id="q-{quote.id}"'
        html = Markup(
            f'<a class="quoted" href="/quotes/{quote.id}"{anchor}'
            ' title="{}"><mark>{}</mark></a>'
        ).format(f"{quote.speaker.name}, {quote.kind} quote", html)
    return html
