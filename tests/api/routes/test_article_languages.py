"""An article not in English is stored with its language and attributed nothing: rules made for
English news prose would take other languages' ordinary words for speakers."""

from tests.api.conftest import article

# Written for this test: a short news item in Portuguese, and one in Indonesian, both with
# quotation marks and verbs of saying that English rules would misread.
PORTUGUESE = (
    "A prefeitura anunciou nesta segunda-feira a reabertura da ponte sobre o rio.\n"
    "“Nós esperamos muito por este dia”, disse Maria Souza, moradora do bairro.\n"
    "Segundo a secretária de obras, o custo final ficou abaixo do previsto."
)
INDONESIAN = (
    "Pemerintah kota mengumumkan pembukaan kembali jembatan pada hari Senin.\n"
    "“Jangan khawatir, jembatan ini aman,” kata Budi Santoso kepada wartawan.\n"
    "Menurut dinas pekerjaan umum, biaya akhirnya lebih rendah dari perkiraan."
)


def test_an_article_not_in_english_is_stored_with_its_language_and_no_quotes(writer) -> None:
    client, key = writer
    for text, language in ((PORTUGUESE, "pt"), (INDONESIAN, "id")):
        response = client.post("/v1/articles", json=article(text), headers=key)
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["language"], body["quotes"], body["quote_count"]) == (language, [], 0)
        assert f"another language ({language})" in body["not_attributed"]
        stored = client.get(f"/v1/articles/{body['id']}").json()
        assert stored["language"] == language and stored["text"] == text


def test_an_english_article_is_attributed_and_says_so(writer) -> None:
    client, key = writer
    body = client.post("/v1/articles", json=article(), headers=key).json()
    assert body["language"] == "en" and body["not_attributed"] is None
    assert body["quotes"]


def test_the_seed_article_is_english(api) -> None:
    assert api.get("/v1/articles/1").json()["language"] == "en"
