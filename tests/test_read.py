import codecs

import pytest

from pipeline.errors import InputError
from pipeline.read import parse_document, read_document


def texts(document):
    return [p.text for p in document.paragraphs]


def test_every_line_is_a_paragraph_without_blank_lines():
    doc = parse_document("Erster Satz.\nZweiter Absatz.\n".encode(), "x")
    assert texts(doc) == ["Erster Satz.", "Zweiter Absatz."]


def test_blank_lines_separate_paragraphs_and_single_breaks_are_soft_wraps():
    doc = parse_document("Ein Satz, der\numbrochen ist.\n\nNeuer Absatz.\n".encode(), "x")
    assert texts(doc) == ["Ein Satz, der umbrochen ist.", "Neuer Absatz."]
    assert [p.line for p in doc.paragraphs] == [1, 4]


def test_bom_and_crlf_are_handled():
    doc = parse_document(codecs.BOM_UTF8 + "Größe\r\nÄrger\r\n".encode(), "x")
    assert texts(doc) == ["Größe", "Ärger"]
    assert doc.encoding == "utf-8" and not doc.encoding_detected


def test_utf16_with_bom():
    doc = parse_document("Straße und Brücke.\n".encode("utf-16"), "x")
    assert texts(doc) == ["Straße und Brücke."]


def test_latin1_is_detected_and_marked_as_assumed():
    text = ("Die Überprüfung der Maßnahmen ergab, dass die Größe der Brücke für den Verkehr "
            "nicht ausreicht. Die Bürger äußerten ihren Ärger über die Verzögerung.\n")
    doc = parse_document(text.encode("latin-1"), "x")
    assert texts(doc) == [text.strip()]
    assert doc.encoding_detected and doc.encoding in {"latin_1", "iso8859_15", "cp1252", "iso8859_1"}


def test_undetectable_bytes_are_refused_with_line_number():
    with pytest.raises(InputError, match=r"x:2: not UTF-8"):
        parse_document(b"Gut.\n\x81\x8d\x8f\x90\x9d\xff\xfe\x81\n", "x")


def test_nul_bytes_mean_binary():
    with pytest.raises(InputError, match="binary"):
        parse_document(b"PK\x03\x04\x00\x00binary", "x")


def test_front_matter_sets_title_and_metadata():
    raw = "---\ntitle: BMW in China\nsource: Xinhua\ndate: 2025-03-25\nauthor: \"Redaktion\"\n---\nText.\n"
    doc = parse_document(raw.encode(), "bmw")
    assert (doc.title, doc.source, doc.date, doc.author) == ("BMW in China", "Xinhua", "2025-03-25", "Redaktion")
    assert texts(doc) == ["Text."]


def test_title_from_file_name_without_front_matter():
    assert parse_document(b"Text.", "bmw-ki-strategie").title == "Bmw Ki Strategie"
    assert parse_document("BMW stellt die KI-Strategie vor.".encode(), "bmw-ki-strategie").title == "BMW KI Strategie"


def test_unterminated_front_matter_is_an_error():
    with pytest.raises(InputError, match="never closed"):
        parse_document(b"---\ntitle: X\nText ohne Ende.\n", "x")


def test_unknown_front_matter_key_names_the_line():
    with pytest.raises(InputError, match=r"x:3: front matter line 'colour: blue'"):
        parse_document(b"---\ntitle: X\ncolour: blue\n---\nText.\n", "x")


@pytest.mark.parametrize("raw", [b"", b"   \n\t\n", codecs.BOM_UTF8, b"---\ntitle: X\n---\n\n"])
def test_empty_input_is_an_error(raw):
    with pytest.raises(InputError, match="no text"):
        parse_document(raw, "x")


def test_invisible_characters_are_removed_and_whitespace_collapsed():
    doc = parse_document("Null\u200bbreite  und\tTabs\x07.".encode(), "x")
    assert texts(doc) == ["Nullbreite und Tabs."]


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "fehlt.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_document(tmp_path)


def test_the_article_reads_as_eight_paragraphs():
    from conftest import ARTICLE

    doc = read_document(ARTICLE)
    assert len(doc.paragraphs) == 8
    assert doc.paragraphs[0].text.startswith("Der deutsche Autohersteller BMW")
