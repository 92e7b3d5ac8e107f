"""The client's search syntax is parsed, never passed through."""

import pytest

from app.queries.search import SearchTerm, parse_search, to_fts5


@pytest.mark.parametrize(
    ("q", "terms"),
    [
        ("direct escalation", [SearchTerm(("direct",)), SearchTerm(("escalation",))]),
        ('"direct escalation"', [SearchTerm(("direct", "escalation"))]),
        ("escal*", [SearchTerm(("escal",), prefix=True)]),
        ("U.S.", [SearchTerm(("U", "S"))]),
        ('"unclosed phrase', [SearchTerm(("unclosed",)), SearchTerm(("phrase",))]),
        ("*** -- ()", []),
        ("", []),
    ],
)
def test_parse_search(q: str, terms: list[SearchTerm]) -> None:
    assert parse_search(q) == terms


def test_operators_become_quoted_words() -> None:
    assert to_fts5(parse_search("a OR NOT b NEAR(c)")) == '"a" "OR" "NOT" "b" "NEAR c"'
    assert to_fts5(parse_search("escal*")) == '"escal" *'
