"""Contact trigger rules: which words announce a contact, and of which type.

The rules are registered functions (``contacts.trigger_rules.v1``) so a config can swap
them. Words are matched by lemma (after the lemma overrides) and by lowercase form;
compound nouns ("Außenministertreffen", "Friedensgespräche") by their last part.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import compress, count
from operator import or_

from spacy.attrs import LEMMA
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from transforms.pipeline.actors import ActorMention
from transforms.pipeline.clauses import Draft
from transforms.pipeline.lemmas import LEMMA_BY_FORM
from transforms.pipeline.tokens import (
    doc_extension,
    form_lower,
    sentence_spans,
    set_doc_extension,
    span_text,
    token_table,
)


@dataclass(frozen=True, slots=True)
class TriggerRule:
    contact_type: str
    # "talk": type depends on context (phone call if the article says so, else meeting)
    flexible: bool = False
    # nouns can refer back to a contact already reported ("das Telefonat")
    is_noun: bool = False
    needs_partner: bool = False  # "sprechen" is a contact only with "mit"/"zwischen"


@dataclass(frozen=True, slots=True)
class TriggerRules:
    words: dict[str, TriggerRule]
    suffixes: tuple[tuple[str, TriggerRule], ...]
    suffix_exceptions: frozenset[str]
    # Separable verbs: the verb form and the particle that, later in the clause, makes it a
    # contact ("kamen ... zusammen", "traf ... ein", "rief ... an", "nahm ... teil").
    separable: dict[str, dict[str, TriggerRule]]


@registry.misc("contacts.trigger_rules.v1")
def trigger_rules() -> TriggerRules:
    phone = TriggerRule("phone_call")
    phone_n = TriggerRule("phone_call", is_noun=True)
    meet = TriggerRule("meeting")
    meet_n = TriggerRule("meeting", is_noun=True)
    talk_n = TriggerRule("meeting", flexible=True, is_noun=True)
    talk_v = TriggerRule("meeting", flexible=True, needs_partner=True)
    visit = TriggerRule("visit")
    visit_n = TriggerRule("visit", is_noun=True)
    multi_n = TriggerRule("multilateral", is_noun=True)
    nego = TriggerRule("negotiation")
    nego_n = TriggerRule("negotiation", is_noun=True)
    words = {
        # phone calls
        "telefonieren": phone,
        "telefonierte": phone,
        "telefonierten": phone,
        "telefoniert": phone,
        "telefonat": phone_n,
        "telefonats": phone_n,
        "telefonate": phone_n,
        "telefonaten": phone_n,
        "telefongespräch": phone_n,
        "telefongesprächs": phone_n,
        "telefongespräche": phone_n,
        "telefongesprächen": phone_n,
        "anruf": phone_n,
        "anrufs": phone_n,
        "anrufen": phone,
        "anrief": phone,
        "angerufen": phone,
        "videokonferenz": phone_n,
        "videokonferenzen": phone_n,
        "videoschalte": phone_n,
        "videoschaltung": phone_n,
        "telefonkonferenz": phone_n,
        "telefonkonferenzen": phone_n,
        "videogespräch": phone_n,
        "videotelefonat": phone_n,
        "telefonisch": phone,
        # "sprach am Telefon mit Trump", "per Telefon": as "telefonisch"
        "telefon": phone,
        # meetings and talks
        "treffen": meet_n,
        "traf": meet,
        "trafen": meet,
        "trifft": meet,
        "getroffen": meet,
        "treffens": meet_n,
        "zusammentreffen": meet_n,
        "zusammenkunft": meet_n,
        "begegnung": meet_n,
        "empfangen": meet,
        "empfing": meet,
        "empfingen": meet,
        "empfängt": meet,
        "empfang": meet_n,
        "begrüßte": meet,
        "begrüßt": meet,
        "begrüßten": meet,
        "gespräch": talk_n,
        "gespräche": talk_n,
        "gesprächen": talk_n,
        "gesprächs": talk_n,
        "unterredung": talk_n,
        "sprechen": talk_v,
        "sprach": talk_v,
        "sprachen": talk_v,
        "gesprochen": talk_v,
        "spricht": talk_v,
        "zusammenkommen": meet,
        "zusammengekommen": meet,
        "zusammentraf": meet,
        "zusammentrafen": meet,
        "zusammengetroffen": meet,
        "unterhielt": talk_v,
        "unterhielten": talk_v,
        "unterhalten": talk_v,
        "zugeschaltet": TriggerRule("multilateral"),
        "telefonschalte": phone_n,
        "gipfel": meet_n,
        "gipfeltreffen": meet_n,
        "gipfels": meet_n,
        "arbeitsessen": meet_n,
        "abendessen": meet_n,
        "mittagessen": meet_n,
        "arbeitsfrühstück": meet_n,
        # visits
        "besuch": visit_n,
        "besuchs": visit_n,
        "besuche": visit_n,
        "besuchen": visit,
        "besuchte": visit,
        "besuchten": visit,
        "besucht": visit,
        "reise": visit_n,
        "reisen": visit,
        "reist": visit,
        "reiste": visit,
        "reisten": visit,
        "gereist": visit,
        "fliegen": visit,
        "fliegt": visit,
        "flog": visit,
        "geflogen": visit,
        "ankunft": visit_n,
        # "will nach Israel weiterreisen", "flog weiter nach Amman" (separable below)
        "weiterreisen": visit,
        "weitergereist": visit,
        "weiterfliegen": visit,
        "weitergeflogen": visit,
        "eingetroffen": visit,
        "angereist": visit,
        "gelandet": visit,
        "landete": visit,
        "landeten": visit,
        "tagt": TriggerRule("multilateral"),
        "tagte": TriggerRule("multilateral"),
        "tagten": TriggerRule("multilateral"),
        "getagt": TriggerRule("multilateral"),
        "sitzung": multi_n,
        "arbeitssitzung": multi_n,
        "gipfelsitzung": multi_n,
        "visite": visit_n,
        "stippvisite": visit_n,
        # "legte einen Zwischenstopp in Berlin ein", "ein Abstecher nach Kiew"
        "zwischenstopp": visit_n,
        "zwischenstopps": visit_n,
        "zwischenstation": visit_n,
        "abstecher": visit_n,
        # multilateral
        "ministertreffen": multi_n,
        "außenministertreffen": multi_n,
        "tagung": multi_n,
        "ratstreffen": multi_n,
        # negotiations
        "verhandlungen": nego_n,
        "verhandlung": nego_n,
        "verhandeln": nego,
        "verhandelt": nego,
        "verhandelte": nego,
        "verhandelten": nego,
        "konsultationen": nego_n,
        "beratungen": nego_n,
        "beraten": nego,
        "berieten": nego,
        "expertentreffen": nego_n,
        "friedensgespräche": nego_n,
        "friedensgesprächen": nego_n,
        "friedensverhandlungen": nego_n,
        "gesprächsrunde": nego_n,
        "verhandlungsrunde": nego_n,
    }
    suffixes = (
        ("telefonat", phone_n),
        ("telefonate", phone_n),
        ("gespräch", talk_n),
        ("gespräche", talk_n),
        ("gesprächen", talk_n),
        ("treffen", meet_n),
        ("treffens", meet_n),
        ("gipfel", meet_n),
        ("gipfels", meet_n),
        ("besuch", visit_n),
        ("besuchs", visit_n),
        ("verhandlungen", nego_n),
        ("konsultationen", nego_n),
        ("reise", visit_n),
    )
    exceptions = frozenset(
        [
            "betreffen",
            "zutreffen",
            "eintreffen",
            "antreffen",
            "übertreffen",
            "vortreffen",
            "auftreffen",
            "betreffend",
            "zutreffend",
            "einreise",
            "ausreise",
            "abreise",
            "dienstreise",
            "rückreise",
            "anreise",
        ]
    )
    come = {"zusammen": meet}
    separable = {
        **{w: come for w in "kam kamen kommt kommen".split()},
        **{w: {"zusammen": meet, "ein": visit} for w in "traf trafen trifft treffen".split()},
        **{w: {"an": phone} for w in "rief riefen ruft rufen".split()},
        **{w: {"teil": TriggerRule("multilateral")} for w in "nahm nahmen nimmt nehmen".split()},
        **{w: {"ein": visit, "weiter": visit} for w in "reiste reisten reist".split()},
        **{w: {"weiter": visit} for w in "flog flogen fliegt".split()},
        # "tauschte sich mit Macron aus": a talk
        **{w: {"aus": talk_v} for w in "tauschte tauschten tauscht tauschen".split()},
    }
    return TriggerRules(words=words, suffixes=suffixes, suffix_exceptions=exceptions, separable=separable)


def rule_for(rules: TriggerRules, lower: str, lemma: str) -> TriggerRule | None:
    rule = rules.words.get(lower) or rules.words.get(lemma)
    if rule is not None:
        return rule
    # One C-level endswith over all suffixes first: most long words are no compound trigger.
    if len(lower) > 8 and lower.endswith(_suffixes(rules)) and lower not in rules.suffix_exceptions:
        for suffix, suffix_rule in rules.suffixes:
            if lower.endswith(suffix):
                return suffix_rule
    return None


_SUFFIX_TUPLES: dict[int, tuple[str, ...]] = {}


def _suffixes(rules: TriggerRules) -> tuple[str, ...]:
    key = id(rules)
    found = _SUFFIX_TUPLES.get(key)
    if found is None:
        found = _SUFFIX_TUPLES[key] = tuple(suffix for suffix, _ in rules.suffixes)
    return found


# Words that make a draft only in context: "wird in Kiew erwartet", "zu Gast", "eine dritte
# Runde", "mit dabei".
_CONTEXT_CUES = frozenset({"erwartet", "gast", "runde", "dabei"})


class _FormFlags(dict):
    """Lowercase form -> whether it may start a draft: a trigger word, a separable verb, one
    of the context cues "erwartet" and "zu Gast", or a compound ending in a trigger noun.
    Filled on first sight of a form (``__missing__`` runs only on a miss)."""

    def __init__(self, rules: TriggerRules):
        super().__init__()
        self.cues = frozenset(rules.words) | frozenset(rules.separable) | _CONTEXT_CUES
        self.rules = rules
        self.suffixes = tuple(suffix for suffix, _ in rules.suffixes)

    def __missing__(self, w: str) -> bool:
        flag = self[w] = w in self.cues or (
            len(w) > 8 and w.endswith(self.suffixes) and w not in self.rules.suffix_exceptions
        )
        return flag


class _TextFlags(dict):
    """Token text -> whether its lowercase form or its lemma can make a draft, for documents
    whose lemmas are a function of the form (``LEMMA_BY_FORM``): one probe per token instead
    of a probe each for form and lemma. Valid for one form -> lemma table, ``lemma_by_form``."""

    def __init__(self, form_flags: _FormFlags, lemma_flags: _LemmaFlags):
        super().__init__()
        self.form_flags = form_flags
        self.lemma_flags = lemma_flags
        self.lemma_by_form: dict[str, int] | None = None

    def __missing__(self, text: str) -> bool:
        # Both probes, as the per-token flags make them (each fills its own cache).
        by_form = self.form_flags[form_lower(text)]
        by_lemma = self.lemma_flags[self.lemma_by_form[text]]
        flag = self[text] = by_form or by_lemma
        return flag


class _LemmaFlags(dict):
    """Lemma hash -> whether the lemma (lowercased) is a trigger word, filled on first sight;
    ``lowered`` keeps the lowercased trigger lemmas (and others asked for at candidates)."""

    def __init__(self, rules: TriggerRules):
        super().__init__()
        self.words = rules.words
        self.strings = None  # the vocabulary's StringStore, set per document
        self.lowered: dict[int, str] = {}

    def __missing__(self, h: int) -> bool:
        lemma = self.strings[h].lower()
        flag = self[h] = lemma in self.words
        if flag:
            self.lowered[h] = lemma
        return flag


# --- the component -----------------------------------------------------------------


@Language.factory("contact_triggers", default_config={"rules": {"@misc": "contacts.trigger_rules.v1"}})
def create_contact_triggers(nlp: Language, name: str, rules: TriggerRules):
    return ContactTriggers(rules)


class ContactTriggers:
    """Finds the contact words of a document.

    Trigger words are rare among tokens, so the component does not look at every token in
    Python: per-form and per-lemma flags (cached across documents) are mapped over the
    token arrays in C, and only the few flagged positions run the rules.
    """

    def __init__(self, rules: TriggerRules):
        self.rules = rules
        # Whether a word form / a lemma hash can make a draft, cached: the vocabulary repeats
        # from document to document, so the flags of a document's tokens are one C-level map
        # over these dicts (new forms are classified on first sight, by ``__missing__``).
        self._form_flags = _FormFlags(rules)
        self._lemma_flags = _LemmaFlags(rules)
        self._text_flags = _TextFlags(self._form_flags, self._lemma_flags)

    def _candidates(self, doc: Doc, table) -> tuple[list[int], list[int]]:
        """Positions whose lowercase form or lemma can make a draft, in order, and the lemma
        hashes at those positions."""
        form_flags = self._form_flags
        lemma_flags = self._lemma_flags
        text_flags = self._text_flags
        if len(form_flags) > 500_000 or len(lemma_flags) > 500_000:  # bound the caches
            form_flags.clear()
            lemma_flags.clear()
            text_flags.clear()
        lemma_flags.strings = doc.vocab.strings
        lemma_by_form = doc.user_data.get(LEMMA_BY_FORM)
        if lemma_by_form is not None:
            # The lemmas are the lookup lemmatizer's, a function of the token text: one flag
            # per text, and no LEMMA column to read.
            if text_flags.lemma_by_form is not lemma_by_form:
                text_flags.clear()
                text_flags.lemma_by_form = lemma_by_form
            texts = table.texts
            positions = list(compress(count(), map(text_flags.__getitem__, texts)))
            return positions, [lemma_by_form[texts[i]] for i in positions]
        lemmas = doc.to_array(LEMMA).tolist()
        # compress/count/or_ keep the per-token work in C.
        flags = map(or_, map(form_flags.__getitem__, table.lowers), map(lemma_flags.__getitem__, lemmas))
        positions = list(compress(count(), flags))
        return positions, [lemmas[i] for i in positions]

    def __call__(self, doc: Doc) -> Doc:
        drafts: list[Draft] = []
        table = token_table(doc)
        positions, lemmas = self._candidates(doc, table)
        if positions:
            self._drafts_at(doc, table.lowers, lemmas, positions, drafts)
        set_doc_extension(doc, "contacts", drafts)
        return doc

    def _drafts_at(
        self, doc: Doc, lowers: list[str], lemmas: list[int], positions: list[int], drafts: list[Draft]
    ) -> None:
        """The drafts at the candidate positions (``lemmas``: their lemma hashes), in token
        order; at one position the word rules come before the context cues ("erwartet", "zu
        Gast")."""
        rules = self.rules
        lemma_lower = self._lemma_flags.lowered
        sents = sentence_spans(doc)
        starts = [s.start for s in sents]
        places = seats = mentions = None
        for i, lemma_hash in zip(positions, lemmas, strict=True):
            sent = sents[bisect_right(starts, i) - 1]
            low = lowers[i]
            # A hyphenated compound is a trigger by its last part: "NATO-Gipfel", "Ukraine-Gespräche".
            if low.isalpha() or ("-" in low and low.rpartition("-")[2].isalpha()):
                particles = rules.separable.get(low)
                rule = _separable_rule(lowers, i, sent.end, particles) if particles else None
                if rule is None:
                    lemma = lemma_lower.get(lemma_hash)
                    if lemma is None:
                        lemma = lemma_lower[lemma_hash] = doc.vocab.strings[lemma_hash].lower()
                    rule = rule_for(rules, low, lemma)
                if rule is not None:
                    drafts.append(Draft(i, rule, sent, rule.contact_type))
            if low == "erwartet":
                if places is None:
                    hits = doc_extension(doc, "place_hits") or []
                    places = {h.start for h in hits}
                    seats = {h.start: h for h in hits if h.first("SEAT")}
                if any(lowers[k] in ("in", "im", "nach") and k + 1 in places for k in range(sent.start, i)):
                    # "wird heute in Kiew erwartet": an expected arrival is a planned visit.
                    drafts.append(Draft(i, TriggerRule("visit"), sent, "visit", status="planned"))
            elif low == "runde" and i > sent.start and lowers[i - 1] in _NEXT_ROUND:
                # "Eine dritte Runde soll folgen": more talks; who talks comes from the talks
                # before (a round alone, "die Runde der G7", is no contact word).
                drafts.append(Draft(i, _ROUND, sent, "negotiation"))
            elif low == "dabei" and i > sent.start and lowers[i - 1] == "mit":
                # "Mit dabei war auch Lawrow": one more at the contact just reported.
                drafts.append(Draft(i, _PRESENT, sent, "multilateral"))
            elif low == "gast" and i > sent.start and lowers[i - 1] == "zu":
                if places is None:
                    hits = doc_extension(doc, "place_hits") or []
                    places = {h.start for h in hits}
                    seats = {h.start: h for h in hits if h.first("SEAT")}
                # "zu Gast in/bei/im": a visit, and a meeting with the host at a seat of government.
                drafts.append(Draft(i, TriggerRule("visit"), sent, "visit"))
                j = i + 1
                end = sent.end
                while j < end and lowers[j] in ("im", "in", "bei", "beim", "dem", "der", "den"):
                    j += 1
                seat = seats.get(j)
                if seat is not None:
                    entry = seat.first("SEAT")
                    host = ActorMention(
                        seat.start,
                        seat.end,
                        span_text(doc, seat.start, seat.end),
                        "office",
                        role=entry.role,
                        country=entry.country,
                        jurisdiction=entry.jurisdiction,
                        sentence_start=sent.start,
                    )
                    drafts.append(Draft(i, TriggerRule("meeting"), sent, "meeting", host=host))
                elif i + 1 < end and lowers[i + 1] == "bei":
                    # "zu Gast bei ihrem polnischen Amtskollegen Sikorski": a meeting with the host.
                    if mentions is None:
                        mentions = doc_extension(doc, "actor_mentions") or []
                    host = next(
                        (
                            m
                            for m in mentions
                            if i + 1 < m.start <= i + 5
                            and m.start < end
                            and m.kind in ("person", "office", "counterpart")
                        ),
                        None,
                    )
                    if host is not None:
                        drafts.append(Draft(i, TriggerRule("meeting"), sent, "meeting", host=host))


_NEXT_ROUND = frozenset(
    """zweite zweiten dritte dritten vierte vierten fünfte fünften weitere weiteren neue neuen
    nächste nächsten""".split()
)
_ROUND = TriggerRule("negotiation", is_noun=True)
_PRESENT = TriggerRule("multilateral")


_CLAUSE_CONJUNCTIONS = frozenset({"und", "oder", "aber", "sowie", "doch"})


def _separable_rule(lowers: list[str], i: int, end: int, particles: dict[str, TriggerRule]):
    """ "kamen ... zusammen": the particle at the end of the clause completes the verb; the
    clause may go on with a second verb ("nahm an dem Treffen teil und sprach mit Fidan")."""
    j = i + 1
    while j < end and lowers[j] not in (",", ";", ":"):
        rule = particles.get(lowers[j])
        if rule is not None and (
            j + 1 >= end or not lowers[j + 1].isalpha() or lowers[j + 1] in _CLAUSE_CONJUNCTIONS
        ):
            return rule
        j += 1
    return None
