"""Quotation extraction and attribution.

The whole interface is one call::

    extract(text: str, published_on: date | None = None) -> list[Attribution]

Text in (paragraphs separated by line breaks), attributions out, in reading order. Each
``Attribution`` has its ``kind`` (direct, partial, indirect), the ``quotations`` to store (for
direct and partial quotes ``text[span]`` is exactly the quoted words; a quote split by its cue
or run over paragraphs is several quotations, each ``continues`` the one before), the
``speaker`` (a ``Speaker`` shared by every mention the article resolves to it, or None when the
text names no one we can resolve), ``speaker_span``, ``cue``, ``outlet``, ``said_on`` and
``speech`` (False for beliefs, stances and judgments, which are found but are not quotations).
``published_on`` anchors "on Wednesday"; without it nothing is dated.

No database, no network and no model: rules in ``text`` (marks, sentences), ``tokens``,
``cues`` (verbs, sources, outlets, content), ``speakers`` (names, roles, coreference),
``dates``, with their word lists in ``lexicon``; ``pipeline`` puts them together.
"""

from app.extract.model import Attribution, Quotation, SaidOn, Span, Speaker
from app.extract.pipeline import extract

__all__ = ["Attribution", "Quotation", "SaidOn", "Span", "Speaker", "extract"]
