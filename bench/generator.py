"""Synthetic German diplomacy articles for benchmarks, built from the sample corpus and the KB.

    python -m bench.generator OUT_DIR --articles 100000 [--seed 7] [--format txt|jsonl]

How it works:

* Every sentence and headline of ``data/samples/articles/*.txt`` becomes a *template*:
  persons, surnames and their genitives, country adjectives ("russischen"), country
  names, places, weekdays, dates, years, times and numbers are cut out as slots, and
  longer capitalised nouns are marked as compound candidates. Role words ("Außenminister"),
  organisations and everything else stay as written, so the sentence patterns the
  extractor's rules react to are the ones of real articles.
* Every sample article also gives a *shape*: headline or not, paragraphs, sentences per
  paragraph, and the form of the date marker. A generated article takes a random shape and
  fills it with random templates (the first sentence from the article leads).
* Slots are filled from ``transforms/kb``: a cast of persons who held an office on the
  publication date (plus a few without), matched to the template's gender, with the
  country adjective bound to the person it describes ("der russische Präsident" + a
  Russian person); places, countries and dates vary freely.
* So that warm caches (tokenizer, string store, lemma lookups) do not flatter the figures,
  about ``compound_rate`` of the compound candidates get a random noun prepended
  ("Getreide" + "verhandlungen"), which keeps producing words never seen before, as
  German news does; numbers, times and dates vary too.

Output is streamed shard by shard (``shard_size`` articles each). Each shard has its own
random stream seeded by ``(seed, shard)``, so the corpus is deterministic, any shard can be
regenerated alone, and an inbox of 10k articles is the first 10k of the 100k inbox.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from transforms.articles import read_article
from transforms.knowledge import KnowledgeBase, read_knowledge_base

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = REPO_ROOT / "data" / "samples" / "articles"
KB_DIR = REPO_ROOT / "transforms" / "kb"
DEFAULT_SEED = 7
DEFAULT_SHARD_SIZE = 1000
# Publication dates: the span the knowledge base covers well (offices.csv).
FIRST_DAY = date(2019, 1, 1)
LAST_DAY = date(2025, 12, 31)

MONTHS = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()
WEEKDAYS = "Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag".split()
_ADJ_ENDINGS = ("em", "en", "er", "es", "e")
# Words before a full stop that do not end a sentence.
_ABBREVIATIONS = frozenset(
    "Dr Prof St Nr bzw ca vgl Mio Mrd Jan Feb Mär Apr Jun Jul Aug Sep Sept Okt Nov Dez "
    "Abs Art Hr Fr usw etc evtl ggf inkl".split()
)
# Last name tokens that are ordinary words or shared (see transforms/kb/README.md): not
# used as surname slots.
_RISKY_SURNAMES = frozenset(
    "Frieden Kurz Rau Herzog Saar Maas Linde Raab Eide Bellen Champagne Dan Meta Rama Costa "
    "Austin Schmid Bas Borg Mustafa Salam Leyen Montenegro Belgien Luxemburg Un Li Cho Salman "
    "Abdullah Michel Philippe Gabriel Martin Charles".split()
)


# --- templates ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Slot:
    """A hole in a template. ``kind``: P full name, S surname, G genitive surname (of actor
    ``actor``), A adjective stem + ``arg`` ending (bound to ``actor``'s country or free),
    C country, CG country genitive, L place, WD weekday, DM "16. Juni", MON month, Y year,
    T time, NUM number of ``arg`` digits, N noun ``arg`` (compound candidate)."""

    kind: str
    actor: int | None = None
    arg: str = ""


Part = str | Slot


@dataclass(frozen=True, slots=True)
class Template:
    parts: tuple[Part, ...]
    genders: tuple[str | None, ...]  # per actor index, the gender of the sample's person


@dataclass(slots=True)
class Shape:
    """The layout of one sample article."""

    marker: str | None  # "day", "month" or None
    inline_marker: bool
    headline: bool
    paragraphs: list[list[int | None]]  # per paragraph, per line: sentences, None = heading line


@dataclass(slots=True)
class TemplateBank:
    headings: list[Template] = field(default_factory=list)
    leads: list[Template] = field(default_factory=list)
    sentences: list[Template] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)  # nouns for novel compounds
    fingerprint: str = ""


_SENTENCE_END = re.compile(r"[.!?…][\"“”'’»)]*(?=\s+[\"„“»(A-ZÄÖÜ0-9])")


def split_sentences(text: str) -> list[str]:
    """Sentences of one line of running text (a simple rule set, good enough for templates)."""
    out: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start()].split()
        last = before[-1] if before else ""
        word = last.rstrip(".").lstrip('(„"')
        if match.group().startswith(".") and (
            word.isdigit() or word in _ABBREVIATIONS or (len(word) == 1 and word.isupper())
        ):
            continue
        out.append(text[start : match.end()].strip())
        start = match.end()
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out


def _is_heading(line: str) -> bool:
    stripped = line.rstrip()
    ends = (".", "!", "?", "…", '"', "“", "”", ":", ")")
    return not stripped.endswith(ends) and len(stripped.split()) <= 14


class _Abstractor:
    """Turns sample sentences into templates using the knowledge base."""

    def __init__(self, kb: KnowledgeBase, places: Sequence[str]):
        entries: dict[str, tuple[str, str]] = {}
        single_tokens = Counter(p.person_id.split()[-1] for p in kb.persons.values())

        def add(text: str, kind: str, key: str) -> None:
            if len(text) >= 2 and text not in entries:
                entries[text] = (kind, key)

        for person in kb.persons.values():
            add(person.person_id, "P", person.person_id)
        for person in kb.persons.values():
            for alias in person.aliases:
                add(alias, "P" if " " in alias else "S", person.person_id)
            surname = person.surname
            if surname not in _RISKY_SURNAMES and single_tokens[surname] == 1 and surname[:1].isupper():
                add(surname, "S", person.person_id)
                if not surname.endswith(("s", "ß", "x", "z")):
                    add(surname + "s", "G", person.person_id)
        for country in kb.countries.values():
            add(country.name, "C", country.iso3)
            if country.name + "s" in country.names:
                add(country.name + "s", "CG", country.iso3)
        for place in places:
            add(place, "L", place)
        self.entries = entries
        self.kb = kb
        names = sorted(entries, key=len, reverse=True)
        adjectives = {}
        for country in kb.countries.values():
            for stem in country.adjectives:
                adjectives.setdefault(stem, country.iso3)
        self.adjectives = adjectives
        stems = sorted(adjectives, key=len, reverse=True)
        months = "|".join(MONTHS)
        self.pattern = re.compile(
            rf"(?P<dm>(?<!\d)\d{{1,2}}\.\s(?:{months})(?!\w))"
            rf"|(?P<time>(?<!\d)\d{{1,2}}:\d{{2}}(?!\d))"
            rf"|(?P<kb>(?<![\w-])(?:{'|'.join(map(re.escape, names))})(?![\w-]))"
            rf"|(?P<adj>(?<![\w-])(?P<stem>{'|'.join(map(re.escape, stems))})(?P<end>em|en|er|es|e)(?!\w))"
            rf"|(?P<wd>(?<!\w)(?:{'|'.join(WEEKDAYS)}))"
            rf"|(?P<mon>(?<!\w)(?:{months})(?!\w))"
            rf"|(?P<year>(?<!\d)(?:19|20)\d\d(?!\d))"
            rf"|(?P<num>(?<![\w.,])\d+(?![\d]))"
            rf"|(?P<noun>(?<![\w-])[A-ZÄÖÜ][a-zäöüß]{{5,}}(?![\w-]))"
        )
        # Role words and names of organisations stay literal: the extractor's KB matches them.
        keep = {r.term for r in kb.roles}
        for org in kb.organizations.values():
            keep.update((org.name, *org.aliases))
        for country in kb.countries.values():
            keep.update((*country.names, *country.metonyms))
        self.keep = keep
        self.nouns: Counter[str] = Counter()

    def template(self, sentence: str) -> Template:
        parts: list[Part] = []
        actors: dict[str, int] = {}
        genders: list[str | None] = []
        adjective_country: dict[int, str] = {}  # index in parts -> iso3 of a free adjective
        pos = 0
        for match in self.pattern.finditer(sentence):
            if match.start() > pos:
                parts.append(sentence[pos : match.start()])
            text = match.group()
            group = "adj" if match.group("adj") is not None else match.lastgroup
            slot: Part = text
            if group == "dm":
                slot = Slot("DM")
            elif group == "time":
                slot = Slot("T")
            elif group == "kb":
                kind, key = self.entries[text]
                if kind in ("P", "S", "G"):
                    person = self.kb.persons.get(key)
                    if key not in actors:
                        actors[key] = len(actors)
                        genders.append(person.gender if person else None)
                    # An adjective a few words before the name describes this person
                    # ("der russische Präsident Wladimir Putin"): bind it to the actor.
                    country = person.country_iso3 if person else None
                    for index, iso3 in list(adjective_country.items()):
                        if iso3 == country and len(parts) - index <= 4:
                            old = parts[index]
                            assert isinstance(old, Slot)
                            parts[index] = Slot("A", actors[key], old.arg)
                            del adjective_country[index]
                    slot = Slot(kind, actors[key])
                else:
                    slot = Slot(kind)
            elif group == "adj":
                slot = Slot("A", None, match.group("end"))
                adjective_country[len(parts)] = self.adjectives[match.group("stem")]
            elif group == "wd":
                slot = Slot("WD")
            elif group == "mon":
                slot = Slot("MON")
            elif group == "year":
                slot = Slot("Y")
            elif group == "num":
                slot = Slot("NUM", None, str(len(text)))
            elif group == "noun":
                at_start = not sentence[: match.start()].strip(' „"(')
                if text in self.keep or at_start:
                    slot = text
                else:
                    slot = Slot("N", None, text)
                    self.nouns[text] += 1
            parts.append(slot)
            pos = match.end()
        if pos < len(sentence):
            parts.append(sentence[pos:])
        merged: list[Part] = []
        for part in parts:
            if isinstance(part, str) and merged and isinstance(merged[-1], str):
                merged[-1] += part
            else:
                merged.append(part)
        return Template(tuple(merged), tuple(genders))


def _read_places(kb_dir: Path, kb: KnowledgeBase) -> list[str]:
    places: set[str] = set()
    path = kb_dir / "places.csv"
    if path.exists():
        with path.open(encoding="utf-8", newline="") as fh:
            places.update(row["name"].strip() for row in csv.DictReader(fh) if row["name"].strip())
    places.update(c.capital for c in kb.countries.values() if c.capital)
    return sorted(places)


def _fingerprint(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def build_bank(samples_dir: Path = SAMPLES_DIR, kb_dir: Path = KB_DIR) -> TemplateBank:
    """Templates and shapes from the sample articles, slots from the knowledge base."""
    kb = read_knowledge_base(kb_dir)
    places = _read_places(kb_dir, kb)
    abstractor = _Abstractor(kb, places)
    bank = TemplateBank()
    sample_paths = sorted(samples_dir.glob("*.txt"))
    for path in sample_paths:
        article = read_article(path)
        raw = path.read_text(encoding="utf-8")
        marker = article.published.precision if article.published else None
        inline = bool(marker) and not re.match(r"\s*date\s+\S+[ \t]*\r?\n", raw)
        blocks = [b for b in re.split(r"\n\s*\n", article.text.strip()) if b.strip()]
        shape = Shape(marker=marker, inline_marker=inline, headline=False, paragraphs=[])
        first_sentence = True
        for block_no, block in enumerate(blocks):
            lines: list[int | None] = []
            for line in block.splitlines():
                line = line.strip()
                if not line:
                    continue
                if _is_heading(line):
                    bank.headings.append(abstractor.template(line))
                    if block_no == 0 and not shape.paragraphs and not lines:
                        shape.headline = True
                    lines.append(None)
                    continue
                sentences = split_sentences(line)
                for sentence in sentences:
                    template = abstractor.template(sentence)
                    (bank.leads if first_sentence else bank.sentences).append(template)
                    first_sentence = False
                lines.append(len(sentences))
            shape.paragraphs.append(lines)
        bank.shapes.append(shape)
    bank.prefixes = sorted(n for n in abstractor.nouns if 4 <= len(n) <= 11)
    bank.fingerprint = _fingerprint([*sample_paths, *sorted(kb_dir.glob("*.csv")), Path(__file__)])
    return bank


# --- filling -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Actor:
    full: str
    surname: str
    country: str | None
    gender: str | None


class ArticleGenerator:
    """Deterministic articles: ``shard(k, n)`` always yields the same n articles for a seed."""

    def __init__(
        self,
        seed: int = DEFAULT_SEED,
        bank: TemplateBank | None = None,
        kb_dir: Path = KB_DIR,
        compound_rate: float = 0.25,
        prefix: str = "bench",
    ):
        self.seed = seed
        self.bank = bank or build_bank(kb_dir=kb_dir)
        self.compound_rate = compound_rate
        self.prefix = prefix
        kb = read_knowledge_base(kb_dir)
        self.kb = kb
        self.places = _read_places(kb_dir, kb)
        self.countries = sorted(kb.countries.values(), key=lambda c: c.iso3)
        self.genitives = [c.name + "s" for c in self.countries if c.name + "s" in c.names]
        self.adjectives = {c.iso3: c.adjectives[0] for c in self.countries if c.adjectives}
        self.adjective_list = sorted(self.adjectives.values())
        self.actors = {pid: self._actor(p) for pid, p in sorted(kb.persons.items())}
        self.by_gender: dict[str | None, list[_Actor]] = {}
        for actor in self.actors.values():
            self.by_gender.setdefault(actor.gender, []).append(actor)
        self.offices = sorted(kb.offices, key=lambda t: (t.start_date, t.person_id, t.role))

    @staticmethod
    def _actor(person) -> _Actor:
        short = [a for a in person.aliases if " " not in a and a[:1].isupper()]
        surname = short[0] if short else person.surname
        if surname in _RISKY_SURNAMES:
            surname = person.person_id
        return _Actor(person.person_id, surname, person.country_iso3, person.gender)

    def _cast(self, rng: random.Random, on: date) -> list[_Actor]:
        holders = sorted(
            {t.person_id for t in self.offices if t.start_date <= on and (t.end_date or on) >= on}
        )
        size = rng.randint(3, 6)
        chosen = rng.sample(holders, min(size, len(holders))) if holders else []
        if rng.random() < 0.3:
            chosen.append(rng.choice(sorted(self.actors)))
        return [self.actors[pid] for pid in chosen if pid in self.actors]

    def _person_for(
        self, rng: random.Random, gender: str | None, cast: list[_Actor], used: set[str]
    ) -> _Actor:
        candidates = [a for a in cast if a.full not in used and (gender is None or a.gender == gender)]
        if candidates and rng.random() < 0.9:
            return rng.choice(candidates)
        pool = self.by_gender.get(gender) or list(self.actors.values())
        return rng.choice(pool)

    def _noun(self, rng: random.Random, noun: str) -> str:
        if rng.random() >= self.compound_rate:
            return noun
        head = rng.choice(self.bank.prefixes)
        if head.lower() == noun.lower():
            return noun
        link = "s" if head.endswith(("heit", "keit", "ung", "tät", "ion", "schaft", "tum")) else ""
        return head + link + noun.lower()

    def _fill(self, rng: random.Random, template: Template, cast: list[_Actor], on: date) -> str:
        chosen: list[_Actor] = []
        used: set[str] = set()
        for gender in template.genders:
            actor = self._person_for(rng, gender, cast, used)
            used.add(actor.full)
            chosen.append(actor)
        out: list[str] = []
        for part in template.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            kind = part.kind
            if kind == "P":
                out.append(chosen[part.actor].full)
            elif kind == "S":
                out.append(chosen[part.actor].surname)
            elif kind == "G":
                name = chosen[part.actor].surname
                out.append(name + ("'" if name.endswith(("s", "ß", "x", "z")) else "s"))
            elif kind == "A":
                stem = None
                if part.actor is not None:
                    stem = self.adjectives.get(chosen[part.actor].country or "")
                out.append((stem or rng.choice(self.adjective_list)) + part.arg)
            elif kind == "C":
                out.append(rng.choice(self.countries).name)
            elif kind == "CG":
                out.append(rng.choice(self.genitives))
            elif kind == "L":
                out.append(rng.choice(self.places))
            elif kind == "WD":
                out.append(rng.choice(WEEKDAYS))
            elif kind == "DM":
                out.append(f"{rng.randint(1, 28)}. {rng.choice(MONTHS)}")
            elif kind == "MON":
                out.append(rng.choice(MONTHS))
            elif kind == "Y":
                out.append(str(on.year - rng.choice((0, 0, 0, 1, 2))))
            elif kind == "T":
                out.append(f"{rng.randint(6, 23):02d}:{rng.randint(0, 59):02d}")
            elif kind == "NUM":
                digits = int(part.arg)
                out.append(str(rng.randint(10 ** (digits - 1) if digits > 1 else 1, 10**digits - 1)))
            elif kind == "N":
                out.append(self._noun(rng, part.arg))
        return "".join(out)

    def article_text(self, rng: random.Random) -> str:
        bank = self.bank
        shape = rng.choice(bank.shapes)
        on = FIRST_DAY + timedelta(days=rng.randint(0, (LAST_DAY - FIRST_DAY).days))
        cast = self._cast(rng, on)
        paragraphs: list[str] = []
        lead_done = False
        for lines in shape.paragraphs:
            rendered: list[str] = []
            for count in lines:
                if count is None:
                    rendered.append(self._fill(rng, rng.choice(bank.headings), cast, on))
                    continue
                sentences = []
                for _ in range(count):
                    pool = bank.sentences if lead_done else bank.leads
                    sentences.append(self._fill(rng, rng.choice(pool), cast, on))
                    lead_done = True
                rendered.append(" ".join(sentences))
            paragraphs.append("\n".join(rendered))
        body = "\n\n".join(paragraphs) + "\n"
        if shape.marker == "day":
            marker = f"date {on.isoformat()}"
        elif shape.marker == "month":
            marker = f"date {on.year:04d}-{on.month:02d}"
        else:
            return body
        return f"{marker} {body}" if shape.inline_marker else f"{marker}\n{body}"

    def shard(self, shard: int, size: int) -> Iterator[tuple[str, str]]:
        """``size`` articles as (doc_id, text); doc_ids sort in generation order."""
        rng = random.Random(f"{self.seed}:{shard}")
        for index in range(size):
            yield f"{self.prefix}-{shard:05d}-{index:05d}", self.article_text(rng)

    def articles(self, count: int, shard_size: int = DEFAULT_SHARD_SIZE, start_shard: int = 0):
        """The first ``count`` articles of the stream starting at ``start_shard``."""
        shard = start_shard
        while count > 0:
            size = min(shard_size, count)
            yield from self.shard(shard, size)
            count -= size
            shard += 1


def write_corpus(
    out_dir: Path,
    count: int,
    seed: int = DEFAULT_SEED,
    fmt: str = "txt",
    shard_size: int = DEFAULT_SHARD_SIZE,
    start_shard: int = 0,
    generator: ArticleGenerator | None = None,
) -> dict:
    """Write ``count`` articles to ``out_dir``: one .txt per article (an inbox folder), or
    one JSONL file per shard ({"doc_id", "text"}). Returns counts for the caller's log."""
    generator = generator or ArticleGenerator(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    words = 0
    written = 0
    shard = start_shard
    remaining = count
    while remaining > 0:
        size = min(shard_size, remaining)
        if fmt == "jsonl":
            with (out_dir / f"shard-{shard:05d}.jsonl").open("w", encoding="utf-8") as fh:
                for doc_id, text in generator.shard(shard, size):
                    fh.write(json.dumps({"doc_id": doc_id, "text": text}, ensure_ascii=False) + "\n")
                    words += len(text.split())
        else:
            for doc_id, text in generator.shard(shard, size):
                (out_dir / f"{doc_id}.txt").write_text(text, encoding="utf-8")
                words += len(text.split())
        written += size
        remaining -= size
        shard += 1
    return {
        "articles": written,
        "words": words,
        "seed": seed,
        "shards": [start_shard, shard - 1],
        "generator_fingerprint": generator.bank.fingerprint,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generator", description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--format", choices=("txt", "jsonl"), default="txt")
    parser.add_argument("--shard-size", type=int, default=DEFAULT_SHARD_SIZE)
    parser.add_argument("--start-shard", type=int, default=0)
    args = parser.parse_args(argv)
    stats = write_corpus(
        args.out_dir, args.articles, args.seed, args.format, args.shard_size, args.start_shard
    )
    print(json.dumps(stats), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
