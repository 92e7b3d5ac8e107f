"""A consistent copy of a SQLite store while it serves: SQLite's online backup in one pass,
which reads one snapshot while writers go on, then an integrity check of the copy."""

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.db import merge_log, sqlite_path


class BackupError(Exception):
    """The copy could not be made, or is not sound."""


@dataclass(frozen=True)
class Backup:
    path: Path
    quotes: int
    articles: int
    bytes: int


def backup(database_url: str, target: Path) -> Backup:
    source_path = sqlite_path(database_url)
    if source_path is None:
        raise BackupError("backup copies a SQLite file; for PostgreSQL use pg_dump")
    if not Path(source_path).exists():
        raise BackupError(f"there is no store at {source_path}")
    if target.exists():
        raise BackupError(f"{target} already exists; back up to a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    merge_log(database_url)  # the store file then holds every write, for anyone who copies it
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # all pages in one step: one snapshot, however busy the writers
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"the copy failed its integrity check: {verdict}")
        copy.execute("INSERT INTO quote_fts(quote_fts, rank) VALUES ('integrity-check', 1)")
        copy.execute("INSERT INTO quote_pair_fts(quote_pair_fts) VALUES ('integrity-check')")
        quotes = copy.execute("SELECT count(*) FROM quote").fetchone()[0]
        articles = copy.execute("SELECT count(*) FROM article").fetchone()[0]
    except sqlite3.DatabaseError as error:
        copy.close()
        target.unlink(missing_ok=True)
        raise BackupError(f"the copy failed: {error}") from None
    finally:
        source.close()
    copy.close()
    return Backup(target, int(quotes), int(articles), target.stat().st_size)
