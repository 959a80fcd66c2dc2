"""The actor knowledge base: CSV files in ``transforms/kb/`` that users edit.

One source of truth: the extractor reads them through ``load_knowledge_base`` and the
warehouse gets them as ``raw.knowledge_*`` tables through ``knowledge_frames``.
See ``transforms/kb/README.md`` for the columns.
"""

from __future__ import annotations

import csv
import hashlib
import os
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import polars as pl

DEFAULT_KB_DIR = Path(__file__).resolve().parent / "kb"
KB_FILES = ("countries.csv", "persons.csv", "offices.csv", "roles.csv", "organizations.csv", "topics.csv")
# Offices whose unnamed holder is resolved to a person (SCHEMA.md); others stay role@ISO3.
CORE_ROLES = frozenset({"head_of_state", "head_of_government", "foreign_minister"})


class KnowledgeBaseError(ValueError):
    """A knowledge-base file is missing or malformed; the message names file and line."""


@dataclass(frozen=True, slots=True)
class Country:
    iso3: str
    name: str
    names: tuple[str, ...]
    adjectives: tuple[str, ...]
    prefixes: tuple[str, ...]
    capital: str | None
    metonyms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Person:
    person_id: str
    country_iso3: str | None
    gender: str | None
    aliases: tuple[str, ...]

    @property
    def surname(self) -> str:
        return self.person_id.split()[-1]


@dataclass(frozen=True, slots=True)
class OfficeTerm:
    person_id: str
    role: str
    jurisdiction: str
    start_date: date
    end_date: date | None

    def covers(self, on: date) -> bool:
        return self.start_date <= on and (self.end_date is None or on <= self.end_date)


@dataclass(frozen=True, slots=True)
class RoleTerm:
    term: str
    role: str
    jurisdiction: str | None


@dataclass(frozen=True, slots=True)
class Organization:
    actor_id: str
    kind: str  # organization | group
    name: str
    aliases: tuple[str, ...]
    members: tuple[str, ...]


@dataclass
class KnowledgeBase:
    directory: Path
    fingerprint: str
    countries: dict[str, Country]
    persons: dict[str, Person]
    offices: list[OfficeTerm]
    roles: list[RoleTerm]
    organizations: dict[str, Organization]
    topics: dict[str, tuple[str, ...]]
    _terms_by_office: dict[tuple[str, str], list[OfficeTerm]] = field(default_factory=dict, repr=False)
    _starts_by_office: dict[tuple[str, str], list[date]] = field(default_factory=dict, repr=False)
    _terms_by_person: dict[str, list[OfficeTerm]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        grouped: dict[tuple[str, str], list[OfficeTerm]] = defaultdict(list)
        for term in self.offices:
            grouped[(term.role, term.jurisdiction)].append(term)
        for term in self.offices:
            self._terms_by_person.setdefault(term.person_id, []).append(term)
        for key, terms in grouped.items():
            terms.sort(key=lambda t: t.start_date)
            self._terms_by_office[key] = terms
            self._starts_by_office[key] = [t.start_date for t in terms]

    def holder(self, role: str, jurisdiction: str, on: date) -> str | None:
        """The person holding ``role`` for ``jurisdiction`` on a day, if the files say."""
        key = (role, jurisdiction)
        terms = self._terms_by_office.get(key)
        if not terms:
            return None
        i = bisect_right(self._starts_by_office[key], on) - 1
        # A handover day can belong to two terms; the later one (the new holder) wins.
        while i >= 0:
            if terms[i].covers(on):
                return terms[i].person_id
            if terms[i].end_date is not None and terms[i].end_date < on:
                return None
            i -= 1
        return None

    def holders_in_month(self, role: str, jurisdiction: str, year: int, month: int) -> list[str]:
        """Every person who held the office at some day of a month (for month-precision dates)."""
        first = date(year, month, 1)
        last = date(year + (month == 12), month % 12 + 1, 1)
        people = []
        for term in self._terms_by_office.get((role, jurisdiction), []):
            if term.start_date < last and (term.end_date is None or term.end_date >= first):
                people.append(term.person_id)
        return people

    def offices_of(self, person_id: str) -> list[OfficeTerm]:
        return list(self._terms_by_person.get(person_id, ()))


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (cell or "").split("|") if part.strip())


def _date(cell: str, where: str) -> date | None:
    cell = (cell or "").strip()
    if not cell:
        return None
    try:
        return date.fromisoformat(cell)
    except ValueError as exc:
        raise KnowledgeBaseError(f"{where}: bad date {cell!r} (want YYYY-MM-DD)") from exc


def _rows(directory: Path, name: str, columns: tuple[str, ...]) -> list[tuple[str, dict[str, str]]]:
    path = directory / name
    if not path.is_file():
        raise KnowledgeBaseError(f"knowledge-base file missing: {path}")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise KnowledgeBaseError(f"{path}: missing columns {missing}")
        return [(f"{path}:{n}", row) for n, row in enumerate(reader, start=2)]


def _fingerprint(directory: Path) -> str:
    digest = hashlib.sha256()
    for name in KB_FILES:
        digest.update(name.encode())
        digest.update((directory / name).read_bytes())
    return digest.hexdigest()


