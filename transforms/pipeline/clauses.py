"""What the contact components share: the draft of a contact, clause structure, word lists.

A ``Draft`` is a contact under construction; the components in ``participants``,
``status``, ``dates``, ``locations`` and ``topics`` fill it in and ``resolution`` turns the
drafts of an article into its records.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import compress, count
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span

from transforms.pipeline.actors import ActorMention

# The components import doc_extension and set_doc_extension from here as well.
from transforms.pipeline.tokens import doc_extension, set_doc_extension, token_table  # noqa: F401

if TYPE_CHECKING:  # the trigger rules module imports Draft from here
    from transforms.pipeline.triggers import TriggerRule

from transforms.temporal import ResolvedDate

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


DETERMINERS = frozenset(
    """das dem des der die den diesem dieses diese dieser jenem beim vom zum im am""".split()
)


SPEECH_VERBS = frozenset(
    """sagte sagt sagten erklärte erklärt erklärten teilte teilt mitteilte mitteilten berichtete
    berichtet berichteten zitierte zitiert schrieb schreibt betonte betont bestätigte bestätigt
    meldete meldet hieß verlautete kündigte kündigt""".split()
)


SOURCE_WORDS = frozenset({"laut", "zufolge", "angaben", "informationen", "berichten"})


CLAUSE_BREAKS = frozenset({",", ";", ":", "–", "—", "(", ")", "„", "“", '"'})


SUBORDINATORS = frozenset(
    """als nachdem wie dass weil während wo um ob wenn bevor seit sodass damit obwohl falls indem
    wobei woraufhin""".split()
)


RELATIVES = frozenset("""der die das dem den deren dessen denen""".split())


SEGMENT_BREAKS = frozenset({",", ";", ":", "–", "—", "(", ")"})


@dataclass(slots=True)
class Segment:
    start: int
    end: int
    is_subordinate: bool


class SentenceBreaks:
    """Positions of the punctuation the clause helpers look for in one sentence.

    The helpers used to walk the sentence token by token for the nearest comma; with the
    positions found once (few per sentence), a bisect or a short scan finds it.
    """

    __slots__ = ("clause", "segment")

    def __init__(self, texts: list[str], clause: list[int]):
        self.clause = clause  # the CLAUSE_BREAKS tokens of the sentence
        self.segment = [i for i in clause if texts[i] in SEGMENT_BREAKS]


def break_positions(doc: Doc) -> list[int]:
    """Positions of the CLAUSE_BREAKS tokens of the whole document, found in one C-level pass:
    the components look for them in every sentence with a contact."""
    found = doc.user_data.get("break_positions")
    if found is None:
        flags = map(CLAUSE_BREAKS.__contains__, token_table(doc).texts)
        found = doc.user_data["break_positions"] = list(compress(count(), flags))
    return found


def sentence_breaks(doc: Doc, sent_start: int, sent_end: int) -> SentenceBreaks:
    """The breaks of the sentence ``sent_start:sent_end``, found once per document."""
    memo = doc.user_data.get("sentence_breaks")
    if memo is None:
        memo = doc.user_data["sentence_breaks"] = {}
    found = memo.get(sent_start)
    if found is None:
        positions = break_positions(doc)
        clause = positions[bisect_left(positions, sent_start) : bisect_left(positions, sent_end)]
        found = memo[sent_start] = SentenceBreaks(token_table(doc).texts, clause)
    return found


def last_before(positions: list[int], lo: int, hi: int) -> int | None:
    """The last of the sorted ``positions`` in ``lo..hi-1``, or None."""
    k = bisect_left(positions, hi) - 1
    return positions[k] if k >= 0 and positions[k] >= lo else None


def first_from(positions: list[int], lo: int, hi: int) -> int | None:
    """The first of the sorted ``positions`` in ``lo..hi-1``, or None."""
    k = bisect_left(positions, lo)
    return positions[k] if k < len(positions) and positions[k] < hi else None


def segments(doc: Doc, sent: Span) -> list[Segment]:
    """Comma-delimited stretches of a sentence, marking subordinate and relative clauses.

    A stretch is subordinate when it opens with a subjunction ("als", "nachdem", "dass"),
    or with a (preposition and) relative pronoun and ends verb-final ("nach dem der
    US-Präsident ... anrief"): its actors belong to the contact word inside it.
    """
    sent_start = sent.start
    memo = doc.user_data.get("segments")
    if memo is None:
        memo = doc.user_data["segments"] = {}
    else:
        cached = memo.get(sent_start)
        if cached is not None:
            return cached
    sent_end = sent.end
    table = token_table(doc)
    lowers, texts = table.lowers, table.texts
    positions = sentence_breaks(doc, sent_start, sent_end).segment
    out: list[Segment] = []
    start = sent_start
    k = 0
    n = len(positions)
    # Every break inside the sentence, then its end, closes a stretch.
    while True:
        if k < n:
            i = positions[k]
            k += 1
        else:
            i = sent_end
        if i > start:
            subordinate = _subordinate(lowers, texts, start, i, sent_end if start == sent_start else None)
            if subordinate and out and _continues_list(lowers, texts, out[-1].start, start, i):
                subordinate = False
            out.append(Segment(start, i, subordinate))
        if i == sent_end:
            break
        start = i + 1
    memo[sent_start] = out = out or [Segment(sent_start, sent_end, False)]
    return out


def _continues_list(lowers: list[str], texts: list[str], before: int, start: int, end: int) -> bool:
    """ "mit dem französischen Präsidenten Macron, dem britischen Premier Starmer und ...": an
    article, an adjective and a noun after a comma, the same article as in the stretch
    before, continue a list; they open no relative clause."""
    return (
        start + 2 < end
        and lowers[start] in RELATIVES
        and texts[start + 1].isalpha()
        and texts[start + 1].islower()
        and texts[start + 2][:1].isupper()
        and lowers[start] in lowers[before:start]
    )


def _is_subordinate(doc: Doc, start: int, end: int, sent_end: int | None = None) -> bool:
    table = token_table(doc)
    return _subordinate(table.lowers, table.texts, start, end, sent_end)


def _subordinate(lowers: list[str], texts: list[str], start: int, end: int, sent_end: int | None) -> bool:
    first = lowers[start]
    if sent_end is not None and end >= sent_end and first in ("als", "wie"):
        return False  # "Als erster Regierungschef ... ist Scholz gereist": a comparison
    if first in SUBORDINATORS:
        return True
    if not (
        first in RELATIVES or (first in PREPOSITIONS and start + 1 < end and lowers[start + 1] in RELATIVES)
    ):
        return False
    last = end - 1
    while last > start and not texts[last].isalpha():
        last -= 1
    # In a relative clause the finite verb comes last ("der nach Kiew gereist ist"); a finite
    # verb earlier means a main clause whose subject list opens with an article
    # ("der britische Premier Starmer und Tusk sind nach Kiew gereist").
    word = texts[last]
    return word.isalpha() and word.islower() and FINITE_AUXILIARIES.isdisjoint(lowers[start + 1 : last])


# Finite auxiliaries and modals: in a verb-final clause they come last; in a main clause
# second, closing whatever was put in front of them.
FINITE_AUXILIARIES = frozenset(
    """ist sind war waren hat haben hatte hatten wird werden wurde wurden würde würden will wollen
    wollte wollten soll sollen sollte sollten kann können konnte konnten könnte könnten möchte
    möchten muss müssen""".split()
)


NON_PARTICIPANT_PREPOSITIONS = frozenset(
    """vor nach seit neben außer ohne trotz wegen über gegen gegenüber angesichts hinsichtlich""".split()
)


def trigger_tokens(doc: Doc) -> set[int]:
    # Read once per document: every doc._ access builds a new spaCy Underscore object.
    triggers = doc.user_data.get("trigger_tokens")
    if triggers is None:
        triggers = doc.user_data["trigger_tokens"] = {d.trigger for d in doc_extension(doc, "contacts") or []}
    return triggers


def governing_preposition(doc: Doc, m: ActorMention, sent: Span) -> str | None:
    """The preposition an actor mention depends on ("mit dem russischen Präsidenten" → "mit")."""
    table = token_table(doc)
    return governing_word(table.lowers, table.texts, m.start, sent.start)


def governing_word(lowers: list[str], texts: list[str], start: int, sent_start: int) -> str | None:
    """``governing_preposition`` on the token table, for a mention starting at ``start``."""
    i = start - 1
    determiners = 0
    for _ in range(3):
        if i < sent_start:
            return None
        low = lowers[i]
        if low in DETERMINERS or low in POSSESSIVE_GENDER:
            determiners += 1
            if determiners > 1:
                return None  # "nach dem der US-Präsident ...": a relative pronoun, not an article
            i -= 1
            continue
        word = texts[i]
        if (
            word.islower()
            and word.isalpha()
            and low.endswith(_INFLECTIONS)
            and low not in NON_PARTICIPANT_PREPOSITIONS
        ):
            i -= 1
            continue
        # Only a preposition governs; an adverb ("traf zunächst Lawrow") or a verb does not.
        return low if low in PREPOSITIONS else None
    return None


_INFLECTIONS = ("e", "en", "er", "em", "es")


PREPOSITIONS = frozenset(
    """mit von vom zu zum zur bei beim gegen für an am über vor nach seit neben außer ohne trotz wegen
    gegenüber angesichts hinsichtlich zwischen in im ins aus auf unter durch um laut""".split()
)


POSSESSIVE_GENDER = {
    **{w: "m" for w in "sein seine seinem seinen seiner seines".split()},
    **{w: "f" for w in "ihr ihre ihrem ihren ihrer ihres".split()},
}


def segment_start(doc: Doc, d: Draft) -> int:
    i = d.trigger
    sent = d.sent
    sent_start = sent.start
    if i <= sent_start:
        return i
    previous = last_before(sentence_breaks(doc, sent_start, sent.end).segment, sent_start, i)
    return sent_start if previous is None else previous + 1


POSSESSIVES = frozenset("sein seine seinem seinen seiner seines ihr ihre ihrem ihren ihrer ihres".split())
# What stands between a preposition and a contact noun that is the occasion or the time of
# what a clause reports: "bei ihrem Treffen", "nach dem Telefonat", "während des Besuchs".
OCCASION_DETERMINERS = POSSESSIVES | {"dem", "einem", "des", "eines", "der", "einer"}


def clause_bounds(doc: Doc, i: int, sent: Span) -> tuple[int, int]:
    """From the last ";"/":" before token ``i`` to the first ","/";"/":" after it."""
    sent_start, sent_end = sent.start, sent.end
    positions = sentence_breaks(doc, sent_start, sent_end).segment
    texts = token_table(doc).texts
    lo = i
    if i > sent_start:
        lo = sent_start
        for p in reversed(positions):
            if p < i and texts[p] in (";", ":"):
                lo = p + 1
                break
    hi = i + 1
    if hi < sent_end:
        hi = sent_end
        for p in positions:
            if p > i and texts[p] in (",", ";", ":"):
                hi = p
                break
    return lo, hi


def mentions_by_sentence(doc: Doc) -> dict[int, list[ActorMention]]:
    grouped = doc.user_data.get("mentions_by_sentence")
    if grouped is None:
        grouped = doc.user_data["mentions_by_sentence"] = {}
        for m in doc_extension(doc, "actor_mentions") or []:
            grouped.setdefault(m.sentence_start, []).append(m)
    return grouped
