"""How a long ingest shows where it is: a progress bar with rate and time left on a terminal
(rich), plain lines every few seconds when the output goes to a file or a CI log, and one
line per article when there are few or ``--verbose`` asks."""

import sys
import time
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from app.ingest.archive import Failed, Skipped, Stored, Tally

# A plain line at most this often when not on a terminal.
EVERY_SECONDS = 5.0


class Shown:
    """A ``Report`` for ``archive.run`` and the summary at the end."""

    def __init__(
        self, total: int | None, *, each: bool, bar: bool | None = None, out: TextIO = sys.stdout
    ) -> None:
        self.total = total
        self.each = each
        self.out = out
        self.bar: Progress | None = None
        self.task: TaskID | None = None
        self.last_line = time.monotonic()
        if bar if bar is not None else sys.stderr.isatty():
            self.bar = Progress(
                TextColumn("ingesting"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]} articles/s"),
                TimeElapsedColumn(),
                TextColumn("left"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )

    def __enter__(self) -> "Shown":
        if self.bar is not None:
            self.bar.start()
            self.task = self.bar.add_task("ingest", total=self.total, rate="0")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        _trace: TracebackType | None,
    ) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __call__(self, outcome: Stored | Skipped | Failed, tally: Tally) -> None:
        if isinstance(outcome, Failed):
            print(f"error: {outcome.reason}", file=sys.stderr)
        elif self.each and isinstance(outcome, Stored):
            note = f", {outcome.unattributed} unattributed" if outcome.unattributed else ""
            print(
                f"{outcome.where}: stored article {outcome.article_id} with "
                f"{outcome.quotes} quotes{note}",
                file=self.out,
            )
        elif self.each:
            print(
                f"{outcome.where}: already stored as article {outcome.article_id}; nothing changed",
                file=self.out,
            )
        rate = tally.done / max(time.monotonic() - tally.started, 1e-9)
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, completed=tally.done, rate=f"{rate:,.0f}")
        elif not self.each and time.monotonic() - self.last_line >= EVERY_SECONDS:
            self.last_line = time.monotonic()
            print(_line(tally, self.total, rate), file=sys.stderr, flush=True)

    def summary(self, tally: Tally) -> str:
        seconds = time.monotonic() - tally.started
        rate = tally.done / seconds if seconds > 0 else 0.0
        lines = [
            f"{tally.stored:,} stored with {tally.quotes:,} quotes"
            + (f" ({tally.unattributed:,} unattributed left out)" if tally.unattributed else "")
            + f", {tally.skipped:,} already stored, {tally.failed:,} failed;"
            + f" {tally.done:,} articles in {seconds:,.1f} s ({rate:,.1f}/s)"
        ]
        for reason, times in tally.reasons.most_common(10):
            lines.append(f"  failed {times:,}x: {reason}")
        return "\n".join(lines)


def _line(tally: Tally, total: int | None, rate: float) -> str:
    of = f"/{total:,}" if total else ""
    left = ""
    if total and rate > 0:
        left = f", about {max(total - tally.done, 0) / rate:,.0f} s left"
    return (
        f"{tally.done:,}{of} articles, {rate:,.1f}/s: {tally.stored:,} stored, "
        f"{tally.skipped:,} already stored, {tally.failed:,} failed{left}"
    )
