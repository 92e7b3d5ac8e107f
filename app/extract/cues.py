"""Attribution cues in one sentence: the reporting verb, who it names as the source (before or
after it), the outlet the words were given to, and where the reported content lies."""

import re
from dataclasses import dataclass
from typing import Literal

from app.extract.lexicon import (
    ADMISSION_VERBS,
    ANONYMOUS_HEADS,
    AUXILIARIES,
    CLAUSE_BREAKERS,
    COGNITION_VERBS,
    DETERMINERS,
    MEDIA_WORDS,
    NAMING_VERBS,
    ORGANIZATION_HEADS,
    PHRASAL_CUES,
    PRONOUNS,
    ROLE_NOUNS,
    SPEECH_VERBS,
    STANCE_VERBS,
    TITLE_WORDS,
)
from app.extract.model import Span
from app.extract.people import given_name
from app.extract.speakers import (
    SOURCE_QUALIFIERS,
    STANDS,
    agent_noun,
    agent_plural,
    describe,
    is_modifier,
    is_pronoun,
    plural_role,
)
from app.extract.tokens import Token

_INVERTIBLE = frozenset(w for w in SPEECH_VERBS if not w.endswith("ing"))
_TELL = frozenset({"told", "tells", "tell", "telling"})
_ROLE_LINKS = frozenset({"of", "for", "at", "to"})
_ROLE_HEADS = ROLE_NOUNS | ANONYMOUS_HEADS | ORGANIZATION_HEADS | {n + "s" for n in ROLE_NOUNS}
_OUTLET_LEADS = frozenset({"told", "tells", "telling", "with", "on", "to", "via"})
# "as reported by", "when contacted by", "in an email seen by": the outlet the words reached.
_GIVEN_BY = frozenset(
    "reported contacted reached reviewed seen obtained interviewed asked quoted cited".split()
)
_MAX_SUBJECT = 12
# Verbs that present someone in the speaker's words only with "as" and a quotation:
# "introduced her as “the best in the business”"; "introduced a phone" names nothing.
_PRESENTING = frozenset({"introduce", "introduced", "introduces", "introducing"})
_CUE_WORDS = (
    SPEECH_VERBS
    | NAMING_VERBS
    | COGNITION_VERBS
    | STANCE_VERBS
    | PHRASAL_CUES
    | {"according", "in", "point", "points", "pointed", "pointing"}
    | {"seem", "seems", "seemed", "appear", "appears", "appeared", "expected"}
    | _PRESENTING
)
_VAGUE_SOURCES = frozenset({"some", "others", "many", "most", "several", "both"})
_APPROXIMATELY = frozenset({"about", "nearly", "almost", "roughly", "around", "over", "some"})
_TIME_WORDS = frozenset(
    """week month year weekend night morning afternoon evening yesterday today tonight
    monday tuesday wednesday thursday friday saturday sunday""".split()
)
_TIME_LEADS = frozenset({"last", "this", "on", "earlier", "later", "next", "that"})
_DOCUMENTS = frozenset(
    """poll polls survey surveys study report analysis statement letter memo filing column
    editorial op-ed data""".split()
)
_FIGURES = frozenset(
    "data figures statistics numbers records estimates tallies count counts prices".split()
)
_HAVE_BE = frozenset({"have", "has", "had", "is", "are", "was", "were", "be", "been"})
_BE = frozenset({"is", "are", "was", "were", "be", "been", "being", "am", "'s", "\u2019s"})
_POSSESSIVE = ("\u2019s", "'s", "s\u2019", "s'")
_DASHES = frozenset({"\u2015", "\u2014", "\u2013", "-"})


@dataclass
class Cue:
    verb: Span
    verb_word: str
    kind: str
    subject: list[Token]
    subject_after: bool
    outlet: str | None
    span: Span
    forward: Span | None
    backward: Span | None
    # For "..., a Democratic strategist who said": the words "who" stands for.
    antecedent: list[Token] | None = None
    # False when what follows the verb is no clause ("signaled two cuts"): an attribution as
    # corpora count them, but no statement to store.
    statement: bool = True
    nominal: bool = False
    # "agreed to pay": what follows is something done, not something said.
    act: bool = False
    # "told Variety": a name told the words that may be an outlet.
    audience: str | None = None


def find_cues(tokens: list[Token], sentence: Span) -> list[Cue]:
    cues: list[Cue] = []
    last = len(tokens) - 1
    for i, token in enumerate(tokens):
        # Most words cannot start a cue: look closer only at those that can.
        if (
            token.lower in _CUE_WORDS
            or token.text in _DASHES
            or (i < last and tokens[i + 1].lower == "that")
        ):
            cue = _cue_at(tokens, i, sentence)
            if cue is not None:
                cues.append(cue)
    cues = _outer_cues(cues, tokens)
    _bound_contents(cues, tokens, sentence)
    return cues


# Words that open a reported clause: "said that ...", "said whether the council will agree ...".
_OPENERS = frozenset({"that", "whether", "if"})


def _outer_cues(cues: list[Cue], tokens: list[Token]) -> list[Cue]:
    """A cue whose subject opens another cue's reported clause is that clause's own verb, part
    of what was reported: "Lavrov said Moscow would respond ...", "said it welcomed ..."."""
    openings: set[int] = set()
    for cue in cues:
        if cue.kind not in {"speech", "naming"} or cue.subject_after:
            continue
        k = next((n for n, t in enumerate(tokens) if t.start >= cue.span.end), None)
        if k is None:
            continue
        # "said in a statement that it ...": the clause opens after "that", as its content does.
        that = next(
            (n for n in range(k, min(k + 7, len(tokens))) if tokens[n].lower == "that"), None
        )
        if that is not None and tokens[k].lower in {"in", "on", "during", "that"}:
            k = that
        while k < len(tokens) and (tokens[k].lower in _OPENERS or time_word(tokens, k)):
            k += 1
        if k < len(tokens):
            openings.add(tokens[k].start)
    kept: list[Cue] = []
    for cue in cues:
        first = cue.subject[0].start if cue.subject and not cue.subject_after else None
        if first is not None and first in openings:
            continue
        if (
            cue.subject
            and cue.subject[0].lower == "who"
            and any(
                c.kind in {"speech", "naming"} and not c.nominal and c.verb.end <= cue.span.start
                for c in kept
            )
        ):
            continue  # "said the number of people who have reported ... was": inside its clause
        kept.append(cue)
    return kept


_WEEKDAYS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday yesterday today tonight".split()
)


def time_word(tokens: list[Token], k: int) -> bool:
    """ "said Thursday", "said on Tuesday", "said last week": when, not what."""
    word = tokens[k].lower
    if word in _WEEKDAYS:
        return True
    following = tokens[k + 1].lower if k + 1 < len(tokens) else ""
    return (
        word in {"on", "last", "this", "earlier", "late"}
        and (following in _WEEKDAYS or following in {"week", "month", "year", "weekend", "night"})
        or (
            word in {"week", "month", "year", "weekend", "night"}
            and k > 0
            and tokens[k - 1].lower in {"last", "this", "earlier"}
        )
    )


class _GoOn:
    """A reading of a cue that does not apply here: the next one is tried."""


_GO_ON = _GoOn()
# What a reading finds: a cue, no cue at all (None), or nothing it can tell (``_GO_ON``).
_Reading = Cue | None | _GoOn


def _cue_at(tokens: list[Token], i: int, sentence: Span) -> Cue | None:
    """The cue whose verb (or sign) is token ``i``, if it is one: the fixed forms first
    ("according to", a signed quotation, ...), then a reporting verb read each way in turn."""
    for special in _SPECIAL_FORMS:
        found = special(tokens, i, sentence)
        if not isinstance(found, _GoOn):
            return found
    kind = _verb_kind(tokens, i)
    if kind is None:
        return None
    for reading in _VERB_READINGS:
        found = reading(tokens, i, kind, sentence)
        if not isinstance(found, _GoOn):
            return found
    return None


def _signed(tokens: list[Token], i: int, sentence: Span) -> _Reading:
    """ "“...” ― Carla Sanchez": a signed quotation."""
    if not (tokens[i].text in _DASHES and i and tokens[i - 1].is_mask):
        return _GO_ON
    name = tokens[i + 1 :]
    while name and not name[-1].is_word:
        name = name[:-1]
    if 0 < len(name) <= 6 and all(t.is_capitalized or not t.is_word for t in name):
        return _make(tokens, i, i + 1, "speech", name, True, sentence)
    return None


