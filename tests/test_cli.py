"""The ``saidwho`` command, run as a real process against a real store file."""

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.conftest import saidwho as run_saidwho

pytestmark = [
    pytest.mark.sqlite_only,
    pytest.mark.slow,
]  # runs the command on SQLite files and reads them back


def saidwho(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_saidwho(*args, database_url=f"sqlite:///{store}")


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


def test_keys_are_made_with_a_scope_and_an_expiry_and_listed_with_them(store: Path) -> None:
    made = saidwho(
        store, "keys", "create", "dashboard", "--scope", "read", "--expires-in-days", "7"
    )
    assert made.returncode == 0, made.stderr
    assert "created read key 'dashboard', until" in made.stdout
    listed = saidwho(store, "keys", "list").stdout
    line = next(row for row in listed.splitlines() if "dashboard" in row)
    assert "\tread\t" in line and "never used" in line and "expires " in line and "live" in line
    assert made.stdout.strip().splitlines()[-1].split("_", 2)[2] not in listed
    clash = saidwho(store, "keys", "create", "x", "--admin", "--scope", "read")
    assert clash.returncode == 2 and "disagree" in clash.stderr


def test_keys_list_and_revoke_never_show_a_secret_and_revoke_at_once(store: Path) -> None:
    from fastapi.testclient import TestClient

    from app.config import Settings
    from app.main import create_app

    desk = saidwho(store, "keys", "create", "desk").stdout.strip().splitlines()[-1]
    wire = saidwho(store, "keys", "create", "wire").stdout.strip().splitlines()[-1]
    listed = saidwho(store, "keys", "list")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.strip().splitlines()
    assert [line.split("\t")[1] for line in lines] == ["desk", "wire"]
    assert all(line.endswith("live") for line in lines)
    for token in (desk, wire):
        assert token.split("_", 2)[2] not in listed.stdout
        assert f"sw_{token.split('_')[1]}_" in listed.stdout

    revoked = saidwho(store, "keys", "revoke", desk)  # the whole key, or only its prefix
    assert revoked.returncode == 0, revoked.stderr
    assert "revoked" in saidwho(store, "keys", "list").stdout.splitlines()[0]
    again = saidwho(store, "keys", "revoke", desk.split("_")[1])
    assert again.returncode == 1 and "no live key" in again.stderr

    settings = Settings(database_url=f"sqlite:///{store}")
    body = {"article": 1, "speaker": "x", "speaker_kind": "person", "kind": "partial", "text": "y"}
    with TestClient(create_app(settings)) as client:
        for token, status in ((desk, 401), (wire, 422)):  # 422: a live key, a bad article
            answer = client.post(
                "/v1/quotes", json=body, headers={"Authorization": f"Bearer {token}"}
            )
            assert answer.status_code == status


def test_copy_moves_a_whole_store_into_an_empty_one_and_refuses_a_full_one(
    store: Path, tmp_path: Path
) -> None:
    assert saidwho(store, "seed").returncode == 0
    assert saidwho(store, "keys", "create", "desk").returncode == 0
    target = tmp_path / "moved.db"
    copied = saidwho(target, "copy", f"sqlite:///{store}")
    assert copied.returncode == 0, copied.stderr
    assert "16 quote" in copied.stdout and "1 api_key" in copied.stdout
    for table in ("article", "quote", "speaker_alias", "api_key"):
        assert count(target, table) == count(store, table), table
    with sqlite3.connect(target) as db:  # the target's own full-text index was filled
        found = db.execute("SELECT rowid FROM quote_fts WHERE quote_fts MATCH 'escalation'")
        assert len(found.fetchall()) == 3
    again = saidwho(target, "copy", f"sqlite:///{store}")
    assert again.returncode == 1 and "not empty" in again.stderr
    assert count(target, "quote") == 16


def test_copy_from_a_mistyped_path_is_an_error_that_creates_nothing(
    store: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-store.db"
    copied = saidwho(store, "copy", f"sqlite:///{missing}")
    assert copied.returncode == 2
    assert "there is no SQLite store at" in copied.stderr
    assert not missing.exists()


def test_no_arguments_shows_help(store: Path) -> None:
    result = saidwho(store)
    assert "serve" in result.stdout + result.stderr


STORY = (
    "“This bridge will carry the city for a century,” Mayor Ann Reyes told NBC News.\n"
    "Council member Tom Price said the vote was rushed."
)


def test_ingest_stores_a_text_file_once(store: Path, tmp_path: Path) -> None:
    story = tmp_path / "council-bridge.txt"
    story.write_text(STORY, encoding="utf-8")
    options = ("--publisher", "Springfield Gazette", "--published-on", "2024-06-03")
    first = saidwho(store, "ingest", str(story), *options)
    assert first.returncode == 0, first.stderr
    assert "stored article 1 with 2 quotes" in first.stdout
    second = saidwho(store, "ingest", str(story), *options)
    assert second.returncode == 0 and "already stored as article 1" in second.stdout
    assert (count(store, "article"), count(store, "quote")) == (1, 2)
    with sqlite3.connect(store) as connection:
        title = connection.execute("SELECT title FROM article").fetchone()[0]
    assert title == "council bridge"


def test_ingest_reads_json_lines_with_their_own_metadata(store: Path, tmp_path: Path) -> None:
    lines = [
        {"title": "Bridge", "publisher": "Gazette", "published_on": "2024-06-03", "text": STORY},
        {"title": "Other", "outlet": "Herald", "date": "2024-06-04", "text": STORY + " Again."},
    ]
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    result = saidwho(store, "ingest", str(path))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(store) as connection:
        publishers = connection.execute("SELECT publisher_id FROM article ORDER BY id").fetchall()
    assert publishers == [("gazette",), ("herald",)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--published-on", "2024-06-03"), "needs --publisher"),
        (("--publisher", "Gazette", "--published-on", "June 3"), "--published-on 'June 3'"),
    ],
)
def test_ingest_refuses_a_command_line_that_lacks_what_text_files_need_before_writing(
    store: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    good = tmp_path / "good.json"
    fields = {"title": "Bridge", "publisher": "Gazette", "published_on": "2024-06-03"}
    good.write_text(json.dumps({**fields, "text": STORY + " Good."}), encoding="utf-8")
    bad = tmp_path / "story.txt"
    bad.write_text(STORY, encoding="utf-8")
    result = saidwho(store, "ingest", str(good), str(bad), *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not store.exists() or count(store, "article") == 0


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        ('{"title": "x", "publisher": "y", "published_on": "2024-06-03"}', ".json", "text"),
        ("not json", ".jsonl", "not JSON"),
        (
            '{"title": "x", "publisher": "y", "published_on": "3 June", "text": "z"}',
            ".json",
            "published_on",
        ),
    ],
)
def test_ingest_reports_and_skips_a_bad_article_and_stores_the_rest(
    store: Path, tmp_path: Path, content: str, suffix: str, message: str
) -> None:
    good = tmp_path / "good.json"
    fields = {"title": "Bridge", "publisher": "Gazette", "published_on": "2024-06-03"}
    good.write_text(json.dumps({**fields, "text": STORY + " Good."}), encoding="utf-8")
    bad = tmp_path / f"bad{suffix}"
    bad.write_text(content, encoding="utf-8")
    result = saidwho(store, "ingest", str(good), str(bad))
    assert result.returncode == 1
    assert f"bad{suffix}" in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr
    assert "1 stored" in result.stdout and "1 failed" in result.stdout
    assert count(store, "article") == 1


def test_synth_fills_an_empty_store_through_the_real_schema(store: Path) -> None:
    result = saidwho(store, "synth", "--quotes", "2500")
    assert result.returncode == 0, result.stderr
    assert "wrote 2,500 quotes" in result.stdout
    with sqlite3.connect(store) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        indexed = connection.execute("SELECT count(*) FROM quote_fts WHERE quote_fts MATCH 'the'")
        assert indexed.fetchone()[0] > 0
        # The phrase index holds every quote of two words or more, as the triggers would.
        paired = connection.execute(
            "SELECT count(*) FROM quote_pair_fts WHERE quote_pair_fts MATCH 'of_the'"
        ).fetchone()[0]
        listed = connection.execute(
            "SELECT count(*) FROM quote_fts WHERE quote_fts MATCH '\"of the\"'"
        ).fetchone()[0]
        assert paired == listed > 0
        # The counts per speaker and day are the quotes', as the triggers would keep them.
        counted = connection.execute("SELECT * FROM quote_day ORDER BY 1, 2").fetchall()
        grouped = connection.execute(
            "SELECT speaker_id, date, count(*) FROM quote GROUP BY 1, 2 ORDER BY 1, 2"
        ).fetchall()
        assert counted == grouped != []
        triggers = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'quote'"
        ).fetchone()[0]
    assert triggers == 9  # three for each index and for the counts
    again = saidwho(store, "synth", "--quotes", "10")
    assert again.returncode == 2 and "already has quotes" in again.stderr


