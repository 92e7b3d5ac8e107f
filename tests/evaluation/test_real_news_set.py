"""``saidwho eval`` on a real-news set: every attribution listed by the words it contains, and
the stored quotes scored as a newsroom sees them (written here in the set's format)."""

import json
from pathlib import Path

import pytest

from app.evaluation.realnews import evaluate_real, read_real_set, real_report
from tests.conftest import saidwho

ARTICLE = (
    "Marta Ilves, the harbour master, opened the new quay on Tuesday.\n"
    "“The quay will take ships twice as large,” Ilves said.\n"
    "Related: Ten harbours worth a visit\n"
    "Related: How quays are built\n"
    "The Harbour Authority said the work cost 12 million euros, and it told the Daily Courier "
    "that a second quay would follow."
)


def gold_set(path: Path) -> Path:
    articles = [
        {
            "source_id": "quay", "publisher": "Harbour News", "published_on": "2024-06-05",
            "title": "A new quay", "text": ARTICLE,
            "expect": [
                {"contains": "The quay will take ships twice as large", "kind": "direct",
                 "speaker_name": "Marta Ilves", "speaker_kind": "person", "outlet": None,
                 "said_on": None},
                {"contains": "the work cost 12 million euros", "kind": "indirect",
                 "speaker_kind": "organization"},
                {"contains": "a second quay would follow", "kind": "indirect",
                 "outlet": "Daily Courier"},
                # Nobody says this: the extractor cannot find it, and recall shows it.
                {"contains": "twice as large as before", "kind": "direct"},
            ],
            "forbid_speakers": ["Related", "Ilves"],
            "ambiguous": [],
        },
        {
            "source_id": "undated", "publisher": "Harbour News", "published_on": None,
            "title": "Undated", "text": "“We open on Friday,” said Ines Varga, the manager.",
            "expect": [{"contains": "We open on Friday", "speaker_name": "Ines Varga",
                        "said_on": None}],
        },
    ]  # fmt: skip
    path.write_text(json.dumps({"articles": articles}), encoding="utf-8")
    return path


def test_a_real_news_set_is_scored_by_words_fields_and_speakers(tmp_path: Path) -> None:
    scores = evaluate_real(read_real_set(gold_set(tmp_path / "gold.json")), workdir=tmp_path)
    quay, undated = scores.articles
    assert (quay.expected, quay.found) == (4, 3)
    assert quay.missed == ["'twice as large as before' by None"]
    assert quay.forbidden == [] and quay.split == []
    assert quay.listed == quay.stored == 3  # no heading stored as a quotation
    # Nine fields checked; the missed quote's one field (kind) counts as wrong.
    assert (quay.right, quay.fields) == (9, 10)
    # An undated article is read with no date, so nothing is dated from it.
    assert (undated.found, undated.right, undated.fields) == (1, 2, 2)
    report = real_report(scores)
    assert "fields right      91.7%  (11 of 12)" in report
    assert "quotes found      80.0%" in report


@pytest.mark.slow  # runs the command
def test_the_eval_command_reads_a_real_news_set(tmp_path: Path) -> None:
    result = saidwho("eval", str(gold_set(tmp_path / "gold.json")), "--errors")
    assert result.returncode == 0, result.stderr
    assert "stored precision 100.0%" in result.stdout
    assert "missed    [quay] 'twice as large as before'" in result.stdout