def _in_document(tokens: list[Token], i: int, sentence: Span) -> _Reading:
    """ "In a new Fox News poll released Thursday, Trump led ..." """
    if not (tokens[i].lower == "in" and (i == 0 or tokens[i - 1].text == ",")):
        return _GO_ON
    source = _source_after(tokens, i + 1)
    heads = [t.lower for t in source]
    end = i + 1 + len(source)
    if any(h in _DOCUMENTS for h in heads) and end < len(tokens) and tokens[end].text == ",":
        if not any(t.lower in SPEECH_VERBS for t in tokens[end:]):
            return _make(tokens, i, i + 1, "according", source, True, sentence)
    return None


def _according_to(tokens: list[Token], i: int, sentence: Span) -> _Reading:
    if not (tokens[i].lower == "according" and _next_is(tokens, i, "to")):
        return _GO_ON
    subject = _source_after(tokens, i + 2)
    if not subject:
        return None
    if any(t.lower in _FIGURES for t in subject[:3]):
        # "according to data from X", "according to figures": numbers, not words said
        return _make(tokens, i, i + 2, "evidential", subject, True, sentence)
    return _make(tokens, i, i + 2, "according", subject, True, sentence)


def _phrasal(tokens: list[Token], i: int, sentence: Span) -> _Reading:
    """ "X pointed out", "X shot back": a verb and its particle, the speaker before them."""
    word = tokens[i].lower
    pointed_out = word in {"point", "points", "pointed", "pointing"} and _next_is(tokens, i, "out")
    back = word in PHRASAL_CUES and _next_is(tokens, i, "back")
    if pointed_out or back:
        subject = _phrase_before(tokens, i)
        if subject and speaker_like(subject):
            return _make(tokens, i, i + 2, "speech", subject, False, sentence)
    return _GO_ON


def _said_first(tokens: list[Token], i: int, sentence: Span) -> _Reading:
    """ "Said the mayor: ..." """
    token = tokens[i]
    if token.text == "Said" and (i == 0 or not tokens[i - 1].is_word):
        after = _phrase_after(tokens, i + 1)
        if after and speaker_like(after):
            return _make(tokens, i, i + 1, "speech", after, True, sentence)
    return _GO_ON


def _evidential_cue(tokens: list[Token], i: int, sentence: Span) -> _Reading:
    token = tokens[i]
    if not (token.lower in _EVIDENTIAL and token.text[0].islower() and _evidential(tokens, i)):
        return _GO_ON
    # "The economy seemed impervious to shocks": a judgment nobody in the text owns; but
    # inside an aside ("The firm, which is expected to close, said ...") it is part of
    # the description of who speaks, and reports nothing.
    back = _skip_back(tokens, i - 1)
    if back >= 0 and tokens[back].lower in {"which", "who", "that"}:
        return None
    return _make(tokens, i, i + 1, "evidential", [], False, sentence)


_SPECIAL_FORMS = (_signed, _in_document, _according_to, _phrasal, _said_first, _evidential_cue)


def _verb_kind(tokens: list[Token], i: int) -> str | None:
    """What kind of reporting verb token ``i`` is used as here, or None when it is none (a
    capitalized word, a noun, a passive)."""
    token = tokens[i]
    word = token.lower
    opening = i == 0 and word.endswith("ing") and word in SPEECH_VERBS  # "Noting that ..., X"
    if not token.text[0].islower() and not _headline_verb(tokens, i) and not opening:
        return None
    if word in _PRESENTING and not _as_quoted(tokens, i):
        return None
    kind = _verb_class(tokens, i)
    before = tokens[i - 1] if i else None
    if kind is None or (word.endswith("s") and before is not None and before.lower in _HAVE_BE):
        return None  # "have claims", "is reports": a noun
    if word == "think" and i + 1 < len(tokens) and tokens[i + 1].lower in {"tank", "tanks"}:
        return None  # "a think tank": a noun
    if _passive(tokens, i) or (word.startswith("add") and _next_is(tokens, i, "to")):
        return None  # "he was told", "is believed", "adding to her lead": not a statement
    return kind


def _verb_class(tokens: list[Token], i: int) -> str | None:
    word = tokens[i].lower
    if word in SPEECH_VERBS:
        return "speech"
    if word in NAMING_VERBS or word in _PRESENTING:
        return "naming"
    if word in COGNITION_VERBS:
        return "cognition"
    if word in STANCE_VERBS:
        return "stance"
    if _verb_before_that(tokens, i):
        return "cognition"  # "X concluded that ...": some attitude, not surely speech
    return None


def _caused(tokens: list[Token], i: int, kind: str, sentence: Span) -> _Reading:
    """ "The video prompted some viewers to argue that ...": the viewers argue."""
    caused = _caused_subject(tokens, i) if kind == "speech" else []
    return _make(tokens, i, i + 1, kind, caused, False, sentence) if caused else _GO_ON


def _subject_before(tokens: list[Token], i: int, kind: str, sentence: Span) -> _Reading:
    """The speaker as the verb's subject, before it: "the minister said"."""
    word = tokens[i].lower
    before = tokens[i - 1] if i else None
    subject = _phrase_before(tokens, i)
    if (
        kind == "speech"
        and subject
        and before is not None
        and subject[-1].end == before.end
        and _noun_use(word, subject)
    ):
        # "the U.S. pledge", "a Donald Trump tweet": a noun. Corpora count such nominal cues;
        # they report no statement and do not end another cue's clause.
        cue = _make(tokens, i, i + 1, kind, subject, False, sentence)
        cue.statement, cue.nominal = False, True
        return cue
    if kind == "cognition" and len(subject) == 1 and subject[0].lower in {"i", "we"}:
        return None  # "I think": the writer's own view, not an attribution
    if subject and speaker_like(subject) and not subject[-1].lower.endswith(_POSSESSIVE):
        return _make(tokens, i, i + 1, kind, subject, False, sentence)
    return _GO_ON


def _relative(tokens: list[Token], i: int, kind: str, sentence: Span) -> _Reading:
    """ "a neighbor, who said ...": the speaker is who "who" stands for."""
    who = _skip_back(tokens, i - 1)
    if who < 0 or tokens[who].lower != "who":
        return _GO_ON
    if _anonymity_words(tokens[i : i + 8]):
        return None  # "a neighbor who asked not to be named": how, not what, a source spoke
    if kind == "cognition":
        return _GO_ON
    cue = _make(tokens, i, i + 1, kind, [tokens[who]], False, sentence)
    antecedent = _phrase_before(tokens, who - 1 if tokens[who - 1].text == "," else who)
    cue.antecedent = antecedent if antecedent and speaker_like(antecedent) else None
    return cue


def _inverted(tokens: list[Token], i: int, kind: str, sentence: Span) -> _Reading:
    """ "“...,” said the minister": the speaker after the verb."""
    before = tokens[i - 1] if i else None
    after_quote = (
        before is not None
        and before.text in {"'", "\u2019"}
        and i > 1
        and (tokens[i - 2].text in {"'", "\u2019", ","})
    )
    if tokens[i].lower in _INVERTIBLE and (
        before is None or before.text == "," or before.is_mask or after_quote
    ):
        after = _phrase_after(tokens, i + 1)
        if after and speaker_like(after) and not _object_like(after):
            return _make(tokens, i, i + 1, kind, after, True, sentence)
    return _GO_ON


def _coordinated(tokens: list[Token], i: int, kind: str, sentence: Span) -> _Reading:
    """ "said ... but added, “...”": the subject of the first verb."""
    word = tokens[i].lower
    before = tokens[i - 1] if i else None
    if (
        before is not None
        and before.lower in {"and", "but", "then"}
        and kind == "speech"
        and (not word.endswith("s") or word == "says")
        and any(t.is_word or t.is_mask for t in tokens[i + 1 :])  # "..., then repeat.": no words
    ):
        return _make(tokens, i, i + 1, kind, [], False, sentence)
    return _GO_ON


