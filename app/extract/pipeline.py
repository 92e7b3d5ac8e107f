"""The extractor: article text in, attributed quotations out.

It reads the article once, paragraph by paragraph and sentence by sentence, keeping a cast of
the speakers met so far so that "he", "the official" and "Blinken" resolve to earlier mentions,
and the last direct quote so that a paragraph of quoted words with no cue continues it.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from app.extract.cues import Cue, find_cues, outlet_after, speaker_like, time_word
from app.extract.dates import said_on
from app.extract.lexicon import PRONOUNS, SPEECH_VERBS, TITLE_WORDS, VERBAL_STANCE_VERBS
from app.extract.model import Attribution, Quotation, SaidOn, Span, Speaker
from app.extract.people import Named, given_name, people_named, settle_names
from app.extract.speakers import Cast, business_reference, describe, is_pronoun
from app.extract.text import Paragraph, Quoted, paragraphs, sentences
from app.extract.tokens import Token, masked, tokenize

# A dateline opening a story: "OSLO, Norway — ", "LONDON, June 12 (Reuters) - ",
# "WASHINGTON (AP) — ": a place in capitals, then a region, a date or an agency, then a dash.
_DATELINE = re.compile(
    r"[A-Z][A-Z.'\-]{2,}(?: [A-Z][A-Z.'\-]+){0,3}"
    r"(?:, [A-Z][\w.]*(?: [A-Z][\w.]*){0,2})?(?:,? [A-Z][a-z]{2,8}\.? \d{1,2})?"
    r"(?: ?\([^()\n]{1,40}\))? ?(?:\u2014|\u2013|--?) ?"
)
# A paragraph that opens with a short capitalised label and a colon.
_LABEL = re.compile(r"^[ \t]*[A-Z][\w.'\u2019 -]{0,40}:[ \t]", re.MULTILINE)
_DIRECT_END = re.compile(r"[.?!,\u2014\u2013\u2026:;-]$")
_LEAD_INS = frozenset(
    {"but", "and", "however", "still", "yet", "meanwhile", "so", "also", "then", "now"}
)


@dataclass
class _Sentence:
    span: Span
    quotes: list[Quoted]
    tokens: list[Token]
    cues: list[Cue]
    speakers: dict[int, Speaker | None] = field(default_factory=dict)


def extract(text: str, published_on: dt.date | None = None) -> list[Attribution]:
    """Every attribution in ``text``, in reading order. ``published_on`` anchors relative dates
    ("on Wednesday"); without it quotes carry no date."""
    return _Reader(text, published_on).read()


class _Reader:
    def __init__(self, text: str, published_on: dt.date | None) -> None:
        self.text = text
        self.published_on = published_on
        self.cast = Cast()
        self.found: list[Attribution] = []
        self.last_direct: Attribution | None = None
        self.last_direct_paragraph = -10
        self.pending: list[Quoted] = []
        self.intro: tuple[int, _Sentence, int] | None = None
        self.next_opens = False
        self.paragraph = 0
        # The paragraph each attribution stands in, by id(): dates carry over only nearby.
        self.paragraph_of: dict[int, int] = {}
        # Every person the article names, speaking or not; and how many paragraphs open with
        # a label and a colon ("Q:", "SMITH:"), the layout of an interview or a transcript.
        self._roster: dict[str, list[Named]] = {}
        self.labelled = len(_LABEL.findall(text))

    def read(self) -> list[Attribution]:
        found = paragraphs(self.text)
        for number, paragraph in enumerate(found):
            following = found[number + 1] if number + 1 < len(found) else None
            self.next_opens = bool(following and following.quotes) and (
                following is not None and following.quotes[0].opens_paragraph
            )
            self.paragraph = number
            if _heading(self.text, paragraph):
                self.pending, self.intro = [], None
                continue
            for span in sentences(self.text, paragraph):
                self._sentence(number, paragraph, span)
            if not paragraph.quotes or paragraph.quotes[-1].closed:
                self.pending = []
        self._refer_to_main_business()
        settle_names(self.found, self.roster, self.text)
        return self.found

    def _refer_to_main_business(self) -> None:
        """ "The company, which ..., confirmed": said of a business the article named only in
        passing before, so nothing resolved it; it is the business the article is about."""
        unresolved = [
            a
            for a in self.found
            if a.speaker is None
            and a.speaker_span is not None
            and business_reference(a.speaker_span.of(self.text))
        ]
        business = (
            self.cast.main_business(self.text, lambda name: bool(self.roster(name.split()[-1])))
            if unresolved
            else None
        )
        for attribution in unresolved if business is not None else []:
            attribution.speaker = business
            attribution.basis = f"{attribution.kind}, business the article is about"

    def _sentence(self, number: int, paragraph: Paragraph, span: Span) -> None:
        dateline = _DATELINE.match(self.text, span.start, span.end)
        if dateline is not None:
            span = Span(dateline.end(), span.end)  # "BUFFALO, N.Y. — ": where, not who
        quotes = [q for q in paragraph.quotes if span.start <= q.outer.start < span.end]
        tokens = tokenize(masked(self.text, span, [q.outer for q in quotes]), span.start)
        sentence = _Sentence(span, quotes, tokens, find_cues(tokens, span))
        subject = _sentence_subject(tokens)
        if subject and not is_pronoun(subject):
            self.cast.resolve(subject, self.text)
        for n, cue in enumerate(sentence.cues):
            sentence.speakers[n] = self._speaker(cue, sentence, n, subject)
        _opening_participle(sentence, subject)
        subject_cue = self._subject_cue(sentence, subject)
        claimed = self._quotes(number, paragraph, sentence, subject_cue)
        self._indirect(sentence, claimed)
        self._note_intro(number, sentence, claimed)

    def _subject_cue(self, sentence: _Sentence, subject: list[Token] | None) -> int | None:
        """For "Clinton has since apologized: “...”", a cue made of the sentence's subject and
        the colon, used only by quotations that follow a colon and have no cue of their own."""
        colon = next((t for t in sentence.tokens if t.text == ":"), None)
        if colon is None or not subject:
            return None
        transcript = len(subject) == 1 and _transcript_name(subject[0])
        if not transcript and not speaker_like(subject):
            return None
        speaker = self.cast.resolve(subject, self.text) if not transcript else None
        if speaker is None and not transcript:
            return None
        labels = (
            sentence.tokens[0].start == subject[0].start
            and colon.start == subject[-1].end
            and self._speaker_label(subject)
        )
        after = [t for t in sentence.tokens if t.start >= colon.end and (t.is_word or t.is_mask)]
        sentence.cues.append(
            Cue(
                verb=Span(colon.start, colon.end),
                verb_word=":",
                kind="colon",
                subject=subject,
                subject_after=False,
                outlet=None,
                span=Span(subject[0].start, colon.end),
                # "Paul Ryan: FBI decision defies explanation", "BOULDUAN: Why not debate?"
                forward=Span(after[0].start, after[-1].end) if labels and len(after) >= 2 else None,
                backward=None,
            )
        )
        n = len(sentence.cues) - 1
        sentence.speakers[n] = speaker
        return n

    def roster(self, surname: str) -> list[Named]:
        """The people the article names, speaking or not, whose name ends in ``surname``."""
        if surname not in self._roster:
            self._roster[surname] = people_named(self.text, surname)
        return self._roster[surname]

    def _speaker_label(self, label: list[Token]) -> bool:
        """ "Name: words" is a line of an interview or a transcript only in that layout (two
        paragraphs or more open with a label), and only when the label is a transcript's
        ("Q", "BOULDUAN") or a person the article names; otherwise it is a heading, a link
        label or a shop's banner ("Related:", "Note:", "New Price Drop:")."""
        if self.labelled < 2:
            return False
        if len(label) == 1 and _transcript_name(label[0]):
            return True
        words = [t.text for t in label]
        if not all(w[:1].isupper() for w in words) or words[0] in TITLE_WORDS:
            return False  # "King of Monitors:", "Editor's Note:"
        return given_name(words[0]) is not None or any(
            named.name.split()[-len(words) :] == words for named in self.roster(words[-1])
        )

    def _note_intro(self, number: int, sentence: _Sentence, claimed: set[int]) -> None:
        """ "Cruz continued:" introduces the quotation after it; so does a cue that reports
        nothing itself ("Sam Lau said in a statement.")."""
        colon = self.text[: sentence.span.end].rstrip().endswith(":")
        for n in range(len(sentence.cues) - 1, -1, -1):
            cue = sentence.cues[n]
            if n in claimed or not _attributable(sentence, n):
                continue
            if colon or (cue.forward is None and cue.backward is None and cue.kind == "speech"):
                self.intro = (number, sentence, n)
                return
        if sentence.quotes or sentence.cues:
            self.intro = None

    def _speaker(
        self, cue: Cue, sentence: _Sentence, n: int, subject: list[Token] | None
    ) -> Speaker | None:
        if cue.subject and cue.subject[0].lower == "who":
            return self.cast.resolve(cue.antecedent, self.text) if cue.antecedent else None
        if cue.subject:
            leader = _leader(cue.subject, sentence.tokens)
            if leader is not None:
                cue.subject = leader
            elif _coordinated(cue.subject, sentence.tokens):
                return None  # "CBS News, The Post and NBC News reported": no one speaker
            return self.cast.resolve(cue.subject, self.text)
        for k in range(n - 1, -1, -1):
            if sentence.speakers.get(k) is not None:
                cue.subject = sentence.cues[k].subject
                return sentence.speakers[k]
        if subject and speaker_like(subject):
            cue.subject = subject
            return self.cast.resolve(subject, self.text)
        return None

    # Quotations ---------------------------------------------------------------------------

    def _after_colon(self, quoted: Quoted, sentence: _Sentence) -> bool:
        return self.text[sentence.span.start : quoted.outer.start].rstrip().endswith(":")

    def _quotes(
        self,
        number: int,
        paragraph: Paragraph,
        sentence: _Sentence,
        subject_cue: int | None = None,
    ) -> set[int]:
        """Attribute the sentence's quotations; answers the cues they used."""
        claimed: set[int] = set()
        direct_groups: dict[int, list[Quoted]] = {}
        partial_groups: dict[int, list[Quoted]] = {}
        orphans: list[Quoted] = []
        for quoted in sentence.quotes:
            direct = self._is_direct(quoted, sentence)
            cue_at = self._cue_for(quoted, sentence, direct)
            if cue_at is None:
                if direct:
                    orphans.append(quoted)
                continue
            claimed.add(cue_at)
            (direct_groups if direct else partial_groups).setdefault(cue_at, []).append(quoted)
        for cue_at, group in direct_groups.items():
            self._direct(number, sentence, cue_at, group)
        for cue_at, group in partial_groups.items():
            self._partial(sentence, cue_at, group)
        for quoted in list(orphans):
            if self._after_colon(quoted, sentence) and subject_cue is not None:
                orphans.remove(quoted)
                self._direct(number, sentence, subject_cue, [quoted])
        for quoted in orphans:
            if (
                self.intro is not None
                and number - self.intro[0] <= 1
                and (quoted.opens_paragraph or number == self.intro[0])
                and self.intro[1] is not sentence
            ):
                _, intro_sentence, cue_at = self.intro
                self.intro = None
                self._direct(number, intro_sentence, cue_at, [quoted])
            elif quoted is paragraph.quotes[-1] and not quoted.closed and self.next_opens:
                # Runs on into the next paragraph, whose cue will name the speaker.
                self.pending = [*self.pending, quoted] if quoted.opens_paragraph else [quoted]
            else:
                self._continuation(number, quoted)
        return claimed

    def _is_direct(self, quoted: Quoted, sentence: _Sentence) -> bool:
        """A quotation stands alone as what was said when it opens the sentence, follows a
        colon, or is the whole object of a reporting verb ("he said, “..."); otherwise it is a
        fragment inside reported speech."""
        inner = quoted.inner.of(self.text)
        before = [t for t in sentence.tokens if t.end <= quoted.outer.start]
        at_start = not [t for t in before if t.is_word and t.lower not in _LEAD_INS]
        after_colon = bool(before) and before[-1].text == ":"
        after_cue = any(
            cue.kind == "speech"
            and cue.span.end <= quoted.outer.start
            and _only_slight([t for t in before if t.start >= cue.span.end], cue)
            for cue in sentence.cues
        )
        if not after_cue and before and before[-1].text == ",":
            # "“Every time you say that,” Tester said, referring to ..., “you give ...”"
            after_cue = any(
                other.outer.end <= cue.span.start
                and cue.kind == "speech"
                and cue.span.end <= quoted.outer.start
                and self._is_direct(other, sentence)
                for other in sentence.quotes
                if other.outer.end <= quoted.outer.start
                for cue in sentence.cues
            )
        ends = (
            not quoted.closed
            or bool(_DIRECT_END.search(inner.rstrip("\u2019'\u201d)] ")))
            or self._ends_sentence(quoted, sentence)
            or any(
                cue.span.start >= quoted.outer.end
                and not [
                    t
                    for t in sentence.tokens
                    if quoted.outer.end <= t.start < cue.span.start and t.is_word
                ]
                for cue in sentence.cues
            )
        )
        if after_colon or after_cue:
            return ends
        if not at_start:
            return False
        first = inner.lstrip("\u2026. ")[:1]
        return (first.isupper() or first.isdigit() or first in "[(\u2018'") and ends

    def _ends_sentence(self, quoted: Quoted, sentence: _Sentence) -> bool:
        rest = self.text[quoted.outer.end : sentence.span.end].strip()
        return not rest or rest[0] in ".?!"

    def _cue_for(self, quoted: Quoted, sentence: _Sentence, direct: bool) -> int | None:
        """The cue that attributes this quotation: for a direct quote the nearest with a
        speaker; for a fragment, the cue whose clause holds it."""
        best: tuple[int, int] | None = None
        for n, cue in enumerate(sentence.cues):
            if not _attributable(sentence, n) or cue.kind == "colon":
                continue
            if cue.kind == "evidential" or cue.nominal:
                continue
            if not direct and cue.kind in {"cognition", "stance"} and not self._inside(cue, quoted):
                continue
            if cue.span.end <= quoted.outer.start:
                distance = quoted.outer.start - cue.span.end
                if not direct:
                    distance //= 4  # fragments usually follow the verb that reports them
            else:
                distance = cue.span.start - quoted.outer.end
            if best is None or distance < best[0]:
                best = (distance, n)
        return best[1] if best else None

    @staticmethod
    def _inside(cue: Cue, quoted: Quoted) -> bool:
        return any(
            part is not None and part.start <= quoted.outer.start and quoted.outer.end <= part.end
            for part in (cue.forward, cue.backward)
        )

    def _direct(self, number: int, sentence: _Sentence, cue_at: int, group: list[Quoted]) -> None:
        quoted_parts = [*self.pending, *group] if group[0].opens_paragraph else list(group)
        self.pending = []
        attribution = self._attribution("direct", sentence, cue_at, quoted_parts)
        if attribution is not None:
            self.last_direct, self.last_direct_paragraph = attribution, number

    def _partial(self, sentence: _Sentence, cue_at: int, group: list[Quoted]) -> None:
        cue = sentence.cues[cue_at]
        first = self._first_clause(sentence, cue, group[0])
        if first is not None:
            # "Cook said Apple employs 450 people, and he sees “their love of it”": two
            # statements, the first in the writer's words.
            words = first.of(self.text)
            quotation = Quotation(words, "indirect", first)
            self._add("indirect", sentence, cue, sentence.speakers[cue_at], [quotation], [first])
        attribution = self._attribution("partial", sentence, cue_at, group)
        if attribution is not None:
            attribution.content = [self._clause(cue, group)]

    def _first_clause(self, sentence: _Sentence, cue: Cue, quoted: Quoted) -> Span | None:
        """The reported clause before ", and he ..." when a quoted fragment comes only after."""
        forward = cue.forward
        if forward is None or not forward.start < quoted.outer.start <= forward.end:
            return None
        words = [t for t in sentence.tokens if forward.start <= t.start < quoted.outer.start]
        for k in range(3, len(words) - 2):
            if (
                words[k].text == ","
                and words[k + 1].lower in {"and", "but"}
                and words[k + 2].lower in PRONOUNS
                and not any(t.is_mask for t in words[:k])
            ):
                if not cue.statement:
                    return None
                return Span(words[0].start, words[k - 1].end)
        return None

    def _clause(self, cue: Cue, group: list[Quoted]) -> Span:
        first, last = group[0].outer, group[-1].outer
        for part in (cue.forward, cue.backward):
            if part is not None and part.start <= first.start and last.end <= part.end:
                return part
        if cue.span.end <= first.start:
            return Span(cue.span.end, last.end)
        return Span(first.start, last.end)

    def _continuation(self, number: int, quoted: Quoted) -> None:
        parts, self.pending = [*self.pending, quoted], []
        if self._after_reported_words(number, parts):
            return
        previous = self.last_direct
        if previous is None or number - self.last_direct_paragraph > 1:
            return
        for part in parts:
            quotation = self._quotation("direct", part, previous.quotations[-1])
            if quotation is None:
                continue
            quotation.speaker_named = False
            previous.quotations.append(quotation)
            previous.content.append(quotation.span)
        self.last_direct_paragraph = number

    def _after_reported_words(self, number: int, parts: list[Quoted]) -> bool:
        """ "DuVernay said the amendment was worth examining, she said. “We have no context
        ...”": a quotation standing alone right after someone's reported words in the same
        paragraph carries on in their voice, as it would after their direct quote."""
        latest = self.found[-1] if self.found else None
        if (
            latest is None
            or latest is self.last_direct
            or latest.kind == "direct"
            or not latest.speech
            or latest.speaker is None
            or self.paragraph_of.get(id(latest)) != number
        ):
            return False
        quotations: list[Quotation] = []
        for part in parts:
            quotation = self._quotation("direct", part, quotations[-1] if quotations else None)
            if quotation is not None:
                quotation.speaker_named = False
                quotations.append(quotation)
        if not quotations:
            return False
        # One act of speech, as corpora count it: the reported words and the quotation after.
        latest.quotations.extend(quotations)
        latest.content.extend(q.span for q in quotations)
        self.last_direct, self.last_direct_paragraph = latest, number
        return True

    def _attribution(
        self, kind: str, sentence: _Sentence, cue_at: int, parts: list[Quoted]
    ) -> Attribution | None:
        cue = sentence.cues[cue_at]
        speaker = sentence.speakers[cue_at]
        quotations: list[Quotation] = []
        for quoted in parts:
            continues = quotations[-1] if kind == "direct" and quotations else None
            quotation = self._quotation(kind, quoted, continues)
            if quotation is not None:
                quotations.append(quotation)
        if not quotations:
            return None  # only marks and punctuation between the quote marks
        return self._add(kind, sentence, cue, speaker, quotations, [q.span for q in quotations])

    def _quotation(
        self, kind: str, quoted: Quoted, continues: Quotation | None
    ) -> Quotation | None:
        span = quoted.inner
        strip = ",;:" if kind == "direct" else ",;:.!?"
        if kind == "partial" and self.text[span.end - 1 : span.end] in {"?", "!"}:
            strip = ",;:."
        end = span.end
        while end > span.start and (self.text[end - 1] in strip or self.text[end - 1].isspace()):
            end -= 1
        span = Span(span.start, end)
        if not any(c.isalnum() for c in span.of(self.text)):
            return None
        return Quotation(span.of(self.text), kind, span, continues)  # type: ignore[arg-type]

    def _add(
        self,
        kind: str,
        sentence: _Sentence,
        cue: Cue,
        speaker: Speaker | None,
        quotations: list[Quotation],
        content: list[Span],
    ) -> Attribution:
        subject = cue.subject
        speaker_span = Span(subject[0].start, subject[-1].end) if subject else None
        when = said_on(_date_words(sentence, cue, content), self.published_on)
        outlet = cue.outlet or _trailing_outlet(sentence, content)
        if when is None and speaker is not None:
            when = self._same_occasion(speaker)
        attribution = Attribution(
            kind=kind,  # type: ignore[arg-type]
            quotations=quotations,
            content=content,
            speaker=speaker,
            speaker_span=speaker_span,
            cue=cue.span.of(self.text),
            cue_span=cue.span,
            outlet=outlet,
            audience=cue.audience,
            said_on=when,
            speech=(
                cue.kind not in {"cognition", "stance", "evidential"}
                or (kind == "partial" and cue.verb_word in VERBAL_STANCE_VERBS)
            )
            and not cue.nominal
            and not cue.act
            and (kind != "indirect" or cue.statement),
            basis=f"{kind}, {_how_named(cue, speaker)}",
        )
        if speaker is not None:
            self.cast.touch(speaker)
        self.found.append(attribution)
        self.paragraph_of[id(attribution)] = self.paragraph
        return attribution

    def _reported_again(self, sentence: _Sentence, n: int, span: Span) -> bool:
        """ "X said the bill was dead, she told lawmakers on Tuesday": one statement with two
        cues is stored once, with what the second cue adds (a date, an outlet)."""
        speaker = sentence.speakers[n]
        for earlier in reversed(self.found):
            if not earlier.content or earlier.content[0].end <= sentence.span.start:
                return False
            same = earlier.content[0]
            overlap = min(same.end, span.end) - max(same.start, span.start)
            if earlier.speaker is speaker and overlap * 2 > span.end - span.start:
                cue = sentence.cues[n]
                dated = said_on(_date_words(sentence, cue, [span]), self.published_on)
                earlier.said_on = earlier.said_on or dated
                earlier.outlet = earlier.outlet or cue.outlet
                return True
        return False

    def _same_occasion(self, speaker: Speaker) -> SaidOn | None:
        """The date of the speaker's last dated words, when they stand in this paragraph or
        the two before with no one else dated in between: the same briefing, the same
        interview. Further away, the text no longer says when."""
        for earlier in reversed(self.found):
            if self.paragraph - self.paragraph_of.get(id(earlier), -10) > 2:
                return None
            if earlier.said_on is None:
                continue
            return earlier.said_on if earlier.speaker is speaker else None
        return None

    # Indirect speech ----------------------------------------------------------------------

    def _indirect(self, sentence: _Sentence, claimed: set[int]) -> None:
        for n, cue in enumerate(sentence.cues):
            if not _attributable(sentence, n):
                continue
            if cue.kind == "colon" and cue.forward is None:
                continue
            content = _content(cue, sentence.tokens, self.text)
            if n in claimed and not self._clause_beside(content, cue, sentence):
                continue
            if content is None or _mostly_quoted(content, sentence):
                continue
            clause = content.of(self.text).rstrip(" .,;:")
            span = Span(content.start, content.start + len(clause))
            if self._reported_again(sentence, n, span):
                continue
            quotation = Quotation(clause, "indirect", span)
            self._add("indirect", sentence, cue, sentence.speakers[n], [quotation], [span])

    @staticmethod
    def _clause_beside(content: Span | None, cue: Cue, sentence: _Sentence) -> bool:
        """ "The deal is dead, Smith said, calling it a “disaster.”": a cue whose quotation
        follows it also reports the unquoted clause before it."""
        return (
            content is not None
            and content is cue.backward
            and content.end <= cue.span.start
            and [t.text for t in sentence.tokens if t.end <= cue.span.start][-1:] == [","]
            and not any(
                content.start < q.outer.end and q.outer.start < content.end for q in sentence.quotes
            )
        )


