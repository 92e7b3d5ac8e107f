"""The language an article is written in. The attribution rules read English news prose; text
in another language is stored with its language and attributed nothing, since rules made for
English find "speakers" in other languages' ordinary words.

Detection is py3langid's (a model it ships; nothing fetched at run time)."""

import logging

_log = logging.getLogger("saidwho.extract")

# Past this many characters the language is plain; reading more only costs time (the model's
# work grows with the sample: a fifth of an article's reading at 5,000 characters).
_SAMPLE = 2_000
# Below this many letters a guess is no better than chance: treated as not known.
_FEWEST_LETTERS = 40
ENGLISH = "en"


def language_of(text: str) -> str | None:
    """The ISO 639-1 code of the text's language, or None when it is too short to tell."""
    sample = text[:_SAMPLE]
    if not _has_letters(sample, _FEWEST_LETTERS):
        return None
    import py3langid  # its model loads on first use: only when an article comes in

    try:
        code, _ = py3langid.classify(sample)
    except OSError as error:
        # Loading the model unpacks it to a temporary file: on a full disk that fails, and the
        # article is read as English, its language unknown, rather than refused for it.
        _log.warning("language not detected: %s", error)
        return None
    return str(code)


def _has_letters(text: str, most: int) -> bool:
    """Whether ``text`` has ``most`` letters: counted only until there are that many."""
    seen = 0
    for character in text:
        if character.isalpha():
            seen += 1
            if seen >= most:
                return True
    return False


def attributable(language: str | None) -> bool:
    """Whether the rules read text in this language (unknown counts as English)."""
    return language is None or language == ENGLISH
