"""Every write of a speaker and the names it answers to: the one an id means, made the first
time; what a batch's linking adds (new speakers, names, fuller names) in one statement each;
names added, moved and dropped by edits; speakers removed; and, the one write to quotes made
here, the quotes a merge or a split hands to another speaker. Linking, editing, the seed,
hand-made quotes and re-reading all write speakers through here (``admin`` keeps their
history)."""

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.models import Quotation, Quote, Speaker, SpeakerAlias, SpeakerRevision
from app.models.tables import core_table
from app.names import name_key
from app.writes import hold_name, insert_rows, new_aliases, others_write

SPEAKER = core_table(Speaker)
ALIAS = core_table(SpeakerAlias)
# An alias as a revision remembers it: key, spelling, the article it was learnt from.
AliasRow = tuple[str, str, int | None]


_ALIAS_KEYS = sa.select(SpeakerAlias.key).where(  # type: ignore[call-overload]
    SpeakerAlias.speaker_id == sa.bindparam("speaker_id")
)


def ensure_speaker(
    *,
    session: Session,
    id: str,
    name: str,
    kind: str,
    role: str | None = None,
    affiliation: str | None = None,
    aliases: Iterable[str] = (),
    learnt_from: int | None = None,
    created: set[str] | None = None,
    absent: bool = False,
) -> Speaker:
    """The speaker with this id, created if missing (its id then added to ``created``),
    answering to every given name; ``learnt_from`` is the article extraction read them in.
    ``absent``: the caller has just looked and found no speaker with this id."""
    hold_name(session, "speaker", id)
    # On PostgreSQL another writer may have made it while this one waited for the lock; on
    # SQLite the session's own copy is the store's (one writer at a time).
    # ``absent``: the caller has just seen no such row; with one writer, none has come since.
    others = others_write(session)
    speaker = None if absent and not others else session.get(Speaker, id, populate_existing=others)
    known: set[str] = set()  # a speaker made here has no aliases yet
    if speaker is None:
        speaker = Speaker(id=id, name=name, kind=kind, role=role, affiliation=affiliation)
        session.add(speaker)
        session.flush()
        if created is not None:
            created.add(id)
    else:
        known = set(session.execute(_ALIAS_KEYS, {"speaker_id": id}).scalars())
    for key, alias in new_aliases(known, (name, id, *aliases)):
        session.add(SpeakerAlias(speaker_id=id, key=key, alias=alias, article_id=learnt_from))
    return speaker


def write_linked(
    session: Session,
    speakers: list[dict[str, Any]],
    aliases: list[dict[str, Any]],
    renamed: dict[str, str],
) -> None:
    """What a batch's linking made: new speakers, new names, fuller names of known speakers."""
    insert_rows(session, SPEAKER, speakers)
    insert_rows(session, ALIAS, aliases)
    if renamed:
        session.execute(
            sa.update(SPEAKER)
            .where(SPEAKER.c.id == sa.bindparam("speaker"))
            .values(name=sa.bindparam("new_name")),
            [{"speaker": sid, "new_name": name} for sid, name in renamed.items()],
        )


def aliases_of(session: Session, speaker_id: str) -> list[SpeakerAlias]:
    return list(session.exec(select(SpeakerAlias).where(SpeakerAlias.speaker_id == speaker_id)))


def alias_keys(session: Session, speaker_id: str) -> set[str]:
    return set(session.exec(select(SpeakerAlias.key).where(SpeakerAlias.speaker_id == speaker_id)))


def add_aliases(session: Session, speaker_id: str, names: Iterable[str]) -> list[AliasRow]:
    known = alias_keys(session, speaker_id)
    rows: list[AliasRow] = []
    for name in names:
        key = name_key(name)
        if key and key not in known:
            known.add(key)
            rows.append((key, name, None))
    insert_aliases(session, speaker_id, rows)
    return rows


def insert_aliases(session: Session, speaker_id: str, rows: Iterable[Any]) -> None:
    known = alias_keys(session, speaker_id)
    for key, alias, article_id in rows:
        if key not in known:
            known.add(key)
            session.add(
                SpeakerAlias(speaker_id=speaker_id, key=key, alias=alias, article_id=article_id)
            )
    session.flush()


def drop_aliases(session: Session, aliases: Iterable[SpeakerAlias]) -> None:
    for alias in aliases:
        session.delete(alias)
    session.flush()


def change(session: Session, speaker: Speaker, values: dict[str, Any]) -> None:
    """The speaker's fields set to ``values`` (the caller has it locked)."""
    for field, value in values.items():
        setattr(speaker, field, value)
    session.add(speaker)


def remove(session: Session, speaker: Speaker) -> None:
    session.delete(speaker)
    session.flush()


def remove_unquoted_speakers(session: Session) -> int:
    """Removes every speaker the machine made (its names learnt from articles) that no quote,
    quotation or person's edit refers to any more; the number removed."""
    quoted = select(Quote.speaker_id).distinct()
    grouped = select(Quotation.speaker_id).distinct()
    edited = select(SpeakerRevision.speaker_id).distinct()
    learnt = select(SpeakerAlias.speaker_id).where(SpeakerAlias.article_id.is_not(None))  # type: ignore[union-attr]
    given = select(SpeakerAlias.speaker_id).where(SpeakerAlias.article_id.is_(None))  # type: ignore[union-attr]
    orphans = list(
        session.exec(
            select(Speaker.id)
            .where(Speaker.id.in_(learnt))  # type: ignore[attr-defined]
            .where(Speaker.id.not_in(given))  # type: ignore[attr-defined]
            .where(Speaker.id.not_in(quoted))  # type: ignore[attr-defined]
            .where(Speaker.id.not_in(grouped))  # type: ignore[attr-defined]
            .where(Speaker.id.not_in(edited))  # type: ignore[attr-defined]
            .with_for_update()
        )
    )
    if orphans:
        session.execute(sa.delete(SpeakerAlias).where(SpeakerAlias.speaker_id.in_(orphans)))  # type: ignore[attr-defined]
        session.execute(sa.delete(Speaker).where(Speaker.id.in_(orphans)))  # type: ignore[attr-defined]
    return len(orphans)


def reassign_quotes(
    session: Session, quote_ids: list[int], to: str, *, only_from: str | None = None
) -> None:
    """The quotes now said by ``to`` (a merge, a split, their reverts), one UPDATE per
    thousand; ``only_from``: only those still with that speaker (a revert moves back only what
    stayed where it was put)."""
    for at in range(0, len(quote_ids), 1000):
        statement = sa.update(Quote).where(col(Quote.id).in_(quote_ids[at : at + 1000]))
        if only_from is not None:
            statement = statement.where(col(Quote.speaker_id) == only_from)
        session.execute(statement.values(speaker_id=to))
    session.flush()
