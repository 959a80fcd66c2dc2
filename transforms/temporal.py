"""German time expressions: find them in a sentence and resolve them to a date.

Pure standard library; every regular expression is compiled once at import time.

Two steps, so the caller can decide which expression belongs to which contact:

* ``find_date_expressions(text)`` returns the time expressions of a text in text order,
  non-overlapping (the longest candidate wins, ties go to the more specific pattern).
  A text without any date-like word costs a single regex scan. Spans include "am", "vom",
  "im", "Anfang"/"Mitte"/"Ende" and modifiers, but not the prepositions that make an
  expression the boundary of a time span ("seit", "bis", "ab", "von", "für"): "seit dem
  24. Februar 2022" gives "dem 24. Februar 2022", so the caller can see the "seit".
* ``DateExpression.resolve(publication, planned, anchor)`` turns one expression into a
  ``ResolvedDate`` (day or month precision) or ``None`` when the text does not pin the
  time down (vague words, a year alone, a relative expression without a publication date).

Resolution rules (see the evaluation SCHEMA):

* Weekdays ("am Samstag") point back for occurred events (``planned=False``) and forward
  for planned ones. Occurred events may fall on the publication day itself (news of the
  day say "am Samstag" for today); a planned plain weekday is strictly after the
  publication day. "an diesem Montag" may be the publication day in both directions;
  "vergangenen"/"kommenden" exclude it. With a month-precision publication date every
  day-level relative expression resolves to the publication month (month precision).
* Absolute dates without a year take the year that puts them closest to the publication
  date in the direction of ``planned`` (past for occurred, future for planned) unless
  that is more than about six months away; then the other direction is used.
* Week expressions ("nächste Woche", "Ende der Woche") have no single day: they resolve
  to the month (month precision) of the day they point at.
* ``after_event`` expressions ("zwei Tage nach dem Treffen", "eine Woche später") need an
  ``anchor`` date (the date of the event they refer to); without one they give ``None``.
  Their offset may be negative ("zwei Tage vor dem Gipfel"). Event-relative days ("am
  Vortag", "tags darauf") use the anchor when given, else the publication date.
* Multi-day events resolve to their first day; ``resolve_end`` gives the last one
  ("am 9. und 10. Januar": 10 January), useful as the anchor of "zwei Tage nach den
  Gesprächen".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from transforms.frozen import fast_init
from transforms.patterns import trie_regex

__all__ = [
    "DateExpression",
    "EXPRESSION_KINDS",
    "Precision",
    "PublicationDate",
    "ResolvedDate",
    "find_date_expressions",
    "parse_publication_marker",
]

Precision = Literal["day", "month"]

EXPRESSION_KINDS = (
    "absolute_day",  # 15.02.2025, am 15. Februar, vom 9. bis 11. Juli, am Samstag (15.02.2025)
    "absolute_month",  # im Februar, im Februar 2025, Februar 2022
    "part_of_month",  # Anfang/Mitte/Ende Februar, Ende des Monats
    "weekday",  # am Samstag, am kommenden Montag, am Wochenende, Freitag vergangener Woche
    "relative_day",  # heute, gestern, am Vortag, vor zwei Tagen, am heutigen Dienstag
    "after_event",  # zwei Tage nach den Gesprächen, eine Woche später (needs an anchor)
    "relative_week",  # nächste Woche, Anfang der Woche, in dieser Woche
    "relative_month",  # diesen Monat, im kommenden Monat, vor einem Monat
    "year_end",  # zum Jahresende, Ende des Jahres, Ende letzten Jahres, zum Jahreswechsel
    "year_start",  # Anfang des Jahres, zu Jahresbeginn, Anfang 2025
    "coming_days",  # in den kommenden Tagen, in Kürze
    "recent_days",  # in den vergangenen Tagen, vor wenigen Tagen
    "vague",  # bald, demnächst, in naher Zukunft, später, im Sommer (resolves to None)
    "year",  # 2024, im Jahr 2023, im vergangenen Jahr (resolves to None)
)


# --------------------------------------------------------------------------------------
# Public data types
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublicationDate:
    value: date  # for month precision: the 1st of that month
    precision: Precision


@fast_init
@dataclass(frozen=True, slots=True)
class ResolvedDate:
    value: date  # month precision: 1st of month
    precision: Precision

    def iso(self) -> str:
        if self.precision == "day":
            return self.value.isoformat()
        return f"{self.value.year:04d}-{self.value.month:02d}"


@fast_init
@dataclass(frozen=True, slots=True)
class DateExpression:
    start: int  # character offsets into the text passed to find_date_expressions
    end: int
    text: str
    kind: str
    # Private resolution recipe: an operation name and its arguments.
    _op: str = field(default="none", repr=False, compare=False)
    _args: tuple = field(default=(), repr=False, compare=False)

    def resolve(
        self, publication: PublicationDate | None, planned: bool, anchor: date | None = None
    ) -> ResolvedDate | None:
        try:
            return _RESOLVERS[self._op](self._args, publication, planned, anchor)
        except (ValueError, OverflowError):  # arithmetic beyond year 1..9999
            return None

    def resolve_end(
        self, publication: PublicationDate | None, planned: bool, anchor: date | None = None
    ) -> ResolvedDate | None:
        """Like ``resolve``, but the last day of a multi-day event ("am 9. und 10. Januar"
        gives 10 January), e.g. as the anchor of "zwei Tage nach den Gesprächen"."""
        return self._end_from(self.resolve(publication, planned, anchor))

    def resolve_with_end(
        self, publication: PublicationDate | None, planned: bool, anchor: date | None = None
    ) -> tuple[ResolvedDate | None, ResolvedDate | None]:
        """``(resolve(...), resolve_end(...))``, resolving the expression once."""
        start = self.resolve(publication, planned, anchor)
        return start, self._end_from(start)

    def _end_from(self, start: ResolvedDate | None) -> ResolvedDate | None:
        end = self._args[-1] if self._op in ("ymd", "md") else None
        if start is None or end is None:
            return start
        years_later, month, day = end
        try:
            last = date(start.value.year + years_later, month, day)
        except ValueError:
            return start
        return ResolvedDate(last, "day") if last > start.value else start


_MARKER_VALUE = re.compile(r"(?:date\s+)?([0-9]{4})-([0-9]{1,2})(?:-([0-9]{1,2}))?")
_MONTH_NAMES_DE = (
    "", "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
    "August", "September", "Oktober", "November", "Dezember",
)  # fmt: skip


def parse_publication_marker(value: str) -> PublicationDate:
    """Parse ``YYYY-MM`` or ``YYYY-MM-DD`` (a leading ``date `` is tolerated)."""
    if not isinstance(value, str):
        raise ValueError(f"publication date must be a string, got {type(value).__name__}")
    m = _MARKER_VALUE.fullmatch(value.strip())
    if not m:
        raise ValueError(f"expected YYYY-MM or YYYY-MM-DD, got {value!r}")
    year, month = int(m.group(1)), int(m.group(2))
    if year < 1:
        raise ValueError(f"year {year} is out of range")
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is out of range 1-12 in {value!r}")
    if m.group(3) is None:
        return PublicationDate(date(year, month, 1), "month")
    day = int(m.group(3))
    try:
        return PublicationDate(date(year, month, day), "day")
    except ValueError:
        raise ValueError(f"day {day} does not exist in {_MONTH_NAMES_DE[month]} {year} ({value!r})") from None


# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------

_MONTH_WORDS = {
    "januar": 1, "jänner": 1, "jaenner": 1, "jan": 1,
    "februar": 2, "feber": 2, "feb": 2, "febr": 2,
    "märz": 3, "maerz": 3, "mär": 3, "mrz": 3,
    "april": 4, "apr": 4,
    "mai": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "okt": 10,
    "november": 11, "nov": 11,
    "dezember": 12, "dez": 12,
}  # fmt: skip
_MONTH_FULL = ["Januar", "Jänner", "Jaenner", "Februar", "Feber", "März", "Maerz", "April", "Mai",
               "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"]  # fmt: skip
_MONTH_ABBR = ["Jan", "Feb", "Febr", "Mär", "Mrz", "Apr", "Jun", "Jul", "Aug", "Sept", "Sep",
               "Okt", "Nov", "Dez"]  # fmt: skip


def _alt(words: list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


# A month name in any position: full name, or abbreviation (the dot belongs to the match).
_MONTH_ANY = rf"(?:(?:{_alt(_MONTH_FULL)})\b|(?:{_alt(_MONTH_ABBR)})(?:\.|\b))"
# Without a day number in front, abbreviations need their dot.
_MONTH_STANDALONE = rf"(?:(?:{_alt(_MONTH_FULL)})\b|(?:{_alt(_MONTH_ABBR)})\.)"

_WEEKDAYS = {
    "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3,
    "freitag": 4, "samstag": 5, "sonnabend": 5, "sonntag": 6,
}  # fmt: skip
_WD_ALT = "Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonnabend|Sonntag"

_NUMBER_WORDS = {
    "ein": 1, "eine": 1, "einen": 1, "einem": 1, "einer": 1, "eins": 1,
    "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8,
    "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14,
    "fünfzehn": 15, "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19,
    "zwanzig": 20, "dreißig": 30,
}  # fmt: skip
_NUM = (
    r"(?:\d{1,3}|(?i:ein(?:e[mnr]?|s)?|zwei|dreizehn|drei|vierzehn|vier|fünfzehn|fünf|"
    r"sechzehn|sechs|siebzehn|sieben|achtzehn|acht|neunzehn|neun|zehn|elf|zwölf|zwanzig|dreißig))"
)
_APPROX = r"(?:(?:knapp|gut|fast|rund|etwa|ungefähr|genau|exakt|nur|erst|bereits|schon|mehr\s+als)\s+)"


def _number(word: str) -> int:
    word = word.lower()
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MON_NUM = r"(?:0?[1-9]|1[0-2])"
_YEAR4 = r"(?:19|20)\d{2}"
_RANGE_SEP = r"\s*(?:,|und|&|bis(?:\s+(?:zum|einschließlich))?|–|—|-|/)\s*"

# Relative-year modifiers ("letzten Jahres", "des kommenden Jahres").
_YEAR_MOD = r"(?:dieses|diesen|laufenden|letzten|vergangenen|vorigen|kommenden|nächsten|folgenden)"
_YEAR_MOD_OFFSET = {
    "dieses": 0, "diesen": 0, "laufenden": 0,
    "letzten": -1, "vergangenen": -1, "vorigen": -1,
    "kommenden": 1, "nächsten": 1, "folgenden": 1,
}  # fmt: skip
# Year tail after a month or day: "2025", "letzten Jahres", "des Jahres 2025", "des Vorjahres".
_YEAR_TAIL = (
    rf"(?:\s+(?P<y>{_YEAR4})(?!\d)"
    rf"|\s+(?P<ymod>{_YEAR_MOD})\s+Jahres\b"
    rf"|\s+des\s+(?:(?P<ymod2>{_YEAR_MOD})\s+)?Jahres\b(?:\s+(?P<y2>{_YEAR4})(?!\d))?"
    r"|\s+des\s+(?P<vorj>Vorjahres)\b)?"
)

_TOD_SUFFIX = r"(?:früh|morgen|vormittag|mittag|nachmittag|abend|nacht)"
_TOD_WORD = r"(?:früh|[Mm]orgen|[Vv]ormittag|[Mm]ittag|[Nn]achmittag|[Aa]bend|[Nn]acht)"

_MOD_THIS = r"[Dd]iese[mnrs]?"
_MOD_NEXT = r"[Kk]ommende[mnrs]?|[Nn]ächste[mnrs]?|[Ff]olgende[mnrs]?"
_MOD_PREV = r"[Vv]ergangene[mnrs]?|[Ll]etzte[mnrs]?|[Vv]orige[mnrs]?"
_MOD_ANY = rf"(?:{_MOD_THIS}|[Ll]aufende[mnrs]?|{_MOD_NEXT}|{_MOD_PREV})"


def _mod_offset(word: str | None) -> int | None:
    """-1 / 0 / +1 for a past / this / next modifier, None for no modifier."""
    if not word:
        return None
    w = word.lower()
    if w.startswith(("dies", "laufend")):
        return 0
    if w.startswith(("kommend", "nächst", "folgend")):
        return 1
    return -1


def _ng(pattern: str) -> str:
    """The same pattern with its named groups made anonymous (for embedding)."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


