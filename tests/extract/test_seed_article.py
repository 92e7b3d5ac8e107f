"""The seed article read as if it were new: the extractor must find what the editors marked."""

from app.config import PROJECT_ROOT
from app.extract import Attribution, Speaker, extract
from app.names import name_key
from app.seed import SeedFile, read_seed

SEED, TEXT = read_seed(PROJECT_ROOT / "seed")


def seed_speaker_of(speaker: Speaker, seed: SeedFile) -> str:
    """The seed speaker whose names include the extracted speaker's name or a mention of it."""
    names = {name_key(n) for n in (speaker.name, *speaker.mentions)}
    owners = {
        s.id for s in seed.speakers if names & {name_key(n) for n in (s.id, s.name, *s.aliases)}
    }
    assert len(owners) == 1, (speaker.name, owners)
    return owners.pop()


def seed_outlet_of(outlet: str | None, seed: SeedFile) -> str | None:
    if outlet is None:
        return None
    owners = [
        o.id
        for o in seed.outlets
        if name_key(outlet) in {name_key(n) for n in (o.name, *o.aliases)}
    ]
    assert len(owners) == 1, outlet
    return owners[0]


def stored(found: list[Attribution]) -> set[tuple[str, str, str, str | None]]:
    """What ingestion would keep: speech with a resolved speaker, one row per quotation."""
    return {
        (q.kind, q.text, seed_speaker_of(a.speaker, SEED), seed_outlet_of(a.outlet, SEED))
        for a in found
        if a.speech and a.speaker is not None
        for q in a.quotations
    }


def test_every_quote_in_the_seed_is_found_with_its_speaker_and_outlet_and_nothing_else():
    found = extract(TEXT, SEED.article.published_on)
    expected = {(q.kind, q.text, q.speaker, q.outlet) for q in SEED.quotes}
    assert stored(found) == expected


def test_blinkens_quotes_are_dated_wednesday_and_run_over_three_paragraphs():
    found = extract(TEXT, SEED.article.published_on)
    blinken = [a for a in found if a.speaker and a.speaker.name == "Antony Blinken"]
    assert {a.said_on.date.isoformat() for a in blinken if a.said_on} == {"2024-05-29"}
    direct = [a for a in blinken if a.kind == "direct"]
    assert len(direct) == 1 and len(direct[0].quotations) == 3
    assert [q.speaker_named for q in direct[0].quotations] == [True, True, False]


def test_he_in_the_seed_resolves_to_blinken_and_to_cameron():
    found = extract(TEXT, SEED.article.published_on)
    by_mention = {
        (a.speaker_span.of(TEXT), a.quotations[0].text[:20]): a.speaker.name
        for a in found
        if a.speaker and a.speaker_span and a.speaker_span.of(TEXT) == "he"
    }
    assert set(by_mention.values()) == {"Antony Blinken", "Lord Cameron"}
