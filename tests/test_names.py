"""Names become ids and lookup keys predictably."""

import pytest

from app.names import name_key, slugify


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Antony Blinken", "antony-blinken"), ("The Washington Post", "the-washington-post"),
     ("unnamed U.S. official", "unnamed-us-official"),
     ("Volodymyr Zelenskyy", "volodymyr-zelenskyy"),
     ("Élysée Palace", "elysee-palace"), ("  --odd   spacing-- ", "odd-spacing")],
)  # fmt: skip
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_name_key_folds_case_space_and_curly_apostrophes() -> None:
    assert name_key("  O’Brien   SAID ") == name_key("o'brien said") == "o'brien said"
