"""QA checks on real sentence pairs: what must be flagged, and correct human pairs that must not be."""

import json
from pathlib import Path

import pytest

from conftest import SHARED_DATA, report, run_cli
from tools.injection import evaluate, evaluate_verbatim
from pipeline.checks import DEFAULT_SETTINGS, check_pair, document_of, lexicon
from pipeline.checks.document import kept_as_written, length_baseline

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
    ("Die Regierung hat das Gesetz nicht beschlossen.", "The government has passed the law.", "negation"),
    ("Er war nie in Berlin.", "He was in Berlin.", "negation"),
    ("Keiner der Abgeordneten stimmte zu.", "All of the deputies agreed.", "negation"),
    ("Die Regierung hat das Gesetz beschlossen.", "The government has not passed the law.", "negation"),
    ("Clinton traf Rogers im April in Peking.", "Clinton met him in April in Beijing.", "names"),
    ("Deutschland und China vereinbarten im Mai neue Zölle.", "Germany agreed new tariffs in May.", "names"),
    ("Der Zug traf verspätet ein.", "The train had had had arrived late.", "repetition"),
    ("Der Zug traf verspätet ein.", "The train of of of of of the company arrived late.", "repetition"),
    ("Die Polizei sperrte am Samstag die Straße zwischen den beiden Dörfern wegen eines schweren Unfalls mit drei Lastwagen.",
     "On Saturday, police closed the road because of a serious accident.", "omission"),
    ("Der Minister lobte die Pläne.", "The minister praised the plans, which a secret committee of bankers had drawn up over the weekend in Zurich.", "addition"),
])
def test_flags_the_error(source, target, check):
    assert check in checks(source, target)


@pytest.mark.parametrize("german, english, uncovered", [
    ("Vielleicht spielt es keine Rolle.", "Perhaps it won't matter.", []),  # a dictionary phrase: eine Rolle spielen
    ("Ihre Stimme ging im wahrsten Sinne des Wortes um die Welt.", "Her voice literally went around the world.", []),
    ("An diesem Ort stahlen sie ein Kanu.", "Here they stole a canoe.", ["Ort"]),  # English lemmas: stole ~ steal
    ("Sie wurde im Jahr 1975 gegründet.", "It was founded in 1975.", []),
    ("Das Budget beträgt 1,4 Milliarden Dollar.", "The budget is $1.4bn.", ["beträgt"]),  # symbol and magnitude
    ("„Das ist gut“, fügte sie hinzu.", "“That is good,” she added.", []),  # a particle verb: hinzufügen
    ("Die Polizei führte eine Kontrolle durch.", "Police carried out a check.", []),  # durchführen
    ("Die Bank bietet Chatten und Tweets.", "The bank offers chat and tweets.", []),  # borrowed English
    ("Die mazedonischen Reiter kamen.", "The Macedonian riders came.", []),  # a cognate spelt the English way
    ("Zwei Tiere waren auf der Straße unterwegs.", "Two animals were the street.", ["unterwegs"]),  # not by 'were'
])
def test_the_english_accounts_for_the_german_words(german, english, uncovered):
    from pipeline.checks.context import PairContext
    from pipeline.checks.settings import DEFAULT_SETTINGS

    assert [word.text for word in PairContext(german, english, DEFAULT_SETTINGS).uncovered] == uncovered


def test_an_invented_sentence_is_an_addition_a_split_one_is_not():
    assert "addition" in checks("Der Minister lobte die Pläne.",
                                "The minister praised the plans. Police arrested two men in Hamburg on Friday.")
    assert "addition" not in checks(
        "Der Minister lobte die Pläne, die der Ausschuss am Wochenende in Zürich ausgearbeitet hatte.",
        "The minister praised the plans. The committee had drawn them up in Zurich at the weekend.")
    assert "addition" not in checks("Auf dem Maisfeld landete ein Ultraleichtflugzeug.",
                                    "An ultra-light plane landed in the cornfield.")


def test_number_formats_match_across_languages():
    for source, target in [("16,16 Milliarden", "16.16 billion"), ("2.500 Menschen", "2,500 people"),
                           ("116 Milliarden Yuan", "116 billion yuan"), ("3,5 Prozent", "3.5 percent"),
                           ("am 3. Oktober", "on October 3rd"), ("im Jahr 2026", "in 2026"),
                           ("drei Säulen", "three pillars"), ("zwei Menschen", "2 people"),
                           ("vier Kinder", "4 children"), ("5.000 $", "$5,000"), ("2,5 Prozent", "2.5 percent"),
                           ("Mitte der 90er", "mid-1990s"), ("um 21.30 Uhr", "at 9:30 pm"), ("um 18 Uhr", "at 6 p.m."),
                           ("mit 2:0 (1:0)", "2:0 (1:0)"), ("auf der A81", "on the A 81")]:
        assert "numbers" not in checks(source, target), (source, target)


