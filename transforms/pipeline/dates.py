"""Dates: the date expression of each contact, resolved against the publication date."""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date, timedelta

from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc

from transforms.pipeline.clauses import (
    Draft,
    clause_bounds,
    segments,
)
from transforms.pipeline.tokens import (
    lower,
    span_text,
    text,
)
from transforms.temporal import DateExpression, PublicationDate, ResolvedDate, find_date_expressions


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
    lo, hi = clause_bounds(doc, d.trigger, d.sent)
    words = {lower(doc, i) for i in range(lo, hi)}
    return bool(words & _PRESENT_AUXILIARIES) and not words & _PAST_AUXILIARIES


# Present-tense verbs that put a dated contact ahead: "Am Mittwoch folgt das Treffen",
# "am Abend beginnt ein Treffen der NATO-Außenminister".
_PRESENT_CUES = frozenset("""folgt folgen beginnt beginnen findet finden steht stehen""".split())


def _is_present_tense(doc: Doc, d: Draft) -> bool:
    """ "Baerbock reist am Montag nach Kiew": the German present announces what is ahead."""
    lo, hi = clause_bounds(doc, d.trigger, d.sent)
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
    lo, hi = clause_bounds(doc, d.trigger, d.sent)
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