def _hanging_gerund(tokens: list[Token], i: int, kind: str, sentence: Span) -> _Reading:
    """ "..., warning they risked": the source is the subject of the clause it hangs on."""
    before = tokens[i - 1] if i else None
    if (
        tokens[i].lower.endswith("ing")
        and kind in {"speech", "naming"}
        and (
            before is None
            or not before.is_word
            or (
                before.lower not in DETERMINERS
                and before.lower not in _GERUND_LEADS
                and not before.lower.endswith(("\u2019s", "'s"))
            )
        )
    ):
        return _make(tokens, i, i + 1, kind, [], False, sentence)
    return _GO_ON


_VERB_READINGS = (_caused, _subject_before, _relative, _inverted, _coordinated, _hanging_gerund)


# Verbs that make someone do something: "prompted critics to argue", "led the firm to say".
_CAUSATIVES = frozenset(
    """prompted prompting prompts led leading leads forced forcing forces caused causing causes
    spurred spurring pushed pushing drove driving compelled inspired inspiring""".split()
)


def _object_like(after: list[Token]) -> bool:
    """ "..., reported a use disorder": after the verb, a singular noun known as a person's
    only by its ending is more likely the verb's object than a source ("said a bystander"
    is rare; "said a spokesperson" is not, and a role noun stays a source)."""
    head = after[-1].lower
    return (
        agent_noun(head)
        and head not in ANONYMOUS_HEADS
        and not any(t.is_capitalized for t in after)
    )


def _as_quoted(tokens: list[Token], i: int) -> bool:
    """ "as" and then a quotation within the verb's clause: "introduced him to the crowd as
    “...”"."""
    for k in range(i + 1, min(i + 12, len(tokens) - 1)):
        if tokens[k].text in {".", ";"}:
            return False
        if tokens[k].lower == "as" and tokens[k + 1].is_mask:
            return True
    return False


def _caused_subject(tokens: list[Token], i: int) -> list[Token]:
    """Who speaks after a verb that made them: the object before "to" and the speech verb."""
    if i < 3 or tokens[i - 1].lower != "to":
        return []
    who = _noun_phrase_before(tokens, i - 2)
    k = i - 2 - len(who)
    if not who or k < 0 or tokens[k].lower not in _CAUSATIVES:
        return []
    return who if speaker_like(who) else []


# "such as suggesting a change", "by saying": a gerund, not a clause hanging on a verb.
_GERUND_LEADS = frozenset("as by of for without about after before from in on to upon".split())
_PLURAL_SUBJECTS = frozenset({"i", "we", "you", "they", "people", "police", "staff", "who"})


def _noun_use(word: str, subject: list[Token]) -> bool:
    """A verb's base form after a singular noun phrase is a noun: "the U.S. pledge"."""
    if word.endswith(("s", "ed", "ing")) or word in {"said", "told", "wrote", "spoke", "read"}:
        return False
    head = subject[-1].lower
    if subject[0].lower not in _SINGULAR_DETERMINERS or len(subject) < 2:
        return False
    if head in AUXILIARIES or head in _MODALS or head.endswith(("n't", "n\u2019t")):
        return False  # "the government could deny": a verb after all
    return head not in _PLURAL_SUBJECTS and not (head.endswith("s") and not head.endswith("ss"))


_MODALS = frozenset("to can could may might must shall should will would".split())
_SINGULAR_DETERMINERS = frozenset("the a an his her its their our my your this that".split())
# Words after which a verb's form can only be a noun ("the plans", "her claims").
_ARTICLES = frozenset("the a an his her its their our my your".split())


def speaker_like(phrase: list[Token]) -> bool:
    if is_pronoun(phrase):
        return True
    return describe(phrase) is not None


_ANONYMITY = frozenset({"named", "identified", "anonymity", "anonymous", "record"})


def _anonymity_words(tokens: list[Token]) -> bool:
    return any(t.lower in _ANONYMITY for t in tokens)


def _anonymity_clause(tokens: list[Token], j: int) -> int | None:
    """Where "who asked not to be named" begins, when it ends at ``j``."""
    if tokens[j].lower not in _ANONYMITY:
        return None
    for k in range(j - 1, max(-1, j - 12), -1):
        if tokens[k].lower == "who":
            return k
        if not tokens[k].is_word:
            return None
    return None


def _skip_back(tokens: list[Token], j: int) -> int:
    """Step left over auxiliaries, adverbs and a parenthesis: "(D-Wis.) has also said"; and
    over an anonymity clause: "a neighbor who asked not to be named told"."""
    while j >= 0:
        token = tokens[j]
        anonymity = _anonymity_clause(tokens, j)
        if anonymity is not None:
            j = anonymity - 1
        elif token.lower in AUXILIARIES or (
            token.lower.endswith("ly") and token.text.islower() and len(token.text) > 3
        ):
            j -= 1
        elif (
            token.lower in _TIME_WORDS
            and j >= 1
            and (tokens[j - 1].lower in _TIME_LEADS or token.text[0].isupper())
        ):
            # "Dianne Feinstein last week said", "Trump on Tuesday said"
            j -= 2 if tokens[j - 1].lower in _TIME_LEADS else 1
        elif token.text == "\u2014" or (token.text == "-" and j >= 1 and tokens[j - 1].text == "-"):
            # "The justice -- who has been in a scuffle -- said"
            dash = token.text
            k = j - (1 if dash == "\u2014" else 2)
            while k >= 0 and tokens[k].text != dash and j - k < 25:
                k -= 1
            if k < 1 or tokens[k].text != dash:
                return j
            j = k - (1 if dash == "\u2014" else 2)
        elif token.text == ")":
            k = j
            while k >= 0 and tokens[k].text != "(" and j - k < 8:
                k -= 1
            if k < 0 or tokens[k].text != "(":
                return j
            j = k - 1
        else:
            return j
    return j


def _phrase_before(tokens: list[Token], i: int) -> list[Token]:
    """The subject of the verb at ``i``: the speaker's words before it, over an apposition
    ("Trump, who has 9 million followers, tweeted") or a modifier ("a staffer in the room")."""
    j = _skip_back(tokens, i - 1)
    if j >= 1 and tokens[j].text == ",":
        return _subject_before_comma(tokens, j)
    phrase = _through_name_list(tokens, j, _noun_phrase_before(tokens, j))
    start = j - len(phrase)
    for reading in (_owner_of_place, _before_audience):
        found = reading(tokens, start, phrase)
        if found is not None:
            return found
    found, phrase = _over_modifiers(tokens, start, phrase)
    if found is not None:
        return found
    return _name_before_appositive(tokens, j - len(phrase), phrase) or phrase


def _subject_before_comma(tokens: list[Token], j: int) -> list[Token]:
    """ "Trump, who has 9 million followers, tweeted" / "Marley Anderson, 21, a junior,
    said": the subject before up to three commas' worth of asides."""
    for _ in range(3):
        k = _comma_before(tokens, j)
        if k is None:
            return []
        found = _subject_at_apposition(tokens, j, k)
        if found is not None:
            return found
        j = k
    return []


def _subject_at_apposition(tokens: list[Token], j: int, k: int) -> list[Token] | None:
    """The subject when the aside between the commas at ``k`` and ``j`` settles it; None to
    look one aside further back."""
    between = tokens[k + 1 : j]
    described = describe(between) if 0 < len(between) <= 4 else None
    if (
        described is not None
        and described.kind == "person"
        and described.role is None
        and (len(between) > 1 or given_name(between[0].text) is not None)
    ):
        # "Another delegate on the slate, Jim Poolman, said"; but "Maria Lund, the
        # sister of the late mayor, Erik Lund, said": Erik Lund names the mayor.
        return _chain_subject(tokens, k) or between
    if (
        described is not None
        and described.kind == "organization"
        and not described.generic
        and all(t.is_capitalized or t.lower == "the" for t in between if t.is_word)
    ):
        # "Acme's parent company, The Ajax Group, said": the name in apposition.
        outer = _noun_phrase_before(tokens, k - 1)
        if outer and outer[-1].is_word and not outer[-1].text[0].isupper():
            return between
    end = _before_parenthesis(tokens, k - 1)  # "Rep. Ann Lowe (D-Iowa), a member"
    name = _noun_phrase_before(tokens, end)
    named = _named_before_description(tokens, end - len(name), name)
    if named:
        return named  # "Sean Ruiz, a spokesperson for the coalition, ..., said"
    if name and _place_in_apposition(tokens, k - 1 - len(name), name):
        # "An employee in the Seattle office, who ..., said": the employee speaks.
        lead = k - 1 - len(name)
        outer = _noun_phrase_before(tokens, lead - 1) if tokens[lead].is_word else []
        opens = lead - 1 - len(outer)
        if opens >= 0 and tokens[opens].text == ",":
            outer = []  # itself inside an apposition: "X, a nurse at the clinic in ..."
        described = describe(outer) if outer else None
        if described is not None and described.kind == "anonymous":
            return outer
        return None  # "..., a fellow at the institute in Munich, Germany, said"
    if name and speaker_like(name) and tokens[j - 1].lower not in DETERMINERS:
        if any(t.is_capitalized for t in name) or len(name) == 1:
            return name
    return None


