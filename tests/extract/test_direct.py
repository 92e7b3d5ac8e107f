"""Direct quotes: every way copy places the cue and the marks, pinned one construction each."""

import pytest

from tests.extract.conftest import one, run, speaker_name, texts


def test_cue_after_the_quote():
    found = one("“We will not back down,” Maria Lopez said.")
    assert (found.kind, texts(found), speaker_name(found)) == (
        "direct",
        ["We will not back down"],
        "Maria Lopez",
    )


def test_cue_before_the_quote_with_a_colon():
    found = one("Maria Lopez said: “We will not back down.”")
    assert texts(found) == ["We will not back down."]
    assert found.kind == "direct"
    assert speaker_name(found) == "Maria Lopez"


def test_cue_before_the_quote_with_a_comma():
    found = one("Maria Lopez said, “We will not back down.”")
    assert (found.kind, texts(found)) == ("direct", ["We will not back down."])


def test_cue_in_the_middle_joins_both_halves_into_one_attribution():
    found = one("“We will not back down,” she said, “and we will win.” ", None)
    assert texts(found) == ["We will not back down", "and we will win."]
    first, second = found.quotations
    assert second.continues is first


def test_straight_marks_work_like_curly_ones():
    found = one('"We will not back down," Maria Lopez said.')
    assert texts(found) == ["We will not back down"]


def test_inverted_cue_names_the_speaker_after_the_verb():
    text = "“It is a direct escalation,” said Kremlin spokesman Dmitry Peskov."
    found = one(text)
    assert found.speaker is not None
    assert (found.speaker.name, found.speaker.role) == ("Dmitry Peskov", "Kremlin spokesman")
    assert found.speaker_span is not None
    assert found.speaker_span.of(text) == "Kremlin spokesman Dmitry Peskov"
    assert found.cue == "said Kremlin spokesman Dmitry Peskov"


def test_a_closing_mark_typed_as_an_opening_one_still_closes_the_quote():
    text = "“We adapted,” Lopez said.\n“We will continue to do that. “\nThe talks end Monday."
    found = one(text)
    assert texts(found) == ["We adapted", "We will continue to do that."]


def test_a_stray_mark_does_not_swallow_the_paragraph():
    text = 'Lopez said the 12" guns were ready. “We will win,” she said.'
    quotes = [q.text for a in run(text) for q in a.quotations if q.kind == "direct"]
    assert quotes == ["We will win"]


def test_a_quote_running_over_paragraphs_takes_the_cue_of_its_last_paragraph():
    text = (
        "“We have not encouraged strikes outside of Ukraine. We will make sure it has what it"
        " needs.\n“Another hallmark of our support has been to adapt,” Blinken said."
    )
    found = one(text)
    assert texts(found)[0].startswith("We have not encouraged")
    assert texts(found)[1] == "Another hallmark of our support has been to adapt"
    assert speaker_name(found) == "Blinken"
    assert all(q.speaker_named for q in found.quotations)


def test_a_paragraph_of_quoted_words_without_a_cue_continues_the_last_speaker():
    text = "“We adapted,” Blinken said.\n“And we will keep adapting.”"
    found = one(text)
    assert texts(found) == ["We adapted", "And we will keep adapting."]
    assert [q.speaker_named for q in found.quotations] == [True, False]
    assert found.quotations[1].continues is found.quotations[0]


def test_a_cue_ending_in_a_colon_introduces_the_next_paragraph():
    found = one("Senator Ann Reyes continued:\n“The questions asked tonight were unfair.”")
    assert speaker_name(found) == "Ann Reyes"
    assert found.kind == "direct"


def test_a_signed_quotation_takes_the_name_after_the_dash():
    found = one("“He is not fit to lead.” \u2015 Carla Sanchez")
    assert (found.kind, speaker_name(found)) == ("direct", "Carla Sanchez")


def test_a_quote_after_a_colon_without_a_verb_goes_to_the_sentence_subject():
    found = one("Clinton has since apologized: “Yes, I should have used two accounts.”")
    assert speaker_name(found) == "Clinton"
    assert found.kind == "direct"


def test_scare_quotes_with_no_speaker_are_not_quotations():
    assert run("The so-called “deal” collapsed on Tuesday.") == []


def test_told_with_its_audience_before_the_quote_is_direct():
    found = one("Carson told his supporters, “Our nation is in horrible trouble.”")
    assert (found.kind, speaker_name(found)) == ("direct", "Carson")


def test_a_paragraph_of_quoted_words_after_a_cue_with_nothing_to_report_takes_that_cue():
    text = "Sam Lau, the party's spokesman, said in a statement.\n“There are no ballots to count.”"
    found = one(text)
    assert (found.kind, speaker_name(found)) == ("direct", "Sam Lau")


def test_a_quote_standing_alone_after_reported_words_carries_on_in_that_voice():
    found = one(
        "Senator Ana Ruiz said the cap would save patients money. “Nobody should have to "
        "choose between insulin and rent.”\nOthers disagreed."
    )
    assert speaker_name(found) == "Ana Ruiz"
    assert [(q.kind, q.speaker_named) for q in found.quotations] == [
        ("indirect", True),
        ("direct", False),
    ]


def test_a_quote_in_the_next_paragraph_after_reported_words_is_not_carried_over():
    found = run("Ana Ruiz said the cap would save money.\n“Nobody should choose.”")
    assert all(q.kind == "indirect" for a in found for q in a.quotations)


def test_an_interview_s_name_labels_are_its_speakers() -> None:
    text = (
        "Maya Lindqvist spoke to us about the new ferry line.\n"
        "Q: Why now?\n"
        "Lindqvist: The old boats are forty years old and the island needs them daily.\n"
        "Q: And the cost?\n"
        "Lindqvist: The county pays half and the state pays the rest of it."
    )
    spoken = {speaker_name(a) for a in run(text) if a.speaker is not None and a.speech}
    assert spoken == {"Maya Lindqvist"}


@pytest.mark.parametrize(
    "label",
    ["Related", "Note", "Moreover", "New Price Drop", "King of Deals", "Editor's Note"],
)
def test_a_heading_before_a_colon_is_never_a_speaker(label: str) -> None:
    text = (
        f"{label}: The best ferries of the decade, ranked by their riders\n"
        "The county opened the line in May.\n"
        f"{label}: Ten islands you can reach without a car this summer\n"
    )
    assert [a for a in run(text) if a.speaker is not None] == []


def test_a_list_of_link_labels_kept_in_the_text_is_never_attributed() -> None:
    text = (
        "The council voted on Monday.\n"
        "- Okafor tells harbour story from the '90s The mayor recalls a storm that sank the pier\n"
        "- Lindqvist says ferries will run all winter Riders asked for a later boat\n"
        "“We will run them all winter,” Maya Lindqvist said."
    )
    found = [a for a in run(text) if a.speaker is not None]
    assert [speaker_name(a) for a in found] == ["Maya Lindqvist"]
