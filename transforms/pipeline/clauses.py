"""What the contact components share: the draft of a contact, clause structure, word lists.

A ``Draft`` is a contact under construction; the components in ``participants``,
``status``, ``dates``, ``locations`` and ``topics`` fill it in and ``resolution`` turns the
drafts of an article into its records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span

from transforms.pipeline.actors import ActorMention
from transforms.pipeline.tokens import (
    is_lower_word,
    lower,
    text,
    token_table,
)

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
        if i == sent.end or texts[i] in SEGMENT_BREAKS:
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
    if first in SUBORDINATORS:
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
    if first in RELATIVES:
        return verb_final
    if first in PREPOSITIONS and start + 1 < end and lower(doc, start + 1) in RELATIVES:
        return verb_final
    return False


_FINITE_AUXILIARIES = frozenset(
    """ist sind war waren hat haben hatte hatten wird werden wurde wurden will wollen wollte wollten
    soll sollen sollte sollten kann können konnte konnten muss müssen""".split()
)


NON_PARTICIPANT_PREPOSITIONS = frozenset(
    """vor nach seit neben außer ohne trotz wegen über gegen gegenüber angesichts hinsichtlich""".split()
)


def trigger_tokens(doc: Doc) -> set[int]:
    # Read once per document: every doc._ access builds a new spaCy Underscore object.
    triggers = doc.user_data.get("trigger_tokens")
    if triggers is None:
        triggers = doc.user_data["trigger_tokens"] = {d.trigger for d in doc._.contacts or []}
    return triggers


def governing_preposition(doc: Doc, m: ActorMention, sent: Span) -> str | None:
    """The preposition an actor mention depends on ("mit dem russischen Präsidenten" → "mit")."""
    i = m.start - 1
    determiners = 0
    for _ in range(3):
        if i < sent.start:
            return None
        tok = doc[i]
        low = tok.lower_
        if low in DETERMINERS or low in POSSESSIVE_GENDER:
            determiners += 1
            if determiners > 1:
                return None  # "nach dem der US-Präsident ...": a relative pronoun, not an article
            i -= 1
            continue
        if (
            tok.is_lower
            and tok.is_alpha
            and low.endswith(("e", "en", "er", "em", "es"))
            and low not in (NON_PARTICIPANT_PREPOSITIONS)
        ):
            i -= 1
            continue
        # Only a preposition governs; an adverb ("traf zunächst Lawrow") or a verb does not.
        return low if low in PREPOSITIONS else None
    return None


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
    while i > d.sent.start and text(doc, i - 1) not in SEGMENT_BREAKS:
        i -= 1
    return i


POSSESSIVES = frozenset("sein seine seinem seinen seiner seines ihr ihre ihrem ihren ihrer ihres".split())


def clause_bounds(doc: Doc, i: int, sent: Span) -> tuple[int, int]:
    texts = token_table(doc).texts
    lo = i
    while lo > sent.start and texts[lo - 1] not in (";", ":"):
        lo -= 1
    hi = i + 1
    while hi < sent.end and texts[hi] not in (",", ";", ":"):
        hi += 1
    return lo, hi


def mentions_by_sentence(doc: Doc) -> dict[int, list[ActorMention]]:
    grouped = doc.user_data.get("mentions_by_sentence")
    if grouped is None:
        grouped = doc.user_data["mentions_by_sentence"] = {}
        for m in doc._.actor_mentions or []:
            grouped.setdefault(m.sentence_start, []).append(m)
    return grouped
