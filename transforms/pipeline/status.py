"""Status: planned or occurred; cancelled, negated and merely hoped-for contacts."""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from transforms.pipeline.clauses import (
    DETERMINERS,
    POSSESSIVES,
    Draft,
    clause_bounds,
    segment_start,
)
from transforms.pipeline.tokens import (
    is_lower_word,
    lower,
    span_text,
    text,
    token_table,
)

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
_NOT_RULED_OUT = re.compile(r"\bnicht\b[^,;]{0,20}\bausgeschlossen\b", re.I)


# "lehnte eine Begegnung ab", "verweigerte ein Gespräch"
_REFUSED = re.compile(r"\b(lehnte|lehnten|lehnt|abgelehnt|verweigerte|verweigerten|verweigert)\b", re.I)


# "Ziel sei es, ein Treffen zu arrangieren": an aspiration, not a planned contact.
_ASPIRATION = re.compile(r"\bziel (sei|ist|war|wäre) es\b", re.I)


@Language.factory("contact_status")
def create_contact_status(nlp: Language, name: str):
    return ContactStatus()


class ContactStatus:
    """Planned or occurred from tense, modal and lexical cues; cancelled and negated contacts."""

    def __call__(self, doc: Doc) -> Doc:
        for d in doc._.contacts or []:
            sent = d.sent
            lo, hi = clause_bounds(doc, d.trigger, sent)
            lowers = token_table(doc).lowers
            words = lowers[lo:hi]
            word_set = set(words)
            before = set(lowers[lo : d.trigger])
            prev = lower(doc, d.trigger - 1) if d.trigger > sent.start else ""
            prev2 = lower(doc, d.trigger - 2) if d.trigger - 1 > sent.start else ""
            in_purpose_clause = lower(doc, segment_start(doc, d)) == "um"
            if word_set & _PLANNED_WORDS or before & _PLANNED_BEFORE:
                d.status = "planned"
            # "vor seinem Treffen mit ...": in a report of the trip, the meeting lies ahead.
            if d.rule.is_noun and prev2 == "vor" and prev in POSSESSIVES:
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
            not_ruled_out = _NOT_RULED_OUT.search(clause_text)
            if not_ruled_out:
                d.status = "planned"  # "sei nicht ausgeschlossen": possible, so planned (SCHEMA)
            elif _RULED_OUT.search(clause_text):
                d.is_cancelled = True  # "ist derzeit nicht geplant", "schloss ein Treffen aus"
            window = lowers[max(sent.start, d.trigger - 6) : min(sent.end, d.trigger + 3)]
            if any(w in _NEGATION for w in window) and "nur" not in window and not not_ruled_out:
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
        if low in DETERMINERS or is_lower_word(doc, i):
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
