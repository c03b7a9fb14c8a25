"""QA checks on real sentence pairs: what must be flagged, and correct human pairs that must not be."""

import json
import re
from pathlib import Path

import pytest

from conftest import report, run_cli
from pipeline.check import TEXT_CHECKS, _english_numbers, _names, check_pair

HUMAN = [line.rstrip("\n").split("\t") for line in
         (Path(__file__).parent / "fixtures" / "human_pairs.tsv").read_text("utf-8").splitlines()
         if line.strip() and not line.startswith("#")]


def checks(source, target, score=None):
    return {flag.check for flag in check_pair(source, target, score)}


@pytest.mark.parametrize("source, target, check", [
    ("Die Inflation sank auf 2,5 Prozent.", "Inflation fell to 3.5 percent.", "numbers"),
    ("Rund 2.500 Beschäftigte streikten.", "Around employees went on strike.", "numbers"),
    ("Die Investition beläuft sich auf 116 Milliarden Yuan.", "The investment amounts to 116 million yuan.", "numbers"),
    ("Er kam am 3. Oktober.", "He came on October 4th.", "numbers"),
    ("Der Gipfel in Brüssel endete ohne Einigung nach zwei langen Verhandlungstagen.", "The summit ended.", "length"),
    ("Der Gipfel endete.", "The summit ended without agreement after two long days of talks in Brussels and a night session.", "length"),
    ("Der Gipfel in Brüssel endete ohne Einigung.", "Der Gipfel in Brüssel endete ohne Einigung.", "untranslated"),
    ("Die Preise für Heizöl haben sich binnen eines Jahres fast verdoppelt.", "The Preise für Heizöl haben sich almost doubled.", "untranslated"),
    ("Der Zug traf verspätet ein.", "The train train train arrived late.", "repetition"),
    ("Die Koalition einigte sich auf einen Haushalt.", "The coalition agreed on a budget agreed on a budget agreed on a budget.", "repetition"),
    ("Der Zug traf verspätet ein.", "", "empty"),
    ("Der Zug traf verspätet ein.", " ... !! ", "empty"),
    ("Im Jahr 2012 wurde BMW der erste Kunde von CATL.", "In 2012, BMW became the first customer of the battery maker.", "names"),
    ("Die Fabrik steht in Shenyang.", "The factory is in the north-east.", "names"),
    ("Das Modell, die Neue Klasse, kommt 2026.", "The model, the new generation, arrives in 2026.", "names"),
    ("Wie viele Wohnungen fehlen in Berlin?", "How many flats are missing in Berlin.", "punctuation"),
    ("„Wir haben keine Zeit“, sagte sie.", "We have no time, she said.", "punctuation"),
])
def test_flags_the_error(source, target, check):
    assert check in checks(source, target)


@pytest.mark.parametrize("pair", HUMAN, ids=[pair[0] for pair in HUMAN])
def test_correct_human_pairs_get_no_error(pair):
    _, source, target = pair
    errors = [f for f in check_pair(source, target, score=-0.3) if f.severity == "error"]
    assert errors == []


def test_number_formats_match_across_languages():
    for source, target in [("16,16 Milliarden", "16.16 billion"), ("2.500 Menschen", "2,500 people"),
                           ("116 Milliarden Yuan", "116 billion yuan"), ("3,5 Prozent", "3.5 percent"),
                           ("am 3. Oktober", "on October 3rd"), ("im Jahr 2026", "in 2026"),
                           ("drei Säulen", "three pillars"), ("zwei Menschen", "2 people")]:
        assert "numbers" not in checks(source, target), (source, target)


def test_confidence_uses_the_threshold():
    assert "confidence" in checks("Ein Satz.", "A sentence.", score=-2.0)
    assert "confidence" not in checks("Ein Satz.", "A sentence.", score=-0.2)


def test_flags_name_the_offending_text():
    flag = next(f for f in check_pair("Sie investierten 116 Milliarden Yuan.", "They invested 117 billion yuan.")
                if f.check == "numbers")
    assert flag.severity == "error" and "116 Milliarden" in flag.message and "117 billion" in flag.message
    assert flag.source_marks == ("116 Milliarden",) and flag.target_marks == ("117 billion",)


# --- injected errors on the human pairs: the figures for the closing note ----------------------

def inject(check, source, target):
    """The human target with one error of the given kind, or None where the pair cannot carry it."""
    if check == "numbers":
        numbers = _english_numbers(target)
        return target.replace(numbers[0].text, str(int(numbers[0].value) + 7), 1) if numbers else None
    if check == "length":
        words = target.split()
        return " ".join(words[: max(1, len(words) * 2 // 5)]) if len(words) >= 6 else None
    if check == "untranslated":
        return source
    if check == "repetition":
        words = target.rstrip(".").split()
        return " ".join(words + words[-2:] * 3) + "." if len(words) >= 2 else None
    if check == "empty":
        return ""
    if check == "names":
        present = [n for n in _names(source) if n in target]
        return target.replace(present[0], "it") if present else None
    if check == "punctuation":
        stripped = re.sub(r"[?!\"“”„]", "", target)
        return stripped + "." if stripped != target else None
    return target


def test_injected_errors_are_found_and_clean_pairs_stay_clean():
    rates = {}
    for check in (*TEXT_CHECKS, "confidence"):  # "split" depends on the model, not on the text
        found = tried = 0
        for _, source, target in HUMAN:
            if check == "confidence":
                broken, score = target, -3.0
            else:
                broken, score = inject(check, source, target), -0.3
            if broken is None:
                continue
            tried += 1
            found += check in checks(source, broken, score)
        rates[check] = (found, tried)
    clean_errors = sum(any(f.severity == "error" for f in check_pair(s, t, -0.3)) for _, s, t in HUMAN)
    report("QA checks on injected errors (found/tried): " + ", ".join(f"{c} {f}/{t}" for c, (f, t) in rates.items()))
    report(f"QA checks on {len(HUMAN)} clean human pairs: {clean_errors} with an error flag")
    assert all(f >= 0.9 * t and t >= 5 for f, t in rates.values()), rates
    assert clean_errors <= 0.05 * len(HUMAN)


def test_qa_command_reads_and_writes_json_lines():
    lines = "\n".join(json.dumps({"id": i, "source": s, "target": t}) for i, s, t in HUMAN[:3])
    lines += "\n" + json.dumps({"id": "bad", "source": "Rund 2.500 Beschäftigte.", "target": "Around 2,600 staff."})
    result = run_cli("qa", stdin=lines.encode())
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [o["id"] for o in out] == ["bmw1", "bmw2", "bmw3", "bad"]
    assert out[-1]["flags"][0]["check"] == "numbers" and out[-1]["flags"][0]["severity"] == "error"


def test_qa_command_names_the_bad_line():
    result = run_cli("qa", stdin=b'{"id": "a", "source": "x", "target": "y"}\n{"id": "b"}\n')
    assert result.returncode == 1 and b"line 2" in result.stderr


def test_a_sentence_translated_in_parts_is_flagged():
    assert [f.check for f in check_pair("Ein Satz.", "A sentence.", -0.3, parts=3)] == ["split"]
    assert check_pair("Ein Satz.", "A sentence.", -0.3, parts=1) == ()
