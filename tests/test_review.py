"""The review page in a real browser: Debian's Chromium, driven by Playwright, from file://."""

import shutil

import pytest

from conftest import ARTICLE, run_cli

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic"]


@pytest.fixture(scope="module")
def review_url(tmp_path_factory, fixture_package):
    out = tmp_path_factory.mktemp("review")
    source = out / "artikel.txt"
    text = ARTICLE.read_text("utf-8")
    # one extra paragraph whose fixture translation cannot contain its question mark etc.
    source.write_text(text.rstrip("\n") + "\nWie viele Autos baut BMW 2026 in Shenyang?\n", "utf-8")
    result = run_cli("brief", str(source), "--out", str(out), packages_dir=fixture_package.path.parent)
    assert result.returncode == 0, result.stderr
    return (out / "artikel.review.html").as_uri()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, review_url):
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(review_url)
    yield page
    assert errors == []
    assert [url for url in requests if not url.startswith("file://")] == []
    context.close()


def visible_ids(page):
    return page.eval_on_selector_all("tr.pair:not([hidden])", "rows => rows.map(r => r.id)")


def test_summary_counts_pairs_and_flags(page):
    summary = page.text_content("#summary")
    assert "12 pairs" in summary and "12 flagged" in summary and "confidence 12" in summary
    assert page.text_content("#shown") == "12 of 12 shown"


def test_filter_by_check(page):
    page.select_option("#filter", "punctuation")
    shown = visible_ids(page)
    assert "p9.s1" in shown and len(shown) < 12
    assert all("punctuation" in page.get_attribute(f"[id='{i}']", "data-checks") for i in shown)
    page.select_option("#filter", "flagged")
    assert len(visible_ids(page)) == 12
    page.select_option("#filter", "all")
    assert len(visible_ids(page)) == 12


def test_search_covers_both_languages(page):
    page.fill("#search", "shenyang")
    assert visible_ids(page) == ["p5.s1", "p8.s1", "p9.s1"]
    target_word = page.text_content("[id='p1.s1'] .target").split()[0][:6]
    page.fill("#search", target_word)
    assert "p1.s1" in visible_ids(page)
    page.fill("#search", "gibt es nicht")
    assert visible_ids(page) == [] and page.text_content("#shown") == "0 of 12 shown"


def test_keyboard_navigation_and_selection_details(page):
    page.keyboard.press("j")
    assert page.text_content("#details-id") == "p1.s1"
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.text_content("#details-id") == "p3.s1"
    page.keyboard.press("k")
    assert page.text_content("#details-id") == "p2.s1"
    assert page.url.endswith("#p2.s1")
    assert "mean log-probability" in page.text_content("#details-score")
    assert "confidence" in page.text_content("#details-flags")
    page.select_option("#filter", "numbers")
    page.focus("body")
    page.keyboard.press("n")
    assert "numbers" in page.get_attribute(f"[id='{page.text_content('#details-id')}']", "data-checks")


def test_permalink_selects_the_pair(browser, review_url):
    page = browser.new_page()
    page.goto(review_url + "#p9.s1")
    assert page.text_content("#details-id") == "p9.s1"
    assert page.get_attribute("[id='p9.s1']", "class").endswith("selected")
    marks = page.eval_on_selector_all("[id='p9.s1'] .source mark", "ms => ms.map(m => m.textContent)")
    assert "2026" in marks and "?" in marks and "Shenyang" in marks
    page.close()


def test_click_selects_and_screenshot(page, tmp_path):
    page.click("[id='p4.s2'] .source")
    assert page.text_content("#details-id") == "p4.s2"
    page.screenshot(path=str(tmp_path / "review.png"))
    assert (tmp_path / "review.png").stat().st_size > 20_000
