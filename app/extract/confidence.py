"""How often each extraction rule is right in every field, measured on the team's newsroom set
(``saidwho eval tests/evaluation/newsroom/articles.yaml``): the ``confidence`` a stored quote
carries. Re-measure and update when the rules change; a test holds the two together."""

# basis -> share of the newsroom set's quotes with that basis that were right in every field.
CONFIDENCE: dict[str, float] = {}
# For a basis the set has too few quotes of to measure.
DEFAULT = 0.5


def confidence(basis: str) -> float:
    return CONFIDENCE.get(basis, DEFAULT)
