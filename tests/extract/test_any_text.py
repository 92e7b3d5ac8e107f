"""Whatever text arrives, the extractor answers without raising, and every offset it gives
points at the words it claims."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from app.extract import extract

PIECES = [
    "“", "”", '"', "‘", "’", "''", " ", "\n", "\n\n", ",", ".", ":", ";", "?", " — ", "(", ")",
    "he said", "she told CBS News", "said", "according to", "Lopez", "Maria Lopez",
    "a U.S. official", "the official", "officials", "Russia", "who said", "warned that",
    "We will win", "the plan", "on Wednesday", "May 2", "last month", "\u2015 Jane Doe",
    "I", "they", "It", "Feb. 29", "Dec. 31", "on 31 June", "\x00", "\ufeff", "é", "中文", "🙂",
    "  ", "\t",
]  # fmt: skip

texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=60).map("".join),
    st.text(max_size=300),
)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(text=texts, published_on=st.one_of(st.none(), st.dates(dt.date(1900, 1, 1))))
def test_any_text_extracts_without_error_and_offsets_are_true(
    text: str, published_on: dt.date | None
) -> None:
    for attribution in extract(text, published_on):
        assert attribution.quotations
        for quotation in attribution.quotations:
            assert 0 <= quotation.span.start < quotation.span.end <= len(text)
            assert text[quotation.span.start : quotation.span.end] == quotation.text
            assert quotation.kind == attribution.kind
        if attribution.speaker_span is not None:
            assert 0 <= attribution.speaker_span.start < attribution.speaker_span.end <= len(text)
        for span in attribution.content:
            assert 0 <= span.start <= span.end <= len(text)
        if attribution.said_on is not None and published_on is not None:
            assert attribution.said_on.date <= published_on
