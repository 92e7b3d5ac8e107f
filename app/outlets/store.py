"""Every write of an outlet: the one an id or a name means, made the first time the store
hears of it, with the names it answers to. Posted articles, corrections, the seed and
evaluation stores all go through here, so an outlet is never made twice under two spellings.
(The batch writer's ``OutletBook`` still writes a batch's new outlets itself.)"""

from collections.abc import Iterable

from sqlmodel import Session, select

from app.crud import InvalidField, free_id, hold_name, new_aliases
from app.models import Outlet, OutletAlias
from app.names import slugify
from app.queries.lookup import outlets_named

_MAX_NAME = 300


def outlet_named(session: Session, name: str, field: str = "outlet") -> str | None:
    """The one stored outlet this id or name means, or None; a name several share is refused."""
    owners = outlets_named(session, name)
    if len(owners) > 1:
        raise InvalidField(field, f"{name!r} could be any of {', '.join(owners)}")
    return owners[0] if owners else None


def outlet_for(session: Session, name: str, field: str = "publisher") -> Outlet:
    """The outlet this id or name means, created when the store has never heard of it."""
    name = " ".join(name.split())
    if not name:
        raise InvalidField(field, f"the {field} is empty")
    known = outlet_named(session, name, field)
    if known is not None:
        found = session.get(Outlet, known)
        assert found is not None
        return found
    outlet_id = free_id(session, Outlet, slugify(name) or "outlet")
    return ensure_outlet(session=session, id=outlet_id, name=name[:_MAX_NAME])


def ensure_outlet(*, session: Session, id: str, name: str, aliases: Iterable[str] = ()) -> Outlet:
    """The outlet with this id, created if missing, answering to every given name."""
    hold_name(session, "outlet", id)
    outlet = session.get(Outlet, id, populate_existing=True)
    if outlet is None:
        outlet = Outlet(id=id, name=name)
        session.add(outlet)
        session.flush()
    known = set(session.exec(select(OutletAlias.key).where(OutletAlias.outlet_id == id)))
    for key, alias in new_aliases(known, (name, id, *aliases)):
        session.add(OutletAlias(outlet_id=id, key=key, alias=alias))
    return outlet
