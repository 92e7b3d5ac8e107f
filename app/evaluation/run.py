"""Run the extractor over an annotated corpus and score it."""

from collections.abc import Iterable

from app.evaluation.corpus import AnnotatedArticle
from app.evaluation.scoring import OVERLAPS, SUBSETS, Item, Scores, characters, score_article
from app.extract import Attribution, extract

_CORPUS_TYPE = {"direct": "direct", "partial": "mixed", "indirect": "indirect"}


def predicted_items(text: str, attributions: Iterable[Attribution]) -> list[Item]:
    items = []
    for attribution in attributions:
        spans: list[tuple[int, int]] = []
        names: tuple[str, ...] = ()
        if attribution.speaker_span is not None:
            spans.append((attribution.speaker_span.start, attribution.speaker_span.end))
        if attribution.speaker is not None:
            names = (attribution.speaker.name,)
        items.append(
            Item(
                type=_CORPUS_TYPE[attribution.kind],
                content=characters(text, [(s.start, s.end) for s in attribution.content]),
                speaker_spans=tuple(spans),
                speaker_names=names,
            )
        )
    return items


def gold_items(article: AnnotatedArticle) -> list[Item]:
    return [
        Item(
            type=quote.type,
            content=characters(article.text, quote.content),
            speaker_spans=tuple(quote.source),
        )
        for quote in article.quotes
    ]


def evaluate(articles: Iterable[AnnotatedArticle]) -> tuple[Scores, int]:
    scores = Scores()
    count = 0
    for article in articles:
        attributions = extract(article.text, article.date)
        score_article(
            scores, article.text, predicted_items(article.text, attributions), gold_items(article)
        )
        count += 1
    return scores, count


def report(scores: Scores, articles: int) -> str:
    lines = [
        f"articles: {articles}",
        f"{'types':<14}{'overlap':>8}{'gold':>7}{'found':>7}{'P':>7}{'R':>7}{'F1':>7}"
        f"{'speaker':>9}",
    ]
    for subset in SUBSETS:
        for overlap in OVERLAPS:
            t = scores.tally(subset, overlap)
            lines.append(
                f"{subset:<14}{overlap:>8.1f}{t.gold:>7}{t.predicted:>7}{100 * t.precision:>7.1f}"
                f"{100 * t.recall:>7.1f}{100 * t.f1:>7.1f}{100 * t.speaker_accuracy:>8.1f}%"
            )
    return "\n".join(lines)
