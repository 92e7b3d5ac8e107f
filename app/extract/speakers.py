"""Who a mention names: a person, an organization or an unnamed source, and which earlier
mention in the same article it refers back to ("Blinken", "he", "the official")."""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

from app.extract.lexicon import (
    ANONYMOUS_HEADS,
    COUNTRIES,
    DESCRIPTIVE,
    DETERMINERS,
    FEMALE_MARKERS,
    HONORIFICS,
    MEDIA_WORDS,
    ORGANIZATION_HEADS,
    ORGANIZATION_WORDS,
    PRONOUNS,
    ROLE_NOUNS,
    TITLE_WORDS,
)
from app.extract.model import Speaker, SpeakerKind
from app.extract.people import given_name
from app.extract.tokens import Token

_POSSESSIVES = ("\u2019s", "'s")
_PARTICLES = frozenset({"de", "van", "von", "bin", "al", "da", "del", "der", "la", "le", "di"})
_ROLE_NOUNS = ROLE_NOUNS
_MAX_NAME_WORDS = 8
_NEGATIVES = frozenset({"no", "neither", "none", "nobody", "nothing", "nor"})
_POLL_SHARE = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine)\s+(?:in|of)\s+(?:10|ten)\b"
    r"|percent|%"
)
_ADVERB = re.compile(r"[A-Z][a-z]+(?:ally|ately|ively|ously|arly|ntly)")
_VAGUE_SOURCES = frozenset({"some", "others", "many", "most", "few", "several", "both"})
_VAGUE = frozenset(
    {"even", "numerous", "own", "many", "several", "some", "other", "few"}
    | {"second", "third", "fourth", "fifth", "another"}  # "a second official": one more
)
_STALE = frozenset({"latest", "new", "recent", "newest", "earlier", "previous"})
_GROUP_TITLES = frozenset({"Democrat", "Republican", "Democrats", "Republicans", "Independent"})
_SOURCE_CUTS = frozenset({"familiar", "close", "with", "who", "briefed", "knowledgeable", "in"})


@dataclass(frozen=True)
class Description:
    name: str
    kind: SpeakerKind
    role: str | None
    head: str
    female: bool = False
    # "the campaign", "a report": an institution or document the phrase does not name.
    generic: bool = False


# Capitalized words that open sentences without naming anyone.
_NOT_NAMES = frozenset(
    """There This That These Those It In On At As When While After Before If But And Yet So
    However Still Meanwhile Instead Now Then Here What Why How Who Earlier Later Last Next
    Some Many Most All Both Each Every No Not One Such Since Although Though Because During
    Under Over For From With Without Despite Among Today Yesterday Tonight His Her Their Our
    My Your Its We I You They He She Him Them Us Me Mr Mrs Ms Dr Asked Speaking To Of By
    About Against Like Unlike Even Just Only Also Was Is Are Were Has Have Had Did Does Do
    Can Could Will Would Should May Might Must Follow Read Watch Click Update Monday Tuesday
    Wednesday Thursday Friday Saturday Sunday January February March April June July August
    September October November December""".split()
)


_LINKS = frozenset({"of", "by", "from", "for", "at", "on", "to"})
_ADJECTIVE_ENDINGS = ("al", "ic", "an", "ive", "ese", "ish", "ary", "ful", "ous", "ent", "ant")


def is_modifier(token: Token) -> bool:
    """A lowercase word that can stand before a noun in a source's description."""
    word = token.lower
    return (
        word in DETERMINERS
        or word in DESCRIPTIVE
        or word in _ROLE_NOUNS
        or word in ANONYMOUS_HEADS
        or word in ORGANIZATION_HEADS
        or word.endswith(_ADJECTIVE_ENDINGS)
        or "-" in word
        or word[0].isdigit()
        or word.endswith(("\u2019s", "'s"))
    )


def is_pronoun(tokens: list[Token]) -> bool:
    return len(tokens) == 1 and tokens[0].lower in PRONOUNS


def describe(tokens: list[Token]) -> Description | None:
    """What a noun phrase says about its referent, or None when it names no one."""
    if not tokens:
        return None
    origin = tokens[0].start
    new = tuple.__new__
    return _describe(
        tuple(new(Token, (t[0], t[1] - origin, t[2] - origin, t[3], t[4])) for t in tokens)
    )


class _Undecided:
    """A reading of a phrase that cannot tell what it describes: the next one is tried."""


_UNDECIDED = _Undecided()
_Described = Description | None | _Undecided


