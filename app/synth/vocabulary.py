"""Real English words for synthetic quotes, taken from what the project already holds (the seed
article and the extractor's word lists), ranked so their use follows a Zipf-like law."""

import re

from app.config import PROJECT_ROOT
from app.extract import lexicon

_WORD = re.compile(r"[a-z]+(?:['\u2019][a-z]+)?")
# The most frequent words of English prose, so common-word searches behave as on real text.
_FUNCTION_WORDS = """the of and to a in that is was he for it with as his on be at by i this had
not are but from or have an they which one you were her all she there would their we him been
has when who will more no if out so said what up its about into than them can only other new
some could time these two may then do first any my now such like our over man me even most
made after also did many before must through back years where much your way well down should
because each just those people how too little state good very make world still own see men work
long get here between both life being under never day same another know while last might us
great old year off come since against go came right used take three""".split()


def vocabulary() -> list[str]:
    """Distinct lowercase words, most common first."""
    seed = (PROJECT_ROOT / "seed" / "upi-2024-05-31-kharkiv.txt").read_text(encoding="utf-8")
    found: dict[str, None] = dict.fromkeys(_FUNCTION_WORDS)
    for word in _WORD.findall(seed.lower()):
        found.setdefault(word, None)
    lists = (
        lexicon.SPEECH_VERBS, lexicon.COGNITION_VERBS, lexicon.STANCE_VERBS,
        lexicon.ANONYMOUS_HEADS, lexicon.ORGANIZATION_HEADS, lexicon.ROLE_NOUNS,
        lexicon.DESCRIPTIVE,
    )  # fmt: skip
    for words in lists:
        for word in sorted(words):
            if word.isalpha():
                found.setdefault(word, None)
    return list(found)
