"""One place decides who a mention is. Extraction resolves mentions within an article ("he",
"Cameron" after "James Cameron"); this module links the article's speakers to the store.

The rules put precision first: a name links to a stored speaker only when exactly one speaker
of the same kind answers to it and nothing contradicts (another given name, a role with
nothing in common). A namesake becomes a new speaker; popularity never decides identity."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Session

from app.extract.lexicon import HONORIFICS, TITLE_WORDS
from app.extract.model import Speaker as Mention
from app.models import Speaker, SpeakerAlias, SpeakerRevision
from app.models.tables import core_table
from app.names import name_key, slugify
from app.speakers.store import write_linked
from app.writes import bucket, first_free, hold_all, id_base, one_of

_MAX_NAME = 300
_GENERIC_WORDS = frozenset("a an the another one some two several other".split())
# Words of a role that say nothing of what the role is.
_ROLE_NOISE = frozenset("the of a an former acting deputy u.s. us and for".split())
SPEAKER = core_table(Speaker)
ALIAS = core_table(SpeakerAlias)
REVISION = core_table(SpeakerRevision)
_CHUNK = 500
_RANGES = 200


@dataclass
class Known:
    """A speaker as linking sees it: the store's, or one this batch makes."""

    id: str
    name: str
    kind: str
    role: str | None


