"""Fixing people, not just quotes: edit a speaker, merge two, split aliases and their articles
off into a new speaker, and revert any of these. Every change is a ``SpeakerRevision`` that
holds what its revert needs; callers own the transaction, as with every write.

Rows are locked before they are read (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite writes
hold the write lock from their first statement), so two admins changing one speaker at once
are applied one after the other and each revision records what it really changed."""

from typing import Any

from sqlmodel import Session, col, func, select

from app.models import ApiKey, Quote, Speaker, SpeakerRevision
from app.models.public import SpeakerPatch, SpeakerSplit
from app.models.versions import Expected, VersionMismatch
from app.names import name_key, slugify
from app.quotations.grouping import regroup
from app.speakers.store import (
    AliasRow,
    add_aliases,
    alias_keys,
    aliases_of,
    change,
    drop_aliases,
    ensure_speaker,
    insert_aliases,
    reassign_quotes,
    remove,
)
from app.writes import InvalidField, free_id, utcnow

_FIELDS = ("name", "kind", "role", "affiliation")


class SpeakerMissing(Exception):
    """No speaker has this id (now)."""


class RevisionMissing(Exception):
    """The speaker has no revision with this version."""


class Conflict(Exception):
    """The change cannot be made to the store as it now stands; the message says why."""


def speaker_version(session: Session, speaker_id: str) -> int:
    """The number of the latest change recorded on the speaker; 0 for one never changed."""
    return _next_version(session, speaker_id) - 1


def check_version(session: Session, speaker_id: str, expected: Expected | None) -> None:
    """Locks the speaker and raises VersionMismatch unless it is at a version ``expected``
    allows: the first step of a change sent with ``If-Match``."""
    if expected is None:
        return
    _locked(session, [speaker_id])
    version = speaker_version(session, speaker_id)
    if not expected.allows(version):
        raise VersionMismatch(version)


def edit_speaker(session: Session, speaker_id: str, patch: SpeakerPatch, key: ApiKey) -> Speaker:
    """Changes the fields sent. A new name becomes an alias too; the old one stays an alias,
    so links and searches by it keep working."""
    speaker = _locked(session, [speaker_id])[speaker_id]
    sent = patch.model_fields_set
    for field in ("name", "kind"):
        if field in sent and getattr(patch, field) is None:
            raise InvalidField(field, f"a speaker cannot be without its {field}")
    changes: dict[str, dict[str, Any]] = {}
    for field in _FIELDS:
        if field in sent and getattr(patch, field) != getattr(speaker, field):
            changes[field] = {"before": getattr(speaker, field), "after": getattr(patch, field)}
    if not changes:
        return speaker
    change(session, speaker, {field: c["after"] for field, c in changes.items()})
    added = add_aliases(session, speaker_id, [speaker.name]) if "name" in changes else []
    _record(session, speaker_id, "update", {"fields": changes, "aliases_added": added}, key)
    return speaker


def merge_speakers(session: Session, source_id: str, into_id: str, key: ApiKey) -> Speaker:
    """Everything ``source_id`` said becomes ``into_id``'s, with every name it answered to
    (its id included, so old links lead to the merged speaker); ``source_id`` is gone."""
    if source_id == into_id:
        raise InvalidField("into", "a speaker cannot be merged into itself")
    locked = _locked(session, [source_id, into_id], field="into")
    source, into = locked[source_id], locked[into_id]
    quotes = _quote_ids(session, source_id)
    _move_quotes(session, quotes, into_id)
    known = alias_keys(session, into_id)
    moved: list[AliasRow] = []
    dropped: list[AliasRow] = []
    aliases = aliases_of(session, source_id)
    for alias in aliases:
        row: AliasRow = (alias.key, alias.alias, alias.article_id)
        (dropped if alias.key in known else moved).append(row)
    drop_aliases(session, aliases)
    insert_aliases(session, into_id, moved)
    snapshot = {field: getattr(source, field) for field in _FIELDS}
    remove(session, source)
    into_version = _next_version(session, into_id)
    source_version = _record(
        session,
        source_id,
        "merge",
        {
            "into": into_id,
            "speaker": snapshot,
            "quotes": quotes,
            "aliases": moved,
            "dropped": dropped,
            "pair": [into_id, into_version],
        },
        key,
    )
    _record(
        session,
        into_id,
        "absorb",
        {"from": source_id, "quotes": len(quotes), "pair": [source_id, source_version]},
        key,
    )
    return into


