"""The outlet the words were given to, in the ways real copy names it."""

import pytest

from tests.extract.conftest import one


@pytest.mark.parametrize(
    "sentence, outlet",
    [
        ("“We are cooperating,” said a Harlow spokesperson when contacted by the Financial Post.",
         "Financial Post"),
        ("“The ban is lawful,” said Ana Ruiz, as reported by the Kent Messenger.", None),
        ("“The ban is lawful,” said Ana Ruiz, as reported by the Daily Courier.", "Daily Courier"),
        ("Ana Ruiz, via the Harbour Gazette, said the deal “cannot last.”", "Harbour Gazette"),
        ("“We lost that game,” Ana Ruiz said, via Tom Ng of the Dayton Post-Tribune.",
         "Dayton Post-Tribune"),
        ("Ana Ruiz told NPR correspondent Tom Ng that the claim “is false.”", "NPR"),
        ("Ana Ruiz told the BBC that it was over.", "BBC"),
        ("“We will appeal,” Ana Ruiz said in an email seen by the Island Courier.",
         "Island Courier"),
    ],
)  # fmt: skip
def test_the_outlet_is_found_where_copy_puts_it(sentence: str, outlet: str | None) -> None:
    assert one(sentence).outlet == outlet


def test_an_outlet_s_own_name_keeps_its_article() -> None:
    found = one("The Daily Courier reported that the plant would close.")
    assert found.speaker is not None and found.speaker.name == "The Daily Courier"