def _owner_of_place(tokens: list[Token], start: int, phrase: list[Token]) -> list[Token] | None:
    """ "An employee in the company's Seattle office said": the employee speaks."""
    if not (phrase and start >= 1 and tokens[start].lower in {"in", "from", "of"}):
        return None
    outer = _noun_phrase_before(tokens, start - 1)
    described = describe(outer) if outer else None
    if described is None:
        return None
    if described.kind == "anonymous" and not described.generic:
        return outer
    if (
        described.kind == "organization"
        and not described.generic
        and tokens[start].lower == "in"
        and all(t.is_capitalized for t in phrase)
    ):
        return [*outer, tokens[start], *phrase]  # "The US Embassy in Lima said"
    if (
        described.kind == "person"
        and tokens[start].lower in {"in", "from"}
        and any(given_name(t.text) for t in outer)
    ):
        return outer  # "Tom Fisher in Ohio said": Fisher speaks, from Ohio
    return None


def _before_audience(tokens: list[Token], start: int, phrase: list[Token]) -> list[Token] | None:
    """ "A presentation to bondholders indicated": the bondholders are the audience; the
    subject is what stands before them, when it can speak (else there is none)."""
    if (
        phrase
        and start >= 1
        and tokens[start].lower in _OBJECT_LINKS
        and agent_plural(phrase[-1].lower)
        and phrase[-1].lower not in ANONYMOUS_HEADS
    ):
        outer = _noun_phrase_before(tokens, start - 1)
        return outer if outer and speaker_like(outer) else []
    return None


def _over_modifiers(
    tokens: list[Token], start: int, phrase: list[Token]
) -> tuple[list[Token] | None, list[Token]]:
    """ "a Democratic staffer in the room wondered": up to two modifiers stepped over; the
    speaker found before them (or None), and the phrase the steps ended on."""
    for _ in range(2):
        if phrase and speaker_like(phrase) or start < 1:
            break
        if tokens[start].lower not in {"in", "at", "from", "of", "with", "for", "on"}:
            break
        outer = _noun_phrase_before(tokens, start - 1)
        if not outer:
            break
        phrase, start = outer, start - 1 - len(outer)
        if speaker_like(phrase):
            return phrase, phrase
    return None, phrase


def _name_before_appositive(
    tokens: list[Token], start: int, phrase: list[Token]
) -> list[Token] | None:
    """ "Scott Pruitt, the attorney general of Oklahoma, said": the name before the
    appositive is the source."""
    if not (
        phrase
        and start >= 1
        and tokens[start].text == ","
        and (phrase[0].lower in {"a", "an", "the"} or phrase[0].text[0].islower())
        and not is_pronoun(phrase)
    ):
        return None
    end = start - 1
    name = _noun_phrase_before(tokens, end)
    described = describe(name) if name else None
    if (
        name
        and described is not None
        and described.kind != "anonymous"
        and any(t.is_capitalized for t in name)
        and (
            end - len(name) < 0
            or not tokens[end - len(name)].is_word
            or (described.kind == "person" and len(name) > 1)
        )
    ):
        return name
    return None


def _through_name_list(tokens: list[Token], j: int, phrase: list[Token]) -> list[Token]:
    """ "the Council on Labor, Trade and Growth": a name whose words are listed with
    commas and "and" is one phrase, not its last item."""
    start = j - len(phrase)  # the token before the phrase
    if not phrase or not phrase[0].is_capitalized or start < 1 or tokens[start].lower != "and":
        return phrase
    k = start - 1
    while True:
        while k >= 0 and tokens[k].is_capitalized:
            k -= 1
        if k >= 1 and tokens[k].text == "," and tokens[k - 1].is_capitalized:
            k -= 1
            continue
        break
    if k < 1 or tokens[k].lower not in {"on", "for", "of"} or not tokens[k - 1].is_capitalized:
        return phrase  # "CBS News, The Post and NBC News": several, not one name's words
    first_end = next((n for n in range(k + 1, start) if not tokens[n + 1].is_capitalized), None)
    if first_end is None or first_end == start - 1:
        return phrase
    lead = _noun_phrase_before(tokens, first_end)
    if not lead or lead[-1] is not tokens[first_end]:
        return phrase
    return lead + tokens[first_end + 1 : j + 1]


_PLACE_LEADS = frozenset("in at of for from with on near to by outside inside".split())


def _comma_before(tokens: list[Token], j: int) -> int | None:
    """The comma that opens the apposition closed by the comma at ``j``, within 30 tokens and
    no quotation; None when there is none."""
    k = j - 1
    while k >= 0 and tokens[k].text != "," and j - k < 30 and not tokens[k].is_mask:
        k -= 1
    return k if k >= 1 and tokens[k].text == "," else None


def _chain_subject(tokens: list[Token], k: int) -> list[Token]:
    """The person opening "X, the brother of the heir, NAME, ...", where ``k`` is the comma
    before NAME: the name completes the description, and X is who speaks."""
    start = _comma_before(tokens, k)
    if start is None:
        return []
    segment = tokens[start + 1 : k]
    if not segment or segment[0].lower not in {"the", "a", "an"}:
        return []
    if segment[-1].text[0].isupper() or not any(t.lower in {"of", "to"} for t in segment):
        return []
    person = _noun_phrase_before(tokens, start - 1)
    opens = start - 1 - len(person)
    if not person or (opens >= 0 and tokens[opens].is_word):
        return []
    found = describe(person)
    return person if found is not None and found.kind == "person" else []


def _named_before_description(tokens: list[Token], before: int, name: list[Token]) -> list[Token]:
    """ "Cmdr. Sean Ruiz, a spokesperson for the coalition,": the person the description
    describes, when a name stands right before it."""
    if not name or name[0].lower not in {"a", "an", "the"} or before < 1:
        return []
    if tokens[before].text != ",":
        return []
    described = describe(name)
    if described is None or described.kind != "anonymous":
        return []
    person = _noun_phrase_before(tokens, before - 1)
    found = describe(person) if person else None
    if found is None or found.kind != "person":
        return []
    return person


def _place_in_apposition(tokens: list[Token], before: int, name: list[Token]) -> bool:
    """A name that is the object of a preposition ("at the Max Planck Institute") or the
    region after a city ("in Munich, Germany") describes a source; it is not one."""
    if before < 0:
        return False
    if tokens[before].lower in _PLACE_LEADS:
        return True
    return (
        len(name) == 1
        and tokens[before].text == ","
        and before >= 2
        and tokens[before - 1].is_capitalized
        and tokens[before - 2].lower in _PLACE_LEADS
    )


def _noun_phrase_before(tokens: list[Token], j: int) -> list[Token]:
    """The noun phrase that ends at token ``j``, read leftwards word by word."""
    if j >= 0 and tokens[j].lower in DETERMINERS and tokens[j].lower not in _VAGUE_SOURCES:
        return []  # "the warning": the verb form is a noun here
    if j >= 2 and tokens[j].text.isdigit() and tokens[j - 1].lower in {"in", "of"}:
        # "About three in 10 said"
        k = j - 2
        while k >= 1 and tokens[k - 1].is_word and tokens[k - 1].lower in _APPROXIMATELY:
            k -= 1
        return tokens[k : j + 1]
    phrase: list[Token] = []
    while j >= 0 and len(phrase) < _MAX_SUBJECT:
        step = _step_back(tokens, j, phrase)
        if step == "stop":
            break
        phrase.insert(0, tokens[j])
        j -= 1
        if step == "word" and phrase[0].lower in PRONOUNS and len(phrase) == 1:
            break
    while phrase and phrase[0].lower in {"but", "and", "or", "so", "however", "yet", "then"}:
        phrase.pop(0)
    return _those_before(tokens, j, phrase) or phrase