@lru_cache(maxsize=8192)
def _describe(phrase: tuple[Token, ...]) -> Description | None:
    """``describe`` on a phrase moved to offset 0, so the same words are read only once."""
    tokens = list(phrase)
    words = [t for t in tokens if t.is_word or t.text in {"-", "'", "\u2019", "&"}]
    while words and words[-1].text in {"-", "'", "\u2019", "&"}:
        words.pop()
    if not words:
        return None
    for reading in (_as_group, _as_one_word, _as_named_phrase):
        found = reading(words)
        if not isinstance(found, _Undecided):
            return found
    return None


def _as_group(words: list[Token]) -> _Described:
    """Several people or a share of them: "three in 10 voters", "Jo Park and Sam Lee", "a
    person familiar with the talks", "a group of protesters"."""
    if _share_of_group(words):
        return Description("poll respondents", "anonymous", None, "respondent", generic=False)
    if _joined_names(words):
        conjuncts = " ".join(t.text for t in words).replace(" & ", " and ").split(" and ")
        if all(len(c.split()) > 1 and given_name(c.split()[0]) is not None for c in conjuncts):
            return None  # "Jo Park and Sam Lee": two people, and a quote has one speaker
        return Description(_join(words), "organization", None, words[-1].lower)
    described = _described_source(words) or _group_of(words)
    if described is not None:
        return described
    if _POLL_SHARE.search(" ".join(t.lower for t in words)):
        return Description("poll respondents", "anonymous", None, "respondent", generic=False)
    return _UNDECIDED


def _as_one_word(words: list[Token]) -> _Described:
    """A phrase of one word ("Ministers", "Others", "Separately"), or a role linked to whom
    it serves ("a spokesperson for the ministry")."""
    head = words[-1]
    if len(words) == 1 and _ADVERB.fullmatch(head.text):
        return None  # "Separately", "Similarly": an adverb opening the sentence
    if len(words) == 1 and plural_role(head.lower) and head.text[0].isupper():
        # "Ministers said": several people named by their role, capitalised as the sentence
        # opens.
        return _anonymous(words, any(w.text in FEMALE_MARKERS for w in words))
    if len(words) == 1 and head.lower in _VAGUE_SOURCES:
        # "Some said", "Others argued": a source, but not one a store can name.
        return Description(head.lower, "anonymous", None, head.lower, generic=True)
    linked = _role_of(words)
    return linked if linked is not None else _UNDECIDED


def _as_named_phrase(words: list[Token]) -> _Described:
    """A phrase read by its head: a person's or an institution's name, an outlet, an
    unnamed source by their role; or no one (a verb, an adverb, a possessive)."""
    head = words[-1]
    female = any(w.text in FEMALE_MARKERS for w in words)
    content = _strip_determiners(words)
    # "The Us Collective": after "the", a capitalised common word opens a name.
    titled = words[0].lower == "the" and len(content) > 1 and content[1].is_capitalized
    if not content or head.text in _NOT_NAMES or (content[0].text in _NOT_NAMES and not titled):
        return None
    if not head.is_capitalized and not _speaking_noun(head.lower):
        return None  # a phrase that ends in a verb or an adverb names no one
    if head.lower.endswith(("\u2019s", "'s")) or content[0].lower in _NEGATIVES:
        return None  # "Donald Trump's", "no organization": nobody who speaks
    if head.lower in _FORCES and len(content) > 1 and content[-2].is_capitalized:
        return Description(_join(content), "organization", None, head.lower)  # "Richmond police"
    people = head.lower in ANONYMOUS_HEADS or plural_role(head.lower)
    counted = len(words) > 1 and words[0].lower in _ONE_OF
    if (people or counted and agent_noun(head.text)) and not _has_proper_head(content):
        return _anonymous(content, female)
    if len(content) > 1 and words[0].lower == "the" and head.text in MEDIA_WORDS:
        # "The New York Times reported": an outlet's name keeps its article.
        return Description("The " + _join(content), "organization", None, head.lower)
    if len(content) == 1 and words[0].lower == "the" and head.text in MEDIA_WORDS:
        # "The Courier reported": a paper, never a person called Courier.
        return Description(head.text, "organization", None, head.lower)
    if (
        any(w.text in ORGANIZATION_WORDS for w in content)
        or (_is_acronym(head.text) and head.text not in TITLE_WORDS)
        or (len(content) == 1 and head.text in COUNTRIES)
    ):
        return _institution_or_its_person(content, head, female)
    if head.is_capitalized:
        return _person(content, female)
    if head.lower in ORGANIZATION_HEADS:
        return _organization(content, head)
    if head.lower in _ROLE_NOUNS:
        return Description(
            "unnamed " + _join(content), "anonymous", _join(content), head.lower, female
        )
    return None


