"""``/v1/articles``: the seed article, its text, filters and unknown ids."""

from fastapi.testclient import TestClient


def test_articles_list_the_seed_with_publisher_and_count(api: TestClient) -> None:
    body = api.get("/v1/articles").json()
    assert body["total"] == 1
    article = body["items"][0]
    assert article["publisher"] == {"id": "upi", "name": "UPI"}
    assert (article["published_on"], article["quote_count"], article["url"]) == (
        "2024-05-31", 16, None,
    )  # fmt: skip
    assert "text" not in article


def test_article_detail_has_the_full_text(api: TestClient) -> None:
    article = api.get("/v1/articles/1").json()
    assert article["text"].startswith("Ukrainian rescue teams")
    assert article["text"].endswith("said Kremlin spokesman Dmitry Peskov.")


def test_article_filters(api: TestClient) -> None:
    def total(**params: str) -> int:
        return int(api.get("/v1/articles", params=params).json()["total"])

    assert total(publisher="UPI") == 1
    assert total(publisher="cbs-news") == 0
    assert total(since="2024-05-31", until="2024-05-31") == 1
    assert total(since="2024-06-01") == 0
    assert api.get("/v1/articles", params={"publisher": "nobody"}).status_code == 422


def test_unknown_article_is_404(api: TestClient) -> None:
    assert api.get("/v1/articles/2").status_code == 404
