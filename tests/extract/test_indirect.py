"""Indirect speech: the reported clause, its source and the outlet."""

import pytest

from tests.extract.conftest import one, run, speaker_name, texts


def test_said_that_reports_the_clause_after_it():
    found = one("Maria Lopez said that the bridge would reopen in June.")
    assert (found.kind, texts(found), speaker_name(found)) == (
        "indirect",
        ["the bridge would reopen in June"],
        "Maria Lopez",
    )


def test_said_without_that_reports_the_clause_after_it():
    found = one("Maria Lopez said the bridge would reopen in June.")
    assert texts(found) == ["the bridge would reopen in June"]


def test_a_cue_after_the_clause_reports_the_clause_before_it():
    found = one("The bridge would reopen in June, Maria Lopez said.")
    assert texts(found) == ["The bridge would reopen in June"]
    assert speaker_name(found) == "Maria Lopez"


def test_told_names_the_outlet_the_words_were_given_to():
    found = one("An official told The Washington Post that the strikes would be limited.")
    assert found.outlet == "The Washington Post"
    assert texts(found) == ["the strikes would be limited"]
    assert found.speaker is not None and found.speaker.kind == "anonymous"


def test_an_interview_with_an_outlet_names_it():
    found = one("Lopez said in an interview with NBC News that the bridge would reopen soon.")
    assert found.outlet == "NBC News"


def test_told_a_person_is_not_an_outlet():
    found = one("Lopez told reporters that the bridge would reopen soon.")
    assert found.outlet is None
    assert texts(found) == ["the bridge would reopen soon"]


def test_according_to_before_the_clause():
    found = one("According to Maria Lopez, the bridge will reopen in June.")
    assert (texts(found), speaker_name(found)) == (
        ["the bridge will reopen in June"],
        "Maria Lopez",
    )


def test_according_to_after_the_clause():
    found = one("The bridge will reopen in June, according to Maria Lopez.")
    assert texts(found) == ["The bridge will reopen in June"]


@pytest.mark.parametrize(
    "verb", ["warned", "insisted", "added", "argued", "noted", "claimed", "stressed", "conceded"]
)
def test_other_reporting_verbs_report_speech(verb: str):
    found = one(f"Maria Lopez {verb} that the bridge was unsafe for heavy trucks.")
    assert (found.kind, found.speech, texts(found)) == (
        "indirect",
        True,
        ["the bridge was unsafe for heavy trucks"],
    )


def test_a_participle_cue_takes_the_subject_of_its_sentence():
    found = run("Russia rebuked Britain on Friday, warning they risked widening the conflict.")
    assert [(a.kind, texts(a), speaker_name(a)) for a in found if a.speech] == [
        ("indirect", ["they risked widening the conflict"], "Russia")
    ]


def test_taking_a_side_is_an_attribution_of_its_object_but_not_speech():
    found = one("Senator Ann Reyes criticized the mayor for the delay.")
    assert (found.kind, found.speech, texts(found)) == (
        "indirect",
        False,
        ["the mayor for the delay"],
    )


def test_beliefs_and_intentions_are_attributions_but_not_speech():
    found = one("Maria Lopez hopes to reopen the bridge before the winter.")
    assert found.speech is False


def test_a_passive_verb_does_not_make_its_subject_a_speaker():
    assert run("Lopez was told the bridge would reopen in June.") == []


def test_a_reporting_word_used_as_a_noun_is_not_a_cue():
    assert run("The warning was ignored by the city for three years.") == []


def test_coordinated_sources_name_no_single_speaker():
    found = one("CBS News, The Washington Post and NBC News reported the change on Friday.")
    assert found.speaker is None


def test_who_said_stands_for_the_noun_before_it():
    found = one("Critics included Tom Price, a Democratic strategist who said the plan would fail.")
    assert speaker_name(found) == "Tom Price"
    assert found.speaker_span is not None
    assert texts(found) == ["the plan would fail"]


def test_a_relative_clause_reports_only_up_to_its_closing_comma():
    found = run("Officials, who said the plan would fail, declined to comment further.")
    said = next(a for a in found if a.cue == "who said")
    assert texts(said) == ["the plan would fail"]
    assert said.speaker is not None and said.speaker.kind == "anonymous"


def test_points_out_is_a_reporting_verb():
    found = one("Lopez points out that the bridge has not been inspected since 2019.")
    assert texts(found) == ["the bridge has not been inspected since 2019"]
