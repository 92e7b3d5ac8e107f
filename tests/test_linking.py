"""Who a mention is, across articles: namesakes stay apart, a unique fit links, nothing is
decided by popularity."""

import datetime as dt

from sqlalchemy import Engine
from sqlmodel import Session, select

from app.db import session_scope
from app.ingest.store import ingest_article
from app.keys import create_key
from app.models import Quote, Speaker, SpeakerAlias
from app.models.public import SpeakerPatch
from app.speakers.admin import edit_speaker


def _post(engine: Engine, text: str, publisher: str = "Variety") -> int:
    with session_scope(engine) as session:
        result = ingest_article(
            session, title="t", publisher=publisher, published_on=dt.date(2024, 9, 20), text=text
        )
        assert result.article.id is not None
        return result.article.id


def _speakers(engine: Engine, article_id: int) -> set[str]:
    with Session(engine) as session:
        return set(session.exec(select(Quote.speaker_id).where(Quote.article_id == article_id)))


def test_a_namesake_with_another_given_name_is_a_new_speaker(seeded: Engine) -> None:
    first = _post(
        seeded,
        "Film director Sam Cameron said Thursday that his film would be shot underwater.\n"
        "“We built the deepest tank yet,” Cameron told reporters.",
    )
    assert _speakers(seeded, first) == {"sam-cameron"}
    later = _post(seeded, "“The sea is the star,” Sam Cameron said at a screening.")
    assert _speakers(seeded, later) == {"sam-cameron"}
    with Session(seeded) as session:
        aliases = set(
            session.exec(select(SpeakerAlias.key).where(SpeakerAlias.speaker_id == "david-cameron"))
        )
    assert "sam cameron" not in aliases


def test_a_surname_alone_links_to_the_one_known_speaker_with_it(seeded: Engine) -> None:
    article = _post(seeded, "“Sanctions have never worked,” Peskov told journalists.", "TASS")
    assert _speakers(seeded, article) == {"dmitry-peskov"}


def test_a_contradicting_role_does_not_link(seeded: Engine) -> None:
    article = _post(
        seeded, "Chef Dmitry Peskov said the soup would be ready at noon.", "Food Weekly"
    )
    assert _speakers(seeded, article) == {"dmitry-peskov-2"}


def test_aliases_learnt_from_an_article_remember_it(seeded: Engine) -> None:
    article = _post(seeded, "Mayor Ann Reyes said the bridge would open in May.", "UPI")
    with Session(seeded) as session:
        learnt = session.exec(
            select(SpeakerAlias.article_id).where(SpeakerAlias.speaker_id == "ann-reyes")
        ).all()
    assert learnt and set(learnt) == {article}


def test_the_same_text_with_other_line_ends_and_spaces_is_the_same_article(
    seeded: Engine,
) -> None:
    text = "Mayor Ann Reyes said the bridge would open in May.\nIt is late."
    first = _post(seeded, text, "UPI")
    again = _post(seeded, text.replace("\n", "\r\n") + "  \n", "UPI")
    assert again == first


def test_a_bare_surname_the_store_knows_as_a_person_links_to_that_person(seeded: Engine) -> None:
    # The article gives no sign that "Peskov" is a person; the store knows Dmitry Peskov.
    later = _post(seeded, "Peskov said the new sanctions would change nothing.")
    assert _speakers(seeded, later) == {"dmitry-peskov"}


def test_a_bare_name_nobody_is_known_by_is_stored_as_an_organization(seeded: Engine) -> None:
    article = _post(seeded, "Zorvath reported that the mine would close in May.")
    with Session(seeded) as session:
        kinds = set(
            session.exec(
                select(Speaker.kind)
                .join(Quote, Quote.speaker_id == Speaker.id)  # type: ignore[arg-type]
                .where(Quote.article_id == article)
            )
        )
    assert kinds == {"organization"}


def test_a_person_stored_under_a_surname_takes_the_full_name_a_later_article_gives(
    seeded: Engine,
) -> None:
    first = _post(seeded, "Mayor Okafor said the bridge would open in June.")
    assert _speakers(seeded, first) == {"okafor"}
    later = _post(
        seeded,
        "Adaeze Okafor, the mayor, toured the site on Friday.\n"
        "Okafor said the bridge would open in July.",
    )
    assert _speakers(seeded, later) == {"okafor"}  # the same person, the same id
    with Session(seeded) as session:
        speaker = session.get(Speaker, "okafor")
        assert speaker is not None and speaker.name == "Adaeze Okafor"


def test_a_person_a_reviewer_edited_keeps_the_name_they_chose(seeded: Engine) -> None:
    _post(seeded, "Mayor Okafor said the bridge would open in June.")
    with session_scope(seeded) as session:
        key = create_key(session, "desk", admin=True).record
        edit_speaker(session, "okafor", SpeakerPatch(role="Mayor of Springfield"), key)
    _post(
        seeded,
        "Adaeze Okafor, the mayor, toured the site on Friday.\n"
        "Okafor said the bridge would open in July.",
    )
    with Session(seeded) as session:
        speaker = session.get(Speaker, "okafor")
        assert speaker is not None and speaker.name == "Okafor"


def test_an_organization_named_with_and_without_its_the_is_one_speaker(seeded: Engine) -> None:
    first = _post(
        seeded,
        "Acme’s parent company, The Halden Group, announced on Monday that it would sell "
        "the plant.",
    )
    assert _speakers(seeded, first) == {"the-halden-group"}
    later = _post(seeded, "Halden Group said on Tuesday that the sale had closed.")
    assert _speakers(seeded, later) == {"the-halden-group"}


def test_namesakes_the_linker_cannot_choose_between_gather_in_one_speaker_not_one_each(
    seeded: Engine,
) -> None:
    # Two people answer to "Maria Lindqvist" once the chef is stored: a mention with no role
    # could be either. The first such mention makes a third; every later one joins it.
    _post(seeded, "Senator Maria Lindqvist said the bill would pass in March.", "UPI")
    _post(seeded, "Chef Maria Lindqvist said the menu would change in spring.", "Food Weekly")
    plain = [
        _post(seeded, f"“{words},” Maria Lindqvist said on {day}.", "AP")
        for words, day in (
            ("We are not done yet", "Monday"),
            ("The numbers are not there", "Tuesday"),
            ("Ask me again next week", "Friday"),
        )
    ]
    linked = [_speakers(seeded, article) for article in plain]
    assert linked[0] == linked[1] == linked[2] and len(linked[0]) == 1
    with Session(seeded) as session:
        namesakes = session.exec(select(Speaker.id).where(Speaker.name == "Maria Lindqvist")).all()
    assert len(namesakes) == 3