def _institution_or_its_person(
    content: list[Token], head: Token, female: bool
) -> Description | None:
    """A phrase with an institution's word in it: the institution ("Institute on Coastal
    Erosion"), or a person named after it ("Acme chief executive Jo Park")."""
    name = _person_name(content)
    linked_name = len(name) < len(content) and (
        content[-len(name) - 1].lower in _LINKS | {"in"}  # "US Embassy in Lima"
        or (  # "Council on Trade and Growth", but "... Ann Lee and Tom Fisher": two people
            content[-len(name) - 1].lower in {"and", "&"} and given_name(name[0].text) is None
        )
    )
    if name and not linked_name and not _org_only(content) and content[-1].is_capitalized:
        return _person(content, female)
    return _organization(content, head)


# Post-modifiers that belong to an unnamed source's description: "a person familiar with the
# talks", "people close to the minister", "analysts at Morgan Stanley".
SOURCE_QUALIFIERS = frozenset({"familiar", "close", "briefed", "knowledgeable"})
# A place's police or forces speak as an institution: "Richmond police said".
_FORCES = frozenset({"police", "authorities"})


def _described_source(words: list[Token]) -> Description | None:
    """ "A person familiar with the talks" -> "unnamed person familiar with the talks"."""
    for k in range(1, len(words) - 1):
        word = words[k]
        qualified = word.lower in SOURCE_QUALIFIERS or (
            word.lower == "at" and words[k + 1].is_capitalized
        )
        if not qualified or words[k - 1].text[0].isupper() and k == 1 and words[0].lower == "at":
            continue
        rest = _join(words[k:])
        if k == 1 and words[0].lower == "those":
            # "Those familiar with the talks": people, said only by what they know.
            return Description(f"unnamed people {rest}", "anonymous", None, "person")
        source = describe(words[:k])
        if source is None or source.kind != "anonymous" or source.generic:
            return None
        return Description(f"{source.name} {rest}", "anonymous", None, source.head, source.female)
    return None


def _organization(content: list[Token], head: Token) -> Description | None:
    """An institution's name from its phrase: "results of the latest Quinnipiac University poll"
    -> "Quinnipiac University poll"; "a count by The Associated Press" -> "The Associated
    Press"; a phrase with a verb in it names nothing."""
    for k in range(len(content) - 1, 0, -1):
        if (
            content[k].lower in _LINKS
            and any(t.text[0].isupper() for t in content[k + 1 :])
            and not content[k - 1].text[0].isupper()
        ):
            # "a count by The Associated Press", but not "National Institute on Coastal Erosion"
            content = content[k + 1 :]
            break
    while (
        len(content) > 1
        and content[0].text[0].islower()
        and (content[0].lower in DETERMINERS or content[0].lower in _STALE)
    ):
        content = content[1:]
    compound = len(content) - 2 if content[-1].lower in ORGANIZATION_HEADS else -1
    if any(
        t.text[0].islower() and not is_modifier(t) and not _inner_link(content, k)
        for k, t in enumerate(content[:-1])
        if k != compound  # "the commerce ministry", "the health department"
    ):
        return None
    owner = next(
        (
            k
            for k, t in enumerate(content[:-1])
            if t.lower.endswith(_POSSESSIVES) and t.is_capitalized
        ),
        None,
    )
    if owner is not None:
        # "Israeli Prime Minister Benjamin Netanyahu's office": the owner's name, not the title.
        whose = _person_name(content[: owner + 1]) or content[: owner + 1]
        content = [*whose, *content[owner + 1 :]]
    tail = _proper_tail(content)
    named = tail if tail is not content and any(t.text in MEDIA_WORDS for t in tail) else content
    # "the Swedish carmaker": a nationality says which kind of business, not which one (but
    # "the Russian defense ministry" is one).
    kind_only = head.lower in _BUSINESS_NOUNS
    generic = not any(
        t.text[0].isupper() and not (kind_only and _nationality(t.text)) for t in named
    )
    return Description(_join(named), "organization", None, head.lower, generic=generic)


def _nationality(word: str) -> bool:
    """ "German", "Swedish", "Japanese", "Israeli": an adjective of a place, by its form."""
    return word in TITLE_WORDS or (len(word) > 4 and word.endswith(_DEMONYM_ENDINGS))


_DEMONYM_ENDINGS = ("ish", "ian", "ese", "ean", "an", "i", "ic")


def _inner_link(content: list[Token], k: int) -> bool:
    """ "of", "on", "for", "and" between two capitalised words of one name: "Bank of Korea",
    "Council on Energy and Water"."""
    return (
        (content[k].lower in _LINKS or content[k].lower in {"and", "in"})
        and 0 < k < len(content) - 1
        and content[k - 1].text[0].isupper()
        and content[k + 1].text[0].isupper()
    )


