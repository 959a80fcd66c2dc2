"""Participants: which actors of a sentence take part in which of its contacts."""

from __future__ import annotations

from bisect import bisect_right
from operator import attrgetter

from spacy.language import Language
from spacy.tokens import Doc, Span

from transforms.pipeline.actors import ActorMention
from transforms.pipeline.clauses import (
    DETERMINERS,
    FINITE_AUXILIARIES,
    NON_PARTICIPANT_PREPOSITIONS,
    POSSESSIVE_GENDER,
    PREPOSITIONS,
    RELATIVES,
    SEGMENT_BREAKS,
    SOURCE_WORDS,
    SPEECH_VERBS,
    Draft,
    Segment,
    SentenceBreaks,
    doc_extension,
    first_from,
    governing_word,
    last_before,
    mentions_by_sentence,
    segments,
    sentence_breaks,
    set_doc_extension,
    trigger_tokens,
)
from transforms.pipeline.tokens import is_lower_word, token_table


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
        drafts: list[Draft] = doc_extension(doc, "contacts") or []
        if not drafts:
            set_doc_extension(doc, "contacts", [])
            return doc
        table = token_table(doc)
        lowers, texts = table.lowers, table.texts
        # The trigger tokens of all drafts, before the ones without a partner are dropped.
        triggers = trigger_tokens(doc)
        by_sentence = mentions_by_sentence(doc)
        drafts_by_sentence: dict[int, list[Draft]] = {}
        for d in drafts:
            drafts_by_sentence.setdefault(d.sent.start, []).append(d)
        kept: list[Draft] = []
        for sent_start, sent_drafts in drafts_by_sentence.items():
            sent = sent_drafts[0].sent
            sent_end = sent.end
            sent_drafts = [
                d
                for d in sent_drafts
                if not d.rule.needs_partner or _has_partner(lowers, d, sent_start, sent_end)
            ]
            if not sent_drafts:
                continue
            found = sentence_breaks(doc, sent_start, sent_end)
            segs = segments(doc, sent)
            eligible = [
                m
                for m in by_sentence.get(sent_start, ())
                if _eligible(lowers, texts, triggers, found, m, sent_start, sent_end)
                and not is_predicative(doc, m)
            ]
            # "Am Rande des Gipfels der SCO traf er Xi": the summit's group belongs to the
            # summit (a noun inside the phrase), and the subject stands outside the phrase.
            occasions = occasion_spans(doc, sent, sent_drafts)
            at_occasion = [m for m in eligible if _in_occasion(m, occasions)]
            occasion_groups = [m for m in at_occasion if m.kind in ("organization", "group")]
            if occasion_groups:
                eligible = [m for m in eligible if m not in occasion_groups]
            # The segment of every trigger and mention start (0 for a token between segments).
            positions = [d.trigger for d in sent_drafts] + [m.start for m in eligible]
            if len(segs) == 1:
                seg_of = dict.fromkeys(positions, 0)
            else:
                seg_starts = [seg.start for seg in segs]
                seg_of = {i: _segment_index(segs, seg_starts, i) for i in positions}
            subjects: dict[int, bool] = {}  # _is_subject by id of the mention, for this sentence

            main_subject = None
            for m in eligible:
                if m in at_occasion:
                    continue
                if not segs[seg_of[m.start]].is_subordinate and _subject_memo(
                    subjects, lowers, texts, m, eligible
                ):
                    main_subject = m
                    break
            if len(sent_drafts) == 1:
                # The common case, one contact word: the rules below reduce to "a mention of
                # its segment, or of any main clause when it stands in one".
                d = sent_drafts[0]
                if d.host is None:
                    dseg_index = seg_of[d.trigger]
                    in_main = not segs[dseg_index].is_subordinate
                    for m in eligible:
                        mseg = seg_of[m.start]
                        if mseg == dseg_index or (in_main and not segs[mseg].is_subordinate):
                            d.mentions.append(m)
            else:
                _assign(segs, seg_of, found.clause, sent_drafts, eligible)
                if occasions:
                    _to_the_contact_at_the_occasion(sent_drafts, occasions)
            for m in occasion_groups:
                span = _in_occasion(m, occasions)
                nouns = [d for d in sent_drafts if d.rule.is_noun and span[0] <= d.trigger < span[1]]
                if nouns:
                    min(nouns, key=lambda d: abs(d.trigger - m.start)).mentions.append(m)
            for d in sent_drafts:
                dseg = segs[seg_of[d.trigger]]
                if dseg.is_subordinate:
                    subject = next(
                        (
                            m
                            for m in eligible
                            if dseg.start <= m.start < dseg.end
                            and _subject_memo(subjects, lowers, texts, m, eligible)
                        ),
                        None,
                    )
                    opener = lowers[dseg.start]
                    if subject is None and opener == "um" and main_subject is not None:
                        # "Meloni und Rutte reisten nach Tunis, um mit Saied zu sprechen": the
                        # purpose clause has the main clause's subject, all of it.
                        for m in reversed(_listed_after(lowers, texts, main_subject, eligible)):
                            if not _holds(d.mentions, m):
                                d.mentions.insert(0, m)
                        subject = main_subject
                    if opener in RELATIVES or opener == "wo":
                        # "Selenskyj, der ... empfangen wurde", "nach Kairo, wo er ...": the noun
                        # before the clause (or the main subject for "wo") takes part.
                        head = next(
                            (m for m in reversed(eligible) if m.end in (dseg.start - 1, dseg.start)), None
                        )
                        if opener == "wo":
                            head = subject or main_subject
                        if head is not None and head.kind in ("person", "office", "counterpart", "pronoun"):
                            subject = head
                else:
                    subject = main_subject
                if subject is None and d.rule.is_noun and d.mentions:
                    subject = _speaker_after_fronted_contact(
                        lowers, texts, d, by_sentence.get(sent_start, ())
                    )
                possessor = _possessor(lowers, texts, d, sent_start) if d.rule.is_noun else None
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
                    if not _holds(d.mentions, possessor):
                        d.mentions.insert(0, possessor)
                elif subject is not None and not _holds(d.mentions, subject):
                    if occasions and subject is main_subject and _in_occasion_span(d.trigger, occasions):
                        # "Biden und Xi trafen sich am Rande des Apec-Gipfels": all of the
                        # subject were at the summit.
                        for m in reversed(_listed_after(lowers, texts, subject, eligible)):
                            if not _holds(d.mentions, m):
                                d.mentions.insert(0, m)
                    else:
                        d.mentions.insert(0, subject)
                elif (
                    subject is None
                    and len(d.mentions) == 1
                    and governing_word(lowers, texts, d.mentions[0].start, sent_start) in ("mit", "zwischen")
                ):
                    # "Am Mittwoch folgt das Treffen mit Putin": the one who meets is the
                    # subject of the story so far.
                    d.mentions.insert(
                        0,
                        ActorMention(
                            d.trigger,
                            d.trigger + 1,
                            texts[d.trigger],
                            "pronoun",
                            sentence_start=sent_start,
                            attributes={"gender": None, "zero": True},
                        ),
                    )
                d.partner_groups = _distributive_partners(lowers, texts, d, subject, sent_start)
                for m in d.mentions:
                    if m.kind == "side":
                        # "Unterhändler der USA und Russlands, angeführt von Sherman und Rjabkow":
                        # the named leads stand for their delegations.
                        d.mentions.extend(
                            m for m in _delegation_leads(doc, sent, eligible) if m not in d.mentions
                        )
                        break
            kept.extend(sent_drafts)
        kept.sort(key=_trigger_of)
        set_doc_extension(doc, "contacts", kept)
        return doc

    @staticmethod
    def _eligible(doc: Doc, m: ActorMention, sent: Span) -> bool:
        table = token_table(doc)
        found = sentence_breaks(doc, sent.start, sent.end)
        return not is_predicative(doc, m) and _eligible(
            table.lowers, table.texts, trigger_tokens(doc), found, m, sent.start, sent.end
        )

    @staticmethod
    def _traveller(
        doc: Doc, d: Draft, eligible: list[ActorMention], subject, possessor
    ) -> list[ActorMention]:
        table = token_table(doc)
        lowers, texts = table.lowers, table.texts
        # "Trump hat Xi zu einem Staatsbesuch eingeladen": the guest travels, not the host.
        if d.rule.is_noun and subject is not None and is_invitation(doc, d.sent):
            guest_kinds = ("person", "office", "counterpart")
            guests = [m for m in eligible if m is not subject and m.kind in guest_kinds]
            if guests:
                return guests[:1]
        # "Besuch von X", "Xs Besuch", "sein Besuch": the traveller is named next to the noun.
        if d.rule.is_noun:
            trigger = d.trigger
            after_von = trigger + 1 < len(lowers) and lowers[trigger + 1] in ("von", "des")
            for m in eligible:
                if after_von and m.start in (trigger + 1, trigger + 2):
                    return [m]
                if m.end == trigger or (m.end == trigger - 1 and m.attributes.get("genitive")):
                    return [m]
                if m.start == trigger + 1 and m.attributes.get("genitive"):
                    return [m]  # "die Ankunft Rubios"
            if possessor is not None:
                return [possessor]
        if subject is None:
            # "Die Regierungsmaschine mit dem Kanzler ist in Moskau gelandet."
            people = [m for m in eligible if m.kind in ("person", "office")]
            return people[:1]
        # Coordinated travellers: "Rubio, der Sicherheitsberater Waltz und der Beauftragte Witkoff reisen".
        group = _listed_after(lowers, texts, subject, eligible)
        # Companions: "war der Kanzler gemeinsam mit Macron, Starmer und Tusk nach Kiew gereist".
        # "Macron reist am Montag gemeinsam mit Scholz und Tusk nach Kiew": after the verb too.
        companion = next(
            (
                m
                for m in eligible
                if subject.start < m.start
                and (m.start < d.trigger or SEGMENT_BREAKS.isdisjoint(lowers[d.trigger : m.start]))
                and _companion(lowers, m, d.sent.start)
            ),
            None,
        )
        if companion is not None:
            group += _listed_after(lowers, texts, companion, eligible)
        return [m for m in group if m.kind in ("person", "office", "counterpart", "side", "pronoun")]


