"""One place decides who a mention is. Extraction resolves mentions within an article ("he",
"Cameron" after "James Cameron"); this module links the article's speakers to the store.

The rules put precision first: a name links to a stored speaker only when exactly one speaker
of the same kind answers to it and nothing contradicts (another given name, a role with
nothing in common). A namesake becomes a new speaker; popularity never decides identity."""

import re
from collections.abc import Iterable

from sqlmodel import Session, select

from app.crud import ensure_speaker, free_id
from app.extract.lexicon import HONORIFICS, TITLE_WORDS
from app.extract.model import Speaker as Mention
from app.models import Speaker, SpeakerAlias, SpeakerRevision
from app.names import name_key, slugify
from app.queries.lookup import speakers_named

_MAX_NAME = 300
_GENERIC_WORDS = frozenset("a an the another one some two several other".split())
# Words of a role that say nothing of what the role is.
_ROLE_NOISE = frozenset("the of a an former acting deputy u.s. us and for".split())


def link_speakers(
    session: Session,
    mentions: Iterable[Mention],
    article_id: int,
    created: set[str] | None = None,
) -> dict[int, str]:
    """The stored speaker id of each of an article's speakers (keyed by ``id()`` of the
    extracted speaker), creating those the store does not know (their ids added to
    ``created``)."""
    linked: dict[int, str] = {}
    later: list[Mention] = []
    mentions = list(mentions)
    index = _AliasIndex(session, mentions)
    for mention in mentions:
        if id(mention) in linked:
            continue
        if mention.role_reference:
            later.append(mention)  # "the foreign secretary": after the named people
            continue
        linked[id(mention)] = link_speaker(session, mention, article_id, created, index)
    for mention in later:
        holder = _role_holder(session, mention.role_reference or "", set(linked.values()))
        linked[id(mention)] = holder or link_speaker(session, mention, article_id, created, index)
    return linked


class _AliasIndex:
    """Who answers to each name an article's mentions may be looked up by: read in one
    statement, then kept current with the aliases linking adds, so that linking a mention
    looks nothing up one name at a time. A name it was not built for is looked up."""

    def __init__(self, session: Session, mentions: list[Mention]) -> None:
        self.session = session
        keys = sorted({k for m in mentions for n in _names(m) for k in _keys(n)})
        self.owners: dict[str, set[str]] = {key: set() for key in keys}
        for start in range(0, len(keys), 500):
            rows = session.exec(
                select(SpeakerAlias.key, SpeakerAlias.speaker_id).where(
                    SpeakerAlias.key.in_(keys[start : start + 500])  # type: ignore[attr-defined]
                )
            )
            for key, owner in rows:
                self.owners[key].add(owner)
        # The speakers answering to any of the names, read once too.
        ids = sorted(set().union(*self.owners.values())) if self.owners else []
        self.speakers: dict[str, Speaker] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found = session.exec(select(Speaker).where(Speaker.id.in_(chunk)))  # type: ignore[attr-defined]
            self.speakers.update((speaker.id, speaker) for speaker in found)

    def answering(self, owners: list[str]) -> list[Speaker]:
        """The stored speakers of these ids, in id order."""
        if all(owner in self.speakers for owner in owners):
            return [self.speakers[owner] for owner in owners]
        return _answering(self.session, owners)

    def named(self, name: str) -> list[str]:
        """As ``speakers_named``."""
        keys = _keys(name)
        if not keys <= self.owners.keys():
            return speakers_named(self.session, name)
        return sorted(set().union(*(self.owners[k] for k in keys)))

    def owned_elsewhere(self, names: list[str], speaker_id: str) -> set[str]:
        """The keys of ``names`` that another speaker answers to."""
        keys = {name_key(n) for n in names} - {""}
        if not keys <= self.owners.keys():
            return _owned_elsewhere(self.session, names, speaker_id)
        return {k for k in keys if self.owners[k] - {speaker_id}}

    def learn(self, speaker: Speaker, names: Iterable[str]) -> None:
        self.speakers[speaker.id] = speaker
        for name in names:
            key = name_key(name)
            if key in self.owners:
                self.owners[key].add(speaker.id)


def _keys(name: str) -> set[str]:
    return {name_key(name), slugify(name)} - {""}


def link_speaker(
    session: Session,
    mention: Mention,
    article_id: int | None = None,
    created: set[str] | None = None,
    index: "_AliasIndex | None" = None,
) -> str:
    """The stored speaker this extracted one is; a new one when none fits for certain. The
    article's names for it become aliases, remembering the article, unless another speaker
    already answers to them: a store must not make a name ambiguous behind a person's back."""
    names = _names(mention)
    index = index or _AliasIndex(session, [mention])
    found = _known(session, mention, names, index)
    speaker_id = found or free_id(session, Speaker, slugify(mention.name) or "speaker")
    absent = found is None  # free_id has just looked
    taken = index.owned_elsewhere(names, speaker_id)
    name = mention.name[:_MAX_NAME]
    aliases = [n[:_MAX_NAME] for n in dict.fromkeys(names) if name_key(n) not in taken]
    speaker = ensure_speaker(
        session=session,
        id=speaker_id,
        name=name,
        kind=mention.kind,
        role=mention.role[:_MAX_NAME] if mention.role else None,
        aliases=aliases,
        learnt_from=article_id,
        created=created,
        absent=absent,
    )
    if found is not None and _fuller(mention, speaker):
        _take_fuller_name(session, speaker_id, name)
    index.learn(speaker, [name, speaker_id, *aliases])
    return speaker_id


