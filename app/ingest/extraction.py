"""Extraction apart from storing: ``saidwho extract`` reads an archive's articles and writes
what it found in them as files (``extracted``'s format), with no store at all, on this machine's
processes or on a Dask cluster; ``saidwho load`` stores those files with the set-based writer.

The work is cut into shares: each input file, or every n-th article of it when there are fewer
files than workers, is one task, which writes one output file (gzipped JSON Lines) under a name
that says which share it holds. A share whose file is there already is not read again, so an
interrupted run is resumed by running it again. Every line carries its article's place in the
input (file, then record), and ``load`` stores the articles in that order whatever share or
machine read them: the store ends the same as after ``saidwho ingest`` of the same input.

On a cluster, every worker must see the input files and the output folder at the same paths
(a shared file system or a mount of the same bucket) and run the same version of saidwho.
"""

import gzip
import hashlib
import heapq
import json
import os
import socket
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from app.ingest.archive import Failed, Outcome, Prepared, read_source
from app.ingest.extracted import FormatError, dumps, failed_line, loads
from app.ingest.files import Defaults, sources
from app.ingest.reading import Bounds

SUFFIX = ".jsonl.gz"


@dataclass(frozen=True)
class Share:
    """One task: the articles of the ``index``-th input file whose place in it, counted from
    0, leaves ``part`` when divided by ``parts``."""

    path: str
    index: int
    part: int
    parts: int

    @property
    def name(self) -> str:
        """The output file's name: the input's name and a digest of its full path (two files
        of one name in different folders), then the share."""
        digest = hashlib.sha256(self.path.encode()).hexdigest()[:10]
        stem = Path(self.path).name.split(".")[0][:60] or "input"
        return f"{self.index:05d}-{stem}-{digest}-{self.part + 1:03d}of{self.parts:03d}{SUFFIX}"


@dataclass(frozen=True)
class Done:
    """What one share's task did."""

    share: Share
    read: int
    failed: int
    resumed: bool
    # The machine and process that did it.
    by: str = ""


def shares(paths: list[Path], workers: int) -> list[Share]:
    """The tasks for these files: a file each, or, with fewer files than two per worker,
    each file cut into as many shares as that takes."""
    parts = max(1, -(-2 * workers // max(1, len(paths))))
    return [Share(str(p), n, k, parts) for n, p in enumerate(paths) for k in range(parts)]


def extract_share(share: Share, out: str, defaults: Defaults, bounds: Bounds | None) -> Done:
    """Reads the share's articles and writes what was found in them to its file in ``out``
    (written whole under another name first, then renamed: a file that is there is whole)."""
    target = Path(out) / share.name
    by = f"{socket.gethostname()}:{os.getpid()}"
    if target.exists():
        return Done(share, 0, 0, resumed=True, by=by)
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    read = failed = 0
    with gzip.open(partial, "wt", encoding="utf-8") as stream:
        for number, source in enumerate(sources([Path(share.path)])):
            if number % share.parts != share.part:
                continue
            outcome = read_source(source, defaults, bounds)
            place = {"at": [share.index, number]}
            if isinstance(outcome, Prepared):
                line = dumps(outcome.where, outcome.article, outcome.read, place)
                read += 1
            else:
                assert isinstance(outcome, Failed)
                line = failed_line(outcome.where, outcome.reason, place)
                failed += 1
            stream.write(line + "\n")
    os.replace(partial, target)
    return Done(share, read, failed, resumed=False, by=by)


def run_local(
    tasks: list[Share],
    out: Path,
    defaults: Defaults,
    bounds: Bounds | None,
    jobs: int,
    done: Callable[[Done], None],
) -> None:
    """Every share on ``jobs`` processes of this machine."""
    out.mkdir(parents=True, exist_ok=True)
    if jobs <= 1:
        for task in tasks:
            done(extract_share(task, str(out), defaults, bounds))
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(extract_share, t, str(out), defaults, bounds) for t in tasks]
        for future in as_completed(futures):
            done(future.result())


def run_on_cluster(
    address: str,
    tasks: list[Share],
    out: Path,
    defaults: Defaults,
    bounds: Bounds | None,
    done: Callable[[Done], None],
) -> None:
    """Every share on the Dask cluster whose scheduler is at ``address``, a task each."""
    from distributed import Client
    from distributed import as_completed as finished

    out.mkdir(parents=True, exist_ok=True)
    with Client(address) as client:  # type: ignore[no-untyped-call]  # distributed is untyped
        futures = client.map(
            extract_share,
            tasks,
            out=str(out.resolve()),
            defaults=defaults,
            bounds=bounds,
            pure=False,
            retries=1,
        )
        for future in finished(futures):  # type: ignore[no-untyped-call]
            done(future.result())


def workers_of(address: str) -> int:
    """How many workers the cluster has now (at least one)."""
    from distributed import Client

    with Client(address) as client:  # type: ignore[no-untyped-call]
        return max(1, len(client.scheduler_info().get("workers", {})))


def extracted(folder: Path) -> Iterator[Outcome]:
    """Every article of the files ``extract`` wrote in ``folder``, in the order of the input
    they were read from, read a line at a time from every file at once (memory stays flat)."""
    files = sorted(folder.glob(f"*{SUFFIX}"))
    streams = [_lines(path) for path in files]
    for _, outcome in heapq.merge(*streams, key=lambda item: item[0]):
        yield outcome


def _lines(path: Path) -> Iterator[tuple[tuple[int, int], Outcome]]:
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            where = f"{path.name}:{number}"
            try:
                place = tuple(json.loads(line).get("at") or (0, 0))
                found = loads(line)
            except (FormatError, ValueError, AttributeError) as error:
                yield (1 << 62, number), Failed(where, f"{where}: {error}")
                continue
            at = (int(place[0]), int(place[1]))
            if len(found) == 2:
                yield at, Failed(found[0], str(found[1]))
            else:
                yield at, Prepared(found[0], found[1], found[2])


def count_lines(folder: Path) -> int:
    return sum(_count(path) for path in sorted(folder.glob(f"*{SUFFIX}")))


def _count(path: Path) -> int:
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        return sum(1 for _ in stream)


def summary(done: Iterable[Done]) -> tuple[int, int, int]:
    """(articles read, failed, shares resumed)."""
    items = list(done)
    return (
        sum(d.read for d in items),
        sum(d.failed for d in items),
        sum(1 for d in items if d.resumed),
    )
