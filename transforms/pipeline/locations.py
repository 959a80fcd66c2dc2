"""Locations: where a contact took place, or where a visit went."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from transforms.pipeline.clauses import (
    Draft,
)
from transforms.pipeline.lexicon import german_word_list
from transforms.pipeline.tokens import (
    is_lower_word,
    lower,
    text,
)

# "aus Polen" names an origin, not where a contact took place.
_PLACE_PREPS = frozenset({"in", "nach", "im", "ins", "am", "auf"})


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
                described = _described_place(doc, hit.start, sent.start)
                introduced = prev in _PLACE_PREPS or prev2 in _PLACE_PREPS or described
                if introduced or adjective or after_list or visited:
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


# Nouns that describe the place a name follows: "in der saudischen Hafenstadt Dschidda".
_PLACE_NOUNS = frozenset(
    """stadt hauptstadt hafenstadt küstenstadt grenzstadt großstadt kleinstadt millionenstadt
    metropole kurort badeort ferienort urlaubsort region provinz insel heimatstadt ortschaft
    gemeinde residenz""".split()
)
_ARTICLES = frozenset({"der", "dem", "den", "die", "des"})


def _described_place(doc: Doc, start: int, sent_start: int) -> bool:
    """ "in der ukrainischen Hauptstadt Kiew", "im südkoreanischen Küstenort": a place
    preposition before a description of the place (article, adjectives, a place noun)."""
    i = start - 1
    saw_noun = False
    while i >= sent_start and start - i <= 5:
        low = lower(doc, i)
        if low in _PLACE_NOUNS:
            saw_noun = True
        elif low in _PLACE_PREPS:
            return saw_noun
        elif not (low in _ARTICLES or is_lower_word(doc, i)):
            return False
        i -= 1
    return False


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
