"""Who speaks, in the forms real copy takes: datelines, long appositions with places in them,
and capitalised names with nothing to say they are a person's."""

import pytest

from tests.extract.conftest import one, run, speaker_name


@pytest.mark.parametrize(
    "dateline",
    ["OSLO, Norway — ", "TULSA, Okla. (AP) — ", "GENEVA, March 3 (Reuters) - ", "LIMA -- "],
)
def test_a_dateline_is_never_the_speaker(dateline: str) -> None:
    text = (
        f"{dateline}Harbour chief Ingrid Halvorsen praised the crews on Monday, saying "
        "they had worked through the storm."
    )
    spoken = [a for a in run(text) if a.speech]
    assert [speaker_name(a) for a in spoken] == ["Ingrid Halvorsen"]


@pytest.mark.parametrize(
    "apposition",
    [
        "a diver from Cairns, Australia,",
        "who teaches at a school in Dayton, Ohio,",
        "a researcher at the Institute for Marine Studies in Kiel, Germany, and an author of "
        "the report,",
    ],
)
def test_a_place_inside_an_apposition_is_not_the_speaker(apposition: str) -> None:
    found = one(f"“The reef is dying,” Ana Ruiz, {apposition} said.")
    assert speaker_name(found) == "Ana Ruiz"


def test_a_source_described_by_where_they_work_is_the_source() -> None:
    found = one(
        "A nurse at the city's Eastside clinic, who asked not to be named, said the ward "
        "had been closed for days."
    )
    assert found.speaker is not None and found.speaker.kind == "anonymous"
    assert (speaker_name(found) or "").startswith("unnamed nurse")


@pytest.mark.parametrize("name", ["Harlow Mining", "Vantor Labs", "Acme Holdings"])
def test_a_name_with_an_organization_word_is_an_organization(name: str) -> None:
    found = one(f"{name} reported that the mine would close in May.")
    assert found.speaker is not None and found.speaker.kind == "organization"
    assert found.speaker.kind_certain


@pytest.mark.parametrize("name", ["Bloomberg", "Kestrel Analytics", "Zorvath"])
def test_a_capitalised_name_with_no_sign_of_a_person_is_an_organization(name: str) -> None:
    found = one(f"{name} reported that the mine would close in May.")
    assert found.speaker is not None and found.speaker.kind == "organization"
    assert not found.speaker.kind_certain  # the store may know a person by that name


@pytest.mark.parametrize(
    "text",
    [
        "Ingrid Halvorsen said the mine would close in May.",
        "Coach Halvorsen said the mine would close in May.",
        "Halvorsen said the mine would close in May, and she said it would not reopen.",
    ],
)
def test_a_given_name_a_role_or_a_pronoun_makes_a_person(text: str) -> None:
    assert all(a.speaker and a.speaker.kind == "person" for a in run(text))


def test_an_institution_named_with_a_preposition_is_not_cut_to_its_tail() -> None:
    found = one("The National Institute on Coastal Erosion has estimated that 900 homes flood.")
    assert speaker_name(found) != "Coastal Erosion"
    assert found.speaker is not None and found.speaker.kind == "organization"


def test_a_person_with_two_roles_joined_by_and_is_one_speaker() -> None:
    found = one("“The ice is thinner,” lead author and NOAA scientist Rhea Okonjo said.")
    assert speaker_name(found) == "Rhea Okonjo"


def test_a_person_and_their_team_speak_as_the_person() -> None:
    text = "Rhea Okonjo studies ice.\n“We measured it twice,” Okonjo and her team wrote."
    assert [speaker_name(a) for a in run(text) if a.speech] == ["Rhea Okonjo"]


def test_several_named_sources_joined_by_and_are_no_single_speaker() -> None:
    found = run("The Ledger and the Daily Courier reported that the plant would close.")
    assert all(a.speaker is None or a.speaker.name != "Daily Courier" for a in found)


@pytest.mark.parametrize(
    "subject, name",
    [
        ("Peru's energy ministry", "Peru's energy ministry"),
        ("Chile's mining ministry", "Chile's mining ministry"),
    ],
)
def test_a_ministry_named_by_its_field_is_an_organization(subject: str, name: str) -> None:
    found = one(f"{subject} said on Monday that the pipeline would reopen in June.")
    assert found.speaker is not None and found.speaker.kind == "organization"
    assert speaker_name(found) == name