def _proper_tail(content: list[Token]) -> list[Token]:
    """ "a count by The Associated Press" -> "The Associated Press"."""
    tail: list[Token] = []
    for token in reversed(content):
        if token.text[0].isupper() or (tail and token.lower in {"of", "for", "and"}):
            tail.insert(0, token)
            continue
        break
    while tail and not tail[0].text[0].isupper():
        tail.pop(0)
    return tail or content


def _role_of(words: list[Token]) -> Description | None:
    """ "the secretary of state", "the organizer of a pro-Trump rally": the noun before "of"
    is who speaks; the rest describes them."""
    for k in range(1, len(words) - 1):
        if words[k].lower in {"of", "for", "at"} and words[k - 1].text[0].islower():
            head = words[k - 1].lower
            if head in _ROLE_NOUNS or head in ANONYMOUS_HEADS:
                role = _join(_strip_determiners(words))
                return Description("unnamed " + role, "anonymous", role, head)
            return None
    return None


# How "those" is followed when it names people by where they stand.
STANDS = frozenset({"in", "opposed", "against", "involved", "affected", "behind", "on"})
# Links after which the rest of a phrase says which people of a group are meant.
_GROUP_LINKS = frozenset({"of", "for", "at", "in", "from", "on", "with", "to"})


def _group_of(words: list[Token]) -> Description | None:
    """ "Critics of the plan", "lawyers for the family", "officials in the county": several
    people named by what they are, the words after the link saying which ones; never a
    person called "Ohio" or an organization called "the plan"."""
    if len(words) > 2 and words[0].lower == "those" and words[1].lower in STANDS:
        # "Those opposed to the plan": people described only by where they stand.
        return Description(f"unnamed people {_join(words[1:])}", "anonymous", None, "person")
    link = next((k for k, t in enumerate(words) if t.lower in _GROUP_LINKS), None)
    if link is None or link == 0 or link == len(words) - 1:
        return None
    head = words[link - 1]
    people = head.lower in ANONYMOUS_HEADS or plural_role(head.lower)
    if not (head.lower.endswith("s") and people):
        return None
    before = words[: link - 1]
    if head.text[0].isupper() and (before or head.text.isupper()):
        return None  # "Bank Workers of America": a name, not a description
    if any(t.text[0].isupper() or t.lower in DETERMINERS - {"the", "some", "many"} for t in before):
        return None
    named = [t for t in words[link + 1 :] if t.lower != "the"]
    if (
        head.text[0].isupper()
        and words[link].lower not in {"in", "at", "from"}
        and len(named) >= 2
        and all(t.text[0].isupper() for t in named)
    ):
        return None  # "Friends of the Earth", "Physicians for Human Rights": a group's name
    return _anonymous(words[:link], female=False)  # named as "Residents said" would be


def _speaking_noun(word: str) -> bool:
    return (
        word in ANONYMOUS_HEADS
        or word in ORGANIZATION_HEADS
        or word in _ROLE_NOUNS
        or word in PRONOUNS
        or plural_role(word)
        or agent_noun(word)
    )


def plural_role(word: str) -> bool:
    """ "attorneys", "senators", "forecasters", "commuters": several people named by their role
    or by what they do (an agent noun: -er, -or, -ist, -ian, -ee)."""
    return word.endswith("s") and (word[:-1] in ROLE_NOUNS or agent_plural(word))


# Words that count or point at a single person: "a commuter", "one shopper", "the bystander".
_ONE_OF = frozenset({"a", "an", "one", "the", "another", "this", "that"})
# Words with an agent noun's ending that name no one: "the former", "the latter".
_NOT_AGENT_NOUNS = frozenset("former latter other either neither whether rather".split())


def agent_noun(word: str) -> bool:
    """ "a commuter", "one shopper": a person named by what they do, as ``agent_plural``."""
    return (
        not word.endswith("s")
        and word.isalpha()
        and word.lower() not in _ROLE_NOUNS  # "the mayor": who holds the role
        and word.lower() not in ORGANIZATION_HEADS  # "the retailer": a business
        and word.lower() not in _NOT_AGENT_NOUNS
        and agent_plural(word + "s")
    )


def agent_plural(word: str) -> bool:
    """ "commuters", "forecasters": people named by what they do, known by the word's ending
    alone (not from a list of roles)."""
    singular = word[:-1]
    return (
        word.endswith("s")
        and len(singular) >= 5
        and singular.endswith(_AGENT_ENDINGS)
        and word not in _NOT_AGENTS
        and word.capitalize() not in _INSTITUTION_WORDS  # a word the lexicon gives to outlets
        and given_name(singular.capitalize()) is None  # "Rogers", "Peters": surnames
    )