_LIST_WORDS = frozenset({",", "und", "sowie"})


def _listed_after(
    lowers: list[str], texts: list[str], first: ActorMention, eligible: list[ActorMention]
) -> list[ActorMention]:
    """``first`` and the mentions listed right after it ("X, der Berater Y und Z")."""
    group = [first]
    for m in eligible:
        if m.start <= group[-1].start:
            continue
        lo, hi = group[-1].end, m.start
        between = lowers[lo:hi]
        if all(
            low in _TRAVELLER_GLUE or (word.islower() and word.isalpha())
            for low, word in zip(between, texts[lo:hi], strict=True)
        ) and not _LIST_WORDS.isdisjoint(between):
            if not PREPOSITIONS.isdisjoint(between):
                break
            group.append(m)
        else:
            break
    return group


_trigger_of = attrgetter("trigger")
_start_of = attrgetter("start")


def _assign(
    segs: list[Segment],
    seg_of: dict[int, int],
    clause_breaks: list[int],
    sent_drafts: list[Draft],
    eligible: list[ActorMention],
) -> None:
    """Each mention goes to the nearest contact word of its own segment."""
    for m in eligible:
        mseg = seg_of[m.start]
        same = [d for d in sent_drafts if seg_of[d.trigger] == mseg and d.host is None]
        if same:
            pool = same
        elif segs[mseg].is_subordinate:
            continue  # background inside a clause with no contact of its own
        else:
            pool = [d for d in sent_drafts if not segs[seg_of[d.trigger]].is_subordinate and d.host is None]
            if not pool:
                continue
        # Visits take their traveller on their own (see _traveller): other contacts of
        # the sentence have first claim on the actors ("traf Biden bei seinem Besuch").
        pool = [d for d in pool if d.contact_type != "visit"] or pool
        owner = min(pool, key=lambda d: _distance(clause_breaks, m, d.trigger))  # noqa: B023
        owner.mentions.append(m)


