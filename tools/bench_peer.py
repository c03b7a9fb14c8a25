"""The peer side of ``make bench``: Argos Translate 1.11 translating the corpus its users' way.

Runs in the bench's own environment (the full ``argostranslate`` with torch,
stanza and spaCy), not in the pipeline's, so it imports nothing from the
pipeline. Its translation object is Argos' own, called per paragraph through
``argostranslate.translate.translate``; only its sentence splitter is replaced,
by the pipeline's sentences (all of Argos' splitters download models). A
recorder around Argos' CTranslate2 translator notes each sentence's output
tokens, so the English can be compared sentence by sentence.

    python tools/bench_peer.py CORPUS.json RESULT.json
"""

import json
import resource
import sys
import time


class PipelineSentences:
    """Argos' sentencizer interface, answering with the pipeline's sentences."""

    def __init__(self, splits: dict[str, list[str]]):
        self._splits = splits

    def split_sentences(self, text: str) -> list[str]:
        return self._splits[text]


class RecordingTranslator:
    """Forwards to Argos' own ``ctranslate2.Translator`` and keeps each sentence's best hypothesis."""

    def __init__(self, translator):
        self._translator = translator
        self.hypotheses: list[list[str]] = []

    def translate_batch(self, *args, **kwargs):
        results = self._translator.translate_batch(*args, **kwargs)
        self.hypotheses.extend(result.hypotheses[0] for result in results)
        return results


def main(corpus_path: str, result_path: str) -> int:
    from argostranslate import translate

    paragraphs = json.load(open(corpus_path, encoding="utf-8"))["paragraphs"]
    splits = {p["text"]: p["sentences"] for p in paragraphs}
    warm_up = "Guten Morgen."
    splits[warm_up] = [warm_up]
    translation = translate.get_translation_from_codes("de", "en")
    package_translation = translation.underlying
    package_translation.sentencizer = PipelineSentences(splits)
    translate.translate(warm_up, "de", "en")  # loads the model, as Argos does on first use
    recorder = RecordingTranslator(package_translation.translator)
    package_translation.translator = recorder

    started = time.perf_counter()
    english_paragraphs = [translate.translate(p["text"], "de", "en") for p in paragraphs]
    seconds = time.perf_counter() - started

    package = package_translation.pkg
    sentences = []
    for tokens in recorder.hypotheses:  # decoded exactly as argostranslate.translate does
        value = package.tokenizer.decode(tokens)
        if package.target_prefix != "" and value.startswith(package.target_prefix):
            value = value[len(package.target_prefix):]
        if value[:1] == " ":
            value = value[1:]
        sentences.append(value)
    result = {
        "seconds": seconds,
        "translations": sentences,
        "paragraphs": english_paragraphs,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    json.dump(result, open(result_path, "w", encoding="utf-8"), ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
