"""Who an article names, speaking or not, so that a later "Cook said" resolves to the "Tim
Cook" introduced in a sentence that reported no speech, and a speaker is stored under the
fullest name the article gives.

A run of capitalised words is a person's full name only with evidence: it starts at a known
given name (the ``gender-guesser`` name list, some 45,000 given names from many countries,
not a hand list), or it is a royal or religious title before one ("Prince Harry"). Anything
else (a heading, a product, a place, "Greeting Okafor") is not a name of its own; its last words
may still match the surname of a name the article does give.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from gender_guesser.detector import Detector

from app.extract.lexicon import HONORIFICS, ORGANIZATION_WORDS, ROLE_NOUNS, TITLE_WORDS
from app.extract.model import Attribution, Speaker

# A capitalised word, an initial ("J."), or a name particle between two of them.
_WORD = r"(?:[A-Z]\.|(?:Jr|Sr|St)\.|[A-Z][\w\u2019'\-]*)"
_PARTICLES = "de|da|del|der|di|van|von|bin|al|la|le"
_RUN = re.compile(_WORD + r"(?:[ \u00a0]+(?:(?:" + _PARTICLES + r")[ \u00a0]+)?" + _WORD + ")*")
_NAME_WORD = re.compile(_WORD)
_PARTICLE_WORDS = frozenset(_PARTICLES.split("|"))
# Capitalised words that open a sentence or a phrase and are in the name list all the same.
_NOT_GIVEN = frozenset(
    """In An A The On At As Of Or And But So If It Is My No Do Go Be We He She Me Us Up One
    Will May June April August Summer Winter Autumn Spring Christmas Easter Sunday Monday
    Tuesday Wednesday Thursday Friday Saturday January February March July September October
    November December New North South East West Saint Santa San Los Las""".split()
)
# Titles that are part of how a person is called when a single given name follows.
_SOVEREIGN_TITLES = frozenset({"Prince", "Princess", "King", "Queen", "Pope", "Sheikh"})
_SUFFIXES = frozenset({"Jr.", "Sr.", "Jr", "Sr", "II", "III", "IV"})
_POSSESSIVE = re.compile(r"[\u2019']s$")
# Gender words of the name list, by what the extractor keeps.
_GENDERS = {"male": "m", "mostly_male": "m", "female": "f", "mostly_female": "f"}


@lru_cache(maxsize=1)
def _names() -> Detector:
    return Detector(case_sensitive=False)


@lru_cache(maxsize=65536)
def given_name(word: str) -> str | None:
    """ "m", "f" or "?" (either) when ``word`` is a known given name; None when it is not."""
    if not word[:1].isupper() or len(word) < 2 or not word.replace("-", "").isalpha():
        return None
    if word in _NOT_GIVEN:
        return None
    if word.isupper() and len(word) > 1 and not word.istitle():
        return None  # an acronym or a headline in capitals: "WHO", "NOTE"
    found = _names().get_gender(word)
    if found == "unknown":
        return None
    return _GENDERS.get(found, "?")


@dataclass(frozen=True)
class Named:
    """A full name the article gives."""

    name: str


def people_named(text: str, ending: str | None = None) -> list[Named]:
    """Every full name of a person in ``text``, in order of first mention, each once; with
    ``ending``, only the names that end in that word (one search instead of a pass over
    every capitalised word)."""
    seen: dict[str, Named] = {}
    for found in _runs(text) if ending is None else _runs_ending(text, ending):
        if " " not in found and "\u00a0" not in found:
            continue  # one capitalised word: a full name has two at least
        words = [_POSSESSIVE.sub("", w) for w in found.split()]
        # An acronym breaks a run: "Cleveland DL Larry Ogunjobi" holds "Larry Ogunjobi".
        cuts = [k for k, w in enumerate(words) if len(w) > 1 and w.isupper()]
        for part in _split(words, cuts):
            named = _full_name(part)
            if named is not None and named.name not in seen:
                seen[named.name] = named
    return list(seen.values())


def _runs(text: str) -> Iterator[str]:
    for run in _RUN.finditer(text):
        yield run.group()


def _runs_ending(text: str, word: str) -> Iterator[str]:
    """The runs of capitalised words that end at each mention of ``word``."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if _after_a_word(text, at) and not text[end : end + 1].isalnum():
            yield _run_before(text, at, end)
        at = text.find(word, end)


