"""``saidwho eval`` on a small corpus written here, in the annotated format."""

import json
from pathlib import Path

import pytest

from tests.conftest import saidwho

pytestmark = pytest.mark.slow  # runs the command

ARTICLES = [
    "“We will not back down,” Maria Lopez said.\nThe bridge will reopen in June, Roe said.",
    "Ann Reyes said the count was fair.\n“It was,” she said.",
]


def annotate(text: str, content: str, source: str, kind: str) -> dict[str, object]:
    start, source_start = text.index(content), text.index(source)
    return {
        "content": [[start, start + len(content)]],
        "source": [[source_start, source_start + len(source)]],
        "cue": [],
        "type": kind,
        "speaker_text": source,
        "speaker_resolved": None,
    }


def corpus(path: Path) -> Path:
    first, second = ARTICLES
    rows = [
        {
            "id": "a1", "date": "2024-05-31", "text": first,
            "quotes": [
                annotate(first, "“We will not back down,”", "Maria Lopez", "direct"),
                annotate(first, "The bridge will reopen in June", "Roe", "indirect"),
            ],
        },
        {
            "id": "a2", "date": "2024-05-31", "text": second,
            "quotes": [
                annotate(second, "the count was fair", "Ann Reyes", "indirect"),
                annotate(second, "“It was,”", "she", "direct"),
                # A second gold attribution over the same words: one-to-one matching leaves
                # it unmatched.
                annotate(second, "count", "Ann", "indirect"),
            ],
        },
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def row(output: str, subset: str, overlap: str) -> list[str]:
    for line in output.splitlines():
        cells = line.split()
        if cells[:2] == [subset, overlap]:
            return cells
    raise AssertionError(f"no {subset} {overlap} row in:\n{output}")


def test_eval_prints_precision_recall_f1_and_speaker_accuracy(tmp_path: Path) -> None:
    result = saidwho("eval", str(corpus(tmp_path / "gold.jsonl")))
    assert result.returncode == 0, result.stderr
    assert "articles: 2" in result.stdout
    # direct: both quotes found, both speakers right.
    assert row(result.stdout, "direct", "0.3")[2:] == [
        "2", "2", "100.0", "100.0", "100.0", "100.0%",
    ]  # fmt: skip
    # all: five gold, four found, four matched.
    assert row(result.stdout, "all", "0.3")[2:4] == ["5", "4"]
    assert row(result.stdout, "all", "0.3")[5] == "80.0"


@pytest.mark.parametrize("line", ["not json", '{"id": "x"}'])
def test_a_malformed_corpus_is_a_clear_error(tmp_path: Path, line: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    result = saidwho("eval", str(path))
    assert result.returncode == 2
    assert f"{path}:1" in result.stderr
    assert "Traceback" not in result.stderr