_SLIGHT = frozenset(
    """him her them me us reporters later again also then simply only just further back""".split()
)


def _only_slight(gap: list[Token], cue: Cue) -> bool:
    """Nothing but slight words between a cue and its quotation; after "told", also the
    audience: "told his supporters, “..."."""
    words = [t for t in gap if t.is_word]
    if cue.verb_word in {"told", "tells", "telling", "tell", "asked", "asking", "asks"}:
        if len(words) <= 4 and (not gap or gap[-1].text in {",", ":"}):
            return True
    return all(_slight(t) for t in words)


def _slight(token: Token) -> bool:
    """Words that may stand between a cue and its quotation: "asking her, “..."."""
    return token.lower in _SLIGHT or (token.lower.endswith("ly") and token.text.islower())


# How a paragraph of running text ends; a heading, a link's label or a list of links does not.
_TERMINAL = frozenset(".?!:;)]\u2026\"'\u201d\u2019")


def _heading(text: str, paragraph: Paragraph) -> bool:
    """A line with no sentence end that holds no quotation: a heading, a link label kept in
    the main text ("- Okafor tells harbour story ..."), a product's name. Its words are no
    one's statement."""
    if paragraph.quotes:
        return False
    end = paragraph.span.end
    while end > paragraph.span.start and text[end - 1].isspace():
        end -= 1
    return end > paragraph.span.start and text[end - 1] not in _TERMINAL


