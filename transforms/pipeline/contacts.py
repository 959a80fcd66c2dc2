"""Contact components: triggers → participants → status → dates → location → topics.

Each component enriches the drafts in ``doc._.contacts``; ``contact_consolidator`` at
the end resolves references back to earlier contacts ("das Telefonat"), merges repeats
within the article and keeps only complete records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc, Span

from transforms.knowledge import CORE_ROLES, load_knowledge_base
from transforms.pipeline.actors import ActorMention
from transforms.pipeline.triggers import TriggerRule, TriggerRules, rule_for
from transforms.temporal import DateExpression, PublicationDate, ResolvedDate, find_date_expressions

for _name, _default in (("publication", None), ("doc_id", None), ("contacts", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


@dataclass(slots=True)
class Draft:
    """A contact under construction, anchored at its trigger token."""

    trigger: int
    rule: TriggerRule
    sent: Span
    contact_type: str
    mentions: list[ActorMention] = field(default_factory=list)
    participants: list = field(default_factory=list)  # resolved Participant objects
    status: str = "occurred"
    is_cancelled: bool = False
    is_reference: bool = False  # refers back to a contact reported elsewhere in the article
    date: ResolvedDate | None = None
    has_date_expression: bool = False
    location: str | None = None
    destinations: list[str] = field(default_factory=list)
    topics: set[str] = field(default_factory=set)
    confidence: float = 0.6
    merged_into: Draft | None = None


_DETERMINERS = frozenset(
    [
        "das",
        "dem",
        "des",
        "der",
        "die",
        "den",
        "diesem",
        "dieses",
        "diese",
        "dieser",
        "jenem",
        "beim",
        "vom",
        "zum",
        "im",
        "am",
    ]
)
_SPEECH = frozenset(
    [
        "sagte",
        "sagt",
        "sagten",
        "erklärte",
        "erklärt",
        "erklärten",
        "teilte",
        "teilt",
        "mitteilte",
        "mitteilten",
        "berichtete",
        "berichtet",
        "berichteten",
        "zitierte",
        "zitiert",
        "schrieb",
        "schreibt",
        "betonte",
        "betont",
        "bestätigte",
        "bestätigt",
        "meldete",
        "meldet",
        "hieß",
        "verlautete",
        "kündigte",
        "kündigt",
    ]
)
_SOURCE_PREPS = frozenset({"laut", "zufolge", "angaben", "informationen", "berichten"})
_PREPOSITIONS = frozenset(
    {"mit", "von", "vom", "zu", "zum", "zur", "bei", "beim", "gegen", "für", "an", "über"}
)
_CLAUSE_BREAKS = frozenset({",", ";", ":", "–", "—", "(", ")", "„", "“", '"'})
_PLANNED_WORDS = frozenset(
    [
        "wird",
        "werden",
        "würde",
        "würden",
        "soll",
        "sollen",
        "sollte",
        "sollten",
        "will",
        "wollen",
        "wollte",
        "wollten",
        "plant",
        "planen",
        "plante",
        "planten",
        "geplant",
        "beabsichtigt",
        "beabsichtigen",
        "vorgesehen",
        "angekündigt",
        "erwartet",
        "erwarten",
        "voraussichtlich",
        "könnte",
        "könnten",
        "möchte",
        "möchten",
        "kommende",
        "kommenden",
        "kommender",
        "nächste",
        "nächsten",
        "nächster",
        "morgen",
        "übermorgen",
        "künftig",
        "bevorstehende",
        "bevorstehenden",
        "anstehende",
        "anstehenden",
        "eingeladen",
        "einladen",
        "vereinbarten",
        "vereinbart",
        "verabredet",
    ]
)
_CANCEL_WORDS = frozenset(
    ["abgesagt", "absagen", "sagte_ab", "abgebrochen", "gestrichen", "platzte", "geplatzt"]
)
_NEGATION = frozenset({"nicht", "kein", "keine", "keinen", "keinem", "keiner", "nie", "niemals"})
_ASPIRATION = re.compile(r"\b(ziel sei es|ziel ist es|in kontakt (zu )?bleiben|im kontakt bleiben)\b", re.I)
_TOPIC_CUES = re.compile(
    r"\b(thema|themen|ging es|geht es|sprachen über|sprach über|beriet(en)? über|schwerpunkt|tagesordnung|"
    r"im mittelpunkt|erörtert|diskutiert|besprochen|standen|stand .* auf)",
    re.I,
)
_PLACE_PREPS = frozenset({"in", "nach", "im", "am", "auf", "aus"})


def _sentence_tokens(doc: Doc) -> list[Span]:
    return list(doc.sents)


# --- triggers ------------------------------------------------------------------


@Language.factory("contact_triggers", default_config={"rules": {"@misc": "contacts.trigger_rules.v1"}})
def create_contact_triggers(nlp: Language, name: str, rules: TriggerRules):
    return ContactTriggers(rules)


class ContactTriggers:
    def __init__(self, rules: TriggerRules):
        self.rules = rules

    def __call__(self, doc: Doc) -> Doc:
        drafts: list[Draft] = []
        rules = self.rules
        for sent in doc.sents:
            for tok in sent:
                if not tok.is_alpha:
                    continue
                rule = rule_for(rules, tok.lower_, tok.lemma_.lower())
                if rule is None:
                    continue
                if tok.lower_ == "treffen" and tok.i > sent.start and doc[tok.i - 1].lower_ in ("zu", "sich"):
                    pass  # "sich zu treffen" is still a meeting
                drafts.append(Draft(tok.i, rule, sent, rule.contact_type))
        # "zu Gast in/bei/im": a visit (with a host when the place is a seat of government).
        for sent in doc.sents:
            for tok in sent:
                if tok.lower_ == "gast" and tok.i > sent.start and doc[tok.i - 1].lower_ == "zu":
                    drafts.append(Draft(tok.i, TriggerRule("visit"), sent, "visit"))
        drafts.sort(key=lambda d: d.trigger)
        doc._.contacts = drafts
        return doc


# --- participants ---------------------------------------------------------------


@Language.factory("contact_participants")
def create_contact_participants(nlp: Language, name: str):
    return ContactParticipants()


class ContactParticipants:
    """Assign actor mentions of a sentence to the contacts triggered in it."""

    def __call__(self, doc: Doc) -> Doc:
        drafts: list[Draft] = doc._.contacts or []
        mentions: list[ActorMention] = doc._.actor_mentions or []
        by_sentence: dict[int, list[ActorMention]] = {}
        for m in mentions:
            by_sentence.setdefault(m.sentence_start, []).append(m)
        drafts_by_sentence: dict[int, list[Draft]] = {}
        for d in drafts:
            drafts_by_sentence.setdefault(d.sent.start, []).append(d)
        for sent_start, sent_drafts in drafts_by_sentence.items():
            sent = sent_drafts[0].sent
            eligible = [m for m in by_sentence.get(sent_start, []) if self._eligible(doc, m, sent)]
            subject = next((m for m in eligible if not _after_preposition(doc, m)), None)
            for m in eligible:
                owner = min(sent_drafts, key=lambda d: _distance(doc, m, d))
                owner.mentions.append(m)
            for d in sent_drafts:
                if d.contact_type == "visit":
                    d.mentions = self._traveller(doc, d, eligible, subject)
                elif subject is not None and subject not in d.mentions:
                    d.mentions.insert(0, subject)
        return doc

    @staticmethod
    def _eligible(doc: Doc, m: ActorMention, sent: Span) -> bool:
        if m.kind == "speaker":
            return False
        # Attribution: "teilte das Auswärtige Amt mit", "laut Kreml", "sagte Regierungssprecher X".
        i = m.start - 1
        steps = 0
        while i >= sent.start and steps < 3:
            low = doc[i].lower_
            if low in _SPEECH or low in _SOURCE_PREPS:
                return False
            if low in _DETERMINERS or doc[i].is_lower and doc[i].is_alpha:
                i -= 1
                steps += 1
                continue
            break
        if m.end < sent.end and doc[m.end].lower_ in ("zufolge", "mitteilte", "mitteilten"):
            return False
        if m.kind == "country":
            # A bare country is an actor only as a side: "mit Russland", "zwischen Russland und der Nato".
            prev = doc[m.start - 1].lower_ if m.start > sent.start else ""
            prev2 = doc[m.start - 2].lower_ if m.start - 1 > sent.start else ""
            return (
                prev in ("zwischen", "mit")
                or prev2 in ("zwischen", "mit")
                or (prev in ("und", "sowie") and prev2 not in ("in", "nach"))
                and _list_has_side(doc, m, sent)
            )
        return True

    @staticmethod
    def _traveller(doc: Doc, d: Draft, eligible: list[ActorMention], subject) -> list[ActorMention]:
        tok = doc[d.trigger]
        # "Besuch von X", "Xs Besuch", "sein Besuch": the traveller is named next to the noun.
        if d.rule.is_noun:
            for m in eligible:
                if m.start == d.trigger + 2 and doc[d.trigger + 1].lower_ in ("von", "des"):
                    return [m]
                if m.end == d.trigger:
                    return [m]
        persons = [m for m in eligible if m.kind in ("person", "office", "counterpart")]
        if subject is not None and subject.kind in ("person", "office", "counterpart", "side"):
            return [subject]
        return persons[:1] if persons else ([subject] if subject else [])
        del tok


def _list_has_side(doc: Doc, m: ActorMention, sent: Span) -> bool:
    i = m.start - 1
    while i > sent.start and doc[i].lower_ in ("und", "sowie", ",", "der", "die", "den", "dem"):
        i -= 1
    j = i
    while j > sent.start and j > i - 4:
        if doc[j].lower_ in ("zwischen", "mit"):
            return True
        j -= 1
    return False


def _after_preposition(doc: Doc, m: ActorMention) -> bool:
    i = m.start - 1
    steps = 0
    while i >= 0 and steps < 4:
        low = doc[i].lower_
        if low in _PREPOSITIONS:
            return True
        if low in _DETERMINERS or (doc[i].is_lower and doc[i].is_alpha):
            i -= 1
            steps += 1
            continue
        return False
    return False


def _distance(doc: Doc, m: ActorMention, d: Draft) -> int:
    if m.start > d.trigger:
        dist = m.start - d.trigger
    else:
        dist = d.trigger - m.end + 1
    # A mention introduced by "mit" belongs to the contact word right before it.
    if m.start > d.trigger and any(doc[k].text in _CLAUSE_BREAKS for k in range(d.trigger, m.start)):
        dist += 6
    if m.start < d.trigger and any(doc[k].text in _CLAUSE_BREAKS for k in range(m.end, d.trigger)):
        dist += 6
    return dist


# --- status ---------------------------------------------------------------------


@Language.factory("contact_status")
def create_contact_status(nlp: Language, name: str):
    return ContactStatus()


class ContactStatus:
    """Planned or occurred from tense, modal and lexical cues; cancelled and negated contacts."""

    def __call__(self, doc: Doc) -> Doc:
        for d in doc._.contacts or []:
            sent = d.sent
            lo, hi = _clause_bounds(doc, d.trigger, sent)
            words = [doc[i].lower_ for i in range(lo, hi)]
            if any(w in _PLANNED_WORDS for w in words):
                d.status = "planned"
            # "vor seinem Treffen mit ...": the meeting lies ahead.
            if d.trigger - 2 >= sent.start and doc[d.trigger - 2].lower_ == "vor" and d.rule.is_noun:
                d.status = "planned"
            if (
                doc[d.trigger].lower_.startswith("geplant")
                or "geplant" in words
                or "ist geplant" in sent.text
            ):
                d.status = "planned"
            low_sent = sent.text.lower()
            if any(w in _CANCEL_WORDS for w in words) or "abgesagt" in low_sent:
                d.is_cancelled = True
            window = [
                doc[i].lower_ for i in range(max(sent.start, d.trigger - 4), min(sent.end, d.trigger + 3))
            ]
            if any(w in _NEGATION for w in window) and "nicht nur" not in " ".join(window):
                d.is_cancelled = True
            if _ASPIRATION.search(low_sent) and d.status == "planned":
                d.is_cancelled = True
        return doc


def _clause_bounds(doc: Doc, i: int, sent: Span) -> tuple[int, int]:
    lo = i
    while lo > sent.start and doc[lo - 1].text not in (";", ":"):
        lo -= 1
    hi = i + 1
    while hi < sent.end and doc[hi].text not in (",", ";", ":"):
        hi += 1
    return lo, hi


# --- dates ----------------------------------------------------------------------


@Language.factory("contact_dates")
def create_contact_dates(nlp: Language, name: str):
    return ContactDates()


class ContactDates:
    """Resolve the date expression nearest each trigger against the publication date."""

    def __call__(self, doc: Doc) -> Doc:
        publication: PublicationDate | None = doc._.publication
        cache: dict[int, list[tuple[int, DateExpression]]] = {}
        anchor: date | None = None
        for d in doc._.contacts or []:
            sent = d.sent
            if sent.start not in cache:
                exprs = find_date_expressions(sent.text)
                base = sent.start_char
                cache[sent.start] = [(_token_at(doc, base + e.start), e) for e in exprs]
            exprs = cache[sent.start]
            if exprs:
                tok_i, expr = min(exprs, key=lambda te: _date_distance(doc, te[0], d.trigger))
                d.has_date_expression = True
                resolved = expr.resolve(publication, d.status == "planned", anchor)
                if resolved is not None:
                    d.date = resolved
                    if resolved.precision == "day" and publication is not None:
                        if publication.precision == "day" and resolved.value > publication.value:
                            d.status = "planned"
            if (
                d.date is None
                and not d.has_date_expression
                and publication is not None
                and d.status == "occurred"
            ):
                # Reported as news without a time: the publication month (SCHEMA convention).
                d.date = ResolvedDate(publication.value.replace(day=1), "month")
            if d.date is not None and d.date.precision == "day":
                anchor = d.date.value
        return doc


def _token_at(doc: Doc, char: int) -> int:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span.start if span is not None else 0


def _date_distance(doc: Doc, tok: int, trigger: int) -> int:
    dist = abs(tok - trigger)
    lo, hi = sorted((tok, trigger))
    if any(doc[k].text in (";", ":") for k in range(lo, hi)):
        dist += 10
    return dist


# --- location -------------------------------------------------------------------


@Language.factory("contact_locations")
def create_contact_locations(nlp: Language, name: str):
    return ContactLocations()


class ContactLocations:
    """Place of the contact ("in Genf", "am Rande ... in Brüssel", "im Kanzleramt")."""

    def __call__(self, doc: Doc) -> Doc:
        places = doc._.place_hits or []
        for d in doc._.contacts or []:
            sent = d.sent
            cands = []
            for hit in places:
                if not (sent.start <= hit.start < sent.end):
                    continue
                prev = doc[hit.start - 1].lower_ if hit.start > sent.start else ""
                prev2 = doc[hit.start - 2].lower_ if hit.start - 1 > sent.start else ""
                entry = hit.first("PLACE")
                adjective = doc[hit.start].text.endswith("er") and entry.place != doc[hit.start].text
                if prev in _PLACE_PREPS or prev2 in _PLACE_PREPS or adjective or prev == "und":
                    cands.append((hit, entry, prev))
            if not cands:
                continue
            if d.contact_type == "visit":
                dests = [
                    e.place
                    for h, e, prev in cands
                    if h.start > d.trigger or prev in ("nach", "in", "im", "und")
                ]
                near = sorted(
                    ((abs(h.start - d.trigger), e.place) for h, e, _ in cands),
                    key=lambda x: x[0],
                )
                d.destinations = list(dict.fromkeys(_group_destinations(doc, d, cands) or dests[:1]))
                d.location = d.destinations[0] if d.destinations else (near[0][1] if near else None)
            else:
                hit, entry, _ = min(cands, key=lambda c: _distance_tokens(c[0].start, d.trigger))
                d.location = entry.place
        return doc


def _distance_tokens(a: int, b: int) -> int:
    return abs(a - b) + (3 if a < b else 0)


def _group_destinations(doc: Doc, d: Draft, cands) -> list[str]:
    """ "nach Kiew und Moskau": every destination joined to the nearest one of the trigger."""
    if not cands:
        return []
    ordered = sorted(cands, key=lambda c: c[0].start)
    best = min(ordered, key=lambda c: _distance_tokens(c[0].start, d.trigger))
    group = [best]
    idx = ordered.index(best)
    for hit, entry, prev in ordered[idx + 1 :]:
        between = doc[group[-1][0].end : hit.start]
        if len(between) <= 2 and all(t.lower_ in ("und", ",", "sowie", "nach", "in") for t in between):
            group.append((hit, entry, prev))
        else:
            break
    return [e.place for _, e, _ in group]


# --- topics ---------------------------------------------------------------------


@Language.factory("contact_topics", default_config={"kb_dir": None})
def create_contact_topics(nlp: Language, name: str, kb_dir: str | None):
    from pathlib import Path

    kb = load_knowledge_base(Path(kb_dir) if kb_dir else None)
    return ContactTopics(kb.topics)


class ContactTopics:
    """Topics named in the contact's sentence (and, via references, in sentences about it)."""

    def __init__(self, topics: dict[str, tuple[str, ...]]):
        self.patterns = {
            topic: re.compile(r"(?<![a-zäöüß])(?:" + "|".join(re.escape(p) for p in pats) + ")")
            for topic, pats in topics.items()
            if pats
        }

    def topics_of(self, text: str) -> set[str]:
        low = text.lower()
        return {topic for topic, pattern in self.patterns.items() if pattern.search(low)}

    def __call__(self, doc: Doc) -> Doc:
        cache: dict[int, set[str]] = {}
        for d in doc._.contacts or []:
            if d.sent.start not in cache:
                cache[d.sent.start] = self.topics_of(d.sent.text)
            d.topics |= cache[d.sent.start]
        doc.user_data["topic_sentences"] = [
            (sent.start, self.topics_of(sent.text)) for sent in doc.sents if _TOPIC_CUES.search(sent.text)
        ]
        return doc


# --- participants resolution & consolidation ----------------------------------


@Language.factory("contact_consolidator", default_config={"kb_dir": None})
def create_contact_consolidator(nlp: Language, name: str, kb_dir: str | None):
    from pathlib import Path

    return ContactConsolidator(load_knowledge_base(Path(kb_dir) if kb_dir else None))


class ContactConsolidator:
    def __init__(self, kb):
        from transforms.pipeline.resolution import ActorResolver

        self.resolver_cls = ActorResolver
        self.kb = kb

    def __call__(self, doc: Doc) -> Doc:
        from transforms.pipeline.resolution import consolidate

        resolver = self.resolver_cls(self.kb, doc)
        doc._.contacts = consolidate(doc, doc._.contacts or [], resolver, CORE_ROLES)
        return doc
