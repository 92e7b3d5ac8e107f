"""Finding quotes in a real browser: facets, the timeline, feeds, article pages, paging both
ways, "did you mean" and empty answers that say why. Each is checked on a desktop window and
on a phone's, and a screenshot of both is kept in ``test-artifacts/``."""

import re
from collections.abc import Iterator

import feedparser
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import keep

pytestmark = [pytest.mark.e2e, pytest.mark.sqlite_only, pytest.mark.slow]

SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


@pytest.fixture(params=list(SCREENS))
def screen(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def page(browser: Browser, site: str, screen: str) -> Iterator[Page]:  # noqa: F811 - fixtures
    context = browser.new_context(base_url=site, **SCREENS[screen])  # type: ignore[arg-type]
    opened = context.new_page()
    yield opened
    context.close()


def fits(page: Page, screen: str) -> None:
    """Nothing scrolls sideways: the page fits its screen's width."""
    width = page.evaluate("document.documentElement.scrollWidth")
    allowed = SCREENS[screen]["viewport"]["width"]  # type: ignore[index]
    assert width <= allowed, f"{page.url} scrolls sideways ({width}px on {allowed}px)"


def test_the_first_result_is_on_the_first_screen_after_a_search(page: Page, screen: str) -> None:
    page.goto("/")
    page.get_by_label("Words or “a phrase”").fill("weapons")
    page.get_by_role("button", name="Search").click()
    first = page.locator("li.quote").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    height = SCREENS[screen]["viewport"]["height"]  # type: ignore[index]
    assert box is not None and box["y"] + 120 <= height, f"first result at {box} on {screen}"
    keep(page, f"results-first-{screen}")


def test_facets_narrow_a_search(page: Page, screen: str) -> None:
    page.goto("/?q=weapons")
    facets = page.get_by_role("complementary", name="Narrow by")
    expect(facets).to_be_visible()
    list_top = page.locator("ol.quotes").bounding_box()
    facets_top = facets.bounding_box()
    assert list_top is not None and facets_top is not None
    if screen == "phone":
        # Folded into one line above the list, opened by a tap.
        assert facets_top["y"] < list_top["y"]
        expect(facets.get_by_role("heading", name="Speaker")).to_be_hidden()
        facets.get_by_role("heading", name="Narrow by").click()
    else:
        assert facets_top["x"] > list_top["x"]  # beside the list, open
    expect(facets.get_by_role("heading", name="Speaker")).to_be_visible()
    fits(page, screen)
    keep(page, f"facets-{screen}")
    facets.get_by_role("link", name="David Cameron").click()
    expect(page).to_have_url(re.compile(r"(?=.*speaker=david-cameron)(?=.*q=weapons)"))
    heading = page.get_by_role("heading", name="quote found").or_(
        page.get_by_role("heading", name="quotes found")
    )
    expect(heading).to_be_visible()
    for speaker in page.locator("li.quote .by a").first.all():
        expect(speaker).to_have_text("David Cameron")


def test_a_timeline_bar_leads_to_its_month(page: Page, screen: str) -> None:
    page.goto("/speakers/david-cameron")
    chart = page.locator("figure.timeline")
    expect(chart).to_be_visible()
    expect(chart.locator("figcaption")).to_contain_text("3 quotes, all in May 2024")
    fits(page, screen)
    keep(page, f"timeline-{screen}")
    # The table alternative holds the same months, each a link.
    chart.get_by_text("Quotes per month, as a table").click()
    expect(chart.get_by_role("row", name="May 2024 3")).to_be_visible()
    chart.get_by_role("link", name="May 2024: 3 quotes").click()
    expect(page).to_have_url(re.compile(r"(?=.*since=2024-05-01)(?=.*until=2024-05-31)"))
    expect(page.get_by_role("heading", name="3 quotes found")).to_be_visible()


def test_the_feed_is_found_from_the_page(page: Page, screen: str) -> None:
    page.goto("/speakers/antony-blinken")
    link = page.locator('link[rel="alternate"][type="application/atom+xml"]')
    href = link.get_attribute("href")
    assert href == "/v1/quotes.atom?speaker=antony-blinken"
    answer = page.request.get(href)
    assert answer.ok
    parsed = feedparser.parse(answer.body())
    assert len(parsed.entries) == 5
    assert all(entry.author == "Antony Blinken" for entry in parsed.entries)
    expect(page.get_by_role("link", name="Follow as a feed")).to_be_visible()


def test_the_article_page_marks_its_quotes(page: Page, screen: str) -> None:
    page.goto("/?q=hallmark")
    page.locator("li.quote cite").first.click()
    expect(page).to_have_url(re.compile(r"/articles/1$"))
    expect(page.locator(".text mark")).to_have_count(16)
    fits(page, screen)
    keep(page, f"article-{screen}")
    peskov = page.locator("ol.article-quotes li").filter(has_text="Dmitry Peskov").first
    in_text = peskov.get_by_role("link", name=re.compile("stands in the text"))
    anchor = in_text.get_attribute("href")
    assert anchor is not None and anchor.startswith("#q-")
    in_text.click()
    expect(page.locator(anchor)).to_be_in_viewport()
    page.locator(anchor).click()
    expect(page).to_have_url(re.compile(rf"/quotes/{anchor[3:]}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dmitry Peskov")


def test_paging_forward_and_back(page: Page, screen: str) -> None:
    page.goto("/?limit=5&sort=date")
    pages = page.get_by_role("navigation", name="Result pages")
    expect(pages).to_contain_text("1–5 of 16")
    first = page.locator("li.quote blockquote").first.inner_text()
    pages.get_by_role("link", name="Next page").click()
    expect(pages).to_contain_text("6–10 of 16")
    pages.get_by_role("link", name="Next page").click()
    expect(pages).to_contain_text("11–15 of 16")
    fits(page, screen)
    keep(page, f"paging-{screen}")
    pages.get_by_role("link", name="Previous page").click()
    expect(pages).to_contain_text("6–10 of 16")
    pages.get_by_role("link", name="Previous page").click()
    expect(pages).to_contain_text("1–5 of 16")
    expect(pages.get_by_role("link", name="Previous page")).to_have_count(0)
    assert page.locator("li.quote blockquote").first.inner_text() == first


def test_a_misspelt_speaker_offers_the_right_one(page: Page, screen: str) -> None:
    page.goto("/?speaker=Blinkin")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("No speaker is called 'Blinkin'")
    fits(page, screen)
    keep(page, f"did-you-mean-{screen}")
    alert.get_by_role("link", name="Antony Blinken").click()
    expect(page.get_by_role("heading", name="5 quotes found")).to_be_visible()


def test_an_empty_search_says_which_filter_emptied_it(page: Page, screen: str) -> None:
    page.goto("/?q=escalation&speaker=cameron")
    expect(page.locator("p.empty")).to_contain_text("no quote matches them all")
    page.goto("/?q=zzyzx")
    expect(page.locator("p.empty")).to_contain_text("No stored quote matches the words “zzyzx”")
    keep(page, f"empty-{screen}")


def test_an_unknown_address_is_the_sites_own_404(page: Page, screen: str) -> None:
    answer = page.goto("/no/such/page")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.get_by_role("link", name="Search quotes").first).to_be_visible()
    assert page.request.get("/favicon.ico").ok


def test_the_timeline_labels_are_readable(page: Page, screen: str) -> None:
    page.goto("/?q=weapons")
    for label in page.locator("svg.bars text").all():
        box = label.bounding_box()
        assert box is not None and box["height"] >= 12, f"a label {box} high on {screen}"


def test_a_quote_over_paragraphs_is_one_card(page: Page, screen: str) -> None:
    page.goto("/?q=battlefield")
    cards = page.locator("li.quote")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Another hallmark of our support")
    expect(cards.first).to_contain_text("battlefield")
    keep(page, f"one-card-{screen}")


# Every kind of page a reader meets, as a reader gets to it.
AUDITED = [
    "/", "/?q=weapons", "/?q=weapons&view=table", "/quotes/4", "/articles/1",
    "/check?text=direct+escalation+of+tension", "/speakers/antony-blinken", "/outlets/cbs-news",
    "/articles", "/publishers/upi",
]  # fmt: skip


@pytest.mark.parametrize("path", AUDITED)
def test_every_page_passes_axe_with_no_serious_violation(
    page: Page, screen: str, path: str
) -> None:
    page.goto(path)
    found = Axe().run(page).response["violations"]
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in {"serious", "critical"}
    ]
    assert not serious, f"{path} on {screen}: {serious}"
    keep(page, f"audited-{screen}-{path.strip('/').replace('/', '-').replace('?', '-') or 'front'}")


