"""The ``saidwho`` command, run as a real process against a real store file."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def saidwho(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SAIDWHO_DATABASE_URL": f"sqlite:///{store}"}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def count(store: Path, table: str) -> int:
    with sqlite3.connect(store) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "saidwho.db"


def test_migrate_creates_the_schema(store: Path) -> None:
    result = saidwho(store, "migrate")
    assert result.returncode == 0, result.stderr
    assert count(store, "quote") == 0


def test_seed_is_idempotent(store: Path) -> None:
    first = saidwho(store, "seed")
    assert first.returncode == 0, first.stderr
    assert "16 quotes" in first.stdout
    second = saidwho(store, "seed")
    assert second.returncode == 0 and "nothing changed" in second.stdout
    assert (count(store, "article"), count(store, "quote"), count(store, "speaker")) == (1, 16, 5)


def test_keys_create_prints_the_key_alone_on_its_last_line(store: Path) -> None:
    result = saidwho(store, "keys", "create", "newsdesk")
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip().splitlines()[-1]
    assert key.startswith("sw_") and " " not in key and len(key) > 40
    with sqlite3.connect(store) as connection:
        stored = connection.execute("SELECT name, prefix, secret_hash FROM api_key").fetchall()
    assert len(stored) == 1 and stored[0][0] == "newsdesk"
    assert key.split("_", 2)[2] not in repr(stored)


def test_no_arguments_shows_help(store: Path) -> None:
    result = saidwho(store)
    assert "serve" in result.stdout + result.stderr
