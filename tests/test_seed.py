"""The seed's attributions, pinned one by one: a wrong edit of seed/ fails here."""

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from app.config import Settings
from app.models import Article, Outlet, Quote, Speaker
from app.seed import SeedError, load_seed

D29, D02 = dt.date(2024, 5, 29), dt.date(2024, 5, 2)

# (speaker, outlet, kind, said_on, span, speaker_span, cue, continues, opening words)
EXPECTED = [
    ("unnamed-us-official", None, "indirect", None, (347, 593), (595, 609),
     "U.S. officials said", None, "U.S. President Joe Biden has for the first time"),
    ("unnamed-us-official", "cbs-news", "direct", None, (857, 1107), (1110, 1125),
     "a U.S. official told CBS News", None, "The president recently directed his team"),
    ("unnamed-us-official", "the-washington-post", "partial", None, (1250, 1333), (1141, 1152),
     "An official told The Washington Post", None, "hit back against Russian forces"),
    ("unnamed-us-official", "cbs-news", "direct", None, (1635, 1770), (1773, 1785),
     "the official told CBS News", None, "Our policy with respect to prohibiting"),
    ("unnamed-us-official", None, "partial", None, (1932, 2011), (1863, 1872),
     "officials insisting", None, "shooting down a Russian airplane"),
    ("antony-blinken", None, "partial", D29, (2531, 2551), (2483, 2485),
     "he told a press briefing", None, "adapted and adjusted"),
    ("antony-blinken", None, "partial", D29, (2614, 2649), (2483, 2485),
     "he told a press briefing", None, "pursuing its aggression, escalation"),
    ("antony-blinken", None, "direct", D29, (2653, 2898), (2999, 3006),
     "Blinken said", None, "We haven’t encouraged or enabled strikes"),
    ("antony-blinken", None, "direct", D29, (2900, 2996), (2999, 3006),
     "Blinken said", 8, "Another hallmark of our support"),
    ("antony-blinken", None, "direct", D29, (3014, 3244), None,
     None, 9, "As the conditions have changed"),
    ("david-cameron", None, "indirect", D02, (3575, 3714), (3531, 3569),
     "British Foreign Secretary Lord Cameron said", None, "Ukraine had the right to attack"),
    ("david-cameron", None, "direct", D02, (3717, 3846), (3849, 3851),
     "he said during a visit to Kyiv", None, "Just as Russia is striking inside Ukraine"),
    ("david-cameron", None, "partial", D02, (3955, 3979), (3849, 3851),
     "he said during a visit to Kyiv to deliver a British pledge", None,
     "for as long as necessary"),
    ("russia", None, "partial", None, (4442, 4470), (4381, 4387),
     "Russia rebuked Cameron over his May 2 comments calling them", None,
     "another very dangerous claim"),
    ("russia", None, "indirect", None, (4481, 4514), (4381, 4387),
     "warning", None, "they risked widening the conflict"),
    ("dmitry-peskov", None, "direct", None, (4517, 4645), (4653, 4684),
     "said Kremlin spokesman Dmitry Peskov", None, "This is a direct escalation of tension"),
]  # fmt: skip


def _quotes(engine: Engine) -> tuple[Article, list[Quote]]:
    with Session(engine) as session:
        article = session.exec(select(Article)).scalars().one()  # type: ignore[call-overload]
        quotes = list(session.execute(select(Quote).order_by(Quote.id)).scalars())  # type: ignore[arg-type]
        return article, quotes


def test_seed_stores_every_attribution_as_curated(seeded: Engine) -> None:
    article, quotes = _quotes(seeded)
    assert len(quotes) == len(EXPECTED)
    for quote, expected in zip(quotes, EXPECTED, strict=True):
        speaker, outlet, kind, said_on, span, speaker_span, cue, continues, opening = expected
        got = (quote.speaker_id, quote.outlet_id, quote.kind, quote.said_on)
        assert got == (speaker, outlet, kind, said_on), quote.text
        assert (quote.span_start, quote.span_end) == span, quote.text
        stored_speaker_span = (
            (quote.speaker_span_start, quote.speaker_span_end)
            if quote.speaker_span_start is not None
            else None
        )
        assert stored_speaker_span == speaker_span, quote.text
        assert quote.cue == cue
        assert quote.continues_id == continues
        assert quote.text.startswith(opening)
        assert article.text[quote.span_start : quote.span_end] == quote.text


