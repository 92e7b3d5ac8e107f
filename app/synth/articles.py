"""News articles made from real ones, for measuring ingest: each made of the paragraphs of a
few model articles, with every named person swapped for a new name (the same one throughout the
article) and the date moved, so that no two texts are alike and people do not all repeat."""

import datetime as dt
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

_GIVEN = """Ada Amir Ana Ben Carla Chen Dara Eli Elena Femi Gus Hana Ines Ivan Jonas Kai Lara
Leo Lina Marco Maya Nadia Nils Omar Paula Priya Quinn Rafael Rosa Sami Sara Tariq Tess Uma
Viktor Wen Yara Zoe Anya Bruno Celia Dmitri Erin Farah Goran Helga Idris Jana Kofi""".split()
_FAMILY = """Abbott Adeyemi Bauer Castillo Dahl Ekstrom Ferreira Galloway Haddad Ibsen Jansen
Kowalski Lindgren Moreau Nakamura Okafor Petrov Quintero Rossi Sandoval Takahashi Ulrich
Varga Whitlock Xu Yilmaz Zielinski Albers Brandt Cortez Duval Esposito Fischer Gallo Horvat
Iqbal Jovanovic Kader Lund Mendez Novak Ortega Pereira Reyes Schultz Toivonen Valdez
Weber""".split()
# Ids of the set that name bodies, not people ("defense-ministry").
_BODIES = frozenset(
    "ministry department office police council party house court army authority agency "
    "service bank union commission government kremlin health corp inc group".split()
)


@dataclass(frozen=True)
class Model:
    """A real article and the people named in it ("David Cameron")."""

    title: str
    publisher: str
    text: str
    people: tuple[str, ...]


def varied_articles(
    models: list[Model], count: int, *, seed: int = 0, shortest: int = 3000, longest: int = 6000
) -> Iterator[dict[str, str]]:
    """``count`` articles as ``saidwho ingest`` reads JSON Lines records."""
    rng = random.Random(seed)
    start = dt.date(2020, 1, 1)
    for number in range(count):
        target = rng.randint(shortest, longest)
        paragraphs: list[str] = []
        size = 0
        for model in rng.sample(models, len(models)):
            text = _renamed(model, rng)
            for paragraph in text.splitlines():
                if paragraph.strip() and size + len(paragraph) <= longest:
                    paragraphs.append(paragraph)
                    size += len(paragraph) + 1
            if size >= target:
                break
        lead = models[number % len(models)]
        yield {
            "title": f"{lead.title} ({number + 1})",
            "publisher": lead.publisher,
            "published_on": (start + dt.timedelta(days=rng.randrange(2000))).isoformat(),
            "text": "\n".join(paragraphs),
        }


def _renamed(model: Model, rng: random.Random) -> str:
    text = model.text
    for person in model.people:
        given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
        words = person.split()
        text = re.sub(rf"\b{re.escape(person)}\b", f"{given} {family}", text)
        if len(words) > 1:  # "Cameron said" after "David Cameron"
            text = re.sub(rf"\b{re.escape(words[-1])}\b", family, text)
    return text


def load_models(newsroom: Path, seed_dir: Path) -> list[Model]:
    """The team's newsroom set (its YAML) and the seed article, as models."""
    models = []
    for item in yaml.safe_load(newsroom.read_text(encoding="utf-8")):
        ids = {quote["speaker"] for quote in item.get("quotes", [])}
        models.append(
            Model(item["title"], item["publisher"], item["text"], _people(item["text"], ids))
        )
    curated = yaml.safe_load((seed_dir / "attributions.yaml").read_text(encoding="utf-8"))
    text = (seed_dir / curated["article"]["file"]).read_text(encoding="utf-8")
    people = [s["name"] for s in curated["speakers"] if s.get("kind") == "person"]
    models.append(Model(curated["article"]["title"], "UPI", text, _people(text, set(), people)))
    return models


def _people(text: str, ids: set[str], names: Iterable[str] = ()) -> tuple[str, ...]:
    """The names of people among ``ids`` ("david-cameron") and ``names`` as the text spells them."""
    found: list[str] = []
    wanted = [i.replace("-", " ") for i in ids if not i.startswith("unnamed")] + list(names)
    for name in wanted:
        match = re.search(rf"\b{re.escape(name)}\b", text, flags=re.IGNORECASE)
        words = name.lower().split()
        if match and len(words) == 2 and match.group(0)[0].isupper() and _BODIES.isdisjoint(words):
            found.append(match.group(0))
    return tuple(sorted(set(found), key=len, reverse=True))
