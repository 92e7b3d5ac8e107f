"""Names to ids: a speaker or outlet answers to its id, its name and every alias, in any case."""

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import select
from sqlmodel import Session

from app.models import OutletAlias, Speaker, SpeakerAlias
from app.models.tables import Outlet, core_table
from app.names import name_key, slugify
from app.queries.errors import AmbiguousName, UnknownName

SPEAKER_ALIASES = core_table(SpeakerAlias)
OUTLET_ALIASES = core_table(OutletAlias)


def _owners(session: Session, aliases: sa.Table, owner: str, value: str) -> list[str]:
    """Ids of the speakers or outlets whose aliases match ``value`` as a name or as a slug."""
    keys = {name_key(value), slugify(value)} - {""}
    query = select(aliases.c[owner]).where(aliases.c.key.in_(keys)).distinct()
    return sorted(session.execute(query).scalars())


def speaker_ids_for(session: Session, values: Iterable[str], parameter: str) -> set[str]:
    """Every speaker any of ``values`` names; an unmatched value is an error, not a silent miss."""
    ids: set[str] = set()
    for value in values:
        found = _owners(session, SPEAKER_ALIASES, "speaker_id", value)
        if not found:
            raise UnknownName(parameter, f"no speaker is called {value!r}")
        ids.update(found)
    return ids


def outlet_ids_for(session: Session, values: Iterable[str], parameter: str) -> set[str]:
    ids: set[str] = set()
    for value in values:
        found = _owners(session, OUTLET_ALIASES, "outlet_id", value)
        if not found:
            raise UnknownName(parameter, f"no outlet is called {value!r}")
        ids.update(found)
    return ids


def find_speaker_id(session: Session, id_or_name: str) -> str | None:
    """The one speaker this id or name means; an exact id wins over an alias."""
    if session.get(Speaker, id_or_name) is not None:
        return id_or_name
    found = _owners(session, SPEAKER_ALIASES, "speaker_id", id_or_name)
    if len(found) > 1:
        raise AmbiguousName(id_or_name, found)
    return found[0] if found else None


def find_outlet_id(session: Session, id_or_name: str) -> str | None:
    if session.get(Outlet, id_or_name) is not None:
        return id_or_name
    found = _owners(session, OUTLET_ALIASES, "outlet_id", id_or_name)
    if len(found) > 1:
        raise AmbiguousName(id_or_name, found)
    return found[0] if found else None
