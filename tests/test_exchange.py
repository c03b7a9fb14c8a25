"""TMX and XLIFF outputs, read back with the standard library's XML parser (not translate-toolkit),
from a brief whose corrections went through a memory on either engine."""

import json
import xml.etree.ElementTree as ET

import pytest

from conftest import correction, run_cli, write_corrections

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"
TEXT = """---
title: Zitate & <Zeichen>
---
Der Vorstand sagte: „Wir wachsen um 5 % & mehr.“ Die Größe <b>zählt</b> nicht.

Straße, Maß und Fuß: "gerade Anführungszeichen" und 'einfache' sowie {{ 7*7 }} & Co.
"""


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def exported(request, tmp_path_factory, fixture_package):
    root = tmp_path_factory.mktemp("exchange")
    source = root / "zeichen.txt"
    source.write_text(TEXT, "utf-8")
    memory = request.getfixturevalue("postgres").new_database() if request.param == "postgresql" \
        else str(root / "memory.sqlite")
    args = ("--memory", memory)
    packages = fixture_package.path.parent
    assert run_cli("brief", str(source), "--out", str(root), *args, packages_dir=packages).returncode == 0
    pairs = json.loads((root / "zeichen.json").read_text("utf-8"))["pairs"]
    corrections = write_corrections(
        root / "zeichen.corrections.json", "zeichen", source,
        correction(pairs[0], "The board said: “We grow by 5 % & more.” <b>"),
        correction(pairs[2], "Street, measure & foot: \"straight quotes\" and 'single' {{ 7*7 }}", approved=False,
                   note="check the idiom"))
    applied = run_cli("corrections", "apply", str(corrections), "--input", str(source), *args)
    assert applied.returncode == 0, applied.stderr.decode()
    assert run_cli("brief", str(source), "--out", str(root), *args, packages_dir=packages).returncode == 0
    return root, json.loads((root / "zeichen.json").read_text("utf-8"))["pairs"]


def test_json_pairs_carry_the_hostile_characters(exported):
    _, pairs = exported
    assert [p["id"] for p in pairs] == ["p1.s1", "p1.s2", "p2.s1"]
    assert pairs[1]["source"] == "Die Größe <b>zählt</b> nicht."
    assert [p["origin"] for p in pairs] == ["human", "mt", "human"]


def test_tmx_round_trips_every_pair_id_and_character(exported):
    root, pairs = exported
    tree = ET.parse(root / "zeichen.tmx")
    assert tree.getroot().get("version") == "1.4"
    header = tree.getroot().find("header").attrib
    assert {k: header[k] for k in ("creationtool", "segtype", "o-tmf", "adminlang", "srclang", "datatype")} == {
        "creationtool": "de-en-brief", "segtype": "sentence", "o-tmf": "UTF-8", "adminlang": "en", "srclang": "de",
        "datatype": "plaintext"}
    assert header["creationtoolversion"]
    units = tree.getroot().find("body").findall("tu")
    assert len(units) == len(pairs)
    for unit, pair in zip(units, pairs):
        assert unit.get("tuid") == pair["id"]
        variants = {tuv.get(XML_LANG): tuv.find("seg").text for tuv in unit.findall("tuv")}
        assert variants == {"de": pair["source"], "en": pair["target"]}
        props = {prop.get("type"): prop.text for prop in unit.findall("prop")}
        assert props["x-origin"] == pair["origin"]
        assert ("x-score" in props) == (pair["score"] is not None)
        if pair["score"] is not None:
            assert float(props["x-score"]) == pytest.approx(pair["score"], abs=1e-4)


def test_xliff_has_a_unit_per_paragraph_a_segment_per_sentence_and_states(exported):
    root, pairs = exported
    tree = ET.parse(root / "zeichen.xlf")
    xliff = tree.getroot()
    assert xliff.tag == f"{XLIFF}xliff" and xliff.get("version").startswith("2.")
    assert (xliff.get("srcLang"), xliff.get("trgLang")) == ("de", "en")
    units = xliff.find(f"{XLIFF}file").findall(f"{XLIFF}unit")
    assert [unit.get("id") for unit in units] == ["p1", "p2"]
    segments = [segment for unit in units for segment in unit.findall(f"{XLIFF}segment")]
    assert [s.get("id") for s in segments] == [p["id"] for p in pairs]
    for segment, pair in zip(segments, pairs):
        assert segment.find(f"{XLIFF}source").text == pair["source"]
        assert segment.find(f"{XLIFF}target").text == pair["target"]
    assert [s.get("state") for s in segments] == ["final", "translated", "reviewed"]
