"""Locations: where a contact took place, or where a visit went.

Speed: token texts come from the ``TokenTable`` lists, and what does not depend on the
contact (the place hits of a sentence, the words before them) is worked out once per
sentence rather than once per contact.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from transforms.pipeline.clauses import OCCASION_DETERMINERS, Draft
from transforms.pipeline.dates import doc_extension
from transforms.pipeline.lexicon import german_word_list
from transforms.pipeline.tokens import token_table

# "aus Polen" names an origin, not where a contact took place.
_PLACE_PREPS = frozenset({"in", "nach", "im", "ins", "am", "auf"})


@Language.factory("contact_locations")
def create_contact_locations(nlp: Language, name: str):
    return ContactLocations()


class ContactLocations:
    """Place of the contact ("in Genf", "am Rande ... in Brüssel", "im Kanzleramt")."""

    def __call__(self, doc: Doc) -> Doc:
        drafts = doc_extension(doc, "contacts") or []
        if not drafts:
            return doc
        places = doc_extension(doc, "place_hits") or []
        table = token_table(doc)
        texts, lowers = table.texts, table.lowers
        # The place hits of each contact sentence, in hit order, with what every contact of
        # the sentence reads about them: (hit, entry, word before, licensed without the
        # contact: after a place preposition, or a place adjective "Genfer").
        by_sentence: dict[int, list[tuple]] = {}
        known: set[int] | None = None  # tokens of actor mentions, read when first needed
        for d in drafts:
            sent = d.sent
            sent_start = sent.start
            in_sentence = by_sentence.get(sent_start)
            if in_sentence is None:
                in_sentence = by_sentence[sent_start] = _sentence_places(texts, lowers, places, sent)
            cands = []
            if in_sentence:
                trigger = d.trigger
                # "hatte Selenskyj Rom besucht": the visited place is the verb's object.
                visit_verb = d.rule.contact_type == "visit" and lowers[trigger].startswith("besuch")
                for hit, entry, prev, licensed in in_sentence:
                    if (
                        licensed
                        # "zu seiner ersten China-Reise": the trip's own destination
                        or hit.start == trigger
                        or (prev in ("und", ",") and any(c[0].end == hit.start - 1 for c in cands))
                        or (visit_verb and 0 < abs(hit.start - trigger) <= 3)
                    ):
                        cands.append((hit, entry, prev))
            if not cands and d.contact_type == "visit":
                if known is None:
                    mentions = doc_extension(doc, "actor_mentions") or []
                    known = {i for m in mentions for i in range(m.start, m.end)}
                unknown = _unknown_destination(texts, lowers, known, d)
                if unknown:
                    d.destinations = [unknown]
                    d.location = unknown
                continue
            if d.contact_type != "visit" and d.rule.is_noun and _is_before_the_trip(lowers, d):
                # "Nach dem Treffen mit Macron reiste Merz weiter nach Warschau": the trip's
                # destination is where he went afterwards, not where they met.
                cands = [c for c in cands if c[2] != "nach" or c[0].start < d.trigger]
            if not cands:
                continue
            if len(cands) > 1:
                cands = _without_regions(texts, lowers, cands)
            if len(cands) == 1:
                # One place: it is the location, and a visit's only destination (what the
                # general case below gives for a single candidate).
                place = cands[0][1].place
                if d.contact_type == "visit":
                    d.destinations = [place]
                d.location = place
            elif d.contact_type == "visit":
                if not d.rule.is_noun and any(h.start > d.trigger and prev == "nach" for h, _, prev in cands):
                    # "Nach China reist der Minister weiter nach Tokio", "Nach seinem Besuch in
                    # Israel flog er weiter nach Kairo": the trip goes where the "nach" after
                    # the verb says; the places before it are where it came from.
                    cands = [c for c in cands if c[0].start > d.trigger]
                dests = [
                    e.place
                    for h, e, prev in cands
                    if h.start > d.trigger or prev in ("nach", "in", "im", "und")
                ]
                near = sorted(
                    ((abs(h.start - d.trigger), e.place) for h, e, _ in cands),
                    key=lambda x: x[0],
                )
                d.destinations = list(dict.fromkeys(_group_destinations(lowers, d, cands) or dests[:1]))
                d.location = d.destinations[0] if d.destinations else (near[0][1] if near else None)
            else:
                hit, entry, _ = min(cands, key=lambda c: _distance_tokens(c[0].start, d.trigger))
                d.location = entry.place
        return doc


def _is_before_the_trip(lowers: list[str], d: Draft) -> bool:
    """The contact noun is the time of what follows: "nach dem Treffen", "nach seinem Telefonat"."""
    t, start = d.trigger, d.sent.start
    return t - 2 >= start and lowers[t - 2] == "nach" and lowers[t - 1] in OCCASION_DETERMINERS


def _without_regions(texts: list[str], lowers: list[str], cands: list[tuple]) -> list[tuple]:
    """ "in Anchorage im US-Bundesstaat Alaska", "in Genf in der Schweiz": a place right after
    another, introduced by "in"/"im", says where the first one lies; the first is the place."""
    kept = [cands[0]]
    for cand in cands[1:]:
        before = kept[-1][0]
        gap = range(before.end, cand[0].start)
        if (
            0 < len(gap) <= 4
            and lowers[gap[0]] in ("in", "im")
            and all(
                lowers[i] in _ARTICLES
                or not texts[i].isalpha()
                or texts[i].islower()
                or _is_region_word(lowers[i])
                for i in gap[1:]
            )
        ):
            continue
        kept.append(cand)
    return kept


def _is_region_word(low: str) -> bool:
    # "US-Bundesstaat", "Provinz", "Emirat": the kind of place that holds the one before.
    return low.endswith(("bundesstaat", "staat", "provinz", "region", "kanton", "emirat", "land", "republik"))


# Nouns that describe the place a name follows: "in der saudischen Hafenstadt Dschidda".
_PLACE_NOUNS = frozenset(
    """stadt hauptstadt hafenstadt küstenstadt grenzstadt großstadt kleinstadt millionenstadt
    metropole kurort badeort ferienort urlaubsort region provinz insel heimatstadt ortschaft
    gemeinde residenz""".split()
)
_ARTICLES = frozenset({"der", "dem", "den", "die", "des"})
_TIME_PREPOSITIONS = frozenset({"nach", "vor", "seit"})


def _described_place(texts: list[str], lowers: list[str], start: int, sent_start: int) -> bool:
    """ "in der ukrainischen Hauptstadt Kiew", "im südkoreanischen Küstenort": a place
    preposition before a description of the place (article, adjectives, a place noun)."""
    i = start - 1
    saw_noun = False
    while i >= sent_start and start - i <= 5:
        low = lowers[i]
        if low in _PLACE_NOUNS:
            saw_noun = True
        elif low in _PLACE_PREPS:
            return saw_noun
        elif not (low in _ARTICLES or (texts[i].isalpha() and texts[i].islower())):
            return False
        i -= 1
    return False


def _sentence_places(texts: list[str], lowers: list[str], places, sent) -> list[tuple]:
    start, end = sent.start, sent.end
    out = []
    for hit in places:
        i = hit.start
        if not (start <= i < end):
            continue
        prev = lowers[i - 1] if i > start else ""
        prev2 = lowers[i - 2] if i - 1 > start else ""
        entry = hit.first("PLACE")
        word = texts[i]
        adjective = word.endswith("er") and entry.place != word
        described = _described_place(texts, lowers, i, start)
        # "Erste Station ist Kairo, wo er al-Sisi trifft": the place the clause happens in.
        where = hit.end + 1 < end and texts[hit.end] == "," and lowers[hit.end + 1] == "wo"
        if adjective and prev in _ARTICLES and prev2 in _TIME_PREPOSITIONS:
            # "Zwei Tage nach den Genfer Gesprächen telefonierte Biden": the place of the
            # event the date counts from, not of the contact; only that event's own noun
            # ("Genfer Gesprächen") takes it.
            out.append((hit, entry, prev, False))
            continue
        introduced = prev in _PLACE_PREPS or prev2 in _PLACE_PREPS or described or where
        out.append((hit, entry, prev, introduced or adjective))
    return out


def _unknown_destination(texts: list[str], lowers: list[str], known: set[int], d: Draft) -> str | None:
    """ "reiste weiter nach Aachen": a capitalized name after "nach" that is no German word,
    no known actor and not in the gazetteer is taken as the destination as written."""
    is_common_word = german_word_list()
    for i in range(d.sent.start, d.sent.end - 1):
        if lowers[i] != "nach":
            continue
        word = texts[i + 1]
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


_JOINERS = frozenset({"und", ",", "sowie", "nach", "in"})


def _group_destinations(lowers: list[str], d: Draft, cands) -> list[str]:
    """ "nach Kiew und Moskau": every destination listed together with the one nearest the trigger."""
    if not cands:
        return []
    ordered = sorted(cands, key=lambda c: c[0].start)
    best = min(ordered, key=lambda c: _distance_tokens(c[0].start, d.trigger))
    idx = ordered.index(best)
    lo = hi = idx

    def joined(a, b) -> bool:
        between = lowers[a[0].end : b[0].start]
        return len(between) <= 2 and all(w in _JOINERS for w in between)

    while lo > 0 and joined(ordered[lo - 1], ordered[lo]):
        lo -= 1
    while hi + 1 < len(ordered) and joined(ordered[hi], ordered[hi + 1]):
        hi += 1
    return [e.place for _, e, _ in ordered[lo : hi + 1]]