def read_knowledge_base(directory: Path) -> KnowledgeBase:
    countries = {
        row["iso3"].strip(): Country(
            iso3=row["iso3"].strip(),
            name=row["name"].strip(),
            names=_split(row["names"]),
            adjectives=tuple(a.lower() for a in _split(row["adjective"])),
            prefixes=_split(row["prefixes"]),
            capital=(row["capital"] or "").strip() or None,
            metonyms=_split(row["metonyms"]),
        )
        for _, row in _rows(
            directory,
            "countries.csv",
            ("iso3", "name", "names", "adjective", "prefixes", "capital", "metonyms"),
        )
    }
    persons = {
        row["person_id"].strip(): Person(
            person_id=row["person_id"].strip(),
            country_iso3=(row["country_iso3"] or "").strip() or None,
            gender=(row["gender"] or "").strip() or None,
            aliases=_split(row["aliases"]),
        )
        for _, row in _rows(directory, "persons.csv", ("person_id", "country_iso3", "gender", "aliases"))
    }
    offices = []
    for where, row in _rows(
        directory, "offices.csv", ("person_id", "role", "jurisdiction", "start_date", "end_date")
    ):
        start = _date(row["start_date"], where)
        if start is None:
            raise KnowledgeBaseError(f"{where}: start_date is required")
        offices.append(
            OfficeTerm(
                person_id=row["person_id"].strip(),
                role=row["role"].strip(),
                jurisdiction=row["jurisdiction"].strip(),
                start_date=start,
                end_date=_date(row["end_date"], where),
            )
        )
    roles = [
        RoleTerm(
            term=row["term"].strip(),
            role=row["role"].strip(),
            jurisdiction=(row["jurisdiction"] or "").strip() or None,
        )
        for _, row in _rows(directory, "roles.csv", ("term", "role", "jurisdiction"))
    ]
    organizations = {
        row["actor_id"].strip(): Organization(
            actor_id=row["actor_id"].strip(),
            kind=row["kind"].strip(),
            name=row["name"].strip(),
            aliases=_split(row["aliases"]),
            members=_split(row["members"]),
        )
        for _, row in _rows(
            directory, "organizations.csv", ("actor_id", "kind", "name", "aliases", "members")
        )
    }
    topics = {
        row["topic"].strip(): tuple(p.lower() for p in _split(row["patterns"]))
        for _, row in _rows(directory, "topics.csv", ("topic", "patterns"))
    }
    return KnowledgeBase(
        directory=directory,
        fingerprint=_fingerprint(directory),
        countries=countries,
        persons=persons,
        offices=offices,
        roles=roles,
        organizations=organizations,
        topics=topics,
    )


def knowledge_dir() -> Path:
    """The knowledge-base folder: ``CONTACTS_KB_DIR`` if set, else the bundled files."""
    return Path(os.environ.get("CONTACTS_KB_DIR") or DEFAULT_KB_DIR).resolve()


@lru_cache(maxsize=4)
def _cached(directory: Path, fingerprint: str) -> KnowledgeBase:
    return read_knowledge_base(directory)


def load_knowledge_base(directory: Path | None = None) -> KnowledgeBase:
    """Load (and cache by content) the knowledge base; edits to the files are picked up."""
    directory = (directory or knowledge_dir()).resolve()
    return _cached(directory, _fingerprint(directory))


def knowledge_frames(kb: KnowledgeBase) -> dict[str, pl.DataFrame]:
    """The knowledge base as raw tables for the warehouse (``raw.knowledge_*``)."""
    actors = [
        {
            "actor_id": p.person_id,
            "actor_kind": "person",
            "actor_name": p.person_id,
            "country_iso3": p.country_iso3,
            "gender": p.gender,
        }
        for p in kb.persons.values()
    ]
    actors += [
        {
            "actor_id": o.actor_id,
            "actor_kind": o.kind,
            "actor_name": o.name,
            "country_iso3": None,
            "gender": None,
        }
        for o in kb.organizations.values()
    ]
    actor_schema = {
        "actor_id": pl.String,
        "actor_kind": pl.String,
        "actor_name": pl.String,
        "country_iso3": pl.String,
        "gender": pl.String,
    }
    offices = [
        {
            "actor_id": t.person_id,
            "role": t.role,
            "jurisdiction": t.jurisdiction,
            "start_date": t.start_date,
            "end_date": t.end_date,
        }
        for t in kb.offices
    ]
    office_schema = {
        "actor_id": pl.String,
        "role": pl.String,
        "jurisdiction": pl.String,
        "start_date": pl.Date,
        "end_date": pl.Date,
    }
    countries = [{"country_iso3": c.iso3, "country_name": c.name} for c in kb.countries.values()]
    return {
        "knowledge_actors": pl.DataFrame(actors, schema=actor_schema).sort("actor_id"),
        "knowledge_offices": pl.DataFrame(offices, schema=office_schema).sort(
            "actor_id", "start_date", "role"
        ),
        "knowledge_countries": pl.DataFrame(
            countries, schema={"country_iso3": pl.String, "country_name": pl.String}
        ).sort("country_iso3"),
    }
