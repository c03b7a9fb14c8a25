"""The review page in a real browser: Debian's Chromium, driven by Playwright, from file://."""

import json
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

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
    page.requests, page.errors = requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(review_url)
    yield page
    assert errors == []
    assert [url for url in requests if not url.startswith(("file://", "blob:file://"))] == []
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


def test_edit_approve_export_then_apply_and_rebuild(page, review_url, tmp_path, fixture_package):
    first, second = "[id='p3.s1']", "[id='p3.s2']"
    built_english = page.text_content(f"{second} .target .text")
    page.click(first)
    page.fill("#edit-text", "BMW & <b>AI</b>: „Größe“ matters.")
    page.check("#edit-approved")
    page.fill("#edit-note", "headline checked")
    page.click("#edit-save")
    assert page.text_content(f"{first} .target .text") == "BMW & <b>AI</b>: „Größe“ matters."
    assert page.query_selector(f"{first} .target .text b") is None, "edited text is text, never markup"
    assert "✓ approved here" in page.text_content(f"{first} td.id")
    page.keyboard.press("j")
    page.keyboard.press("e")
    page.keyboard.press("Control+a")
    page.keyboard.type("Second sentence, edited.")
    page.keyboard.press("Control+Enter")
    assert page.text_content("#export") == "Export corrections (2)"

    page.reload()  # edits survive a reload (kept in the browser's storage)
    assert page.text_content(f"{second} .target .text") == "Second sentence, edited."
    page.click(second)
    page.click("#edit-revert")
    assert page.text_content(f"{second} .target .text") == built_english
    page.click(second)
    page.fill("#edit-text", "Second sentence, edited again.")
    page.click("#edit-save")
    with page.expect_download() as download:
        page.click("#export")
    assert download.value.suggested_filename == "artikel.corrections.json"
    exported = json.loads(Path(download.value.path()).read_text("utf-8"))
    assert (exported["format"], exported["version"], exported["document"], exported["input"]) == (
        "de-en-brief corrections", 1, "artikel", "artikel.txt")
    by_id = {c["id"]: c for c in exported["corrections"]}
    assert by_id["p3.s1"]["new_target"] == "BMW & <b>AI</b>: „Größe“ matters."
    assert (by_id["p3.s1"]["approved"], by_id["p3.s1"]["note"]) == (True, "headline checked")
    assert (by_id["p3.s2"]["old_target"], by_id["p3.s2"]["approved"]) == (built_english, False)
    assert by_id["p3.s1"]["source"].startswith("„BMW sieht KI als einen wichtigen Treiber")

    corrections = tmp_path / "artikel.corrections.json"
    corrections.write_bytes(Path(download.value.path()).read_bytes())
    source = Path(unquote(urlparse(review_url).path)).parent / "artikel.txt"
    memory = ("--memory", str(tmp_path / "memory.sqlite"))
    applied = run_cli("corrections", "apply", str(corrections), "--input", str(source), *memory)
    assert applied.returncode == 0, applied.stderr.decode()
    rebuilt = run_cli("brief", str(source), "--out", str(tmp_path), *memory, packages_dir=fixture_package.path.parent)
    assert b"(2 human)" in rebuilt.stderr
    pairs = {p["id"]: p for p in json.loads((tmp_path / "artikel.json").read_text("utf-8"))["pairs"]}
    assert [(p["target"], p["origin"], p["approved"]) for p in (pairs["p3.s1"], pairs["p3.s2"])] == [
        ("BMW & <b>AI</b>: „Größe“ matters.", "human", True), ("Second sentence, edited again.", "human", False)]


HOSTILE = """---
title: <script>document.title="pwned"</script> {{ 7*7 }}
source: <img src="http://127.0.0.1:9/source.png">
---
Er schrieb <script>document.body.dataset.pwned = "script"</script> in den Text.

Ein <style>body { display: none }</style> Stil und ein <img src="http://127.0.0.1:9/x.png" onerror="document.body.dataset.pwned = 'img'"> Bild.

Eine <div style="background: url(file:///etc/passwd)">Box</div> mit <link rel="stylesheet" href="http://127.0.0.1:9/a.css"> und <iframe src="http://127.0.0.1:9/"></iframe> darin.

Jinja {{ 7*7 }} und {% include "brief.css" %} bleiben Text.
"""


def test_hostile_text_never_becomes_an_element_or_a_fetch(browser, tmp_path, fixture_package):
    import subprocess

    source = tmp_path / "feindlich.txt"
    source.write_text(HOSTILE, "utf-8")
    result = run_cli("brief", str(source), "--out", str(tmp_path), packages_dir=fixture_package.path.parent)
    assert result.returncode == 0, result.stderr.decode()
    injected = 0
    # the review page's own: its script and the glosses' JSON data block (never executed)
    for page_name, own_scripts in (("feindlich.html", 0), ("feindlich.review.html", 2)):
        context = browser.new_context()
        page = context.new_page()
        requests = []
        page.on("request", lambda request, seen=requests: seen.append(request.url))
        url = (tmp_path / page_name).as_uri()
        page.goto(url)
        counts = page.evaluate("""() => ({
            scripts: document.querySelectorAll("script").length,
            styles: document.querySelectorAll("style").length,
            fetching: document.querySelectorAll("img, iframe, link, object, embed, [style]").length,
            pwned: document.body.dataset.pwned || null,
            title: document.title,
            text: document.body.textContent,
        })""")
        context.close()
        injected += counts["scripts"] - own_scripts + counts["styles"] - 1 + counts["fetching"]
        assert requests == [url], requests
        assert counts["pwned"] is None and "pwned" not in counts["title"].replace('document.title="pwned"', "")
        assert '<script>document.body.dataset.pwned = "script"</script>' in counts["text"]
        assert "{{ 7*7 }}" in counts["text"] and '{% include "brief.css" %}' in counts["text"]
    assert injected == 0
    images = subprocess.run(["pdfimages", "-list", str(tmp_path / "feindlich.pdf")], capture_output=True, text=True,
                            check=True).stdout.splitlines()
    assert len(images) == 2, "the PDF has no images (pdfimages prints only its two header lines)"


def test_german_words_show_their_dictionary_glosses(page):
    glosses = json.loads(page.text_content("#glosses"))
    key = next(key for key in glosses if key.endswith("strategie"))  # KI-Strategie
    assert "strategy" in glosses[key] and "säule" in glosses["säulen"].lower()
    word = page.locator(f"td.source .w[data-w='{key}']").first
    word.hover()
    tip = page.locator("#gloss-tip")
    assert tip.is_visible() and "strategy" in tip.text_content()
    page.mouse.move(0, 0)
    page.keyboard.press("j")
    listed = page.text_content("#details-glosses")
    assert "automaker" in listed or "car manufacturer" in listed  # Autohersteller, the first pair's
    # the fixture model's English is gibberish, so most German words have no counterpart: marked as such
    assert page.locator("td.source .uncovered").count() > 10