def _holds(mentions: list[ActorMention], m: ActorMention) -> bool:
    """``m in mentions``, which compares dataclasses field by field: only a mention at the same
    start can be equal, so the others are passed over without building their field tuples."""
    start = m.start
    return any(o is m or (o.start == start and o == m) for o in mentions)


def _segment_index(segs: list[Segment], starts: list[int], i: int) -> int:
    """Index of the segment holding token ``i``; 0 for a break between segments."""
    k = bisect_right(starts, i) - 1
    return k if k >= 0 and i < segs[k].end else 0


def _eligible(
    lowers: list[str],
    texts: list[str],
    triggers: set[int],
    found: SentenceBreaks,
    m: ActorMention,
    sent_start: int,
    sent_end: int,
) -> bool:
    if m.kind == "speaker" or m.attributes.get("appositive"):
        return False
    if m.attributes.get("genitive") and not _before_visit_noun(lowers, triggers, m):
        return False
    # Attribution: "teilte das Auswärtige Amt mit", "laut Kreml", "sagte Regierungssprecher X".
    i = m.start - 1
    steps = 0
    while i >= sent_start and steps < 3:
        low = lowers[i]
        if low in SPEECH_VERBS or low in SOURCE_WORDS:
            return False
        if low in DETERMINERS or (texts[i].isalpha() and texts[i].islower()):
            i -= 1
            steps += 1
            continue
        break
    if m.end < sent_end:
        following = lowers[m.end]
        if following in ("zufolge", "mitteilte", "mitteilten"):
            return False
        if (
            m.end + 1 < sent_end
            and following in SPEECH_VERBS
            and texts[m.end + 1] == ","
            and m.kind in ("person", "office", "side", "country")
        ):
            return False  # "Uschakow sagte, für ein Gipfeltreffen ...": the speaker, not a party
    if governing_word(lowers, texts, m.start, sent_start) in NON_PARTICIPANT_PREPOSITIONS:
        return False  # "Vor Baerbock hatten ...", "Sanktionen gegen Russland", "über die Ukraine"
    # "Wie das russische Außenministerium mitteilte, ...": the clause names a source.
    previous_break = last_before(found.segment, sent_start, m.start)
    clause_start = sent_start if previous_break is None else previous_break + 1
    if lowers[clause_start] == "wie":
        next_break = first_from(found.segment, m.end, sent_end)
        if not SPEECH_VERBS.isdisjoint(lowers[m.end : sent_end if next_break is None else next_break]):
            return False
    if m.kind == "country":
        # A bare country is an actor only as a side: "mit Russland", "zwischen Russland und der Nato".
        k = m.start - 1
        while k > sent_start and lowers[k] in DETERMINERS:
            k -= 1  # "zwischen Russland und der Ukraine"
        prev = lowers[k] if k >= sent_start else ""
        prev2 = lowers[k - 1] if k - 1 >= sent_start else ""
        if prev in ("zwischen", "mit") or prev2 in ("zwischen", "mit"):
            # "im Konflikt mit Russland": "mit" belongs to the noun before it, not to a contact.
            k = m.start - 1 if prev in ("zwischen", "mit") else m.start - 2
            if k - 1 < sent_start:
                return True
            noun = texts[k - 1]
            return not (noun[:1].isupper() and noun.isalpha() and k - 1 not in triggers)
        if prev in ("und", "sowie") and _list_has_side(lowers, m, sent_start):
            return True
        # "Russland und die Ukraine haben in Istanbul verhandelt": two countries that open
        # the sentence are its subject, the two sides.
        return m.attributes.get("opening_pair", False)
    return True


