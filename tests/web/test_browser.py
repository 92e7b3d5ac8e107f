"""The pages in a real browser: Debian's Chromium driven by Playwright, against ``saidwho
serve`` on a loopback port. A screenshot of each page is kept in ``test-artifacts/``."""

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import keep

# Served on a SQLite file, as a new user gets it.
pytestmark = [pytest.mark.e2e, pytest.mark.sqlite_only, pytest.mark.slow]


@pytest.fixture
def page(browser: Browser, site: str) -> Iterator[Page]:
    context = browser.new_context(base_url=site, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    opened = context.new_page()
    yield opened
    context.close()


def test_what_cameron_said_about_british_weapons_in_three_clicks(page: Page) -> None:
    page.goto("/")
    keep(page, "front-page")
    page.get_by_role("region", name="Most quoted").get_by_role("link", name="David Cameron").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("David Cameron")
    expect(page.get_by_text("British-supplied weapons")).to_be_visible()
    keep(page, "speaker-page")


def test_search_with_words_and_filters(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Words or “a phrase”").fill("weapons")
    page.get_by_label("Speaker").fill("Cameron")
    page.get_by_label("Indirect").check()
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 quote found")).to_be_visible()
    expect(page.locator("mark").first).to_have_text(re.compile("weapons", re.I))
    keep(page, "search-results")


def test_follow_a_permalink_and_copy_the_citation(page: Page) -> None:
    page.goto("/?q=escalation&speaker=Peskov")
    page.get_by_role("link", name=re.compile("Permalink")).first.click()
    expect(page).to_have_url(re.compile(r"/quotes/\d+$"))
    expect(page.locator("mark#quote")).to_contain_text("direct escalation")
    citation = page.get_by_label("Citation")
    expected = re.compile(
        r"^“This is a direct escalation .*” Dmitry Peskov, Kremlin spokesman, 31 May 2024\. "
        r"In “.+”, UPI, 31 May 2024\. http://127\.0\.0\.1:\d+/quotes/\d+ "
        r"Accessed \d{1,2} \w+ \d{4}\.$"
    )
    expect(citation).to_have_value(expected)
    page.get_by_role("button", name="Copy citation").click()
    expect(page.locator("#copy-status")).to_have_text("Citation copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert expected.match(copied)
    keep(page, "quote-permalink")


def test_download_the_results_as_csv(page: Page) -> None:
    page.goto("/?speaker=Blinken")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("as CSV")).click()
    path = download.value.path()
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8"))))
    assert len(rows) == 5
    assert {row["speaker_name"] for row in rows} == {"Antony Blinken"}


def test_an_outlet_page(page: Page) -> None:
    page.goto("/outlets/the-washington-post")
    expect(page.get_by_role("heading", level=1)).to_have_text("The Washington Post")
    expect(page.locator("li.quote")).to_have_count(1)
    keep(page, "outlet-page")


def test_the_search_works_from_the_keyboard(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.get_by_label("Words or “a phrase”").focus()
    page.keyboard.type('"direct escalation"')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="1 quote found")).to_be_visible()


def test_readable_on_a_phone(browser: Browser, site: str) -> None:
    context = browser.new_context(base_url=site, viewport={"width": 375, "height": 740})
    phone = context.new_page()
    for path, name in [("/", "phone-front-page"), ("/quotes/1", "phone-quote-permalink")]:
        phone.goto(path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} scrolls sideways on a phone ({width}px)"
        keep(phone, name)
    context.close()


def test_check_a_quote_and_see_what_differs(page: Page) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Check a quote").click()
    expect(page).to_have_url(re.compile(r"/check$"))
    page.get_by_label("Words someone says were said").fill(
        "This is a clear escalation of tension around the conflict"
    )
    page.get_by_label("Said by (optional)").fill("Peskov")
    page.get_by_role("button", name="Check").click()
    expect(page).to_have_url(re.compile(r"/check\?"))
    expect(
        page.get_by_role("heading", level=2, name=re.compile("Close, with differences"))
    ).to_be_visible()
    changed = page.locator(".diff del").first
    expect(changed).to_contain_text("direct")
    # Struck through and underlined: the difference does not rest on colour.
    assert "line-through" in changed.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert "underline" in page.locator(".diff ins").first.evaluate(
        "e => getComputedStyle(e).textDecorationLine"
    )
    keep(page, "check-close")
    page.goto("/check?text=This+is+a+direct+escalation+of+tension&speaker=Blinken")
    expect(page.locator("p.warning")).to_contain_text("Dmitry Peskov")
    keep(page, "check-other-speaker")


def test_the_check_is_readable_on_a_phone(browser: Browser, site: str) -> None:
    context = browser.new_context(base_url=site, viewport={"width": 375, "height": 740})
    phone = context.new_page()
    phone.goto("/check?text=a+clear+escalation+of+tension+around+the+Ukrainian+conflict")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the check scrolls sideways on a phone ({width}px)"
    keep(phone, "phone-check")
    context.close()