def _step_back(tokens: list[Token], j: int, phrase: list[Token]) -> Literal["word", "link", "stop"]:
    """Whether token ``j`` belongs to the phrase that starts after it: as a "word", as a
    "link" inside a name or a description ("Johnson & Johnson", "people familiar with"), or
    not ("stop")."""
    token = tokens[j]
    if token.text == "&" and phrase and phrase[0].is_capitalized and j > 0:
        if tokens[j - 1].is_capitalized:
            return "link"  # "Johnson & Johnson said": one name
    if not token.is_word:
        return "stop"
    if (
        token.text[0].islower()
        and (token.lower in SPEECH_VERBS or token.lower in COGNITION_VERBS)
        and not (j > 0 and tokens[j - 1].lower in _ARTICLES)
        and not _think_tank(token, phrase)
    ):
        return "stop"  # a verb; but after an article it is a noun: "familiar with the plans"
    if token.text[0].islower() and token.lower in CLAUSE_BREAKERS:
        return "link" if _links_description(tokens, j, phrase) else "stop"
    if _verb_before_phrase(tokens, j, phrase):
        return "stop"  # "office put out a statement": a verb, so the phrase began after it
    return "word"


def _links_description(tokens: list[Token], j: int, phrase: list[Token]) -> bool:
    """A word that would end a clause but here links the parts of one description: "a
    professor of law", "people familiar with the matter", "the Institute on Erosion"."""
    token = tokens[j]
    if token.lower in _ROLE_LINKS and j > 0 and _is_role(tokens[j - 1]):
        return True
    if j > 0 and _qualifies_source(tokens[j - 1], token, phrase):
        return True  # "people familiar with the matter said"
    return (
        token.lower in _SOURCE_LINKS
        and bool(phrase)
        and phrase[0].is_capitalized
        and j > 0
        and tokens[j - 1].is_capitalized
    )  # "the National Institute on Coastal Erosion said"


def _verb_before_phrase(tokens: list[Token], j: int, phrase: list[Token]) -> bool:
    """A lower-case word before the phrase that is no modifier of it: "office put out a
    statement" (but "Peru's energy ministry", "a second person", "the old mill town")."""
    token = tokens[j]
    compound = (
        len(phrase) == 1
        and phrase[0].lower in ORGANIZATION_HEADS
        and token.text.isalpha()
        and token.lower not in SPEECH_VERBS
        and j > 0
        and (
            tokens[j - 1].lower.endswith(_POSSESSIVE)
            or tokens[j - 1].lower == "the"
            or tokens[j - 1].is_capitalized
        )
    )
    return (
        bool(phrase)
        and token.text[0].islower()
        and not is_modifier(token)
        and token.lower not in _ORDINALS  # "a second person briefed on the talks"
        and not (token.lower in SOURCE_QUALIFIERS and phrase[0].lower in {"with", "to", "on"})
        and not token.is_capitalized
        and not compound  # "Peru's energy ministry", "the health department"
        and not _think_tank(token, phrase)
        and not _noun_in_compound(tokens, j)
    )


def _those_before(tokens: list[Token], j: int, phrase: list[Token]) -> list[Token]:
    """ "Those opposed to the plan", "those in favor of a ban": people described only by
    where they stand; the phrase reaches back to "those" over a few plain words."""
    for m in range(j, max(-1, j - 4), -1):
        token = tokens[m]
        if token.lower == "those":
            opens = m == 0 or not tokens[m - 1].is_word or tokens[m - 1].lower in {"and", "but"}
            follower = tokens[m + 1].lower if m + 1 < len(tokens) else ""
            if opens and follower in STANDS:
                return tokens[m : j + 1] + phrase
            return []
        if not token.is_word or token.lower in SPEECH_VERBS or token.lower in AUXILIARIES:
            return []
    return []


def _noun_in_compound(tokens: list[Token], j: int) -> bool:
    """ "the old mill town", "a school board": a noun before a noun, known by the article
    that opens the phrase two words or fewer to its left; "office put out" has none."""

    def plain(token: Token) -> bool:
        word = token.lower
        return (
            token.text.isalpha()
            and token.text.islower()
            and word not in AUXILIARIES
            and word not in _MODALS
            and word not in SPEECH_VERBS
            and word not in CLAUSE_BREAKERS
            and not word.endswith(("ed", "ing", "ly"))
        )

    if not plain(tokens[j]):
        return False
    for k in range(j - 1, max(-1, j - 3), -1):
        if tokens[k].lower in _ARTICLES or tokens[k].lower.endswith(_POSSESSIVE):
            return True
        if not plain(tokens[k]):
            return False
    return False


_SOURCE_LINKS = frozenset({"of", "by", "from", "for", "at", "on", "to"})
# Words after which a noun is their object, not a subject: "a letter to shareholders said".
_OBJECT_LINKS = frozenset({"to", "for", "with", "by", "about", "from", "among", "between"})
_ORDINALS = frozenset({"first", "second", "third", "fourth", "fifth", "sixth"})


def _qualifies_source(before: Token, link: Token, after: list[Token]) -> bool:
    """ "familiar with", "close to", "analysts at Morgan Stanley": a link inside the
    description of an unnamed source."""
    if before.lower in SOURCE_QUALIFIERS:
        return link.lower in {"with", "to", "on"}
    singular = before.lower[:-1] if before.lower.endswith("s") else before.lower
    return (
        link.lower in {"at", "from"}
        and bool(after)
        and after[0].is_capitalized
        and (before.lower in ANONYMOUS_HEADS or singular in ROLE_NOUNS)
    )


def _is_role(token: Token) -> bool:
    return token.text in TITLE_WORDS or token.lower in _ROLE_HEADS


def _phrase_after(tokens: list[Token], i: int) -> list[Token]:
    phrase: list[Token] = []
    j = i
    while j < len(tokens) and len(phrase) < _MAX_SUBJECT:
        token = tokens[j]
        if not token.is_word:
            break
        if token.text[0].islower() and token.lower in CLAUSE_BREAKERS:
            if (
                token.lower in _ROLE_LINKS
                and phrase
                and (_is_role(phrase[-1]) or phrase[-1].lower in {"one", "some", "many", "two"})
            ):
                phrase.append(token)
                j += 1
                continue
            break
        if (
            phrase
            and token.text[0].islower()
            and token.lower not in DETERMINERS
            and phrase[-1].is_capitalized
            and not is_modifier(token)
            and not any(t.lower in _ROLE_HEADS for t in tokens[j + 1 : j + 3])
        ):
            break
        phrase.append(token)
        j += 1
    while phrase and phrase[-1].lower in CLAUSE_BREAKERS:
        phrase.pop()
    # "says a source involved in the talks": keep the longest start that names someone.
    for end in range(len(phrase), 0, -1):
        if speaker_like(phrase[:end]):
            return phrase[:end]
    return phrase


_NOT_VERBS = frozenset(
    """is was are were has had have does did so such now than said means less more""".split()
)


def _verb_before_that(tokens: list[Token], i: int) -> bool:
    word = tokens[i].lower
    if i and (tokens[i - 1].lower in DETERMINERS or tokens[i - 1].lower in CLAUSE_BREAKERS):
        return False  # "with injuries that ...": a noun and its relative clause
    return (
        _next_is(tokens, i, "that")
        and word.endswith(("ed", "es", "s"))
        and not word.endswith(("ss", "us", "is"))
        and word not in _NOT_VERBS
        and len(word) > 3
    )


_SHOWING_UP = frozenset(
    "on at in before with alongside onstage together during as for".split() + [""]
)
_EVIDENTIAL = frozenset({"seem", "seems", "seemed", "appear", "appears", "appeared", "expected"})