def test_german_negations_that_english_says_otherwise_are_not_flagged():
    for source, target in [("Das ist nicht nur teuer, sondern auch langsam.", "It is expensive as well as slow."),
                           ("Kein Wunder, dass sie gingen.", "Small wonder that they left."),
                           ("Das Ergebnis ist nicht klar.", "The result is unclear."),
                           ("Er erreichte das Ziel nicht.", "He failed to reach the goal."),
                           ("Es ist theoretisch nicht nachweisbar.", "In theory, it's un-detectable."),
                           ("Das Klima ist ähnlich, aber nicht so extrem.", "The climate is similar, but less extreme.")]:
        assert "negation" not in checks(source, target), (source, target)


@pytest.mark.parametrize("source, target, flagged", [
    ("Das wäre nicht nur teuer, sondern auch falsch.", "It would only be expensive but also wrong.", "error"),
    ("Das wäre nicht nur teuer, sondern auch falsch.", "It would not only be expensive but also wrong.", None),
    ("Das ist nicht nur teuer, sondern auch falsch.", "Cost is not the only problem, but it is also wrong.", None),
    # an implicit negation that translates another German word stands for no nicht
    ("Er weigerte sich zu glauben, dass sie nicht mehr kommt.", "He refused to believe that she comes.", "error"),
    ("Er weigerte sich zu glauben, dass sie nicht mehr kommt.", "He refused to believe that she no longer comes.", None),
    ("Sie spielten ohne ihn und sind nicht zu schlagen.", "They played without him and can be beaten.", "error"),
    ("Die Absage kam nicht überraschend, aber wir können sie nicht akzeptieren.",
     "The cancellation did come as a surprise, but we cannot accept it.", "warning"),
    # what the negation negates may carry it in English
    ("Das Treffen war nicht genehmigt.", "The meeting was unauthorized.", None),
    ("Die Rennen werden nicht stattfinden.", "The races are cancelled.", None),
    # English that only looks negated: a time, and German's erst
    ("Kurz zuvor war er geschieden worden.", "Not long ago he had been divorced.", None),
    ("Die Expansion begann erst, als Schiffe gebaut wurden.", "They did not expand until ships were built.", None),
    ("Die Expansion begann, als Schiffe gebaut wurden.", "They did not expand until ships were built.", "warning"),
])
def test_english_negations_that_say_another_german_word_stand_for_no_nicht(source, target, flagged):
    severities = [f.severity for f in check_pair(source, target) if f.check == "negation"]
    assert severities == ([flagged] if flagged else []), severities


@pytest.mark.parametrize("source, target, flagged", [
    ("Mit ihrer \"How dare you?\"-Rede blieb sie in Erinnerung.", "With her “How dare you” speech she is remembered.",
     ("punctuation", "warning")),  # a quoted title's question mark: not a question of the sentence
    ("„Kommst du?“, fragte er.", "“You are coming,” he asked.", ("punctuation", "error")),
    ("Im Winter 1968/69 kam der Hit.", "In the winter of 1968/1969 came the hit.", None),  # a span of years
    ("Die Saison 2019/20 endete.", "The 2019-2020 season ended.", None),
    ("Im Winter 1968/69 kam der Hit.", "In the winter of 1968/1970 came the hit.", ("numbers", "error")),
])
def test_titles_and_spans_of_years_are_read_as_written(source, target, flagged):
    found = [(f.check, f.severity) for f in check_pair(source, target) if f.check in ("punctuation", "numbers")]
    assert found == ([flagged] if flagged else []), found


def test_names_allow_translations_possessives_and_exonyms():
    for source, target in [("Deutschland wächst.", "Germany is growing."), ("Clintons Rede", "Clinton's speech"),
                           ("Er flog nach Peking.", "He flew to Beijing."), ("in München", "in Munich"),
                           ("Wladimir Putin sprach.", "Vladimir Putin spoke."), ("Die Münchner Polizei", "Munich police"),
                           ("Sie hielten Teile von Unter-Ägypten.", "They held parts of lower Egypt."),  # a preposition
                           # a common noun's ending on a word the dictionary lacks (a new word, a slip)
                           ("Er verhandelte die Föderalisierung der Stadt.", "He discussed federalizing the city."),
                           ("Es gibt viele Nutzungsmögichkeiten.", "It has many uses.")]:
        assert "names" not in checks(source, target), (source, target)