# --------------------------------------------------------------------------------------
# Patterns. Each handler returns (kind, op, args) or None to reject the match.
# --------------------------------------------------------------------------------------

_Result = tuple[str, str, tuple] | tuple[str, str, tuple, int] | None

_DATE_PREFIX = r"(?:(?:[Aa]m|[Vv]om|[Zz]um|[Dd]em|[Dd]en)\s+)?"

# "15.02.2025", "15.2.2025", "15.02.", "15.-17.02.2025", "15.02.25"
_NUM_CORE = (
    rf"(?<![\d.,/:])(?P<nd>{_DAY})\.\s?(?:(?P<nm0>{_MON_NUM})\.\s?)?"
    rf"(?:\s*(?:–|—|-|/|bis|und)\s*(?P<nd2>{_DAY})\.\s?)?"
    rf"(?P<nm>{_MON_NUM})\.(?:\s?(?P<ny>{_YEAR4})|(?P<ny2>\d{{2}}))?(?![\d])"
)
# "2025-02-15"
_ISO_CORE = rf"(?<![\d-])(?P<iy>{_YEAR4})-(?P<im>0[1-9]|1[0-2])-(?P<id>0[1-9]|[12]\d|3[01])(?![\d])"
# "15. Februar", "9. und 10. Januar", "vom 30. Juni bis 2. Juli 2025", "15. Feb. 2025"
_DM_CORE = (
    rf"(?<![\d.])(?P<d1>{_DAY})\.(?:{_RANGE_SEP}(?:dem\s+|den\s+)?(?P<dl>{_DAY})\.)*\s*(?P<m1>{_MONTH_ANY})"
    rf"(?:{_RANGE_SEP}(?:dem\s+|den\s+)?(?P<dx>{_DAY})\.\s*(?P<m2>{_MONTH_ANY}))?" + _YEAR_TAIL
)


def _month_of(word: str) -> int:
    return _MONTH_WORDS[word.rstrip(".").lower()]


