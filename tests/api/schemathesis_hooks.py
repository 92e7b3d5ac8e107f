"""Schemathesis hooks shared by the suite and the outside run (bench/contract.py sets
``SCHEMATHESIS_HOOKS`` to this module): how to write a body of a media type it does not know."""

import json

import schemathesis
from hypothesis import strategies as st

# A batch of articles is one JSON object a line: lines that are articles, lines that nearly
# are, and lines that are not JSON at all.
_LINE = st.one_of(
    st.fixed_dictionaries(
        {
            "title": st.text(max_size=40),
            "publisher": st.text(max_size=30),
            "published_on": st.dates().map(str),
            "text": st.text(max_size=300),
        }
    ).map(json.dumps),
    st.dictionaries(st.text(max_size=10), st.integers()).map(json.dumps),
    st.text(max_size=50),
)
schemathesis.openapi.media_type(
    "application/x-ndjson", st.lists(_LINE, max_size=4).map(lambda ls: "\n".join(ls).encode())
)