def _evidential(tokens: list[Token], i: int) -> bool:
    if tokens[i].lower == "expected":
        return i > 0 and tokens[i - 1].lower in _BE and _next_is(tokens, i, "to")
    following = tokens[i + 1].lower if i + 1 < len(tokens) else ""
    if tokens[i].lower.startswith("appear") and following in _SHOWING_UP:
        return False  # "appeared on Fox News": showed up, judged nothing
    return i > 0 and tokens[i - 1].is_word and following != "that"


def _headline_verb(tokens: list[Token], i: int) -> bool:
    """ "Trump Says He Never Pledged ...": a headline in title case capitalizes its verb."""
    if i == 0 or tokens[i].lower not in SPEECH_VERBS:
        return False
    words = [t for t in tokens if t.is_word and t.text[0].isalpha()]
    return len(words) >= 4 and sum(t.text[0].isupper() for t in words) >= 0.8 * len(words)


def _passive(tokens: list[Token], i: int) -> bool:
    word = tokens[i].lower
    if not (
        word.endswith(("ed", "en", "wn"))
        or word in {"told", "said", "thought", "found", "known", "sought"}
    ):
        return False
    j = i - 1
    while j >= 0 and tokens[j].lower in {
        "also",
        "not",
        "widely",
        "long",
        "reportedly",
        "being",
        "been",
        "already",
        "never",
    }:
        if tokens[j].lower in {"been", "being"}:
            return True  # "have been told", "is being asked": a participle after "been"
        j -= 1
    if j >= 1 and tokens[j].lower in {"'s", "\u2019s"} and tokens[j - 1].lower in PRONOUNS:
        return False  # "She’s said", "he’s told reporters": has said, has told
    return j >= 0 and tokens[j].lower in _BE


def _next_is(tokens: list[Token], i: int, word: str) -> bool:
    return i + 1 < len(tokens) and tokens[i + 1].lower == word


def _source_after(tokens: list[Token], i: int) -> list[Token]:
    """The source after "according to": a person, or any report, count or poll, up to the
    comma: "a count by The Associated Press"."""
    phrase: list[Token] = []
    window = tokens[i : i + _MAX_SUBJECT]
    for n, token in enumerate(window):
        if not token.is_word:
            break
        if token.text[0].islower() and token.lower in _SOURCE_LINKS:
            phrase.append(token)
            continue
        if token.lower in {"and", "or"} and phrase and _another_source(window[n + 1 :]):
            phrase.append(token)  # "according to engineers and planners"
            continue
        if token.text[0].islower() and token.lower in CLAUSE_BREAKERS:
            break
        if (
            phrase
            and token.text[0].islower()
            and not is_modifier(token)
            and phrase[-1].lower not in _SOURCE_LINKS
            and phrase[-1].lower not in DETERMINERS
            and phrase[-1].lower not in {"and", "or"}
        ):
            break  # "according to the Labor Department, which announced": not the source
        phrase.append(token)
    while phrase and phrase[-1].lower in CLAUSE_BREAKERS:
        phrase.pop()
    return phrase


def _another_source(rest: list[Token]) -> bool:
    """After "and": one more source ("engineers and planners", "Procter and Gamble"), a few
    words up to the comma or the sentence's end."""
    words: list[Token] = []
    for token in rest[:5]:
        if not token.is_word:
            break
        words.append(token)
    if not words or len(words) == len(rest[:5]) and len(rest) > 5:
        return False
    last = words[-1]
    return last.is_capitalized or last.lower in ANONYMOUS_HEADS or plural_role(last.lower)


def _make(
    tokens: list[Token],
    first: int,
    last: int,
    kind: str,
    subject: list[Token],
    subject_after: bool,
    sentence: Span,
) -> Cue:
    verb = Span(tokens[first].start, tokens[last - 1].end)
    ends = [verb.start, verb.end] + [t.start for t in subject] + [t.end for t in subject]
    outlet, outlet_end = _outlet(tokens, last if not subject_after else last + len(subject))
    if outlet is None and subject and not subject_after:
        # "Ortiz, via the Daily Courier, said": between the source and the verb.
        after_subject = first
        while after_subject > 0 and tokens[after_subject - 1].start >= subject[-1].end:
            after_subject -= 1
        if 0 < first - after_subject <= 6:
            outlet = _outlet(tokens[:first], after_subject + 1)[0]
    told = audience(tokens, first) if outlet is None else None
    if outlet_end is not None and tokens[first].lower in _TELL:
        ends.append(outlet_end)
    return Cue(
        verb=verb,
        verb_word=tokens[first].lower,
        kind=kind,
        subject=subject,
        subject_after=subject_after,
        outlet=outlet,
        span=Span(min(ends), max(ends)),
        forward=None,
        backward=None,
        audience=told,
    )


def _outlet(tokens: list[Token], i: int) -> tuple[str | None, int | None]:
    """An outlet named within a few words after the cue: "told CBS News", "in an interview
    with NBC", "said on Fox News Sunday"; and where its name ends."""
    window = tokens[max(0, i - 1) : i + 10]
    for k, token in enumerate(window):
        if not token.is_word:
            if token.text in {".", ";"}:
                break
            continue
        by = token.lower == "by" and k > 0 and window[k - 1].lower in _GIVEN_BY
        if token.lower not in _OUTLET_LEADS and not (k == 0 and token.lower in _TELL) and not by:
            continue
        rest = window[k + 1 :]
        found = _outlet_after_lead(tokens, rest)
        if found is not None:
            return found
    return None, None


def _outlet_after_lead(tokens: list[Token], rest: list[Token]) -> tuple[str, int] | None:
    """The outlet named in ``rest``, the words after a lead such as "told" or "with"."""
    name = _capitalized_name(rest)
    after = rest[len(name)] if len(name) < len(rest) else None
    if name and after is not None and after.lower in _JOURNALISTS:
        employer = _journalists_employer(name, after)
        if employer is not None:
            return employer
    name = [t for t in name if t.lower not in {"a", "an"}]
    if not any(_media_word(t.text) for t in name):
        named = _named_after_kind(rest)
        if named:
            return " ".join(t.text for t in named), named[-1].end
    media = [n for n, t in enumerate(name) if _media_word(t.text)]
    if not media:
        return None
    after = rest[len(name)] if len(name) < len(rest) else None
    tail = name[media[-1] + 1 :]
    if (after is not None and after.lower in ROLE_NOUNS) or any(t.lower == "the" for t in tail):
        # "told NPR White House correspondent ...", "told Axios.com the Energy
        # Department ...": the outlet ends at its last media word (but "NPR's Morning
        # Edition" is one program).
        name = name[: media[-1] + 1]
    # ... and starts after the last "of" or "the" before it.
    links = [n for n, t in enumerate(name) if t.text in {"of", "the"}]
    name = name[links[-1] + 1 :] if links else name
    text = " ".join(t.text for t in name)
    if _the_before(tokens, name) and len(name) == 1 and name[0].text.istitle():
        text = "The " + text  # "told the Guardian": The Guardian, as it names itself
    if text.endswith(("\u2019s", "'s")):
        text = text[:-2]
    return text, name[-1].end


def _capitalized_name(rest: list[Token]) -> list[Token]:
    """The capitalized words at the start of ``rest``, with the small words linking them:
    "via Jane Doe of the Dayton Post-Tribune"."""
    name: list[Token] = []
    for n, follower in enumerate(rest):
        ahead = [t for t in rest[n + 1 : n + 3] if t.lower != "the"][:1]
        linking = (
            follower.lower in {"of", "the", "a", "an"} and bool(ahead) and ahead[0].is_capitalized
        )
        if not (follower.is_capitalized or linking):
            break
        name.append(follower)
    return name


def _journalists_employer(name: list[Token], journalist: Token) -> tuple[str, int] | None:
    """ "told the BBC interviewer", "told a KXAN reporter": whoever employs the journalist
    the words were given to is the outlet, known or not."""
    own = [t for t in name if t.lower not in {"of", "the", "a", "an"}]
    media = [n for n, t in enumerate(own) if _media_word(t.text)]
    own = own[: media[-1] + 1] if media else own  # "NPR White House correspondent"
    if own and all(t.is_capitalized for t in own) and len(own) <= 4:
        text = " ".join(t.text for t in own)
        return text.removesuffix("\u2019s").removesuffix("'s"), journalist.end
    return None