def test_the_company_refers_back_to_the_business_just_named() -> None:
    text = (
        "Harrow Foods cut 300 jobs this year.\n"
        "The company, which is expected to close two plants, said on Monday that sales fell."
    )
    spoken = [a for a in run(text) if a.speech]
    assert [speaker_name(a) for a in spoken] == ["Harrow Foods"]


def test_the_company_is_never_the_news_agency_that_reported() -> None:
    text = (
        "Sales fell 4%, Reuters reported.\n"
        "The company said on Monday that it would appeal the fine."
    )
    spoken = [a for a in run(text) if a.speech and a.speaker is not None]
    assert [speaker_name(a) for a in spoken] == ["Reuters"]


def test_a_business_named_by_its_kind_is_the_business_just_named() -> None:
    text = (
        "Harrow Motors makes vans in Ohio.\n"
        "The Swedish carmaker, which builds them under licence, says the van will go 300 miles "
        "on a charge."
    )
    spoken = [a for a in run(text) if a.speech]
    assert [speaker_name(a) for a in spoken] == ["Harrow Motors"]


def test_a_country_s_ministry_is_one_organization() -> None:
    found = one("The Peruvian energy ministry said the pipeline would reopen in June.")
    assert speaker_name(found) == "Peruvian energy ministry"


def test_an_act_before_a_closing_source_does_not_cut_what_they_say() -> None:
    found = [
        a
        for a in run(
            "The strike may end if the mayor agrees to the union's terms, people close to the "
            "talks say."
        )
        if a.speech
    ]
    assert [a.quotations[0].text for a in found] == [
        "The strike may end if the mayor agrees to the union's terms"
    ]


@pytest.mark.parametrize(
    "introduction",
    ["Ngozi Ezeh, the mayor, toured the dam.", "Ezeh, a 54-year-old nurse, toured the dam."],
)
def test_an_apposition_with_a_role_says_a_name_is_a_person_s(introduction: str) -> None:
    found = run(f"{introduction}\nEzeh said the dam would hold.")
    assert [a.speaker.kind for a in found if a.speaker is not None] == ["person"]


@pytest.mark.parametrize(
    "full, short",
    [("Kraftwerk", "KW"), ("Harrow Motors", "HM"), ("Tessel Biomedical Group", "TBG")],
)
def test_an_organization_s_acronym_is_the_organization(full: str, short: str) -> None:
    text = f"{full} said the plant would reopen in May.\n{short} says it could hire 300 people."
    assert [speaker_name(a) for a in run(text)] == [full, full]


def test_an_acronym_two_organizations_could_stand_for_is_left_alone() -> None:
    text = (
        "Harrow Motors said the plant would reopen in May.\n"
        "Hill Mining said the mine would close.\n"
        "HM says it could hire 300 people."
    )
    assert [speaker_name(a) for a in run(text)][-1] == "HM"


@pytest.mark.parametrize("name", ["Georgia", "Jordan", "Chelsea"])
def test_a_single_word_in_the_name_list_is_no_proof_of_a_person(name: str) -> None:
    found = one(f"{name} says it will open a new office in May.")
    assert found.speaker is not None and found.speaker.kind == "organization"


def test_a_given_name_inside_a_longer_name_is_proof_of_a_person() -> None:
    found = one("Rovers FC Sheldon Wickes said the league should act on the fight.")
    assert found.speaker is not None and found.speaker.kind == "person"


def test_a_name_completing_a_description_is_not_the_speaker() -> None:
    found = one("Maria Lund, the sister of the late mayor, Erik Lund, said the statue would stay.")
    assert speaker_name(found) == "Maria Lund"


def test_the_agency_refers_back_to_a_named_body() -> None:
    text = (
        "NOAA said the storm would turn north on Friday.\n"
        "The reef is at risk, according to the agency."
    )
    assert [speaker_name(a) for a in run(text) if a.speech] == ["NOAA", "NOAA"]