# Endings of nouns for people by what they do ("commuter", "donor", "tourist", "librarian",
# "retiree"), and plurals with those endings that name things, not people.
_AGENT_ENDINGS = ("er", "or", "ist", "ian", "ee")
_INSTITUTION_WORDS = ORGANIZATION_WORDS | MEDIA_WORDS
_NOT_AGENTS = frozenset(
    """others papers numbers letters matters orders computers centers centres powers waters
    quarters headquarters layers answers offers borders corners chambers markers factors
    sectors errors colors colours floors doors mirrors motors monitors indicators tractors
    filters containers chapters characters parameters registers barriers brothers sisters
    rivers flowers winters summers masters sellers ministers fibers fibres meters metres
    liters litres dollars pillars partners transfers towers tigers deserts thunders shelters
    leftovers headlines""".split()
)


def _has_proper_head(content: list[Token]) -> bool:
    if len(content) == 1 and content[0].lower in ANONYMOUS_HEADS:
        return False  # "Officials said", capitalized only because it opens the sentence
    return any(
        t.is_capitalized and t.text not in TITLE_WORDS and "." not in t.text for t in content[-1:]
    )


def _org_only(content: list[Token]) -> bool:
    return all(t.text in ORGANIZATION_WORDS or t.text in TITLE_WORDS for t in content)


def _strip_determiners(words: list[Token]) -> list[Token]:
    at = 0
    while at < len(words) - 1 and (words[at].lower in DETERMINERS or words[at].text.isdigit()):
        at += 1
    if words[at].lower in DETERMINERS and len(words) == 1:
        return []
    return words[at:]


def _is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.replace(".", "").isupper() and word.replace(".", "").isalpha()


def _join(tokens: list[Token]) -> str:
    out = ""
    for i, token in enumerate(tokens):
        glue = i and tokens[i - 1].end == token.start
        out += token.text if glue or not out else " " + token.text
    return out


def _person_name(content: list[Token]) -> list[Token]:
    """The trailing proper name of a phrase: "British Foreign Secretary Lord Cameron" ->
    "Lord Cameron"; titles and roles before it are not part of the name."""
    name: list[Token] = []
    for token in reversed(content):
        if token.text in HONORIFICS and name:
            name.insert(0, token)
            break
        if token.lower in _PARTICLES and name:
            name.insert(0, token)
            continue
        if not token.is_capitalized or token.text in TITLE_WORDS or token.text in COUNTRIES:
            break
        if name and token.lower in _ROLE_NOUNS:
            break  # "Guard Shai Gilgeous-Alexander", "Superintendent Kimberlee Armstrong"
        if token.text in ORGANIZATION_WORDS:
            break
        name.insert(0, token)
    while name and name[0].lower in _PARTICLES:
        name.pop(0)
    return name


def _person(content: list[Token], female: bool) -> Description | None:
    name = _person_name(content)
    cut = len(content) - len(name) - 1
    if name and cut >= 1 and content[cut].lower in {"from", "in", "of"}:
        # "Ann Lee from Texas": the person is named before where they are from.
        before = _person_name(content[:cut])
        if before and given_name(before[0].text) is not None:
            content, name = content[:cut], before
    if not name:
        head = content[-1]
        if head.lower not in _ROLE_NOUNS and head.text not in _GROUP_TITLES:
            return None
        if head.text in _GROUP_TITLES:
            return _anonymous(content, female)
        return Description(
            "unnamed " + _join(content), "anonymous", _join(content), head.lower, female
        )
    role_tokens = content[: len(content) - len(name)]
    while role_tokens and role_tokens[-1].text in {",", "\u2019s", "'s"}:
        role_tokens.pop()
    role = _join(role_tokens) or None
    return Description(_join(name), "person", role, name[-1].lower.rstrip("."), female)


def _singular(word: str) -> str:
    if word.endswith("people"):
        return word[:-6] + "person"
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]  # "witnesses", "coaches"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


_POLL_SHARES = frozenset({"percent", "majority", "plurality", "respondents"})
# Shares as the head or with "of" after them ("half said", "a third of voters"); but "a third
# official" is one more official.
_FRACTIONS = frozenset({"half", "third", "thirds", "quarter", "quarters"})


def _joined_names(words: list[Token]) -> bool:
    """ "Procter and Gamble", "Smith & Jones": capitalised words joined by "and"."""
    links = [n for n, t in enumerate(words) if t.lower in {"and", "&"}]
    return (
        len(links) == 1
        and 0 < links[0] < len(words) - 1
        and all(t.is_capitalized for n, t in enumerate(words) if n != links[0])
    )


def _share_of_group(words: list[Token]) -> bool:
    """ "Half", "a third of the members", "about half of voters": a share of a group, not
    one more of it ("a third official")."""
    rest = [t for t in words if t.lower not in {"a", "an", "the", "about", "nearly", "roughly"}]
    return bool(rest) and rest[0].lower in _FRACTIONS and (len(rest) == 1 or rest[1].lower == "of")