def _run_before(text: str, at: int, end: int) -> str:
    """The run of capitalised words (and particles between them) ending at ``end``."""
    before = text[max(0, at - 80) : at].split()
    run = [text[at:end]]
    while before and len(run) < 8:
        word = before[-1]
        if _NAME_WORD.fullmatch(word) is None and not (word in _PARTICLE_WORDS and len(before) > 1):
            break
        run.insert(0, before.pop())
    while run[0] in _PARTICLE_WORDS:
        run.pop(0)
    return " ".join(run)


def _after_a_word(text: str, at: int) -> bool:
    """Whether a word (or an initial, "J.") stands right before position ``at``, one space
    away: only then can a longer name end there ("Lopez said" opening a sentence cannot)."""
    if at < 2 or text[at - 1] not in " \u00a0":
        return False
    before = text[at - 2]
    return before.isalpha() or (before == "." and at >= 3 and text[at - 3].isupper())


def _split(words: list[str], cuts: list[int]) -> list[list[str]]:
    parts, start = [], 0
    for cut in cuts:
        parts.append(words[start:cut])
        start = cut + 1
    parts.append(words[start:])
    return [p for p in parts if p]


def _full_name(words: list[str]) -> Named | None:
    for k, word in enumerate(words):
        if word in TITLE_WORDS or word in HONORIFICS or word in _SOVEREIGN_TITLES:
            continue
        if given_name(word) is None:
            continue
        name = words[k:]
        while name and name[-1] in _SUFFIXES:
            name = name[:-1]
        if any(w in ORGANIZATION_WORDS or w in TITLE_WORDS for w in name):
            return None  # "Washington Post", "Jordan Department of ...": an institution
        if len(name) >= 2:
            return Named(" ".join(name))
        if k > 0 and words[k - 1] in _SOVEREIGN_TITLES:
            return Named(f"{words[k - 1]} {word}")
        return None
    return None


def fullest_name(name: str, roster: list[Named]) -> Named | None:
    """The one full name of the article that ``name`` is a shorter form of: its surname
    ("Okafor"), its last words after words that are no given name ("Greeting Okafor"), or the
    same name with a short given name ("Chris Lund" for "Christopher Lund"). None when none
    is, or when two people of the article share the surname."""
    words = name.split()
    if not words or words[0] in HONORIFICS:
        return None
    start = 0
    while start < len(words) - 1 and given_name(words[start]) is None:
        start += 1
    tail = words[start:]
    fits = [r for r in roster if r.name != name and _shortens(tail, r.name.split())]
    people = {r.name.split()[-1] + "|" + _given_key(r.name) for r in fits}
    if len(people) != 1:
        return None
    return max(fits, key=lambda r: (len(r.name.split()), len(r.name)))


def _shortens(short: list[str], full: list[str]) -> bool:
    if len(short) >= len(full):
        if len(short) == len(full) and len(full) >= 2 and short[1:] == full[1:]:
            a, b = short[0].lower(), full[0].lower()
            return a != b and len(a) >= 3 and b.startswith(a)  # "Chris" for "Christopher"
        return False
    if full[-len(short) :] != short:
        return False
    # "Okafor" shortens "Amara Okafor", "Harald" "King Harald": the last words, never the
    # first ("Amara" is not "Amara Okafor").
    return True


def _given_key(name: str) -> str:
    first = name.split()[0].lower()
    return first[:3]


