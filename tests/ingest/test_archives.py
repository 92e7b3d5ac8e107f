"""``saidwho ingest`` of whole archives: directories, globs, JSON Lines and gzip; worker
processes; resuming after a kill; several ingesters on one store; what it shows while it runs."""

import io
import json
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.articles.store import content_hash
from app.config import Settings
from app.ingest import progress
from app.ingest.archive import READERS_YIELD, Failed, Stored, Tally, _start_worker_process
from app.ingest.files import Defaults
from tests.ingest.conftest import articles, command, scalar, start, stored, write_lines

pytestmark = pytest.mark.slow  # runs the command, and worker processes

PAGES = Path(__file__).parent / "pages"


def test_directories_globs_json_lines_and_gzip_are_read_and_each_file_once(
    url: str, tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    (archive / "2025" / "pages").mkdir(parents=True)
    items = articles(9)
    write_lines(archive / "2025" / "wire.jsonl.gz", items[:5])
    page = {"html": (PAGES / "metadata-date.html").read_text(encoding="utf-8"),
            "url": "https://fieldnotes.example/wheat"}  # fmt: skip
    write_lines(archive / "feed.ndjson", [*items[5:], page])
    shutil.copy(PAGES / "wire.html", archive / "2025" / "pages" / "harbor.html")
    (archive / "cover.png").write_bytes(b"\x89PNG not an article")
    # The glob names a file the directory holds already: it is read once.
    result = command(url, "ingest", str(archive), str(archive / "2025" / "*.jsonl.gz"))
    assert result.returncode == 0, result.stderr
    assert "11 stored with" in result.stdout and "0 failed" in result.stdout
    assert scalar(url, "SELECT count(*) FROM article") == 11
    # A record holding a page is read as the page: its date from its metadata, its address given.
    assert (
        scalar(
            url,
            "SELECT count(*) FROM article WHERE url = 'https://fieldnotes.example/wheat'"
            " AND published_on = '2025-02-19' AND text LIKE 'A team at the Plains%'",
        )
        == 1
    )
    assert scalar(url, "SELECT count(*) FROM quote") > 50


def test_two_worker_processes_store_exactly_what_one_process_stores(tmp_path: Path) -> None:
    from tests.conftest import store_url

    archive = write_lines(tmp_path / "archive.jsonl", articles(24, seed=3))
    one, two = store_url(tmp_path / "one"), store_url(tmp_path / "two")
    first = command(one, "ingest", str(archive), "--jobs", "1")
    second = command(two, "ingest", str(archive), "--jobs", "2", "--batch", "5")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert stored(one) == stored(two)
    assert len(stored(one)) > 100


def test_texts_ingested_are_known_by_their_hash_to_every_other_way_in(
    url: str, tmp_path: Path
) -> None:
    """The readers work out each text's hash and hand it to the writer: what is stored is
    the hash the API and a later ingest look the text up by."""
    items = articles(12, seed=4)
    archive = write_lines(tmp_path / "archive.jsonl", items)
    done = command(url, "ingest", str(archive), "--jobs", "2", "--batch", "5")
    assert done.returncode == 0, done.stderr
    engine = create_engine(url)
    with engine.connect() as connection:
        hashes = dict(connection.execute(text("SELECT title, content_hash FROM article")).all())
    engine.dispose()
    assert hashes == {item["title"]: content_hash(item["text"]) for item in items}


def test_an_ingest_killed_midway_resumes_without_storing_anything_twice(
    url: str, tmp_path: Path
) -> None:
    items = articles(60, seed=5)
    archive = write_lines(tmp_path / "archive.jsonl.gz", items)
    running = start(url, "ingest", str(archive), "--jobs", "2", "--batch", "4")
    deadline = time.monotonic() + 120  # a bound on a hang, not a speed test
    while time.monotonic() < deadline:
        try:
            if scalar(url, "SELECT count(*) FROM article") >= 8:
                break
        except Exception:  # noqa: BLE001 - the store may not be made yet
            pass
        time.sleep(0.05)
    os.killpg(running.pid, signal.SIGKILL)  # the command and its workers, as a terminal would
    running.communicate(timeout=60)
    before = scalar(url, "SELECT count(*) FROM article")
    assert 8 <= before < 60
    resumed = command(url, "ingest", str(archive), "--jobs", "2", "--batch", "4")
    assert resumed.returncode == 0, resumed.stderr
    assert f"{60 - before} stored" in resumed.stdout
    assert f"{before} already stored" in resumed.stdout
    assert scalar(url, "SELECT count(*) FROM article") == 60
    # Every article whole: the same quotes as one uninterrupted run.
    from tests.conftest import store_url

    clean = store_url(tmp_path / "clean")
    assert command(clean, "ingest", str(archive)).returncode == 0
    assert stored(url) == stored(clean)


def test_ingesters_running_at_once_on_one_store_store_each_text_once(
    url: str, tmp_path: Path
) -> None:
    # On PostgreSQL, as from several machines; on SQLite the writers take turns.
    items = articles(30, seed=7)
    archive = write_lines(tmp_path / "archive.jsonl", items)
    assert command(url, "migrate").returncode == 0
    runs = [start(url, "ingest", str(archive), "--batch", "3") for _ in range(3)]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (_, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
    assert scalar(url, "SELECT count(*) FROM article") == 30
    assert scalar(url, "SELECT count(DISTINCT content_hash) FROM article") == 30
    stored_by = [int(out.split(" stored with")[0].split("\n")[-1]) for out, _ in outputs]
    assert sum(stored_by) == 30
    from tests.conftest import store_url

    alone = store_url(tmp_path / "alone")
    assert command(alone, "ingest", str(archive)).returncode == 0
    assert len(stored(url)) == len(stored(alone))
    # No speaker made twice under two ids by two writers meeting a new name at once.
    assert scalar(url, "SELECT count(*) FROM speaker") == scalar(
        alone, "SELECT count(*) FROM speaker"
    )


def test_bad_articles_are_summed_up_by_reason_and_the_rest_stored(url: str, tmp_path: Path) -> None:
    items = articles(4, seed=9)
    items[1] = {**items[1], "published_on": "yesterday"}
    items[2] = {key: value for key, value in items[2].items() if key != "text"}
    archive = write_lines(tmp_path / "archive.jsonl", items)
    with archive.open("a", encoding="utf-8") as stream:
        stream.write("{not json\n")
    result = command(url, "ingest", str(archive))
    assert result.returncode == 1
    assert "2 stored" in result.stdout and "3 failed" in result.stdout
    assert "failed 1x: published_on: Value error, must be an ISO date" in result.stdout
    assert "failed 1x: text: Field required" in result.stdout
    assert "archive.jsonl:5: not JSON" in result.stderr
    assert scalar(url, "SELECT count(*) FROM article") == 2


def test_a_line_nested_too_deeply_is_one_failure_and_its_batch_is_stored(
    url: str, tmp_path: Path
) -> None:
    items = articles(4, seed=11)
    archive = tmp_path / "archive.jsonl"
    write_lines(archive, items[:3])
    with archive.open("a", encoding="utf-8") as stream:
        stream.write("[" * 100_000 + "\n")
    with archive.open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(items[3]) + "\n")
    result = command(url, "ingest", str(archive), "--batch", "50")
    assert result.returncode == 1, result.stderr
    assert "4 stored" in result.stdout and "1 failed" in result.stdout
    assert "archive.jsonl:4: not an article (nested too deeply to read)" in result.stderr
    assert "Traceback" not in result.stderr
    assert scalar(url, "SELECT count(*) FROM article") == 4


def test_plain_lines_say_where_a_long_run_is_when_not_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(progress, "EVERY_SECONDS", 0.0)
    shown = progress.Shown(1000, each=False, bar=False, out=io.StringIO())
    tally = Tally(stored=250, quotes=900, started=time.monotonic() - 10)
    shown(Stored("a.jsonl:250", 250, 4, 0), tally)
    line = capsys.readouterr().err
    assert "250/1,000 articles" in line and "/s" in line and "s left" in line
    tally.failed, tally.reasons["text: Field required"] = 1, 1
    summary = shown.summary(tally)
    assert "250 stored with 900 quotes" in summary and "failed 1x: text: Field required" in summary


def test_failures_are_reported_even_when_quiet(capsys: pytest.CaptureFixture[str]) -> None:
    shown = progress.Shown(2, each=False, bar=False)
    shown(Failed("x.json", "x.json: text: Field required"), Tally(failed=1))
    assert "error: x.json: text: Field required" in capsys.readouterr().err


@pytest.mark.sqlite_only  # the command runs on a SQLite file of its own
def test_a_terminal_gets_a_progress_bar_with_rate_and_time_left(tmp_path: Path) -> None:
    archive = write_lines(tmp_path / "archive.jsonl", articles(40, seed=11))
    leader, follower = pty.openpty()
    env = {**os.environ, "SAIDWHO_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}",
           "COLUMNS": "120", "TERM": "xterm"}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "ingest", str(archive)],
        env=env, stdin=follower, stdout=subprocess.DEVNULL, stderr=follower,
    )  # fmt: skip
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                seen += os.read(leader, 65536)
            except OSError:
                break
        elif process.poll() is not None:
            break
    process.wait(timeout=60)
    os.close(leader)
    shown = seen.decode("utf-8", errors="replace")
    assert process.returncode == 0
    assert "articles/s" in shown and "/40" in shown and "left" in shown


