"""Outlets as people and articles name them: the one an id or a name means, made the first time
the store hears of it. Posted articles, corrections and evaluation stores all go through here,
so an outlet is never made twice under two spellings."""

from sqlmodel import Session

from app.crud import InvalidField, ensure_outlet, free_id
from app.models import Outlet
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
