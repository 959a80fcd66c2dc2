"""Contact records, entity mentions, and their tabular form (the raw DuckDB layer).

The record classes are what the extractor returns; ``to_schema`` gives the evaluation
form of ../shared/eval/SCHEMA.md, and the ``*_frame`` functions give polars frames with
fixed schemas, one per raw table. The frame schemas are the contract with the dbt
staging models: change them together.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import polars as pl

from transforms.articles import Article, Rejection
from transforms.frozen import fast_init

CONTACT_TYPES = ("phone_call", "meeting", "visit", "multilateral", "negotiation")
STATUSES = ("occurred", "planned")
DATE_PRECISIONS = ("day", "month")
ACTOR_KINDS = ("person", "office", "organization", "group", "delegation", "country")
TOPICS = (
    "ukraine_war",
    "russia_relations",
    "nato",
    "middle_east",
    "syria",
    "gaza",
    "china",
    "iran_nuclear",
    "sanctions",
    "security_guarantees",
    "peace_talks",
    "bilateral_relations",
    "transatlantic",
    "european_security",
    "trade",
    "prisoner_exchange",
    "other",
)


@fast_init
@dataclass(frozen=True, slots=True)
class Participant:
    """One actor taking part in a contact, resolved as far as the knowledge allows.

    ``actor_id`` follows SCHEMA.md: a person's full name, ``role@ISO3`` for an unnamed
    office holder, ``delegation@ISO3``, ``org@NATO``, ``group@G7``.
    """

    actor_id: str
    actor_kind: str
    country_iso3: str | None
    role: str | None
    mention_text: str
    is_kb_linked: bool


@fast_init
@dataclass(frozen=True, slots=True)
class ContactRecord:
    doc_id: str
    contact_type: str
    status: str
    participants: tuple[Participant, ...]
    date: str | None  # "YYYY-MM-DD" or "YYYY-MM"
    location: str | None
    topics: tuple[str, ...]
    evidence: str
    evidence_start_char: int
    evidence_end_char: int
    trigger_text: str
    confidence: float

    @property
    def date_precision(self) -> str | None:
        if self.date is None:
            return None
        return "day" if len(self.date) == 10 else "month"

    @property
    def contact_date(self) -> date | None:
        if self.date is None:
            return None
        return date.fromisoformat(self.date if len(self.date) == 10 else f"{self.date}-01")

    @property
    def participant_ids(self) -> tuple[str, ...]:
        return tuple(sorted({p.actor_id for p in self.participants}))

    @property
    def mention_id(self) -> str:
        # Deterministic, so re-extracting an unchanged article yields the same ids.
        key = "|".join(
            (
                self.doc_id,
                str(self.evidence_start_char),
                self.contact_type,
                ",".join(self.participant_ids),
                self.location or "",
            )
        )
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    def to_schema(self) -> dict:
        """The evaluation form (SCHEMA.md), as scored by ../shared/eval/score.py."""
        return {
            "doc_id": self.doc_id,
            "type": self.contact_type,
            "status": self.status,
            "participants": list(self.participant_ids),
            "date": self.date,
            "location": self.location,
            "topics": sorted(set(self.topics)),
            "evidence": self.evidence,
        }


@fast_init
@dataclass(frozen=True, slots=True)
class EntityMention:
    """An actor mention in an article, linked to the knowledge base or not."""

    doc_id: str
    start_char: int
    end_char: int
    mention_text: str
    entity_label: str  # PERSON, ROLE, COUNTRY, ORG, GROUP
    actor_id: str | None
    actor_kind: str | None
    country_iso3: str | None
    role: str | None
    is_kb_linked: bool

    @property
    def entity_mention_id(self) -> str:
        return f"{self.doc_id}:{self.start_char}-{self.end_char}"


@dataclass(slots=True)
class ArticleExtraction:
    doc_id: str
    contacts: list[ContactRecord] = field(default_factory=list)
    entities: list[EntityMention] = field(default_factory=list)


# --- raw table schemas -------------------------------------------------------------

ARTICLES_SCHEMA = {
    "doc_id": pl.String,
    "content_hash": pl.String,
    "published_date": pl.Date,
    "published_date_precision": pl.String,
    "title": pl.String,
    "source_url": pl.String,
    "text": pl.String,
    "count_words": pl.Int32,
    "source_path": pl.String,
    "ingested_at": pl.Datetime("us", "UTC"),
}
REJECTED_INPUTS_SCHEMA = {
    "source_path": pl.String,
    "doc_id": pl.String,
    "reason": pl.String,
    "content_hash": pl.String,
    "rejected_at": pl.Datetime("us", "UTC"),
}
CONTACT_MENTIONS_SCHEMA = {
    "mention_id": pl.String,
    "doc_id": pl.String,
    "contact_type": pl.String,
    "status": pl.String,
    "contact_date": pl.Date,
    "contact_date_precision": pl.String,
    "location": pl.String,
    "evidence": pl.String,
    "evidence_start_char": pl.Int32,
    "evidence_end_char": pl.Int32,
    "trigger_text": pl.String,
    "confidence": pl.Float64,
    "extractor_version": pl.String,
}
CONTACT_PARTICIPANTS_SCHEMA = {
    "mention_id": pl.String,
    "doc_id": pl.String,
    "actor_id": pl.String,
    "actor_kind": pl.String,
    "country_iso3": pl.String,
    "role": pl.String,
    "mention_text": pl.String,
    "is_kb_linked": pl.Boolean,
}
CONTACT_TOPICS_SCHEMA = {
    "mention_id": pl.String,
    "doc_id": pl.String,
    "topic": pl.String,
}
ENTITY_MENTIONS_SCHEMA = {
    "entity_mention_id": pl.String,
    "doc_id": pl.String,
    "start_char": pl.Int32,
    "end_char": pl.Int32,
    "mention_text": pl.String,
    "entity_label": pl.String,
    "actor_id": pl.String,
    "actor_kind": pl.String,
    "country_iso3": pl.String,
    "role": pl.String,
    "is_kb_linked": pl.Boolean,
    "extractor_version": pl.String,
}


def articles_frame(articles: Sequence[Article], ingested_at: datetime | None = None) -> pl.DataFrame:
    ingested_at = ingested_at or datetime.now(UTC)
    rows = [
        {
            "doc_id": a.doc_id,
            "content_hash": a.content_hash,
            "published_date": a.published_date,
            "published_date_precision": a.published_date_precision,
            "title": a.title,
            "source_url": a.source_url,
            "text": a.text,
            "count_words": len(a.text.split()),
            "source_path": a.source_path,
            "ingested_at": ingested_at,
        }
        for a in articles
    ]
    return pl.DataFrame(rows, schema=ARTICLES_SCHEMA)


def rejections_frame(rejections: Sequence[Rejection], rejected_at: datetime | None = None) -> pl.DataFrame:
    rejected_at = rejected_at or datetime.now(UTC)
    rows = [
        {
            "source_path": r.source_path,
            "doc_id": r.doc_id,
            "reason": r.reason,
            "content_hash": r.content_hash,
            "rejected_at": rejected_at,
        }
        for r in rejections
    ]
    return pl.DataFrame(rows, schema=REJECTED_INPUTS_SCHEMA)


@dataclass(frozen=True, slots=True)
class ExtractionFrames:
    contact_mentions: pl.DataFrame
    contact_participants: pl.DataFrame
    contact_topics: pl.DataFrame
    entity_mentions: pl.DataFrame

    def as_dict(self) -> dict[str, pl.DataFrame]:
        return {
            "contact_mentions": self.contact_mentions,
            "contact_participants": self.contact_participants,
            "contact_topics": self.contact_topics,
            "entity_mentions": self.entity_mentions,
        }


def extraction_frames(extractions: Iterable[ArticleExtraction], extractor_version: str) -> ExtractionFrames:
    mentions: list[dict] = []
    participants: list[dict] = []
    topics: list[dict] = []
    entities: list[dict] = []
    for extraction in extractions:
        seen_mentions: set[str] = set()
        for rec in extraction.contacts:
            mention_id = rec.mention_id
            if mention_id in seen_mentions:
                continue
            seen_mentions.add(mention_id)
            mentions.append(
                {
                    "mention_id": mention_id,
                    "doc_id": rec.doc_id,
                    "contact_type": rec.contact_type,
                    "status": rec.status,
                    "contact_date": rec.contact_date,
                    "contact_date_precision": rec.date_precision,
                    "location": rec.location,
                    "evidence": rec.evidence,
                    "evidence_start_char": rec.evidence_start_char,
                    "evidence_end_char": rec.evidence_end_char,
                    "trigger_text": rec.trigger_text,
                    "confidence": rec.confidence,
                    "extractor_version": extractor_version,
                }
            )
            seen_actors: set[str] = set()
            for p in rec.participants:
                if p.actor_id in seen_actors:
                    continue
                seen_actors.add(p.actor_id)
                participants.append(
                    {
                        "mention_id": mention_id,
                        "doc_id": rec.doc_id,
                        "actor_id": p.actor_id,
                        "actor_kind": p.actor_kind,
                        "country_iso3": p.country_iso3,
                        "role": p.role,
                        "mention_text": p.mention_text,
                        "is_kb_linked": p.is_kb_linked,
                    }
                )
            for topic in sorted(set(rec.topics)):
                topics.append({"mention_id": mention_id, "doc_id": rec.doc_id, "topic": topic})
        seen_entities: set[str] = set()
        for ent in extraction.entities:
            if ent.entity_mention_id in seen_entities:
                continue
            seen_entities.add(ent.entity_mention_id)
            entities.append(
                {
                    "entity_mention_id": ent.entity_mention_id,
                    "doc_id": ent.doc_id,
                    "start_char": ent.start_char,
                    "end_char": ent.end_char,
                    "mention_text": ent.mention_text,
                    "entity_label": ent.entity_label,
                    "actor_id": ent.actor_id,
                    "actor_kind": ent.actor_kind,
                    "country_iso3": ent.country_iso3,
                    "role": ent.role,
                    "is_kb_linked": ent.is_kb_linked,
                    "extractor_version": extractor_version,
                }
            )
    return ExtractionFrames(
        contact_mentions=pl.DataFrame(mentions, schema=CONTACT_MENTIONS_SCHEMA),
        contact_participants=pl.DataFrame(participants, schema=CONTACT_PARTICIPANTS_SCHEMA),
        contact_topics=pl.DataFrame(topics, schema=CONTACT_TOPICS_SCHEMA),
        entity_mentions=pl.DataFrame(entities, schema=ENTITY_MENTIONS_SCHEMA),
    )
