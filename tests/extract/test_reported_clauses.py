"""What counts as a reported statement after a speech verb: a clause with a verb of its own,
however it is written."""

import pytest

from tests.extract.conftest import one, run, texts


@pytest.mark.parametrize(
    "sentence, clause",
    [
        ("Okafor said it depends on the harvest.", "it depends on the harvest"),
        ("Okafor said she's sure the dam will hold.", "she's sure the dam will hold"),
        ("Okafor said they're ready to vote.", "they're ready to vote"),
        (
            "Okafor said that if the rain holds, the harvest will be late.",
            "if the rain holds, the harvest will be late",
        ),
    ],
)
def test_a_clause_with_a_present_or_contracted_verb_is_a_statement(
    sentence: str, clause: str
) -> None:
    found = one(sentence)
    assert found.speech and texts(found) == [clause]


def test_a_subordinate_clause_alone_after_the_cue_is_no_statement() -> None:
    found = one("Ministers said on Monday, as the floods spread across the valley.")
    assert not found.speech


@pytest.mark.parametrize(
    "sentence",
    [
        "Marrow Group agreed to inject $6 billion into the firm.",
        "The union vowed to keep the picket line until spring.",
    ],
)
def test_a_verb_with_an_infinitive_reports_an_act_not_words(sentence: str) -> None:
    assert not any(a.speech for a in run(sentence))


def test_numbers_from_a_source_are_not_its_words() -> None:
    found = run("Rents have fallen 3% this year, according to data from Kestrel Analytics.")
    assert not any(a.speech for a in found)


def test_a_gerund_after_a_preposition_is_no_cue() -> None:
    text = "The dashboard shows messages, such as suggesting a detour, in the driver's view."
    assert not any(a.speech for a in run(text))


def test_a_cue_between_commas_reports_what_comes_before_it() -> None:
    found = one(
        "The ferry has been part of her life since 1990, Okafor said, ever since she moved "
        "to the island."
    )
    assert found.speech
    assert texts(found) == ["The ferry has been part of her life since 1990"]


def test_a_stance_before_a_cue_is_part_of_what_the_cue_reports() -> None:
    found = run("Small savers have welcomed the offer, the Daily Courier reported.")
    reported = [a for a in found if a.speech]
    assert [texts(a) for a in reported] == [["Small savers have welcomed the offer"]]


def test_a_clause_opened_by_whether_is_one_statement() -> None:
    found = [
        a
        for a in run(
            "Ana Ruiz said whether the council will agree to the plan depends on the budget."
        )
        if a.speech
    ]
    assert [texts(a) for a in found] == [
        ["whether the council will agree to the plan depends on the budget"]
    ]


def test_what_comes_before_a_source_after_its_verb_is_the_statement() -> None:
    found = one(
        "Winters are getting shorter, but the lakes freeze later, said study co-author Rhea "
        "Okonjo, a research fellow at the institute."
    )
    assert found.speech
    assert texts(found) == ["Winters are getting shorter, but the lakes freeze later"]


def test_a_relative_clause_inside_a_reported_clause_is_part_of_it() -> None:
    found = [
        a
        for a in run(
            "The agency reported that the share of residents who have reported smoking fell "
            "to 9 percent."
        )
        if a.speech
    ]
    assert [texts(a) for a in found] == [
        ["the share of residents who have reported smoking fell to 9 percent"]
    ]


def test_an_attitude_inside_what_was_said_does_not_end_it() -> None:
    found = one("Okafor argued the drivers hoping for a raise will get one in May.")
    assert texts(found) == ["the drivers hoping for a raise will get one in May"]


def test_a_think_tank_is_no_cue() -> None:
    found = one("“Prices will fall,” Rhea Okonjo, a fellow at the Harbour Policy think tank, said.")
    assert found.speaker is not None and found.speaker.name == "Rhea Okonjo"


def test_hinting_reports_speech() -> None:
    found = one("Okafor hinted that the ferry would return in spring.")
    assert found.speech


@pytest.mark.parametrize(
    "sentence, clause",
    [
        ("Okafor denied taking the money from the fund.", "taking the money from the fund"),
        ("Okafor admitted to hiding the letters in a drawer.", "to hiding the letters in a drawer"),
    ],
)
def test_what_someone_denies_or_admits_doing_is_what_they_said(sentence: str, clause: str) -> None:
    found = one(sentence)
    assert found.speech and texts(found) == [clause]


def test_a_main_clause_after_a_subordinate_one_and_its_comma_is_a_statement() -> None:
    found = [
        a
        for a in run(
            "Okafor confessed to the theft, admitting that after leaving the party early, she "
            "drove to the harbour."
        )
        if a.speech
    ]
    assert [texts(a) for a in found] == [
        ["after leaving the party early, she drove to the harbour"]
    ]


def test_a_plural_role_opening_a_sentence_is_an_unnamed_source() -> None:
    found = one("Senators said the vote was rushed.")
    assert found.speaker is not None
    assert (found.speaker.kind, found.speaker.name) == ("anonymous", "unnamed senator")


@pytest.mark.parametrize(
    "sentence, clause",
    [
        ("Saying that the levee was safe, Okafor left the meeting.", "the levee was safe"),
        (
            "Noting that the ice on the lake had thinned every winter since 1990, Okafor "
            "asked, “Where will the skaters go?”",
            "the ice on the lake had thinned every winter since 1990",
        ),
    ],
)
def test_a_participle_opening_a_sentence_reports_what_its_subject_said(
    sentence: str, clause: str
) -> None:
    noted = next(a for a in run(sentence) if a.kind == "indirect")
    assert texts(noted) == [clause]
    assert noted.speaker is not None and noted.speaker.name == "Okafor"


def test_a_quoted_word_inside_an_act_is_not_a_quotation() -> None:
    found = run("He agreed to return the fee he took for the name “Harbour.”")
    assert found and not any(a.speech for a in found)


@pytest.mark.parametrize(
    "sentence, clause",
    [
        ("Okafor said Harrow employs 1,200 drivers.", "Harrow employs 1,200 drivers"),
        ("Okafor said Lisbon needs a new bridge.", "Lisbon needs a new bridge"),
    ],
)
def test_a_name_and_a_present_verb_make_a_clause(sentence: str, clause: str) -> None:
    found = one(sentence)
    assert found.speech and texts(found) == [clause]


@pytest.mark.parametrize(
    "sentence",
    [
        "Come what may, Harlow Foods says that while it can.",
        "After the vote, the council told residents that while repairs go on, roads stay shut.",
        "Rain or shine, Okafor said that as long as the river rose.",
    ],
)
def test_a_cue_followed_by_that_never_reports_the_words_before_it(sentence: str) -> None:
    before = sentence.split(",")[0]
    assert all(before not in " ".join(texts(found)) for found in run(sentence))


@pytest.mark.parametrize(
    "sentence, clause",
    [
        (
            "Harlow Motors says the GT. CITY WAGON will reach dealers in May.",
            "the GT. CITY WAGON will reach dealers in May",
        ),
        (
            "Okafor said she hopes to drive the ZX. ROAD STAR across Kenya next year.",
            "she hopes to drive the ZX. ROAD STAR across Kenya next year",
        ),
    ],
)
def test_a_model_name_with_a_period_in_capitals_does_not_end_the_sentence(
    sentence: str, clause: str
) -> None:
    assert texts(one(sentence)) == [clause]


def test_capitals_after_a_period_still_open_a_new_sentence() -> None:
    found = run("The papers went to the SEC. IBM said it would not comment on the filing.")
    assert [texts(f) for f in found] == [["it would not comment on the filing"]]
