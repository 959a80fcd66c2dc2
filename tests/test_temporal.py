"""Tests for transforms.temporal: finding German time expressions and resolving them.

All example sentences are written for these tests. Weekday facts used below:
2025-02-12 is a Wednesday, 2025-02-15 a Saturday, 2025-01-01 a Wednesday,
2025-03-28 a Friday, 2025-03-03 a Monday, 2025-04-29 a Tuesday.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from transforms.temporal import (
    EXPRESSION_KINDS,
    DateExpression,
    PublicationDate,
    ResolvedDate,
    _find_ungated,
    find_date_expressions,
    parse_publication_marker,
)


def _pub(value: str | None) -> PublicationDate | None:
    return None if value is None else parse_publication_marker(value)


def _expr(sentence: str, expected_text: str) -> DateExpression:
    found = find_date_expressions(sentence)
    matching = [e for e in found if e.text == expected_text]
    assert matching, f"{expected_text!r} not among {[e.text for e in found]}"
    return matching[0]


def _iso(resolved: ResolvedDate | None) -> str | None:
    return None if resolved is None else resolved.iso()


# --------------------------------------------------------------------------------------
# Publication markers and result types
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("marker", "value", "precision"),
    [
        ("2025-02", date(2025, 2, 1), "month"),
        ("2025-02-15", date(2025, 2, 15), "day"),
        ("2024-02-29", date(2024, 2, 29), "day"),
        (" 2022-1-9 ", date(2022, 1, 9), "day"),
        ("1999-12", date(1999, 12, 1), "month"),
    ],
)
def test_parse_publication_marker(marker, value, precision):
    assert parse_publication_marker(marker) == PublicationDate(value, precision)


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ("2025-13", "month 13"),
        ("2025-00", "month 0"),
        ("2025-02-30", "day 30"),
        ("2023-02-29", "day 29"),
        ("2025-04-31", "day 31"),
        ("2025", "YYYY-MM"),
        ("15.02.2025", "YYYY-MM"),
        ("", "YYYY-MM"),
        ("2025-02-15T10:00", "YYYY-MM"),
        ("Februar 2025", "YYYY-MM"),
    ],
)
def test_parse_publication_marker_rejects_bad_input(marker, message):
    with pytest.raises(ValueError, match=message):
        parse_publication_marker(marker)


def test_resolved_date_iso():
    assert ResolvedDate(date(2025, 2, 5), "day").iso() == "2025-02-05"
    assert ResolvedDate(date(2025, 2, 1), "month").iso() == "2025-02"


def test_date_expression_is_frozen():
    expr = find_date_expressions("Er kam am Montag.")[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        expr.start = 0  # type: ignore[misc]


# --------------------------------------------------------------------------------------
# Resolution table: (sentence, expression text, publication, planned, expected)
# --------------------------------------------------------------------------------------

OCC, PLAN = False, True

RESOLUTION_CASES = [
    # absolute days with a year need no publication date
    ("Die Minister trafen sich am 15.02.2025 in Riad.", "am 15.02.2025", None, OCC, "2025-02-15"),
    ("Am 3.3.2025 telefonierten beide Präsidenten.", "Am 3.3.2025", None, OCC, "2025-03-03"),
    ("Das Gespräch fand am 2025-03-04 in Ankara statt.", "am 2025-03-04", None, OCC, "2025-03-04"),
    ("Er traf sie am 14. Februar 2026 in Brüssel.", "am 14. Februar 2026", None, PLAN, "2026-02-14"),
    ("Sie sprachen am 3. Sept. 2024 miteinander.", "am 3. Sept. 2024", None, OCC, "2024-09-03"),
    ("Die Delegation reiste am 7.5.24 nach Oslo.", "am 7.5.24", None, OCC, "2024-05-07"),
    # absolute days without a year: the year from the publication date
    ("Er reist am 20.03. nach Paris.", "am 20.03.", "2025-03-10", PLAN, "2025-03-20"),
    ("Sie hatten am 20.12. telefoniert.", "am 20.12.", "2025-01-08", OCC, "2024-12-20"),
    ("Am 5.01. wollen sie verhandeln.", "Am 5.01.", "2024-12-20", PLAN, "2025-01-05"),
    (
        "Die Außenminister trafen sich am 14. Februar in Brüssel.",
        "am 14. Februar",
        "2025-02-20",
        OCC,
        "2025-02-14",
    ),
    ("Ein Treffen am 7. Feb. in Berlin verlief ruhig.", "am 7. Feb.", "2025-02-12", OCC, "2025-02-07"),
    # a date a few days after publication stays in the same year even for occurred events
    ("Das Telefonat am 15. Februar dauerte lange.", "am 15. Februar", "2025-02-12", OCC, "2025-02-15"),
    # ... and planned=True does not push a date eight months ahead when it is four months back
    ("Das für den 3. Oktober geplante Treffen fiel aus.", "den 3. Oktober", "2025-02-12", PLAN, "2024-10-03"),
    (
        "Das für den 3. Juni geplante Treffen wird vorbereitet.",
        "den 3. Juni",
        "2025-02-12",
        PLAN,
        "2025-06-03",
    ),
    (
        "Am 15. Februar letzten Jahres trafen sie sich.",
        "Am 15. Februar letzten Jahres",
        "2025-05-02",
        OCC,
        "2024-02-15",
    ),
    # month-precision publication: the year still follows, the day stays
    ("Sie trafen sich am 28. Januar in Davos.", "am 28. Januar", "2025-02", OCC, "2025-01-28"),
    # multi-day events take their first day
    (
        "Die Gespräche finden am 9. und 10. Januar in Genf statt.",
        "am 9. und 10. Januar",
        "2022-01-05",
        PLAN,
        "2022-01-09",
    ),
    (
        "Die Konferenz läuft vom 9. bis 11. Juli in Washington.",
        "vom 9. bis 11. Juli",
        "2024-06",
        PLAN,
        "2024-07-09",
    ),
    ("Beratungen am 9.–10. Januar sind angesetzt.", "am 9.–10. Januar", "2022-01", PLAN, "2022-01-09"),
    (
        "Der Besuch vom 30. Dezember bis 2. Januar 2025 führte ihn nach Kiew.",
        "vom 30. Dezember bis 2. Januar 2025",
        None,
        OCC,
        "2024-12-30",
    ),
    ("Der Gipfel am 15./16. Juni wird vorbereitet.", "am 15./16. Juni", "2025-05-20", PLAN, "2025-06-15"),
    # months and parts of months
    ("Im Jänner 2025 besuchte er Wien.", "Im Jänner 2025", None, OCC, "2025-01"),
    ("Im Jaenner 2025 besuchte er Wien.", "Im Jaenner 2025", None, OCC, "2025-01"),
    ("Februar 2022 begann die Invasion.", "Februar 2022", None, OCC, "2022-02"),
    ("Anfang Februar reiste die Delegation nach Kairo.", "Anfang Februar", "2025-02-20", OCC, "2025-02"),
    ("Ein Treffen ist für Mitte März geplant.", "Mitte März", "2025-02-20", PLAN, "2025-03"),
    ("Ende Februar war sie in Warschau.", "Ende Februar", "2025-03-05", OCC, "2025-02"),
    ("Im Dezember hatten sie telefoniert.", "Im Dezember", "2025-02-10", OCC, "2024-12"),
    ("Im Juli soll ein Gipfel folgen.", "Im Juli", "2025-02-10", PLAN, "2025-07"),
    # more than six months ahead: the nearer December is taken
    ("Im Dezember war ein Treffen geplant.", "Im Dezember", "2025-02-10", PLAN, "2024-12"),
    ("Im März letzten Jahres trafen sie sich.", "Im März letzten Jahres", "2025-05-01", OCC, "2024-03"),
    ("Im vergangenen Oktober sprachen sie.", "Im vergangenen Oktober", "2025-10-20", OCC, "2024-10"),
    ("Im kommenden März soll er reisen.", "Im kommenden März", "2025-02", PLAN, "2025-03"),
    ("Im August traf er den Premier.", "Im August", "2025-02-12", OCC, "2024-08"),
    ("Am 3. August traf er den Premier.", "Am 3. August", "2025-02-12", OCC, "2024-08-03"),
    # weekdays: back for occurred, forward for planned (publication: Wednesday 2025-02-12)
    ("Er telefonierte am Samstag mit Rubio.", "am Samstag", "2025-02-12", OCC, "2025-02-08"),
    ("Er telefoniert am Samstag mit Rubio.", "am Samstag", "2025-02-12", PLAN, "2025-02-15"),
    ("Sie trafen sich am Mittwoch in Rom.", "am Mittwoch", "2025-02-12", OCC, "2025-02-12"),
    ("Sie treffen sich am Mittwoch in Rom.", "am Mittwoch", "2025-02-12", PLAN, "2025-02-19"),
    ("Am vergangenen Mittwoch reiste er ab.", "Am vergangenen Mittwoch", "2025-02-12", OCC, "2025-02-05"),
    ("Am kommenden Mittwoch reist er ab.", "Am kommenden Mittwoch", "2025-02-12", PLAN, "2025-02-19"),
    (
        "An diesem Mittwoch trifft er um 13 Uhr Macron.",
        "An diesem Mittwoch",
        "2025-02-12",
        PLAN,
        "2025-02-12",
    ),
    ("Nächsten Dienstag fliegt sie nach Tokio.", "Nächsten Dienstag", "2025-02-12", PLAN, "2025-02-18"),
    ("Diesen Freitag empfängt er den Kanzler.", "Diesen Freitag", "2025-02-12", PLAN, "2025-02-14"),
    ("Am Montagmorgen landete er in Kiew.", "Am Montagmorgen", "2025-02-12", OCC, "2025-02-10"),
    ("Am Samstagabend will er Selenskyj treffen.", "Am Samstagabend", "2025-02-12", PLAN, "2025-02-15"),
    ("Sonntagnachmittag sprachen beide am Telefon.", "Sonntagnachmittag", "2025-02-12", OCC, "2025-02-09"),
    ("Am Sonnabend kam es zu einem Treffen.", "Am Sonnabend", "2025-02-12", OCC, "2025-02-08"),
    ("Am Wochenende telefonierten die beiden.", "Am Wochenende", "2025-02-12", OCC, "2025-02-08"),
    ("Am Wochenende wollen die beiden telefonieren.", "Am Wochenende", "2025-02-12", PLAN, "2025-02-15"),
    (
        "Am Freitag vergangener Woche kam er an.",
        "Am Freitag vergangener Woche",
        "2025-02-12",
        OCC,
        "2025-02-07",
    ),
    (
        "Am Montag nächster Woche folgt ein Besuch.",
        "Am Montag nächster Woche",
        "2025-02-12",
        PLAN,
        "2025-02-17",
    ),
    ("Sie treffen sich am Montag um 13 Uhr.", "am Montag", "2025-02-12", PLAN, "2025-02-17"),
    # a publication-day Saturday: occurred "am Samstag" is that day, planned the next one
    ("Rubio telefonierte am Samstag mit Lawrow.", "am Samstag", "2025-02-15", OCC, "2025-02-15"),
    ("Rubio will am Samstag mit Lawrow telefonieren.", "am Samstag", "2025-02-15", PLAN, "2025-02-22"),
    # weekday with an explicit date: the date decides
    (
        "Beide telefonierten am Samstag (15.02.2025) lange.",
        "am Samstag (15.02.2025)",
        None,
        OCC,
        "2025-02-15",
    ),
    (
        "Das Treffen findet am Mittwoch, den 19. Februar, statt.",
        "am Mittwoch, den 19. Februar",
        "2025-02-12",
        PLAN,
        "2025-02-19",
    ),
    (
        "Am Donnerstag, dem 13.02., kam der Gast.",
        "Am Donnerstag, dem 13.02.",
        "2025-02-12",
        OCC,
        "2025-02-13",
    ),
    # weekdays across a year change (publication: Wednesday 2025-01-01)
    ("Am Samstag sprach er mit Duda.", "Am Samstag", "2025-01-01", OCC, "2024-12-28"),
    ("Am Montag spricht er mit Duda.", "Am Montag", "2025-01-01", PLAN, "2025-01-06"),
    # month-precision publication: weekdays and day-level relatives give the month
    ("Er telefonierte am Samstag mit Rubio.", "am Samstag", "2025-02", OCC, "2025-02"),
    ("Er telefoniert am Samstag mit Rubio.", "am Samstag", "2025-02", PLAN, "2025-02"),
    ("Am Freitag vergangener Woche kam er an.", "Am Freitag vergangener Woche", "2025-02", OCC, "2025-02"),
    ("Gestern traf er Scholz.", "Gestern", "2025-02", OCC, "2025-02"),
    # relative days (publication: 2025-02-12)
    ("Heute empfängt der Kanzler den Gast.", "Heute", "2025-02-12", PLAN, "2025-02-12"),
    ("Heute Abend landet sie in Paris.", "Heute Abend", "2025-02-12", PLAN, "2025-02-12"),
    ("Sie hat gestern mit ihm gesprochen.", "gestern", "2025-02-12", OCC, "2025-02-11"),
    ("Vorgestern trafen sie sich.", "Vorgestern", "2025-02-12", OCC, "2025-02-10"),
    ("Er wird morgen nach Kiew reisen.", "morgen", "2025-02-12", PLAN, "2025-02-13"),
    ("Morgen reist er nach Kiew.", "Morgen", "2025-02-12", PLAN, "2025-02-13"),
    ("Übermorgen folgt ein Telefonat.", "Übermorgen", "2025-02-12", PLAN, "2025-02-14"),
    ("Gestern Abend telefonierten die beiden.", "Gestern Abend", "2025-02-12", OCC, "2025-02-11"),
    ("Er hatte am Vortag mit Macron gesprochen.", "am Vortag", "2025-02-12", OCC, "2025-02-11"),
    ("Am Vorabend gab es ein Abendessen.", "Am Vorabend", "2025-02-12", OCC, "2025-02-11"),
    ("Am Tag zuvor hatte er Meloni getroffen.", "Am Tag zuvor", "2025-02-12", OCC, "2025-02-11"),
    ("Vor zwei Tagen sprach er mit Erdogan.", "Vor zwei Tagen", "2025-02-12", OCC, "2025-02-10"),
    ("Vor einer Woche war sie in Peking.", "Vor einer Woche", "2025-02-12", OCC, "2025-02-05"),
    ("In zwei Tagen trifft er Starmer.", "In zwei Tagen", "2025-02-12", PLAN, "2025-02-14"),
    ("In drei Wochen beginnt der Gipfel.", "In drei Wochen", "2025-02-12", PLAN, "2025-03-05"),
    (
        "Am heutigen Mittwoch beginnen die Gespräche.",
        "Am heutigen Mittwoch",
        "2025-02-12",
        PLAN,
        "2025-02-12",
    ),
    ("Beim gestrigen Treffen ging es um Zölle.", "Beim gestrigen Treffen", "2025-02-12", OCC, "2025-02-11"),
    ("Gestern, am 1. Januar, telefonierten sie.", "Gestern", "2025-01-02", OCC, "2025-01-01"),
    ("Gestern telefonierten sie.", "Gestern", "2025-01-01", OCC, "2024-12-31"),
    ("Vor zwei Tagen telefonierten sie.", "Vor zwei Tagen", "2024-03-01", OCC, "2024-02-28"),
    ("Vor einem Monat reiste er nach Rom.", "Vor einem Monat", "2025-02-12", OCC, "2025-01"),
    # weeks resolve to the month of the day they point at
    ("Anfang der Woche war sie in Madrid.", "Anfang der Woche", "2025-02-12", OCC, "2025-02"),
    ("Nächste Woche reist er nach Tokio.", "Nächste Woche", "2025-03-28", PLAN, "2025-04"),
    ("Anfang nächster Woche reist er nach Tokio.", "Anfang nächster Woche", "2025-03-28", PLAN, "2025-03"),
    ("Ende der Woche trifft er die Nato-Partner.", "Ende der Woche", "2025-03-28", PLAN, "2025-03"),
    ("Noch in dieser Woche will er telefonieren.", "Noch in dieser Woche", "2025-03-28", PLAN, "2025-03"),
    ("Vergangene Woche war er in Ankara.", "Vergangene Woche", "2025-03-03", OCC, "2025-02"),
    ("Letzte Woche war er in Ankara.", "Letzte Woche", "2025-03-03", OCC, "2025-02"),
    ("Ende vergangener Woche traf er Duda.", "Ende vergangener Woche", "2025-03-03", OCC, "2025-02"),
    ("Mitte der Woche folgt ein Gipfel.", "Mitte der Woche", "2025-04-29", PLAN, "2025-04"),
    ("Ende der Woche folgt ein Gipfel.", "Ende der Woche", "2025-04-29", PLAN, "2025-05"),
    ("In der kommenden Woche folgen Gespräche.", "In der kommenden Woche", "2025-02-12", PLAN, "2025-02"),
    ("Diese Woche telefonierten sie zweimal.", "Diese Woche", "2025-02-12", OCC, "2025-02"),
    ("Vergangene Woche telefonierten sie.", "Vergangene Woche", "2025-01-01", OCC, "2024-12"),
    # months
    ("Im kommenden Monat trifft sie Wang Yi.", "Im kommenden Monat", "2025-01-15", PLAN, "2025-02"),
    ("Vergangenen Monat traf sie Wang Yi.", "Vergangenen Monat", "2025-01-15", OCC, "2024-12"),
    ("Diesen Monat soll ein Treffen stattfinden.", "Diesen Monat", "2025-01-15", PLAN, "2025-01"),
    ("In diesem Monat soll ein Treffen stattfinden.", "In diesem Monat", "2025-01", PLAN, "2025-01"),
    ("Nächsten Monat soll ein Treffen stattfinden.", "Nächsten Monat", "2024-12-10", PLAN, "2025-01"),
    ("Ende des Monats trifft er Modi.", "Ende des Monats", "2025-01-15", PLAN, "2025-01"),
    ("Anfang des Monats traf er Modi.", "Anfang des Monats", "2025-01-15", OCC, "2025-01"),
    ("Mitte des Monats traf er Modi.", "Mitte des Monats", "2025-01-15", OCC, "2025-01"),
    ("Anfang nächsten Monats trifft er Modi.", "Anfang nächsten Monats", "2025-01-15", PLAN, "2025-02"),
    # year end and start
    ("Zum Jahresende hatten sie telefoniert.", "Zum Jahresende", "2025-02-12", OCC, "2024-12"),
    ("Zum Jahresende wollen sie telefonieren.", "Zum Jahresende", "2025-02-12", PLAN, "2025-12"),
    ("Ende des Jahres soll ein Gipfel stattfinden.", "Ende des Jahres", "2025-06-10", PLAN, "2025-12"),
    ("Ende des Jahres trafen sie sich.", "Ende des Jahres", "2025-01", OCC, "2024-12"),
    ("Ende letzten Jahres trafen sie sich.", "Ende letzten Jahres", "2025-06-10", OCC, "2024-12"),
    ("Zum Jahreswechsel telefonierten sie.", "Zum Jahreswechsel", "2025-01-05", OCC, "2024-12"),
    ("Anfang des Jahres reiste er nach Delhi.", "Anfang des Jahres", "2025-06-10", OCC, "2025-01"),
    ("Anfang nächsten Jahres reist er nach Delhi.", "Anfang nächsten Jahres", "2025-06-10", PLAN, "2026-01"),
    ("Ende 2024 trafen sie sich in Rom.", "Ende 2024", None, OCC, "2024-12"),
    ("Anfang 2023 trafen sie sich in Rom.", "Anfang 2023", None, OCC, "2023-01"),
    # the coming days: the publication month
    (
        "In den kommenden Tagen soll es Gespräche geben.",
        "In den kommenden Tagen",
        "2025-02-12",
        PLAN,
        "2025-02",
    ),
    ("In den nächsten Tagen soll es Gespräche geben.", "In den nächsten Tagen", "2025-02", PLAN, "2025-02"),
    ("In Kürze soll es Gespräche geben.", "In Kürze", "2025-02-26", PLAN, "2025-02"),
    ("In den vergangenen Tagen gab es Gespräche.", "In den vergangenen Tagen", "2025-02-12", OCC, "2025-02"),
    # leap years and month ends
    ("Am 29. Februar trafen sie sich.", "Am 29. Februar", "2024-03-01", OCC, "2024-02-29"),
    ("Am 29.02. trafen sie sich.", "Am 29.02.", "2024-03-10", OCC, "2024-02-29"),
    ("Ende Februar trafen sie sich.", "Ende Februar", "2024-03-01", OCC, "2024-02"),
    ("Am 31. Dezember telefonierten sie.", "Am 31. Dezember", "2025-01-02", OCC, "2024-12-31"),
]


@pytest.mark.parametrize(
    ("sentence", "text", "publication", "planned", "expected"),
    RESOLUTION_CASES,
    ids=[f"{c[1]}|{c[2]}|{'plan' if c[3] else 'occ'}" for c in RESOLUTION_CASES],
)
def test_resolution(sentence, text, publication, planned, expected):
    expr = _expr(sentence, text)
    assert _iso(expr.resolve(_pub(publication), planned)) == expected


# --------------------------------------------------------------------------------------
# Kinds
# --------------------------------------------------------------------------------------

KIND_CASES = [
    ("Am 15.02.2025 trafen sie sich.", "Am 15.02.2025", "absolute_day"),
    ("Am 15. Februar trafen sie sich.", "Am 15. Februar", "absolute_day"),
    ("Am Samstag (15.02.2025) trafen sie sich.", "Am Samstag (15.02.2025)", "absolute_day"),
    ("Im Februar trafen sie sich.", "Im Februar", "absolute_month"),
    ("Mitte Februar trafen sie sich.", "Mitte Februar", "part_of_month"),
    ("Ende des Monats treffen sie sich.", "Ende des Monats", "part_of_month"),
    ("Am Samstag trafen sie sich.", "Am Samstag", "weekday"),
    ("Am Wochenende trafen sie sich.", "Am Wochenende", "weekday"),
    ("Gestern trafen sie sich.", "Gestern", "relative_day"),
    ("Am Vortag trafen sie sich.", "Am Vortag", "relative_day"),
    (
        "Zwei Tage nach den Genfer Gesprächen folgt ein Treffen.",
        "Zwei Tage nach den Genfer Gesprächen",
        "after_event",
    ),
    ("Nächste Woche treffen sie sich.", "Nächste Woche", "relative_week"),
    ("Im kommenden Monat treffen sie sich.", "Im kommenden Monat", "relative_month"),
    ("Zum Jahresende treffen sie sich.", "Zum Jahresende", "year_end"),
    ("Anfang des Jahres trafen sie sich.", "Anfang des Jahres", "year_start"),
    ("In den kommenden Tagen treffen sie sich.", "In den kommenden Tagen", "coming_days"),
    ("In den vergangenen Tagen trafen sie sich.", "In den vergangenen Tagen", "recent_days"),
    ("Bald treffen sie sich.", "Bald", "vague"),
    ("Im Jahr 2023 trafen sie sich.", "Im Jahr 2023", "year"),
]


@pytest.mark.parametrize(("sentence", "text", "kind"), KIND_CASES, ids=[c[1] for c in KIND_CASES])
def test_kind(sentence, text, kind):
    assert _expr(sentence, text).kind == kind


# --------------------------------------------------------------------------------------
# Vague expressions and years are found but do not resolve
# --------------------------------------------------------------------------------------

UNRESOLVABLE_CASES = [
    ("Ein Treffen soll in naher Zukunft stattfinden.", "in naher Zukunft", "vague"),
    ("Demnächst soll ein Treffen stattfinden.", "Demnächst", "vague"),
    ("Man werde sich bald treffen.", "bald", "vague"),
    ("Später telefonierte er mit Macron.", "Später", "vague"),
    ("Im Sommer soll ein Gipfel stattfinden.", "Im Sommer", "vague"),
    ("In den kommenden Wochen sollen Gespräche folgen.", "In den kommenden Wochen", "vague"),
    ("Zu einem späteren Zeitpunkt wollen sie reden.", "Zu einem späteren Zeitpunkt", "vague"),
    ("Vor kurzem trafen sie sich.", "Vor kurzem", "vague"),
    ("Sie trafen sich 2024 in Rom.", "2024", "year"),
    ("Im Jahr 2023 trafen sie sich.", "Im Jahr 2023", "year"),
    ("Im vergangenen Jahr trafen sie sich.", "Im vergangenen Jahr", "year"),
    ("Mitte des Jahres soll es ein Treffen geben.", "Mitte des Jahres", "vague"),
]


@pytest.mark.parametrize(
    ("sentence", "text", "kind"), UNRESOLVABLE_CASES, ids=[c[1] for c in UNRESOLVABLE_CASES]
)
@pytest.mark.parametrize("planned", [False, True])
def test_vague_and_years_do_not_resolve(sentence, text, kind, planned):
    expr = _expr(sentence, text)
    assert expr.kind == kind
    assert expr.resolve(_pub("2025-02-12"), planned, date(2025, 2, 1)) is None


# --------------------------------------------------------------------------------------
# No publication date
# --------------------------------------------------------------------------------------

NO_PUBLICATION_CASES = [
    ("Am Samstag trafen sie sich.", "Am Samstag", None),
    ("Gestern trafen sie sich.", "Gestern", None),
    ("Am 15.02. trafen sie sich.", "Am 15.02.", None),
    ("Am 15. Februar trafen sie sich.", "Am 15. Februar", None),
    ("Im Februar trafen sie sich.", "Im Februar", None),
    ("Nächste Woche treffen sie sich.", "Nächste Woche", None),
    ("In den kommenden Tagen treffen sie sich.", "In den kommenden Tagen", None),
    ("Zum Jahresende treffen sie sich.", "Zum Jahresende", None),
    ("Am 15.02.2025 trafen sie sich.", "Am 15.02.2025", "2025-02-15"),
    ("Am 15. Februar 2025 trafen sie sich.", "Am 15. Februar 2025", "2025-02-15"),
    ("Im Februar 2025 trafen sie sich.", "Im Februar 2025", "2025-02"),
    ("Am Samstag (15.02.2025) trafen sie sich.", "Am Samstag (15.02.2025)", "2025-02-15"),
]


@pytest.mark.parametrize(
    ("sentence", "text", "expected"), NO_PUBLICATION_CASES, ids=[c[1] for c in NO_PUBLICATION_CASES]
)
def test_without_publication_date(sentence, text, expected):
    assert _iso(_expr(sentence, text).resolve(None, False)) == expected


# --------------------------------------------------------------------------------------
# Anchored expressions
# --------------------------------------------------------------------------------------

ANCHOR_CASES = [
    (
        "Zwei Tage nach den Genfer Gesprächen folgt ein Nato-Treffen.",
        "Zwei Tage nach den Genfer Gesprächen",
        date(2022, 1, 10),
        "2022-01-12",
    ),
    (
        "Eine Woche nach dem Treffen telefonierten sie.",
        "Eine Woche nach dem Treffen",
        date(2025, 1, 28),
        "2025-02-04",
    ),
    (
        "Zwei Tage vor dem Gipfel trafen sie sich.",
        "Zwei Tage vor dem Gipfel",
        date(2025, 6, 24),
        "2025-06-22",
    ),
    ("Drei Tage später reiste er nach Riad.", "Drei Tage später", date(2025, 2, 27), "2025-03-02"),
    ("Am Tag nach dem Treffen flog er ab.", "Am Tag nach dem Treffen", date(2024, 12, 31), "2025-01-01"),
    ("14 Tage nach der Wahl trafen sie sich.", "14 Tage nach der Wahl", date(2024, 2, 20), "2024-03-05"),
]


@pytest.mark.parametrize(
    ("sentence", "text", "anchor", "expected"), ANCHOR_CASES, ids=[c[1] for c in ANCHOR_CASES]
)
def test_after_event_needs_anchor(sentence, text, anchor, expected):
    expr = _expr(sentence, text)
    assert expr.kind == "after_event"
    publication = _pub("2025-02-12")
    assert _iso(expr.resolve(publication, True, anchor)) == expected
    assert expr.resolve(publication, True) is None
    assert expr.resolve(None, False, None) is None


END_CASES = [
    ("Die Gespräche finden am 9. und 10. Januar in Genf statt.", "am 9. und 10. Januar", "2024-01-10"),
    ("Die Konferenz läuft vom 9. bis 11. Juli.", "vom 9. bis 11. Juli", "2024-07-11"),
    ("Am 9., 10. und 11. März tagt der Rat.", "Am 9., 10. und 11. März", "2024-03-11"),
    (
        "Der Besuch vom 30. Dezember bis 2. Januar 2025 endete in Lwiw.",
        "vom 30. Dezember bis 2. Januar 2025",
        "2025-01-02",
    ),
    ("Die Runde am 15.-17.02.2025 in Riad war lang.", "am 15.-17.02.2025", "2025-02-17"),
    ("Er traf sie am 15. Februar 2024.", "am 15. Februar 2024", "2024-02-15"),
    ("Im Februar 2024 trafen sie sich.", "Im Februar 2024", "2024-02"),
]


@pytest.mark.parametrize(("sentence", "text", "expected"), END_CASES, ids=[c[1] for c in END_CASES])
def test_resolve_end_gives_the_last_day_of_multi_day_events(sentence, text, expected):
    assert _iso(_expr(sentence, text).resolve_end(_pub("2024-06-01"), True)) == expected


def test_anchor_from_the_end_of_a_multi_day_event():
    talks = _expr("Die Gespräche finden am 9. und 10. Januar in Genf statt.", "am 9. und 10. Januar")
    publication = _pub("2022-01-05")
    assert _iso(talks.resolve(publication, True)) == "2022-01-09"
    last_day = talks.resolve_end(publication, True)
    after = _expr(
        "Zwei Tage nach den Genfer Gesprächen tagt der Rat.", "Zwei Tage nach den Genfer Gesprächen"
    )
    assert _iso(after.resolve(publication, True, last_day.value)) == "2022-01-12"


def test_event_relative_days_prefer_the_anchor():
    expr = _expr("Am Vortag hatte er Tusk getroffen.", "Am Vortag")
    publication = _pub("2025-02-12")
    assert _iso(expr.resolve(publication, False, date(2025, 2, 5))) == "2025-02-04"
    assert _iso(expr.resolve(publication, False)) == "2025-02-11"
    after = _expr("Tags darauf reiste er weiter.", "Tags darauf")
    assert _iso(after.resolve(publication, False, date(2025, 2, 5))) == "2025-02-06"


def test_deictic_days_ignore_the_anchor():
    expr = _expr("Gestern traf er Tusk.", "Gestern")
    assert _iso(expr.resolve(_pub("2025-02-12"), False, date(2024, 5, 5))) == "2025-02-11"


# --------------------------------------------------------------------------------------
# Spans
# --------------------------------------------------------------------------------------

SPAN_CASES = [
    ("Die Gespräche finden am 9. und 10. Januar in Genf statt.", ["am 9. und 10. Januar"]),
    ("Beide telefonierten am Samstag (15.02.2025) und vereinbarten Gespräche.", ["am Samstag (15.02.2025)"]),
    ("Am Freitag vergangener Woche trafen sie sich.", ["Am Freitag vergangener Woche"]),
    ("Heute Morgen trafen sie sich, morgen folgt ein Telefonat.", ["Heute Morgen", "morgen"]),
    ("Sie treffen sich am Montag um 13 Uhr in Berlin.", ["am Montag"]),
    # boundary prepositions stay outside the span
    ("Seit dem 24. Februar 2022 herrscht Krieg.", ["dem 24. Februar 2022"]),
    ("Seit August verhandeln sie.", ["August"]),
    ("Bis Ende des Monats soll eine Einigung stehen.", ["Ende des Monats"]),
    ("Seit 2014 gibt es Spannungen.", ["2014"]),
    ("Ab Montag gelten neue Regeln.", ["Montag"]),
    ("Baerbock reist am Donnerstag und Freitag nach Kiew und Moskau.", ["am Donnerstag", "Freitag"]),
    ("Im März 2024 und im Mai trafen sie sich wieder.", ["Im März 2024", "im Mai"]),
]


@pytest.mark.parametrize(("sentence", "texts"), SPAN_CASES, ids=[c[0][:40] for c in SPAN_CASES])
def test_spans(sentence, texts):
    assert [e.text for e in find_date_expressions(sentence)] == texts


NOT_A_DATE = [
    "Die Sitzung beginnt um 13 Uhr.",
    "Die Pressekonferenz begann um 15.30 Uhr im Kanzleramt.",
    "Das Spiel endete 2:1 nach Verlängerung.",
    "Er kam am 3. Danach ging er wieder.",
    "August Hanning sprach mit Journalisten.",
    "Kapitel 7.2. regelt die Einzelheiten.",
    "Der Bundestag debattierte über den Vertrag.",
    "Die heutige Ukraine ist ein souveräner Staat.",
    "Am Morgen traf er Journalisten.",
    "Die Lage änderte sich von heute auf morgen.",
    "Mehr als 1.500 Soldaten wurden verlegt.",
    "Sie treffen sich samstags im Büro.",
    "Die Beamten treffen sich einmal im Monat.",
    "Woche für Woche wird weiter verhandelt.",
    "Die Außenminister sprachen in Brüssel über Sanktionen.",
    "",
]


@pytest.mark.parametrize("sentence", NOT_A_DATE)
def test_not_a_date(sentence):
    assert find_date_expressions(sentence) == []


# --------------------------------------------------------------------------------------
# Invariants over every sentence above
# --------------------------------------------------------------------------------------

ALL_SENTENCES = sorted(
    {c[0] for c in RESOLUTION_CASES}
    | {c[0] for c in KIND_CASES}
    | {c[0] for c in UNRESOLVABLE_CASES}
    | {c[0] for c in NO_PUBLICATION_CASES}
    | {c[0] for c in ANCHOR_CASES}
    | {c[0] for c in END_CASES}
    | {c[0] for c in SPAN_CASES}
    | set(NOT_A_DATE)
    | {
        "Die Minister trafen sich am 15.02.2025 in Riad, telefonierten am Samstag und wollen sich "
        "in den kommenden Tagen, spätestens aber Ende des Monats, erneut treffen.",
        " date 2025-01 Eine Woche nach der Vereidigung telefonierte sie mit ihm.",
    }
)


@pytest.mark.parametrize("sentence", ALL_SENTENCES)
def test_offsets_order_and_kinds(sentence):
    found = find_date_expressions(sentence)
    previous_end = 0
    for e in found:
        assert sentence[e.start : e.end] == e.text
        assert e.text == e.text.strip() and e.text
        assert e.start >= previous_end, "expressions overlap or are out of order"
        assert e.kind in EXPRESSION_KINDS
        previous_end = e.end


@pytest.mark.parametrize("sentence", ALL_SENTENCES)
def test_gating_loses_nothing(sentence):
    """The cheap word scan that decides which patterns run must not hide any match."""
    assert [(e.start, e.end, e.kind) for e in find_date_expressions(sentence)] == _find_ungated(sentence)


def test_offsets_in_a_longer_text():
    text = (
        "Berlin. Am Montag telefonierte Scholz mit Macron. Für den 3. März ist ein Treffen in Paris geplant."
    )
    found = find_date_expressions(text)
    assert [e.text for e in found] == ["Am Montag", "den 3. März"]
    assert [text[e.start : e.end] for e in found] == ["Am Montag", "den 3. März"]
    assert found[0].start == text.index("Am Montag")
