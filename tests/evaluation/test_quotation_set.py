"""The team's quotation set, stored report by report in a real store: the grouping and check
targets hold, and ``saidwho eval`` reports them."""

from pathlib import Path

import pytest

from app.evaluation.corpus import CorpusError
from app.evaluation.quotations import (
    QuotationScores,
    check_cases,
    evaluate_quotations,
    read_quotation_set,
)
from tests.conftest import saidwho

SET = Path(__file__).parent / "quotations" / "reports.yaml"


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> QuotationScores:
    return evaluate_quotations(read_quotation_set(SET), tmp_path_factory.mktemp("quotations"))


def test_the_set_has_forty_quotations_and_a_hundred_reports_with_lookalikes() -> None:
    quotations = read_quotation_set(SET)
    assert len(quotations) >= 40 and sum(len(q.reports) for q in quotations) >= 100
    # Speakers with several statements: grouping precision means something only with those.
    speakers = [q.speaker for q in quotations]
    assert sum(speakers.count(s) >= 2 for s in set(speakers)) >= 10


def test_grouping_merges_no_two_statements_wrongly(scores: QuotationScores) -> None:
    assert scores.precision >= 0.99, scores.wrong_merges


def test_grouping_finds_nearly_every_pair_of_reports(scores: QuotationScores) -> None:
    assert scores.recall >= 0.95, scores.missed


def test_the_check_is_never_wrong_to_say_exact_or_not_found(scores: QuotationScores) -> None:
    assert scores.wrong("exact") == 0, scores.check_errors
    assert scores.wrong("not_found") == 0, scores.check_errors


def test_the_check_calls_changed_words_close_and_every_changed_number(
    scores: QuotationScores,
) -> None:
    assert scores.caught("word") >= 0.95, scores.check_errors
    assert scores.checks["number"][0] >= 5 and scores.caught("number") == 1.0
    assert scores.caught("part") == 1.0 and scores.caught("unrelated") == 1.0


def test_the_check_names_who_said_words_asked_about_someone_else(scores: QuotationScores) -> None:
    asked, named = scores.others_named
    assert asked >= 40 and named == asked


def test_the_check_cases_cover_each_kind_of_change() -> None:
    kinds = {case.how for case in check_cases(read_quotation_set(SET))}
    assert kinds == {"part", "swap", "word", "number", "other_speaker", "unrelated"}


def test_a_set_with_a_repeated_id_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    report = "{publisher: p, published_on: 2024-01-01, text: words}"
    bad.write_text(f"- {{id: a, speaker: s, reports: [{report}]}}\n" * 2)
    with pytest.raises(CorpusError, match="repeat"):
        read_quotation_set(bad)


@pytest.mark.slow  # runs the command
def test_saidwho_eval_reports_grouping_and_the_check(tmp_path: Path) -> None:
    unused = f"sqlite:///{tmp_path / 'unused.db'}"
    done = saidwho("eval", str(SET), database_url=unused, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "grouping over pairs of one speaker's reports: precision 100.0%" in done.stdout
    assert "wrong 'exact': 0; wrong 'not_found': 0" in done.stdout
