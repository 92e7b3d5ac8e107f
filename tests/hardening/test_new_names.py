"""Writers that meet the same new name at once: both articles are stored, the name once."""

import contextlib
import datetime as dt
import threading

import sqlalchemy as sa
from sqlalchemy import Engine

from app.db import session_scope
from app.ingest.store import ingest_article


def test_articles_posted_at_once_that_name_a_new_speaker_and_outlet_make_each_once(
    seeded: Engine,
) -> None:
    """On PostgreSQL both writers would insert the new speaker and fail on the duplicate;
    each new name is held until the first writer commits, and the second then finds it."""
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def post(n: int) -> None:
        try:
            with session_scope(seeded) as session:
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait(timeout=1)
                ingest_article(
                    session,
                    title=f"Drought, edition {n}",
                    publisher="Valley Evening Post",
                    published_on=dt.date(2024, 8, 1),
                    text=f"Edition {n}. \u201cWe are asking every household to cut its water use "
                    "by a fifth,\u201d Mayor Marta Ruiz told Lakeside Radio on Thursday.",
                )
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    with seeded.connect() as connection:
        speakers = connection.execute(
            sa.text("SELECT count(*) FROM speaker WHERE name LIKE '%Ruiz%'")
        ).scalar_one()
        outlets = connection.execute(
            sa.text(
                "SELECT count(*) FROM outlet "
                "WHERE name IN ('Valley Evening Post', 'Lakeside Radio')"
            )
        ).scalar_one()
        articles = connection.execute(
            sa.text("SELECT count(*) FROM article WHERE title LIKE 'Drought, edition %'")
        ).scalar_one()
    assert (speakers, outlets, articles) == (1, 2, 4)