# People whose employer is an outlet: "told a CNN reporter".
_JOURNALISTS = frozenset(
    """reporter reporters interviewer correspondent correspondents journalist journalists
    host anchor presenter editor editors producer columnist""".split()
)
# Words for what kind of outlet a name is: "the German magazine Der Spiegel".
_OUTLET_KINDS = frozenset(
    """publication newspaper paper magazine outlet website site broadcaster network channel
    station tabloid daily weekly agency blog podcast""".split()
)


def _before_parenthesis(tokens: list[Token], j: int) -> int:
    """The token before a short parenthesis that ends at ``j`` ("(D-Iowa)"), else ``j``."""
    if j < 0 or tokens[j].text != ")":
        return j
    for k in range(j - 1, max(-1, j - 8), -1):
        if tokens[k].text == "(":
            return k - 1
    return j


def _think_tank(token: Token, phrase: list[Token]) -> bool:
    return token.lower == "think" and bool(phrase) and phrase[0].lower in {"tank", "tanks"}


def _the_before(tokens: list[Token], name: list[Token]) -> bool:
    at = next((n for n, t in enumerate(tokens) if t.start == name[0].start), 0)
    return at > 0 and tokens[at - 1].lower == "the"


def _named_after_kind(rest: list[Token]) -> list[Token]:
    """The name after a word for a kind of outlet, with only its description before:
    "the regional publication Valley Courier", "local broadcaster KTVB"."""
    for n, token in enumerate(rest[:6]):
        if token.lower in _OUTLET_KINDS:
            name: list[Token] = []
            for follower in rest[n + 1 : n + 6]:
                if not follower.is_capitalized:
                    break
                name.append(follower)
            return name
        if not token.is_word and token.text not in {"-"}:
            return []
        if token.lower in _TELL or token.lower in {"that", "and", "but", "who"}:
            return []
    return []


_CALL_SIGN = re.compile(r"[KW][A-Z]{2,3}(?:-(?:TV|FM|AM|DT|HD))?|[A-Z]{2,5}-(?:TV|FM|AM)")


def _media_word(word: str) -> bool:
    """A word that marks a name as an outlet's: "News", "BBC", a station's call sign."""
    bare = word[:-2] if word.endswith(("\u2019s", "'s")) else word
    if "-" in bare and any(part in MEDIA_WORDS for part in bare.split("-")):
        return True  # "Post-Gazette"
    return (
        bare in MEDIA_WORDS
        or _CALL_SIGN.fullmatch(bare) is not None
        or _SITE_NAME.fullmatch(bare) is not None  # "Polygraph.info", "Axios.com"
    )


_SITE_NAME = re.compile(r"[A-Z][A-Za-z0-9-]+\.(?:com|org|net|info|news|io|co\.uk|com\.au)")


def outlet_after(tokens: list[Token], i: int) -> str | None:
    """An outlet named from token ``i`` on: "..., in an interview with CBS News"."""
    return _outlet(tokens, i + 1)[0]


def audience(tokens: list[Token], verb: int) -> str | None:
    """The proper name right after "told", when it is not marked as an outlet: the store may
    know it as one ("told Variety") or not ("told Frank Russo")."""
    if tokens[verb].lower not in _TELL:
        return None
    name: list[Token] = []
    for follower in tokens[verb + 1 : verb + 6]:
        if follower.is_capitalized or (not name and follower.lower == "the"):
            name.append(follower)
            continue
        break
    if name and name[0].lower == "the":
        name = name[1:]
    return " ".join(t.text for t in name) if name else None


def _bound_contents(cues: list[Cue], tokens: list[Token], sentence: Span) -> None:
    """Where each cue's reported content lies: after it ("said that ...") up to the next cue,
    or before it ("..., he said")."""
    words = [t for t in tokens if t.is_word or t.is_mask]
    for n, cue in enumerate(cues):
        relative = bool(cue.subject) and cue.subject[0].lower == "who"
        start_at = (
            _evidence_clause(tokens, cue.span.end) if cue.kind in {"speech", "stance"} else None
        )
        if start_at is not None:
            cue.kind = "speech"  # "cited the poll as proof that ...": says the clause is so
        stop = _clause_end(
            tokens, start_at or cue.span.end, _next_bound(cues, n, sentence), relative=relative
        )
        if cue.kind == "stance":
            cue.forward = _stance_object(words, cue.span.end, stop)
            continue
        if cue.kind == "evidential":
            around = [t for t in words if t.end <= stop]
            if len(around) >= 4:
                cue.forward = Span(around[0].start, around[-1].end)
            continue
        after, fewest, follows_only = _reported_after(cue, words, start_at or cue.span.end, stop)
        if len(after) >= fewest and not _adverbial(after):
            _bound_forward(cue, after, tokens)
        before = _reported_before(cues, n, words, sentence)
        if len(before) >= 3 and not follows_only:
            cue.backward = Span(before[0].start, before[-1].end)
        if (
            cue.forward is None
            and cue.backward is None
            and before
            and after
            and _between_commas(tokens, cue.span)
        ):
            # "This campaign, he says, is different": the sentence around the cue.
            cue.forward = Span(before[0].start, after[-1].end)


def _next_bound(cues: list[Cue], n: int, sentence: Span) -> int:
    """Where cue ``n``'s content must end at the latest: at the next cue after it ("Rubio
    says he opposes ..." is inside its content), else the sentence's end."""
    cue = cues[n]
    later = [
        c.span.start
        for c in cues[n + 1 :]
        if c.span.start >= cue.span.end
        and not c.nominal
        # "suggested the reason residents are refusing to leave is fear": an attitude
        # inside what was said does not end it.
        and not (cue.kind == "speech" and c.kind in {"cognition", "stance", "evidential"})
    ]
    return later[0] if later else sentence.end


def _reported_after(
    cue: Cue, words: list[Token], start_at: int, stop: int
) -> tuple[list[Token], int, bool]:
    """The words after the cue that may be what it reports, the fewest that make a clause,
    and whether the clause can only follow the cue ("says that ...")."""
    after = [t for t in words if start_at <= t.start and t.end <= stop]
    lead = 0
    while lead < len(after) and time_word(after, lead):
        lead += 1  # "said Thursday the business would stay": when, then what
    after = after[lead:]
    if after and cue.verb_word in _TELL and not cue.outlet:
        # "told reporters that ...": the reported clause can only follow.
        that = next((k for k, t in enumerate(after[:8]) if t.lower == "that"), None)
        after = after[that + 1 :] if that is not None else after[_object_length(after) :]
        return after, 3, that is not None
    if after:
        that = next((k for k, t in enumerate(after[:6]) if t.lower == "that"), None)
        if that is not None and all(
            t.lower not in {"it", "this"} and t.lower not in PRONOUNS for t in after[:that]
        ):
            # "said that sales fell": a clause of two words, marked as one
            return after[that + 1 :], 2, that == 0
    return after, 3, False


def _bound_forward(cue: Cue, after: list[Token], tokens: list[Token]) -> None:
    """The content after the cue, and whether it reports a statement at all."""
    cue.forward = Span(after[0].start, after[-1].end)
    comma = _first_comma(tokens, after) if after[0].lower in _SUBORDINATORS else None
    cue.statement = not cue.nominal and (cue.kind != "speech" or _clause(after, comma))
    if not cue.statement and cue.verb_word in ADMISSION_VERBS and _gerund(after):
        cue.statement = True  # "denied taking the fee", "admitted to hiding the letters"
    if cue.verb_word.startswith("wonder") and after[0].lower != "aloud":
        # "left officials wondering whether ...": a doubt, not words; a direct quote
        # ("“Why now?” she wondered") is still one, and so is "wondered aloud".
        cue.statement = False
    if (
        after[0].lower == "to"
        and cue.verb.end == after[0].start - 1
        and not (cue.verb_word in ADMISSION_VERBS and _gerund(after))
    ):
        # "agreed to inject", "vowed to fight": an act, no words, even with a
        # quoted fragment in it.
        cue.statement, cue.act = False, True