def _opening_participle(sentence: _Sentence, subject: list[Token] | None) -> None:
    """ "Noting that the ice was thin, Okafor asked, ...": a participle opening the sentence
    has the main clause's speaker, and its words end where the main clause begins."""
    if not sentence.cues or not sentence.tokens:
        return
    first = sentence.cues[0]
    opens = first.verb.start == sentence.tokens[0].start
    if not opens or not first.verb_word.endswith("ing") or first.span.start < first.verb.start:
        return
    if len(sentence.cues) > 1:
        main = sentence.cues[1]
        sentence.speakers[0] = sentence.speakers.get(1)
        first.subject, begins = main.subject, main.span.start
    elif subject:
        begins = subject[0].start
    else:
        return
    commas = [t for t in sentence.tokens if t.text == "," and t.end <= begins]
    if first.forward is not None and commas:
        words = [t for t in sentence.tokens if first.forward.start <= t.start < commas[-1].start]
        if words:
            first.forward = Span(first.forward.start, words[-1].end)


def _coordinated(subject: list[Token], tokens: list[Token]) -> bool:
    """ "CBS News, The Post and NBC News reported": several sources, none of them the one
    speaker; but "lead author and NOAA scientist Ana Ruiz said" is one person with two
    roles, and "..., and she said" a new clause."""
    if is_pronoun(subject):
        return False
    at = next((k for k, t in enumerate(tokens) if t.start == subject[0].start), 0)
    return at > 1 and tokens[at - 1].lower in {"and", "or", "nor"} and tokens[at - 2].is_capitalized


