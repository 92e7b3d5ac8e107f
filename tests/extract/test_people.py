"""Who the article names, speaking or not: a later surname resolves to the full name given in
a sentence that reported no speech, and one person is one speaker."""

from app.extract.people import fullest_name, given_name, people_named
from tests.extract.conftest import run, speaker_name


def names(text: str) -> list[str]:
    return [n.name for n in people_named(text)]


def test_a_full_name_needs_a_known_given_name() -> None:
    text = (
        "Ingrid Halvorsen, the port's director, opened the terminal. Opening Halvorsen's "
        "speech, Marvel Studios showed a film. Greenfield Mining Ltd. bought the site."
    )
    assert names(text) == ["Ingrid Halvorsen"]


def test_titles_and_acronyms_are_not_part_of_the_name() -> None:
    text = "Acme CEO Rosa Delgado met Senator Paul Whitcombe and NBA MVP Tariq Omondi Jr. today."
    assert names(text) == ["Rosa Delgado", "Paul Whitcombe", "Tariq Omondi"]


def test_a_sovereign_title_with_one_given_name_is_a_full_name() -> None:
    assert names("Crowds cheered as King Harald arrived.") == ["King Harald"]


def test_a_run_does_not_cross_a_sentence_end() -> None:
    assert names("She met Oliver Brandt. Later she left.") == ["Oliver Brandt"]


def test_words_in_the_name_list_that_open_sentences_are_not_given_names() -> None:
    assert given_name("In") is None
    assert given_name("June") is None
    assert given_name("Oliver") == "m"
    assert given_name("NOTE") is None


def test_a_surname_or_a_longer_form_resolves_to_the_full_name() -> None:
    roster = people_named("Nadia Petrova and Josh Kimura spoke; Joshua Kimura left.")
    assert fullest_name("Petrova", roster).name == "Nadia Petrova"  # type: ignore[union-attr]
    assert fullest_name("Greeting Petrova", roster).name == "Nadia Petrova"  # type: ignore[union-attr]
    assert fullest_name("Josh Kimura", roster).name == "Joshua Kimura"  # type: ignore[union-attr]
    assert fullest_name("Nadia", roster) is None  # a given name alone names nobody for sure


def test_two_people_with_one_surname_leave_the_surname_alone() -> None:
    roster = people_named("Maria Lund met Erik Lund on Friday.")
    assert fullest_name("Lund", roster) is None


def test_a_speaker_introduced_without_speaking_is_stored_under_the_full_name() -> None:
    text = (
        "Fenwick Hale, the chief of the harbour authority, toured the docks on Monday.\n"
        "“The cranes are older than I am,” Hale said.\n"
        "Welcoming Hale to the yard, workers cheered. “We waited years,” said Hale."
    )
    found = run(text)
    assert [speaker_name(a) for a in found] == ["Fenwick Hale", "Fenwick Hale"]
    assert found[0].speaker is found[1].speaker


def test_a_capitalised_word_before_a_surname_is_not_taken_into_the_name() -> None:
    text = (
        "Amara Okafor runs the clinic.\n"
        "Thanking Okafor at the gala “was overdue,” the board chair said.\n"
        "“We need more nurses,” Okafor said."
    )
    spoken = [speaker_name(a) for a in run(text) if a.kind == "direct"]
    assert spoken == ["Amara Okafor"]