class SpeakerBook:
    """What linking needs of the store, for every mention of a batch of articles, read in a
    few statements; and what linking adds (speakers, aliases, fuller names), kept here and
    written by ``write`` in one statement each. A batch of one article is the same."""

    def __init__(self, session: Session, mentions: Iterable[Mention]) -> None:
        self.session = session
        self.owners: dict[str, set[str]] = {}
        # Owners added to keys the store has not been asked about yet.
        self.unread: dict[str, set[str]] = {}
        self.speakers: dict[str, Known] = {}
        # Speaker ids known to be taken, and the bases whose numbered forms are all known.
        self.taken: set[str] = set()
        self.ranges: set[str] = set()
        self.created: list[Known] = []
        # (speaker id, key) -> (alias, article it was learnt from), first spelling kept.
        self.aliases: dict[tuple[str, str], tuple[str, int | None]] = {}
        self.renamed: dict[str, str] = {}
        self._edited: dict[str, bool] = {}
        self._names: dict[int, list[str]] = {}
        self.read(list(mentions))

    def read(self, mentions: Sequence[Mention]) -> None:
        """Reads who answers to these mentions' names, and whether their ids are taken."""
        bases = {id_base(slugify(m.name) or "speaker") for m in mentions}
        # Held before anything is read (PostgreSQL), so that two writers meeting one new name
        # take turns: the second then finds the speaker the first made.
        hold_all(self.session, sorted({bucket("speaker", b) for b in bases}))
        keys = {k for m in mentions for n in self.names_of(m) for k in _keys(n)}
        # A new speaker answers to its id too.
        keys |= {name_key(base) for base in bases} - {""}
        self._read_keys(sorted(k for k in keys if k not in self.owners))
        self._read_ranges(sorted(bases - self.ranges))

    def _read_keys(self, keys: list[str]) -> None:
        for key in keys:
            self.owners.setdefault(key, set()).update(self.unread.pop(key, set()))
        for start in range(0, len(keys), _CHUNK):
            rows = self.session.execute(
                sa.select(ALIAS.c.key, ALIAS.c.speaker_id).where(
                    one_of(self.session, ALIAS.c.key, keys[start : start + _CHUNK])
                )
            )
            for key, owner in rows:
                self.owners[key].add(owner)
        owners = set().union(*(self.owners[k] for k in keys))
        wanted = sorted(o for o in owners if o not in self.speakers)
        for start in range(0, len(wanted), _CHUNK):
            rows = self.session.execute(
                sa.select(SPEAKER.c.id, SPEAKER.c.name, SPEAKER.c.kind, SPEAKER.c.role).where(
                    one_of(self.session, SPEAKER.c.id, wanted[start : start + _CHUNK])
                )
            )
            for row in rows:
                self.speakers[row.id] = Known(row.id, row.name, row.kind, row.role)
                self.taken.add(row.id)

    def _read_ranges(self, bases: list[str]) -> None:
        """Which ids each base and its numbered forms ("okafor", "okafor-2", ...) are taken:
        the ids from the base up to the base and a period, which sorts just after "-". (A
        numbered form may outlive its base: a speaker left with no quotes is removed.)"""
        if self.session.get_bind().dialect.name == "postgresql":
            # The ranges as two arrays, each looked up in the id's index: PostgreSQL plans a
            # long OR anew each time (the writer asks for custom plans) and that costs more.
            lows = sa.bindparam("lows", bases, type_=postgresql.ARRAY(sa.Text()))
            highs = sa.bindparam(
                "highs", [b + "." for b in bases], type_=postgresql.ARRAY(sa.Text())
            )
            pairs = sa.func.unnest(lows, highs).table_valued("low", "high").render_derived()
            self.taken |= set(
                self.session.execute(
                    sa.select(SPEAKER.c.id).join(
                        pairs, sa.and_(SPEAKER.c.id >= pairs.c.low, SPEAKER.c.id <= pairs.c.high)
                    )
                ).scalars()
            )
            self.ranges |= set(bases)
            return
        for start in range(0, len(bases), _RANGES):
            chunk = bases[start : start + _RANGES]
            # Written as text: building hundreds of expressions costs more than running them.
            ranges = " OR ".join(f"id BETWEEN :low{n} AND :high{n}" for n in range(len(chunk)))
            values = {f"low{n}": b for n, b in enumerate(chunk)}
            values |= {f"high{n}": b + "." for n, b in enumerate(chunk)}
            found = set(
                self.session.execute(
                    sa.text(f"SELECT id FROM speaker WHERE {ranges}"), values
                ).scalars()
            )
            self.taken |= found
            self.ranges |= set(chunk)

    def names_of(self, mention: Mention) -> list[str]:
        """``_names`` of a mention, worked out once a batch."""
        found = self._names.get(id(mention))
        if found is None:
            found = self._names[id(mention)] = _names(mention)
        return found

    def named(self, name: str) -> set[str]:
        """Ids of every speaker answering to ``name``, as ``speakers_named`` finds them."""
        keys = _keys(name)
        missing = [k for k in keys if k not in self.owners]
        if missing:
            self._read_keys(sorted(missing))
        if len(keys) == 1:
            return self.owners[next(iter(keys))]
        return set().union(*(self.owners[k] for k in keys))

    def answering(self, owners: Iterable[str]) -> list[Known]:
        """The speakers of these ids (in no order: linking asks only whether one answers)."""
        return [self.speakers[owner] for owner in owners if owner in self.speakers]

    def owned_elsewhere(self, names: list[str], speaker_id: str) -> set[str]:
        """The keys of ``names`` that another speaker answers to."""
        keys = {name_key(n) for n in names} - {""}
        missing = [k for k in keys if k not in self.owners]
        if missing:
            self._read_keys(sorted(missing))
        return {k for k in keys if self.owners[k] - {speaker_id}}

    def free_id(self, base: str) -> str:
        """``base``, or ``base-2``, ``base-3``...: the first no speaker has, stored or new."""
        base = id_base(base)
        if base not in self.ranges:
            self._read_ranges([base])
        return first_free(base, self.taken.__contains__)

    def create(self, speaker: Known) -> None:
        self.speakers[speaker.id] = speaker
        self.taken.add(speaker.id)
        self.created.append(speaker)

    def learn(self, speaker_id: str, names: Iterable[str], article_id: int | None) -> None:
        """The speaker answers to these names from now on (an alias each, unless it has one
        with that key already: the first spelling is kept)."""
        for alias in names:
            key = name_key(alias)
            if not key:
                continue
            # A key not read yet (a new speaker's id) is read when first looked up.
            (self.owners if key in self.owners else self.unread).setdefault(key, set()).add(
                speaker_id
            )
            self.aliases.setdefault((speaker_id, key), (alias, article_id))

    def edited(self, speaker_id: str) -> bool:
        """Whether a person has edited this speaker (their name is then theirs to choose)."""
        if speaker_id not in self._edited:
            self._edited[speaker_id] = (
                self.session.execute(
                    sa.select(REVISION.c.id).where(REVISION.c.speaker_id == speaker_id).limit(1)
                ).first()
                is not None
            )
        return self._edited[speaker_id]

    def write(self, session: Session) -> None:
        """Stores what linking added: new speakers, their names, fuller names."""
        created = {s.id for s in self.created}
        stored = self._stored_keys(sorted({sid for sid, _ in self.aliases} - created))
        aliases = [
            {"speaker_id": sid, "key": key, "alias": alias, "article_id": article_id}
            for (sid, key), (alias, article_id) in self.aliases.items()
            if (sid, key) not in stored
        ]
        speakers = [
            {"id": s.id, "name": s.name, "kind": s.kind, "role": s.role} for s in self.created
        ]
        write_linked(session, speakers, aliases, self.renamed)
        self.created, self.aliases, self.renamed = [], {}, {}

    def _stored_keys(self, speaker_ids: list[str]) -> set[tuple[str, str]]:
        found: set[tuple[str, str]] = set()
        for start in range(0, len(speaker_ids), _CHUNK):
            rows = self.session.execute(
                sa.select(ALIAS.c.speaker_id, ALIAS.c.key).where(
                    one_of(self.session, ALIAS.c.speaker_id, speaker_ids[start : start + _CHUNK])
                )
            )
            found |= {(sid, key) for sid, key in rows}
        return found


