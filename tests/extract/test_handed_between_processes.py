"""What the extractor finds crosses from an ingest's reader processes to the writer by pickle:
it must arrive whole, with the sharing the writer relies on (one speaker object for all of its
mentions, a continued quotation the very one it continues)."""

import dataclasses
import datetime as dt
import pickle
from pathlib import Path

from app.extract.model import Attribution
from app.ingest.reading import read_quotations

SEED = Path(__file__).parents[2] / "seed" / "upi-2024-05-31-kharkiv.txt"


def _found() -> list[Attribution]:
    return read_quotations(SEED.read_text(), dt.date(2024, 5, 31)).attributions


def test_attributions_arrive_equal_after_pickling() -> None:
    found = _found()
    back = pickle.loads(pickle.dumps(found))
    assert [dataclasses.asdict(a) for a in back] == [dataclasses.asdict(a) for a in found]
    assert [type(a) for a in back] == [type(a) for a in found]


def test_shared_speakers_and_continued_quotations_stay_shared() -> None:
    found = _found()
    back = pickle.loads(pickle.dumps(found))
    speakers = [a.speaker for a in found]
    shared = [
        (i, j)
        for i in range(len(found))
        for j in range(i + 1, len(found))
        if speakers[i] is not None and speakers[i] is speakers[j]
    ]
    assert shared  # the seed quotes Blinken more than once
    assert all(back[i].speaker is back[j].speaker for i, j in shared)
    continued = [(a, q) for a in back for q in a.quotations if q.continues is not None]
    assert continued  # the seed has a quote running over two paragraphs
    assert all(any(q.continues is other for other in a.quotations) for a, q in continued)