def test_the_search_box_offers_speakers_and_phrases_by_keyboard(page: Page, screen: str) -> None:
    """Search as you type, with the keyboard alone: the box is a combobox that says how many
    suggestions there are; arrows move, Enter takes one, Escape closes."""
    page.goto("/")
    box = page.get_by_role("combobox", name="Words or “a phrase”")
    box.press_sequentially("direct esc", delay=30)
    options = page.get_by_role("listbox", name="Suggestions").get_by_role("option")
    expect(options).to_have_count(1)
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("status")).to_have_text("1 suggestion")
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.first.get_attribute("id") or "")
    found = Axe().run(page).response["violations"]
    assert not [v["id"] for v in found if v["impact"] in {"serious", "critical"}]
    keep(page, f"suggestions-{screen}")
    box.press("Enter")  # a phrase is searched for, quoted
    expect(page).to_have_url(re.compile(r"q=%22direct\+escalation%22"))
    expect(page.get_by_role("heading", name="1 quote found")).to_be_visible()

    box = page.get_by_role("combobox", name="Words or “a phrase”")
    box.fill("")
    box.press_sequentially("pesk", delay=30)
    expect(page.get_by_role("option", name=re.compile("Dmitry Peskov"))).to_be_visible()
    box.press("Escape")
    expect(page.get_by_role("listbox", name="Suggestions")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("ArrowDown")  # opens nothing once closed: the list comes back with typing
    box.press_sequentially("o", delay=30)
    expect(page.get_by_role("option", name=re.compile("Dmitry Peskov"))).to_be_visible()
    box.press("ArrowDown")
    box.press("Enter")  # a speaker opens their page
    expect(page.get_by_role("heading", level=1)).to_have_text("Dmitry Peskov")
