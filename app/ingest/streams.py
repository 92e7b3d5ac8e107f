"""Archive files read as bounded streams: however a file is made (a gzip bomb, one line of a
gigabyte), reading it holds at most one record in memory and stops early.

Two caps: no one record (a line of JSON Lines, a whole page or JSON file) past ``MAX_RECORD``
bytes, and no gzip member growing past ``MAX_RATIO`` times the compressed bytes read (text
compresses 3 to 10 times; a run of zeros a thousand times). A record past the cap is reported
and skipped; a file past the ratio is given up from that point, what came before kept.
"""

import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

# One article's record: a page is at most 5 MB, and its JSON escaping may double that.
MAX_RECORD = 16 * 2**20
# A JSON file is parsed whole (a list of articles): past this, JSON Lines is the form to use.
MAX_JSON_FILE = 128 * 2**20
MAX_RATIO = 100
# The ratio is judged once this much has come out: a small file's header and dictionary
# make its first bytes expand far more than its whole does.
_RATIO_FROM = 4 * 2**20
_STEP = 2**20


class Unreadable(Exception):
    """A file that cannot be read on from here; the message says why, without the path."""


class TooLarge(Exception):
    """One record over the cap; the reading goes on after it."""


class _Stream:
    """Reads a file, gunzipping it when it is gzip, and counts what comes out."""

    def __init__(self, raw: BinaryIO, gzipped: bool) -> None:
        self.raw = raw
        self.source: BinaryIO | gzip.GzipFile = gzip.GzipFile(fileobj=raw) if gzipped else raw
        self.gzipped = gzipped
        self.out = 0

    def readline(self, limit: int) -> bytes:
        return self._count(self.source.readline(limit))

    def read(self, limit: int) -> bytes:
        return self._count(self.source.read(limit))

    def _count(self, data: bytes) -> bytes:
        self.out += len(data)
        if self.gzipped and self.out > _RATIO_FROM and self.out > MAX_RATIO * self.raw.tell():
            raise Unreadable(
                f"it expands over {MAX_RATIO} times its compressed size "
                "(a damaged or hostile archive); the rest of it is skipped"
            )
        return data


@contextmanager
def _opened(path: Path) -> Iterator[_Stream]:
    try:
        with path.open("rb") as raw:
            yield _Stream(raw, path.suffix.lower() == ".gz")
    except (OSError, EOFError) as error:  # a truncated or corrupt .gz, an unreadable file
        raise Unreadable(f"cannot be read ({error})") from None


def records(path: Path, cap: int = MAX_RECORD) -> Iterator[tuple[int, bytes | TooLarge]]:
    """Each non-blank line of ``path`` with its number, or TooLarge for a line over ``cap``
    (skipped without being held); Unreadable when the file breaks off."""
    with _opened(path) as stream:
        number = 0
        while line := stream.readline(cap + 1):
            number += 1
            if len(line) > cap and not line.endswith(b"\n"):
                while (rest := stream.readline(_STEP)) and not rest.endswith(b"\n"):
                    pass
                yield number, TooLarge(f"the line is over {cap:,} bytes")
            elif line.strip():
                yield number, line


def whole(path: Path, cap: int = MAX_RECORD) -> bytes:
    """All of ``path``, TooLarge past ``cap`` bytes; Unreadable when it cannot be read."""
    with _opened(path) as stream:
        data = stream.read(cap + 1)
    if len(data) > cap:
        raise TooLarge(f"the file is over {cap:,} bytes")
    return data
