"""Names to ids: a speaker or outlet answers to its id, its name and every alias, in any case."""

from collections.abc import Iterable
from typing import Literal

import sqlalchemy as sa
from sqlalchemy import select
from sqlmodel import Session, SQLModel

from app.models import Article, Outlet, OutletAlias, Speaker, SpeakerAlias
from app.models.tables import core_table
from app.names import name_key, slugify
from app.queries.errors import AmbiguousName, UnknownName
from app.queries.suggest import closest

SPEAKER_ALIASES = core_table(SpeakerAlias)
OUTLET_ALIASES = core_table(OutletAlias)
ARTICLE = core_table(Article)


# Built once: building a statement costs more than running this one.
_OWNERS = {
    table.name: select(table.c[owner])
    .where(table.c.key.in_(sa.bindparam("keys", expanding=True)))
    .distinct()
    for table, owner in ((SPEAKER_ALIASES, "speaker_id"), (OUTLET_ALIASES, "outlet_id"))
}


class StoreLookup:
    """Names and article ids resolved in one session, for ``quote_filters.conditions``: an
    unknown name is an ``UnknownName`` with the closest stored ones as suggestions."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def ids(
        self, owner: Literal["speaker", "outlet"], names: tuple[str, ...], parameter: str
    ) -> list[str]:
        aliases = SPEAKER_ALIASES if owner == "speaker" else OUTLET_ALIASES
        return sorted(_ids_for(self.session, aliases, f"{owner}_id", owner, names, parameter))

    def has_article(self, article_id: int) -> bool:
        known = sa.select(ARTICLE.c.id).where(ARTICLE.c.id == article_id)
        return self.session.execute(known).first() is not None


def speaker_ids_for(session: Session, values: Iterable[str], parameter: str) -> set[str]:
    """Every speaker any of ``values`` names; an unmatched value is an error, not a silent miss."""
    return _ids_for(session, SPEAKER_ALIASES, "speaker_id", "speaker", values, parameter)


def outlet_ids_for(session: Session, values: Iterable[str], parameter: str) -> set[str]:
    """Every outlet any of ``values`` names; an unmatched value is an error, not a silent miss."""
    return _ids_for(session, OUTLET_ALIASES, "outlet_id", "outlet", values, parameter)


def speakers_named(session: Session, name: str) -> list[str]:
    """Ids of every speaker that answers to ``name`` (as a name or a slug), in id order."""
    return _owners(session, SPEAKER_ALIASES, "speaker_id", name)


def outlets_named(session: Session, name: str) -> list[str]:
    """Ids of every outlet that answers to ``name`` (as a name or a slug), in id order."""
    return _owners(session, OUTLET_ALIASES, "outlet_id", name)


def find_speaker_id(session: Session, id_or_name: str) -> str | None:
    """The one speaker this id or name means; an exact id wins over an alias."""
    return _find_one(session, Speaker, SPEAKER_ALIASES, "speaker_id", id_or_name)


def find_outlet_id(session: Session, id_or_name: str) -> str | None:
    """The one outlet this id or name means; an exact id wins over an alias."""
    return _find_one(session, Outlet, OUTLET_ALIASES, "outlet_id", id_or_name)


def alias_keys(value: str) -> list[str]:
    """The keys a name is looked up by in the alias tables, as a name and as a slug: the one
    rule every path that resolves a name follows (the direct read paths too)."""
    return sorted({name_key(value), slugify(value)} - {""})


def _owners(session: Session, aliases: sa.Table, owner: str, value: str) -> list[str]:
    """Ids of the speakers or outlets whose aliases match ``value`` as a name or as a slug."""
    query = _OWNERS[aliases.name]
    return sorted(session.execute(query, {"keys": alias_keys(value)}).scalars())


def _ids_for(
    session: Session,
    aliases: sa.Table,
    owner: str,
    noun: Literal["speaker", "outlet"],
    values: Iterable[str],
    parameter: str,
) -> set[str]:
    ids: set[str] = set()
    for value in values:
        found = _owners(session, aliases, owner, value)
        if not found:
            suggestions = [(s.id, s.name) for s in closest(session, noun, value)]
            # Named after what was asked: a publisher is an outlet, but was asked as one.
            raise UnknownName(parameter, f"no {parameter or noun} is called {value!r}", suggestions)
        ids.update(found)
    return ids


def _find_one(
    session: Session, model: type[SQLModel], aliases: sa.Table, owner: str, id_or_name: str
) -> str | None:
    if session.get(model, id_or_name) is not None:
        return id_or_name
    found = _owners(session, aliases, owner, id_or_name)
    if len(found) > 1:
        raise AmbiguousName(id_or_name, found)
    return found[0] if found else None
