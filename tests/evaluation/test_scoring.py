"""The scorer: character overlap, one-to-one greedy matching, speaker accuracy."""

from app.evaluation.scoring import Item, Scores, characters, jaccard, match, score_article

TEXT = "“We will win,” Lopez said. The vote is fair, Roe said."


def span(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


def test_quote_marks_spaces_and_edge_punctuation_are_not_scored():
    assert characters(TEXT, [span("“We will win,”")]) == characters(TEXT, [span("We will win")])


def test_jaccard_of_identical_and_disjoint_spans():
    a = characters(TEXT, [span("We will win")])
    b = characters(TEXT, [span("The vote is fair")])
    assert jaccard(a, a) == 1.0
    assert jaccard(a, b) == 0.0


def test_matching_is_one_to_one_and_greedy_by_overlap():
    gold = Item("direct", characters(TEXT, [span("We will win")]))
    close = Item("direct", characters(TEXT, [span("We will win")]))
    partial = Item("direct", characters(TEXT, [span("will win")]))
    pairs = match([partial, close], [gold], 0.3)
    assert pairs == [(close, gold)]


def test_a_pair_under_the_threshold_does_not_match():
    gold = Item("direct", characters(TEXT, [span("We will win")]))
    tiny = Item("direct", characters(TEXT, [span("We")]))
    assert match([tiny], [gold], 0.3) == []


def test_speaker_is_right_by_overlapping_span_or_by_name():
    content = characters(TEXT, [span("We will win")])
    gold = Item("direct", content, speaker_spans=(span("Lopez"),))
    by_span = Item("direct", content, speaker_spans=(span("Lopez"),))
    by_name = Item("direct", content, speaker_names=("Maria Lopez",))
    wrong = Item("direct", content, speaker_names=("Roe",))
    scores = Scores()
    score_article(scores, TEXT, [by_span], [gold])
    score_article(scores, TEXT, [by_name], [gold])
    score_article(scores, TEXT, [wrong], [gold])
    tally = scores.tally("direct", 0.3)
    assert (tally.matched, tally.speaker_right) == (3, 2)


def test_subsets_count_only_their_types():
    direct = Item("direct", characters(TEXT, [span("We will win")]))
    indirect = Item("indirect", characters(TEXT, [span("The vote is fair")]))
    scores = Scores()
    score_article(scores, TEXT, [direct, indirect], [direct, indirect])
    assert scores.tally("direct", 0.3).gold == 1
    assert scores.tally("all", 0.3).gold == 2
    assert scores.tally("all", 0.8).f1 == 1.0
