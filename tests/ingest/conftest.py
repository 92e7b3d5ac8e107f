"""Archives of varied news articles made from the team's newsroom set and the seed, and the
``saidwho`` command run as a real process against a store of the test's own."""

import gzip
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.config import PROJECT_ROOT
from app.synth.articles import load_models, varied_articles
from tests.conftest import saidwho, store_url

NEWSROOM = PROJECT_ROOT / "tests" / "evaluation" / "newsroom" / "articles.yaml"


def articles(count: int, seed: int = 0) -> list[dict[str, str]]:
    models = load_models(NEWSROOM, PROJECT_ROOT / "seed")
    return list(varied_articles(models, count, seed=seed, shortest=1500, longest=3000))


def write_lines(path: Path, items: Iterable[dict[str, str]]) -> Path:
    lines = "".join(json.dumps(item) + "\n" for item in items)
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as stream:
            stream.write(lines)
    else:
        path.write_text(lines, encoding="utf-8")
    return path


def command(url: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return saidwho(*args, database_url=url, timeout=timeout)


def start(url: str, *args: str) -> subprocess.Popen[str]:
    """The command started in a process group of its own, so that it can be killed whole."""
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", *args],
        env={**os.environ, "SAIDWHO_DATABASE_URL": url},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip


def stored(url: str) -> list[tuple[object, ...]]:
    """Every stored quote as what a reader sees of it, in a stable order."""
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT a.title, q.speaker_id, q.kind, q.outlet_id, q.said_on, q.span_start, "
                "q.span_end FROM quote q JOIN article a ON a.id = q.article_id"
            )
        ).all()
    engine.dispose()
    return sorted(tuple(str(v) for v in row) for row in rows)


def scalar(url: str, sql: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


@pytest.fixture
def url(tmp_path: Path) -> str:
    return store_url(tmp_path / "store")
