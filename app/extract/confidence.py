"""How often each extraction rule is right in every field, measured on the team's newsroom set
(``saidwho eval tests/evaluation/newsroom/articles.yaml``): the ``confidence`` a stored quote
carries. Re-measure and update when the rules change; a test holds the two together."""

# basis -> share of the newsroom set's quotes with that basis that were right in every field,
# as (right + 1) / (stored + 2), so that a rule seen only a few times is not called certain.
CONFIDENCE: dict[str, float] = {
    "indirect, named person": 0.95,  # 34 of 35
    "direct, named person": 0.83,  # 14 of 16
    "direct, surname": 0.94,  # 16 of 16
    "indirect, unnamed source": 0.88,  # 13 of 14
    "indirect, organization": 0.85,  # 10 of 11
    "partial, named person": 0.92,  # 11 of 11
    "indirect, surname": 0.86,  # 5 of 5
    "direct, continuing the speaker": 0.83,  # 4 of 4
    "indirect, role noun": 0.67,  # 3 of 4
    "direct, pronoun": 0.75,  # 2 of 2
    "direct, role noun": 0.5,  # 1 of 2
    "indirect, according to": 0.67,  # 1 of 1
    "partial, organization": 0.67,  # 1 of 1
    "partial, surname": 0.67,  # 1 of 1
    "partial, unnamed source": 0.67,  # 1 of 1
}
# For a basis the set has too few quotes of to measure.
DEFAULT = 0.5


def confidence(basis: str) -> float:
    return CONFIDENCE.get(basis, DEFAULT)
