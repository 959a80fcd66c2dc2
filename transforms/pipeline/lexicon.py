"""The token lexicon built from the knowledge base, shared by the recognizers.

Every knowledge-base phrase (person names and aliases with their genitives, office
terms, country names and adjectives, metonyms, organizations, places) is tokenized with
the pipeline's own tokenizer and stored by its token tuple, so lookup during extraction
is a dict probe per token. Hyphenated compounds ("US-Außenminister", "Nato-Gipfel",
"EU-Außenbeauftragte") are analysed from their parts.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from spacy.tokenizer import Tokenizer

from transforms.knowledge import KnowledgeBase

ADJECTIVE_ENDINGS = ("", "e", "er", "en", "es", "em")
_ROMAN_NUMERAL = re.compile(r"^[IVXLC]+\.?$")

# Nouns that name a country's side rather than one person: "die russische Delegation",
# "ukrainischen Unterhändlern", "US-Regierungsvertreter", "die Führung in Moskau".
SIDE_NOUNS = frozenset(
    """Delegation Delegationen Unterhändler Unterhändlern Unterhändlers Verhandlungsteam
    Verhandlungsteams Regierung Regierungen Regierungsvertreter Regierungsvertretern Vertreter
    Vertretern Beamte Beamten Beamter Seite Führung Staatsführung Regierungsdelegation Militärs
    Diplomaten Experten Außenministerium Außenministeriums Administration Regierungsbeamte
    Regierungsbeamten Emissäre Gesandte Gesandten Abgesandte Abgesandten Verhandler Verhandlern""".split()
)
# A spokesperson reports a contact; they are never a participant of it.
SPEAKER_NOUNS = frozenset(
    """Sprecher Sprecherin Sprechers Regierungssprecher Regierungssprecherin Regierungssprechers
    Kremlsprecher Kreml-Sprecher Außenamtssprecher Außenamtssprecherin Pressesprecher
    Pressesprecherin Sprecherinnen""".split()
)


@dataclass(frozen=True, slots=True)
class Entry:
    """What a phrase means. One phrase can carry several entries (a country name is also a place)."""

    label: str  # PERSON ROLE COUNTERPART COUNTRY ADJ ORG METONYM SIDE SPEAKER PLACE SEAT
    person_id: str | None = None
    role: str | None = None
    jurisdiction: str | None = None  # ISO3 or org actor id
    country: str | None = None  # ISO3
    org_id: str | None = None
    place: str | None = None  # canonical place name for locations
    genitive: bool = False  # matched through a genitive form ("Lawrows", "Trumps")


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    country_iso3: str | None
    forms: tuple[str, ...]


def read_places(path: Path) -> list[Place]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Place(
                name=row["name"].strip(),
                country_iso3=(row["country_iso3"] or "").strip() or None,
                forms=tuple(f.strip() for f in (row["forms"] or "").split("|") if f.strip()),
            )
            for row in csv.DictReader(fh)
        ]


def read_seats(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


class Lexicon:
    def __init__(self, kb: KnowledgeBase, tokenizer: Tokenizer, is_common_word=None):
        self.kb = kb
        self._tokenize = tokenizer
        self.phrases: dict[tuple[str, ...], list[Entry]] = defaultdict(list)
        self.max_len_by_first: dict[str, int] = {}
        # The lengths of the phrases each first word starts, longest first: lookup tries only these.
        self.lengths_by_first: dict[str, tuple[int, ...]] = {}
        # single-token parts for compound analysis
        self.role_heads: dict[str, Entry] = {}
        self.prefixes: dict[str, Entry] = {}
        self.places: dict[str, Place] = {}
        # One-word place names and forms, and country names, as compound prefixes of a trip
        # ("China-Reise", "Kiew-Besuch"): the PLACE entry of each.
        self.place_prefixes: dict[str, Entry] = {}
        self.surname_owner: dict[str, str] = {}
        self._is_common_word = is_common_word or (lambda word: False)
        self._build()

    # -- building ------------------------------------------------------------------

    def _tokens(self, phrase: str) -> tuple[str, ...]:
        return tuple(t.text for t in self._tokenize(phrase))

    def add(self, phrase: str, entry: Entry) -> None:
        toks = self._tokens(phrase)
        if not toks:
            return
        entries = self.phrases[toks]
        if entry not in entries:
            entries.append(entry)
        first = toks[0]
        if self.max_len_by_first.get(first, 0) < len(toks):
            self.max_len_by_first[first] = len(toks)
        lengths = self.lengths_by_first.get(first, ())
        if len(toks) not in lengths:
            self.lengths_by_first[first] = tuple(sorted((*lengths, len(toks)), reverse=True))

    def _build(self) -> None:
        kb = self.kb
        # Persons: full names, aliases, unambiguous surnames, and genitive forms.
        surname_count: dict[str, set[str]] = defaultdict(set)
        for person in kb.persons.values():
            for name in (person.person_id, *person.aliases):
                last = name.split()[-1]
                if len(last) > 2:
                    surname_count[last].add(person.person_id)
        # Words that already name a place, country or organization never stand for a person
        # ("Luxemburg", "Montenegro", "Un" from Kim Jong Un beside "UN").
        reserved = {c.name for c in kb.countries.values()} | {
            n for c in kb.countries.values() for n in c.names
        }
        reserved |= {c.capital for c in kb.countries.values() if c.capital}
        reserved |= {a for o in kb.organizations.values() for a in (o.name, *o.aliases)}
        reserved |= {a.upper() for a in reserved} | {a.capitalize() for a in reserved}
        for person in kb.persons.values():
            entry = Entry("PERSON", person_id=person.person_id, country=person.country_iso3)
            names = {person.person_id, *person.aliases}
            for name in list(names):
                last = name.split()[-1]
                # A surname alone names the person only if it is no ordinary German word
                # ("Frieden", "Kurz", "Wagner" would fire on common text).
                if (
                    len(surname_count.get(last, ())) == 1
                    and " " in name
                    and last not in reserved
                    and not _ROMAN_NUMERAL.match(last)
                    and not self._is_common_word(last)
                ):
                    names.add(last)
                    self.surname_owner[last] = person.person_id
            genitive = Entry("PERSON", person_id=person.person_id, country=person.country_iso3, genitive=True)
            for name in names:
                self.add(name, entry)
                if _genitive(name) not in names:
                    self.add(_genitive(name), genitive)
        # Offices.
        for term in kb.roles:
            jurisdiction = term.jurisdiction
            country = jurisdiction if jurisdiction and "@" not in jurisdiction else None
            label = "COUNTERPART" if term.role == "counterpart" else "ROLE"
            entry = Entry(label, role=term.role, jurisdiction=jurisdiction, country=country)
            self.add(term.term, entry)
            cap = term.term[:1].upper() + term.term[1:]
            if cap != term.term:
                self.add(cap, entry)
            if " " not in term.term:
                self.role_heads[term.term] = entry
        for noun in SIDE_NOUNS:
            self.add(noun, Entry("SIDE"))
            self.role_heads.setdefault(noun, Entry("SIDE"))
        for noun in SPEAKER_NOUNS:
            self.add(noun, Entry("SPEAKER"))
        # Countries: names, adjectives, metonyms, compound prefixes.
        for c in kb.countries.values():
            country = Entry("COUNTRY", country=c.iso3)
            for name in (c.name, *c.names):
                self.add(name, country)
                self.prefixes.setdefault(name, country)
            for prefix in c.prefixes:
                self.prefixes[prefix] = country
            for stem in c.adjectives:
                for ending in ADJECTIVE_ENDINGS:
                    if not ending and not stem.endswith("isch"):
                        continue
                    form = stem + ending
                    adj = Entry("ADJ", country=c.iso3)
                    self.add(form, adj)
                    self.add(_capitalize(form), adj)
            for metonym in c.metonyms:
                self.add(metonym, Entry("METONYM", country=c.iso3))
                self.prefixes.setdefault(metonym, Entry("METONYM", country=c.iso3))
        # Organizations and groups.
        for org in kb.organizations.values():
            entry = Entry("ORG", org_id=org.actor_id)
            for alias in (org.name, *org.aliases):
                self.add(alias, entry)
                self.prefixes.setdefault(alias, entry)
        # Places (locations): capitals, the places file, and country names.
        for place in read_places(kb.directory / "places.csv"):
            self.places[place.name] = place
            entry = Entry("PLACE", place=place.name, country=place.country_iso3)
            for form in (place.name, *place.forms):
                self.add(form, entry)
                if " " not in form:
                    self.place_prefixes.setdefault(form, entry)
        # Seats of government: a guest there meets its head ("zu Gast im Kanzleramt").
        for seat in read_seats(kb.directory / "seats.csv"):
            self.add(
                seat["phrase"],
                Entry(
                    "SEAT",
                    role=seat["host_role"],
                    jurisdiction=seat["country_iso3"],
                    country=seat["country_iso3"],
                    place=seat["city"],
                ),
            )
            self.add(seat["phrase"], Entry("PLACE", place=seat["city"], country=seat["country_iso3"]))
        for c in kb.countries.values():
            if c.capital and c.capital not in self.places:
                self.places[c.capital] = Place(c.capital, c.iso3, ())
                self.add(c.capital, Entry("PLACE", place=c.capital, country=c.iso3))
            self.add(c.name, Entry("PLACE", place=c.name, country=c.iso3))
            for name in (c.name, c.capital):
                if name and " " not in name:
                    self.place_prefixes.setdefault(name, Entry("PLACE", place=name, country=c.iso3))
            for prefix in c.prefixes:  # "US-Reise": the country's name
                self.place_prefixes.setdefault(prefix, Entry("PLACE", place=c.name, country=c.iso3))

    # -- lookup ----------------------------------------------------------------------

    def compound(self, text: str) -> list[Entry]:
        """Analyse "US-Außenminister", "Nato-Generalsekretär", "G-7-Treffen" style tokens, and
        the destination of a trip ("China-Reise", "Kiew-Besuch")."""
        if "-" not in text:
            return []
        parts = text.split("-")
        head = parts[-1]
        if head in TRIP_HEADS:
            place = self.place_prefixes.get("-".join(parts[:-1]))
            return [place] if place is not None else []
        prefix_candidates = ["-".join(parts[:-1]), parts[0]]
        prefix = None
        for cand in prefix_candidates:
            prefix = self.prefixes.get(cand)
            if prefix is not None:
                break
        if prefix is None:
            return []
        head_entry = self.role_heads.get(head) or self.role_heads.get(_capitalize(head))
        if head_entry is not None:
            if prefix.label == "ORG":
                return [
                    Entry(
                        head_entry.label,
                        role=head_entry.role,
                        jurisdiction=prefix.org_id,
                        org_id=prefix.org_id,
                    )
                ]
            return [
                Entry(
                    head_entry.label,
                    role=head_entry.role,
                    jurisdiction=prefix.country,
                    country=prefix.country,
                )
            ]
        if prefix.label == "ORG" and head not in _NOT_THE_ORGANIZATION:
            # "Nato-Gipfel", "G7-Treffen", "EU-Staaten": the organization takes part.
            return [Entry("ORG", org_id=prefix.org_id)]
        return []


@cache
def german_word_list():
    """A predicate telling ordinary German word forms, from spaCy's German lookup table."""
    from transforms.pipeline.lemmas import german_lemma_table

    table = german_lemma_table()

    def is_common_word(word: str) -> bool:
        return word in table or word.lower() in table

    return is_common_word


# Compound heads after an organization that name a thing of it, not the organization acting:
# "im Nato-Hauptquartier" is a place, "über den Nato-Beitritt" and "EU-Sanktionen" topics.
_NOT_THE_ORGANIZATION = frozenset(
    """Hauptquartier Hauptquartiers Zentrale Sitz Sitzes Gebäude Gelände Botschaft Vertretung
    Beitritt Beitritts Beitrittsgesuch Mitgliedschaft Sanktionen Sanktion Sanktionspaket
    Gelder Mittel Hilfen Ostflanke Außengrenze Außengrenzen Grenze Territorium Gebiet""".split()
)


# Nouns of a trip whose compound prefix is its destination ("China-Reise", "Kiew-Besuchs").
TRIP_HEADS = frozenset(
    """Reise Reisen Besuch Besuchs Besuches Besuche Visite Antrittsbesuch Antrittsbesuchs
    Stippvisite""".split()
)


def _genitive(name: str) -> str:
    return name + ("'" if name[-1] in "sßxz" else "s")


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]
