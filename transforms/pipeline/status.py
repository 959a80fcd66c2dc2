"""Status: planned or occurred; cancelled, negated and merely hoped-for contacts."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from spacy.language import Language
from spacy.tokens import Doc

from transforms.patterns import lowered_text, needle_spans
from transforms.pipeline.clauses import (
    DETERMINERS,
    OCCASION_DETERMINERS,
    POSSESSIVES,
    SEGMENT_BREAKS,
    sentence_breaks,
)
from transforms.pipeline.tokens import doc_extension, token_table

_PLANNED_WORDS = frozenset(
    """wird werden würde würden werde soll sollen sollte sollten solle will wollen wollte wollten wolle
    plant planen plante planten geplant geplante geplanten geplanter beabsichtigt beabsichtigen
    vorgesehen vorgesehene vorgesehenen angekündigt angekündigte angekündigten erwartet erwarten
    erwartete erwarteten voraussichtlich könnte könnten könne möchte möchten kommende kommenden
    kommender nächste nächsten nächster morgen übermorgen künftig bevorstehende bevorstehenden
    anstehende anstehenden bereit angesetzt anberaumt""".split()
)


# Separable verbs of announcing and proposing, completed by "an"/"vor" at the clause's end.
_PROPOSAL_VERBS = frozenset(
    "kündigte kündigten kündigt kündigen bot boten bietet bieten schlug schlugen schlägt schlagen".split()
)

# Cues that make planned only what follows them: "vereinbarten, sich zu treffen".
_PLANNED_BEFORE = frozenset("""vereinbart vereinbarten verabredet verabredeten eingeladen einladen""".split())


# A contact noun after these is the occasion of what the clause reports: "bei ihrem Treffen",
# "beim Gespräch", "nach dem Telefonat", "während des Besuchs", "in einem Telefonat".
_OCCASION_PREPOSITIONS = frozenset({"bei", "nach", "während", "auf", "in"})
_OCCASION_CONTRACTIONS = frozenset({"beim", "im"})


_GENITIVE_ARTICLES = frozenset({"des", "eines"})


_SIDELINES_ARTICLES = _GENITIVE_ARTICLES | {"der", "einer"}


def _at_the_sidelines_of(texts: list[str], lowers: list[str], t: int, lo: int) -> bool:
    """ "am Rande des (informellen) Gipfels", "am Rande der Konferenz": the contact noun is
    the occasion of the clause."""
    i = t - 1
    while i > lo and texts[i].isalpha() and texts[i].islower() and lowers[i] not in _SIDELINES_ARTICLES:
        i -= 1  # adjectives
    return i > lo and lowers[i] in _SIDELINES_ARTICLES and lowers[i - 1] == "rande"


def _is_occasion(prev: str, prev2: str) -> bool:
    if prev in _OCCASION_CONTRACTIONS:
        return True
    return prev2 in _OCCASION_PREPOSITIONS and prev in OCCASION_DETERMINERS


_CANCEL_WORDS = frozenset(["abgesagt", "absagen", "abgebrochen", "gestrichen", "platzte", "geplatzt"])


_NEGATION = frozenset({"nicht", "kein", "keine", "keinen", "keinem", "keiner", "nie", "niemals"})


# "kam nicht zustande", "hat es bislang nicht gegeben", "fand nicht statt"
_NOT_HAPPENED = re.compile(
    r"\b(nicht|nie|niemals|keine?n?)\b[^,;]{0,40}\b(zustande|gegeben|stattgefunden|statt)\b"
    r"|\b(gab|gibt) es\b[^,;]{0,30}\b(nicht|keine?n?)\b",  # "Ein Gespräch ... gab es nicht."
    re.I,
)


# "ist nicht geplant", "ist nicht vorgesehen", "schloss ein Treffen aus", "ausgeschlossen";
# but "sei nicht ausgeschlossen" keeps the contact possible.
_RULED_OUT = re.compile(
    r"\b(nicht|keine?n?)\b[^,;]{0,30}\b(geplant|vorgesehen|angesetzt|beabsichtigt)\b"
    r"|\b(schloss|schlossen|schließt|schließen)\b[^,;]{0,60}\baus\b|\bausgeschlossen\b",
    re.I,
)
# Separable cancellations: "sagte einen geplanten Besuch in Israel ab" (the particle ends the
# clause), "Der Gipfel in Amman fällt aus", "ist ausgefallen", "entfällt".
_CALLED_OFF = re.compile(
    r"\b(sagte|sagten|sagt|sagen)\b[^,;]{0,80}\bab\b\s*[.;,!?]?\s*$"
    # "fiel sehr offen aus", "fallen kürzer aus" turned out so: only the verb and "aus", or
    # an adverb between them, mean called off.
    r"|\b(fällt|fiel|fallen|fielen)\s+((dagegen|jedoch|aber|nun|kurzfristig|überraschend)\s+)?aus\b"
    r"|\b(ausgefallen|entfällt|entfiel|entfallen)\b",
    re.I,
)


# ... and so does "schloss ein Treffen mit Assad nicht aus".
_NOT_RULED_OUT = re.compile(
    r"\bnicht\b[^,;]{0,20}\bausgeschlossen\b|\b(schloss|schlossen|schließt|schließen)\b[^,;]{0,60}\bnicht\s+aus\b",
    re.I,
)


# "lehnte eine Begegnung ab", "verweigerte ein Gespräch"
_REFUSED = re.compile(r"\b(lehnte|lehnten|lehnt|abgelehnt|verweigerte|verweigerten|verweigert)\b", re.I)


# "Ziel sei es, ein Treffen zu arrangieren": an aspiration, not a planned contact.
_ASPIRATION = re.compile(r"\bziel (sei|ist|war|wäre) es\b", re.I)


@Language.factory("contact_status")
def create_contact_status(nlp: Language, name: str):
    return ContactStatus()


class ContactStatus:
    """Planned or occurred from tense, modal and lexical cues; cancelled and negated contacts.

    Works on token arrays (lowercase forms, character offsets) rather than Token objects;
    the text patterns run only where a literal they need occurs, and once per clause or
    sentence however many drafts share it.
    """

    def __call__(self, doc: Doc) -> Doc:
        drafts = doc_extension(doc, "contacts")
        if not drafts:
            return doc
        table = token_table(doc)
        lowers = table.lowers
        texts = table.texts
        text = table.text
        low_text = lowered_text(doc, text)
        starts = table.idx

        def span(a: int, b: int) -> tuple[int, int]:
            """Character bounds of tokens a:b, as ``span_text`` cuts them."""
            if b <= a:
                return 0, 0
            return starts[a], starts[b - 1] + len(texts[b - 1])

        # Where the literals each pattern needs occur in the document (mostly nowhere), found
        # when the pattern is first needed. Keyed by the id of the pattern (a module constant):
        # hashing a compiled pattern hashes its whole program, and this is probed ~50 times.
        needed: dict[int, list[tuple[int, int]]] = {}

        def search(pattern: re.Pattern, a: int, b: int) -> re.Match | None:
            """``pattern.search`` over the text of tokens ``a:b`` (which lie in one sentence)."""
            if low_text is not None:
                spans = needed.get(id(pattern))
                if spans is None:
                    spans = needed[id(pattern)] = needle_spans(low_text, _NEEDLES[pattern])
                if not spans:
                    return None
                begin, end = span(a, b)
                if not any(begin <= p and q <= end for p, q in spans):
                    return None
            else:
                begin, end = span(a, b)
            return pattern.search(text[begin:end])

        clause_memo: dict[tuple[int, int], tuple] = {}
        breaks_memo: dict[int, tuple[list[int], list[int]]] = {}
        aspiration_memo: dict[int, int | None] = {}
        for d in drafts:
            sent = d.sent
            t = d.trigger
            s_start = sent.start
            s_end = sent.end
            # clause_bounds(doc, t, sent), from the sentence's break tokens found once.
            breaks = breaks_memo.get(s_start)
            if breaks is None:
                clause_breaks = sentence_breaks(doc, s_start, s_end).clause
                breaks = breaks_memo[s_start] = (
                    [i for i in clause_breaks if texts[i] in _CLAUSE_START_BREAKS],
                    [i for i in clause_breaks if texts[i] in _CLAUSE_END_BREAKS],
                )
            left, right = breaks
            k = bisect_left(left, t)
            lo = left[k - 1] + 1 if k else s_start
            k = bisect_right(right, t)
            hi = right[k] if k < len(right) else s_end
            clause = clause_memo.get((lo, hi))
            if clause is None:
                word_set = set(lowers[lo:hi])
                clause = clause_memo[(lo, hi)] = (
                    word_set,
                    not _PLANNED_WORDS.isdisjoint(word_set),
                    not _PLANNED_NOUNS.isdisjoint(word_set),
                    search(_NO_DATE_YET, lo, hi) is not None,
                    not _POSTPONED.isdisjoint(word_set),
                    not _CANCEL_WORDS.isdisjoint(word_set),
                    None,  # not happened or refused: computed when needed
                )
            word_set, has_planned, has_planned_noun, no_date_yet, postponed, cancel_word, refused = clause
            is_noun = d.rule.is_noun
            prev = lowers[t - 1] if t > s_start else ""
            prev2 = lowers[t - 2] if t - 1 > s_start else ""
            # "vereinbarten bei ihrem Treffen eine engere Zusammenarbeit": the contact is where
            # something was agreed, not what was agreed.
            agreed = not _PLANNED_BEFORE.isdisjoint(lowers[lo:t]) and not (
                is_noun
                and (_is_occasion(prev, prev2) or _at_the_sidelines_of(texts, lowers, t, lo))
                # "vereinbarten nach dem Gespräch ein Treffen": the next contact is the agreed one;
                # not one the occasion is part of ("im Gespräch am Rande des Gipfels").
                and not any(
                    t < o.trigger < hi and lowers[o.trigger - 1] not in _GENITIVE_ARTICLES for o in drafts
                )
            )
            if (has_planned or agreed) and not (
                word_set & _HEARSAY and _perfect_infinitive(lowers, texts, lo, hi)
            ):
                d.status = "planned"
            # "vor seinem Treffen mit ...": in a report of the trip, the meeting lies ahead.
            if is_noun and prev2 == "vor" and prev in POSSESSIVES:
                d.status = "planned"
            # "planten, nach Riad zu reisen", "sei bereit, Putin zu treffen"; but "unterbrach die
            # Beratungen, um mit Putin zu telefonieren" happened: a purpose clause follows its
            # main clause.
            if (
                not is_noun
                and prev == "zu"
                and texts[t].islower()
                and not _in_purpose_clause(texts, lowers, t, s_start)
            ):
                d.status = "planned"
            if is_noun and has_planned_noun:
                d.status = "planned"
            if lowers[lo] == "ob":
                # "Ob es zu einem Gespräch kommt, ist offen", "offen, ob sie sich treffen":
                # possible, so planned (SCHEMA).
                d.status = "planned"
            if is_noun and t > lo and not _PROPOSAL_VERBS.isdisjoint(lowers[lo:t]):
                last = hi - 1
                while last > t and not texts[last].isalpha():
                    last -= 1  # the clause's last word, before its full stop
                if last > t and lowers[last] in ("an", "vor"):
                    # "kündigte ein Treffen mit Scholz an", "bot direkte Verhandlungen an",
                    # "schlug Gespräche vor": announced or offered, so ahead.
                    d.status = "planned"
            if no_date_yet:
                # "gebe es noch keinen Termin": announced, not cancelled.
                d.status = "planned"
                continue
            if postponed:
                # "verschob ... auf den 10. März": planned, dated by the new date if one is given.
                d.status = "planned"
                d.is_postponed = True
                continue
            # The cancellation tests below only ever set is_cancelled: after the first that
            # holds, the others cannot change anything.
            if cancel_word:
                d.is_cancelled = True
                continue
            if is_noun and not _CANCEL_WORDS.isdisjoint(lowers[t:s_end]):
                d.is_cancelled = True  # "Ein geplantes Treffen mit A, B und C wurde abgesagt."
                continue
            if is_noun and _in_topic_phrase(texts, lowers, t, s_start):
                d.is_cancelled = True  # "es ging um die Atomverhandlungen": a topic, not a contact
                continue
            if search(_DEMAND, s_start, t):
                d.is_cancelled = True  # "forderten Putin zu Verhandlungen auf": a call, not a contact
                continue
            if refused is None:
                refused = (
                    search(_NOT_HAPPENED, lo, hi) is not None
                    or search(_REFUSED, lo, hi) is not None
                    or search(_CALLED_OFF, lo, hi) is not None
                )
                clause_memo[(lo, hi)] = clause[:-1] + (refused,)
            if refused:
                d.is_cancelled = True
                continue
            not_ruled_out = search(_NOT_RULED_OUT, lo, hi) is not None
            if not_ruled_out:
                d.status = "planned"  # "sei nicht ausgeschlossen": possible, so planned (SCHEMA)
            elif search(_RULED_OUT, lo, hi) is not None:
                d.is_cancelled = True  # "ist derzeit nicht geplant", "schloss ein Treffen aus"
                continue
            window = lowers[max(s_start, t - 6) : min(s_end, t + 3)]
            if not _NEGATION.isdisjoint(window) and "nur" not in window and not not_ruled_out:
                d.is_cancelled = True
                continue
            if not is_noun and _ends_negated(texts, lowers, t, hi):
                d.is_cancelled = True  # "traf Netanjahu am Montag nicht", "kam mit ihm nicht zusammen"
                continue
            # The first "Ziel sei es" of the sentence, if it comes before the trigger.
            aspiration = aspiration_memo.get(s_start, -1)
            if aspiration == -1:
                found = search(_ASPIRATION, s_start, s_end)
                aspiration = aspiration_memo[s_start] = None if found is None else found.start()
            if aspiration is not None and sent.start_char + aspiration < starts[t]:
                d.is_cancelled = True
        return doc


# Verb particles that close a clause after its negation: "kam mit Xi nicht zusammen".
_CLOSING_PARTICLES = frozenset({"zusammen", "an", "ab", "zu", "ein", "vor", "hin", "her"})


def _ends_negated(texts: list[str], lowers: list[str], t: int, hi: int) -> bool:
    """The clause of a finite contact verb ends with "nicht" (before its particle, if any)."""
    last = hi - 1
    while last > t and not texts[last].isalpha():
        last -= 1
    if last > t + 1 and lowers[last] in _CLOSING_PARTICLES:
        last -= 1
    return last > t and lowers[last] == "nicht"


# "sollen ... gesprochen haben", "soll ... gereist sein": said to have happened, not planned.
_HEARSAY = frozenset({"soll", "sollen", "solle"})


def _perfect_infinitive(lowers: list[str], texts: list[str], lo: int, hi: int) -> bool:
    """A participle followed by "haben" or "sein" in tokens ``lo:hi``."""
    for i in range(lo, hi - 1):
        if lowers[i + 1] in ("haben", "sein"):
            word = lowers[i]
            if texts[i].islower() and word.endswith(("t", "en")) and ("ge" in word or word.endswith("iert")):
                return True
    return False


# Both among CLAUSE_BREAKS, whose positions sentence_breaks() gives.
_CLAUSE_START_BREAKS = frozenset((";", ":"))
_CLAUSE_END_BREAKS = frozenset((",", ";", ":"))


def _in_purpose_clause(texts: list[str], lowers: list[str], t: int, s_start: int) -> bool:
    """The trigger's comma-delimited stretch opens with "um" (``segment_start``)."""
    i = t
    while i > s_start and texts[i - 1] not in SEGMENT_BREAKS:
        i -= 1
    return lowers[i] == "um"


