"""Shared fixtures: a temporary warehouse and inbox (via the CONTACTS_* variables) and a
hand-written fake extractor that stands in for the spaCy pipeline."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# `pytest` run directly (not `python -m pytest`) does not put the repo root on sys.path.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from orchestration.resources import ExtractorResource  # noqa: E402
from transforms.articles import Article  # noqa: E402
from transforms.records import ArticleExtraction, ContactRecord, EntityMention, Participant  # noqa: E402

SAMPLE_INBOX = REPO_ROOT / "data" / "samples" / "articles"

# Small German articles written for the tests: a day marker on its own line, an inline
# month marker, and no marker at all.
ARTICLES = {
    "2025-03-14-wadephul-rubio.txt": (
        "date 2025-03-14\n"
        "Außenminister Johann Wadephul hat am Freitag in Washington seinen Amtskollegen "
        "Marco Rubio getroffen. Die beiden sprachen über die Ukraine und die Nato."
    ),
    "2025-04-sybiha-telefonat.txt": (
        "date 2025-04 Wadephul telefonierte mit dem ukrainischen Außenminister Andrij Sybiha. "
        "Thema war ein möglicher Waffenstillstand."
    ),
    "merz-macron.txt": (
        "Bundeskanzler Friedrich Merz traf in Berlin den französischen Präsidenten Emmanuel Macron. "
        "Es ging um die europäische Sicherheit."
    ),
}
REJECTED = {
    "leer.txt": b"   \n",
    "kaputt.txt": b"date 2025-01-02\n\x00\x01\x02 binary",
    # Neither UTF-8 nor Windows-1252 (0x81 and 0x8D are unassigned there): undecodable.
    # (Latin-1 text is decoded, not rejected.)
    "undecodable.txt": b"Au\x81enminister Wadephul traf Rubio in M\x8dnchen.",
}


def write_inbox(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    for name, data in REJECTED.items():
        (folder / name).write_bytes(data)
    # Not an article suffix: must be ignored, not rejected.
    (folder / "notizen.md").write_text("keine Meldung", encoding="utf-8")
    return folder


@pytest.fixture
def warehouse_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "warehouse" / "contacts.duckdb"
    monkeypatch.setenv("CONTACTS_WAREHOUSE", str(path))
    return path


@pytest.fixture
def inbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = write_inbox(tmp_path / "inbox")
    monkeypatch.setenv("CONTACTS_INBOX", str(folder))
    return folder


# A tiny knowledge base in the format of transforms/kb, so the raw assets can be tested
# without depending on the curated files.
KNOWLEDGE_BASE = {
    "countries.csv": (
        "iso3,name,names,adjective,prefixes,capital,metonyms\n"
        "DEU,Deutschland,Deutschland|Bundesrepublik,deutsch,Bundes,Berlin,Berlin\n"
        "USA,Vereinigte Staaten,USA|Vereinigte Staaten,amerikanisch|US,US,Washington,Washington\n"
        "UKR,Ukraine,Ukraine,ukrainisch,,Kiew,Kiew\n"
        "FRA,Frankreich,Frankreich,französisch,,Paris,Paris|Élysée\n"
    ),
    "persons.csv": (
        "person_id,country_iso3,gender,aliases\n"
        "Johann Wadephul,DEU,m,Wadephul\n"
        "Marco Rubio,USA,m,Rubio\n"
        "Andrij Sybiha,UKR,m,Sybiha|Sybiga\n"
        "Friedrich Merz,DEU,m,Merz\n"
        "Emmanuel Macron,FRA,m,Macron\n"
    ),
    "offices.csv": (
        "person_id,role,jurisdiction,start_date,end_date\n"
        "Johann Wadephul,foreign_minister,DEU,2025-05-06,\n"
        "Friedrich Merz,head_of_government,DEU,2025-05-06,\n"
        "Marco Rubio,foreign_minister,USA,2025-01-21,\n"
    ),
    "roles.csv": (
        "term,role,jurisdiction\nAußenminister,foreign_minister,\nBundeskanzler,head_of_government,DEU\n"
    ),
    "organizations.csv": "actor_id,kind,name,aliases,members\norg@NATO,organization,Nato,NATO|Nato,\n",
    "topics.csv": "topic,patterns\nukraine_war,Ukraine|Krieg\nnato,Nato|NATO\n",
}


@pytest.fixture(autouse=True)
def knowledge_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test reads the tiny knowledge base unless it opts into the real one."""
    folder = tmp_path / "kb"
    folder.mkdir()
    for name, text in KNOWLEDGE_BASE.items():
        (folder / name).write_text(text, encoding="utf-8")
    monkeypatch.setenv("CONTACTS_KB_DIR", str(folder))
    return folder