def _valid(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def _year_tail(m: re.Match) -> tuple[int | None, int | None]:
    """(explicit year, relative year offset) from a _YEAR_TAIL match."""
    if m.group("y"):
        return int(m.group("y")), None
    if m.group("y2"):
        return int(m.group("y2")), None
    if m.group("ymod"):
        return None, _YEAR_MOD_OFFSET[m.group("ymod")]
    if m.group("vorj"):
        return None, -1
    if m.group("ymod2"):
        return None, _YEAR_MOD_OFFSET[m.group("ymod2")]
    return None, None


def _day_result(
    year: int | None, month: int, day: int, offset: int | None, end: tuple[int, int, int] | None = None
) -> _Result:
    """``end``: the last day of a multi-day event as (years after the first day, month, day)."""
    if year is not None:
        if not _valid(year, month, day):
            return None
        return ("absolute_day", "ymd", (year, month, day, end))
    if not _valid(2024, month, day):  # 2024 is a leap year: accepts 29 February
        return None
    return ("absolute_day", "md", (month, day, offset, end))


# "Kapitel 7.2.", "Artikel 3.1.": section numbers, not dates.
_SECTION_BEFORE = re.compile(
    r"(?:Kapitel|Artikel|Art\.|Absatz|Abs\.|Abschnitt|Paragrafe?n?|Paragraphe?n?|§|Nr\.|Nummer|Ziffer|"
    r"Punkt|Version|Tabelle|Abbildung|Abb\.|Seite|S\.)\s*\Z"
)


def _h_numeric(m: re.Match) -> _Result:
    if _SECTION_BEFORE.search(m.string, max(0, m.start() - 12), m.start()):
        return None
    day = int(m.group("nd"))
    month_end = int(m.group("nm"))
    month = int(m.group("nm0")) if m.group("nm0") else month_end
    year = None
    if m.group("ny"):
        year = int(m.group("ny"))
    elif m.group("ny2"):
        year = 2000 + int(m.group("ny2"))
    if year is not None and month > month_end:  # 30.12.-2.1.2025
        year -= 1
    end = None
    if m.group("nd2"):
        end = (1 if month > month_end else 0, month_end, int(m.group("nd2")))
    return _day_result(year, month, day, None, end)


def _h_iso(m: re.Match) -> _Result:
    return _day_result(int(m.group("iy")), int(m.group("im")), int(m.group("id")), None)


def _h_day_month(m: re.Match) -> _Result:
    day = int(m.group("d1"))
    month = _month_of(m.group("m1"))
    year, offset = _year_tail(m)
    end = (0, month, int(m.group("dl"))) if m.group("dl") else None
    if m.group("m2"):
        month_end = _month_of(m.group("m2"))
        end = (1 if month > month_end else 0, month_end, int(m.group("dx")))
        if month > month_end:  # "30. Dezember bis 2. Januar 2025" starts in 2024
            if year is not None:
                year -= 1
            elif offset is not None:
                offset -= 1
    return _day_result(year, month, day, offset, end)


_DATE_PARSERS = [
    (re.compile(_ISO_CORE), _h_iso),
    (re.compile(_NUM_CORE), _h_numeric),
    (re.compile(_DM_CORE), _h_day_month),
]


def _parse_date_text(s: str) -> _Result:
    for rx, handler in _DATE_PARSERS:
        m = rx.search(s)
        if m:
            return handler(m)
    return None


# Weekday, with modifiers, time-of-day and "... vergangener Woche".
_WD_CORE = (
    r"(?:(?:[Aa]m|[Aa]n)\s+)?"
    rf"(?:(?P<mod>{_MOD_THIS}|{_MOD_NEXT}|{_MOD_PREV})\s+)?"
    rf"\b(?P<wd>{_WD_ALT})(?:{_TOD_SUFFIX})?\b(?:\s+{_TOD_WORD}\b)?"
)
_WD_WEEK = (
    r"(?:\s+(?:der\s+|in\s+der\s+|in\s+)?(?P<wk>(?i:vergangene|vorige|letzte|kommende|nächste|diese|laufende|"
    r"folgende)[nr]?)\s+Woche\b)?"
)
_DATE_ANY_NG = _ng(rf"(?:{_ISO_CORE}|{_NUM_CORE}|{_DM_CORE})")
# "am Samstag (15.02.2025)", "am Montag, dem 17. Februar": one expression, resolved by the date.
_WD_DATE_TAIL = re.compile(
    rf"\s*\(\s*(?:den\s+|dem\s+)?(?P<pdate>{_DATE_ANY_NG})\s*\)"
    rf"|\s*,\s*(?:den\s+|dem\s+)?(?P<cdate>{_DATE_ANY_NG})"
)


def _h_weekday(m: re.Match) -> _Result:
    wd = _WEEKDAYS[m.group("wd").lower()]
    if m.group("wk"):
        return ("weekday", "wdw", (wd, _mod_offset(m.group("wk"))))
    tail = _WD_DATE_TAIL.match(m.string, m.end())
    if tail:
        parsed = _parse_date_text(tail.group("pdate") or tail.group("cdate"))
        if parsed is not None:
            return (*parsed, tail.end())
    offset = _mod_offset(m.group("mod"))
    mode = {None: "plain", 0: "this", 1: "next", -1: "prev"}[offset]
    return ("weekday", "wd", (wd, mode))


_WEEKEND = (
    r"(?:(?P<prep>[Aa]m|[Aa]n|[Üü]ber\s+das|[Üü]bers|[Zz]um|[Ff]ürs|[Ff]ür\s+das|[Dd]em)\s+)?"
    rf"(?:(?P<mod>{_MOD_THIS}|{_MOD_NEXT}|{_MOD_PREV})\s+)?"
    r"\bWochenende\b"
)


def _h_weekend(m: re.Match) -> _Result:
    if not (m.group("prep") or m.group("mod")):
        return None
    offset = _mod_offset(m.group("mod"))
    mode = {None: "plain", 0: "this", 1: "next", -1: "prev"}[offset]
    return ("weekday", "wd", (5, mode))


# heute, gestern, vorgestern, morgen, übermorgen (+ time of day)
_REL_DAY = (
    r"(?:(?<![Vv]on\s)(?<![Bb]is\s)\b(?P<w>[Hh]eute|[Gg]estern|[Vv]orgestern|[Üü]bermorgen)"
    r"|(?<![Vv]on\s)(?<![Aa]uf\s)(?<![Aa]m\s)(?<![Hh]eute\s)(?<![Gg]estern\s)\b(?P<tom>morgen)"
    r"|(?:^|(?<=[.!?:;]\s)|(?<=[\n„\"»“(]))(?P<tom2>Morgen))"
    rf"\b(?:\s+(?P<tod>{_TOD_WORD})\b)?"
)
_REL_DAY_OFFSET = {"heute": 0, "gestern": -1, "vorgestern": -2, "übermorgen": 2, "morgen": 1}


def _h_rel_day(m: re.Match) -> _Result:
    word = (m.group("w") or m.group("tom") or m.group("tom2")).lower()
    return ("relative_day", "rel", (_REL_DAY_OFFSET[word],))


# "am heutigen Dienstag", "beim gestrigen Treffen", "am morgigen Tag"
_EVENT_NOUNS = (
    r"Tag|Tage?s|Treffen|Treffens|Gespräch|Gesprächs|Gespräche[ns]?|Telefonat|Telefonats|Besuch|Besuchs|"
    r"Gipfel|Gipfels|Gipfeltreffen|Gipfeltreffens|Sitzung|Beratung(?:en)?|Verhandlung(?:en)?|"
    r"Termin|Termins|Konferenz|Zusammenkunft|Abend|Morgen|Vormittag|Nachmittag"
)
_REL_ADJ = (
    r"(?:(?:[Aa]m|[Bb]eim|[Dd]e[mnrs]|[Dd]ie|[Dd]as|[Ee]ine[mnrs]?|[Ss]eine[mnrs]?|[Ii]hre[mnrs]?)\s+)?"
    r"\b(?P<adj>[Hh]eutig|[Gg]estrig|[Mm]orgig)e[mnrs]?\s+"
    rf"(?P<noun>{_WD_ALT}|[A-ZÄÖÜ][\w-]*)\b"
)
_NOUN_OK = re.compile(rf"(?:(?:{_WD_ALT})(?:{_TOD_SUFFIX})?|{_EVENT_NOUNS})")


def _h_rel_adj(m: re.Match) -> _Result:
    adj = m.group("adj").lower()
    if adj == "heutig" and not _NOUN_OK.fullmatch(m.group("noun")):
        return None  # "die heutige Ukraine" means present-day, not today
    return ("relative_day", "rel", ({"heutig": 0, "gestrig": -1, "morgig": 1}[adj],))


# Event-relative days: "am Vortag", "am Vorabend", "am Tag zuvor", "tags darauf".
_EVT_DAY = (
    r"(?:(?:[Nn]och|[Bb]ereits|[Ss]chon)\s+)?"
    r"(?:(?P<m1>[Aa]m\s+(?:Vortag|Vorabend|Folgetag))\b"
    r"|(?P<m2>[Aa]m\s+(?:Tag|Abend)\s+(?:zuvor|davor|vorher))\b"
    r"|(?P<p1>[Aa]m\s+(?:nächsten|folgenden|darauffolgenden)\s+(?:Tag|Morgen)|[Aa]m\s+Tag\s+(?:darauf|danach))\b"
    r"|(?P<t>[Tt]ags\s+(?:zuvor|darauf|davor))\b"
    r"|(?P<z>(?:[Aa]m|[Aa]n)\s+(?:selben|gleichen|demselben)\s+(?:Tag|Abend|Morgen|Vormittag|Nachmittag))\b)"
)


def _h_evt_day(m: re.Match) -> _Result:
    if m.group("m1"):
        n = 1 if m.group("m1").endswith("Folgetag") else -1
    elif m.group("m2"):
        n = -1
    elif m.group("p1"):
        n = 1
    elif m.group("t"):
        n = 1 if m.group("t").endswith("darauf") else -1
    else:
        n = 0
    return ("relative_day", "evt", (n,))


# "vor zwei Tagen", "vor einer Woche", "vor einem Monat", "vor zwei Jahren"; "in drei Tagen"
_AGO = (
    rf"\b(?P<dir>[Vv]or|[Ii]n)\s+{_APPROX}?(?P<n>{_NUM})\s+"
    r"(?P<unit>Tag(?:en)?|Wochen?|Monat(?:en)?|Jahr(?:en)?)\b"
)


def _h_ago(m: re.Match) -> _Result:
    n = _number(m.group("n"))
    sign = -1 if m.group("dir").lower() == "vor" else 1
    unit = m.group("unit")
    if unit.startswith("Tag"):
        return ("relative_day", "rel", (sign * n,))
    if unit.startswith("Woche"):
        return ("relative_day", "rel", (sign * 7 * n,))
    if unit.startswith("Monat"):
        return ("relative_month", "mrel", (sign * n,))
    return ("year", "none", ())


# "zwei Tage nach den Genfer Gesprächen", "eine Woche später", "am Tag nach dem Treffen"
_NP = (
    r"(?:(?:de[mnrs]|die|das|eine[mnrs]?|seine[mnrs]?|ihre[mnrs]?|jene[mnrs]?|diese[mnrs]?)\s+)?"
    r"(?:[a-zäöüß][\w-]*\s+){0,2}"
    r"(?!Ort\b)(?:[A-ZÄÖÜ][\w-]*?er\s+[A-ZÄÖÜ][\w-]*|[A-ZÄÖÜ][\w-]*)"
)
_AFTER_EVENT = (
    rf"\b(?P<n>{_NUM})\s+(?P<unit>Tage?n?|Wochen?|Monate?n?)\s+"
    rf"(?:(?P<dir>nach|vor)\s+{_NP}|(?P<rel>später|danach|darauf|zuvor|davor|vorher|früher)\b)"
    rf"|\b(?P<am>[Aa]m\s+(?:Tag|Morgen|Abend)|[Aa]m\s+Vor(?:tag|abend))\s+(?P<dir2>nach|vor|des|der)\s+{_NP}"
)


def _h_after_event(m: re.Match) -> _Result:
    if m.group("am"):
        am = m.group("am")
        d2 = m.group("dir2")
        if "Vor" in am:
            if d2 not in ("des", "der"):
                return None
            return ("after_event", "after", (-1,))
        # "am Tag nach dem Treffen" +1, "am Abend vor dem Gipfel" -1, "am Tag des Gipfels" 0
        return ("after_event", "after", ({"nach": 1, "vor": -1}.get(d2, 0),))
    n = _number(m.group("n"))
    direction = m.group("dir") or m.group("rel")
    sign = 1 if direction in ("nach", "später", "danach", "darauf") else -1
    unit = m.group("unit")
    if unit.startswith("Monat"):
        return ("after_event", "after_m", (sign * n,))
    days = n * (7 if unit.startswith("Woche") else 1)
    return ("after_event", "after", (sign * days,))


# Weeks: "Anfang der Woche", "in dieser Woche", "nächste Woche", "Ende vergangener Woche"
_WEEK = (
    r"(?:(?:[Nn]och|[Ss]chon|[Bb]ereits)\s+)?"
    r"(?:(?P<part>[Aa]nfang|[Mm]itte|[Ee]nde|[Bb]eginn)\s+(?:der\s+)?"
    r"|(?P<laufe>[Ii]m\s+(?:Laufe|Verlauf))\s+(?:der\s+)?"
    r"|(?P<zu>[Zz]u\s+Beginn|[Aa]m\s+Anfang|[Aa]m\s+Ende)\s+(?:der\s+)?"
    r"|[Ii]n\s+der\s+|[Ii]n\s+(?=[Dd]ieser\s)|[Ff]ür\s+(?:die\s+)?|[Üü]ber\s+die\s+)?"
    rf"(?:(?P<mod>{_MOD_ANY})\s+)?"
    r"(?P<w>Woche|Vorwoche|Folgewoche)\b"
    r"|(?P<wm>(?:[Zz]ur\s+|[Ii]n\s+der\s+)?(?:Wochenmitte|Wochenbeginn|Wochenanfang))\b"
)
_PART_WEEKDAY = {"anfang": 0, "beginn": 0, "mitte": 2, "ende": 4}


def _h_week(m: re.Match) -> _Result:
    if m.group("wm"):
        wm = m.group("wm")
        return ("relative_week", "week", (0, 2 if wm.endswith("mitte") else 0))
    w = m.group("w")
    if w == "Vorwoche":
        offset = -1
    elif w == "Folgewoche":
        offset = 1
    else:
        offset = _mod_offset(m.group("mod"))
    part = m.group("part")
    pos = None
    if part:
        pos = _PART_WEEKDAY[part.lower()]
    elif m.group("zu"):
        pos = 4 if m.group("zu").endswith("Ende") else 0
    if offset is None:
        if pos is None and not m.group("laufe"):
            return None  # "in der Woche", "pro Woche": no reference point
        offset = 0
    return ("relative_week", "week", (offset, pos))


# Months: "diesen Monat", "im kommenden Monat", "Ende des Monats", "Anfang nächsten Monats"
_MONTH_REL = (
    r"(?:(?:[Nn]och|[Ss]chon|[Bb]ereits)\s+)?"
    r"(?:(?P<part>[Aa]nfang|[Mm]itte|[Ee]nde|[Bb]eginn)\s+(?:des\s+)?"
    r"|(?P<laufe>[Ii]m\s+(?:Laufe|Verlauf))\s+(?:des\s+)?"
    r"|(?P<zu>[Zz]u\s+Beginn|[Aa]m\s+Anfang|[Aa]m\s+Ende)\s+(?:des\s+)?"
    r"|[Ii]m\s+|[Ii]n\s+(?=[Dd]iesem\s))?"
    rf"(?:(?P<mod>{_MOD_ANY})\s+)?"
    r"(?P<w>Monats?|Vormonats?|Folgemonats?)\b"
    r"|(?P<mc>(?:[Zz]um\s+|[Aa]m\s+|[Zz]u\s+)?(?:Monatsende|Monatsanfang|Monatsbeginn|Monatsmitte))\b"
)


def _h_month_rel(m: re.Match) -> _Result:
    if m.group("mc"):
        return ("part_of_month", "mrel", (0,))
    w = m.group("w")
    if w.startswith("Vor"):
        offset = -1
    elif w.startswith("Folge"):
        offset = 1
    else:
        offset = _mod_offset(m.group("mod"))
    part = m.group("part") or m.group("zu")
    if offset is None:
        if not part and not m.group("laufe"):
            return None  # "einmal im Monat"
        offset = 0
    return ("part_of_month" if part else "relative_month", "mrel", (offset,))


# Year parts: "zum Jahresende", "Ende des Jahres", "Ende letzten Jahres", "Anfang 2025"
_YEAR_PART = (
    r"(?:[Nn]och\s+)?(?:(?:[Zz]um|[Aa]m|[Zz]u|[Uu]m\s+den|[Üü]ber\s+den|[Ii]m|[Zz]ur)\s+)?"
    r"(?:(?P<comp>Jahresende|Jahreswechsel|Jahresbeginn|Jahresanfang|Jahresmitte|Jahresschluss)\b"
    rf"(?:\s+(?P<cy>{_YEAR4})(?:/\d{{2,4}})?(?!\d))?"
    r"|(?P<part>[Aa]nfang|[Ee]nde|[Mm]itte|[Bb]eginn)\s+"
    rf"(?:des\s+(?:(?P<mod1>{_YEAR_MOD})\s+)?Jahres\b(?:\s+(?P<y1>{_YEAR4})(?!\d))?"
    rf"|(?P<mod2>{_YEAR_MOD})\s+Jahres\b"
    r"|des\s+(?P<vorj>Vorjahres)\b"
    rf"|(?P<y2>{_YEAR4})(?!\d|[./-]\d|er)))"
)


def _h_year_part(m: re.Match) -> _Result:
    word = (m.group("comp") or m.group("part")).lower()
    if word in ("jahresmitte", "mitte"):
        return ("vague", "none", ())
    is_end = word in ("jahresende", "jahreswechsel", "jahresschluss", "ende")
    kind = "year_end" if is_end else "year_start"
    year = m.group("cy") or m.group("y1") or m.group("y2")
    if year:
        return (kind, "yend_abs" if is_end else "ystart_abs", (int(year),))
    mod = m.group("mod1") or m.group("mod2")
    offset = -1 if m.group("vorj") else (_YEAR_MOD_OFFSET[mod] if mod else None)
    return (kind, "yend" if is_end else "ystart", (offset,))


# Named months: "im Februar", "Mitte Februar 2025", "Februar 2022", "im vergangenen März"
_MONTH_NAMED = (
    r"(?:(?P<prep>"
    r"(?:(?P<part>Anfang|Mitte|Ende|Beginn)(?:\s*(?:/|bis|und|oder)\s*(?:Anfang|Mitte|Ende))?"
    r"|[Ii]m(?:\s+(?:Laufe|Verlauf)\s+des)?|[Zz]u\s+Beginn\s+des|[Aa]m\s+(?:Anfang|Ende)\s+des)"
    r")\s+)?"
    rf"(?:(?P<mod>{_MOD_ANY})\s+)?"
    rf"\b(?P<mon>{_MONTH_STANDALONE})" + _YEAR_TAIL
)


# Prepositions that license a bare month name but stay outside the expression, so the
# caller can see that "seit Februar" / "bis März" is a boundary of a time span.
_BOUNDARY_BEFORE = re.compile(r"\b(?:[Ss]eit|[Aa]b|[Bb]is|[Vv]on|[Ff]ür|[Ss]pätestens|[Vv]or)\s+\Z")


def _h_month_named(m: re.Match) -> _Result:
    year, offset = _year_tail(m)
    if not (
        m.group("prep")
        or m.group("mod")
        or year is not None
        or offset is not None
        or _BOUNDARY_BEFORE.search(m.string, max(0, m.start() - 14), m.start())
    ):
        return None  # a bare month name ("August" may be a first name)
    month = _month_of(m.group("mon"))
    part = m.group("part") or ("Ende" if "Ende des" in (m.group("prep") or "") else None)
    if "Anfang des" in (m.group("prep") or "") or "Beginn des" in (m.group("prep") or ""):
        part = "Anfang"
    kind = "part_of_month" if part else "absolute_month"
    if year is not None:
        return (kind, "ym", (year, month))
    direction = _mod_offset(m.group("mod"))  # "im vergangenen März" / "im kommenden März"
    return (kind, "m", (month, offset, direction))


# Coming / recent days.
_COMING = (
    r"(?P<c>[Ii]n\s+den\s+(?:kommenden|nächsten|folgenden|darauffolgenden)\s+(?:Tagen|Stunden)\b"
    r"|[Ii]nnerhalb\s+der\s+(?:kommenden|nächsten)\s+(?:Tage|Stunden)\b"
    r"|[Ii]n\s+(?:wenigen|ein\s+paar|einigen)\s+Tagen\b"
    r"|[Bb]innen\s+(?:weniger|einiger)\s+Tage\b"
    r"|[Ii]n\s+Kürze\b)"
    r"|(?P<r>[Ii]n\s+den\s+(?:vergangenen|letzten|zurückliegenden)\s+(?:Tagen|Stunden)\b"
    r"|[Vv]or\s+(?:wenigen|ein\s+paar|einigen)\s+Tagen\b)"
)


def _h_coming(m: re.Match) -> _Result:
    return ("coming_days" if m.group("c") else "recent_days", "pubm", ())


# Vague time words and seasons.
_VAGUE = (
    r"[Ii]n\s+(?:naher|nächster|absehbarer)\s+(?:Zukunft|Zeit)\b"
    r"|[Ii]n\s+der\s+Zukunft\b|[Zz]u\s+einem\s+späteren\s+Zeitpunkt\b"
    r"|[Ss]o\s+bald\s+wie\s+möglich\b|[Mm]öglichst\s+bald\b"
    r"|\b(?:[Dd]emnächst|[Bb]aldmöglichst|[Bb]ald|[Ss]päter|[Zz]eitnah|[Kk]ürzlich|[Jj]üngst|[Uu]nlängst|"
    r"[Nn]euerdings)\b"
    r"|[Vv]or\s+[Kk]urzem\b|[Kk]urz\s+(?:nach|vor)\s+"
    + _NP
    + r"|(?:[Ww]enige|[Ee]inige|[Ee]in\s+paar)\s+(?:Tage|Wochen)\s+(?:nach|vor)\s+"
    + _NP
    + r"|[Ii]n\s+den\s+(?:kommenden|nächsten|vergangenen|letzten|folgenden)\s+(?:Wochen|Monaten|Jahren)\b"
    r"|[Vv]or\s+(?:(?:einigen|wenigen|ein\s+paar|mehreren)\s+)?(?:Wochen|Monaten|Jahren)\b"
    r"|[Ii]n\s+(?:einigen|wenigen|ein\s+paar)\s+(?:Wochen|Monaten)\b"
    r"|(?:[Ii]m|[Zz]um|[Dd]em|[Dd]iesen|[Vv]ergangenen|[Kk]ommenden|[Nn]ächsten)\s+"
    rf"(?:(?:{_MOD_ANY})\s+)?(?:Frühjahr|Frühling|Sommer|Herbst|Winter)\b(?:\s+{_YEAR4}(?!\d))?"
)


def _h_vague(m: re.Match) -> _Result:
    return ("vague", "none", ())


# Years: "2024", "im Jahr 2023", "im vergangenen Jahr", "dieses Jahr", "im Vorjahr".
_YEAR = (
    rf"(?:(?:[Ii]m\s+Jahre?|[Dd]es\s+Jahres|[Ii]m)\s+)?(?<![\d.,/-])(?:{_YEAR4})(?![\d]|[.,]\d)"
    rf"|(?:(?:[Ii]m|[Ii]n)\s+)?(?:{_MOD_ANY})\s+Jahr\b|[Ii]m\s+Vorjahr\b"
)


def _h_year(m: re.Match) -> _Result:
    return ("year", "none", ())


def _compile(pattern: str, first: str) -> re.Pattern[str]:
    # Every expression starts at a word start with one of the characters ``first``;
    # checking that before anything else makes the scan several times faster.
    return re.compile(rf"\b(?=[{first}])(?:{pattern})")


# One scan of the lower-cased text finds the "stems" it contains; each stem stands for
# token classes, and a pattern family only runs when its gates (groups of classes, every
# group needed) are present. A text without any stem costs this one scan.
_STEM_WORDS = {
    "WD": "montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag",
    "WE": "wochenende",
    "WOCHE": "woche",
    "MONAT": "monat",
    "JAHR": "jahr",
    "TAG": "tag",
    "HGM": "heut gestern gestrig morgen morgig",
    "ABEND": "abend",
    "MONTH": "jan jän jaen feb mär maerz mrz apr mai jun jul aug sep okt nov dez",
    "VAGUE": "zukunft zeit demnächst bald später kürzlich jüngst unlängst neuerdings kurz "
    "frühling sommer herbst winter",
    "COMING": "kürze stunden",
}
_STEM_CLASSES: dict[str, frozenset[str]] = {
    word: frozenset((cls,)) for cls, words in _STEM_WORDS.items() for word in words.split()
}


for _d in "0123456789":
    _STEM_CLASSES[_d] = frozenset(("D",))
    _STEM_CLASSES[_d + "."] = frozenset(("D", "DD"))
    _STEM_CLASSES[_d + "-"] = frozenset(("D", "DH"))
_STEMS = re.compile(
    trie_regex([w for w in _STEM_CLASSES if not w[0].isdigit()])
    + "|"
    + "|".join(f"{d}[.-]?" for d in "0123456789")
)
# Month names are always capitalised: a second, case-sensitive look keeps "Doktor",
# "Mainz" or "Augen"... well, most of them, from running the month patterns.
_MONTH_CASED = re.compile(r"J(?:an|än|aen|u[nl])|Feb|M(?:är|aerz|rz|ai)|Apr|Aug|Sep|Okt|Nov|Dez")


def _g(*classes: str) -> frozenset[str]:
    return frozenset(classes)


# Order = priority on equal length (more specific first).
_PATTERNS: list[tuple[tuple[frozenset[str], ...], re.Pattern[str], object]] = [
    ((_g("DH"),), _compile(_DATE_PREFIX + _ISO_CORE, "0-9SsAaBbZzFfVvDd"), _h_iso),
    ((_g("DD"),), _compile(_DATE_PREFIX + _NUM_CORE, "0-9SsAaBbZzFfVvDd"), _h_numeric),
    ((_g("DD"), _g("MONTH")), _compile(_DATE_PREFIX + _DM_CORE, "0-9SsAaBbZzFfVvDd"), _h_day_month),
    (
        (_g("TAG", "WOCHE", "MONAT", "ABEND", "HGM"),),
        _compile(_AFTER_EVENT, "0-9EeZzDdVvFfSsAaNn"),
        _h_after_event,
    ),
    ((_g("HGM"),), _compile(_REL_ADJ, "AaBbDdEeSsIiHhGgMm"), _h_rel_adj),
    ((_g("WD"),), _compile(_WD_CORE + _WD_WEEK, "AaSsBbFfVvDdKkNnLlM"), _h_weekday),
    ((_g("WE"),), _compile(_WEEKEND, "AaÜüZzFfSsBbDdKkNnVvLlW"), _h_weekend),
    ((_g("TAG", "ABEND", "HGM"),), _compile(_EVT_DAY, "NnBbSsAaTt"), _h_evt_day),
    ((_g("HGM"),), _compile(_REL_DAY, "HhGgVvÜümM"), _h_rel_day),
    ((_g("TAG", "WOCHE", "MONAT", "JAHR"),), _compile(_AGO, "VvIi"), _h_ago),
    ((_g("WOCHE"),), _compile(_WEEK, "NnBbSsAaMmEeIiZzFfÜüDdKkVvLlW"), _h_week),
    ((_g("MONAT"),), _compile(_MONTH_REL, "NnBbSsAaMmEeIiZzDdKkVvLlFf"), _h_month_rel),
    ((_g("JAHR", "D"),), _compile(_YEAR_PART, "BbNnSsAaZzUuÜüIiEeMmJ"), _h_year_part),
    ((_g("MONTH"),), _compile(_MONTH_NAMED, "BbAaSsVvFfMmEeIiZzDdKkNnLlJO"), _h_month_named),
    ((_g("TAG", "COMING"),), _compile(_COMING, "IiBbVv"), _h_coming),
    (
        (_g("VAGUE", "TAG", "WOCHE", "MONAT", "JAHR"),),
        _compile(_VAGUE, "IiZzSsMmDdBbKkJjUuNnVvWwEe"),
        _h_vague,
    ),
    ((_g("D", "JAHR"),), _compile(_YEAR, "0-9IiDdSsBbAaKkNnFfVvLl"), _h_year),
]

_Candidate = tuple[int, int, int, str, str, tuple]


# The stem classes gate coarsely: "heute" in a sentence lets every pattern of the class
# HGM run. Three finer gates, each a condition every match of its pattern fulfils, so that
# a pattern is skipped only where it cannot match (tests/test_temporal.py compares with the
# ungated scan).
#
# Words (lower case) of which every match holds at least one, as a substring: "am heutigen
# Tag" needs "heutig", "in den kommenden Tagen" its modifier.
_REQUIRED_WORDS: dict[object, tuple[str, ...]] = {
    _h_rel_adj: ("heutig", "gestrig", "morgig"),
    _h_rel_day: ("heute", "gestern", "morgen"),  # "vorgestern", "übermorgen" hold them too
    _h_year_part: ("jahres", "anfang", "ende", "mitte", "beginn"),  # "Jahresende" or a part word
    # "in den kommenden Tagen", "innerhalb der nächsten Stunden", "binnen weniger Tage",
    # "in Kürze", "vor wenigen Tagen": the modifier of every alternative.
    _h_coming: tuple(
        "kommenden nächsten folgenden innerhalb wenigen paar einigen binnen kürze vergangenen "
        "letzten zurückliegenden".split()
    ),
    _h_year: ("19", "20", "jahr"),  # a year number, "Jahr" or "Vorjahr"
    # Every alternative of _VAGUE: its time word, "später(en)", "(vor) Kurzem", "kurz nach",
    # a plural unit ("wenige Tage nach", "vor Wochen", "in den kommenden Monaten"), a season.
    _h_vague: tuple(
        "zukunft naher nächster absehbarer später bald demnächst zeitnah kürzlich jüngst unlängst "
        "neuerdings kurz tage wochen monaten jahren frühjahr frühling sommer herbst winter".split()
    ),
}

# Stems (as ``_STEMS`` finds them) of which every match holds one: stricter than a
# substring test where a weekday holds "tag" ("Montag" is found as one stem, not as "tag";
# "Vortag", "Tage", "Nachmittag" are found with "tag").
_REQUIRED_STEMS: dict[object, frozenset[str]] = {
    # a unit ("zwei Tage nach", "eine Woche später") or "am Tag/Morgen/Abend/Vortag ..."
    _h_after_event: frozenset({"tag", "woche", "monat", "morgen", "abend"}),
    # "am Vortag", "tags darauf", "am nächsten Morgen", "am selben Nachmittag"
    _h_evt_day: frozenset({"tag", "abend", "morgen"}),
}

# Digit stems with a mark every match holds twice: "15.02." has a day and a month number
# each followed by a dot, "2025-02-15" a year and a month number each followed by a hyphen.
_REQUIRED_DIGIT_MARKS: dict[object, str] = {_h_numeric: ".", _h_iso: "-"}

# (priority, pattern, handler, required words, required stems, required digit mark)
_Active = list[tuple[int, re.Pattern[str], object, tuple[str, ...], frozenset[str] | None, str | None]]

# The patterns a set of stem classes lets through, by class set: texts repeat a few dozen
# class sets, and checking every gate of every pattern per text cost more than most scans.
_ACTIVE: dict[frozenset[str], _Active] = {}


def _active_patterns(classes: frozenset[str] | None) -> _Active:
    active = _ACTIVE.get(classes) if classes is not None else None
    if active is None:
        active = [
            (
                priority,
                rx,
                handler,
                _REQUIRED_WORDS.get(handler, ()),
                _REQUIRED_STEMS.get(handler),
                _REQUIRED_DIGIT_MARKS.get(handler),
            )
            for priority, (gates, rx, handler) in enumerate(_PATTERNS)
            if classes is None or all(not g.isdisjoint(classes) for g in gates)
        ]
        if classes is not None:
            if len(_ACTIVE) >= 10_000:  # bounded, though sentences show a few hundred sets
                _ACTIVE.clear()
            _ACTIVE[classes] = active
    return active


def _candidates(text: str, classes: frozenset[str] | set[str] | None) -> list[_Candidate]:
    """All accepted pattern matches; ``classes=None`` runs every pattern (no gating)."""
    return _scan(text, None, None, _active_patterns(None if classes is None else frozenset(classes)))


def _scan(text: str, lowered: str | None, stems: list[str] | None, active: _Active) -> list[_Candidate]:
    """Matches of the ``active`` patterns; with ``lowered`` (``text.lower()``) and the
    ``stems`` found in it, only of those whose required words and stems are there."""
    out: list[_Candidate] = []
    stem_set = frozenset(stems) if stems is not None else None
    for priority, rx, handler, words, need_stems, digit_mark in active:
        if lowered is not None and stem_set is not None:
            if words:
                for word in words:
                    if word in lowered:
                        break
                else:
                    continue  # none of the words every match of this pattern holds
            if need_stems is not None and need_stems.isdisjoint(stem_set):
                continue
            if digit_mark is not None and sum(1 for s in stems if s[-1] == digit_mark) < 2:
                continue
        for m in rx.finditer(text):
            start, end = m.span()
            if start == end:
                continue
            result = handler(m)  # type: ignore[operator]
            if result is not None:
                if len(result) == 4:  # the handler extended the match
                    end = result[3]
                    result = result[:3]
                out.append((start, end, priority, *result))
    return out


# The classes of a set of stems, by stem set (sentences repeat a few hundred of them).
_CLASSES_OF: dict[frozenset[str], frozenset[str]] = {}


def _classes_of(stems: list[str]) -> frozenset[str]:
    key = frozenset(stems)
    classes = _CLASSES_OF.get(key)
    if classes is None:
        if len(_CLASSES_OF) >= 100_000:  # bounded: the stem vocabulary is small, but be safe
            _CLASSES_OF.clear()
        classes = _CLASSES_OF[key] = frozenset().union(*(_STEM_CLASSES[s] for s in key))
    return classes


def _select(candidates: list[_Candidate]) -> list[_Candidate]:
    """Non-overlapping candidates, longest first (ties: pattern priority), in text order."""
    candidates.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
    chosen: list[_Candidate] = []
    for cand in candidates:
        s, e = cand[0], cand[1]
        if all(e <= c[0] or s >= c[1] for c in chosen):
            chosen.append(cand)
    chosen.sort()
    return chosen


_NO_MONTH = frozenset({"MONTH"})


def find_date_expressions(text: str) -> list[DateExpression]:
    """Time expressions of ``text`` in text order; overlapping candidates: longest wins."""
    lowered = text.lower()
    stems = _STEMS.findall(lowered) if text else None
    if not stems:
        return []  # the common case: one regex scan, nothing else
    classes = _classes_of(stems)
    if "MONTH" in classes and not _MONTH_CASED.search(text):
        classes = classes.difference(_NO_MONTH)
    candidates = _scan(text, lowered, stems, _active_patterns(classes))
    if not candidates:
        return []
    return [
        DateExpression(start=s, end=e, text=text[s:e], kind=kind, _op=op, _args=args)
        for s, e, _p, kind, op, args in _select(candidates)
    ]


def _find_ungated(text: str) -> list[tuple[int, int, str]]:
    """Reference implementation without gating (tests check the gates lose nothing)."""
    return [(s, e, kind) for s, e, _p, kind, _op, _a in _select(_candidates(text, None))]


# --------------------------------------------------------------------------------------
# Resolution
# --------------------------------------------------------------------------------------

_MAX_JUMP_MONTHS = 6


def _day(d: date) -> ResolvedDate:
    return ResolvedDate(d, "day")


def _month(year: int, month: int) -> ResolvedDate:
    return ResolvedDate(date(year, month, 1), "month")


def _add_months(year: int, month: int, k: int) -> tuple[int, int]:
    idx = year * 12 + (month - 1) + k
    return idx // 12, idx % 12 + 1


def _pub_month(pub: PublicationDate) -> ResolvedDate:
    return _month(pub.value.year, pub.value.month)


def _year_for_month(pub: PublicationDate, month: int, planned: bool, direction: int | None) -> int:
    """The year of the nearest ``month`` relative to the publication month."""
    py, pm = pub.value.year, pub.value.month
    forward_year = py if month > pm else py + 1
    backward_year = py if month < pm else py - 1
    if direction == 1:
        return forward_year
    if direction == -1:
        return backward_year
    if month == pm:
        return py
    ahead = (month - pm) % 12
    behind = 12 - ahead
    if planned:
        return forward_year if ahead <= _MAX_JUMP_MONTHS else backward_year
    return backward_year if behind <= _MAX_JUMP_MONTHS else forward_year


def _r_none(args, pub, planned, anchor):
    return None


def _r_ymd(args, pub, planned, anchor):
    return _day(date(*args[:3]))


def _r_md(args, pub, planned, anchor):
    month, day, offset, _end = args
    if pub is None:
        return None
    py = pub.value.year
    if offset is not None:
        return _day(date(py + offset, month, day)) if _valid(py + offset, month, day) else None
    if pub.precision == "month":
        year = _year_for_month(pub, month, planned, None)
        return _day(date(year, month, day)) if _valid(year, month, day) else None
    ref = pub.value
    cands = [date(y, month, day) for y in (py - 1, py, py + 1) if _valid(y, month, day)]
    if not cands:
        return None
    if planned:
        preferred = [c for c in cands if c >= ref]
        best = min(preferred) if preferred else None
    else:
        preferred = [c for c in cands if c <= ref]
        best = max(preferred) if preferred else None
    # The jump is measured in calendar months, like for a month name alone, so that
    # "am 3. August" and "im August" land in the same year.
    ref_index = ref.year * 12 + ref.month
    if best is None or abs(best.year * 12 + best.month - ref_index) > _MAX_JUMP_MONTHS:
        # the closest candidate; on a tie the preferred direction
        best = min(cands, key=lambda c: (abs((c - ref).days), (c < ref) if planned else (c > ref)))
    return _day(best)


def _r_ym(args, pub, planned, anchor):
    return _month(*args)


def _r_m(args, pub, planned, anchor):
    month, offset, direction = args
    if pub is None:
        return None
    if offset is not None:
        return _month(pub.value.year + offset, month)
    return _month(_year_for_month(pub, month, planned, direction), month)


def _weekday_date(ref: date, wd: int, mode: str, planned: bool) -> date:
    cur = ref.weekday()
    ahead = (wd - cur) % 7
    behind = (cur - wd) % 7
    if mode == "next":
        return ref + timedelta(days=ahead or 7)
    if mode == "prev":
        return ref - timedelta(days=behind or 7)
    if mode == "this":
        return ref + timedelta(days=ahead) if planned else ref - timedelta(days=behind)
    # plain: occurred may be the publication day itself; planned is strictly later
    return ref + timedelta(days=ahead or 7) if planned else ref - timedelta(days=behind)


def _r_wd(args, pub, planned, anchor):
    wd, mode = args
    if pub is None:
        return None
    if pub.precision == "month":
        return _pub_month(pub)
    return _day(_weekday_date(pub.value, wd, mode, planned))


def _r_wdw(args, pub, planned, anchor):
    wd, week_offset = args
    if pub is None:
        return None
    if pub.precision == "month":
        return _pub_month(pub)
    ref = pub.value
    monday = ref - timedelta(days=ref.weekday()) + timedelta(weeks=week_offset)
    return _day(monday + timedelta(days=wd))


def _r_rel(args, pub, planned, anchor):
    if pub is None:
        return None
    if pub.precision == "month":
        return _pub_month(pub)
    return _day(pub.value + timedelta(days=args[0]))


def _r_evt(args, pub, planned, anchor):
    if anchor is not None:
        return _day(anchor + timedelta(days=args[0]))
    return _r_rel(args, pub, planned, anchor)


def _r_after(args, pub, planned, anchor):
    if anchor is None:
        return None
    return _day(anchor + timedelta(days=args[0]))


def _r_after_m(args, pub, planned, anchor):
    if anchor is None:
        return None
    return _month(*_add_months(anchor.year, anchor.month, args[0]))


def _r_week(args, pub, planned, anchor):
    week_offset, pos = args
    if pub is None:
        return None
    if pub.precision == "month":
        return _pub_month(pub)
    ref = pub.value
    if week_offset == 0 and pos is None:
        target = ref
    else:
        monday = ref - timedelta(days=ref.weekday()) + timedelta(weeks=week_offset)
        target = monday + timedelta(days=2 if pos is None else pos)
    return _month(target.year, target.month)


def _r_mrel(args, pub, planned, anchor):
    if pub is None:
        return None
    return _month(*_add_months(pub.value.year, pub.value.month, args[0]))


def _r_yend(args, pub, planned, anchor):
    if pub is None:
        return None
    (offset,) = args
    py = pub.value.year
    if offset is None:
        offset = -1 if (pub.value.month <= 2 and not planned) else 0
    return _month(py + offset, 12)


def _r_yend_abs(args, pub, planned, anchor):
    return _month(args[0], 12)


def _r_ystart(args, pub, planned, anchor):
    if pub is None:
        return None
    (offset,) = args
    if offset is None:
        offset = 1 if (pub.value.month >= 11 and planned) else 0
    return _month(pub.value.year + offset, 1)


def _r_ystart_abs(args, pub, planned, anchor):
    return _month(args[0], 1)


def _r_pubm(args, pub, planned, anchor):
    return None if pub is None else _pub_month(pub)


_RESOLVERS = {
    "none": _r_none,
    "ymd": _r_ymd,
    "md": _r_md,
    "ym": _r_ym,
    "m": _r_m,
    "wd": _r_wd,
    "wdw": _r_wdw,
    "rel": _r_rel,
    "evt": _r_evt,
    "after": _r_after,
    "after_m": _r_after_m,
    "week": _r_week,
    "mrel": _r_mrel,
    "yend": _r_yend,
    "yend_abs": _r_yend_abs,
    "ystart": _r_ystart,
    "ystart_abs": _r_ystart_abs,
    "pubm": _r_pubm,
}
