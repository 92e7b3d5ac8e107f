"""Archives that are damaged, hostile or not in UTF-8: each bad record is one failure, every good
record around it is stored, memory stays flat, and no traceback reaches the user."""

import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from app.ingest import streams
from tests.ingest.conftest import articles, command, scalar, write_lines

pytestmark = pytest.mark.slow  # runs the command on hostile archives

PAGES = Path(__file__).parent / "pages"


def _gzip_with_zeros(path: Path, lines: list[str], zeros: int) -> None:
    """A gzip file of ``lines`` then one line of ``zeros`` zero digits, written a MiB at a
    time so that the test itself never holds more than a MiB of it."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    with path.open("wb") as out:
        out.write(packer.compress("".join(lines).encode()))
        block = b"0" * 2**20
        for _ in range(zeros // len(block)):
            out.write(packer.compress(block))
        out.write(packer.compress(b"\n"))
        out.write(packer.flush())


# Runs the command and prints its peak resident memory. A small process of its own starts it:
# a child's peak counts the image it was forked from, and the test process is large.
_MEASURED = """
import resource, subprocess, sys
status = subprocess.run([sys.executable, "-m", "app.cli", *sys.argv[1:]]).returncode
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"peak {peak:.1f}", file=sys.stderr)
sys.exit(status)
"""


def _run_measured(url: str, *args: str) -> tuple[int, str, str, float]:
    """The command's exit status, output, and its own peak resident memory in MiB."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, *args],
        env={**os.environ, "SAIDWHO_DATABASE_URL": url},
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    err, _, peak = done.stderr.rpartition("peak ")
    return done.returncode, done.stdout, err, float(peak)


def test_a_gzip_bomb_is_given_up_with_memory_flat_and_the_records_before_it_stored(
    url: str, tmp_path: Path
) -> None:
    good = [json.dumps(item) + "\n" for item in articles(3, seed=21)]
    bomb = tmp_path / "archive.jsonl.gz"
    _gzip_with_zeros(bomb, good, zeros=1024 * 2**20)  # a GiB in one line, about a MiB packed
    assert bomb.stat().st_size < 3 * 2**20
    status, out, err, peak = _run_measured(url, "ingest", str(bomb))
    assert status == 1, err
    assert "3 stored" in out and "1 failed" in out
    assert "archive.jsonl.gz:4: the archive stops" in err
    assert f"expands over {streams.MAX_RATIO} times" in err
    assert "Traceback" not in err
    # Reading the whole line would take over a GiB; the caps hold it to one record's worth.
    assert peak < 400, f"peak memory {peak:.0f} MiB"
    assert scalar(url, "SELECT count(*) FROM article") == 3


def test_a_line_over_the_record_cap_is_skipped_and_the_lines_after_it_stored(
    url: str, tmp_path: Path
) -> None:
    items = articles(3, seed=23)
    archive = tmp_path / "archive.jsonl"
    huge = {**items[1], "text": items[1]["text"] + " " + "word " * (streams.MAX_RECORD // 5)}
    write_lines(archive, [items[0], huge, items[2]])
    result = command(url, "ingest", str(archive))
    assert result.returncode == 1, result.stderr
    assert "2 stored" in result.stdout and "1 failed" in result.stdout
    assert f"archive.jsonl:2: not read: the line is over {streams.MAX_RECORD:,} bytes" in (
        result.stderr
    )
    assert scalar(url, "SELECT count(*) FROM article") == 2


def test_a_truncated_gzip_archive_keeps_what_was_read_before_the_break(
    url: str, tmp_path: Path
) -> None:
    whole = write_lines(tmp_path / "whole.jsonl.gz", articles(30, seed=25))
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(whole.read_bytes()[: whole.stat().st_size * 2 // 3])
    result = command(url, "ingest", str(broken), "--batch", "50")
    assert result.returncode == 1, result.stderr
    assert "the archive stops: cannot be read" in result.stderr
    assert "Traceback" not in result.stderr
    stored = scalar(url, "SELECT count(*) FROM article")
    assert 0 < stored < 30
    assert f"{stored} stored" in result.stdout


def test_pages_and_texts_not_in_utf8_are_decoded_and_the_folder_goes_in_whole(
    url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    page = (PAGES / "wire.html").read_text(encoding="utf-8")
    accented = page.replace("Port director Samuel Okafor", "Port director Samuel Okafor-Pérez")
    # Declared in the page's own <meta>, as a browser reads it.
    (folder / "declared.html").write_bytes(
        accented.replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">').encode(
            "latin-1", errors="replace"
        )
    )
    # Declared nowhere: detected.
    text = articles(1, seed=27)[0]["text"]
    (folder / "undeclared.txt").write_bytes(
        ("Señora Ibáñez, the café's owner, said: «Ça va».\n\n" + text).encode("cp1252")
    )
    (folder / "good.html").write_text(
        (PAGES / "metadata-date.html").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = command(url, "ingest", str(folder), "--publisher", "Gazette")
    assert result.returncode == 0, result.stderr
    assert "3 stored" in result.stdout and "0 failed" in result.stdout
    assert scalar(url, "SELECT count(*) FROM article WHERE text LIKE '%Okafor-Pérez said%'") == 1
    opening = "SELECT count(*) FROM article WHERE text LIKE 'Señora Ibáñez, the café%'"
    assert scalar(url, opening) == 1


def test_a_json_lines_record_not_in_utf8_fails_alone(url: str, tmp_path: Path) -> None:
    items = articles(3, seed=29)
    archive = tmp_path / "archive.jsonl"
    lines = [json.dumps(item, ensure_ascii=False).encode() + b"\n" for item in items]
    lines[1] = (
        json.dumps({**items[1], "title": "Caf\u00e9"}, ensure_ascii=False).encode(
            "latin-1", errors="replace"
        )
        + b"\n"
    )
    archive.write_bytes(b"".join(lines))
    result = command(url, "ingest", str(archive))
    assert result.returncode == 1, result.stderr
    assert "2 stored" in result.stdout and "1 failed" in result.stdout
    assert "archive.jsonl:2: not UTF-8 text" in result.stderr