def settle_names(found: list[Attribution], roster: Callable[[str], list[Named]], text: str) -> None:
    """Give every person speaking in ``found`` the fullest name the article gives them (the
    article's full names ending in a word, from ``roster``, asked for the surnames that may
    be short), and one speaker per person: two speakers that turn out to be one are
    merged."""
    people = [s for s in {id(a.speaker): a.speaker for a in found}.values() if s is not None]
    persons = [s for s in people if s.kind == "person"]
    if not persons:
        return
    # Every surname: "Chris Lund" is short too where the article also says "Christopher Lund".
    short = {s.name.split()[-1] for s in persons}
    named: list[Named] = [n for word in sorted(short) for n in roster(word)]
    by_name: dict[str, Speaker] = {}
    merged: dict[int, Speaker] = {}
    for speaker in persons:
        fuller = fullest_name(speaker.name, named)
        if fuller is not None:
            speaker.name = fuller.name
        if not _person_evidence(speaker, named) and not _described_as_person(speaker, text):
            # "Bloomberg reported", "Harlow Mining confirmed": a capitalised name with
            # nothing saying it is a person's is an organization's.
            speaker.kind, speaker.kind_certain = "organization", False
            continue
        if speaker.gender is None:
            speaker.gender = _gender_of(speaker.name)
        same = by_name.get(speaker.name)
        if same is None:
            by_name[speaker.name] = speaker
            continue
        same.role = same.role or speaker.role
        same.mentions.extend(m for m in speaker.mentions if m not in same.mentions)
        merged[id(speaker)] = same
    _join_acronyms([s for s in people if s.kind == "organization"], merged)
    for attribution in found:
        if attribution.speaker is not None and id(attribution.speaker) in merged:
            attribution.speaker = merged[id(attribution.speaker)]


def _join_acronyms(organizations: list[Speaker], merged: dict[int, Speaker]) -> None:
    """ "HM" and "Harrow Motors", "TBG" and "Tessel Biomedical Group" in one article: one
    organization, under its full name, when exactly one other organization the article quotes
    fits."""
    for short in organizations:
        letters = short.name.replace(".", "")
        if not (2 <= len(letters) <= 5 and letters.isalpha() and letters.isupper()):
            continue
        fits = {
            other.name: other
            for other in organizations
            if other is not short and id(other) not in merged and _abbreviates(letters, other.name)
        }
        if len(fits) == 1:
            (full,) = fits.values()
            full.mentions.extend(m for m in short.mentions if m not in full.mentions)
            merged[id(short)] = full


def _abbreviates(letters: str, name: str) -> bool:
    """The initials of the name's words, or of the parts of one word ("Kraft-Werk")."""
    words = [w for w in name.split() if w[:1].isupper()]
    if "".join(w[0] for w in words) == letters:
        return True
    if len(words) != 1 or len(words[0]) < 6 or words[0][0] != letters[0]:
        return False
    # One word: each further letter starts a later part of it, in order ("KW": Kraft-werk).
    rest, at = words[0].lower(), 1
    for letter in letters[1:].lower():
        at = rest.find(letter, max(at, 3))
        if at < 0:
            return False
        at += 3
    return True


def _person_evidence(speaker: Speaker, roster: list[Named]) -> bool:
    """A given name, an honorific or title, a role, a pronoun or gendered word that referred
    to it, or the article's own full name."""
    words = speaker.name.split()
    return bool(
        speaker.role
        or speaker.gender
        or any(r.name == speaker.name for r in roster)
        or words[0] in HONORIFICS
        or words[0] in _SOVEREIGN_TITLES
        # A given name opening a full name; a single word in the name list may as well be a
        # company's or a place's ("Chelsea says", "Jordan said").
        or any(given_name(w) is not None for w in words[:-1])
    )


def _described_as_person(speaker: Speaker, text: str) -> bool:
    """ "Adaeze Okafor, the mayor,", "Okafor, a 54-year-old nurse,", "Aseem Prakash, founding
    director of ...": an apposition with a role noun says a name is a person's."""
    for mention in {speaker.name, *speaker.mentions}:
        at = text.find(mention + ", ")
        while at >= 0:
            after = text[at + len(mention) + 2 : at + len(mention) + 80].split(",")[0].split()
            # ", the mayor,", ", a nurse,", ", founding director of ...": a role follows.
            if after and (after[0].lower() in {"a", "an", "the"} or after[0].islower()):
                if any(w.lower().strip(".") in ROLE_NOUNS for w in after[:7]):
                    return True
            at = text.find(mention + ", ", at + 1)
    return False


def _gender_of(name: str) -> Literal["m", "f"] | None:
    known = given_name(name.split()[0])
    if known == "m":
        return "m"
    return "f" if known == "f" else None