@pytest.mark.parametrize("source, target", [
    ("Die Polizei in British Columbia ermittelt.", "Police in B.C. are investigating."),  # initials
    ("Das Vereinigte Königreich trat aus.", "The UK left."),  # initials of the dictionary's English
    ("Die Wirtschaft wuchs um 2 Prozent des BIP.", "The economy grew by 2 percent of GDP."),  # the dictionary's abbreviation
    ("Er arbeitete ein Jahrzent für die BBC.", "He worked for the BBC for a decade."),  # a slip, its word translated
    ("Die Ostmelanesier reisten nach Norden.", "Eastern Melanesians travelled north."),  # the compound's head
    ("Investoren legten 2 Mrd. GBP an.", "Investors put in £2bn."),  # currency code and magnitude
    ("Jan Ullrich gewann die Tour.", "Jan Ulrich won the Tour."),  # a name spelt one slip apart
    ("Cäsar überschritt den Rubikon.", "César crossed the Rubicon."),
    ("Die Anhänger Cäsars jubelten.", "The Caesarians cheered."),  # an umlaut as English writes it
    ("Wegen Corona fiel die Messe aus.", "The fair was cancelled because of corna."),  # a slip in the English
    ("Die Schüler in Abtsgmünd spielten Theater.", "The pupils in Absagmünd put on a play."),  # two slips, 9 letters
    ("Kolumbus segelte zu den Westindischen Inseln.", "Columbus sailed to the West Indies."),  # closed up in German
    ("Sie war in der Latenight-Show zu Gast.", "She was a guest on the late-night show."),  # hyphenated in English
    ("Das Flugzeug landete auf dem Maisfeld.", "The plane landed in the cornfield."),  # an English compound of its parts
])
def test_names_the_english_abbreviates_or_the_german_misspells_are_carried(source, target):
    assert "names" not in checks(source, target)


@pytest.mark.parametrize("source, target", [
    ("Friedrich kam gestern.", "He came yesterday."),  # one slip from friedlich, but nothing peaceful here
    ("Stefanie Kramer übernimmt das Notariat.", "Stefanie takes over the notary's office."),  # a surname after a given name
    ("Horst Seehofer sprach.", "Seehofer spoke."),  # a given name the dictionary knows as a word
    ("Sie fuhr nach Kissingen.", "She drove to the spa."),  # a place-name ending
    ("Jan Ullrich traf Erik Zabel.", "Jan Ullrich met Erik."),  # Ullrich is no slip of Erik
    ("Er reiste in die Ukraine.", "He travelled to the country."),  # Ding's "in the Ukraine" is no common word
    ("Gestern rief Frank an.", "Yesterday he called."),  # a given name alone (frank: candid)
    ("Trainer Klopp lobte die Mannschaft.", "The coach praised the team."),  # not the verb kloppen
    ("Das wies der Anwalt, Javier Tebas, zurück.", "This was rejected by the lawyer, Tebas."),  # lawyer is no slip of Javier
    ("Das sei geplant, sagte Walter.", "That is planned, they want to say."),  # no demonym: walten (want) is no city
    ("Das berichtete die New York Times.", "This was reported by the New Times."),  # New York's English "New" is New's
    ("Danach verabschiedete North Carolina das Gesetz.", "Then Carolina passed the law."),
    ("Das sagte Heil der Zeitung.", "He said that to the newspaper."),  # after a verb of saying (Heil: salvation)
    ("Im Landkreis Hof stiegen die Zahlen.", "In the county the numbers rose."),  # after a noun of place (Hof: yard)
    ("Das Fest in Bad Kissingen fiel aus.", "The festival in Kissingen was cancelled."),  # Bad before a place's name
    ("Zuvor kam es in Portland zu Zusammenstößen.", "Clashes had come before."),  # an Land kommen: come is no Port|land
    ("Er arbeitete beim BBC World Service.", "He worked for the BBC Service."),  # English the Punkt corpus quoted
    ("Kunden zahlen für den Select-Tarif mehr.", "Customers pay more for the tariff."),
])
def test_names_that_are_also_words_are_still_names(source, target):
    assert "names" in checks(source, target)