def test_synth_groups_its_repeated_reports_as_grouping_would(store: Path) -> None:
    """Synth writes its quotations itself, for speed; they must be the ones the grouping
    rules make from the same quotes in the same order."""
    assert saidwho(store, "synth", "--quotes", "3000").returncode == 0

    def pairs() -> set[tuple[int, int]]:
        with sqlite3.connect(store) as connection:
            rows = connection.execute("SELECT id, quotation_id FROM quote ORDER BY id").fetchall()
        members: dict[int, list[int]] = {}
        for quote_id, quotation_id in rows:
            assert quotation_id is not None
            members.setdefault(quotation_id, []).append(quote_id)
        return {(a, b) for group in members.values() for a in group for b in group if a < b}

    written = pairs()
    with sqlite3.connect(store) as connection:
        repeated = connection.execute("SELECT count(*) FROM quotation WHERE reports > 1")
        assert repeated.fetchone()[0] > 100
        anchored = connection.execute("SELECT count(DISTINCT quotation_id) FROM quotation_anchor")
        quotations = connection.execute("SELECT count(*) FROM quotation")
        assert anchored.fetchone()[0] == quotations.fetchone()[0]
        connection.executescript(
            "UPDATE quote SET quotation_id = NULL; DELETE FROM quotation_anchor; "
            "DELETE FROM quotation;"
        )
    assert saidwho(store, "migrate").returncode == 0  # groups what has no quotation
    assert pairs() == written