def link_speakers(
    session: Session,
    mentions: Iterable[Mention],
    article_id: int,
    created: set[str] | None = None,
) -> dict[int, str]:
    """``link_article`` for one article, its new speakers and names stored at once."""
    mentions = list(mentions)
    book = SpeakerBook(session, mentions)
    linked = link_article(book, mentions, article_id, created)
    book.write(session)
    return linked


def link_article(
    book: SpeakerBook,
    mentions: Iterable[Mention],
    article_id: int | None,
    created: set[str] | None = None,
) -> dict[int, str]:
    """The stored speaker id of each of an article's speakers (keyed by ``id()`` of the
    extracted speaker), making those the store does not know (their ids added to
    ``created``); the book keeps what it made until it is written."""
    linked: dict[int, str] = {}
    later: list[Mention] = []
    for mention in mentions:
        if id(mention) in linked:
            continue
        if mention.role_reference:
            later.append(mention)  # "the foreign secretary": after the named people
            continue
        linked[id(mention)] = link_speaker(book, mention, article_id, created)
    for mention in later:
        holder = _role_holder(book, mention.role_reference or "", set(linked.values()))
        linked[id(mention)] = holder or link_speaker(book, mention, article_id, created)
    return linked


@lru_cache(maxsize=16384)
def _keys(name: str) -> frozenset[str]:
    return frozenset({name_key(name), slugify(name)} - {""})


def link_speaker(
    book: SpeakerBook,
    mention: Mention,
    article_id: int | None = None,
    created: set[str] | None = None,
) -> str:
    """The speaker this extracted one is; a new one when none fits for certain. The article's
    names for it become aliases, remembering the article, unless another speaker already
    answers to them: a store must not make a name ambiguous behind a person's back."""
    names = book.names_of(mention)
    found = _known(mention, names, book)
    speaker_id = found or book.free_id(slugify(mention.name) or "speaker")
    taken = book.owned_elsewhere(names, speaker_id)
    name = mention.name[:_MAX_NAME]
    aliases = [n[:_MAX_NAME] for n in dict.fromkeys(names) if name_key(n) not in taken]
    if found is None:
        role = mention.role[:_MAX_NAME] if mention.role else None
        book.create(Known(speaker_id, name, mention.kind, role))
        if created is not None:
            created.add(speaker_id)
    book.learn(speaker_id, [name, speaker_id, *aliases], article_id)
    speaker = book.speakers[speaker_id]
    if found is not None and _fuller(mention, speaker) and not book.edited(speaker_id):
        # A person the machine stored under a surname alone takes the full name an article
        # gives, unless a person has edited them.
        speaker.name = name
        book.renamed[speaker_id] = name
    return speaker_id


