"""What counts as the same words: marks, case, punctuation, ellipses, insertions, numbers."""

from app.quotations.words import anchors, query_anchors, words_of


def test_case_marks_and_punctuation_are_not_words() -> None:
    assert (
        words_of("“We’ll stand firm,” — she said!").words
        == words_of("we will stand firm she said").words
    )


def test_a_bracketed_insertion_is_the_reporters_not_the_speakers() -> None:
    assert words_of("We will defend [Kharkiv] tonight").words == ("we", "will", "defend", "tonight")


def test_an_ellipsis_splits_the_words_into_runs() -> None:
    assert words_of("first we wait ... then we act").segments == (
        ("first", "we", "wait"),
        ("then", "we", "act"),
    )
    assert (
        words_of("first we wait\u2026then we act").segments
        == words_of("first we wait . . . then we act").segments
    )


def test_numbers_stay_whole_whatever_their_commas() -> None:
    assert words_of("1,200 jobs and 3.5 percent").words == ("1200", "jobs", "and", "3.5", "percent")


def test_written_out_contractions_are_the_same_words() -> None:
    assert (
        words_of("We haven't, we won't, they're sure").words
        == words_of("We have not, we will not, they are sure").words
    )


def test_a_fragment_has_only_anchors_its_whole_also_has() -> None:
    whole = words_of("The summit in Switzerland will bring no result without Russia at the table")
    part = words_of("bring no result without Russia")
    assert set(anchors(part)) <= set(anchors(whole))


def test_one_changed_word_leaves_most_anchors_shared() -> None:
    said = words_of(
        "Regulators in three countries have cleared the merger and we expect the fourth"
    )
    changed = words_of(
        "Regulators in five countries have cleared the merger and we expect the fourth"
    )
    shared = set(anchors(said)) & set(anchors(changed))
    assert len(shared) >= len(anchors(said)) - 2 > 0


def test_a_one_word_text_is_found_by_its_word() -> None:
    assert set(anchors(words_of("Never."))) <= set(query_anchors(words_of("never again")))


def test_a_text_of_only_small_words_still_has_a_key() -> None:
    assert anchors(words_of("it is what it is")) != []
    assert anchors(words_of("...")) == []