def test_the_dictionary_covers_the_bmw_article():
    from pipeline.checks.context import PairContext
    from pipeline.checks.settings import DEFAULT_SETTINGS

    covered = total = 0
    for _, source, target in HUMAN:
        words = PairContext(source, target, DEFAULT_SETTINGS).content_words
        covered += sum(word.covered for word in words)
        total += len(words)
    report(f"dictionary coverage of the BMW article's German content words (human English): {covered / total:.1%}")
    assert covered / total >= 0.85


def test_glosses_give_lemma_and_senses():
    lexical = lexicon.load()
    assert "strategy" in lexical.gloss("Strategien").senses
    gloss = lexical.gloss("Batterieriesen")
    assert gloss.headword == "batterie + riesen" and "battery" in gloss.senses
    assert lexicon.lemma("BILD") == "BILD" and lexical.gloss("BILD").headword == "bild"  # capitals: not bilden


@pytest.mark.parametrize("german, english, severity", [
    ("Im Jahr 2012 wurde BMW der erste Kunde von CATL.", "In 2012, BMW became the first customer of the battery maker.", "error"),
    ("Sie warf US-Präsident Trump einen bösen Blick zu.", "She gave Donald Trump the evil eye.", "warning"),  # a modifier
    ("Die EU und die EU-Kommission einigten sich.", "The Commission agreed.", "error"),  # standing alone once too
])
def test_a_missing_acronym_is_an_error_unless_it_only_modifies_a_compound(german, english, severity):
    assert [f.severity for f in check_pair(german, english) if f.check == "names"] == [severity]


def test_confidence_uses_the_threshold():
    assert "confidence" in checks("Ein Satz.", "A sentence.", score=-2.0)
    assert "confidence" not in checks("Ein Satz.", "A sentence.", score=-0.2)


def test_flags_name_the_offending_text():
    flag = next(f for f in check_pair("Sie investierten 116 Milliarden Yuan.", "They invested 117 billion yuan.")
                if f.check == "numbers")
    assert flag.severity == "error" and "116 Milliarden" in flag.message and "117 billion" in flag.message
    assert flag.source_marks == ("116 Milliarden",) and flag.target_marks == ("117 billion",)


# --- injected errors on real news pairs: the figures for the closing note ---------------------

NEWSTEST = SHARED_DATA / "newstest2021-de-en.jsonl"
PUD = SHARED_DATA / "ud-german-pud-half.jsonl"


@pytest.mark.skipif(not NEWSTEST.exists(), reason="../shared/data is not beside the project")
@pytest.mark.parametrize("dev_set", ["newstest2021", "UD German PUD"])
@pytest.mark.parametrize("half", [0, 1])
def test_checks_across_domains_on_correct_and_injected_pairs(dev_set, half):
    """Each half of each dev set: newstest2021 (news, German original) and UD German PUD (news and
    Wikipedia, English original). The omission and addition weights were fitted on the first halves
    (``tools/fit_checks.py``); the second halves are held out."""
    from tools.fit_checks import dev_halves

    result = evaluate(dev_halves()[dev_set][half])
    label = f"{dev_set}, {'first half (fitted on)' if half == 0 else 'second half (held out)'}"
    report(f"[{label}] " + result.table()[0])
    for line in result.table()[1:]:
        report(line)
    if dev_set == "UD German PUD":  # also each of its documents apart, as briefs of a few sentences are
        by_document = evaluate(dev_halves()[dev_set][half], document_key=lambda pair_id: pair_id.rsplit(".", 1)[0])
        report(f"  by its own documents: {by_document.clean_error_rate:.1%} with an error flag, "
               f"{by_document.clean_flag_rate:.1%} with any flag; "
               + ", ".join(f"{kind} {caught / tried:.1%}" for kind, (caught, tried) in by_document.caught.items()
                           if kind in ("negation", "names", "clause", "numbers", "added text")))
    # Floors a little under today's figures, so that a regression fails; the goals (≤ 2 % errors,
    # ≤ 10 % any flag, every kind ≥ 90 %) are not all met yet: see the README's checks table.
    news = dev_set == "newstest2021"
    assert result.clean_error_rate <= (0.03 if news else 0.035), result.table()
    assert result.clean_flag_rate <= (0.10 if news else 0.14), result.table()
    floors = {"names": 0.88, "clause": 0.84, "negation": 0.9}
    assert all(caught >= floors.get(kind, 0.9) * tried for kind, (caught, tried) in result.caught.items()), result.table()