def _fuller(mention: Mention, stored: Known) -> bool:
    """ "Adaeze Okafor" for a person the store knows only as "Okafor"."""
    words, known = mention.name.split(), stored.name.split()
    return (
        stored.kind == "person"
        and (mention.kind == "person" or not mention.kind_certain)
        and len(known) == 1
        and len(words) > 1
        and words[-1] == known[0]
    )


def _names(mention: Mention) -> list[str]:
    names = [mention.name, *(m for m in mention.mentions if _distinctive(m))]
    if mention.kind == "person":
        names.append(_without_initials(mention.name))
    if mention.kind == "organization" and mention.name.startswith("The "):
        names.append(mention.name[4:])  # "The Halden Group" answers to "Halden Group" too
    return names


def _known(mention: Mention, names: list[str], book: SpeakerBook) -> str | None:
    """The one stored speaker of the same kind that answers to the fullest of the names and
    that nothing contradicts; None when there is none. When several do, the one the mention
    would make ("Cameron" with two Camerons stored is not ours to choose, so it becomes a
    speaker "Cameron"), so that such mentions gather in one speaker rather than each make
    another that the next cannot choose either."""
    for name in sorted(dict.fromkeys(names), key=lambda n: -len(_given_and_family(n))):
        candidates = [
            stored
            for stored in book.answering(book.named(name))
            if _kind_fits(stored, mention) and not contradicts(stored, mention)
        ]
        if len(candidates) == 1:
            return candidates[0].id
        if candidates:
            return _twin(mention, candidates)
    return None


def _twin(mention: Mention, candidates: list[Known]) -> str | None:
    """Of speakers a mention answers to but cannot choose between, the one that is what the
    mention would make: its name and kind, and its role or none, the first made of several
    (a store written before this rule may hold many)."""
    key = name_key(mention.name)
    role = _role_words(mention.role) if mention.role else frozenset()
    twins = [
        stored
        for stored in candidates
        if name_key(stored.name) == key
        and stored.kind == mention.kind
        and (_role_words(stored.role) if stored.role else frozenset()) == role
    ]
    return min(twins, key=lambda s: (len(s.id), s.id)).id if twins else None


def _kind_fits(stored: Known, mention: Mention) -> bool:
    """The same kind; or a bare name the article did not show to be a person's ("Peskov
    said"), which the store knows as a person's."""
    return stored.kind == mention.kind or (not mention.kind_certain and stored.kind == "person")


def contradicts(stored: Known, mention: Mention) -> bool:
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


def _role_holder(book: SpeakerBook, role: str, linked: set[str]) -> str | None:
    """The one person of this article whose stored role is ``role`` ("the foreign secretary"
    after "Lord Cameron", whose stored role is "British Foreign Secretary")."""
    wanted = _role_words(role)
    holders = [
        speaker.id
        for speaker in book.answering(linked)
        if speaker.kind == "person"
        and speaker.role
        and wanted
        and wanted <= _role_words(speaker.role)
    ]
    return holders[0] if len(holders) == 1 else None


@lru_cache(maxsize=16384)
def _given_and_family(name: str) -> tuple[str, ...]:
    return tuple(w for w in name.split() if w not in HONORIFICS and w not in TITLE_WORDS)


def _given(name: str) -> str | None:
    words = _given_and_family(name)
    return words[0] if len(words) > 1 else None


def _same_given(a: str, b: str) -> bool:
    a, b = a.rstrip(".").casefold(), b.rstrip(".").casefold()
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]  # "J. Cameron" may be James
    return a == b


@lru_cache(maxsize=16384)
def _role_words(role: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[\w.]+", role.casefold()) if w not in _ROLE_NOISE)


@lru_cache(maxsize=16384)
def _without_initials(name: str) -> str:
    """ "Donald J. Trump" -> "Donald Trump", so both spellings find one speaker."""
    words = name.split()
    kept = [
        w for i, w in enumerate(words) if not (0 < i < len(words) - 1 and len(w.rstrip(".")) == 1)
    ]
    return " ".join(kept)


@lru_cache(maxsize=16384)
def _distinctive(mention: str) -> bool:
    """A mention worth keeping as an alias: not a pronoun, not a bare "the official"."""
    words = [w for w in mention.split() if w.lower() not in _GENERIC_WORDS]
    return len(words) > 1 or (len(words) == 1 and words[0][:1].isupper())