_ENTOURAGE = frozenset("team colleagues co-authors coauthors researchers staff aides".split())


def _leader(subject: list[Token], tokens: list[Token]) -> list[Token] | None:
    """ "Ana Ruiz and her team wrote": Ana Ruiz speaks for them."""
    if len(subject) != 2 or subject[0].lower not in {"his", "her"}:
        return None
    if subject[1].lower not in _ENTOURAGE:
        return None
    at = next((k for k, t in enumerate(tokens) if t.start == subject[0].start), 0)
    if at < 2 or tokens[at - 1].lower != "and":
        return None
    name: list[Token] = []
    for token in reversed(tokens[: at - 1]):
        if not token.is_capitalized:
            break
        name.insert(0, token)
    return name or None


def _transcript_name(token: Token) -> bool:
    """ "BOULDUAN", "Q", "A": who speaks in a transcript line."""
    return token.text in {"Q", "A"} or (len(token.text) >= 4 and token.text.isupper())


def _content(cue: Cue, tokens: list[Token], text: str) -> Span | None:
    """The reported clause: after the cue ("X said that ..."), or before it when the source
    follows its verb ("..., said X, a pollster") or ends the sentence ("..., according to X"),
    or when the cue stands between commas and what follows only adds when or why ("..., X
    said, ever since he ...")."""
    if cue.subject_after and cue.backward is not None:
        # "..., said X, a pollster": what comes after the source describes it; the statement
        # is what came before.
        cue.statement = not cue.nominal
        return cue.backward
    if cue.forward is not None and cue.backward is not None and cue.span.start < cue.verb.start:
        before = text[: cue.span.start].rstrip().endswith(",")
        first = next((t for t in tokens if t.start >= cue.forward.start), None)
        # "..., VW says that while ...": "that" opens the reported clause, whatever follows.
        that = any(t.lower == "that" for t in tokens if cue.span.end <= t.start < cue.forward.start)
        if before and first is not None and first.lower in _ASIDE_OPENERS and not that:
            # What follows was read as the content and found no statement; what comes
            # before the cue is one.
            cue.statement = not cue.nominal
            return cue.backward
    return cue.forward or cue.backward