def test_seed_dates_fall_back_to_publication_only_where_the_text_gives_none(
    seeded: Engine,
) -> None:
    article, quotes = _quotes(seeded)
    assert article.published_on == dt.date(2024, 5, 31)
    for quote in quotes:
        if quote.said_on is None:
            assert (quote.date, quote.said_on_precision) == (article.published_on, None)
        else:
            assert (quote.date, quote.said_on_precision) == (quote.said_on, "day")


def test_seed_quotes_carry_no_quote_marks_or_trailing_commas(seeded: Engine) -> None:
    _, quotes = _quotes(seeded)
    for quote in quotes:
        assert not set(quote.text[0] + quote.text[-1]) & set("“”\"' ,")


def test_seed_speaker_words_name_the_speaker(seeded: Engine) -> None:
    article, quotes = _quotes(seeded)
    named = {
        article.text[q.speaker_span_start : q.speaker_span_end]
        for q in quotes
        if q.speaker_span_start is not None and q.speaker_span_end is not None
    }
    assert named == {
        "U.S. officials", "a U.S. official", "An official", "the official", "officials", "he",
        "Blinken", "British Foreign Secretary Lord Cameron", "Russia",
        "Kremlin spokesman Dmitry Peskov",
    }  # fmt: skip


def test_seed_counts_by_speaker_and_outlet(seeded: Engine) -> None:
    with Session(seeded) as session:
        by_speaker = dict(
            session.execute(select(Quote.speaker_id, func.count()).group_by(Quote.speaker_id)).all()  # type: ignore[arg-type]
        )
        kinds = {s.id: s.kind for s in session.execute(select(Speaker)).scalars()}  # type: ignore[arg-type]
        outlets = {o.id for o in session.execute(select(Outlet)).scalars()}  # type: ignore[arg-type]
    assert by_speaker == {
        "unnamed-us-official": 5, "antony-blinken": 5, "david-cameron": 3, "russia": 2,
        "dmitry-peskov": 1,
    }  # fmt: skip
    assert kinds == {
        "unnamed-us-official": "anonymous", "antony-blinken": "person",
        "david-cameron": "person", "russia": "organization", "dmitry-peskov": "person",
    }  # fmt: skip
    assert outlets == {"upi", "cbs-news", "the-washington-post", "nbc-news"}


def test_seed_twice_changes_nothing(seeded: Engine, settings: Settings) -> None:
    before = _quotes(seeded)[1]
    again = load_seed(seeded, settings.seed_dir)
    after = _quotes(seeded)[1]
    assert not again.created
    assert [q.model_dump() for q in before] == [q.model_dump() for q in after]


def test_seed_article_is_the_shipped_text_byte_for_byte(seeded: Engine, settings: Settings) -> None:
    article, _ = _quotes(seeded)
    assert article.text == (settings.seed_dir / "upi-2024-05-31-kharkiv.txt").read_text("utf-8")


@pytest.fixture
def seed_copy(tmp_path: Path, settings: Settings) -> Path:
    folder = tmp_path / "seed-copy"
    shutil.copytree(settings.seed_dir, folder)
    return folder


def _edit_first_quote(folder: Path, **changes: object) -> None:
    path = folder / "attributions.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["quotes"][1].update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": "words the article never printed"}, "occurs 0 times"),
        ({"paragraph": 5}, "occurs 0 times"),
        ({"paragraph": 99}, "no paragraph 99"),
        ({"speaker_words": "Zelensky"}, "not in paragraph"),
        ({"continues": "no-such-key"}, "continues unknown"),
    ],
)
def test_seed_refuses_a_wrong_edit_and_writes_nothing(
    engine: Engine, seed_copy: Path, changes: dict[str, object], message: str
) -> None:
    _edit_first_quote(seed_copy, **changes)
    with pytest.raises(SeedError, match=message):
        load_seed(engine, seed_copy)
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(Article)).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(Speaker)).scalar_one() == 0
