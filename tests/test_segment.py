"""The German splitter: fixture cases, the dev-set figure, and the command line."""

from pathlib import Path

import pytest

from conftest import SHARED_DATA, report, run_cli
from pipeline import segment
from pipeline.read import parse_document

CASES = Path(__file__).parent / "fixtures" / "segment_cases.txt"
STOCK_PUNKT_F1 = 0.976
GOAL_F1 = 0.985
PUD_GOAL_F1 = 0.995


def load_cases(path):
    """``(kind, input, expected)``: the kind from a ``[heading]``, ``[item]`` or ``[wrapped]`` title, else text."""
    cases, lines = [], [l for l in path.read_text("utf-8").splitlines() if not l.startswith("# ")]
    for block in "\n".join(lines).split("\n\n"):
        rows = [row for row in block.strip().splitlines() if row]
        if rows and rows[0].startswith("## "):
            title = rows[0][3:]
            kind = title[1:title.index("]")] if title.startswith("[") else "text"
            cases.append(pytest.param(kind, rows[1], rows[2:], id=title))
    return cases


@pytest.mark.parametrize("kind, text, expected", load_cases(CASES))
def test_case(kind, text, expected):
    if kind == "wrapped":  # as a plain-text file hard-wrapped at these line ends
        document = parse_document(text.replace(" ⏎ ", "\n").encode(), "wrapped")
        assert [s.text for s in segment.segment(document)] == expected
    else:
        assert [text[start:end] for start, end in segment.paragraph_spans(text, kind)] == expected


def test_segment_ids_follow_paragraphs():
    doc = parse_document("Erster Satz. Zweiter Satz.\nDritter Satz.".encode(), "x")
    assert [(s.id, s.text) for s in segment.segment(doc)] == [
        ("p1.s1", "Erster Satz."), ("p1.s2", "Zweiter Satz."), ("p2.s1", "Dritter Satz.")]


@pytest.mark.parametrize("gold, goal, stock", [("ud-german-gsd-dev.jsonl", GOAL_F1, STOCK_PUNKT_F1),
                                              ("ud-german-pud-half.jsonl", PUD_GOAL_F1, None)])
def test_reaches_the_goal_on_ud_german(gold, goal, stock):
    result = run_cli("segment", "--eval", str(SHARED_DATA / gold))
    assert result.returncode == 0, result.stderr
    line = result.stdout.decode().strip()
    report(f"splitter on {gold}: {line}" + (f" (stock Punkt F1 {stock})" if stock else ""))
    f1 = float(line.split("F1 ")[1].split()[0])
    assert f1 >= goal


@pytest.mark.parametrize("raw", ["BMW setzt auf KI\nDer Konzern stellte am Dienstag seine Strategie vor.",
                                 "BMW setzt auf KI\n\nDer Konzern stellte\nam Dienstag seine Strategie vor.\n"])
def test_headlines_without_final_punctuation_stay_their_own_segment(raw):
    segments = segment.segment(parse_document(raw.encode(), "x"))
    assert [(s.id, s.text) for s in segments] == [
        ("p1.s1", "BMW setzt auf KI"), ("p2.s1", "Der Konzern stellte am Dienstag seine Strategie vor.")]


def test_segment_command_prints_a_sentence_a_line_and_blank_lines_between_paragraphs():
    result = run_cli("segment", stdin="Am 3. Okt. 2025 sprach Dr. Zipse. Danach ging er.\nNeuer Absatz.\n".encode())
    assert result.returncode == 0
    assert result.stdout.decode() == "Am 3. Okt. 2025 sprach Dr. Zipse.\nDanach ging er.\n\nNeuer Absatz.\n"


def test_segment_command_on_empty_input_is_an_error():
    result = run_cli("segment", stdin=b"   \n")
    assert result.returncode == 1 and b"no text" in result.stderr


def test_eval_file_errors_name_the_line(tmp_path):
    bad = tmp_path / "gold.jsonl"
    bad.write_text('{"sentences": ["Ein Satz."]}\nnot json\n')
    result = run_cli("segment", "--eval", str(bad))
    assert result.returncode == 1 and b"gold.jsonl:2:" in result.stderr
