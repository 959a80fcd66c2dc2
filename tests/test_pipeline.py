"""Unit tests of the extraction components, on spaCy's blank German pipeline.

Every sentence here is written for these tests; none comes from an outlet or ../shared.
"""

from __future__ import annotations

from datetime import date

import pytest
import spacy

from transforms.articles import parse_article
from transforms.extract import build_pipeline, extract_article
from transforms.knowledge import DEFAULT_KB_DIR, load_knowledge_base
from transforms.pipeline.lexicon import Lexicon
from transforms.pipeline.tokens import RECORDS_ONLY, sentence_spans
from transforms.temporal import PublicationDate


@pytest.fixture(autouse=True)
def knowledge_base(monkeypatch):
    """These tests run on the bundled knowledge base, not the tiny one of conftest."""
    monkeypatch.setenv("CONTACTS_KB_DIR", str(DEFAULT_KB_DIR))
    return DEFAULT_KB_DIR


@pytest.fixture(scope="module")
def nlp():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CONTACTS_KB_DIR", str(DEFAULT_KB_DIR))
        return build_pipeline()


def article(text: str, published: str | None = "2025-02-17", doc_id: str = "t") -> object:
    marker = f"date {published}\n" if published else ""
    return parse_article(doc_id, (marker + text).encode("utf-8"), f"{doc_id}.txt")


def records(nlp, text: str, published: str | None = "2025-02-17") -> list[dict]:
    return [r.to_schema() for r in extract_article(nlp, article(text, published)).contacts]


def run(nlp, text: str, published: PublicationDate | None = None):
    doc = nlp.make_doc(text)
    doc._.publication = published
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


# --- pipeline assembly -------------------------------------------------------------


def test_pipeline_is_blank_german_with_registered_components(nlp):
    assert nlp.lang == "de"
    assert nlp.meta["contacts_base"] == "blank:de"
    for name in ("contacts_sentencizer", "lookup_lemmatizer", "actor_recognizer", "contact_triggers"):
        assert name in nlp.pipe_names
    assert nlp.meta["contacts_extractor_version"].startswith("0.")


# --- sentences and lemmas ----------------------------------------------------------


def test_sentences_survive_dates_ordinals_and_abbreviations(nlp):
    doc = run(nlp, "Am 15. Februar traf Dr. Müller den Minister. Am 3. März reiste er nach Genf.")
    sents = [s.text for s in doc.sents]
    assert sents == ["Am 15. Februar traf Dr. Müller den Minister.", "Am 3. März reiste er nach Genf."]


def test_sentences_end_at_line_breaks_and_keep_closing_quotes(nlp):
    doc = run(nlp, 'Gipfel in Brüssel\n\nEr sagte: "Wir reden." "Gut", antwortete sie.')
    sents = [s.text.strip() for s in doc.sents]
    assert sents[0] == "Gipfel in Brüssel"
    assert sents[1] == 'Er sagte: "Wir reden."'
    assert sents[2].startswith('"Gut"')