_ASIDE_OPENERS = frozenset(
    "ever even as while when because since after before although though adding".split()
    # "The crews fixed the pipe, Ruiz said, and cleaned the yard": the clause before the cue
    # is the statement; what follows only carries it on.
    + ["and", "but"]
)


def _attributable(sentence: _Sentence, n: int) -> bool:
    """A cue attributes words when it names a speaker, even one the article does not let us
    resolve ("I", "according to the results"); such quotes are reported but never stored."""
    cue = sentence.cues[n]
    return sentence.speakers.get(n) is not None or bool(cue.subject) or cue.kind == "evidential"


def _date_words(sentence: _Sentence, cue: Cue, content: list[Span]) -> str:
    """The words that can say when a cue's words were said: those of the cue's own clause,
    never those of what was said ("mediators will return on Thursday") or of an aside about
    the speaker ("whose grandfather founded it in 1925"). "said on Tuesday", "Trump on Tuesday
    said", "..., she told lawmakers Monday"."""
    tokens = sentence.tokens
    first = min((s.start for s in content), default=cue.span.end)
    last = max((s.end for s in content), default=cue.span.start)
    if first >= cue.verb.end:
        # "X said on Tuesday that ...": from the verb to what was said, and time words just
        # before the verb; a participle ("..., saying") shares the clause it hangs on.
        start = cue.verb.start
        if cue.verb_word.endswith("ing"):
            start = sentence.span.start
        words = [t for t in tokens if start <= t.start and t.end <= first and not t.is_mask]
        before = [t for t in tokens if t.end <= cue.verb.start][-3:]
        times = [t for k, t in enumerate(before) if time_word(before, k)]
        words = times + words + _trailing_adverbial(tokens, last)
    else:
        # "..., X said on Tuesday, as ...": from the end of what was said to the clause's end.
        words = []
        for token in tokens:
            if token.start < last or token.is_mask:
                continue
            if token.text == ";" or (words and words[-1].text == "," and token.lower in _AFTER):
                break
            words.append(token)
    return " ".join(t.text for t in words)


