"""The client's search syntax is parsed, never passed through."""

import re

import pytest

from app.queries.search import SearchTerm, parse_search, to_fts5, to_tsquery, word_forms


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
    assert [(t.words, t.prefix) for t in parse_search(q)] == [(t.words, t.prefix) for t in terms]


def test_operators_become_quoted_words() -> None:
    built = to_fts5(parse_search("a OR NOT b NEAR(c) AND d:e"))
    # Outside quotes there is nothing but our own OR, brackets, spaces and prefix stars.
    assert re.sub(r'"[^"]*"', "", built).replace("OR", "").replace("AND", "").strip("() *") == ""
    assert '"NEAR c"' in built
    assert to_fts5(parse_search("escal*")) == '"escal" *'


@pytest.mark.parametrize(
    ("word", "includes", "excludes"),
    [
        ("escalations", {"escalation", "escalate", "escalated", "escalating"}, {"escape"}),
        ("policies", {"policy", "policies"}, {"police", "polite"}),
        ("stopped", {"stop", "stops", "stopping"}, {"stoop"}),
        ("weapon", {"weapons"}, {"wean"}),
        ("russia", {"russia"}, {"russian"}),
    ],
)
def test_a_plain_word_searches_the_forms_of_its_stem(
    word: str, includes: set[str], excludes: set[str]
) -> None:
    forms = set(word_forms(word))
    assert word in forms
    assert includes <= forms
    assert not excludes & forms


def test_short_words_and_numbers_stand_alone() -> None:
    assert word_forms("UN") == ("un",)
    assert word_forms("2024") == ("2024",)


def test_a_quoted_phrase_and_a_prefix_are_not_stemmed() -> None:
    phrase, prefix = parse_search('"direct escalations" escal*')
    assert phrase.forms == () and prefix.forms == ()
    assert to_fts5([phrase]) == '"direct escalations"'


def test_or_joins_the_terms_either_side() -> None:
    terms = parse_search('Moldova OR "direct escalation" OR escal* weapons')
    assert len(terms) == 2
    either, weapons = terms
    assert [option.words for option in either.any_of] == [
        ("Moldova",),
        ("direct", "escalation"),
        ("escal",),
    ]
    assert weapons.forms[0] == "weapons"
    assert to_tsquery(terms).startswith("(('moldova'")
    assert " | ('direct' <-> 'escalation') | ('escal':*)) & (" in to_tsquery(terms)


def test_a_dangling_or_is_ignored() -> None:
    assert [t.words for t in parse_search("OR weapons OR")] == [("weapons",)]
