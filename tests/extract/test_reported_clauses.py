"""What counts as a reported statement after a speech verb: a clause with a verb of its own,
however it is written."""

import pytest

from tests.extract.conftest import one, texts


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
