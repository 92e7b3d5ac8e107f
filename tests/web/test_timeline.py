"""The timeline is drawn on the server: bars for every month from the first to the last,
silent months as gaps, each bar a link, and a table saying the same to a screen reader."""

from fastapi.testclient import TestClient

from app.web.timeline import WIDTH, month_span, timeline


def test_every_month_between_is_a_slot_and_silent_ones_are_gaps() -> None:
    drawn = timeline({"2023-11": 2, "2024-02": 4}, lambda month: f"/?m={month}")
    assert drawn is not None
    assert [bar.month for bar in drawn.bars] == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert [bar.count for bar in drawn.bars] == [2, 0, 0, 4]
    assert drawn.bars[1].height == 0
    assert drawn.bars[3].height == 2 * drawn.bars[0].height
    assert drawn.bars[0].href == "/?m=2023-11"
    assert [mark.year for mark in drawn.years] == [2023, 2024]
    assert (drawn.busiest, drawn.total, drawn.first, drawn.last) == (
        4, 6, "November 2023", "February 2024",
    )  # fmt: skip


def test_bars_stay_inside_the_chart_however_many_months() -> None:
    counts = {f"{year}-{month:02d}": month for year in range(2000, 2025) for month in (1, 7)}
    drawn = timeline(counts, str)
    assert drawn is not None
    assert len(drawn.bars) == 25 * 12 - 5
    assert all(0 <= bar.x and bar.x + bar.width <= WIDTH + 0.01 for bar in drawn.bars)


def test_nothing_counted_draws_nothing() -> None:
    assert timeline({}, str) is None


def test_a_month_spans_its_days() -> None:
    assert [d.isoformat() for d in month_span("2024-02")] == ["2024-02-01", "2024-02-29"]


def test_the_search_page_draws_it_without_script(api: TestClient) -> None:
    page = api.get("/", params={"q": "weapons"}).text
    figure = page[page.index('<figure class="timeline"') : page.index("</figure>")]
    assert '<svg class="bars"' in figure
    assert "<script" not in figure
    assert 'aria-label="May 2024: 3 quotes"' in figure
    assert "since=2024-05-01" in figure and "until=2024-05-31" in figure
    assert "<table" in figure and '<th scope="row">' in figure


def test_one_month_is_one_bar_with_its_count(api: TestClient) -> None:
    drawn = timeline({"2024-05": 3}, str)
    assert drawn is not None and drawn.counted and len(drawn.bars) == 1
    page = api.get("/", params={"q": "weapons"}).text
    figure = page[page.index('<figure class="timeline"') : page.index("</figure>")]
    assert "3 quotes, all in May 2024" in figure
    assert '<text class="count"' in figure and ">3</text>" in figure


def test_a_long_timeline_carries_no_counts() -> None:
    drawn = timeline({f"{year}-01": 1 for year in range(2000, 2010)}, str)
    assert drawn is not None and not drawn.counted
