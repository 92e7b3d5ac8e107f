"""Summaries for the search page: who is quoted most, and which outlets were given most."""

import sqlalchemy as sa
from sqlmodel import Session

from app.models import Outlet, Quote, Speaker
from app.models.public import OutletRef, SpeakerRef
from app.models.tables import core_table

SPEAKER = core_table(Speaker)
OUTLET = core_table(Outlet)
QUOTE = core_table(Quote)


# A quote the front page counts as a fact: a person checked or entered it, or the rule that
# found it is right this often in every field on the team's newsroom set.
TRUSTED_CONFIDENCE = 0.85


def _trusted() -> sa.ColumnElement[bool]:
    return sa.or_(
        QUOTE.c.reviewed.is_(True),
        QUOTE.c.origin != "extracted",
        QUOTE.c.confidence >= TRUSTED_CONFIDENCE,
    )


def most_quoted_speakers(
    session: Session, limit: int, *, trusted: bool = False
) -> list[tuple[SpeakerRef, int]]:
    """Speakers by their quotes; with ``trusted``, only quotes a person checked or a rule
    seldom wrong found, so a machine's slip does not top the list."""
    count = sa.func.count(QUOTE.c.id).label("quotes")
    rows = session.execute(
        sa.select(SPEAKER.c.id, SPEAKER.c.name, SPEAKER.c.kind, SPEAKER.c.role, count)
        .join(QUOTE, QUOTE.c.speaker_id == SPEAKER.c.id)
        .where(_trusted() if trusted else sa.true())
        .group_by(SPEAKER.c.id, SPEAKER.c.name, SPEAKER.c.kind, SPEAKER.c.role)
        .order_by(count.desc(), SPEAKER.c.name)
        .limit(limit)
    ).mappings()
    return [(SpeakerRef.model_validate(dict(row)), int(row["quotes"])) for row in rows]


def most_quoted_outlets(
    session: Session, limit: int, *, trusted: bool = False
) -> list[tuple[OutletRef, int]]:
    """Outlets by the quotes given to them (``trusted``: as for speakers)."""
    count = sa.func.count(QUOTE.c.id).label("quotes")
    rows = session.execute(
        sa.select(OUTLET.c.id, OUTLET.c.name, count)
        .join(QUOTE, QUOTE.c.outlet_id == OUTLET.c.id)
        .where(_trusted() if trusted else sa.true())
        .group_by(OUTLET.c.id, OUTLET.c.name)
        .order_by(count.desc(), OUTLET.c.name)
        .limit(limit)
    ).mappings()
    return [(OutletRef.model_validate(dict(row)), int(row["quotes"])) for row in rows]
