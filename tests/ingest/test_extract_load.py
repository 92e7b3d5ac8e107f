"""``saidwho extract`` then ``saidwho load``: reading apart from storing, on this machine's
processes or on a real Dask cluster (a scheduler and two worker processes the test starts),
leaves the store as ``saidwho ingest`` of the same input does."""

import gzip
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from tests.conftest import store_url
from tests.ingest.conftest import articles, command, write_lines
from tests.ingest.test_writer import snapshot

pytestmark = pytest.mark.slow  # worker processes and a Dask cluster


@pytest.fixture
def archive(tmp_path: Path) -> list[Path]:
    """Two archives, one gzipped, and a record that is not an article."""
    first = write_lines(tmp_path / "first.jsonl", articles(24, seed=21))
    second = write_lines(tmp_path / "second.jsonl.gz", [*articles(10, seed=22), {"title": 1}])
    return [first, second]


def ingested(tmp_path: Path, archive: list[Path]) -> dict[str, object]:
    url = store_url(tmp_path / "ingested")
    done = command(url, "ingest", *map(str, archive))
    assert done.returncode == 1, done.stderr  # the record that is not an article
    return _snapshot(url)


def loaded(tmp_path: Path, out: Path) -> tuple[dict[str, object], str]:
    url = store_url(tmp_path / "loaded")
    done = command(url, "load", str(out))
    assert done.returncode == 1, done.stderr
    return _snapshot(url), done.stdout


def _snapshot(url: str) -> dict[str, object]:
    engine = create_engine(url)
    try:
        return snapshot(engine)
    finally:
        engine.dispose()


def test_extract_then_load_stores_what_ingest_stores(tmp_path: Path, archive: list[Path]) -> None:
    out = tmp_path / "extracted"
    done = command("sqlite://", "extract", *map(str, archive), "--out", str(out), "--jobs", "2")
    assert done.returncode == 1, done.stderr
    assert "34 articles read, 1 failed" in done.stdout
    files = sorted(out.glob("*.jsonl.gz"))
    assert len(files) == 4  # two shares of each file, for two processes
    lines = [json.loads(line) for f in files for line in gzip.open(f, "rt", encoding="utf-8")]
    assert {line["format"] for line in lines} == {"saidwho-extracted/1"}
    assert sum(1 for line in lines if "failed" in line) == 1
    assert any(line["attributions"] for line in lines if "failed" not in line)
    store, summary = loaded(tmp_path, out)
    assert "34 stored" in summary and "1 failed" in summary
    assert store == ingested(tmp_path, archive)


def test_an_interrupted_extract_is_resumed_by_running_it_again(
    tmp_path: Path, archive: list[Path]
) -> None:
    out = tmp_path / "extracted"
    first = command("sqlite://", "extract", *map(str, archive), "--out", str(out))
    assert first.returncode == 1, first.stderr
    files = sorted(out.glob("*.jsonl.gz"))
    files[0].unlink()  # as if the run had stopped before this share
    (out / f".{files[1].name}.123.part").write_text("half a line")  # a share cut off
    again = command("sqlite://", "extract", *map(str, archive), "--out", str(out))
    assert again.returncode == 0, again.stderr  # the bad record is in a share written before
    assert re.search(r"into 2 files in .* \(1 written by an earlier run\)", again.stdout)
    assert sorted(out.glob("*.jsonl.gz")) == files
    store, _ = loaded(tmp_path, out)
    assert store == ingested(tmp_path, archive)


def test_load_reports_a_line_it_cannot_read_and_stores_the_rest(
    tmp_path: Path, archive: list[Path]
) -> None:
    out = tmp_path / "extracted"
    command("sqlite://", "extract", str(archive[0]), "--out", str(out))
    path = sorted(out.glob("*.jsonl.gz"))[0]
    with gzip.open(path, "at", encoding="utf-8") as stream:
        stream.write('{"format": "something else"}\n')
    url = store_url(tmp_path / "loaded")
    done = command(url, "load", str(out))
    assert done.returncode == 1
    assert "24 stored" in done.stdout and "1 failed" in done.stdout
    assert "not a line of saidwho-extracted/1" in done.stdout + done.stderr


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[str, set[str]]]:
    """A Dask scheduler and two worker processes on the loopback address: (the scheduler's
    address, the workers' host:pid)."""
    from distributed import Client

    file = tmp_path / "scheduler.json"
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    scheduler = subprocess.Popen(
        [*dask, "--host", "127.0.0.1", "--port", "0", "--scheduler-file", str(file),
         "--dashboard-address", ":0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    workers = None
    try:
        deadline = time.monotonic() + 60
        while not file.exists():
            if time.monotonic() > deadline or scheduler.poll() is not None:
                pytest.fail("the Dask scheduler did not start")
            time.sleep(0.2)
        workers = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", "--scheduler-file", str(file),
             "--nworkers", "2", "--nthreads", "1", "--dashboard-address", ":0",
             "--local-directory", str(tmp_path / "dask")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        with Client(scheduler_file=str(file), timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
            pids = client.run(lambda: f"{os.uname().nodename}:{os.getpid()}")
            yield client.scheduler.address, set(pids.values())
    finally:
        for process in (workers, scheduler):
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()


def test_a_dask_cluster_extracts_what_this_machine_does(
    tmp_path: Path, archive: list[Path], cluster: tuple[str, set[str]]
) -> None:
    address, workers = cluster
    out = tmp_path / "extracted"
    done = command(
        "sqlite://", "extract", *map(str, archive), "--out", str(out), "--cluster", address,
        timeout=600,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "34 articles read, 1 failed, into 4 files" in done.stdout
    by = set(re.findall(r"\(by (\S+)\)", done.stdout))
    assert by and by <= workers, (by, workers)  # the workers read, not this process
    store, _ = loaded(tmp_path, out)
    assert store == ingested(tmp_path, archive)