def _anonymous(content: list[Token], female: bool) -> Description:
    shares = {t.lower for t in content} & _POLL_SHARES or any(
        token.lower in _FRACTIONS and (following is None or following.lower == "of")
        for token, following in zip(content, [*content[1:], None], strict=True)
    )
    if shares or content[-1].text.endswith("%"):
        return Description("poll respondents", "anonymous", None, "respondent", female)
    kept: list[Token] = []
    for token in content:
        if token.lower in _SOURCE_CUTS and kept:
            break
        kept.append(token)
    # Only the words that describe the source, read leftwards from the noun: "a senior
    # administration official", not "even own".
    described: list[Token] = []
    for token in reversed(kept[:-1]):
        if token.lower in DETERMINERS or token.lower in _VAGUE:
            break
        if token.text[0].islower() and not is_modifier(token):
            break
        described.insert(0, token)
    head = _singular(kept[-1].lower)
    words = [t.text for t in described] + [head]
    return Description("unnamed " + " ".join(words), "anonymous", None, head, female)


def _bare_name(speaker: Speaker) -> bool:
    """A "person" named with nothing that shows a person ("Harrow Foods"): no given name, no
    role, no gender; ``people.settle_names`` makes it an organization at the article's end."""
    return (
        speaker.kind == "person"
        and not speaker.role
        and not speaker.gender
        and not any(given_name(w) for w in speaker.name.split())
    )


# Words of public bodies' names: never "the company".
_PUBLIC_BODIES = frozenset(
    """Department Ministry Office Court Police Agency Commission Committee Council Government
    Senate House Congress Administration Attorney General Authority Parliament State City
    County Bureau Service Army Navy""".split()
)
# Nouns by which copy refers back to a public body it has named.
_BODY_NOUNS = frozenset(
    "agency ministry department office commission authority bureau administration".split()
)
# Initials that name an institution ("FAA", "FDA's"), and how far back copy refers to them.
_INITIALS = re.compile(r"(?<![\w-])([A-Z]{3,6})(?:['\u2019]s)?(?![\w,-])")  # not "KYIV,"
_NEARBY = 600
# Nouns by which copy refers back to a business it has named.
_BUSINESS_NOUNS = frozenset(
    """company firm automaker carmaker manufacturer maker retailer startup start-up airline
    carrier insurer lender chain giant conglomerate developer publisher brand""".split()
)


_OWNERS = frozenset({"his", "her", "my", "our", "your"})
# What a text may say without a person named: "according to reports", "the website says".
_DOCUMENT_SOURCES = frozenset(
    """report reports website websites site document documents record records filing filings
    notice sign letter memo""".split()
)


def _surname_of_someone(tokens: list[Token], text: str) -> bool:
    """A lone capitalised word that the article also gives after a given name or an initial
    ("Derek Fowlers", "J. Fowlers"): a surname, whatever else the word could be."""
    if len(tokens) != 1 or not tokens[0].is_capitalized or not agent_plural(tokens[0].lower):
        return False
    for found in re.finditer(rf"([A-Z][\w'’-]*\.?) {re.escape(tokens[0].text)}\b", text):
        before = found.group(1)
        if given_name(before) is not None or re.fullmatch(r"[A-Z]\.", before):
            return True
    return False


def _last_name_ending(noun: str, text: str) -> str | None:
    """The last run of one to four capitalised words and ``noun`` in ``text`` ("The Harbor
    Trust"), looked for only where the noun stands rather than along the whole text."""
    at = len(text)
    while (at := text.rfind(noun, 0, at)) >= 0:
        end = at + len(noun)
        if end < len(text) and (text[end].isalnum() or text[end] == "_"):
            continue
        window = text[max(0, at - 240) : end]
        match = _CAPITALISED_RUN.search(window)
        if match is not None:
            return window[match.start() :]
    return None


# One to four capitalised words right before the end (where the noun stands).
_CAPITALISED_RUN = re.compile(r"(?<![\w'’&.-])(?:[A-Z][\w'’&.-]*\s+){1,4}(?=\S+$)")