def split_speaker(session: Session, speaker_id: str, split: SpeakerSplit, key: ApiKey) -> Speaker:
    """A new speaker takes the given aliases and the quotes of the given articles, and of the
    articles extraction learnt those aliases from: how one bad article's merge is undone."""
    _locked(session, [speaker_id])
    keys = {name_key(alias) for alias in split.aliases} - {""}
    aliases = [a for a in aliases_of(session, speaker_id) if a.key in keys]
    missing = keys - {a.key for a in aliases}
    if missing:
        raise InvalidField("aliases", f"{speaker_id} has no alias {sorted(missing)[0]!r}")
    articles = set(split.articles) | {a.article_id for a in aliases if a.article_id is not None}
    quotes = (
        list(
            session.exec(
                select(Quote.id)
                .where(Quote.speaker_id == speaker_id, col(Quote.article_id).in_(articles))
                .order_by(col(Quote.id))
            )
        )
        if articles
        else []
    )
    new_id = free_id(session, Speaker, slugify(split.name) or "speaker")
    new = ensure_speaker(
        session=session, id=new_id, name=split.name, kind=split.kind, role=split.role
    )
    rows: list[AliasRow] = [(a.key, a.alias, a.article_id) for a in aliases]
    drop_aliases(session, aliases)
    insert_aliases(session, new_id, rows)
    _move_quotes(session, [q for q in quotes if q is not None], new_id)
    new_version = _next_version(session, new_id)
    version = _record(
        session,
        speaker_id,
        "split",
        {"to": new_id, "quotes": quotes, "aliases": rows, "pair": [new_id, new_version]},
        key,
    )
    _record(session, new_id, "split_off", {"from": speaker_id, "pair": [speaker_id, version]}, key)
    return new


def revert(session: Session, speaker_id: str, version: int, key: ApiKey) -> str:
    """Undoes one change, if nothing later has touched the speakers it involved; answers the
    id of the speaker the change was recorded on (a merged-away speaker is back)."""
    revision = _revision(session, speaker_id, version)
    if revision.action in {"absorb", "split_off"}:
        other, other_version = revision.changes["pair"]
        revision = _revision(session, other, other_version)
    if revision.action == "revert":
        raise Conflict("a revert is not itself reverted; make the change again")
    if revision.reverted:
        raise Conflict(f"version {revision.version} of {revision.speaker_id} is already reverted")
    changes = revision.changes
    involved = [revision.speaker_id] + ([changes["pair"][0]] if "pair" in changes else [])
    for owner in involved:
        if _latest(session, owner) > _own_version(revision, owner):
            raise Conflict(f"{owner} has changed since; revert the later changes first")
    if revision.action == "update":
        _undo_update(session, revision)
    elif revision.action == "merge":
        _undo_merge(session, revision)
    else:
        _undo_split(session, revision)
    revision.reverted = True
    session.add(revision)
    if "pair" in changes:
        pair = _revision(session, changes["pair"][0], changes["pair"][1])
        pair.reverted = True
        session.add(pair)
    for owner in involved:
        _record(
            session,
            owner,
            "revert",
            {"reverted": [revision.speaker_id, revision.version], "action": revision.action},
            key,
            reverts=revision.id,
        )
    return revision.speaker_id


def speaker_history(
    session: Session, speaker_id: str
) -> list[tuple[SpeakerRevision, str | None, str | None]]:
    """Every change recorded on this id, oldest first, with the name and prefix of the key
    that made it."""
    rows = session.exec(
        select(SpeakerRevision, ApiKey.name, ApiKey.prefix)
        .join(ApiKey, col(ApiKey.id) == col(SpeakerRevision.api_key_id), isouter=True)
        .where(SpeakerRevision.speaker_id == speaker_id)
        .order_by(col(SpeakerRevision.version))
    ).all()
    return [(revision, name, prefix) for revision, name, prefix in rows]


# Undoing -------------------------------------------------------------------------------------


def _undo_update(session: Session, revision: SpeakerRevision) -> None:
    speaker = _locked(session, [revision.speaker_id])[revision.speaker_id]
    fields = revision.changes["fields"]
    change(session, speaker, {field: c["before"] for field, c in fields.items()})
    added = {row[0] for row in revision.changes["aliases_added"]}
    drop_aliases(session, [a for a in aliases_of(session, revision.speaker_id) if a.key in added])