def _fuller(mention: Mention, stored: Speaker) -> bool:
    """ "Adaeze Okafor" for a person the store knows only as "Okafor"."""
    words, known = mention.name.split(), stored.name.split()
    return (
        stored.kind == "person"
        and (mention.kind == "person" or not mention.kind_certain)
        and len(known) == 1
        and len(words) > 1
        and words[-1] == known[0]
    )


def _take_fuller_name(session: Session, speaker_id: str, name: str) -> None:
    """A person the machine stored under a surname alone takes the full name an article gives,
    unless a person has edited them: their name is then theirs to choose."""
    if session.exec(
        select(SpeakerRevision.id).where(SpeakerRevision.speaker_id == speaker_id)
    ).first():
        return
    speaker = session.get(Speaker, speaker_id, with_for_update=True, populate_existing=True)
    if speaker is not None and len(speaker.name.split()) == 1:
        speaker.name = name
        session.add(speaker)


def _names(mention: Mention) -> list[str]:
    names = [mention.name, *(m for m in mention.mentions if _distinctive(m))]
    if mention.kind == "person":
        names.append(_without_initials(mention.name))
    if mention.kind == "organization" and mention.name.startswith("The "):
        names.append(mention.name[4:])  # "The Halden Group" answers to "Halden Group" too
    return names


def _known(
    session: Session, mention: Mention, names: list[str], index: "_AliasIndex"
) -> str | None:
    """The one stored speaker of the same kind that answers to the fullest of the names and
    that nothing contradicts; None when there is none, or more than one."""
    for name in sorted(dict.fromkeys(names), key=lambda n: -len(_given_and_family(n))):
        candidates = [
            stored
            for stored in index.answering(index.named(name))
            if _kind_fits(stored, mention) and not contradicts(stored, mention)
        ]
        if len(candidates) == 1:
            return candidates[0].id
        if candidates:
            return None  # "Cameron" with two Camerons stored: not ours to choose
    return None


def _kind_fits(stored: Speaker, mention: Mention) -> bool:
    """The same kind; or a bare name the article did not show to be a person's ("Peskov
    said"), which the store knows as a person's."""
    return stored.kind == mention.kind or (not mention.kind_certain and stored.kind == "person")


def _answering(session: Session, owners: list[str]) -> list[Speaker]:
    """These stored speakers, in id order, in one statement."""
    if not owners:
        return []
    return list(
        session.exec(
            select(Speaker).where(Speaker.id.in_(owners)).order_by(Speaker.id)  # type: ignore[attr-defined]
        ).all()
    )


def contradicts(stored: Speaker, mention: Mention) -> bool:
    """Different given names ("James" and "David" Cameron), or roles with no word in common
    ("film director" and "British Foreign Secretary"), are different people."""
    if mention.kind != "person":
        return False
    known = _given(stored.name)
    given = _given(mention.name)
    if known and given and not _same_given(known, given):
        return True
    return bool(
        stored.role and mention.role and not (_role_words(stored.role) & _role_words(mention.role))
    )


def _role_holder(session: Session, role: str, linked: set[str]) -> str | None:
    """The one person of this article whose stored role is ``role`` ("the foreign secretary"
    after "Lord Cameron", whose stored role is "British Foreign Secretary")."""
    wanted = _role_words(role)
    speakers = session.exec(
        select(Speaker).where(Speaker.id.in_(sorted(linked))).order_by(Speaker.id)  # type: ignore[attr-defined]
    ).all()
    holders = [
        speaker.id
        for speaker in speakers
        if speaker.kind == "person"
        and speaker.role
        and wanted
        and wanted <= _role_words(speaker.role)
    ]
    return holders[0] if len(holders) == 1 else None


def _owned_elsewhere(session: Session, names: list[str], speaker_id: str) -> set[str]:
    keys = {name_key(n) for n in names} - {""}
    rows = session.exec(
        select(SpeakerAlias.key).where(
            SpeakerAlias.key.in_(keys),  # type: ignore[attr-defined]
            SpeakerAlias.speaker_id != speaker_id,
        )
    )
    return set(rows)


def _given_and_family(name: str) -> list[str]:
    return [w for w in name.split() if w not in HONORIFICS and w not in TITLE_WORDS]


def _given(name: str) -> str | None:
    words = _given_and_family(name)
    return words[0] if len(words) > 1 else None


def _same_given(a: str, b: str) -> bool:
    a, b = a.rstrip(".").casefold(), b.rstrip(".").casefold()
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]  # "J. Cameron" may be James
    return a == b


def _role_words(role: str) -> set[str]:
    return {w for w in re.findall(r"[\w.]+", role.casefold()) if w not in _ROLE_NOISE}


def _without_initials(name: str) -> str:
    """ "Donald J. Trump" -> "Donald Trump", so both spellings find one speaker."""
    words = name.split()
    kept = [
        w for i, w in enumerate(words) if not (0 < i < len(words) - 1 and len(w.rstrip(".")) == 1)
    ]
    return " ".join(kept)


def _distinctive(mention: str) -> bool:
    """A mention worth keeping as an alias: not a pronoun, not a bare "the official"."""
    words = [w for w in mention.split() if w.lower() not in _GENERIC_WORDS]
    return len(words) > 1 or (len(words) == 1 and words[0][:1].isupper())