class Cast:
    """The speakers of one article, so later mentions resolve to earlier ones."""

    def __init__(self) -> None:
        self.speakers: list[Speaker] = []
        self._recent: list[Speaker] = []

    def resolve(self, tokens: list[Token], text: str, *, salient: bool = True) -> Speaker | None:
        if is_pronoun(tokens):
            return self.pronoun(tokens[0].lower)
        description = describe(tokens)
        if description is not None and _surname_of_someone(tokens, text):
            # "Fowlers said" after "Derek Fowlers": a surname, though it reads as a group.
            word = tokens[0].text
            description = Description(word, "person", None, word.lower(), False)
        if description is None and len(tokens) == 1 and tokens[0].lower in _DOCUMENT_SOURCES:
            # "according to reports"
            word = tokens[0].lower
            description = Description(word, "organization", None, word, False, generic=True)
        if description is None or len(description.name.split()) > _MAX_NAME_WORDS:
            return None
        if _titled_the(tokens, text, description):
            # "announced by The Halden Group": a capital "The" inside a sentence is the name's.
            description = replace(description, name="The " + description.name)
        if description.generic:
            # Only as a second mention of an institution already named: "the campaign"; or a
            # document nobody in the article owns ("the website", "court records"), which
            # is the source, unnamed.
            before = text[: tokens[0].start]
            speaker = (
                self._recent_organization(description.head)
                or self._named_earlier(description.head, before)
                or self._acronym_earlier(description, before)
                or self._document(description, tokens)
            )
            if speaker is None:
                return None
        else:
            definite = tokens[0].lower == "the" and description.kind == "anonymous"
            holder = self._role_holder(description.role) if definite else None
            speaker = holder or self._match(description) or self._add(description)
            if definite and holder is None and description.role:
                speaker.role_reference = description.role
        mention = text[tokens[0].start : tokens[-1].end]
        if mention not in speaker.mentions:
            speaker.mentions.append(mention)
        if description.female:
            speaker.gender = "f"
        if salient:
            self.touch(speaker)
        return speaker

    def main_business(self, text: str, person: Callable[[str], bool]) -> Speaker | None:
        """The business an article is about: of the organizations it has met (and the bare
        names that ``person`` does not know as someone's), the one it names most often, at
        least three times and more often than any other. Copy refers to it as "the company"
        long after it last named it."""
        counts: list[tuple[int, Speaker]] = []
        seen: set[str] = set()
        for speaker in self.speakers:
            words = speaker.name.split()
            business = speaker.kind == "organization" or (
                _bare_name(speaker) and not person(speaker.name)
            )
            if (
                not business
                or _key(speaker.name) in seen
                or any(w in MEDIA_WORDS or w in _PUBLIC_BODIES for w in words)
            ):
                continue
            seen.add(_key(speaker.name))
            named = len(re.findall(rf"(?<!\w){re.escape(speaker.name)}(?!\w)", text))
            counts.append((named, speaker))
        counts.sort(key=lambda pair: -pair[0])
        if not counts or counts[0][0] < 3 or (len(counts) > 1 and counts[1][0] == counts[0][0]):
            return None
        return counts[0][1]

    def _role_holder(self, role: str | None) -> Speaker | None:
        """ "the foreign secretary" after "Foreign Secretary David Cameron": the latest person
        of the article who holds that role."""
        wanted = set(role.lower().split()) if role else set()
        if not wanted:
            return None
        for speaker in reversed(self._recent):
            if speaker.kind == "person" and speaker.role:
                if wanted <= set(speaker.role.lower().split()):
                    return speaker
        return None

    def _named_earlier(self, head: str, before: str) -> Speaker | None:
        """ "the trust" after "The Harbor Trust owns the pier": an institution the article
        named in words that report no speech, whose name ends in the noun."""
        if not head.isalpha():
            return None
        found = _last_name_ending(head.capitalize(), before)
        if found is None:
            return None
        words = found.split()
        while words and words[0] in {"The", "A", "An"}:
            words = words[1:]
        if len(words) < 2:
            return None
        named = Description(" ".join(words), "organization", None, head)
        return self._match(named) or self._add(named)

    def _acronym_earlier(self, description: Description, before: str) -> Speaker | None:
        """ "the agency" after "the FAA's review" in the same or the last paragraph: a public
        body is mostly named by its initials, and is then referred to by its kind alone
        ("the agriculture ministry" says which one it is, and is not this)."""
        head = description.head
        if head not in _BODY_NOUNS or description.name.lower() != head:
            return None
        nearby = before[-_NEARBY:]
        found = [
            m.group(1)
            for m in _INITIALS.finditer(nearby)
            if m.group(1) not in TITLE_WORDS and m.group(1) not in MEDIA_WORDS
        ]
        if not found:
            return None
        named = Description(found[-1], "organization", None, head)
        return self._match(named) or self._add(named)

    def _document(self, description: Description, tokens: list[Token]) -> Speaker | None:
        if description.head not in _DOCUMENT_SOURCES:
            return None
        if tokens[0].lower in {"its", "their"}:
            # "according to its website": the institution just named, or nobody known.
            return next((s for s in reversed(self._recent) if s.kind == "organization"), None)
        if tokens[0].lower in _OWNERS or tokens[0].lower.endswith(("'s", "\u2019s")):
            return None  # someone's letter: theirs, not an unnamed source's
        unnamed = Description("unnamed " + description.name, "anonymous", None, description.head)
        return self._match(unnamed) or self._add(unnamed)

    def _recent_organization(self, head: str) -> Speaker | None:
        for speaker in reversed(self._recent):
            if speaker.kind == "organization" and speaker.name.lower().endswith(head):
                return speaker
        if head in _BODY_NOUNS:
            # "the agency" after NOAA, "the ministry" after the Ministry of Health.
            for speaker in reversed(self._recent[-3:]):
                words = speaker.name.split()
                if (speaker.kind == "organization" or _bare_name(speaker)) and (
                    head.capitalize() in words or (len(words) == 1 and _is_acronym(words[0]))
                ):
                    return speaker
        if head in _BUSINESS_NOUNS:
            # "the company", "the automaker": the business the article was just about.
            for speaker in reversed(self._recent[-3:]):
                words = speaker.name.split()
                if (
                    (speaker.kind == "organization" or _bare_name(speaker))
                    and speaker.name[:1].isupper()
                    and not any(w in MEDIA_WORDS or w in _PUBLIC_BODIES for w in words)
                ):
                    return speaker
        return None

    def touch(self, speaker: Speaker) -> None:
        if speaker in self._recent:
            self._recent.remove(speaker)
        self._recent.append(speaker)

    def pronoun(self, word: str) -> Speaker | None:
        gender = PRONOUNS.get(word)
        if gender in {"m", "f"}:
            # A recent person known to match wins over a nearer one of unknown gender.
            for speaker in reversed(self._recent[-3:]):
                if speaker.kind == "person" and speaker.gender == gender:
                    return speaker
        for speaker in reversed(self._recent):
            if gender in {"m", "f"}:
                if speaker.kind != "person" or (speaker.gender and speaker.gender != gender):
                    continue
                if gender == "f" and speaker.gender is None:
                    speaker.gender = "f"
                return speaker
            if gender == "p" and speaker.kind in {"anonymous", "organization"}:
                return speaker
            if gender == "n" and speaker.kind == "organization":
                return speaker
        return None

    def _match(self, description: Description) -> Speaker | None:
        for speaker in reversed(self.speakers):
            if speaker.kind != description.kind:
                continue
            if description.kind == "person" and _same_person(speaker.name, description.name):
                if len(description.name) > len(speaker.name) and " " in description.name:
                    speaker.name = description.name
                speaker.role = speaker.role or description.role
                return speaker
            if description.kind == "anonymous" and _same_source(speaker.name, description.name):
                return speaker
            if description.kind == "organization" and _key(speaker.name) == _key(description.name):
                return speaker
        return None

    def _add(self, description: Description) -> Speaker:
        speaker = Speaker(
            name=description.name,
            kind=description.kind,
            role=description.role,
            gender="f" if description.female else None,
        )
        self.speakers.append(speaker)
        return speaker


