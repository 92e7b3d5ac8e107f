"""The language of a text: told from its opening, unknown when it has too few letters."""

from app.extract.language import attributable, language_of

_ENGLISH = (
    "The mayor said on Tuesday that the city would open two new libraries next spring, and "
    "that the council had agreed to pay for longer opening hours in the older ones. "
)
_GERMAN = (
    "Der Bürgermeister sagte am Dienstag, die Stadt werde im nächsten Frühjahr zwei neue "
    "Bibliotheken eröffnen und die Öffnungszeiten der älteren verlängern. "
)


def test_a_text_with_too_few_letters_has_no_language() -> None:
    assert language_of("12:30 — 4-2 (3, 7) ... 2024") is None
    assert language_of("Yes. No. 1, 2, 3.") is None


def test_a_text_is_known_by_its_opening_whatever_follows() -> None:
    assert language_of(_ENGLISH * 3) == "en"
    assert language_of(_GERMAN * 3) == "de"
    # Told from the opening: a long article with a passage in another language at its end.
    assert language_of(_ENGLISH * 30 + _GERMAN * 30) == "en"


def test_digits_and_punctuation_do_not_count_as_letters() -> None:
    assert language_of("1" * 5000 + " word") is None
    assert language_of("." * 39 + _GERMAN) == "de"


def test_only_english_or_unknown_is_attributed() -> None:
    assert attributable("en") and attributable(None)
    assert not attributable("de")
