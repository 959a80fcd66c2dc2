"""Dates: the date expression of each contact, resolved against the publication date.

Speed: the component reads token texts from the ``TokenTable`` lists and character
offsets from the contacts' sentence spans instead of creating Token and Span objects, finds
the date expressions of each contact sentence once, and works out per expression what does
not depend on the contact (its tokens, clause segment, the word before it) once per
sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from datetime import date, timedelta

from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens.underscore import Underscore

from transforms.pipeline.clauses import (
    Draft,
    segments,
    sentence_breaks,
)
from transforms.pipeline.tokens import (
    sentence_spans,
    span_text,
    token_table,
)
from transforms.temporal import DateExpression, PublicationDate, ResolvedDate, find_date_expressions


@Language.factory("contact_dates")
def create_contact_dates(nlp: Language, name: str):
    return ContactDates()


class _Found:
    """A date expression of a contact sentence, with what the resolution reads about it.

    Worked out once per sentence: every contact of the sentence looks at the same
    expressions, and token positions, clause and neighbours do not depend on the contact.
    """

    __slots__ = ("tok", "end_tok", "expr", "usable", "after_auf", "after_seit", "after_fuer", "segment")

    def __init__(
        self,
        tok: int,
        end_tok: int,
        expr: DateExpression,
        usable: bool,
        after_auf: bool,
        segment,
        after_seit: bool = False,
        after_fuer: bool = False,
    ):
        self.tok = tok  # token of the expression's first character
        self.end_tok = end_tok  # token of its last character
        self.expr = expr
        self.usable = usable  # not a span boundary ("seit Februar") nor "kurz vor dem Treffen"
        self.after_auf = after_auf  # "verschoben auf den 10. März"
        self.after_seit = after_seit  # "tagt seit Freitag": begun, so not ahead
        self.after_fuer = after_fuer  # "für Donnerstag vereinbart": set for a day ahead
        self.segment = segment  # the comma-delimited segment holding ``tok`` (or None)


class ContactDates:
    """Resolve the date expression nearest each trigger against the publication date.

    An article without a date marker is dated from its own text: the day after the
    latest explicit day date of a contact that already happened ("am Samstag (15.02.2025)")
    serves as the publication date, so that "am Mittwoch" still resolves.

    Date expressions are looked for only in the sentences that hold a contact: the
    resolution reads nothing else (the anchor and the paragraph's day come from earlier
    contacts, not from other sentences' text).
    """

    def __call__(self, doc: Doc) -> Doc:
        drafts = doc_extension(doc, "contacts") or []
        publication: PublicationDate | None = doc_extension(doc, "publication")
        table = token_table(doc)
        lowers, texts = table.lowers, table.texts
        found: dict[int, list[_Found]] = {}
        for d in drafts:
            if d.sent.start not in found:
                found[d.sent.start] = _sentence_dates(doc, table, d.sent)
        if publication is None:
            publication = self._inferred_publication(drafts, found)
            doc.user_data["publication_inferred"] = publication
        anchor: date | None = None
        sentence_anchor: date | None = None  # the anchor as it stood before this sentence
        current_sentence = -1
        last_dated: Draft | None = None
        # Date expressions some contact took from a clause other than its own (a relative
        # clause, or another main clause); shared by the sentence's contacts. None anchors.
        told_apart: set[int] = set()
        sentence_starts: list[int] | None = None  # for _close, read when first needed
        for d in drafts:
            sent = d.sent
            sent_start = sent.start
            if sent_start != current_sentence:
                current_sentence, sentence_anchor = sent_start, anchor
            in_sentence = found[sent_start]
            trigger = d.trigger
            exprs: list[_Found] = []
            if in_sentence:
                home = next((s for s in segments(doc, sent) if s.start <= trigger < s.end), None)
                for f in in_sentence:
                    # A date belongs to a contact in its own clause, or in the main clause
                    # when both are there. (Segments are disjoint: one start, one segment.)
                    there = f.segment
                    if f.usable and (
                        home is None
                        or there is None
                        or home.start == there.start
                        or (not home.is_subordinate and not there.is_subordinate)
                        or (d.rule.is_noun and _tells_when(lowers, home, there))
                    ):
                        exprs.append(f)
                        if there is not None and home is not None and there.start != home.start:
                            told_apart.add(id(f))
                when_clause = _als_clause_date(lowers, home, in_sentence)
                if when_clause is not None:
                    exprs = [when_clause]
                if d.is_postponed:
                    # Only the new date counts ("verschob ... auf den 10. März"); without one
                    # the contact is planned with no date.
                    exprs = [f for f in exprs if f.after_auf]
            words = None  # the lowercased words of the trigger's clause, read when needed
            if d.status == "planned":
                forward = True
            else:
                words = _clause_words(doc, texts, lowers, trigger, sent)
                forward = _present_tense(texts, lowers, d, words)
            end = None
            if exprs:
                if len(exprs) == 1:
                    chosen = exprs[0]
                else:
                    chosen = min(exprs, key=lambda f: _distance(texts, f.tok, trigger))
                expr = chosen.expr
                if chosen.after_seit and d.status != "planned":
                    # "Die G7 tagt seit Freitag": the present of something under way; the
                    # Friday it began lies behind.
                    forward = False
                elif chosen.after_fuer:
                    # "Für Donnerstag sei ein Telefonat vereinbart": a contact set for a day
                    # is ahead of the report, whatever the tense of the sentence.
                    forward = True
                d.has_date_expression = True
                resolved, end = expr.resolve_with_end(publication, forward, sentence_anchor)
                if (
                    not forward
                    and expr._op == "md"
                    and resolved is not None
                    and publication is not None
                    and publication.precision == "day"
                    and resolved.value > publication.value
                ):
                    # "Am 20. März ist Scholz nach Barcelona gereist" in November: the nearest
                    # 20 March is ahead, but the tense puts it behind.
                    if words is None:
                        words = _clause_words(doc, texts, lowers, trigger, sent)
                    if _past_tense(lowers, d, words):
                        resolved, end = _year_before(resolved), _year_before(end)
                # A weekday resolved only to the month (month-only publication date) is a
                # weak date: it must not keep two reports of one contact apart.
                d.date_is_soft = (
                    expr.kind == "weekday" and resolved is not None and resolved.precision == "month"
                )
                if resolved is not None:
                    d.date = resolved
                    if publication is not None and (
                        (
                            resolved.precision == "day"
                            and publication.precision == "day"
                            and resolved.value > publication.value
                        )
                        # "Ende Juli folgt der NATO-Gipfel" in June, or on 6 June "Ende Juni":
                        # a later month, or a later part of this month, lies ahead (in the
                        # present tense: "Ende Juli hatte ..." looks back).
                        or (
                            forward
                            and resolved.precision == "month"
                            and _month_ahead(expr, resolved, publication)
                        )
                        # "trifft heute um 13 Uhr", "Ende der Woche empfängt": still ahead.
                        or (
                            forward
                            and _later_than_the_report(expr, resolved, publication, texts, lowers, d, sent)
                        )
                    ):
                        d.status = "planned"
            if (
                d.date is None
                and not d.has_date_expression
                and last_dated is not None
                and last_dated.status == "planned"
                and d.status == "occurred"
                and forward
            ):
                # "Baerbock reist am Montag nach Kiew. Dort trifft sie Selenskyj.": the present
                # goes on with what is ahead.
                if sentence_starts is None:
                    sentence_starts = [s.start for s in sentence_spans(doc)]
                if _close_fast(doc, table, sentence_starts, last_dated, d):
                    d.status = "planned"
            if (
                d.date is None
                and not d.has_date_expression
                and last_dated is not None
                and last_dated.status == d.status
            ):
                if sentence_starts is None:
                    sentence_starts = [s.start for s in sentence_spans(doc)]
                if _close_fast(doc, table, sentence_starts, last_dated, d):
                    # "Am Abend war Erdogan zu Gast im Kanzleramt": the paragraph's day goes on.
                    d.date = last_dated.date
            if (
                d.date is None
                and not d.has_date_expression
                and publication is not None
                and d.status == "occurred"
            ):
                if words is None:
                    words = _clause_words(doc, texts, lowers, trigger, sent)
                if publication.precision == "day" and (
                    _present_perfect(words) or _live_stamp(texts, sent.start, sent.end)
                ):
                    # "ist in Moskau gelandet", "hat mit Macron telefoniert", "14:05 Uhr –
                    # Selenskyj trifft Erdogan": news of the day.
                    d.date = ResolvedDate(publication.value, "day")
                else:
                    # Reported without a time: the publication month (SCHEMA convention).
                    d.date = ResolvedDate(publication.value.replace(day=1), "month")
                    d.date_is_soft = True
            if d.date is not None and d.date.precision == "day" and not (exprs and id(chosen) in told_apart):
                # "zwei Tage nach den Genfer Gesprächen" counts from the last day of those talks.
                # A date told in another clause ("Verhandlungen ..., die am Donnerstag
                # beginnen sollten") is no anchor for the sentences after it.
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
            for f in found[d.sent.start]:
                resolved = f.expr.resolve(None, False, None)
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
    """hat haben hatte hatten ist sind war waren wurde wurden worden habe seien sei wäre hätte
    hätten""".split()
)


_PRESENT_AUXILIARIES = frozenset({"hat", "haben", "ist", "sind"})


# "hätten ... telefoniert" is reported speech of the past ("teilte mit, beide hätten ...").
_PAST_AUXILIARIES = frozenset({"hatte", "hatten", "war", "waren", "wurde", "wurden", "hätte", "hätten"})


_TENSE_AUXILIARIES = _PAST_AUXILIARIES | _PRESENT_AUXILIARIES


# Present-tense verbs that put a dated contact ahead: "Am Mittwoch folgt das Treffen",
# "am Abend beginnt ein Treffen der NATO-Außenminister", "bricht am Donnerstag zu einer
# Reise auf", "tritt am Montag eine Reise an", and the joined forms of a subordinate clause
# ("wo am Mittwoch ein Treffen der G7 stattfindet").
_PRESENT_CUES = frozenset(
    """folgt folgen beginnt beginnen findet finden steht stehen bricht brechen tritt treten startet
    starten stattfindet stattfinden zusammenkommt zusammenkommen eintrifft eintreffen aufbricht
    aufbrechen antritt antreten""".split()
)


# "seit Februar 2022", "bis Ende März": the boundary of a long span, not the contact's date.
# A day-level start stays: "Die G7 beraten seit Sonntag" began on Sunday.
_BOUNDARY_PREPS = frozenset({"seit", "bis", "ab", "vor", "spätestens"})
_DAY_KINDS = frozenset({"weekday", "relative_day", "absolute_day"})


# "kurz vor der Ankunft", "kurz nach dem Treffen": how another event relates to this one,
# not a date of this one.
_EVENT_RELATIVE = re.compile(r"(kurz|unmittelbar|gleich)\s+(vor|nach)\s+(de[mnrs]|der)\b", re.I)


def doc_extension(doc: Doc, name: str):
    """``doc._.<name>`` of an extension set with ``default=None``, read from ``user_data``
    where spaCy keeps it: every ``doc._`` access builds a new Underscore object (~3 µs)."""
    spec = Underscore.doc_extensions.get(name)
    if spec is None or spec[0] is not None or spec[1] is not None or spec[2] is not None:
        return getattr(doc._, name)  # a default, method or getter: let spaCy handle it
    return doc.user_data.get(("._.", name, None, None))


def _sentence_dates(doc: Doc, table, sent) -> list[_Found]:
    """The date expressions of one sentence, with their tokens, clause and neighbours."""
    s, e = sent.start, sent.end
    if e <= s:
        return []
    lowers = table.lowers
    exprs = find_date_expressions(table.text[sent.start_char : sent.end_char])
    if not exprs:
        return []
    # The token of an expression's first and last character, by the tokens' character offsets
    # (expressions' offsets count from the sentence's first character).
    idx, base = table.idx, sent.start_char
    segs = segments(doc, sent)
    out = []
    for expr in exprs:
        tok = bisect_right(idx, base + expr.start, s, e) - 1
        end_tok = bisect_right(idx, base + expr.end - 1, s, e) - 1
        prev = lowers[tok - 1] if tok > 0 else ""
        # "seit Februar 2022", "bis Ende März": the boundary of a long span, not the
        # contact's date; a day-level start stays ("Die G7 beraten seit Sonntag").
        boundary = prev in _BOUNDARY_PREPS and expr.kind not in _DAY_KINDS
        usable = not boundary and not _EVENT_RELATIVE.match(expr.text)
        segment = next((g for g in segs if g.start <= tok < g.end), None)
        out.append(_Found(tok, end_tok, expr, usable, prev == "auf", segment, prev == "seit", prev == "für"))
    return out


# Verbs with which a relative clause tells when its contact noun takes place.
_TAKES_PLACE = frozenset(
    "stattfinden stattfindet stattfand stattfanden beginnen beginnt begann begannen folgen folgt".split()
)
_RELATIVE_STARTS = frozenset("das die der welches welche welcher".split())


def _tells_when(lowers: list[str], home, there) -> bool:
    """ "ein Treffen mit Scholz, das am Freitag in Paris stattfinden soll": the relative clause
    right after the contact noun's clause says when that contact takes place."""
    if home is None or there is None or not there.is_subordinate or there.start <= home.start:
        return False
    start = there.start + (1 if lowers[there.start] == "," else 0)
    if start - home.end > 1 or lowers[start] not in _RELATIVE_STARTS:
        return False
    return not _TAKES_PLACE.isdisjoint(lowers[start : there.end])


# The first day of "Anfang/Mitte/Ende <Monat>".
_PART_OF_MONTH_FIRST_DAY = {"anfang": 1, "beginn": 1, "mitte": 11, "ende": 21}


def _month_ahead(expr: DateExpression, resolved, publication: PublicationDate) -> bool:
    month, published = (resolved.value.year, resolved.value.month), publication.value
    if month != (published.year, published.month):
        return month > (published.year, published.month)
    if expr.kind != "part_of_month" or publication.precision != "day":
        return False
    first_day = _PART_OF_MONTH_FIRST_DAY.get(expr.text.split()[0].lower(), 32)
    return first_day > published.day


def _als_clause_date(lowers: list[str], home, found: list[_Found]) -> _Found | None:
    """ "seit Februar 2022, als Putin mit Biden sprach": the als-clause happened at that date."""
    if home is None or lowers[home.start] != "als" or home.start < 2:
        return None
    for f in found:
        if f.end_tok in (home.start - 2, home.start - 1):
            return f
    return None


def _clause_words(doc: Doc, texts: list[str], lowers: list[str], trigger: int, sent) -> set[str]:
    """The lowercased words of the trigger's clause (as ``clauses.clause_bounds`` cuts it): from
    the last ";"/":" before the trigger to the first ","/";"/":" after it, looked up among the
    sentence's break tokens."""
    sent_start, sent_end = sent.start, sent.end
    breaks = sentence_breaks(doc, sent_start, sent_end).clause
    lo = sent_start
    for k in range(bisect_left(breaks, trigger) - 1, -1, -1):
        if texts[breaks[k]] in (";", ":"):
            lo = breaks[k] + 1
            break
    hi = sent_end
    for k in range(bisect_right(breaks, trigger), len(breaks)):
        if texts[breaks[k]] in (",", ";", ":"):
            hi = breaks[k]
            break
    return set(lowers[lo:hi])


# Preterite forms of the contact verbs ("traf", "reiste"; weak forms end in -te/-ten).
_PRETERITE = frozenset(
    """traf trafen empfing empfingen kam kamen flog flogen sprach sprachen beriet berieten rief
    zusammentraf zusammentrafen""".split()
)


def _past_tense(lowers: list[str], d: Draft, words: set[str]) -> bool:
    """The contact's clause is in a past tense: "war ... gereist", "hat ... getroffen", "traf"."""
    if words & _PAST_AUXILIARIES or _present_perfect(words):
        return True
    if d.rule.is_noun:
        return False
    low = lowers[d.trigger]
    return low in _PRETERITE or low.endswith(("te", "ten"))


def _year_before(resolved: ResolvedDate | None) -> ResolvedDate | None:
    if resolved is None:
        return None
    value = resolved.value
    try:
        return ResolvedDate(value.replace(year=value.year - 1), resolved.precision)
    except ValueError:  # 29 February
        return resolved


_CLOCK = re.compile(r"\d{1,2}[:.]\d{2}")


_LATER_PARTS_OF_THE_DAY = ("abend", "nachmittag", "nacht")


def _later_than_the_report(expr, resolved, publication, texts, lowers, d, sent) -> bool:
    """In the present tense, a time still ahead of a report of the same day or week (SCHEMA:
    "trifft an diesem Montag um 13 Uhr" in an article of that morning is planned, while
    "findet heute statt" happened): a clock time or the evening of the publication day
    ("heute Abend trifft"), or the end of the current week ("Ende der Woche empfängt")."""
    if publication.precision != "day":
        return False
    text = expr.text.lower()
    if resolved.precision == "day":
        if resolved.value != publication.value or _live_stamp(texts, sent.start, sent.end):
            return False
        if any(part in text for part in _LATER_PARTS_OF_THE_DAY):
            return True
        # "um 13 Uhr" in the contact's clause.
        t = d.trigger
        return any(
            lowers[i] == "uhr" and lowers[i - 2] == "um" and texts[i - 1][:1].isdigit()
            for i in range(max(sent.start + 2, t - 8), min(sent.end, t + 8))
        )
    return (
        expr.kind == "relative_week"
        and text.startswith("ende")
        and not any(w in text for w in ("vergangen", "letzt", "vorig"))
        and publication.value.weekday() < 4  # before Friday: the week's end lies ahead
    )


def _live_stamp(texts: list[str], start: int, end: int) -> bool:
    """The sentence opens with a live blog's time of day ("14:05 Uhr –", "+++ 9.30 Uhr: ...")."""
    for i in range(start, min(end - 1, start + 6)):
        if _CLOCK.fullmatch(texts[i]):
            return texts[i + 1] == "Uhr"
    return False


def _present_perfect(words: set[str]) -> bool:
    """ "hat ... telefoniert", "ist ... gelandet", "ist das Gespräch beendet": just happened."""
    return bool(words & _PRESENT_AUXILIARIES) and not words & _PAST_AUXILIARIES


# The plural present of the contact verbs (the infinitive's form; past plurals differ: "trafen",
# "kamen", "berieten", "reisten").
_PLURAL_PRESENT = frozenset(
    """kommen treffen telefonieren beraten reisen verhandeln sprechen empfangen besuchen fliegen
    tagen konferieren""".split()
)
_PAST_MODALS = frozenset(
    """konnte konnten wollte wollten sollte sollten durfte durften musste mussten mochten""".split()
)


def _present_tense(texts: list[str], lowers: list[str], d: Draft, words: set[str]) -> bool:
    """ "Baerbock reist am Montag nach Kiew": the German present announces what is ahead."""
    if words & _PRESENT_CUES and not words & _TENSE_AUXILIARIES:
        return True
    low = lowers[d.trigger]
    if low in _PLURAL_PRESENT and texts[d.trigger].islower() and lowers[d.trigger - 1] != "zu":
        # "Die Außenminister kommen am Mittwoch zusammen", "Scholz und Macron treffen sich":
        # the plural present has the infinitive's form, which comes with "zu", an auxiliary
        # or a modal ("um mit Putin zu telefonieren", "konnten sich treffen" look back).
        return words.isdisjoint(_AUXILIARIES) and words.isdisjoint(_PAST_MODALS)
    # Present 3rd person ends in -t ("reist", "trifft", "empfängt"); strong past forms
    # ("traf", "empfing") and weak ones ("reiste") do not pass. (Token.is_lower is
    # str.islower of the token text.)
    if d.rule.is_noun or not texts[d.trigger].islower() or not low.endswith("t") or low.endswith("te"):
        return False
    if low.startswith("ge"):
        return False  # a participle: "hat getroffen", "ist gereist"
    return words.isdisjoint(_AUXILIARIES)


def _distance(texts: list[str], tok: int, trigger: int) -> int:
    """Tokens between a date and the trigger; a ";" or ":" between them counts as ten more."""
    dist = abs(tok - trigger)
    lo, hi = (tok, trigger) if tok < trigger else (trigger, tok)
    for k in range(lo, hi):
        if texts[k] in (";", ":"):
            return dist + 10
    return dist


# A part of the day opening a sentence ("Am Nachmittag", "Am späten Abend", "Abends"): the
# day the report is at goes on.
_DAY_PARTS = frozenset({"vormittag", "mittag", "nachmittag", "abend", "morgen"})
_DAY_PART_ADVERBS = frozenset({"vormittags", "mittags", "nachmittags", "abends"})
# Openers that go on with the report's sequence of events.
_SEQUEL_ADVERBS = frozenset({"anschließend", "danach"})
# How many sentences a sequel opener reaches back (counting both contacts' sentences).
SEQUEL_REACH = 8


def opens_with_day_part(lowers: list[str], start: int, end: int) -> bool:
    """The sentence ``lowers[start:end]`` opens with a part of the day and names no day."""
    first = lowers[start] if start < end else ""
    if first in _DAY_PART_ADVERBS:
        return True
    if first != "am" or start + 1 >= end:
        return False
    word = lowers[start + 1]
    if word in ("frühen", "späten") and start + 2 < end:
        word = lowers[start + 2]
    return word in _DAY_PARTS


def opens_with_sequel(lowers: list[str], start: int, end: int) -> bool:
    """The sentence opens with what comes next: a part of the day, "Anschließend", "Danach",
    "Im Anschluss"."""
    if start >= end:
        return False
    if lowers[start] in _SEQUEL_ADVERBS:
        return True
    if lowers[start] == "im" and start + 1 < end and lowers[start + 1] == "anschluss":
        return True
    return opens_with_day_part(lowers, start, end)


def _close_fast(doc: Doc, table, sentence_starts: list[int], earlier: Draft, later: Draft) -> bool:
    """Same paragraph and at most two sentences apart (``_close``), or a sentence opening
    with a sequel (``opens_with_sequel``) up to seven sentences later, from character offsets
    and sentence starts instead of new spans."""
    a, b = earlier.sent.start, later.sent.start
    if b < a:
        return _close(doc, earlier, later)
    if b > a and opens_with_sequel(table.lowers, b, later.sent.end):
        # "Anschließend fliegt Baerbock nach Eriwan", "Am Nachmittag ...": what comes next in
        # the report's day, across paragraphs of background in between.
        return bisect_left(sentence_starts, later.sent.end) - bisect_left(sentence_starts, a) <= SEQUEL_REACH
    if b > a:
        # Up to the end of the token before the later sentence (without its space).
        between = table.text[earlier.sent.start_char : later.sent.start_char - table.spaces[b - 1]]
        if "\n\n" in between or "\n \n" in between:
            return False
    # The sentences of doc[a:later.sent.end]: those starting inside it (a starts one).
    return bisect_left(sentence_starts, later.sent.end) - bisect_left(sentence_starts, a) <= 3


def _close(doc: Doc, earlier: Draft, later: Draft) -> bool:
    """Same paragraph and at most two sentences apart: the plain form, for a contact that
    comes before the last dated one."""
    between = span_text(doc, earlier.sent.start, later.sent.start)
    if "\n\n" in between or "\n \n" in between:
        return False
    return len(list(doc[earlier.sent.start : later.sent.end].sents)) <= 3
