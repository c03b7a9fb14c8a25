"""Briefs from a German document and an English translation that already exists: human English
aligned to the German, machine translation only where the English has nothing, English with no
German kept as an addition, and no model needed at all (then the gap is flagged)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import run_cli

GERMAN = ("# Hochwasser an der Elbe\n\nDer Pegel in Dresden stieg am Montag auf 7,2 Meter. Die Stadt sperrte die "
          "Uferstraßen. Schulen bleiben bis Mittwoch geschlossen.\n\nDie Feuerwehr war mit 300 Kräften im Einsatz. "
          "Verletzt wurde niemand.\n")
ENGLISH = ("# Floods on the Elbe\n\nThe water level in Dresden rose to 7.2 metres on Monday. Schools remain closed "
           "until Wednesday.\n\nThe fire brigade deployed 300 firefighters. Nobody was injured. More rain is "
           "forecast.\n")
LEFT_OUT = "Die Stadt sperrte die Uferstraßen."
ADDED = "More rain is forecast."


def _write(folder: Path) -> tuple[Path, Path]:
    german, english = folder / "hochwasser.md", folder / "hochwasser.en.md"
    german.write_text(GERMAN, "utf-8")
    english.write_text(ENGLISH, "utf-8")
    return german, english


def _pairs(out: Path, name: str = "hochwasser") -> list[dict]:
    return json.loads((out / f"{name}.json").read_text("utf-8"))["pairs"]


def test_a_brief_shows_the_existing_english_and_translates_only_what_it_left_out(tmp_path, fixture_package):
    german, english = _write(tmp_path)
    out = tmp_path / "out"
    result = run_cli("brief", str(german), "--english", str(english), "--out", str(out), "--memory",
                     str(tmp_path / "memory.sqlite"), packages_dir=fixture_package.path.parent)
    assert result.returncode == 0, result.stderr.decode()
    assert "5 from the English" in result.stderr.decode() and "1 translated" in result.stderr.decode()
    pairs = _pairs(out)
    by_source = {pair["source"]: pair for pair in pairs}
    assert [pair["origin"] for pair in pairs] == ["human", "human", "mt", "human", "human", "human"]
    assert by_source["Der Pegel in Dresden stieg am Montag auf 7,2 Meter."]["target"] == \
        "The water level in Dresden rose to 7.2 metres on Monday."
    left_out = by_source[LEFT_OUT]
    assert left_out["alignment"]["bead"] == "1:0" and left_out["target"]
    assert [f["message"] for f in left_out["flags"] if f["check"] == "alignment"] == \
        ["not in the English: machine translation fills the gap"]
    last = pairs[-1]
    assert last["alignment"]["additions"] == [ADDED]
    assert all(pair["alignment"]["score"] is not None for pair in pairs if pair["origin"] == "human")
    assert json.loads((out / "hochwasser.json").read_text("utf-8"))["english_file"] == "hochwasser.en.md"
    page = (out / "hochwasser.html").read_text("utf-8")
    assert "existing translation (hochwasser.en.md)" in page and ADDED in page and "⚙" in page
    review = (out / "hochwasser.review.html").read_text("utf-8")
    assert "1:0" in review and "English only: " + ADDED in review
    text = " ".join(subprocess.run(["pdftotext", str(out / "hochwasser.pdf"), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert ADDED in text and "english (existing translation)" in text.lower()
    tmx = (out / "hochwasser.tmx").read_text("utf-8")
    assert "The fire brigade deployed 300 firefighters." in tmx and LEFT_OUT in tmx


def test_in_a_folder_the_english_beside_its_german_is_found_and_never_read_as_german(tmp_path, fixture_package):
    folder = tmp_path / "in"
    folder.mkdir()
    _write(folder)
    (folder / "notiz.txt").write_text("Der Zug fährt um acht Uhr ab. Er kommt pünktlich an.\n", "utf-8")
    out = tmp_path / "out"
    result = run_cli("brief", str(folder), "--out", str(out), "--memory", str(tmp_path / "memory.sqlite"),
                     packages_dir=fixture_package.path.parent)
    assert result.returncode == 0, result.stderr.decode()
    assert sorted(p.name for p in out.glob("*.json")) == ["hochwasser.json", "notiz.json"]
    assert {pair["origin"] for pair in _pairs(out, "notiz")} == {"mt"}
    assert "alignment" not in _pairs(out, "notiz")[0]
    assert _pairs(out)[0]["origin"] == "human"
    refused = run_cli("brief", str(folder / "hochwasser.en.md"), "--out", str(out), packages_dir=fixture_package.path.parent)
    assert refused.returncode == 2 and "never German" in refused.stderr.decode()


def test_without_a_model_the_english_is_enough_and_the_gap_is_flagged(tmp_path):
    german, english = _write(tmp_path)
    out = tmp_path / "out"
    empty = tmp_path / "no-packages"
    empty.mkdir()
    result = run_cli("brief", str(german), "--out", str(out), "--memory", str(tmp_path / "memory.sqlite"),
                     packages_dir=empty)
    assert result.returncode == 0, result.stderr.decode()
    left_out = next(pair for pair in _pairs(out) if pair["source"] == LEFT_OUT)
    assert left_out["origin"] == "missing" and left_out["target"] == ""
    assert [(f["check"], f["severity"]) for f in left_out["flags"]] == [("alignment", "error")]
    assert "not in the English" in (out / "hochwasser.html").read_text("utf-8")
    assert LEFT_OUT not in (out / "hochwasser.tmx").read_text("utf-8")
    alone = tmp_path / "allein.txt"
    alone.write_text("Ein Satz ohne Englisch.\n", "utf-8")
    refused = run_cli("brief", str(alone), "--out", str(out), packages_dir=empty)
    assert refused.returncode != 0 and "model" in refused.stderr.decode().lower()


def test_a_reviewer_fixes_the_alignment_on_the_review_page_and_the_next_build_keeps_it(tmp_path, fixture_package):
    """In Chromium: merge a pair's German with the next pair's English (key m), export, apply, rebuild;
    then split it again (key ]) on the rebuilt page: the next build keeps each state."""
    from playwright.sync_api import sync_playwright

    from test_review import CHROMIUM, FLAGS

    german, english = _write(tmp_path)
    out, memory = tmp_path / "out", ("--memory", str(tmp_path / "memory.sqlite"))
    packages = fixture_package.path.parent

    def build() -> dict:
        result = run_cli("brief", str(german), "--out", str(out), *memory, packages_dir=packages)
        assert result.returncode == 0, result.stderr.decode()
        return {pair["id"]: pair for pair in _pairs(out)}

    def review(key: str, screenshot: Path) -> Path:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto((out / "hochwasser.review.html").as_uri())
            page.click("[id='p3.s1']")
            page.keyboard.press(key)
            page.screenshot(path=str(screenshot), full_page=True)
            texts = (page.text_content("[id='p3.s1'] .target .text"), page.text_content("[id='p3.s2'] .target .text"))
            with page.expect_download() as download:
                page.click("#export")
            saved = tmp_path / "hochwasser.corrections.json"
            saved.write_bytes(Path(download.value.path()).read_bytes())
            browser.close()
        assert errors == []
        return saved, texts

    pairs = build()
    assert pairs["p3.s2"]["target"] == "Nobody was injured."
    corrections, texts = review("m", tmp_path / "merged.png")
    assert texts == ("The fire brigade deployed 300 firefighters. Nobody was injured.", "↑ in the English of p3.s1")
    shared = next(c for c in json.loads(corrections.read_text("utf-8"))["corrections"] if c["id"] == "p3.s2")
    assert (shared["new_target"], shared["shares"]) == ("", "p3.s1")
    applied = run_cli("corrections", "apply", str(corrections), "--input", str(german), *memory)
    assert applied.returncode == 0, applied.stderr.decode()
    pairs = build()
    assert pairs["p3.s1"]["target"] == "The fire brigade deployed 300 firefighters. Nobody was injured."
    assert (pairs["p3.s2"]["target"], pairs["p3.s2"]["alignment"]["lead"]) == ("", "p3.s1")
    assert not pairs["p3.s2"]["flags"], "its German is checked with p3.s1's"
    assert pairs["p3.s1"]["alignment"]["additions"] == [ADDED] and pairs["p3.s2"]["alignment"]["additions"] == []
    assert "↑ in the English of p3.s1" in (out / "hochwasser.html").read_text("utf-8")

    corrections, texts = review("]", tmp_path / "split.png")
    assert texts == ("The fire brigade deployed 300 firefighters.", "Nobody was injured.")
    applied = run_cli("corrections", "apply", str(corrections), "--input", str(german), *memory)
    assert applied.returncode == 0, applied.stderr.decode()
    pairs = build()
    assert [(pairs[i]["target"], pairs[i]["alignment"]["lead"]) for i in ("p3.s1", "p3.s2")] == [
        ("The fire brigade deployed 300 firefighters.", None), ("Nobody was injured.", None)]


def test_an_alignment_merge_stays_with_its_english_and_never_empties_a_translated_brief(tmp_path, fixture_package):
    """A German sentence that shares its neighbour's English (the review page's merge) is recorded
    for that English file only: a brief the model translates shows its own English, never ``''``."""
    from conftest import write_corrections

    german, english = _write(tmp_path)
    memory = ("--memory", str(tmp_path / "memory.sqlite"))
    packages = fixture_package.path.parent
    aligned = tmp_path / "aligned"
    assert run_cli("brief", str(german), "--out", str(aligned), *memory, packages_dir=packages).returncode == 0
    pairs = {pair["id"]: pair for pair in _pairs(aligned)}
    merged = f"{pairs['p3.s1']['target']} {pairs['p3.s2']['target']}"
    edit = {"old_target": "", "approved": False, "note": "", "time": "2026-12-01T08:00:00Z"}
    corrections = write_corrections(tmp_path / "hochwasser.corrections.json", "hochwasser", german,
                                    dict(edit, id="p3.s1", source=pairs["p3.s1"]["source"], new_target=merged),
                                    dict(edit, id="p3.s2", source=pairs["p3.s2"]["source"], new_target="",
                                         shares="p3.s1"))
    data = json.loads(corrections.read_text("utf-8"))
    corrections.write_text(json.dumps(dict(data, english=english.name)), "utf-8")
    applied = run_cli("corrections", "apply", str(corrections), "--input", str(german), *memory)
    assert applied.returncode == 0, applied.stderr.decode()
    assert "2 pairs as aligned with hochwasser.en.md" in applied.stderr.decode()

    translated_german = tmp_path / "translated" / "hochwasser.md"
    translated_german.parent.mkdir()
    translated_german.write_text(GERMAN, "utf-8")  # no English beside it: the model translates
    out = tmp_path / "translated-out"
    result = run_cli("brief", str(translated_german), "--out", str(out), *memory, packages_dir=packages)
    assert result.returncode == 0, result.stderr.decode()
    for pair in _pairs(out):
        assert pair["target"] and pair["origin"] == "mt", pair
    assert run_cli("brief", str(german), "--out", str(aligned), *memory, packages_dir=packages).returncode == 0
    again = {pair["id"]: pair for pair in _pairs(aligned)}
    assert (again["p3.s1"]["target"], again["p3.s2"]["target"], again["p3.s2"]["alignment"]["lead"]) == (
        merged, "", "p3.s1")


def test_the_review_page_glosses_no_name_as_the_verb_the_lemmatizer_guessed(tmp_path):
    """``Klopp`` in the middle of a sentence is a name, not a form of ``kloppen`` (to bash): the review
    page gives it no gloss; the words around it keep theirs."""
    import re

    german, english = tmp_path / "trainer.md", tmp_path / "trainer.en.md"
    german.write_text("Der Trainer Klopp lobte die Mannschaft. Die Spieler dankten Klopp.\n", "utf-8")
    english.write_text("The coach Klopp praised the team. The players thanked Klopp.\n", "utf-8")
    empty = tmp_path / "no-packages"
    empty.mkdir()
    out = tmp_path / "out"
    result = run_cli("brief", str(german), "--english", str(english), "--out", str(out), "--memory",
                     str(tmp_path / "memory.sqlite"), packages_dir=empty)
    assert result.returncode == 0, result.stderr.decode()
    page = (out / "trainer.review.html").read_text("utf-8")
    glosses = json.loads(re.search(r'<script type="application/json" id="glosses">(.*?)</script>', page, re.S)[1])
    assert "klopp" not in glosses and "mannschaft" in glosses and "team" in glosses["mannschaft"]
