"""The aligner on German with its professional English (newstest2021 and UD German PUD), as
documents of 50–200 sentences, clean and perturbed (``tools/alignment_sets.py``). The settings
were tuned on the first half of newstest2021; the second half and PUD are reported apart."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, SHARED_DATA, report
from pipeline.align import beads
from tools import alignment_sets

NEWSTEST = SHARED_DATA / "newstest2021-de-en.jsonl"
PUD = SHARED_DATA / "ud-german-pud-half.jsonl"


def _sets():
    news, pud = alignment_sets.pairs_of(NEWSTEST), alignment_sets.pairs_of(PUD)
    half = len(news) // 2
    return {
        "newstest2021 first half (tuned on)": alignment_sets.cases(news[:half], [en for _, en in pud], "tune", seed=7),
        "newstest2021 second half": alignment_sets.cases(news[half:], [en for _, en in pud], "held", seed=11),
        "UD German PUD": alignment_sets.cases(pud, [en for _, en in news], "pud", seed=13),
    }


def _score(cases):
    found = [[(bead.german, bead.english) for bead in beads.align(case.german, case.english)] for case in cases]
    return alignment_sets.score(found, [case.gold for case in cases])


@pytest.mark.parametrize("label", ["newstest2021 second half", "UD German PUD", "newstest2021 first half (tuned on)"])
def test_beads_on_held_out_documents(label):
    clean, perturbed = _sets()[label]
    on_clean, on_perturbed = _score(clean), _score(perturbed)
    report(f"aligner on {label}: clean strict F1 {on_clean.strict_f1:.4f}; perturbed strict F1 "
           f"{on_perturbed.strict_f1:.4f} (P {on_perturbed.strict_precision:.4f} R {on_perturbed.strict_recall:.4f}), "
           f"lax F1 {on_perturbed.lax_f1:.4f}; deleted English found as 1:0: {on_perturbed.deleted_found}/"
           f"{on_perturbed.deleted} ({len(clean)} documents, {sum(len(c.german) for c in clean)} sentences)")
    assert on_clean.strict_f1 >= 0.99
    assert on_perturbed.strict_f1 >= 0.95 and on_perturbed.lax_f1 >= 0.98
    assert on_perturbed.deleted_found >= 0.9 * on_perturbed.deleted


def test_a_long_document_is_searched_in_a_band_and_found_as_whole():
    """Past ``whole_cells`` the band follows anchors; it must find what the whole search finds."""
    pairs = alignment_sets.pairs_of(NEWSTEST)[:600]
    case = alignment_sets.perturbed("long", pairs, [en for _, en in alignment_sets.pairs_of(PUD)], seed=5)
    banded = beads.align(case.german, case.english)
    whole = beads.align(case.german, case.english, beads.AlignerSettings(whole_cells=10**9))
    assert [(b.german, b.english) for b in banded] == [(b.german, b.english) for b in whole]
    scores = alignment_sets.score([[(b.german, b.english) for b in banded]], [case.gold])
    assert scores.strict_f1 >= 0.95


def test_nothing_on_one_side_is_all_skips():
    assert [b.kind for b in beads.align(["Ein Satz.", "Noch einer."], [])] == ["1:0", "1:0"]
    assert [b.kind for b in beads.align([], ["One sentence."])] == ["0:1"]


def test_align_prints_beads_of_two_files_as_json_lines(tmp_path):
    """Paragraphs that correspond are aligned paragraph by paragraph; a German sentence whose English
    was left out is 1:0, an English sentence with no German 0:1, and every sentence is in one bead."""
    german = tmp_path / "bericht.txt"
    english = tmp_path / "bericht.en.md"
    german.write_text("# Hochwasser an der Elbe\n\nDer Pegel in Dresden stieg am Montag auf 7,2 Meter. Die Stadt "
                      "sperrte die Uferstraßen. Schulen bleiben bis Mittwoch geschlossen.\n\nDie Feuerwehr war mit "
                      "300 Kräften im Einsatz. Verletzt wurde niemand.\n", "utf-8")
    english.write_text("# Floods on the Elbe\n\nThe water level in Dresden rose to 7.2 metres on Monday. Schools "
                       "remain closed until Wednesday.\n\nThe fire brigade deployed 300 firefighters. Nobody was "
                       "injured. More rain is forecast.\n", "utf-8")
    result = subprocess.run([sys.executable, "-m", "pipeline", "align", str(german), str(english)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(b["bead"], b["de"], b["en"]) for b in found] == [
        ("1:1", ["p1.s1"], [0]), ("1:1", ["p2.s1"], [1]), ("1:0", ["p2.s2"], []), ("1:1", ["p2.s3"], [2]),
        ("1:1", ["p3.s1"], [3]), ("1:1", ["p3.s2"], [4]), ("0:1", [], [5])]
    assert found[2]["german"] == "Die Stadt sperrte die Uferstraßen." and found[2]["score"] is None
    assert found[-1]["english"] == "More rain is forecast."


def test_checks_on_aligned_clean_pairs_are_no_noisier_than_on_the_pairs_given_one_to_one():
    from pipeline.checks import DEFAULT_SETTINGS, alignment, check_pair
    from pipeline.checks.context import PairContext
    from pipeline.model import Alignment

    clean, _ = _sets()["newstest2021 second half"]
    given = aligned = pairs = 0
    for case in clean:
        given += sum(bool(check_pair(de, en)) for de, en in zip(case.german, case.english))
        for bead in beads.align(case.german, case.english):
            de = " ".join(case.german[i] for i in bead.german)
            en = " ".join(case.english[j] for j in bead.english)
            context = PairContext(de, en, DEFAULT_SETTINGS, alignment=Alignment(bead.kind, bead.score, bead.english))
            aligned += bool(check_pair(de, en) or alignment.run(context))
        pairs += len(case.german)
    report(f"checks on {pairs} correct newstest2021 pairs (second half): {given / pairs:.1%} flagged given 1:1, "
           f"{aligned / pairs:.1%} once aligned (alignment check included)")
    assert aligned <= given + 0.02 * pairs