def _reported_before(cues: list[Cue], n: int, words: list[Token], sentence: Span) -> list[Token]:
    """The words before cue ``n`` back to the last statement's cue: "Investors have welcomed
    the deal, Reuters reported" (a stance before the cue is part of what was reported, not a
    bound of it)."""
    earlier = [
        c for c in cues[:n] if c.kind in {"speech", "naming", "according"} and c.statement
    ]  # "if the mayor agrees to the terms, people close to the talks say"
    begin = earlier[-1].span.end if earlier else sentence.start
    before = [t for t in words if begin <= t.start and t.end <= cues[n].span.start]
    if before and before[0].lower == "that":
        before = before[1:]
    return before


def _evidence_clause(tokens: list[Token], end: int) -> int | None:
    """ "cited the backlash as proof that the campaign worked": where the clause the speaker
    offered as evidence begins, when the verb's object is only what it was evidence of."""
    following = [t for t in tokens if t.start >= end][:10]
    for k in range(1, len(following) - 2):
        if following[k].lower != "as" or not following[k - 1].is_word:
            continue
        rest = [t.lower for t in following[k + 1 : k + 4]]
        noun = 1 if rest[0] in {"a", "an"} else 0
        if len(rest) > noun + 1 and rest[noun] in _EVIDENCE and rest[noun + 1] == "that":
            return following[k + noun + 3].start if k + noun + 3 < len(following) else None
        return None
    return None


# What a speaker can offer a fact as: "as proof that", "as a sign that".
_EVIDENCE = frozenset({"proof", "evidence", "sign", "indication", "confirmation", "example"})
_CLAUSE_BREAKS = frozenset({";"})
_AFTER_COMMA_BREAKS = frozenset(
    {"while", "although", "though", "because", "whereas", "but", "adding", "saying", "noting"}
)


def _clause_end(tokens: list[Token], start: int, stop: int, *, relative: bool = False) -> int:
    """Reported content ends at a semicolon, at ", while ...", ", but ...", and in a relative
    clause ("officials, who said the plan would fail, declined") at its closing comma."""
    inside = [t for t in tokens if start <= t.start and t.end <= stop]
    for k, token in enumerate(inside):
        if k < 3:
            continue
        if relative and token.text == ",":
            return token.start
        if token.text in _CLAUSE_BREAKS:
            return token.start
        if token.text == "," and k + 1 < len(inside) and inside[k + 1].lower in _AFTER_COMMA_BREAKS:
            return token.start
        if (
            token.text == ","
            and k + 3 < len(inside)
            and inside[k + 1].lower in {"in", "during", "on"}
            and inside[k + 2].lower in {"a", "an", "the"}
            and inside[k + 3].lower in _INTERVIEW_WORDS
        ):
            return token.start  # "..., in an interview with CBS News on Wednesday"
    return stop


_PREPOSITIONS = frozenset("in on at during via through after before while outside inside".split())


_FINITE = frozenset(
    """is are was were be been has have had do does did will would shall should can could
    may might must 's ’s isn't wasn't aren't weren't won't wouldn't can't couldn't didn't
    doesn't don't hasn't haven't hadn't said told went came made took gave got found left kept
    ran won lost saw knew thought felt began became built held met paid put set sent spent
    stood understood wrote rose fell cut hit led meant brought bought caught taught fought sold
    grew drew threw flew broke chose spoke stole wore lay sat shot struck fled sought cost
    costs let shut spread bet quit hurt split burst cast forecast read rode drove wrote
    ate fed bled bred slid swung rang sang sank shrank woke bore tore swore""".split()
) | {a + c for a in "'\u2019" for c in ("s", "re", "ve", "m", "d", "ll")}  # "they’re ready"
_SUBORDINATORS = frozenset(
    "as while when because after before since if until unless although though whereas".split()
)


def _clause(words: list[Token], comma: int | None = None) -> bool:
    """Reported speech is a clause: a finite verb before any subordinate clause. "signaled two
    cuts", "shouted questions as he spoke", "dismissed the sanctions as pointless" report no
    statement. ``comma``: where the first comma of the words stands, if any."""
    if words and words[0].lower in _SUBORDINATORS:
        # "said that if the rain holds, the harvest will be late", "admitting that after
        # fighting her off, he drove away": the main clause follows the subordinate one.
        if comma is None:
            return False
        main = [t for t in words if t.start > comma]
        return bool(main) and _clause(main)
    for k, token in enumerate(words):
        word = token.lower
        if word in _SUBORDINATORS:
            return False
        if token.is_mask:
            return True  # a quotation stands for what was said
        finite = word in _FINITE or (len(word) > 4 and word.endswith("ed") and token.text.islower())
        if finite or _CONTRACTED.search(word) or (k and _present_verb(words[:k], token)):
            return True
        if k == 1 and _named_subject_verb(words):
            return True
    return False


# Words that follow a verb far more often than a plural noun: "Acme employs about 450".
_AFTER_VERB = frozenset(
    "a an the to about more no its his her their some all every this these its".split()
)


def _named_subject_verb(words: list[Token]) -> bool:
    """ "said Harbor Foods employs 450 people", "said Northwind needs a leaner firm": a name,
    then a present-tense verb and what a verb takes (after a noun, "Western sanctions as
    pointless" is a plural)."""
    name, verb = words[0], words[1]
    after = words[2] if len(words) > 2 else None
    return (
        name.is_capitalized
        and name.lower not in PRONOUNS
        and verb.text.islower()
        and verb.lower.endswith("s")
        and not verb.lower.endswith(("ss", "us", "is"))
        and after is not None
        and (after.lower in _AFTER_VERB or after.text[0].isdigit())
    )


def _gerund(words: list[Token]) -> bool:
    first = words[1] if words[0].lower == "to" and len(words) > 1 else words[0]
    return first.text.islower() and first.lower.endswith("ing") and len(first.lower) > 4


# "she's", "they're", "we've", "it'll": a subject with its verb.
_CONTRACTED = re.compile(r"[a-z][\u2019'](?:s|re|ve|ll|d|m)$")
_THIRD_PERSON = frozenset({"it", "he", "she", "this", "that", "which", "who", "everything"})


def _first_comma(tokens: list[Token], words: list[Token]) -> int | None:
    """Where the first comma among ``words`` (which leave punctuation out) stands."""
    for token in tokens:
        if token.start > words[-1].end:
            return None
        if token.text == "," and token.start > words[0].start:
            return token.start
    return None


def _present_verb(before: list[Token], token: Token) -> bool:
    """ "it depends", "she wants": a present-tense verb after a pronoun (after a noun, the
    word could as well be a plural: "dismissed the new sanctions as pointless")."""
    word = token.lower
    if not token.text.islower() or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return False
    return before[-1].lower in _THIRD_PERSON


_INTERVIEW_WORDS = frozenset(
    "interview statement briefing call post email news conference speech letter".split()
)


def _adverbial(words: list[Token]) -> bool:
    """ "said in a statement", "said on Tuesday at the White House": when and where, not what."""
    return words[0].lower in _PREPOSITIONS and len(words) <= 7 and not any(t.is_mask for t in words)


_OBJECT_ENDS = frozenset(
    """because after when while as but since though although which who whose where if
    saying adding""".split()
)


def _stance_object(words: list[Token], start: int, stop: int) -> Span | None:
    """What a stance verb is about: its object, up to a comma or a new clause."""
    taken: list[Token] = []
    for token in words:
        if token.start < start or token.end > stop:
            continue
        if token.lower in _OBJECT_ENDS and taken:
            break
        taken.append(token)
        if len(taken) == 15:
            break
    if taken and taken[0].lower == "that":
        taken = taken[1:]
    return Span(taken[0].start, taken[-1].end) if taken else None


def _between_commas(tokens: list[Token], span: Span) -> bool:
    before = [t for t in tokens if t.end <= span.start]
    after = [t for t in tokens if t.start >= span.end]
    return bool(before and after) and before[-1].text == "," and after[0].text == ","


def _object_length(after: list[Token]) -> int:
    """Words of the person or audience told: "told reporters the plan..." skips "reporters"."""
    k = 0
    while k < len(after) and after[k].lower in DETERMINERS:
        k += 1
    if k < len(after) and after[k].is_capitalized:
        while k < len(after) and after[k].is_capitalized:
            k += 1
        return k
    return min(k + 1, len(after))
