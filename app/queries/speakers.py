"""Speakers: the list with name search, and one speaker by id or by any of its names."""

from typing import Any, Literal

import sqlalchemy as sa
from sqlmodel import Session

from app.models import Quote, Speaker, SpeakerAlias
from app.models.public import Page, SpeakerKind, SpeakerPublic
from app.models.quote_days import DAYS
from app.models.tables import core_table
from app.names import name_key
from app.queries.cursors import as_str
from app.queries.keyset import page_rows
from app.queries.lookup import find_speaker_id
from app.queries.suggest import closest

SPEAKER = core_table(Speaker)
ALIAS = core_table(SpeakerAlias)
QUOTE = core_table(Quote)

_QUOTE_COUNT = (
    sa.select(sa.func.count())
    .where(QUOTE.c.speaker_id == SPEAKER.c.id)
    .scalar_subquery()
    .label("quote_count")
)
# On SQLite, the sum of the speaker's counts per day (``app.models.quote_days``): one row a
# day, where counting reads one index entry a quote (7 ms for a speaker quoted 158,000 times).
_SUMMED_COUNT = (
    sa.select(sa.func.coalesce(sa.func.sum(DAYS.c.quotes), 0))
    .where(DAYS.c.speaker_id == SPEAKER.c.id)
    .scalar_subquery()
    .label("quote_count")
)


def _columns(session: Session) -> tuple[sa.ColumnElement[Any], ...]:
    counted = _QUOTE_COUNT if session.get_bind().dialect.name == "postgresql" else _SUMMED_COUNT
    return (*SPEAKER.c, counted)


def list_speakers(
    session: Session,
    *,
    q: str | None = None,
    kind: SpeakerKind | None = None,
    limit: int,
    cursor: str | None = None,
) -> Page[SpeakerPublic]:
    """Speakers in id order; ``q`` keeps those with a name or alias containing it."""
    statement = sa.select(*_columns(session))
    if q is not None:
        statement = statement.where(
            SPEAKER.c.id.in_(names_like(session, "speaker", ALIAS.c.speaker_id, ALIAS.c.key, q))
        )
    if kind is not None:
        statement = statement.where(SPEAKER.c.kind == kind)
    found = page_rows(
        session,
        statement,
        order=[SPEAKER.c.id],
        descending=False,
        query={"q": q, "kind": kind},
        limit=limit,
        cursor=cursor,
        parsers=[as_str],
    )
    aliases = aliases_of(session, ALIAS.c.speaker_id, [row["id"] for row in found.rows])
    items = [_to_public(row, aliases.get(row["id"], [])) for row in found.rows]
    return Page[SpeakerPublic](
        items=items,
        next_cursor=found.next_cursor,
        prev_cursor=found.prev_cursor,
        total=found.total,
    )


def get_speaker(session: Session, id_or_name: str) -> SpeakerPublic | None:
    speaker_id = find_speaker_id(session, id_or_name)
    if speaker_id is None:
        return None
    row = (
        session.execute(sa.select(*_columns(session)).where(SPEAKER.c.id == speaker_id))
        .mappings()
        .one()
    )
    return _to_public(
        row, aliases_of(session, ALIAS.c.speaker_id, [speaker_id]).get(speaker_id, [])
    )


def alias_owners_matching(owner: sa.Column[Any], key: sa.Column[Any], q: str) -> sa.Select[Any]:
    """Owners with an alias containing ``q`` (normalised as names are), LIKE wildcards escaped."""
    needle = name_key(q).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.select(owner).where(key.like(f"%{needle}%", escape="\\"))


# How many owners a misspelt name search offers.
CLOSEST_NAMES = 10


def names_like(
    session: Session,
    kind: Literal["speaker", "outlet"],
    owner: sa.Column[Any],
    key: sa.Column[Any],
    q: str,
) -> sa.Select[Any] | list[str]:
    """Owners with a name containing ``q``; when none has, the owners whose names are closest
    in spelling ("Blinkin" finds Blinken), best first, so a search never dead-ends on a typo."""
    holding = alias_owners_matching(owner, key, q)
    if session.execute(sa.select(holding.exists())).scalar():
        return holding
    return [found.id for found in closest(session, kind, q, CLOSEST_NAMES)]


def aliases_of(
    session: Session, owner: sa.Column[Any], owner_ids: list[str]
) -> dict[str, list[str]]:
    """The names each owner answers to, as written, leaving out the bare id."""
    if not owner_ids:
        return {}
    table = owner.table
    rows = session.execute(
        sa.select(owner, table.c.alias).where(owner.in_(owner_ids)).order_by(owner, table.c.alias)
    )
    found: dict[str, list[str]] = {}
    for owner_id, alias in rows:
        if alias != owner_id:
            found.setdefault(owner_id, []).append(alias)
    return found


def _to_public(row: sa.RowMapping, aliases: list[str]) -> SpeakerPublic:
    return SpeakerPublic.model_validate({**row, "aliases": aliases})