# --- the fake extractor ---------------------------------------------------------------

FAKE_PEOPLE = {
    "Wadephul": ("Johann Wadephul", "DEU"),
    "Rubio": ("Marco Rubio", "USA"),
    "Sybiha": ("Andrij Sybiha", "UKR"),
    "Merz": ("Friedrich Merz", "DEU"),
    "Macron": ("Emmanuel Macron", "FRA"),
}
FAKE_TRIGGERS = {"getroffen": "meeting", "traf": "meeting", "telefonierte": "phone_call"}
FAKE_TOPICS = {"Ukraine": "ukraine_war", "Nato": "nato", "Sicherheit": "european_security"}
_SENTENCE = re.compile(r"[^.]+\.?")


def fake_extract(article: Article) -> ArticleExtraction:
    """One contact per sentence that has a trigger word and two known people."""
    result = ArticleExtraction(doc_id=article.doc_id)
    topics = tuple(sorted({t for word, t in FAKE_TOPICS.items() if word in article.text}))
    for sentence in _SENTENCE.finditer(article.text):
        start = sentence.start() + len(sentence.group()) - len(sentence.group().lstrip())
        evidence = sentence.group().strip()
        participants = []
        for surname, (person, iso3) in FAKE_PEOPLE.items():
            for hit in re.finditer(surname, evidence):
                offset = start + hit.start()
                result.entities.append(
                    EntityMention(
                        doc_id=article.doc_id,
                        start_char=offset,
                        end_char=offset + len(surname),
                        mention_text=surname,
                        entity_label="PERSON",
                        actor_id=person,
                        actor_kind="person",
                        country_iso3=iso3,
                        role=None,
                        is_kb_linked=True,
                    )
                )
                participants.append(Participant(person, "person", iso3, None, surname, True))
        trigger = next((w for w in FAKE_TRIGGERS if re.search(rf"\b{w}\b", evidence)), None)
        if trigger and len({p.actor_id for p in participants}) >= 2:
            published = article.published
            date = None
            if published is not None:
                value = published.value.isoformat()
                date = value if published.precision == "day" else value[:7]
            result.contacts.append(
                ContactRecord(
                    doc_id=article.doc_id,
                    contact_type=FAKE_TRIGGERS[trigger],
                    status="occurred",
                    participants=tuple(participants),
                    date=date,
                    location="Berlin" if "Berlin" in evidence else None,
                    topics=topics,
                    evidence=evidence,
                    evidence_start_char=start,
                    evidence_end_char=start + len(evidence),
                    trigger_text=trigger,
                    confidence=0.9,
                )
            )
    return result


class FakeExtractor(ExtractorResource):
    """Stands in for the spaCy extractor; ``version_tag`` plays the extractor version."""

    version_tag: str = "fake-1"

    def version(self) -> str:
        return self.version_tag

    def extract(self, articles: Sequence[Article]) -> list[ArticleExtraction]:
        return [fake_extract(a) for a in articles]


@pytest.fixture
def fake_extractor() -> FakeExtractor:
    return FakeExtractor()


@pytest.fixture
def fake_extractor_cls() -> type[FakeExtractor]:
    return FakeExtractor


class Corpus:
    """The hand-written test articles, for tests that need the file names or texts."""

    articles = ARTICLES
    rejected = REJECTED

    @staticmethod
    def write(folder: Path) -> Path:
        return write_inbox(folder)


@pytest.fixture
def corpus() -> type[Corpus]:
    return Corpus
