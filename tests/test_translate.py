"""The translate stage gives, for each sentence, exactly what Argos Translate's own code gives."""

import math

import ctranslate2
from argostranslate.package import Package

from pipeline import read, segment
from pipeline.translate.local import MAX_BATCH_TOKENS, _batches


def argos_reference(package_path, sentence):
    """Argos Translate 1.11's apply_packaged_translation() for one sentence, step by step."""
    pkg = Package(package_path)
    model = ctranslate2.Translator(str(package_path / "model"), device="cpu", compute_type="int8")
    tokens = pkg.tokenizer.encode(sentence)
    prefix = [[pkg.target_prefix]] if pkg.target_prefix else None
    result = model.translate_batch([tokens], target_prefix=prefix, replace_unknowns=True, max_batch_size=32,
                                   batch_type="tokens", beam_size=4, num_hypotheses=1, length_penalty=0.2,
                                   return_scores=True)[0]
    value = pkg.tokenizer.decode(result.hypotheses[0])
    if pkg.target_prefix and value.startswith(pkg.target_prefix):
        value = value[len(pkg.target_prefix):]
    return value[1:] if value.startswith(" ") else value


def article_sentences():
    from conftest import ARTICLE

    return [s.text for s in segment.segment(read.read_document(ARTICLE))]


def test_every_sentence_equals_argos_own_output(translator, fixture_package):
    sentences = article_sentences()
    ours = translator.translate(sentences)
    assert [t.text for t in ours] == [argos_reference(fixture_package.path, s) for s in sentences]


def test_scores_are_mean_log_probabilities_per_token(translator):
    sentence = article_sentences()[0]
    translation = translator.translate([sentence])[0]
    tokens = translator.tokenize(sentence)
    hypothesis = translator.model.translate_batch([tokens], beam_size=4, length_penalty=0.2)[0].hypotheses[0]
    log_probs = translator.model.score_batch([tokens], [hypothesis])[0].log_probs
    assert math.isclose(translation.score, sum(log_probs) / len(log_probs), rel_tol=1e-3)
    assert translation.score < 0


def test_output_length_is_capped_relative_to_the_source(translator):
    sentence = "Ja."
    translation = translator.translate([sentence])[0]
    limit = len(translator.tokenize(sentence)) * translator.settings.max_length_ratio + translator.settings.max_length_extra
    assert len(translator.tokenize(translation.text)) <= limit + 2


def test_batches_hold_whole_sentences_sorted_by_length():
    lengths = [5, 1, 300, 2, 40] * 40
    batches = _batches([["x"] * n for n in lengths], 32)
    flat = [i for batch in batches for i in batch]
    assert sorted(flat) == list(range(len(lengths)))
    assert [lengths[i] for i in flat] == sorted(lengths)
    assert all(len(batch) <= 32 for batch in batches)
    assert all(len(batch) * (max(lengths[i] for i in batch) + 1) <= MAX_BATCH_TOKENS for batch in batches)


def test_progress_is_reported_per_batch(translator):
    done = []
    translator.translate(article_sentences(), progress=done.append)
    assert sum(done) == len(article_sentences())


def test_the_thread_layout_is_measured_once_and_never_changes_the_english(fixture_package, tmp_path, monkeypatch):
    from pipeline.translate.layouts import CALIBRATION_SENTENCES, LAYOUTS_FILE, Layout
    from pipeline.translate.local import Translator

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # a machine that has not measured this model yet
    sentences = [s for s in article_sentences() * 20][: 2 * CALIBRATION_SENTENCES + 5]
    measured = Translator(fixture_package, threads=2)
    assert measured.candidates() == [Layout(2, 1), Layout(1, 2)]
    assert "not yet measured" in measured.configuration
    english = [t.text for t in measured.translate(sentences)]
    assert "not yet measured" in measured.configuration, "translating alone measures nothing"
    assert not list(tmp_path.rglob(LAYOUTS_FILE)), "nor writes the cache"
    calibration = measured.calibrate(sentences)
    assert set(calibration.seconds) == {Layout(2, 1), Layout(1, 2)} and calibration.sentences == CALIBRATION_SENTENCES
    assert "not yet measured" in measured.configuration, "a calibration is a result, not a change"
    measured.prepare(sentences)
    assert "measured now" in measured.configuration and " s on " in measured.configuration
    assert [t.text for t in measured.translate(sentences)] == english
    cached = Translator(fixture_package, threads=2)
    assert "measured on this machine" in cached.configuration  # remembered, not measured again
    for layout in ("2x1", "1x2"):
        monkeypatch.setenv("PIPELINE_THREADS", layout)
        forced = Translator(fixture_package, threads=2)
        forced.prepare(sentences)
        assert "set by PIPELINE_THREADS" in forced.configuration
        assert [t.text for t in forced.translate(sentences)] == english, layout