def test_an_injected_error_is_caught_by_a_flag_that_names_it():
    """A pair that already misses a (misspelt) name: dropping another adds no new check or severity,
    but the names flag now names the dropped one, and so counts as caught; the stricter count does not."""
    result = evaluate([("t.1", "Als Julian im Kapf getötet wurde, trauerte ganz Rom.",
                        "When Julian was killed in battle, all of Rome mourned.")])
    assert result.caught["names"] == (1, 1) and result.caught_by_check["names"] == 0


@pytest.mark.parametrize("german, english, flagged", [
    ("Mehr unter https://www.bmw.de/ki.", "More at https://www.bmw.de/ki.", None),
    ("Mehr unter https://www.bmw.de/ki.", "More at https://bmw.de/ki.", "error"),
    ("Schreiben Sie an presse@bmw.de.", "Write to presse at bmw.de.", "error"),
    ("Folgen Sie @BMWGroup und #IAA2025.", "Follow @bmwgroup and #IAA2025.", None),
    ("Folgen Sie @BMWGroup.", "Follow BMWGroup.", "warning"),
    ("Die Datei liegt in /usr/share/doc/debian.", "The file is in /usr/share/doc/debian.", None),
    ("Rufen Sie +49 89 382-0 an.", "Call 49 89 382-0.", "warning"),
    ("Der A320neo und der A81 sind gemeint.", "The A320neo and the A 81 are meant.", None),
    ("Version 4.1.2 behebt den Fehler.", "Version 4.1 fixes the bug.", "warning"),
    ("Am 12.3.2020 stieg der Wert auf 4,5 Prozent.", "On March 12, 2020 the value rose to 4.5 percent.", None),
])
def test_verbatim_things_must_survive(german, english, flagged):
    severities = [f.severity for f in check_pair(german, english) if f.check == "verbatim"]
    assert severities == ([flagged] if flagged else []), severities


@pytest.mark.skipif(not NEWSTEST.exists(), reason="../shared/data is not beside the project")
def test_verbatim_check_on_correct_and_mangled_items():
    from tools.fit_checks import dev_halves

    pairs = [pair for halves in dev_halves().values() for half in halves for pair in half]
    flagged, correct, caught, tried = evaluate_verbatim(pairs)
    report(f"verbatim: {flagged} of {correct} correct pairs with a URL, address, handle, path, ISBN, version or "
           f"model number flagged; {caught} of {tried} mangled ones caught ({caught / tried:.1%})")
    assert flagged <= 0.01 * correct and caught >= 0.99 * tried


TERSE = ("Von Juni bis August 2010 war die Sahel-Zone von einer Hungersnot betroffen.",
         "In June to August 2010 famine struck the Sahel.")
"""A correct PUD pair (English original) whose English runs short, as the English of that set does."""


def test_a_documents_own_length_is_the_baseline():
    prior = DEFAULT_SETTINGS.length_ratio_prior
    assert length_baseline([]) == prior
    assert length_baseline([("Kurz.", "A much longer English text than that.")]) == prior  # too short to count
    long_german = "Der Bundestag hat heute ein neues Gesetz beschlossen."
    one = length_baseline([(long_german, long_german[:30])])  # log(30/53) = -0.57, but one pair counts little
    many = length_baseline([(long_german, long_german[:46])] * 200)  # log(46/53) = -0.14
    assert prior - 0.06 < one < prior and many == pytest.approx(-0.14, abs=0.01)
    assert length_baseline([(long_german, long_german[:20])] * 200) == pytest.approx(prior - 0.15)  # within reach


def test_terse_english_is_judged_against_its_document():
    alone = [f.check for f in check_pair(*TERSE, -0.3)]
    terse_document = document_of([TERSE] * 40).without(*TERSE)
    assert "omission" in alone and "omission" not in [f.check for f in check_pair(*TERSE, -0.3, document=terse_document)]


def test_words_a_documents_english_keeps_as_written():
    assert kept_as_written("Heute gewann die Eintracht in Mainz.", "Today Eintracht won in Mainz.") == {"Eintracht", "Mainz"}
    assert kept_as_written("Das Team gewann.", "Team members won.") == set()  # English capitalizes it anyway
    assert kept_as_written("Er sagte: „Team ist alles.“", "He said: \"Team is everything.\"") == set()