def _how_named(cue: Cue, speaker: Speaker | None) -> str:
    """How the text named the speaker for this cue, the part of a quote's ``basis`` that
    matters most for how far it can be trusted."""
    subject = cue.subject
    if cue.kind == "colon":
        return "colon after the speaker"
    if cue.kind == "according":
        return "according to"
    if not subject:
        return "subject of the sentence"
    first = subject[0].lower
    if first == "who":
        return "relative clause"
    if len(subject) == 1 and first in PRONOUNS:
        return "pronoun"
    if speaker is None:
        return "unresolved"
    if speaker.role_reference:
        return "role noun"
    if speaker.kind == "person":
        if subject[0].lower == "the":
            return "role noun"
        named = [t for t in subject if t.is_capitalized]
        return "surname" if len(named) == 1 else "named person"
    return "unnamed source" if speaker.kind == "anonymous" else "organization"


def _trailing_adverbial(tokens: list[Token], end: int) -> list[Token]:
    """ ", in an interview with CBS News on Wednesday" after what was said."""
    after = [t for t in tokens if t.start >= end]
    if len(after) < 3 or after[0].text != "," or after[1].lower not in {"in", "during", "on"}:
        return []
    return [t for t in after[1:] if not t.is_mask]


def _trailing_outlet(sentence: _Sentence, content: list[Span]) -> str | None:
    end = max((s.end for s in content), default=None)
    if end is None:
        return None
    words = _trailing_adverbial(sentence.tokens, end)
    if not words:
        return None
    at = sentence.tokens.index(words[0])
    return outlet_after(sentence.tokens, at - 1)