def test_lemma_overrides_fix_the_lookup_table(nlp):
    doc = run(nlp, "Sie hat ihn getroffen und empfing ihn später.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["getroffen"] == "treffen"
    assert lemmas["empfing"] == "empfangen"


def test_records_only_documents_skip_the_doc_columns_but_give_the_same_contacts(nlp):
    text = "Am Montag empfing Bundeskanzler Scholz den französischen Präsidenten in Berlin.\nMehr bald."
    full = run(nlp, text, PublicationDate(date(2023, 5, 10), "day"))
    doc = nlp.make_doc(text)
    doc._.publication = PublicationDate(date(2023, 5, 10), "day")
    doc.user_data[RECORDS_ONLY] = True
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    # Only the Doc's own columns are skipped: spaCy sees no sentence or lemma annotation ...
    assert full.has_annotation("SENT_START") and full.has_annotation("LEMMA")
    assert not doc.has_annotation("SENT_START") and not doc.has_annotation("LEMMA")
    # ... while the components read the same sentences and lemmas and find the same contact.
    assert [(s.start, s.end) for s in sentence_spans(doc)] == [(s.start, s.end) for s in full.sents]

    def contacts(d):
        return [(c.contact_type, c.status, c.trigger, c.date) for c in d._.contacts]

    assert contacts(doc) and contacts(doc) == contacts(full)


# --- actors --------------------------------------------------------------------------


def mentions(nlp, text: str):
    return run(nlp, text)._.actor_mentions


def test_known_person_with_role_and_genitive_form(nlp):
    ms = mentions(nlp, "Außenministerin Annalena Baerbock kritisierte Lawrows Aussagen.")
    assert ms[0].kind == "person" and ms[0].person_id == "Annalena Baerbock"
    assert ms[0].role == "foreign_minister"
    lawrow = next(m for m in ms if m.person_id == "Sergej Lawrow")
    assert lawrow.attributes.get("genitive") is True


def test_office_from_adjective_compound_and_genitive(nlp):
    ms = mentions(nlp, "Der russische Außenminister, der US-Präsident und der Präsident Frankreichs kamen.")
    offices = [(m.kind, m.role, m.jurisdiction or m.country) for m in ms]
    assert ("office", "foreign_minister", "RUS") in offices
    assert ("office", "head_of_state", "USA") in offices
    assert ("office", "head_of_state", "FRA") in offices


def test_plural_office_over_several_countries(nlp):
    ms = mentions(nlp, "Die Außenminister Polens, Litauens und Italiens berieten.")
    plural = next(m for m in ms if m.kind == "office")
    assert plural.countries == ("POL", "LTU", "ITA")


def test_coordinated_adjectives_name_two_sides(nlp):
    ms = mentions(nlp, "Gespräche mit russischen und ukrainischen Unterhändlern")
    side = next(m for m in ms if m.kind == "side")
    assert side.countries == ("RUS", "UKR")


def test_unknown_person_introduced_by_an_office(nlp):
    ms = mentions(nlp, "Der moldauische Außenminister Ion Testescu reiste nach Berlin.")
    person = next(m for m in ms if m.kind == "person")
    assert person.person_id == "Ion Testescu"
    assert person.attributes.get("discovered") is True
    assert person.country == "MDA"


def test_spokesperson_is_recognized_as_speaker(nlp):
    ms = mentions(nlp, "Regierungssprecher Steffen Hebestreit bestätigte das Treffen.")
    assert ms[0].kind == "speaker"


def test_common_words_are_not_surname_aliases():
    kb = load_knowledge_base()
    lexicon = Lexicon(kb, spacy.blank("de").tokenizer, lambda word: word == "Frieden")
    frieden = lexicon.phrases.get(("Frieden",), [])
    assert not any(e.label == "PERSON" for e in frieden)


# --- contacts: triggers, participants, status ----------------------------------------


def test_phone_call_between_two_known_persons(nlp):
    recs = records(
        nlp,
        "Bundeskanzler Olaf Scholz hat am Freitag mit Präsident Emmanuel Macron telefoniert.",
        "2023-06-12",
    )
    assert len(recs) == 1
    rec = recs[0]
    assert rec["type"] == "phone_call" and rec["status"] == "occurred"
    assert rec["participants"] == ["Emmanuel Macron", "Olaf Scholz"]
    assert rec["date"] == "2023-06-09"


def test_source_of_the_report_is_no_participant(nlp):
    recs = records(
        nlp,
        "Wadephul traf am Montag seinen türkischen Amtskollegen Hakan Fidan, teilte das Auswärtige Amt mit.",
        "2025-06-03",
    )
    assert recs[0]["participants"] == ["Hakan Fidan", "Johann Wadephul"]


def test_role_only_mention_resolved_by_office_country_and_date(nlp):
    recs = records(nlp, "Der Bundeskanzler empfing am Dienstag den US-Außenminister.", "2025-02-20")
    # On 2025-02-18 the chancellor was Olaf Scholz and the secretary of state Marco Rubio.
    assert recs[0]["participants"] == ["Marco Rubio", "Olaf Scholz"]
    assert recs[0]["date"] == "2025-02-18"


def test_relational_counterpart_takes_the_role_of_the_other(nlp):
    recs = records(nlp, "Sergej Lawrow hat mit seinem US-Amtskollegen telefoniert.", "2024-05-10")
    assert recs[0]["participants"] == ["Antony Blinken", "Sergej Lawrow"]


def test_planned_visit_with_destination(nlp):
    recs = records(nlp, "Außenminister Johann Wadephul wird am Donnerstag nach Kiew reisen.", "2025-06-02")
    visit = next(r for r in recs if r["type"] == "visit")
    assert visit["status"] == "planned"
    assert visit["location"] == "Kiew"
    assert visit["date"] == "2025-06-05"
    assert visit["participants"] == ["Johann Wadephul"]


def test_one_visit_per_destination(nlp):
    recs = records(
        nlp, "Die Ministerin Annalena Baerbock war in der vergangenen Woche nach Riad und Doha gereist."
    )
    places = sorted(r["location"] for r in recs if r["type"] == "visit")
    assert places == ["Doha", "Riad"]


def test_cancelled_and_negated_contacts_produce_no_record(nlp):
    assert records(nlp, "Das geplante Treffen von Scholz und Putin wurde abgesagt.", "2022-03-01") == []
    assert records(nlp, "Ein Telefonat zwischen Merz und Putin hat es nicht gegeben.", "2025-07-01") == []


def test_multilateral_meeting_lists_its_organization(nlp):
    recs = records(nlp, "Die NATO-Außenminister kamen am Mittwoch in Brüssel zusammen.", "2024-04-05")
    assert recs and recs[0]["type"] == "multilateral"
    assert "org@NATO" in recs[0]["participants"]
    assert recs[0]["location"] == "Brüssel"


def test_negotiation_between_delegations(nlp):
    recs = records(
        nlp, "Regierungsvertreter der USA und Russlands verhandelten am Dienstag in Riad.", "2025-02-20"
    )
    assert recs[0]["type"] == "negotiation"
    assert recs[0]["participants"] == ["delegation@RUS", "delegation@USA"]
    assert recs[0]["date"] == "2025-02-18"


def test_distributive_partners_give_one_meeting_each(nlp):
    recs = records(nlp, "Rubio traf in München sowohl mit Merz als auch mit Scholz zusammen.", "2025-02-16")
    pairs = sorted(tuple(r["participants"]) for r in recs if r["type"] == "meeting")
    assert pairs == [("Friedrich Merz", "Marco Rubio"), ("Marco Rubio", "Olaf Scholz")]


def test_guest_at_the_chancellery_meets_the_chancellor(nlp):
    recs = records(nlp, "Präsident Emmanuel Macron war am Montag zu Gast im Kanzleramt.", "2024-05-30")
    meeting = next(r for r in recs if r["type"] == "meeting")
    assert meeting["participants"] == ["Emmanuel Macron", "Olaf Scholz"]
    assert meeting["location"] == "Berlin"


# --- dates and topics --------------------------------------------------------------


def test_weekday_resolves_backwards_for_past_and_forwards_for_planned(nlp):
    past = records(nlp, "Merz hat am Montag mit Macron telefoniert.", "2025-07-10")
    planned = records(nlp, "Merz will am Montag mit Macron telefonieren.", "2025-07-10")
    assert past[0]["date"] == "2025-07-07"
    assert planned[0]["status"] == "planned" and planned[0]["date"] == "2025-07-14"


def test_month_only_publication_gives_month_precision(nlp):
    recs = records(nlp, "Scholz hat am Samstag mit Selenskyj telefoniert.", "2023-03")
    assert recs[0]["date"] == "2023-03"


def test_topics_come_from_the_contact_sentence(nlp):
    recs = records(
        nlp, "Scholz und Macron sprachen am Montag miteinander über Sanktionen gegen Russland.", "2023-03-15"
    )
    assert "sanctions" in recs[0]["topics"]


def test_whether_a_text_names_some_topics(nlp):
    mentions_any = nlp.get_pipe("contact_topics").mentions_any
    war = frozenset({"ukraine_war"})
    assert mentions_any("Seit Beginn des Angriffskriegs hat sich viel geändert.", war)
    # Only the cues of the topics asked for count; long cues count inside compounds too.
    assert not mentions_any("Die Sanktionen bleiben.", war)
    assert mentions_any("Neue Wirtschaftssanktionen.", frozenset({"sanctions", "trade"}))
    assert not mentions_any("", war)


def test_records_keep_evidence_with_offsets_into_the_article(nlp):
    text = "Kurzmeldung\n\nPräsident Joe Biden hat gestern mit Präsident Xi Jinping telefoniert. Mehr folgt."
    art = article(text, "2023-11-16")
    extraction = extract_article(nlp, art)
    rec = extraction.contacts[0]
    assert art.text[rec.evidence_start_char : rec.evidence_end_char] == rec.evidence
    assert rec.evidence.startswith("Präsident Joe Biden hat gestern")
    assert rec.date == "2023-11-15"
    assert 0 < rec.confidence <= 1
    assert any(e.actor_id == "Xi Jinping" and e.is_kb_linked for e in extraction.entities)


def test_publication_date_reaches_the_resolver(nlp):
    doc = run(nlp, "Er reiste gestern nach Paris.", PublicationDate(date(2024, 1, 10), "day"))
    assert doc._.publication.value == date(2024, 1, 10)


def test_group_anaphor_points_back_to_the_contact_of_that_size(nlp):
    text = (
        "Präsident Joe Biden hat am Dienstag mit Präsident Emmanuel Macron gesprochen. "
        "Am Freitag wollen die beiden Präsidenten erneut miteinander telefonieren."
    )
    recs = records(nlp, text, "2023-05-10")
    planned = next(r for r in recs if r["status"] == "planned")
    assert planned["type"] == "phone_call"
    assert planned["participants"] == ["Emmanuel Macron", "Joe Biden"]
    assert planned["date"] == "2023-05-12"


def test_officials_of_one_government_are_met_one_by_one(nlp):
    recs = records(nlp, "In Peking traf Scholz am Freitag Xi Jinping und Li Qiang.", "2024-04-20")
    pairs = sorted(tuple(r["participants"]) for r in recs if r["type"] == "meeting")
    assert pairs == [("Li Qiang", "Olaf Scholz"), ("Olaf Scholz", "Xi Jinping")]


def test_ongoing_summit_is_dated_by_its_first_day(nlp):
    text = "In Brüssel beraten die Staats- und Regierungschefs der NATO seit Mittwoch."
    recs = records(nlp, text, "2024-07-12")
    assert recs[0]["type"] == "multilateral" and "org@NATO" in recs[0]["participants"]
    assert recs[0]["date"] == "2024-07-10"


def test_postponed_trip_takes_its_new_date(nlp):
    text = "Merz verschob eine für Mittwoch geplante Reise nach Rom auf den 12. Juni."
    recs = records(nlp, text, "2025-05-30")
    visit = next(r for r in recs if r["type"] == "visit")
    assert visit["status"] == "planned" and visit["date"] == "2025-06-12"


def test_reported_intention_is_planned_and_purpose_clause_is_not(nlp):
    planned = records(nlp, "Trump sagte, er werde noch in dieser Woche mit Putin telefonieren.", "2025-03-11")
    assert planned[0]["status"] == "planned"
    happened = records(
        nlp, "Trump unterbrach am Montag die Sitzung, um mit Putin zu telefonieren.", "2025-08-20"
    )
    assert happened[0]["status"] == "occurred"


def test_no_date_yet_is_planned_not_cancelled(nlp):
    recs = records(nlp, "Für ein Gipfeltreffen von Trump und Putin gibt es noch keinen Termin.", "2025-02-20")
    assert recs and recs[0]["status"] == "planned" and recs[0]["date"] is None


def test_location_from_dateline_and_from_dort(nlp):
    text = (
        "Vilnius – Präsident Joe Biden ist heute mit Präsident Recep Tayyip Erdogan zusammengekommen.\n\n"
        "Am Freitag reiste Scholz nach Rom. Dort traf er Ministerpräsidentin Giorgia Meloni."
    )
    recs = records(nlp, text, "2023-07-12")
    biden = next(r for r in recs if "Joe Biden" in r["participants"])
    assert biden["location"] == "Vilnius"
    meloni = next(r for r in recs if r["type"] == "meeting" and "Giorgia Meloni" in r["participants"])
    assert meloni["location"] == "Rom"


def test_odd_and_shuffled_text_never_breaks_the_extractor(nlp):
    """Scrapers deliver fragments, boilerplate and garbage: every one must extract cleanly."""
    import random
    from pathlib import Path

    rng = random.Random(7)
    corpus = Path(__file__).resolve().parents[1] / "data" / "samples" / "articles"
    words = " ".join(p.read_text(encoding="utf-8") for p in corpus.glob("*.txt")).split()
    texts = ["Kiew –", "(15.02.2025)", "Die beiden", "zu Gast im", "US-", "G-7-", "sie sie sie"]
    texts.append("🙂 Merz traf 🙂")
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 60))) for _ in range(150)]
    for text in texts:
        extraction = extract_article(nlp, article(text, "2024-05-06"))
        for rec in extraction.contacts:
            assert rec.contact_type in ("phone_call", "meeting", "visit", "multilateral", "negotiation")
            assert rec.evidence and rec.participants


@pytest.mark.parametrize(
    "sentence, contact_type",
    [
        ("Merz tauschte sich am Montag telefonisch mit Macron aus.", "phone_call"),
        ("Merz unterhielt sich am Montag mit Macron.", "meeting"),
        ("Am Montag kamen Merz und Macron in Paris zusammen.", "meeting"),
        ("Merz rief am Montag Macron an.", "phone_call"),
    ],
)
def test_separable_and_reflexive_contact_verbs(nlp, sentence, contact_type):
    recs = records(nlp, sentence, "2025-06-04")
    assert [(r["type"], r["participants"]) for r in recs] == [
        (contact_type, ["Emmanuel Macron", "Friedrich Merz"])
    ]
