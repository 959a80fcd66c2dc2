"""Participants: which actors of a sentence take part in which of its contacts."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from transforms.pipeline.actors import ActorMention
from transforms.pipeline.clauses import (
    CLAUSE_BREAKS,
    DETERMINERS,
    NON_PARTICIPANT_PREPOSITIONS,
    POSSESSIVE_GENDER,
    PREPOSITIONS,
    RELATIVES,
    SEGMENT_BREAKS,
    SOURCE_WORDS,
    SPEECH_VERBS,
    Draft,
    governing_preposition,
    segments,
    trigger_tokens,
)
from transforms.pipeline.tokens import (
    is_lower_word,
    lower,
    text,
    token_table,
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
            occasions = occasion_spans(doc, sent, sent_drafts)

            def occasion_of(m: ActorMention, spans=occasions) -> tuple[int, int] | None:
                return next(((a, b) for a, b in spans if a < m.start < b), None)

            main_subject = next(
                (
                    m
                    for m in eligible
                    if not segs[seg_of.get(m.start, 0)].is_subordinate
                    and occasion_of(m) is None
                    and _is_subject(doc, m, eligible)
                ),
                None,
            )
            for m in eligible:
                occasion = occasion_of(m) if m.kind in ("organization", "group") else None
                if occasion is not None:
                    # The summit's group belongs to the summit, not to the meeting on its sidelines.
                    nouns = [
                        d for d in sent_drafts if d.rule.is_noun and occasion[0] <= d.trigger < occasion[1]
                    ]
                    if nouns:
                        min(nouns, key=lambda d: _distance(doc, m, d)).mentions.append(m)
                    continue
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
                    if lower(doc, dseg.start) in RELATIVES or lower(doc, dseg.start) == "wo":
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
                    and governing_preposition(doc, d.mentions[0], sent) in ("mit", "zwischen")
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
                if any(m.kind == "side" for m in d.mentions):
                    # "Unterhändler der USA und Russlands, angeführt von Sherman und Rjabkow":
                    # the named leads stand for their delegations.
                    d.mentions.extend(
                        m for m in _delegation_leads(doc, sent, eligible) if m not in d.mentions
                    )
            kept.extend(sent_drafts)
        kept.sort(key=lambda d: d.trigger)
        doc._.contacts = kept
        return doc

    @staticmethod
    def _eligible(doc: Doc, m: ActorMention, sent: Span) -> bool:
        if m.kind == "speaker" or m.attributes.get("appositive") or is_predicative(doc, m):
            return False
        if m.attributes.get("genitive") and not _before_visit_noun(doc, m):
            return False
        # Attribution: "teilte das Auswärtige Amt mit", "laut Kreml", "sagte Regierungssprecher X".
        i = m.start - 1
        steps = 0
        while i >= sent.start and steps < 3:
            low = lower(doc, i)
            if low in SPEECH_VERBS or low in SOURCE_WORDS:
                return False
            if low in DETERMINERS or is_lower_word(doc, i):
                i -= 1
                steps += 1
                continue
            break
        if m.end < sent.end and lower(doc, m.end) in ("zufolge", "mitteilte", "mitteilten"):
            return False
        if (
            m.end + 1 < sent.end
            and lower(doc, m.end) in SPEECH_VERBS
            and text(doc, m.end + 1) == ","
            and m.kind in ("person", "office", "side", "country")
        ):
            return False  # "Uschakow sagte, für ein Gipfeltreffen ...": the speaker, not a party
        if governing_preposition(doc, m, sent) in NON_PARTICIPANT_PREPOSITIONS:
            return False  # "Vor Baerbock hatten ...", "Sanktionen gegen Russland", "über die Ukraine"
        # "Wie das russische Außenministerium mitteilte, ...": the clause names a source.
        k = m.start - 1
        while k >= sent.start and text(doc, k) not in SEGMENT_BREAKS:
            k -= 1
        clause_start = k + 1
        if lower(doc, clause_start) == "wie":
            j = m.end
            while j < sent.end and text(doc, j) not in SEGMENT_BREAKS:
                if lower(doc, j) in SPEECH_VERBS:
                    return False
                j += 1
        if m.kind == "country":
            # A bare country is an actor only as a side: "mit Russland", "zwischen Russland und der Nato".
            k = m.start - 1
            while k > sent.start and lower(doc, k) in DETERMINERS:
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
                    and noun.i not in trigger_tokens(doc)
                )
            return prev in ("und", "sowie") and _list_has_side(doc, m, sent)
        return True

    @staticmethod
    def _traveller(
        doc: Doc, d: Draft, eligible: list[ActorMention], subject, possessor
    ) -> list[ActorMention]:
        # "Trump hat Xi zu einem Staatsbesuch eingeladen": the guest travels, not the host.
        if d.rule.is_noun and subject is not None and is_invitation(doc, d.sent):
            guest_kinds = ("person", "office", "counterpart")
            guests = [m for m in eligible if m is not subject and m.kind in guest_kinds]
            if guests:
                return guests[:1]
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
                if any(t.lower_ in PREPOSITIONS for t in between):
                    break
                group.append(m)
            else:
                break
        return [m for m in group if m.kind in ("person", "office", "counterpart", "side", "pronoun")]


_TRAVELLER_GLUE = frozenset({",", "und", "sowie", "der", "die", "das", "des", "dem", "den"})


_OCCASION_PREPS = frozenset({("bei", "dem"), ("auf", "dem"), ("während", "des")})


def occasion_spans(doc: Doc, sent: Span, drafts: list[Draft]) -> list[tuple[int, int]]:
    """ "Am Rande des Gipfels der SCO (traf er Xi)", "Beim Gipfel in Tianjin (kam er mit Xi
    zusammen)": the phrase naming the occasion of a contact, from its head word up to the next
    contact verb or comma."""
    lowers = token_table(doc).lowers
    starts = [
        d.trigger
        for d in drafts
        if d.rule.is_noun
        and d.trigger > sent.start
        and (
            lowers[d.trigger - 1] == "beim"
            or d.trigger - 1 > sent.start
            and (lowers[d.trigger - 2], lowers[d.trigger - 1]) in _OCCASION_PREPS
        )
    ]
    starts += [
        r for r in range(sent.start + 1, sent.end) if lowers[r] == "rande" and lowers[r - 1] in ("am", "an")
    ]
    verbs = sorted(d.trigger for d in drafts if not d.rule.is_noun)
    spans = []
    for r in starts:
        end = next((t for t in verbs if t > r), sent.end)
        end = next((i for i in range(r, end) if lowers[i] in (",", ";", ":")), end)
        spans.append((r - 1, end))
    return spans


def is_predicative(doc: Doc, m: ActorMention) -> bool:
    """ "Als erster Regierungschef eines G7-Staates ist Scholz ... gereist": an office after
    "als", and what depends on it ("eines G7-Staates"), says what someone is; it names no one
    of its own."""
    if m.kind not in ("office", "organization", "country"):
        return False
    lowers = token_table(doc).lowers
    ends = doc.user_data.get("mention_ends")
    if ends is None:
        ends = doc.user_data["mention_ends"] = {o.end: o for o in doc._.actor_mentions or []}
    while True:
        i = m.start - 1
        while i >= m.sentence_start and m.start - i <= 3 and is_lower_word(doc, i) and lowers[i] != "als":
            i -= 1
        if i < m.sentence_start:
            return False
        if lowers[i] == "als":
            return m.kind == "office"
        before = ends.get(i + 1)
        if before is None or i + 1 == m.start or m.kind not in ("organization", "country"):
            return False
        m = before  # "eines G7-Staates" depends on the office before it


_INVITATION_WORDS = frozenset({"eingeladen", "einladen", "einlud", "einluden", "lädt", "lud", "luden"})


def is_invitation(doc: Doc, sent: Span) -> bool:
    """ "hat ... eingeladen", "lud ... ein", "lädt ... ein" in the sentence of a visit noun."""
    lowers = token_table(doc).lowers
    return any(w in _INVITATION_WORDS for w in lowers[sent.start : sent.end])


_VISIT_NOUNS = frozenset({"besuch", "reise", "ankunft", "visite", "besuchs", "reisen"})


_LEAD_CUES = (("angeführt", "von"), ("geleitet", "von"), ("unter", "leitung"), ("unter", "führung"))


def _delegation_leads(doc: Doc, sent: Span, eligible: list[ActorMention]) -> list[ActorMention]:
    lowers = token_table(doc).lowers
    for i in range(sent.start, sent.end - 1):
        if (lowers[i], lowers[i + 1]) in _LEAD_CUES:
            return [m for m in eligible if m.start > i and m.kind == "person"]
    return []


def _before_visit_noun(doc: Doc, m: ActorMention) -> bool:
    """ "Rubios Besuch", "die Ankunft Rubios", "ein Treffen Bidens mit ...": a genitive next
    to a contact noun names who takes part."""
    after = m.end < len(doc) and lower(doc, m.end) in _VISIT_NOUNS
    before = m.start > 0 and lower(doc, m.start - 1) in _VISIT_NOUNS
    # After another contact noun only when nothing the genitive could belong to follows:
    # "Treffen Bidens mit ...", not "während des Telefonats Trumps Verpflichtung".
    follows = lower(doc, m.end) if m.end < len(doc) else "."
    contact_noun = m.start > 0 and m.start - 1 in trigger_tokens(doc) and follows in ("mit", "und", ",", ".")
    return after or before or contact_noun


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
        if low in POSSESSIVE_GENDER:
            return ActorMention(
                i,
                i + 1,
                text(doc, i),
                "pronoun",
                sentence_start=d.sent.start,
                attributes={"gender": POSSESSIVE_GENDER[low]},
            )
        if not (is_lower_word(doc, i)):
            return None
    return None


def _distributive_partners(doc: Doc, d: Draft, subject: ActorMention | None) -> list[list[ActorMention]]:
    """ "sowohl mit Merz als auch mit Scholz", "Gespräche mit A und B": one contact per partner."""
    # The subject can follow the verb ("traf Scholz am Freitag Xi und Li"): never a partner.
    ordered = sorted((m for m in d.mentions if m is not subject), key=lambda m: m.start)
    partners: list[ActorMention] = []
    for m in ordered:
        if _companion(doc, m, d.sent.start):
            continue  # "telefonierten gemeinsam mit Selenskyj mit Trump": Selenskyj is on their side
        gov = governing_preposition(doc, m, d.sent)
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
        and all(p.kind == "person" and governing_preposition(doc, p, d.sent) is None for p in partners)
    ):
        # "hatte Meloni sowie Papst Franziskus getroffen": one visitor, two meetings.
        return [[p] for p in partners]
    return []


_MEET_VERBS = frozenset("""traf trafen trifft getroffen treffen""".split())


def _companion(doc: Doc, m: ActorMention, sent_start: int) -> bool:
    """ "gemeinsam mit X", "zusammen mit X": X joins the subject, it is not a partner."""
    for i in range(m.start - 1, max(sent_start, m.start - 5), -1):
        if lower(doc, i) == "mit":
            return i > sent_start and lower(doc, i - 1) in ("gemeinsam", "zusammen")
    return False


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
        if low in PREPOSITIONS:
            return True
        if low in DETERMINERS or (is_lower_word(doc, i)):
            i -= 1
            steps += 1
            continue
        return False
    return False


def _distance(doc: Doc, m: ActorMention, d: Draft) -> int:
    dist = m.start - d.trigger if m.start > d.trigger else d.trigger - m.end + 1
    # A mention introduced by "mit" belongs to the contact word right before it.
    if m.start > d.trigger and any(text(doc, k) in CLAUSE_BREAKS for k in range(d.trigger, m.start)):
        dist += 6
    if m.start < d.trigger and any(text(doc, k) in CLAUSE_BREAKS for k in range(m.end, d.trigger)):
        dist += 6
    return dist
