"""Speakers: names and roles, later mentions, pronouns, unnamed sources and organizations."""

from tests.extract.conftest import run, speaker_name


def test_titles_and_roles_are_split_from_the_name():
    found = run("British Foreign Secretary Lord Cameron said the aid would continue for years.")
    assert found[0].speaker is not None
    assert (found[0].speaker.name, found[0].speaker.role) == (
        "Lord Cameron",
        "British Foreign Secretary",
    )


def test_a_later_surname_resolves_to_the_full_name():
    found = run(
        "U.S. Secretary of State Antony Blinken said the policy had changed.\n"
        "“We adapted,” Blinken said."
    )
    assert found[0].speaker is found[1].speaker
    assert speaker_name(found[1]) == "Antony Blinken"


def test_he_resolves_to_the_subject_of_an_earlier_sentence():
    found = run(
        "U.S. Secretary of State Antony Blinken visited Moldova on Wednesday.\n"
        "“We adapted,” he said."
    )
    assert speaker_name(found[0]) == "Antony Blinken"
    assert found[0].speaker_span is not None


def test_she_prefers_a_recent_woman_over_a_nearer_man():
    found = run(
        "Ms. Jane Doe said the vote was fair. John Roe said the vote was rigged. "
        "She added that the count would be audited."
    )
    assert [speaker_name(a) for a in found] == ["Jane Doe", "John Roe", "Jane Doe"]


def test_unnamed_officials_are_anonymous_and_the_official_refers_back():
    found = run(
        "“The policy is unchanged,” a U.S. official told CBS News.\n"
        "“We will watch closely,” the official said."
    )
    first, second = found[0].speaker, found[1].speaker
    assert first is not None and first.kind == "anonymous"
    assert first.name == "unnamed U.S. official"
    assert second is first
    assert found[0].outlet == "CBS News"


def test_a_differently_described_source_is_a_different_speaker():
    found = run(
        "A U.S. official said the strikes were limited. "
        "A senior administration official said the plan was final."
    )
    assert found[0].speaker is not found[1].speaker
    assert speaker_name(found[1]) == "unnamed senior administration official"


def test_countries_and_institutions_are_organizations():
    found = run(
        "Russia said the claim was dangerous. The Kremlin said the strikes were escalation."
    )
    assert [(a.speaker.name, a.speaker.kind) for a in found if a.speaker] == [
        ("Russia", "organization"),
        ("Kremlin", "organization"),
    ]


def test_an_appositive_between_name_and_verb_is_skipped():
    found = run("Scott Pruitt, the attorney general of Oklahoma, said the rule was illegal.")
    assert speaker_name(found[0]) == "Scott Pruitt"


def test_an_unresolvable_pronoun_keeps_its_span_but_names_no_speaker():
    found = run("I said the vote was fair.")
    assert found[0].speaker is None
    assert found[0].speaker_span is not None
