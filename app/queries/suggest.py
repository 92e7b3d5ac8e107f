""" "Did you mean": the stored names closest to one the store does not know.

Only asked when a lookup has already failed, so it may read every name: a store holds
thousands of speakers, not millions, and rapidfuzz compares tens of thousands of names in a
few milliseconds."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa
from rapidfuzz import fuzz, process, utils
from sqlmodel import Session

from app.models import Outlet, OutletAlias, Speaker, SpeakerAlias
from app.models.tables import core_table

SPEAKER = core_table(Speaker)
OUTLET = core_table(Outlet)
SPEAKER_ALIASES = core_table(SpeakerAlias)
OUTLET_ALIASES = core_table(OutletAlias)

# Below this WRatio score (0-100) a name is not offered: "Blinkin" scores 86 against
# "Blinken", "Zelensky" under 50 against everything in the seed.
NAME_CUTOFF = 75
# A misspelt parameter ("speker") against the route's own (ratio, not partial matching:
# "q" must not be everyone's closest).
PARAMETER_CUTOFF = 70


@dataclass(frozen=True)
class Suggestion:
    """A stored speaker or outlet: its id (a value the filter takes) and its name."""

    id: str
    name: str


def closest(
    session: Session, kind: Literal["speaker", "outlet"], value: str, limit: int = 3
) -> list[Suggestion]:
    """The stored speakers (or outlets) whose names are closest to ``value``, best first."""
    if kind == "speaker":
        return _closest(session, SPEAKER, SPEAKER_ALIASES, "speaker_id", value, limit)
    return _closest(session, OUTLET, OUTLET_ALIASES, "outlet_id", value, limit)


def closest_parameter(name: str, known: Iterable[str]) -> str | None:
    found = process.extractOne(
        name, list(known), scorer=fuzz.ratio, processor=utils.default_process,
        score_cutoff=PARAMETER_CUTOFF,
    )  # fmt: skip
    return str(found[0]) if found else None


def _closest(
    session: Session, owners: sa.Table, aliases: sa.Table, owner: str, value: str, limit: int
) -> list[Suggestion]:
    """Every name and alias is scored; each owner counts once, at its best-scoring name."""
    rows = session.execute(
        sa.select(owners.c.id, owners.c.name, aliases.c.alias).join(
            aliases, aliases.c[owner] == owners.c.id
        )
    ).all()
    if not rows:
        return []
    found = process.extract(
        value, [row.alias for row in rows], scorer=fuzz.WRatio, processor=utils.default_process,
        score_cutoff=NAME_CUTOFF, limit=None,
    )  # fmt: skip
    seen: dict[str, Suggestion] = {}
    # Best score first; among equals, the shorter name (the person, not "Secretary of State X").
    for _, _, index in sorted(found, key=lambda hit: (-hit[1], len(rows[hit[2]].alias))):
        row = rows[index]
        if row.id not in seen:
            seen[row.id] = Suggestion(id=row.id, name=row.name)
        if len(seen) == limit:
            break
    return list(seen.values())