_DEMAND = re.compile(
    r"\b(forderte|forderten|fordert|fordern|aufgefordert|drängte|drängten|appellierte)\b", re.I
)


def _in_topic_phrase(texts: list[str], lowers: list[str], t: int, s_start: int) -> bool:
    """A contact noun governed by "um"/"über" ("es ging um die Verhandlungen") is a topic."""
    i = t - 1
    for _ in range(4):
        if i < s_start:
            return False
        low = lowers[i]
        if low == "über":
            return True
        if low == "um":
            # "es ging um", "drehte sich um"; not the purpose "um ... vorzubereiten".
            return i - 1 >= s_start and lowers[i - 1] in ("es", "sich", "ging", "geht", "gehe")
        word = texts[i]
        if low in DETERMINERS or (word.isalpha() and word.islower()):
            i -= 1
            continue
        return False
    return False


_PLANNED_NOUNS = frozenset(
    """plan pläne absicht einladung vorbereitung vorbereitungen termin pläne""".split()
)


_POSTPONED = frozenset("""verschoben verschob verschiebt verschieben vertagt vertagte""".split())


_NO_DATE_YET = re.compile(
    r"\b(kein(en)? (termin|datum)|(termin|datum) [^,;]{0,30}noch nicht|noch nicht fest)", re.I
)


# Literal strings without one of which a pattern cannot match (lowercase): the patterns run
# only on the clauses that hold one, most hold none.
_NEEDLES = {
    _NO_DATE_YET: ("termin", "datum", "noch nicht"),
    _NOT_HAPPENED: ("statt", "zustande", "gegeben", "gab es", "gibt es"),
    _REFUSED: ("lehnt", "verweiger"),
    _DEMAND: ("forder", "drängte", "appellierte"),
    # " ab" also starts "aber" and "Abend": the clause ends before its punctuation, so the
    # clause-final particle has no needle of its own.
    _CALLED_OFF: (
        " ab",
        "fällt ",
        "fiel ",
        "fallen ",
        "fielen ",
        "ausgefallen",
        "entfällt",
        "entfiel",
        "entfallen",
    ),
    _ASPIRATION: ("ziel ",),
    _RULED_OUT: ("geplant", "vorgesehen", "angesetzt", "beabsichtigt", "schloss", "schließ"),
    _NOT_RULED_OUT: ("ausgeschlossen", "schloss", "schließ"),
}