_AFTER = frozenset("as while when because after before since although though but and".split())


def _mostly_quoted(content: Span, sentence: _Sentence) -> bool:
    quoted = sum(
        min(q.outer.end, content.end) - max(q.outer.start, content.start)
        for q in sentence.quotes
        if q.outer.end > content.start and q.outer.start < content.end
    )
    return quoted * 2 > content.end - content.start


_LEAD_IN_OPENERS = frozenset(
    """when while after before in on at as during since earlier later last following speaking
    asked if although though despite because with without from for amid""".split()
)


def _sentence_subject(tokens: list[Token]) -> list[Token] | None:
    """The noun phrase a sentence opens with, after any lead-in: "Earlier this month, British
    Foreign Secretary Lord Cameron said" -> "British Foreign Secretary Lord Cameron"."""
    words = list(tokens)
    texts = [t.text for t in words]
    # "Noting that the ice was thin, Okafor ...": a participle's clause, however long.
    participle = bool(words) and words[0].lower.endswith("ing") and words[0].lower in SPEECH_VERBS
    if "," in texts[: 40 if participle else 16]:
        head = words[: texts.index(",")]
        lead_in = bool(head) and (head[0].lower in _LEAD_IN_OPENERS or participle)
        if head and (lead_in or (not any(t.is_capitalized for t in head[1:]) and len(head) < 6)):
            words = words[len(head) + 1 :]
    while words and (words[0].lower in _LEAD_INS or not words[0].is_word):
        words = words[1:]
    phrase: list[Token] = []
    for token in words[:10]:
        if not token.is_word:
            break
        if phrase and token.lower == "of" and phrase[-1].text[0].isupper():
            phrase.append(token)
            continue
        if phrase and token.lower == "in" and phrase[-1].text[0].isupper():
            described = describe(phrase)
            if described is not None and described.kind == "organization":
                phrase.append(token)  # "The US Embassy in Lima"
                continue
        if (
            token.is_capitalized
            or token.lower in {"the", "a", "an"}
            or (phrase and token.text[0].isupper())
        ):
            phrase.append(token)
            continue
        if phrase and describe(phrase + [token]) is not None and token.text.islower():
            phrase.append(token)
            continue
        break
    if len(phrase) == 1 and phrase[0].lower in {"he", "she", "they"}:
        return phrase
    if not phrase or describe(phrase) is None:
        return None
    return phrase