def _titled_the(tokens: list[Token], text: str, description: Description) -> bool:
    if description.kind != "organization" or description.generic or tokens[0].text != "The":
        return False
    if description.name.startswith("The ") or tokens[1].text not in description.name:
        return False
    before = text[: tokens[0].start].rstrip(" \u201c\u201d\"'\u2018\u2019(")
    return bool(before) and before[-1] not in ".!?:\n\u2014-"


def business_reference(words: str) -> bool:
    """ "the company", "The Swedish carmaker": a business referred to by its kind alone."""
    parts = words.split()
    return (
        len(parts) in {2, 3}
        and parts[0].lower() == "the"
        and parts[-1].lower() in _BUSINESS_NOUNS
        and all(p[:1].islower() or _nationality(p) for p in parts[1:-1])
    )


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", name.lower().replace("the ", ""))


def _same_person(known: str, new: str) -> bool:
    known_words, new_words = known.split(), new.split()
    if known_words[-1].lower() != new_words[-1].lower():
        return False
    firsts = [w for w in (known_words[0], new_words[0]) if w not in HONORIFICS]
    return (
        len(known_words) == 1
        or len(new_words) == 1
        or len(set(firsts)) <= 1
        or (known_words[0] in HONORIFICS or new_words[0] in HONORIFICS)
    )


def _same_source(known: str, new: str) -> bool:
    known_words = [w for w in known.lower().split() if w not in {"unnamed", "the", "a", "an"}]
    new_words = [w for w in new.lower().split() if w not in {"unnamed", "the", "a", "an"}]
    if not known_words or not new_words or known_words[-1] != new_words[-1]:
        return False
    return set(known_words) <= set(new_words) or set(new_words) <= set(known_words)