def _undo_merge(session: Session, revision: SpeakerRevision) -> None:
    changes = revision.changes
    source_id, into_id = revision.speaker_id, changes["into"]
    _locked(session, [into_id])
    if session.get(Speaker, source_id) is not None:
        raise Conflict(f"another speaker has taken the id {source_id!r} since")
    ensure_speaker(session=session, id=source_id, **changes["speaker"])
    moved = [tuple(row) for row in changes["aliases"]]
    keys = {row[0] for row in moved}
    drop_aliases(session, [a for a in aliases_of(session, into_id) if a.key in keys])
    # The id and name ensure_speaker added come back with the rest.
    drop_aliases(session, aliases_of(session, source_id))
    insert_aliases(session, source_id, [*moved, *(tuple(r) for r in changes["dropped"])])
    _move_quotes(session, changes["quotes"], source_id, only_from=into_id)


def _undo_split(session: Session, revision: SpeakerRevision) -> None:
    changes = revision.changes
    source_id, new_id = revision.speaker_id, changes["to"]
    _locked(session, [source_id, new_id])
    _move_quotes(session, changes["quotes"], source_id, only_from=new_id)
    rows = [tuple(row) for row in changes["aliases"]]
    drop_aliases(session, aliases_of(session, new_id))
    insert_aliases(session, source_id, rows)
    left = session.exec(select(func.count()).where(Quote.speaker_id == new_id)).one()
    if left == 0:
        new = session.get(Speaker, new_id)
        if new is not None:
            remove(session, new)


def _move_quotes(
    session: Session, quote_ids: list[int], to: str, *, only_from: str | None = None
) -> None:
    reassign_quotes(session, quote_ids, to, only_from=only_from)
    # What a speaker said is grouped among that speaker's quotations.
    regroup(session, quote_ids)


# Store helpers -------------------------------------------------------------------------------


def _locked(session: Session, ids: list[str], field: str = "speaker") -> dict[str, Speaker]:
    """The speakers, row-locked until the transaction ends, in id order (no deadlocks)."""
    found = {
        speaker.id: speaker
        for speaker in session.exec(
            select(Speaker)
            .where(col(Speaker.id).in_(ids))
            .order_by(col(Speaker.id))
            .with_for_update()
        )
    }
    for speaker_id in ids:
        if speaker_id not in found:
            if field == "speaker":
                raise SpeakerMissing(speaker_id)
            raise InvalidField(field, f"there is no speaker {speaker_id!r}")
    return found


def _quote_ids(session: Session, speaker_id: str) -> list[int]:
    found = session.exec(
        select(Quote.id).where(Quote.speaker_id == speaker_id).order_by(col(Quote.id))
    )
    return [quote_id for quote_id in found if quote_id is not None]


def _revision(session: Session, speaker_id: str, version: int) -> SpeakerRevision:
    found = session.exec(
        select(SpeakerRevision).where(
            SpeakerRevision.speaker_id == speaker_id, SpeakerRevision.version == version
        )
    ).first()
    if found is None:
        raise RevisionMissing(f"{speaker_id} has no version {version}")
    return found


def _latest(session: Session, speaker_id: str) -> int:
    """The speaker's latest version that a revert has not undone."""
    found = session.exec(
        select(func.max(SpeakerRevision.version)).where(
            SpeakerRevision.speaker_id == speaker_id,
            col(SpeakerRevision.reverted).is_(False),
            SpeakerRevision.action != "revert",
        )
    ).one()
    return int(found or 0)


def _own_version(revision: SpeakerRevision, owner: str) -> int:
    if owner == revision.speaker_id:
        return revision.version
    return int(revision.changes["pair"][1])


def _next_version(session: Session, speaker_id: str) -> int:
    latest = session.exec(
        select(func.max(SpeakerRevision.version)).where(SpeakerRevision.speaker_id == speaker_id)
    ).one()
    return int(latest or 0) + 1


def _record(
    session: Session,
    speaker_id: str,
    action: str,
    changes: dict[str, Any],
    key: ApiKey,
    *,
    reverts: int | None = None,
) -> int:
    version = _next_version(session, speaker_id)
    session.add(
        SpeakerRevision(
            speaker_id=speaker_id,
            version=version,
            action=action,
            changes=changes,
            reverts=reverts,
            api_key_id=key.id,
            changed_at=utcnow(),
        )
    )
    session.flush()
    return version
