"""Contact components: triggers → participants → status → dates → location → topics.

Each component enriches the drafts in ``doc._.contacts``; ``contact_consolidator`` at
the end resolves references back to earlier contacts ("das Telefonat"), merges repeats
within the article and keeps only complete records.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta

from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc, Span

from transforms.knowledge import CORE_ROLES, load_knowledge_base
from transforms.patterns import trie_regex
from transforms.pipeline.actors import ActorMention
from transforms.pipeline.lexicon import german_word_list, read_places
from transforms.pipeline.tokens import (
    doc_text,
    is_lower_word,
    lower,
    sentence_spans,
    span_text,
    text,
    token_lemmas,
    token_table,
)
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
    partner_groups: list = field(default_factory=list)  # distributive "mit A als auch mit B"
    host: ActorMention | None = None  # the head of a seat of government visited
    is_postponed: bool = False
    date_is_soft: bool = False  # assumed (publication month) rather than stated


_DETERMINERS = frozenset(
    """das dem des der die den diesem dieses diese dieser jenem beim vom zum im am""".split()
)
_SPEECH = frozenset(
    """sagte sagt sagten erklärte erklärt erklärten teilte teilt mitteilte mitteilten berichtete
    berichtet berichteten zitierte zitiert schrieb schreibt betonte betont bestätigte bestätigt
    meldete meldet hieß verlautete kündigte kündigt""".split()
)
_SOURCE_PREPS = frozenset({"laut", "zufolge", "angaben", "informationen", "berichten"})
_CLAUSE_BREAKS = frozenset({",", ";", ":", "–", "—", "(", ")", "„", "“", '"'})
_PLANNED_WORDS = frozenset(
    """wird werden würde würden werde soll sollen sollte sollten solle will wollen wollte wollten wolle
    plant planen plante planten geplant geplante geplanten geplanter beabsichtigt beabsichtigen
    vorgesehen vorgesehene vorgesehenen angekündigt angekündigte angekündigten erwartet erwarten
    erwartete erwarteten voraussichtlich könnte könnten könne möchte möchten kommende kommenden
    kommender nächste nächsten nächster morgen übermorgen künftig bevorstehende bevorstehenden
    anstehende anstehenden bereit angesetzt anberaumt""".split()
)
# Cues that make planned only what follows them: "vereinbarten, sich zu treffen".
_PLANNED_BEFORE = frozenset("""vereinbart vereinbarten verabredet verabredeten eingeladen einladen""".split())
_CANCEL_WORDS = frozenset(
    ["abgesagt", "absagen", "sagte_ab", "abgebrochen", "gestrichen", "platzte", "geplatzt"]
)
_NEGATION = frozenset({"nicht", "kein", "keine", "keinen", "keinem", "keiner", "nie", "niemals"})
# "kam nicht zustande", "hat es bislang nicht gegeben", "fand nicht statt"
_NOT_HAPPENED = re.compile(
    r"\b(nicht|nie|niemals|keine?n?)\b[^,;]{0,40}\b(zustande|gegeben|stattgefunden|statt)\b"
    r"|\b(gab|gibt) es\b[^,;]{0,30}\b(nicht|keine?n?)\b",  # "Ein Gespräch ... gab es nicht."
    re.I,
)
# "lehnte eine Begegnung ab", "verweigerte ein Gespräch"
_REFUSED = re.compile(r"\b(lehnte|lehnten|lehnt|abgelehnt|verweigerte|verweigerten|verweigert)\b", re.I)
# "Ziel sei es, ein Treffen zu arrangieren": an aspiration, not a planned contact.
_ASPIRATION = re.compile(r"\bziel (sei|ist|war|wäre) es\b", re.I)
_TOPIC_CUES = re.compile(
    r"\b(thema|themen|ging es|geht es|sprachen über|sprach über|beriet(en)? über|schwerpunkt|tagesordnung|"
    r"im mittelpunkt|erörtert|diskutiert|besprochen|standen|stand .* auf)",
    re.I,
)
# "aus Polen" names an origin, not where a contact took place.
_PLACE_PREPS = frozenset({"in", "nach", "im", "ins", "am", "auf"})


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
        lowers = token_table(doc).lowers
        lemmas = token_lemmas(doc)
        sents = sentence_spans(doc)
        for sent in sents:
            for i in range(sent.start, sent.end):
                low = lowers[i]
                if not low.isalpha():
                    continue
                particles = rules.separable.get(low)
                if particles:
                    rule = _separable_rule(lowers, i, sent.end, particles)
                    if rule is not None:
                        drafts.append(Draft(i, rule, sent, rule.contact_type))
                        continue
                rule = rule_for(rules, low, lemmas[i])
                if rule is not None:
                    drafts.append(Draft(i, rule, sent, rule.contact_type))
        places = {h.start for h in doc._.place_hits or []}
        seats = {h.start: h for h in doc._.place_hits or [] if h.first("SEAT")}
        for sent in sents:
            for i in range(sent.start, sent.end):
                low = lowers[i]
                if low == "erwartet" and any(
                    lowers[k] in ("in", "im", "nach") and k + 1 in places for k in range(sent.start, i)
                ):
                    # "wird heute in Kiew erwartet": an expected arrival is a planned visit.
                    drafts.append(Draft(i, TriggerRule("visit"), sent, "visit", status="planned"))
                elif low == "gast" and i > sent.start and lowers[i - 1] == "zu":
                    # "zu Gast in/bei/im": a visit, and a meeting with the host at a seat of government.
                    drafts.append(Draft(i, TriggerRule("visit"), sent, "visit"))
                    j = i + 1
                    while j < sent.end and lowers[j] in ("im", "in", "bei", "beim", "dem", "der", "den"):
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
        drafts.sort(key=lambda d: d.trigger)
        doc._.contacts = drafts
        return doc


def _separable_rule(lowers: list[str], i: int, end: int, particles: dict[str, TriggerRule]):
    """ "kamen ... zusammen": the particle at the end of the clause completes the verb."""
    j = i + 1
    while j < end and lowers[j] not in (",", ";", ":"):
        rule = particles.get(lowers[j])
        if rule is not None and (j + 1 >= end or not lowers[j + 1].isalpha()):
            return rule
        j += 1
    return None


# --- participants ---------------------------------------------------------------

_SUBORDINATORS = frozenset(
    """als nachdem wie dass weil während wo um ob wenn bevor seit sodass damit obwohl falls indem
    wobei woraufhin""".split()
)
_RELATIVES = frozenset("""der die das dem den deren dessen denen""".split())
_SEGMENT_BREAKS = frozenset({",", ";", ":", "–", "—", "(", ")"})


@dataclass(slots=True)
class Segment:
    start: int
    end: int
    is_subordinate: bool


def segments(doc: Doc, sent: Span) -> list[Segment]:
    """Comma-delimited stretches of a sentence, marking subordinate and relative clauses.

    A stretch is subordinate when it opens with a subjunction ("als", "nachdem", "dass"),
    or with a (preposition and) relative pronoun and ends verb-final ("nach dem der
    US-Präsident ... anrief"): its actors belong to the contact word inside it.
    """
    memo = doc.user_data.setdefault("segments", {})
    cached = memo.get(sent.start)
    if cached is not None:
        return cached
    texts = token_table(doc).texts
    out: list[Segment] = []
    start = sent.start
    for i in range(sent.start, sent.end + 1):
        if i == sent.end or texts[i] in _SEGMENT_BREAKS:
            if i > start:
                out.append(
                    Segment(
                        start, i, _is_subordinate(doc, start, i, sent.end if start == sent.start else None)
                    )
                )
            start = i + 1
    memo[sent.start] = out = out or [Segment(sent.start, sent.end, False)]
    return out


def _is_subordinate(doc: Doc, start: int, end: int, sent_end: int | None = None) -> bool:
    first = lower(doc, start)
    if sent_end is not None and end >= sent_end and first in ("als", "wie"):
        return False  # "Als erster Regierungschef ... ist Scholz gereist": a comparison
    if first in _SUBORDINATORS:
        return True
    last = end - 1
    while last > start and not text(doc, last).isalpha():
        last -= 1
    # In a relative clause the finite verb comes last ("der nach Kiew gereist ist"); a finite
    # verb earlier means a main clause whose subject list opens with an article
    # ("der britische Premier Starmer und Tusk sind nach Kiew gereist").
    verb_final = is_lower_word(doc, last) and not any(
        lower(doc, i) in _FINITE_AUXILIARIES for i in range(start + 1, last)
    )
    if first in _RELATIVES:
        return verb_final
    if first in _ALL_PREPOSITIONS and start + 1 < end and lower(doc, start + 1) in _RELATIVES:
        return verb_final
    return False


_FINITE_AUXILIARIES = frozenset(
    """ist sind war waren hat haben hatte hatten wird werden wurde wurden will wollen wollte wollten
    soll sollen sollte sollten kann können konnte konnten muss müssen""".split()
)


@Language.factory("contact_participants")
def create_contact_participants(nlp: Language, name: str):
    return ContactParticipants()


class ContactParticipants:
    """Assign the actor mentions of a sentence to the contacts triggered in it.

    Each mention goes to the nearest contact word of its own clause; the subject of the
    clause (the first actor not governed by a preposition) takes part in every contact of
    that clause. Visits list only their traveller.
    """

    def __call__(self, doc: Doc) -> Doc:
        drafts: list[Draft] = doc._.contacts or []
        mentions: list[ActorMention] = doc._.actor_mentions or []
        by_sentence: dict[int, list[ActorMention]] = {}
        for m in mentions:
            by_sentence.setdefault(m.sentence_start, []).append(m)
        drafts_by_sentence: dict[int, list[Draft]] = {}
        for d in drafts:
            drafts_by_sentence.setdefault(d.sent.start, []).append(d)
        kept: list[Draft] = []
        for sent_start, sent_drafts in drafts_by_sentence.items():
            sent = sent_drafts[0].sent
            segs = segments(doc, sent)
            seg_of = {}
            for k, seg in enumerate(segs):
                for i in range(seg.start, seg.end):
                    seg_of[i] = k
            eligible = [m for m in by_sentence.get(sent_start, []) if self._eligible(doc, m, sent)]
            sent_drafts = [d for d in sent_drafts if not d.rule.needs_partner or _has_partner(doc, d, sent)]
            if not sent_drafts:
                continue
            main_subject = next(
                (
                    m
                    for m in eligible
                    if not segs[seg_of.get(m.start, 0)].is_subordinate and _is_subject(doc, m, eligible)
                ),
                None,
            )
            for m in eligible:
                mseg = seg_of.get(m.start, 0)
                same = [d for d in sent_drafts if seg_of.get(d.trigger, 0) == mseg and d.host is None]
                if same:
                    pool = same
                elif segs[mseg].is_subordinate:
                    continue  # background inside a clause with no contact of its own
                else:
                    pool = [
                        d
                        for d in sent_drafts
                        if not segs[seg_of.get(d.trigger, 0)].is_subordinate and d.host is None
                    ]
                    if not pool:
                        continue
                # Visits take their traveller on their own (see _traveller): other contacts of
                # the sentence have first claim on the actors ("traf Biden bei seinem Besuch").
                pool = [d for d in pool if d.contact_type != "visit"] or pool
                owner = min(pool, key=lambda d: _distance(doc, m, d))
                owner.mentions.append(m)
            for d in sent_drafts:
                dseg = segs[seg_of.get(d.trigger, 0)]
                if dseg.is_subordinate:
                    subject = next(
                        (
                            m
                            for m in eligible
                            if dseg.start <= m.start < dseg.end and _is_subject(doc, m, eligible)
                        ),
                        None,
                    )
                    if lower(doc, dseg.start) in _RELATIVES or lower(doc, dseg.start) == "wo":
                        # "Selenskyj, der ... empfangen wurde", "nach Kairo, wo er ...": the noun
                        # before the clause (or the main subject for "wo") takes part.
                        head = next(
                            (m for m in reversed(eligible) if m.end in (dseg.start - 1, dseg.start)), None
                        )
                        if lower(doc, dseg.start) == "wo":
                            head = subject or main_subject
                        if head is not None and head.kind in ("person", "office", "counterpart", "pronoun"):
                            subject = head
                else:
                    subject = main_subject
                possessor = _possessor(doc, d)
                if possessor is not None and subject is not None and possessor.start < subject.start:
                    possessor = subject
                if d.contact_type == "visit":
                    d.mentions = self._traveller(doc, d, eligible, subject, possessor)
                    continue
                if possessor is not None and subject is not None and possessor.start < subject.start:
                    # "Nach seinem Besuch in Kiew war Blinken ...": a fronted possessive points ahead.
                    possessor = subject
                if d.host is not None:
                    d.mentions = [d.host]
                if possessor is not None:
                    if possessor not in d.mentions:
                        d.mentions.insert(0, possessor)
                elif subject is not None and subject not in d.mentions:
                    d.mentions.insert(0, subject)
                elif (
                    subject is None
                    and len(d.mentions) == 1
                    and _governing_preposition(doc, d.mentions[0], sent) in ("mit", "zwischen")
                ):
                    # "Am Mittwoch folgt das Treffen mit Putin": the one who meets is the
                    # subject of the story so far.
                    d.mentions.insert(
                        0,
                        ActorMention(
                            d.trigger,
                            d.trigger + 1,
                            text(doc, d.trigger),
                            "pronoun",
                            sentence_start=sent.start,
                            attributes={"gender": None, "zero": True},
                        ),
                    )
                d.partner_groups = _distributive_partners(doc, d, subject)
            kept.extend(sent_drafts)
        kept.sort(key=lambda d: d.trigger)
        doc._.contacts = kept
        return doc

    @staticmethod
    def _eligible(doc: Doc, m: ActorMention, sent: Span) -> bool:
        if m.kind == "speaker" or m.attributes.get("appositive"):
            return False
        if m.attributes.get("genitive") and not _before_visit_noun(doc, m):
            return False
        # Attribution: "teilte das Auswärtige Amt mit", "laut Kreml", "sagte Regierungssprecher X".
        i = m.start - 1
        steps = 0
        while i >= sent.start and steps < 3:
            low = lower(doc, i)
            if low in _SPEECH or low in _SOURCE_PREPS:
                return False
            if low in _DETERMINERS or is_lower_word(doc, i):
                i -= 1
                steps += 1
                continue
            break
        if m.end < sent.end and lower(doc, m.end) in ("zufolge", "mitteilte", "mitteilten"):
            return False
        if (
            m.end + 1 < sent.end
            and lower(doc, m.end) in _SPEECH
            and text(doc, m.end + 1) == ","
            and m.kind in ("person", "office", "side", "country")
        ):
            return False  # "Uschakow sagte, für ein Gipfeltreffen ...": the speaker, not a party
        if _governing_preposition(doc, m, sent) in _NON_PARTICIPANT_PREPS:
            return False  # "Vor Baerbock hatten ...", "Sanktionen gegen Russland", "über die Ukraine"
        # "Wie das russische Außenministerium mitteilte, ...": the clause names a source.
        k = m.start - 1
        while k >= sent.start and text(doc, k) not in _SEGMENT_BREAKS:
            k -= 1
        clause_start = k + 1
        if lower(doc, clause_start) == "wie":
            j = m.end
            while j < sent.end and text(doc, j) not in _SEGMENT_BREAKS:
                if lower(doc, j) in _SPEECH:
                    return False
                j += 1
        if m.kind == "country":
            # A bare country is an actor only as a side: "mit Russland", "zwischen Russland und der Nato".
            k = m.start - 1
            while k > sent.start and lower(doc, k) in _DETERMINERS:
                k -= 1  # "zwischen Russland und der Ukraine"
            prev = lower(doc, k) if k >= sent.start else ""
            prev2 = lower(doc, k - 1) if k - 1 >= sent.start else ""
            if prev in ("zwischen", "mit") or prev2 in ("zwischen", "mit"):
                # "im Konflikt mit Russland": "mit" belongs to the noun before it, not to a contact.
                k = m.start - 1 if prev in ("zwischen", "mit") else m.start - 2
                noun = doc[k - 1] if k - 1 >= sent.start else None
                return not (
                    noun is not None
                    and noun.text[:1].isupper()
                    and noun.is_alpha
                    and noun.i not in _trigger_tokens(doc)
                )
            return prev in ("und", "sowie") and _list_has_side(doc, m, sent)
        return True

    @staticmethod
    def _traveller(
        doc: Doc, d: Draft, eligible: list[ActorMention], subject, possessor
    ) -> list[ActorMention]:
        # "Besuch von X", "Xs Besuch", "sein Besuch": the traveller is named next to the noun.
        if d.rule.is_noun:
            for m in eligible:
                if m.start in (d.trigger + 1, d.trigger + 2) and lower(doc, d.trigger + 1) in ("von", "des"):
                    return [m]
                if m.end == d.trigger or (m.end == d.trigger - 1 and m.attributes.get("genitive")):
                    return [m]
                if m.start == d.trigger + 1 and m.attributes.get("genitive"):
                    return [m]  # "die Ankunft Rubios"
            if possessor is not None:
                return [possessor]
        if subject is None:
            # "Die Regierungsmaschine mit dem Kanzler ist in Moskau gelandet."
            people = [m for m in eligible if m.kind in ("person", "office")]
            return people[:1]
        # Coordinated travellers: "Rubio, der Sicherheitsberater Waltz und der Beauftragte Witkoff reisen".
        group = [subject]
        for m in eligible:
            if m.start <= group[-1].start:
                continue
            between = doc[group[-1].end : m.start]
            if all(t.lower_ in _TRAVELLER_GLUE or (t.is_lower and t.is_alpha) for t in between) and any(
                t.lower_ in (",", "und", "sowie") for t in between
            ):
                if any(t.lower_ in _ALL_PREPOSITIONS for t in between):
                    break
                group.append(m)
            else:
                break
        return [m for m in group if m.kind in ("person", "office", "counterpart", "side", "pronoun")]


_TRAVELLER_GLUE = frozenset({",", "und", "sowie", "der", "die", "das", "des", "dem", "den"})


_VISIT_NOUNS = frozenset({"besuch", "reise", "ankunft", "visite", "besuchs", "reisen"})
_NON_PARTICIPANT_PREPS = frozenset(
    """vor nach seit neben außer ohne trotz wegen über gegen gegenüber angesichts hinsichtlich""".split()
)


def _trigger_tokens(doc: Doc) -> set[int]:
    # Read once per document: every doc._ access builds a new spaCy Underscore object.
    triggers = doc.user_data.get("trigger_tokens")
    if triggers is None:
        triggers = doc.user_data["trigger_tokens"] = {d.trigger for d in doc._.contacts or []}
    return triggers


def _before_visit_noun(doc: Doc, m: ActorMention) -> bool:
    """ "Rubios Besuch", "die Ankunft Rubios", "ein Treffen Bidens mit ...": a genitive next
    to a contact noun names who takes part."""
    after = m.end < len(doc) and lower(doc, m.end) in _VISIT_NOUNS
    before = m.start > 0 and lower(doc, m.start - 1) in _VISIT_NOUNS
    # After another contact noun only when nothing the genitive could belong to follows:
    # "Treffen Bidens mit ...", not "während des Telefonats Trumps Verpflichtung".
    follows = lower(doc, m.end) if m.end < len(doc) else "."
    contact_noun = m.start > 0 and m.start - 1 in _trigger_tokens(doc) and follows in ("mit", "und", ",", ".")
    return after or before or contact_noun


def _governing_preposition(doc: Doc, m: ActorMention, sent: Span) -> str | None:
    """The preposition an actor mention depends on ("mit dem russischen Präsidenten" → "mit")."""
    i = m.start - 1
    determiners = 0
    for _ in range(3):
        if i < sent.start:
            return None
        tok = doc[i]
        low = tok.lower_
        if low in _DETERMINERS or low in _POSSESSIVE_GENDER:
            determiners += 1
            if determiners > 1:
                return None  # "nach dem der US-Präsident ...": a relative pronoun, not an article
            i -= 1
            continue
        if (
            tok.is_lower
            and tok.is_alpha
            and low.endswith(("e", "en", "er", "em", "es"))
            and low not in (_NON_PARTICIPANT_PREPS)
        ):
            i -= 1
            continue
        # Only a preposition governs; an adverb ("traf zunächst Lawrow") or a verb does not.
        return low if low in _ALL_PREPOSITIONS else None
    return None


_ALL_PREPOSITIONS = frozenset(
    """mit von vom zu zum zur bei beim gegen für an am über vor nach seit neben außer ohne trotz wegen
    gegenüber angesichts hinsichtlich zwischen in im ins aus auf unter durch um laut""".split()
)


def _has_partner(doc: Doc, d: Draft, sent: Span) -> bool:
    """ "sprechen" is a contact only with a partner ("mit Macron", "zwischen X und Y")."""
    lo = max(sent.start, d.trigger - 12)
    words = {lower(doc, i) for i in range(lo, min(sent.end, d.trigger + 6))}
    return bool(words & {"mit", "zwischen", "miteinander", "telefonisch"})


def _is_subject(doc: Doc, m: ActorMention, mentions: list[ActorMention] = ()) -> bool:
    """Not inside a prepositional or genitive phrase, nor coordinated with one
    ("mit Kanzler Scholz und Außenministerin Baerbock": both depend on "mit")."""
    if _after_preposition(doc, m) or m.attributes.get("genitive"):
        return False
    before = [o for o in mentions if o.end <= m.start]
    if before:
        previous = before[-1]
        between = {lower(doc, i) for i in range(previous.end, m.start)}
        if (
            between
            and between <= {"und", "sowie", ",", "der", "die", "dem", "den"}
            and between & {"und", "sowie"}
        ):
            return _is_subject(doc, previous, mentions)
    return True


def _possessor(doc: Doc, d: Draft) -> ActorMention | None:
    """ "seiner Gespräche", "ihr Telefonat": a possessive before a contact noun names a participant."""
    if not d.rule.is_noun:
        return None
    for back in (1, 2):
        i = d.trigger - back
        if i < d.sent.start:
            return None
        low = lower(doc, i)
        if low in _POSSESSIVE_GENDER:
            return ActorMention(
                i,
                i + 1,
                text(doc, i),
                "pronoun",
                sentence_start=d.sent.start,
                attributes={"gender": _POSSESSIVE_GENDER[low]},
            )
        if not (is_lower_word(doc, i)):
            return None
    return None


_POSSESSIVE_GENDER = {
    **{w: "m" for w in "sein seine seinem seinen seiner seines".split()},
    **{w: "f" for w in "ihr ihre ihrem ihren ihrer ihres".split()},
}


def _distributive_partners(doc: Doc, d: Draft, subject: ActorMention | None) -> list[list[ActorMention]]:
    """ "sowohl mit Merz als auch mit Scholz", "Gespräche mit A und B": one contact per partner."""
    # The subject can follow the verb ("traf Scholz am Freitag Xi und Li"): never a partner.
    ordered = sorted((m for m in d.mentions if m is not subject), key=lambda m: m.start)
    partners: list[ActorMention] = []
    for m in ordered:
        gov = _governing_preposition(doc, m, d.sent)
        # German objects may stand before a final participle ("Meloni ... getroffen").
        direct_object = not d.rule.is_noun and gov is None
        if (gov == "mit" or direct_object) and not partners:
            partners.append(m)
        elif partners:
            between = {t.lower_ for t in doc[partners[-1].end : m.start]}
            if between and between <= _PARTNER_GLUE and between & {"und", "sowie", ",", "mit"}:
                partners.append(m)
    if len(partners) < 2:
        return []
    span_words = {t.lower_ for t in doc[partners[0].start : partners[-1].end]}
    trigger = lower(doc, d.trigger)
    plural_noun = trigger.endswith(("gespräche", "gesprächen", "telefonate", "telefonaten"))
    sequential = span_words & {"anschließend", "danach", "dann", "später", "zunächst"}
    if _same_country(partners) and d.contact_type in ("meeting", "phone_call"):
        # "traf Xi Jinping und Li Keqiang", "mit Scholz und Baerbock": a visitor meets the
        # officials of one government one by one.
        return [[p] for p in partners]
    if (
        "sowohl" in {t.lower_ for t in doc[d.sent.start : partners[0].start]}
        or "mit" in span_words
        or plural_noun
    ):
        return [[p] for p in partners]
    if sequential:
        return [[p] for p in partners]
    if (
        trigger in _MEET_VERBS
        and len(partners) == 2
        and all(p.kind == "person" and _governing_preposition(doc, p, d.sent) is None for p in partners)
    ):
        # "hatte Meloni sowie Papst Franziskus getroffen": one visitor, two meetings.
        return [[p] for p in partners]
    return []


_MEET_VERBS = frozenset("""traf trafen trifft getroffen treffen""".split())


def _same_country(partners: list[ActorMention]) -> bool:
    countries = {p.country for p in partners}
    return (
        len(partners) >= 2
        and len(countries) == 1
        and None not in countries
        and all(p.kind in ("person", "office") and not p.countries for p in partners)
    )


_PARTNER_GLUE = frozenset(
    """und sowie , als auch mit der die dem den des dann anschließend danach später zunächst""".split()
)


def _list_has_side(doc: Doc, m: ActorMention, sent: Span) -> bool:
    i = m.start - 1
    while i > sent.start and lower(doc, i) in ("und", "sowie", ",", "der", "die", "den", "dem"):
        i -= 1
    j = i
    while j > sent.start and j > i - 4:
        if lower(doc, j) in ("zwischen", "mit"):
            return True
        j -= 1
    return False


def _after_preposition(doc: Doc, m: ActorMention) -> bool:
    i = m.start - 1
    steps = 0
    while i >= 0 and steps < 4:
        low = lower(doc, i)
        if low in _ALL_PREPOSITIONS:
            return True
        if low in _DETERMINERS or (is_lower_word(doc, i)):
            i -= 1
            steps += 1
            continue
        return False
    return False


def _distance(doc: Doc, m: ActorMention, d: Draft) -> int:
    dist = m.start - d.trigger if m.start > d.trigger else d.trigger - m.end + 1
    # A mention introduced by "mit" belongs to the contact word right before it.
    if m.start > d.trigger and any(text(doc, k) in _CLAUSE_BREAKS for k in range(d.trigger, m.start)):
        dist += 6
    if m.start < d.trigger and any(text(doc, k) in _CLAUSE_BREAKS for k in range(m.end, d.trigger)):
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
            lowers = token_table(doc).lowers
            words = lowers[lo:hi]
            word_set = set(words)
            before = set(lowers[lo : d.trigger])
            prev = lower(doc, d.trigger - 1) if d.trigger > sent.start else ""
            prev2 = lower(doc, d.trigger - 2) if d.trigger - 1 > sent.start else ""
            in_purpose_clause = lower(doc, _segment_start(doc, d)) == "um"
            if word_set & _PLANNED_WORDS or before & _PLANNED_BEFORE:
                d.status = "planned"
            # "vor seinem Treffen mit ...": in a report of the trip, the meeting lies ahead.
            if d.rule.is_noun and prev2 == "vor" and prev in _POSSESSIVES:
                d.status = "planned"
            # "planten, nach Riad zu reisen", "sei bereit, Putin zu treffen"; but "unterbrach die
            # Beratungen, um mit Putin zu telefonieren" happened: a purpose clause follows its
            # main clause.
            if (
                not d.rule.is_noun
                and prev == "zu"
                and text(doc, d.trigger).islower()
                and not in_purpose_clause
            ):
                d.status = "planned"
            if d.rule.is_noun and word_set & _PLANNED_NOUNS:
                d.status = "planned"
            if _NO_DATE_YET.search(span_text(doc, lo, hi)):
                # "gebe es noch keinen Termin": announced, not cancelled.
                d.status = "planned"
                continue
            if word_set & _POSTPONED:
                # "verschob ... auf den 10. März": planned, dated by the new date if one is given.
                d.status = "planned"
                d.is_postponed = True
                continue
            if word_set & _CANCEL_WORDS:
                d.is_cancelled = True
            if d.rule.is_noun and any(lower(doc, i) in _CANCEL_WORDS for i in range(d.trigger, d.sent.end)):
                d.is_cancelled = True  # "Ein geplantes Treffen mit A, B und C wurde abgesagt."
            if d.rule.is_noun and _in_topic_phrase(doc, d):
                d.is_cancelled = True  # "es ging um die Atomverhandlungen": a topic, not a contact
            if _DEMAND.search(span_text(doc, d.sent.start, d.trigger)):
                d.is_cancelled = True  # "forderten Putin zu Verhandlungen auf": a call, not a contact
            clause_text = span_text(doc, lo, hi)
            if _NOT_HAPPENED.search(clause_text) or _REFUSED.search(clause_text):
                d.is_cancelled = True
            window = lowers[max(sent.start, d.trigger - 6) : min(sent.end, d.trigger + 3)]
            if any(w in _NEGATION for w in window) and "nur" not in window:
                d.is_cancelled = True
            aspiration = _ASPIRATION.search(span_text(doc, sent.start, sent.end))
            if aspiration and sent.start_char + aspiration.start() < doc[d.trigger].idx:
                d.is_cancelled = True
        return doc


_DEMAND = re.compile(
    r"\b(forderte|forderten|fordert|fordern|aufgefordert|drängte|drängten|appellierte)\b", re.I
)


def _in_topic_phrase(doc: Doc, d: Draft) -> bool:
    """A contact noun governed by "um"/"über" ("es ging um die Verhandlungen") is a topic."""
    i = d.trigger - 1
    for _ in range(4):
        if i < d.sent.start:
            return False
        low = lower(doc, i)
        if low == "über":
            return True
        if low == "um":
            # "es ging um", "drehte sich um"; not the purpose "um ... vorzubereiten".
            return i - 1 >= d.sent.start and lower(doc, i - 1) in ("es", "sich", "ging", "geht", "gehe")
        if low in _DETERMINERS or is_lower_word(doc, i):
            i -= 1
            continue
        return False
    return False


def _segment_start(doc: Doc, d: Draft) -> int:
    i = d.trigger
    while i > d.sent.start and text(doc, i - 1) not in _SEGMENT_BREAKS:
        i -= 1
    return i


_PLANNED_NOUNS = frozenset(
    """plan pläne absicht einladung vorbereitung vorbereitungen termin pläne""".split()
)
_POSTPONED = frozenset("""verschoben verschob verschiebt verschieben vertagt vertagte""".split())
_NO_DATE_YET = re.compile(
    r"\b(kein(en)? (termin|datum)|(termin|datum) [^,;]{0,30}noch nicht|noch nicht fest)", re.I
)


_POSSESSIVES = frozenset("sein seine seinem seinen seiner seines ihr ihre ihrem ihren ihrer ihres".split())


def _clause_bounds(doc: Doc, i: int, sent: Span) -> tuple[int, int]:
    texts = token_table(doc).texts
    lo = i
    while lo > sent.start and texts[lo - 1] not in (";", ":"):
        lo -= 1
    hi = i + 1
    while hi < sent.end and texts[hi] not in (",", ";", ":"):
        hi += 1
    return lo, hi


# --- dates ----------------------------------------------------------------------


@Language.factory("contact_dates")
def create_contact_dates(nlp: Language, name: str):
    return ContactDates()


class ContactDates:
    """Resolve the date expression nearest each trigger against the publication date.

    An article without a date marker is dated from its own text: the day after the
    latest explicit day date of a contact that already happened ("am Samstag (15.02.2025)")
    serves as the publication date, so that "am Mittwoch" still resolves.
    """

    def __call__(self, doc: Doc) -> Doc:
        drafts = doc._.contacts or []
        found: dict[int, list[tuple[int, DateExpression]]] = {}
        for d in drafts:
            if d.sent.start not in found:
                base = d.sent.start_char
                found[d.sent.start] = [
                    (_token_at(doc, base + e.start), e)
                    for e in find_date_expressions(span_text(doc, d.sent.start, d.sent.end))
                ]
        publication: PublicationDate | None = doc._.publication
        if publication is None:
            publication = self._inferred_publication(drafts, found)
            doc.user_data["publication_inferred"] = publication
        anchor: date | None = None
        sentence_anchor: date | None = None  # the anchor as it stood before this sentence
        current_sentence = -1
        last_dated: Draft | None = None
        for d in drafts:
            if d.sent.start != current_sentence:
                current_sentence, sentence_anchor = d.sent.start, anchor
            exprs = [
                te
                for te in found[d.sent.start]
                if not _is_boundary_date(doc, te[0], te[1])
                and not _EVENT_RELATIVE.match(te[1].text)
                and _same_clause(doc, d, te[0])
            ]
            when_clause = _als_clause_date(doc, d, found[d.sent.start])
            if when_clause is not None:
                exprs = [when_clause]
            if d.is_postponed:
                # Only the new date counts ("verschob ... auf den 10. März"); without one the
                # contact is planned with no date.
                exprs = [te for te in exprs if te[0] > 0 and lower(doc, te[0] - 1) == "auf"]
            forward = d.status == "planned" or _is_present_tense(doc, d)
            end = None
            if exprs:
                _, expr = min(exprs, key=lambda te: _date_distance(doc, te[0], d.trigger))
                d.has_date_expression = True
                resolved = expr.resolve(publication, forward, sentence_anchor)
                end = expr.resolve_end(publication, forward, sentence_anchor)
                # A weekday resolved only to the month (month-only publication date) is a
                # weak date: it must not keep two reports of one contact apart.
                d.date_is_soft = (
                    expr.kind == "weekday" and resolved is not None and resolved.precision == "month"
                )
                if resolved is not None:
                    d.date = resolved
                    if (
                        resolved.precision == "day"
                        and publication is not None
                        and publication.precision == "day"
                        and resolved.value > publication.value
                    ):
                        d.status = "planned"
            if (
                d.date is None
                and not d.has_date_expression
                and last_dated is not None
                and _close(doc, last_dated, d)
                and last_dated.status == d.status
            ):
                # "Am Abend war Erdogan zu Gast im Kanzleramt": the paragraph's day goes on.
                d.date = last_dated.date
            if (
                d.date is None
                and not d.has_date_expression
                and publication is not None
                and d.status == "occurred"
            ):
                if publication.precision == "day" and _is_present_perfect(doc, d):
                    # "ist in Moskau gelandet", "hat mit Macron telefoniert": news of the day.
                    d.date = ResolvedDate(publication.value, "day")
                else:
                    # Reported without a time: the publication month (SCHEMA convention).
                    d.date = ResolvedDate(publication.value.replace(day=1), "month")
                    d.date_is_soft = True
            if d.date is not None and d.date.precision == "day":
                # "zwei Tage nach den Genfer Gesprächen" counts from the last day of those talks.
                anchor = (
                    end.value
                    if d.has_date_expression and end is not None and end.precision == "day"
                    else (d.date.value)
                )
            if d.has_date_expression and d.date is not None:
                last_dated = d
        return doc

    @staticmethod
    def _inferred_publication(drafts, found) -> PublicationDate | None:
        latest: date | None = None
        for d in drafts:
            if d.status == "planned":
                continue
            for _, expr in found[d.sent.start]:
                resolved = expr.resolve(None, False, None)
                if (
                    resolved is not None
                    and resolved.precision == "day"
                    and (latest is None or resolved.value > latest)
                ):
                    latest = resolved.value
        if latest is None:
            return None
        return PublicationDate(latest + timedelta(days=1), "day")


_AUXILIARIES = frozenset(
    """hat haben hatte hatten ist sind war waren wurde wurden worden habe seien sei wäre""".split()
)


_PRESENT_AUXILIARIES = frozenset({"hat", "haben", "ist", "sind"})
_PAST_AUXILIARIES = frozenset({"hatte", "hatten", "war", "waren", "wurde", "wurden"})


def _is_present_perfect(doc: Doc, d: Draft) -> bool:
    """ "hat ... telefoniert", "ist ... gelandet", "ist das Gespräch beendet": just happened."""
    lo, hi = _clause_bounds(doc, d.trigger, d.sent)
    words = {lower(doc, i) for i in range(lo, hi)}
    return bool(words & _PRESENT_AUXILIARIES) and not words & _PAST_AUXILIARIES


# Present-tense verbs that put a dated contact ahead: "Am Mittwoch folgt das Treffen",
# "am Abend beginnt ein Treffen der NATO-Außenminister".
_PRESENT_CUES = frozenset("""folgt folgen beginnt beginnen findet finden steht stehen""".split())


def _is_present_tense(doc: Doc, d: Draft) -> bool:
    """ "Baerbock reist am Montag nach Kiew": the German present announces what is ahead."""
    lo, hi = _clause_bounds(doc, d.trigger, d.sent)
    words = {lower(doc, i) for i in range(lo, hi)}
    if words & _PRESENT_CUES and not words & (_PAST_AUXILIARIES | _PRESENT_AUXILIARIES):
        return True
    tok = doc[d.trigger]
    # Present 3rd person ends in -t ("reist", "trifft", "empfängt"); strong past forms
    # ("traf", "empfing") and weak ones ("reiste") do not pass.
    if d.rule.is_noun or not tok.is_lower or not tok.lower_.endswith("t") or tok.lower_.endswith("te"):
        return False
    if tok.lower_.startswith("ge"):
        return False  # a participle: "hat getroffen", "ist gereist"
    lo, hi = _clause_bounds(doc, d.trigger, d.sent)
    return not any(lower(doc, i) in _AUXILIARIES for i in range(lo, hi))


def _close(doc: Doc, earlier: Draft, later: Draft) -> bool:
    """Same paragraph and at most two sentences apart."""
    between = span_text(doc, earlier.sent.start, later.sent.start)
    if "\n\n" in between or "\n \n" in between:
        return False
    return len(list(doc[earlier.sent.start : later.sent.end].sents)) <= 3


# "kurz vor der Ankunft", "kurz nach dem Treffen": how another event relates to this one,
# not a date of this one.
_EVENT_RELATIVE = re.compile(r"(kurz|unmittelbar|gleich)\s+(vor|nach)\s+(de[mnrs]|der)\b", re.I)


def _is_boundary_date(doc: Doc, tok: int, expr: DateExpression) -> bool:
    """ "seit Februar 2022", "bis Ende März": the boundary of a long span, not the contact's date.

    A day-level start stays: "Die G7 beraten seit Sonntag" began on Sunday.
    """
    prev = lower(doc, tok - 1) if tok > 0 else ""
    if prev not in ("seit", "bis", "ab", "vor", "spätestens"):
        return False
    return expr.kind not in ("weekday", "relative_day", "absolute_day")


def _als_clause_date(doc: Doc, d: Draft, found):
    """ "seit Februar 2022, als Putin mit Biden sprach": the als-clause happened at that date."""
    segs = segments(doc, d.sent)
    home = next((s for s in segs if s.start <= d.trigger < s.end), None)
    if home is None or lower(doc, home.start) != "als" or home.start < 2:
        return None
    for tok, expr in found:
        end_tok = _token_at(doc, d.sent.start_char + expr.end - 1)
        if end_tok in (home.start - 2, home.start - 1):
            return tok, expr
    return None


def _same_clause(doc: Doc, d: Draft, tok: int) -> bool:
    """A date belongs to a contact in its own clause, or in the main clause when both are there."""
    segs = segments(doc, d.sent)
    home = next((s for s in segs if s.start <= d.trigger < s.end), None)
    there = next((s for s in segs if s.start <= tok < s.end), None)
    if home is None or there is None or home is there:
        return True
    return not home.is_subordinate and not there.is_subordinate


def _token_at(doc: Doc, char: int) -> int:
    """Index of the token covering a character offset (bisect over token starts)."""
    starts = doc.user_data.get("token_starts")
    if starts is None:
        starts = doc.user_data["token_starts"] = doc.to_array([IDX]).tolist()
    return max(bisect_right(starts, char) - 1, 0)


def _date_distance(doc: Doc, tok: int, trigger: int) -> int:
    dist = abs(tok - trigger)
    lo, hi = sorted((tok, trigger))
    if any(text(doc, k) in (";", ":") for k in range(lo, hi)):
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
                prev = lower(doc, hit.start - 1) if hit.start > sent.start else ""
                prev2 = lower(doc, hit.start - 2) if hit.start - 1 > sent.start else ""
                entry = hit.first("PLACE")
                adjective = text(doc, hit.start).endswith("er") and entry.place != text(doc, hit.start)
                after_list = prev in ("und", ",") and any(c[0].end == hit.start - 1 for c in cands)
                # "hatte Selenskyj Rom besucht": the visited place is the verb's object.
                visited = (
                    d.rule.contact_type == "visit"
                    and 0 < abs(hit.start - d.trigger) <= 3
                    and (lower(doc, d.trigger).startswith("besuch"))
                )
                if prev in _PLACE_PREPS or prev2 in _PLACE_PREPS or adjective or after_list or visited:
                    cands.append((hit, entry, prev))
            if not cands and d.contact_type == "visit":
                unknown = _unknown_destination(doc, d)
                if unknown:
                    d.destinations = [unknown]
                    d.location = unknown
                continue
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


def _unknown_destination(doc: Doc, d: Draft) -> str | None:
    """ "reiste weiter nach Aachen": a capitalized name after "nach" that is no German word,
    no known actor and not in the gazetteer is taken as the destination as written."""
    is_common_word = german_word_list()
    known = {i for m in doc._.actor_mentions or [] for i in range(m.start, m.end)}
    for i in range(d.sent.start, d.sent.end - 1):
        if lower(doc, i) != "nach":
            continue
        word = text(doc, i + 1)
        if (
            word[:1].isupper()
            and word.replace("-", "").isalpha()
            and len(word) > 2
            and i + 1 not in known
            and not is_common_word(word)
        ):
            return word
    return None


def _distance_tokens(a: int, b: int) -> int:
    return abs(a - b) + (3 if a < b else 0)


def _group_destinations(doc: Doc, d: Draft, cands) -> list[str]:
    """ "nach Kiew und Moskau": every destination listed together with the one nearest the trigger."""
    if not cands:
        return []
    ordered = sorted(cands, key=lambda c: c[0].start)
    best = min(ordered, key=lambda c: _distance_tokens(c[0].start, d.trigger))
    idx = ordered.index(best)
    lo = hi = idx

    def joined(a, b) -> bool:
        between = doc[a[0].end : b[0].start]
        return len(between) <= 2 and all(t.lower_ in ("und", ",", "sowie", "nach", "in") for t in between)

    while lo > 0 and joined(ordered[lo - 1], ordered[lo]):
        lo -= 1
    while hi + 1 < len(ordered) and joined(ordered[hi], ordered[hi + 1]):
        hi += 1
    return [e.place for _, e, _ in ordered[lo : hi + 1]]


# --- topics ---------------------------------------------------------------------


@Language.factory("contact_topics", default_config={"kb_dir": None})
def create_contact_topics(nlp: Language, name: str, kb_dir: str | None):
    from pathlib import Path

    kb = load_knowledge_base(Path(kb_dir) if kb_dir else None)
    return ContactTopics(kb.topics)


class ContactTopics:
    """Topics of a contact: those named in its sentence, in the sentences that go on about it
    ("Beide bekräftigten ...", "Im Zentrum des Gesprächs stand ..."), and in sentences that
    name the topics of a conversation ("Themen des Gesprächs waren ...").

    All topic cues are one regular expression with a named group per topic, run once over
    the article; matches are then assigned to sentences by offset.
    """

    def __init__(self, topics: dict[str, tuple[str, ...]]):
        self.topics_by_cue: dict[str, set[str]] = {}
        for topic, cues in topics.items():
            for cue in cues:
                self.topics_by_cue.setdefault(cue, set()).add(topic)
        # Cues match at a word start; long single words also inside compounds ("sanktion" in
        # "Wirtschaftssanktionen"), short ones not ("uran" in "Restaurant"). Each set is one
        # trie-shaped regex in a zero-width lookahead: shared prefixes make a miss cheap, and
        # overlapping cues ("Beendigung des Krieges in der Ukraine") are all found.
        inside = [c for c in self.topics_by_cue if " " not in c and len(c) >= 7]
        at_start = [c for c in self.topics_by_cue if c not in set(inside)]
        self.at_word_start = re.compile(r"(?<![a-zäöüß])(?=(" + trie_regex(at_start) + "))")
        self.inside_words = re.compile(r"(?=(" + trie_regex(inside) + "))") if inside else None

    def topics_of(self, text: str) -> set[str]:
        low = text.lower()
        found: set[str] = set()
        for pattern in (self.at_word_start, self.inside_words):
            if pattern is not None:
                for m in pattern.finditer(low):
                    found |= self.topics_by_cue[m.group(1)]
        return found

    def __call__(self, doc: Doc) -> Doc:
        sents = sentence_spans(doc)
        memo: dict[int, set[str]] = {}

        def topics_in(sent: Span) -> set[str]:
            # Only sentences that can matter are matched: the regex is the costly part.
            found = memo.get(sent.start)
            if found is None:
                found = memo[sent.start] = self.topics_of(span_text(doc, sent.start, sent.end))
            return found

        drafts = doc._.contacts or []
        contact_sentences = {d.sent.start for d in drafts}
        index = {s.start: k for k, s in enumerate(sents)}
        for d in drafts:
            d.topics |= topics_in(d.sent)
            k = index[d.sent.start]
            for follow in sents[k + 1 : k + 3]:
                if follow.start in contact_sentences or not _continues(doc, d, follow):
                    break
                d.topics |= topics_in(follow)
        doc.user_data["topic_sentences"] = [
            (sent.start, topics_in(sent))
            for sent in sents
            if _TOPIC_CUES.search(span_text(doc, sent.start, sent.end)) and topics_in(sent)
        ]
        doc.user_data["article_topics"] = lambda: self.topics_of(doc_text(doc))
        return doc


_CONTINUATION_OPENERS = frozenset("""beide er sie dabei zudem auch im es thema themen""".split())


def _mentions_by_sentence(doc: Doc) -> dict[int, list[ActorMention]]:
    grouped = doc.user_data.get("mentions_by_sentence")
    if grouped is None:
        grouped = doc.user_data["mentions_by_sentence"] = {}
        for m in doc._.actor_mentions or []:
            grouped.setdefault(m.sentence_start, []).append(m)
    return grouped


def _continues(doc: Doc, d: Draft, sent: Span) -> bool:
    """The sentence goes on about the contact: same paragraph, and it opens with a pronoun,
    "Beide", "Dabei" or a participant's name."""
    gap = doc_text(doc)[d.sent.end_char : sent.start_char]
    if "\n\n" in gap or "\n \n" in gap:
        return False
    first = lower(doc, sent.start)
    if first in _CONTINUATION_OPENERS:
        return True
    names = {m.person_id for m in d.mentions if m.person_id}
    opening = [m for m in _mentions_by_sentence(doc).get(sent.start, ()) if m.start - sent.start <= 1]
    return any(m.person_id in names for m in opening)


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
        # Place name -> ISO3, to tell that Kiew lies in the Ukraine (visits merge by that).
        self.place_country: dict = {p.name: p.country_iso3 for p in read_places(kb.directory / "places.csv")}
        for c in kb.countries.values():
            self.place_country[c.name] = c.iso3
            if c.capital:
                self.place_country.setdefault(c.capital, c.iso3)
        self.place_country["__countries__"] = frozenset(c.name for c in kb.countries.values())

    def __call__(self, doc: Doc) -> Doc:
        from transforms.pipeline.resolution import consolidate

        resolver = self.resolver_cls(self.kb, doc)
        resolver.place_country = self.place_country
        doc._.contacts = consolidate(doc, doc._.contacts or [], resolver, CORE_ROLES)
        return doc
