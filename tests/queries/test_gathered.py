"""Requests for rows by key that wait at one moment share a statement; each still gets its
own row, its own failure, or nothing when it went away."""

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from app.queries.gathered import Failed, GatheredReads


class Table:
    """Rows by key, read a list of keys at a time, as a statement would; each list noted."""

    def __init__(self, rows: dict[int, str], fail_on: int | None = None) -> None:
        self.rows = rows
        self.fail_on = fail_on
        self.asked: list[list[int]] = []

    async def fetch(self, keys: list[int]) -> Sequence[Sequence[Any]]:
        self.asked.append(keys)
        await asyncio.sleep(0)  # a round trip: others arrive meanwhile
        if self.fail_on in keys:
            raise LookupError(f"cannot read {self.fail_on}")
        return [(k, self.rows[k]) for k in keys if k in self.rows]


def test_requests_waiting_together_share_one_statement_and_get_their_own_rows() -> None:
    table = Table({n: f"row {n}" for n in range(50)})
    reads = GatheredReads(table.fetch, readers=1)

    async def many() -> list[Any]:
        return await asyncio.gather(*(reads.row(n) for n in [7, 3, 7, 99, 0]))

    answers = asyncio.run(many())
    assert answers == [(7, "row 7"), (3, "row 3"), (7, "row 7"), None, (0, "row 0")]
    assert table.asked == [[0, 3, 7, 99]]


def test_a_request_alone_is_read_at_once_and_a_crowd_past_the_most_in_several() -> None:
    table = Table({n: str(n) for n in range(300)})
    reads = GatheredReads(table.fetch, readers=1, most=100)

    async def alone_then_crowd() -> list[Any]:
        first = await reads.row(5)
        crowd = await asyncio.gather(*(reads.row(n) for n in range(250)))
        return [first, *crowd]

    answers = asyncio.run(alone_then_crowd())
    assert answers == [(5, "5"), *((n, str(n)) for n in range(250))]
    assert [len(keys) for keys in table.asked] == [1, 100, 100, 50]


def test_a_failed_statement_fails_each_request_it_held_and_the_next_is_read_again() -> None:
    table = Table({n: str(n) for n in range(10)}, fail_on=4)
    reads = GatheredReads(table.fetch, readers=1)

    async def failing_then_fine() -> tuple[list[Any], Any]:
        held = await asyncio.gather(*(reads.row(n) for n in (1, 4, 2)), return_exceptions=True)
        return held, await reads.row(2)

    held, after = asyncio.run(failing_then_fine())
    assert all(isinstance(error, Failed) for error in held)
    assert len({id(error) for error in held}) == 3  # each its own
    assert all(isinstance(error.__cause__, LookupError) for error in held)
    assert after == (2, "2") and reads.reading == 0


def test_a_request_that_went_away_is_not_read() -> None:
    table = Table({n: str(n) for n in range(10)})
    reads = GatheredReads(table.fetch, readers=1)

    async def one_gives_up() -> Any:
        first = asyncio.ensure_future(reads.row(1))  # read alone, at once
        await asyncio.sleep(0)
        gone = asyncio.ensure_future(reads.row(2))
        kept = asyncio.ensure_future(reads.row(3))
        await asyncio.sleep(0)
        gone.cancel()
        with pytest.raises(asyncio.CancelledError):
            await gone
        return await first, await kept

    assert asyncio.run(one_gives_up()) == ((1, "1"), (3, "3"))
    assert table.asked == [[1], [3]]
