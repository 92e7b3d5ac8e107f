"""Real web pages through the HTML path, as a newsroom would post them: every page read for its
main text and metadata, stored in a new seeded store, and what was stored listed, so junk
speakers (headings, link labels, places) show at a glance.

    python bench/realnews_pages.py PATH/TO/realnews [--quotes]

PATH holds ``html/*.html.gz`` and ``ground-truth.json`` (each page's address). Prints, per page,
whether it went in (or why not), its language, the stored quotes and the speakers they went to;
then the totals. Evaluation data stays outside the repository: the path is an argument.
"""

import argparse
import gzip
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from app.config import Settings  # noqa: E402
from app.db import make_engine, session_scope  # noqa: E402
from app.ingest.store import ingest_article  # noqa: E402
from app.ingest.web_pages import page_article  # noqa: E402
from app.seed import load_seed  # noqa: E402
from app.store.upgrade import migrate  # noqa: E402
from app.writes import InvalidField  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--quotes", action="store_true", help="list every stored quote")
    args = parser.parse_args()
    addresses = json.loads((args.folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = sorted((args.folder / "html").glob("*.html.gz"))
    went_in, refused, stored, speakers = 0, 0, 0, Counter[str]()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite:///{folder}/pages.db")
        migrate(settings)
        engine = make_engine(settings)
        load_seed(engine, settings.seed_dir)
        for page in pages:
            key = page.name.removesuffix(".html.gz")
            html = gzip.decompress(page.read_bytes())
            url = addresses.get(key, {}).get("url")
            try:
                fields = page_article(html, url=url)
                with session_scope(engine) as session:
                    result = ingest_article(session, **fields)
                    rows = (
                        session.connection()
                        .execute(
                            sa.text(
                                "SELECT s.name, s.kind, q.text FROM quote q JOIN speaker s"
                                " ON s.id = q.speaker_id WHERE q.article_id = :a ORDER BY q.id"
                            ),
                            {"a": result.article.id},
                        )
                        .all()
                    )
                    language = (
                        session.connection()
                        .execute(
                            sa.text("SELECT language FROM article WHERE id = :a"),
                            {"a": result.article.id},
                        )
                        .scalar()
                    )
            except InvalidField as error:
                refused += 1
                print(f"{key[:8]}  refused: {error}")
                continue
            went_in += 1
            stored += len(rows)
            names = Counter(f"{name} ({kind[0]})" for name, kind, _ in rows)
            speakers.update(names)
            shown = ", ".join(f"{n}×{c}" for n, c in names.most_common())
            print(f"{key[:8]}  {language or '?':<3} {len(rows):>3} quotes  {shown}")
            if args.quotes:
                for name, _, words in rows:
                    print(f"            {name}: {words[:90]!r}")
        engine.dispose()
    print(f"pages: {len(pages)}   went in: {went_in}   refused: {refused}   quotes: {stored}")
    print(f"speakers: {len(speakers)}")


if __name__ == "__main__":
    main()
