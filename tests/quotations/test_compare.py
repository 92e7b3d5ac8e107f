"""When two reports are one quotation, and what the check says of a text against stored words."""

import pytest

from app.quotations.compare import compare, same_quotation
from app.quotations.words import words_of

FULL = (
    "The harbour will reopen to cargo ships on Monday, and the pilots' union has agreed to work "
    "through the weekend"
)


def same(a: str, b: str) -> bool:
    return same_quotation(words_of(a), words_of(b)) is not None


@pytest.mark.parametrize(
    "report",
    [
        FULL.upper(),
        FULL.replace(",", "").replace("'", "\u2019") + ".",
        "The harbour will reopen to cargo ships on Monday",
        "the pilots' union has agreed to work through the weekend",
        "The harbour will reopen to cargo ships on Monday ... the pilots' union has agreed",
        "The harbour will reopen to cargo ships on Monday, and the [dock workers'] union has "
        "agreed to work through the weekend",
        "The harbor will reopen to cargo ships on Monday, and the pilots' union has agreed to work "
        "through the weekend",
        "The harbour would reopen to cargo ships on Monday, and the pilots' union has agreed to "
        "work through the weekend",
    ],
)
def test_reports_of_the_same_words_are_one_quotation(report: str) -> None:
    assert same(report, FULL) and same(FULL, report)


@pytest.mark.parametrize(
    "other",
    [
        # Another day: a word that carries the meaning changed.
        FULL.replace("Monday", "Thursday"),
        # A number changed.
        "The harbour will reopen to 40 cargo ships on Monday, and the pilots' union has agreed",
        # A "not" added.
        FULL.replace("has agreed", "has not agreed"),
        # Too short to say which quotation it is part of.
        "on Monday",
        "through the weekend",
        # Something else with a few words in common.
        "The airport will reopen to passenger flights on Monday after the storm",
    ],
)
def test_other_statements_are_not_the_same_quotation(other: str) -> None:
    assert not same(other, FULL)


def test_a_part_that_drops_a_not_before_it_is_not_a_part() -> None:
    said = "I do not want to stay here another season, whatever the club offers"
    assert not same("want to stay here another season", said)
    verdict = compare(words_of("I want to stay here another season"), words_of(said))
    assert verdict.verdict == "close"
    assert [op.stored for op in verdict.ops if op.op == "dropped"] == [("do", "not")]


def test_a_run_of_the_stored_words_is_exact_and_marked_a_fragment() -> None:
    result = compare(words_of("reopen to cargo ships on Monday"), words_of(FULL))
    assert (result.verdict, result.fragment, result.similarity) == ("exact", True, 1.0)


def test_a_changed_number_is_close_with_the_change_shown() -> None:
    stored = words_of("We cut 1,200 jobs this year and will hire 300 engineers")
    result = compare(words_of("We cut 1,500 jobs this year and will hire 300 engineers"), stored)
    assert result.verdict == "close"
    changed = [(op.stored, op.words) for op in result.ops if op.op == "changed"]
    assert changed == [(("1200",), ("1500",))]


def test_added_and_dropped_words_are_told_apart() -> None:
    stored = words_of("the talks will resume in Geneva next week")
    result = compare(words_of("the peace talks will resume next week"), stored)
    assert result.verdict == "close"
    assert ("peace",) in [op.words for op in result.ops if op.op == "added"]
    assert ("in", "geneva") in [op.stored for op in result.ops if op.op == "dropped"]


def test_unrelated_words_are_not_found() -> None:
    result = compare(words_of("the ferry timetable changes on Sunday"), words_of(FULL))
    assert result.verdict == "not_found" and result.ops == ()