_TRAVELLER_GLUE = frozenset({",", "und", "sowie", "der", "die", "das", "des", "dem", "den"})


_OCCASION_PREPS = frozenset({("bei", "dem"), ("auf", "dem"), ("während", "des")})


def _in_occasion_span(i: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < i < b for a, b in spans)


def _in_occasion(m: ActorMention, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    return next(((a, b) for a, b in spans if a < m.start < b), None)


def _to_the_contact_at_the_occasion(drafts: list[Draft], occasions: list[tuple[int, int]]) -> None:
    """ "Trump und Xi haben sich am Rande des G20-Gipfels getroffen": who is named outside the
    occasion phrase meets at it (the verb's contact), as in "Am Rande des G20-Gipfels trafen
    sich Trump und Xi"; the summit keeps what the phrase names (and, as there, the subject)."""
    for d in drafts:
        if not d.rule.is_noun:
            continue
        span = next(((a, b) for a, b in occasions if a < d.trigger < b), None)
        if span is None:
            continue
        # The contact verb that closes the phrase, else the one before it ("traf am Rande des
        # Gipfels Xi").
        verb = next((v for v in drafts if not v.rule.is_noun and v.trigger >= span[1]), None)
        if verb is None:
            verb = next((v for v in reversed(drafts) if not v.rule.is_noun and v.trigger <= span[0]), None)
        if verb is None:
            # "Lawrow und Blinken führten am Rande des G20-Treffens ein kurzes Gespräch": a
            # contact noun outside every occasion phrase is the contact held there.
            verb = next(
                (
                    v
                    for v in drafts
                    if v.rule.is_noun
                    and v.contact_type != "visit"
                    and not any(a < v.trigger < b for a, b in occasions)
                ),
                None,
            )
        if verb is None:
            continue
        outside = [m for m in d.mentions if not span[0] < m.start < span[1]]
        for m in outside:
            if not _holds(verb.mentions, m):
                verb.mentions.append(m)
        d.mentions = [m for m in d.mentions if span[0] < m.start < span[1]]


def occasion_spans(doc: Doc, sent: Span, drafts: list[Draft]) -> list[tuple[int, int]]:
    """ "Am Rande des Gipfels der SCO (traf er Xi)", "Beim Gipfel in Tianjin (kam er mit Xi
    zusammen)": the phrase naming the occasion of a contact, from its head word up to the next
    contact verb or comma."""
    table = token_table(doc)
    lowers, texts = table.lowers, table.texts
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
    if "rande" in lowers[sent.start + 1 : sent.end]:  # rare: look at the tokens only then
        starts += [
            r
            for r in range(sent.start + 1, sent.end)
            if lowers[r] == "rande" and lowers[r - 1] in ("am", "an")
        ]
    verbs = sorted(d.trigger for d in drafts if not d.rule.is_noun)
    nouns = sorted(d.trigger for d in drafts if d.rule.is_noun)
    spans = []
    for r in starts:
        end = next((t for t in verbs if t > r), sent.end)
        end = next((i for i in range(r, end) if lowers[i] in (",", ";", ":")), end)
        if r - 1 == sent.start:
            # "Am Rande des Gipfels will der Kanzler Xi treffen": a fronted occasion phrase
            # ends at the finite verb, whatever contact verb comes at the end.
            end = next((i for i in range(r + 1, end) if lowers[i] in FINITE_AUXILIARIES), end)
        if (verbs and verbs[0] < r) or r - 2 > sent.start:
            # "Baerbock traf am Rande des Nato-Gipfels ihren US-Kollegen Blinken": after the
            # verb, the phrase ends with its noun and what qualifies it ("der G20", "in Rom");
            # the object that follows meets at it. So inside the clause whatever its verb
            # ("Lawrow und Blinken führten am Rande des G20-Treffens ein Gespräch").
            head = _rande_head(lowers, texts, r, end) if lowers[r] == "rande" else r
            end = _phrase_end(lowers, next((n for n in nouns if n >= r), end) if head is None else head, end)
        spans.append((r - 1, end))
    return spans


def _rande_head(lowers: list[str], texts: list[str], r: int, end: int) -> int | None:
    """The noun of "am Rande der (informellen) UN-Generalversammlung" (``r``: "Rande")."""
    i = r + 1
    if i < end and lowers[i] in ("des", "der", "eines", "einer"):
        i += 1
    while i < end and texts[i].isalpha() and texts[i].islower():
        i += 1  # adjectives
    return i if i < end and texts[i][:1].isupper() else None


def _phrase_end(lowers: list[str], noun: int, limit: int) -> int:
    """The end of an occasion phrase headed by the contact noun at ``noun``: the noun, a
    genitive after it ("des Treffens der Nato-Außenminister") and a place ("in Brüssel")."""
    end = noun + 1
    if end + 1 < limit and lowers[end] in ("der", "des"):
        end += 2
    if end + 1 < limit and lowers[end] in ("in", "im"):
        end += 2
    return min(end, limit)


def is_predicative(doc: Doc, m: ActorMention) -> bool:
    """ "Als erster Regierungschef eines G7-Staates ist Scholz ... gereist": an office after
    "als", and what depends on it ("eines G7-Staates"), says what someone is; it names no one
    of its own."""
    if m.kind not in ("office", "organization", "country"):
        return False
    lowers = token_table(doc).lowers
    ends = doc.user_data.get("mention_ends")
    if ends is None:
        ends = doc.user_data["mention_ends"] = {o.end: o for o in doc_extension(doc, "actor_mentions") or []}
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
    return not _INVITATION_WORDS.isdisjoint(lowers[sent.start : sent.end])


_VISIT_NOUNS = frozenset({"besuch", "reise", "ankunft", "visite", "besuchs", "reisen"})
_VISIT_ENDINGS = tuple(_VISIT_NOUNS)


_LEAD_CUES = (("angeführt", "von"), ("geleitet", "von"), ("unter", "leitung"), ("unter", "führung"))


def _delegation_leads(doc: Doc, sent: Span, eligible: list[ActorMention]) -> list[ActorMention]:
    lowers = token_table(doc).lowers
    for i in range(sent.start, sent.end - 1):
        if (lowers[i], lowers[i + 1]) in _LEAD_CUES:
            return [m for m in eligible if m.start > i and m.kind == "person"]
    return []


def _before_visit_noun(lowers: list[str], triggers: set[int], m: ActorMention) -> bool:
    """ "Rubios Besuch", "die Ankunft Rubios", "ein Treffen Bidens mit ...": a genitive next
    to a contact noun names who takes part."""
    n = len(lowers)
    # "Besuch", and its compounds: "Staatsbesuch Trumps", "Trumps Antrittsbesuch".
    after = m.end < n and lowers[m.end].endswith(_VISIT_ENDINGS)
    before = m.start > 0 and lowers[m.start - 1].endswith(_VISIT_ENDINGS)
    # After another contact noun only when nothing the genitive could belong to follows:
    # "Treffen Bidens mit ...", not "während des Telefonats Trumps Verpflichtung".
    follows = lowers[m.end] if m.end < n else "."
    contact_noun = m.start > 0 and m.start - 1 in triggers and follows in ("mit", "und", ",", ".")
    return after or before or contact_noun


_PARTNER_CUES = frozenset({"mit", "zwischen", "miteinander", "telefonisch"})


def _has_partner(lowers: list[str], d: Draft, sent_start: int, sent_end: int) -> bool:
    """ "sprechen" is a contact only with a partner ("mit Macron", "zwischen X und Y")."""
    lo = max(sent_start, d.trigger - 12)
    hi = min(sent_end, d.trigger + 6)
    if hi > lo and not _PARTNER_CUES.isdisjoint(lowers[lo:hi]):
        return True
    # "miteinander" closes its clause, however long the middle field: "sprachen am Rande des
    # G20-Treffens kurz miteinander". (A farther "mit" is often another noun's: "sprachen sich
    # gegen die Drohung mit Atomwaffen aus".)
    for i in range(hi, min(sent_end, d.trigger + 12)):
        if lowers[i] in SEGMENT_BREAKS:
            return False
        if lowers[i] == "miteinander":
            return True
    return False


_SUBJECT_GLUE = frozenset({"und", "sowie", ",", "der", "die", "dem", "den"})


def _subject_memo(
    memo: dict[int, bool], lowers: list[str], texts: list[str], m: ActorMention, mentions: list[ActorMention]
) -> bool:
    known = memo.get(id(m))
    if known is None:
        known = memo[id(m)] = _is_subject(lowers, texts, m, mentions)
    return known


def _is_subject(
    lowers: list[str], texts: list[str], m: ActorMention, mentions: list[ActorMention] = ()
) -> bool:
    """Not inside a prepositional or genitive phrase, nor coordinated with one
    ("mit Kanzler Scholz und Außenministerin Baerbock": both depend on "mit")."""
    if _after_preposition(lowers, texts, m.start) or m.attributes.get("genitive"):
        return False
    previous = None
    for o in mentions:
        if o.end <= m.start:
            previous = o
    if previous is not None:
        between = set(lowers[previous.end : m.start])
        if between and between <= _SUBJECT_GLUE and ("und" in between or "sowie" in between):
            return _is_subject(lowers, texts, previous, mentions)
    return True


def _speaker_after_fronted_contact(
    lowers: list[str], texts: list[str], d: Draft, mentions
) -> ActorMention | None:
    """ "Nach dem Treffen mit Selenskyj sagte Trump, ...", "Beim Telefonat mit Macron kündigte er
    ... an": a contact noun in the phrase before the finite verb, and the speaker right after
    that verb, its subject, is the one who met (as a source, he was left out of the mentions)."""
    start, end = d.sent.start, d.sent.end
    if d.trigger - start > 3:
        return None
    after = max((m.end for m in d.mentions if m.start > d.trigger), default=d.trigger + 1)
    # A place or a date may follow the partner ("mit Selenskyj in Washington"), not a clause.
    verb = next((i for i in range(after, min(after + 4, end - 1)) if lowers[i] in SPEECH_VERBS), None)
    if verb is None or not all(texts[i].isalnum() for i in range(after, verb)):
        return None
    subject_at = verb + 2 if lowers[verb + 1] in DETERMINERS else verb + 1
    return next(
        (m for m in mentions if m.start == subject_at and m.kind in ("person", "office", "pronoun")), None
    )


def _possessor(lowers: list[str], texts: list[str], d: Draft, sent_start: int) -> ActorMention | None:
    """ "seiner Gespräche", "ihr Telefonat": a possessive before a contact noun names a participant."""
    if not d.rule.is_noun:
        return None
    for back in (1, 2):
        i = d.trigger - back
        if i < sent_start:
            return None
        low = lowers[i]
        if low in POSSESSIVE_GENDER:
            return ActorMention(
                i,
                i + 1,
                texts[i],
                "pronoun",
                sentence_start=sent_start,
                attributes={"gender": POSSESSIVE_GENDER[low]},
            )
        word = texts[i]
        if not (word.isalpha() and word.islower()):
            return None
    return None


def _distributive_partners(
    lowers: list[str], texts: list[str], d: Draft, subject: ActorMention | None, sent_start: int
) -> list[list[ActorMention]]:
    """ "sowohl mit Merz als auch mit Scholz", "Gespräche mit A und B": one contact per partner."""
    # The subject can follow the verb ("traf Scholz am Freitag Xi und Li"): never a partner.
    ordered = [m for m in d.mentions if m is not subject]
    if len(ordered) < 2:
        return []  # fewer than two partners: nothing to distribute
    ordered.sort(key=_start_of)
    partners: list[ActorMention] = []
    for m in ordered:
        if _companion(lowers, m, sent_start):
            continue  # "telefonierten gemeinsam mit Selenskyj mit Trump": Selenskyj is on their side
        gov = governing_word(lowers, texts, m.start, sent_start)
        # German objects may stand before a final participle ("Meloni ... getroffen").
        direct_object = not d.rule.is_noun and gov is None
        if (gov == "mit" or direct_object) and not partners:
            partners.append(m)
        elif partners:
            between = set(lowers[partners[-1].end : m.start])
            if between and between <= _PARTNER_GLUE and not _PARTNER_JOINS.isdisjoint(between):
                partners.append(m)
    if len(partners) < 2:
        return []
    span_words = set(lowers[partners[0].start : partners[-1].end])
    trigger = lowers[d.trigger]
    plural_noun = trigger.endswith(("gespräche", "gesprächen", "telefonate", "telefonaten"))
    sequential = not _SEQUENCE_WORDS.isdisjoint(span_words)
    if _same_country(partners) and d.contact_type in ("meeting", "phone_call"):
        # "traf Xi Jinping und Li Keqiang", "mit Scholz und Baerbock": a visitor meets the
        # officials of one government one by one.
        return [[p] for p in partners]
    if "sowohl" in lowers[sent_start : partners[0].start] or "mit" in span_words or plural_noun:
        return [[p] for p in partners]
    if sequential:
        return [[p] for p in partners]
    if (
        trigger in _MEET_VERBS
        and len(partners) == 2
        and all(
            p.kind == "person" and governing_word(lowers, texts, p.start, sent_start) is None
            for p in partners
        )
    ):
        # "hatte Meloni sowie Papst Franziskus getroffen": one visitor, two meetings.
        return [[p] for p in partners]
    return []


_MEET_VERBS = frozenset("""traf trafen trifft getroffen treffen""".split())
_PARTNER_JOINS = frozenset({"und", "sowie", ",", "mit"})
_SEQUENCE_WORDS = frozenset({"anschließend", "danach", "dann", "später", "zunächst"})


def _companion(lowers: list[str], m: ActorMention, sent_start: int) -> bool:
    """ "gemeinsam mit X", "zusammen mit X": X joins the subject, it is not a partner."""
    for i in range(m.start - 1, max(sent_start, m.start - 5), -1):
        if lowers[i] == "mit":
            return i > sent_start and lowers[i - 1] in ("gemeinsam", "zusammen")
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


def _list_has_side(lowers: list[str], m: ActorMention, sent_start: int) -> bool:
    i = m.start - 1
    while i > sent_start and lowers[i] in ("und", "sowie", ",", "der", "die", "den", "dem"):
        i -= 1
    j = i
    while j > sent_start and j > i - 4:
        if lowers[j] in ("zwischen", "mit"):
            return True
        j -= 1
    return False


def _after_preposition(lowers: list[str], texts: list[str], start: int) -> bool:
    i = start - 1
    steps = 0
    while i >= 0 and steps < 4:
        low = lowers[i]
        if low in PREPOSITIONS:
            return True
        # Articles and inflected adjectives lie between a preposition and its noun; a verb
        # does not ("Unter anderem kam er mit ...": "er" is the subject).
        if low in DETERMINERS or (texts[i].isalpha() and texts[i].islower() and low.endswith(_INFLECTIONS)):
            i -= 1
            steps += 1
            continue
        return False
    return False


_INFLECTIONS = ("e", "en", "er", "em", "es")


def _distance(clause_breaks: list[int], m: ActorMention, trigger: int) -> int:
    # A mention introduced by "mit" belongs to the contact word right before it.
    if m.start > trigger:
        dist = m.start - trigger
        if first_from(clause_breaks, trigger, m.start) is not None:
            dist += 6
        return dist
    dist = trigger - m.end + 1
    if m.start < trigger and first_from(clause_breaks, m.end, trigger) is not None:
        dist += 6
    return dist
