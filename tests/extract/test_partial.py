"""Partial quotes: quoted fragments inside a reported sentence."""

from tests.extract.conftest import one, run, speaker_name, texts


def test_a_fragment_inside_reported_speech_is_partial():
    found = one("Lopez said the plan was “a disaster in the making.”")
    assert (found.kind, texts(found), speaker_name(found)) == (
        "partial",
        ["a disaster in the making"],
        "Lopez",
    )


def test_fragments_in_one_clause_make_one_attribution_whose_content_is_the_clause():
    text = "He told a briefing the United States had “adapted and adjusted” to “new facts.”"
    found = run("Antony Blinken spoke in Moldova. " + text)
    partial = [a for a in found if a.kind == "partial"]
    assert len(partial) == 1
    assert texts(partial[0]) == ["adapted and adjusted", "new facts"]
    clause = partial[0].content[0]
    assert "the United States had" in clause.of("Antony Blinken spoke in Moldova. " + text)
    assert speaker_name(partial[0]) == "Antony Blinken"


def test_a_naming_verb_frames_a_partial_quote():
    found = [
        a
        for a in run("Russia rebuked Cameron, calling his remarks “another very dangerous claim.”")
        if a.speech
    ]
    assert [(a.kind, texts(a)) for a in found] == [("partial", ["another very dangerous claim"])]
    found = found[0]
    assert found.speaker is not None and found.speaker.kind == "organization"


def test_a_fragment_after_the_cue_of_a_direct_quote_shares_its_speaker():
    text = (
        "“You can understand why Ukraine feels the need to defend itself,” he said on a visit"
        " to pledge support “for as long as necessary.”"
    )
    found = run("Lord Cameron visited Kyiv. " + text)
    kinds = {a.kind: a for a in found}
    assert texts(kinds["partial"]) == ["for as long as necessary"]
    assert kinds["partial"].speaker is kinds["direct"].speaker


def test_a_fragment_that_ends_a_sentence_ends_it_for_the_next_cue() -> None:
    found = {
        texts(a)[0]: (speaker_name(a), a.outlet)
        for a in run(
            "Omar Ruiz told the Gazette in May that the ferry was “safe in any weather.” "
            "Ruiz then called the delay “a small price.”"
        )
    }
    assert found["safe in any weather"] == ("Omar Ruiz", "The Gazette")
    assert found["a small price"] == ("Omar Ruiz", None)


def test_a_quotation_that_opens_a_sentence_stays_with_the_words_after_it() -> None:
    text = "“We will win.” Smith said it twice."
    found = [(a.kind, texts(a), speaker_name(a)) for a in run(text)]
    assert found == [("direct", ["We will win."], "Smith")]
