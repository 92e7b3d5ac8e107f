"""When words were said, relative to the dateline."""

import datetime as dt

import pytest

from app.extract import extract
from app.extract.dates import said_on
from tests.extract.conftest import FRIDAY, run


@pytest.mark.parametrize(
    ("phrase", "expected", "precision"),
    [
        ("on Wednesday", dt.date(2024, 5, 29), "day"),
        ("on Friday", dt.date(2024, 5, 31), "day"),
        ("last Friday", dt.date(2024, 5, 24), "day"),
        ("his May 2 comments", dt.date(2024, 5, 2), "day"),
        ("on 2 May", dt.date(2024, 5, 2), "day"),
        ("yesterday", dt.date(2024, 5, 30), "day"),
        ("last month", dt.date(2024, 4, 1), "month"),
        ("earlier this month", dt.date(2024, 5, 1), "month"),
        ("last year", dt.date(2023, 1, 1), "year"),
        ("in March", dt.date(2024, 3, 1), "month"),
    ],
)
def test_relative_phrases_resolve_against_the_publication_date(phrase, expected, precision):
    found = said_on(f"she said {phrase}", FRIDAY)
    assert found is not None
    assert (found.date, found.precision) == (expected, precision)


def test_a_day_later_in_the_year_than_the_dateline_is_last_year():
    found = said_on("in his Dec. 12 speech", dt.date(2024, 1, 5))
    assert found is not None and found.date == dt.date(2023, 12, 12)


def test_without_a_publication_date_nothing_is_dated():
    assert said_on("on Wednesday", None) is None


def test_a_speakers_later_quotes_inherit_the_date_of_the_first():
    found = run(
        "Antony Blinken said on Wednesday that the policy had changed.\n“We adapted,” he said."
    )
    assert [a.said_on.date if a.said_on else None for a in found] == [
        dt.date(2024, 5, 29),
        dt.date(2024, 5, 29),
    ]


def test_a_dateline_is_not_a_date_said():
    found = run("May 31 (UPI) — Officials said the policy had changed.")
    assert found[0].said_on is None
    assert found[0].quotations[0].text == "the policy had changed"


def test_february_29_before_a_leap_year_dateline_is_left_undated():
    assert said_on("his Feb. 29 remarks", dt.date(2016, 2, 10)) is None
    found = said_on("his Feb. 29 remarks", dt.date(2016, 3, 10))
    assert found is not None and found.date == dt.date(2016, 2, 29)


def test_a_date_inside_the_reported_words_is_not_when_they_were_said():
    found = extract(
        "According to the labor secretary, mediators will return on Thursday.",
        dt.date(2024, 10, 8),
    )
    assert [a.said_on for a in found] == [None]


def test_a_date_in_an_aside_about_the_speaker_is_not_when_they_spoke():
    found = extract(
        "Donald Blinken, whose grandfather opened the store in 1925, said the shop would stay "
        "in the family.",
        dt.date(2025, 5, 9),
    )
    assert [a.said_on for a in found] == [None]


def test_a_date_after_the_reported_clause_in_an_interview_phrase_is_the_saying_date():
    [found] = extract(
        "Sen. Jo Hale said she would not run again, in an interview with CBS News on Tuesday.",
        dt.date(2025, 3, 14),
    )
    assert found.said_on is not None and found.said_on.date == dt.date(2025, 3, 11)
    assert found.outlet == "CBS News"
    assert found.quotations[0].text == "she would not run again"
