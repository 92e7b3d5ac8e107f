"""The team's newsroom set, ingested into a real seeded store: the trust targets hold."""

from pathlib import Path

import pytest

from app.evaluation.corpus import CorpusError
from app.evaluation.newsroom import FIELDS, NewsroomScores, evaluate_newsroom, read_newsroom

SET = Path(__file__).parent / "newsroom" / "articles.yaml"


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> NewsroomScores:
    return evaluate_newsroom(read_newsroom(SET), tmp_path_factory.mktemp("newsroom"))


def test_the_set_has_forty_articles_whose_gold_quotes_stand_in_their_texts() -> None:
    articles = read_newsroom(SET)
    assert len(articles) >= 40
    assert len({a.id for a in articles}) == len(articles)


def test_no_quote_is_given_to_another_known_speaker(scores: NewsroomScores) -> None:
    assert scores.other_speaker == 0, [e for e in scores.errors if e.what == "speaker"]


def test_no_quote_is_invented(scores: NewsroomScores) -> None:
    assert scores.invented == 0, [e for e in scores.errors if e.what == "invented"]


def test_no_date_is_given_that_the_text_does_not_give(scores: NewsroomScores) -> None:
    assert scores.invented_dates == 0 and scores.wrong_dates == 0


@pytest.mark.parametrize("field", FIELDS)
def test_each_field_is_right_on_at_least_95_percent_of_matched_quotes(
    scores: NewsroomScores, field: str
) -> None:
    assert scores.accuracy(field) >= 0.95, [e for e in scores.errors if e.what == field]


def test_recall_stays_above_ninety_percent(scores: NewsroomScores) -> None:
    assert scores.recall >= 0.9


def test_confidence_is_calibrated_on_the_set(scores: NewsroomScores) -> None:
    assert scores.calibration_error() <= 0.1


def test_a_gold_quote_missing_from_its_text_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- {id: a, title: t, publisher: p, published_on: 2024-01-01, text: 'Hi.',"
        " quotes: [{text: 'not there', kind: direct, speaker: x}]}\n"
    )
    with pytest.raises(CorpusError, match="not in the text"):
        read_newsroom(bad)