def test_a_word_the_document_keeps_as_a_name_elsewhere_is_a_name():
    """``Eintracht`` is a word (harmony) to the dictionary; the other sentence shows it is a club here."""
    kept = ("Am Samstag spielte die Eintracht gut.", "On Saturday, Eintracht played well.")
    dropped = ("Danach verlor die Eintracht in Mainz.", "Afterwards, they lost in Mainz.")
    document = document_of([kept, dropped])
    assert document.without(*dropped).keeps("Eintracht") and not document.without(*kept).keeps("Eintracht")
    assert "names" not in checks(*dropped)  # alone
    flags = check_pair(*dropped, document=document.without(*dropped))
    assert [(f.check, f.source_marks) for f in flags] == [("names", ("Eintracht",))]
    assert "kept as written in another sentence" in flags[0].message  # why a word is taken for a name
    assert "names" not in [f.check for f in check_pair(*kept, document=document.without(*kept))]


def test_an_omission_is_an_error_only_where_the_english_is_short():
    """With thresholds low enough that both pairs score above them: the paraphrase of the usual length
    stays a warning."""
    from dataclasses import replace

    settings = replace(DEFAULT_SETTINGS, omission_warning=-6.0, omission_error=-5.0)
    german = "Sie wurde im Jahr 1975 zum geschützten Lebensraum für Tiere erklärt."
    short = "It was declared a wildlife sanctuary in 1975."
    usual = "In 1975, it was formally declared a wildlife sanctuary by decree."

    def omission(english):
        return [f.severity for f in check_pair(german, english, settings=settings) if f.check == "omission"]

    assert omission(short) == ["error"] and omission(usual) == ["warning"]


@pytest.mark.skipif(not PUD.exists(), reason="../shared/data is not beside the project")
def test_qa_reads_its_input_as_one_document():
    """The same pair, alone and among 250 pairs of English originals, which run terser than news."""
    pud = [(de, en) for r in map(json.loads, PUD.read_text("utf-8").splitlines())
           for de, en in zip(r["sentences"], r["sentences_en"])][:250]
    lines = [json.dumps({"id": "terse", "source": TERSE[0], "target": TERSE[1]})]
    alone = json.loads(run_cli("qa", stdin=lines[0].encode()).stdout.decode())
    lines += [json.dumps({"id": i, "source": de, "target": en}) for i, (de, en) in enumerate(pud)]
    result = run_cli("qa", stdin="\n".join(lines).encode())
    among = json.loads(result.stdout.decode().splitlines()[0])
    assert [f["check"] for f in alone["flags"]] == ["omission"] and among == {"id": "terse", "flags": []}


def test_correct_human_pairs_of_the_article_get_few_errors():
    errors = [(source, f.message) for _, source, target in HUMAN for f in check_pair(source, target, -0.3)
              if f.severity == "error"]
    assert len(errors) <= 0.05 * len(HUMAN), errors


def test_qa_command_reads_and_writes_json_lines():
    lines = "\n".join(json.dumps({"id": i, "source": s, "target": t}) for i, s, t in HUMAN[:3])
    lines += "\n" + json.dumps({"id": "bad", "source": "Rund 2.500 Beschäftigte.", "target": "Around 2,600 staff."})
    result = run_cli("qa", stdin=lines.encode())
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [o["id"] for o in out] == ["bmw1", "bmw2", "bmw3", "bad"]
    assert out[-1]["flags"][0]["check"] == "numbers" and out[-1]["flags"][0]["severity"] == "error"
    assert out[-1]["flags"][0]["source_marks"] == ["2.500"] and out[-1]["flags"][0]["target_marks"] == ["2,600"]


def test_qa_command_names_the_bad_line():
    result = run_cli("qa", stdin=b'{"id": "a", "source": "x", "target": "y"}\n{"id": "b"}\n')
    assert result.returncode == 1 and b"line 2" in result.stderr


def test_a_sentence_translated_in_parts_is_flagged():
    assert [f.check for f in check_pair("Ein Satz.", "A sentence.", -0.3, parts=3)] == ["split"]
    assert check_pair("Ein Satz.", "A sentence.", -0.3, parts=1) == ()


def test_qa_on_a_thousand_pairs_is_quick():
    """The goal is under 10 s on 2 cores, dictionary included; the figure is reported, not timed as a test."""
    import time

    pairs = [json.loads(line) for line in NEWSTEST.read_text("utf-8").splitlines()] if NEWSTEST.exists() else []
    lines = "\n".join(json.dumps({"id": p["id"], "source": p["de"], "target": p["en"]}) for p in pairs)
    start = time.perf_counter()
    result = run_cli("qa", stdin=lines.encode())
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.decode().splitlines()) == len(pairs)
    report(f"qa on {len(pairs)} newstest pairs, whole process with dictionary loading: {time.perf_counter() - start:.1f} s")
