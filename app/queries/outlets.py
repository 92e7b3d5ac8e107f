"""Outlets: those quotes were given to and those that publish articles."""

import sqlalchemy as sa
from sqlmodel import Session

from app.models import Outlet, OutletAlias, Quote
from app.models.public import OutletPublic, Page
from app.models.tables import core_table
from app.queries.cursors import as_str
from app.queries.keyset import page_rows
from app.queries.lookup import find_outlet_id
from app.queries.speakers import aliases_of, names_like

OUTLET = core_table(Outlet)
ALIAS = core_table(OutletAlias)
QUOTE = core_table(Quote)

# quote_count counts the quotes given to the outlet, not those it published.
_QUOTE_COUNT = (
    sa.select(sa.func.count())
    .where(QUOTE.c.outlet_id == OUTLET.c.id)
    .scalar_subquery()
    .label("quote_count")
)
_COLUMNS = (*OUTLET.c, _QUOTE_COUNT)


def list_outlets(
    session: Session, *, q: str | None = None, limit: int, cursor: str | None = None
) -> Page[OutletPublic]:
    statement = sa.select(*_COLUMNS)
    if q is not None:
        statement = statement.where(
            OUTLET.c.id.in_(names_like(session, "outlet", ALIAS.c.outlet_id, ALIAS.c.key, q))
        )
    found = page_rows(
        session,
        statement,
        order=[OUTLET.c.id],
        descending=False,
        query={"q": q},
        limit=limit,
        cursor=cursor,
        parsers=[as_str],
    )
    aliases = aliases_of(session, ALIAS.c.outlet_id, [row["id"] for row in found.rows])
    items = [_to_public(row, aliases.get(row["id"], [])) for row in found.rows]
    return Page[OutletPublic](
        items=items,
        next_cursor=found.next_cursor,
        prev_cursor=found.prev_cursor,
        total=found.total,
    )


def get_outlet(session: Session, id_or_name: str) -> OutletPublic | None:
    outlet_id = find_outlet_id(session, id_or_name)
    if outlet_id is None:
        return None
    row = session.execute(sa.select(*_COLUMNS).where(OUTLET.c.id == outlet_id)).mappings().one()
    return _to_public(row, aliases_of(session, ALIAS.c.outlet_id, [outlet_id]).get(outlet_id, []))


def _to_public(row: sa.RowMapping, aliases: list[str]) -> OutletPublic:
    return OutletPublic.model_validate({**row, "aliases": aliases})