def test_an_article_the_reader_trips_on_fails_alone(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.config import Settings
    from app.ingest import archive
    from app.ingest.files import Defaults, sources
    from app.store.upgrade import migrate

    items = articles(3, seed=13)
    path = write_lines(tmp_path / "archive.jsonl", items)
    real = archive.read_quotations

    def trips_on_the_second(text, published_on, bounds=None):  # type: ignore[no-untyped-def]
        if text == items[1]["text"]:
            raise RuntimeError("a bug the extractor has not met before")
        return real(text, published_on, bounds)

    monkeypatch.setattr(archive, "read_quotations", trips_on_the_second)
    settings = Settings(database_url=url)
    migrate(settings)
    tally = archive.run(settings, sources([path]), defaults=Defaults())
    assert (tally.stored, tally.failed) == (2, 1)
    assert tally.examples[0].reason.endswith(":2: could not be read (RuntimeError)")
    assert scalar(url, "SELECT count(*) FROM article") == 2


def test_a_batch_past_the_write_budget_is_stored_in_halves_and_a_slow_article_fails_alone(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store stops a transaction past its budget (SQLite interrupts it, PostgreSQL cancels
    the statement): here each article makes its transaction 0.3 s longer, one of them 2 s."""
    from sqlalchemy import text as sql

    from app.config import Settings
    from app.ingest import archive
    from app.ingest.files import Defaults, sources
    from app.store.upgrade import migrate

    items = articles(5, seed=17)
    slow = items[3]["text"]
    path = write_lines(tmp_path / "archive.jsonl", items)
    real = archive._write
    sizes: list[int] = []

    def slowed(session, batch, known=None):  # type: ignore[no-untyped-def]
        sizes.append(len(batch))
        seconds = sum(2.0 if p.article.text == slow else 0.3 for p in batch)
        if session.get_bind().dialect.name == "postgresql":
            session.execute(sql("SELECT pg_sleep(:s)"), {"s": seconds})
        else:
            session.execute(sql("SELECT 1"))  # the transaction, and its clock, begin
            time.sleep(seconds)
            session.execute(sql(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000)"
                " SELECT count(*) FROM c"
            ))  # fmt: skip
        return real(session, batch, known)

    monkeypatch.setattr(archive, "_write", slowed)
    settings = Settings(database_url=url, write_budget_ms=1000)
    migrate(settings)
    tally = archive.run(settings, sources([path]), defaults=Defaults(), batch=5)
    assert (tally.stored, tally.failed) == (4, 1)
    assert tally.examples[0].reason == f"{path}:4: {archive._TOO_LONG}"
    assert sizes[0] == 5 and 1 in sizes
    assert scalar(url, "SELECT count(*) FROM article") == 4


def test_reading_processes_yield_the_cpu_to_the_writer(tmp_path: Path) -> None:
    """With ``--jobs``, the readers run at a lower priority than the process that writes."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'store.db'}")
    with ProcessPoolExecutor(
        max_workers=1, initializer=_start_worker_process, initargs=(settings, Defaults(), None)
    ) as pool:
        niceness = pool.submit(os.nice, 0).result()
    assert niceness == min(19, os.nice(0) + READERS_YIELD)
    assert READERS_YIELD > 0
