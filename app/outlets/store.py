"""Every write of an outlet: the one an id or a name means, made the first time the store
hears of it, with the names it answers to; for a batch of articles (``OutletBook``), all its
names read in one statement and its new outlets written in one. Posted articles, archives,
corrections, the seed and evaluation stores all go through here, so an outlet is never made
twice under two spellings."""

from collections.abc import Iterable

import sqlalchemy as sa
from sqlmodel import Session, select

from app.extract import Attribution
from app.models import Outlet, OutletAlias
from app.models.tables import core_table
from app.names import name_key, slugify
from app.queries.lookup import outlets_named
from app.writes import (
    InvalidField,
    bucket,
    first_free,
    free_id,
    hold_all,
    hold_name,
    id_base,
    insert_rows,
    new_aliases,
    one_of,
)

OUTLET = core_table(Outlet)
OUTLET_ALIAS = core_table(OutletAlias)
_MAX_NAME = 300
_CHUNK = 500


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


class OutletBook:
    """Outlets by name for a batch: who answers to each name, read in one statement; the
    outlets it makes, written in one."""

    def __init__(self, session: Session, names: list[str]) -> None:
        self.session = session
        self.owners: dict[str, set[str]] = {}
        self.taken: set[str] = set()
        self.ranges: set[str] = set()
        self.created: list[dict[str, str]] = []
        self.aliases: list[dict[str, str]] = []
        cleaned = [" ".join(n.split()) for n in names]
        # As the speaker book does: two writers meeting one new outlet take turns.
        bases = {id_base(slugify(n) or "outlet") for n in cleaned if n}
        hold_all(session, sorted({bucket("outlet", b) for b in bases}))
        self._read_keys(sorted({k for n in cleaned for k in _keys(n)}))
        self._read_ids(sorted(bases))

    def _read_keys(self, keys: list[str]) -> None:
        for key in keys:
            self.owners.setdefault(key, set())
        for start in range(0, len(keys), _CHUNK):
            rows = self.session.execute(
                sa.select(OUTLET_ALIAS.c.key, OUTLET_ALIAS.c.outlet_id).where(
                    one_of(self.session, OUTLET_ALIAS.c.key, keys[start : start + _CHUNK])
                )
            )
            for key, owner in rows:
                self.owners[key].add(owner)

    def _read_ids(self, bases: list[str]) -> None:
        """The ids taken of each base and its numbered forms, as the speaker book reads them."""
        for start in range(0, len(bases), 200):
            chunk = bases[start : start + 200]
            found = self.session.execute(
                sa.select(OUTLET.c.id).where(
                    sa.or_(*(OUTLET.c.id.between(b, b + ".") for b in chunk))
                )
            ).scalars()
            self.taken |= set(found)
            self.ranges |= set(chunk)

    def named(self, name: str) -> list[str]:
        keys = _keys(name)
        missing = sorted(k for k in keys if k not in self.owners)
        if missing:
            self._read_keys(missing)
        return sorted(set().union(*(self.owners[k] for k in keys)))

    def _one(self, name: str, field: str) -> str | None:
        owners = self.named(name)
        if len(owners) > 1:
            raise InvalidField(field, f"{name!r} could be any of {', '.join(owners)}")
        return owners[0] if owners else None

    def problem(self, publisher: str, attributions: list[Attribution]) -> InvalidField | None:
        """Why the article could not be stored, checked before anything of it is kept: an
        empty or ambiguous publisher, an ambiguous outlet."""
        try:
            self._checked(publisher, "publisher")
            for attribution in attributions:
                if attribution.outlet:
                    self._checked(attribution.outlet, "outlet")
                elif attribution.audience:
                    self._one(attribution.audience, "outlet")
        except InvalidField as error:
            return error
        return None

    def _checked(self, name: str, field: str) -> None:
        name = " ".join(name.split())
        if not name:
            raise InvalidField(field, f"the {field} is empty")
        self._one(name, field)

    def outlet_for(self, name: str, field: str = "publisher") -> str:
        """The outlet this id or name means, made when the store has never heard of it."""
        name = " ".join(name.split())
        if not name:
            raise InvalidField(field, f"the {field} is empty")
        known = self._one(name, field)
        if known is not None:
            return known
        outlet_id = self._free_id(slugify(name) or "outlet")
        name = name[:_MAX_NAME]
        self.created.append({"id": outlet_id, "name": name})
        self.taken.add(outlet_id)
        seen: set[str] = set()
        for alias in (name, outlet_id):
            key = name_key(alias)
            if key and key not in seen:
                seen.add(key)
                if key not in self.owners:
                    self._read_keys([key])
                self.owners[key].add(outlet_id)
                self.aliases.append({"outlet_id": outlet_id, "key": key, "alias": alias})
        return outlet_id

    def given_to(self, attribution: Attribution) -> str | None:
        """The outlet the words were given to: one the text marks as an outlet ("told CBS
        News"), or a name told the words that the store knows as an outlet."""
        if attribution.outlet:
            return self.outlet_for(attribution.outlet, "outlet")
        if attribution.audience:
            return self._one(attribution.audience, "outlet")
        return None

    def _free_id(self, base: str) -> str:
        base = id_base(base)
        if base not in self.ranges:
            self._read_ids([base])
        return first_free(base, self.taken.__contains__)

    def write(self, session: Session) -> None:
        if self.created:
            insert_rows(session, OUTLET, self.created)
        if self.aliases:
            insert_rows(session, OUTLET_ALIAS, self.aliases)
        self.created, self.aliases = [], []


def _keys(name: str) -> set[str]:
    return {name_key(name), slugify(name)} - {""}
