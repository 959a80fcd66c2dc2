"""The dbt project (dbt_project/) built end to end on a small hand-written raw layer.

A temporary DuckDB file gets schema ``raw`` filled from polars frames that use the
contract schemas (``transforms.records.*_SCHEMA`` and ``transforms.knowledge.knowledge_frames``);
then ``dbt build`` runs every model, data test and unit test against it, and the marts are
checked against what the fixture implies.

The fixture, by article (publication date):
- a1 (2025-02-13): Rubio phoned Lawrow on 2025-02-12; Baerbock will meet Wang Yi on 2025-03-05 (planned).
- a2 (2025-02, month only): the same Rubio-Lawrow call, dated only "im Februar".
- a3 (2025-03-06): Baerbock met Wang Yi in Peking on 2025-03-05; undated US-Russian talks in Riad.
- a4 (no date): another Rubio-Lawrow call on 2025-03-10; undated US-Ukrainian talks.
- a5 (2025-04-02): Rubio met the German foreign-policy adviser on 2025-04-01; an undated
  look back at the Baerbock-Wang meeting (joins it: the only such meeting).

Planned and occurred contacts are separate meetings; a1's plan links to a3's meeting.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from transforms.knowledge import Country, KnowledgeBase, OfficeTerm, Organization, Person, knowledge_frames
from transforms.records import (
    ARTICLES_SCHEMA,
    CONTACT_MENTIONS_SCHEMA,
    CONTACT_PARTICIPANTS_SCHEMA,
    CONTACT_TOPICS_SCHEMA,
    ENTITY_MENTIONS_SCHEMA,
    REJECTED_INPUTS_SCHEMA,
)
from transforms.warehouse import EXTRACTION_STATE_SCHEMA

ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = ROOT / "dbt_project"
# The dbt next to this interpreter (the project venv), else whatever is on PATH.
DBT = Path(sys.executable).parent / "dbt"
if not DBT.exists():
    DBT = Path(shutil.which("dbt") or "dbt")
VERSION = "test-1"
LOADED_AT = datetime(2025, 4, 3, 8, 0, tzinfo=UTC)
EXTRACTED_AT = datetime(2025, 4, 3, 8, 5, tzinfo=UTC)

RUBIO, LAWROW, BAERBOCK, WANG = "Marco Rubio", "Sergej Lawrow", "Annalena Baerbock", "Wang Yi"


def meeting_id(contact_type: str, participants: list[str], anchor: str, status: str = "occurred") -> str:
    """The id int_meetings_deduplicated gives a meeting (md5 of type|status|sorted ids|anchor)."""
    key = f"{contact_type}|{status}|{';'.join(sorted(participants))}|{anchor}"
    return hashlib.md5(key.encode("utf-8")).hexdigest()


# --- the raw layer -----------------------------------------------------------------


def _article(doc_id: str, published: date | None, precision: str | None, text: str) -> dict:
    return {
        "doc_id": doc_id,
        "content_hash": hashlib.sha256(text.encode()).hexdigest(),
        "published_date": published,
        "published_date_precision": precision,
        "title": f"Titel {doc_id}",
        "source_url": f"https://example.org/{doc_id}",
        "text": text,
        "count_words": len(text.split()),
        "source_path": f"/inbox/{doc_id}.txt",
        "ingested_at": LOADED_AT,
    }


ARTICLES = [
    _article("a1", date(2025, 2, 13), "day", "Rubio telefonierte am Mittwoch mit Lawrow."),
    _article("a2", date(2025, 2, 1), "month", "Im Februar sprachen Rubio und Lawrow am Telefon."),
    _article("a3", date(2025, 3, 6), "day", "Baerbock traf Wang Yi in Peking. Gespräche in Riad."),
    _article("a4", None, None, "Rubio rief Lawrow am 10. März an. Verhandlungen mit Kiew."),
    _article("a5", date(2025, 4, 2), "day", "Rubio empfing den außenpolitischen Berater."),
]

# (mention_id, doc_id, type, status, date, precision, location, confidence, participants, topics)
# fmt: off
MENTIONS = [
    ("a1-call", "a1", "phone_call", "occurred", date(2025, 2, 12), "day", None, 0.80,
     [RUBIO, LAWROW], ["ukraine_war"]),
    ("a1-plan", "a1", "meeting", "planned", date(2025, 3, 5), "day", "Peking", 0.70,
     [BAERBOCK, WANG], ["china"]),
    ("a2-call", "a2", "phone_call", "occurred", date(2025, 2, 1), "month", None, 0.90,
     [LAWROW, RUBIO], ["ukraine_war", "russia_relations"]),
    ("a3-meet", "a3", "meeting", "occurred", date(2025, 3, 5), "day", "Peking", 0.95,
     [BAERBOCK, WANG], ["china", "bilateral_relations"]),
    ("a3-talks", "a3", "negotiation", "occurred", None, None, "Riad", 0.60,
     ["delegation@USA", "delegation@RUS"], ["peace_talks"]),
    ("a4-call", "a4", "phone_call", "occurred", date(2025, 3, 10), "day", None, 0.85,
     [RUBIO, LAWROW], ["ukraine_war"]),
    ("a4-talks", "a4", "negotiation", "planned", None, None, None, 0.50,
     ["delegation@USA", "delegation@UKR"], ["ukraine_war"]),
    ("a5-meet", "a5", "meeting", "occurred", date(2025, 4, 1), "day", "Washington", 0.75,
     [RUBIO, "foreign_policy_adviser@DEU"], ["transatlantic"]),
    ("a5-back", "a5", "meeting", "occurred", None, None, None, 0.65,
     [WANG, BAERBOCK], ["china"]),
]
# fmt: on

KINDS = {
    RUBIO: ("person", "USA", "foreign_minister", True),
    LAWROW: ("person", "RUS", "foreign_minister", True),
    BAERBOCK: ("person", "DEU", "foreign_minister", True),
    WANG: ("person", "CHN", "foreign_minister", True),
    "delegation@USA": ("delegation", "USA", None, False),
    "delegation@RUS": ("delegation", "RUS", None, False),
    "delegation@UKR": ("delegation", "UKR", None, False),
    "foreign_policy_adviser@DEU": ("office", "DEU", "foreign_policy_adviser", False),
}


def extraction_tables() -> dict[str, pl.DataFrame]:
    mentions, participants, topics = [], [], []
    for n, (mid, doc, ctype, status, day, precision, location, conf, actors, tags) in enumerate(MENTIONS):
        mentions.append(
            {
                "mention_id": mid,
                "doc_id": doc,
                "contact_type": ctype,
                "status": status,
                "contact_date": day,
                "contact_date_precision": precision,
                "location": location,
                "evidence": f"Evidence of {mid}.",
                "evidence_start_char": 10 * n,
                "evidence_end_char": 10 * n + 9,
                "trigger_text": "traf",
                "confidence": conf,
                "extractor_version": VERSION,
            }
        )
        for actor in actors:
            kind, iso3, role, linked = KINDS[actor]
            participants.append(
                {
                    "mention_id": mid,
                    "doc_id": doc,
                    "actor_id": actor,
                    "actor_kind": kind,
                    "country_iso3": iso3,
                    "role": role,
                    "mention_text": actor.split()[-1],
                    "is_kb_linked": linked,
                }
            )
        topics += [{"mention_id": mid, "doc_id": doc, "topic": t} for t in tags]
    entities = [
        {
            "entity_mention_id": f"a1:{start}-{start + 5}",
            "doc_id": "a1",
            "start_char": start,
            "end_char": start + 5,
            "mention_text": actor.split()[-1],
            "entity_label": "PERSON",
            "actor_id": actor,
            "actor_kind": "person",
            "country_iso3": KINDS[actor][1],
            "role": None,
            "is_kb_linked": True,
            "extractor_version": VERSION,
        }
        for start, actor in ((0, RUBIO), (27, LAWROW))
    ]
    return {
        "contact_mentions": pl.DataFrame(mentions, schema=CONTACT_MENTIONS_SCHEMA),
        "contact_participants": pl.DataFrame(participants, schema=CONTACT_PARTICIPANTS_SCHEMA),
        "contact_topics": pl.DataFrame(topics, schema=CONTACT_TOPICS_SCHEMA),
        "entity_mentions": pl.DataFrame(entities, schema=ENTITY_MENTIONS_SCHEMA),
    }


def knowledge_base() -> KnowledgeBase:
    def country(iso3: str, name: str) -> Country:
        return Country(iso3, name, (name,), (), (), None, ())

    def person(name: str, iso3: str, gender: str) -> Person:
        return Person(name, iso3, gender, (name.split()[-1],))

    persons = [
        person(RUBIO, "USA", "m"),
        person(LAWROW, "RUS", "m"),
        person(BAERBOCK, "DEU", "f"),
        person(WANG, "CHN", "m"),
        person("Johann Wadephul", "DEU", "m"),
    ]
    offices = [
        OfficeTerm(RUBIO, "foreign_minister", "USA", date(2025, 1, 21), None),
        OfficeTerm(LAWROW, "foreign_minister", "RUS", date(2004, 3, 9), None),
        OfficeTerm(BAERBOCK, "foreign_minister", "DEU", date(2021, 12, 8), date(2025, 5, 6)),
        OfficeTerm("Johann Wadephul", "foreign_minister", "DEU", date(2025, 5, 6), None),
        OfficeTerm(WANG, "foreign_minister", "CHN", date(2022, 12, 30), None),
    ]
    organizations = [
        Organization("org@NATO", "organization", "NATO", ("Nato",), ()),
        Organization("group@G7", "group", "G7", (), ("DEU", "USA")),
    ]
    countries = [
        country("CHN", "China"),
        country("DEU", "Deutschland"),
        country("RUS", "Russland"),
        country("UKR", "Ukraine"),
        country("USA", "Vereinigte Staaten"),
    ]
    return KnowledgeBase(
        directory=Path("fixture"),
        fingerprint="fixture",
        countries={c.iso3: c for c in countries},
        persons={p.person_id: p for p in persons},
        offices=offices,
        roles=[],
        organizations={o.actor_id: o for o in organizations},
        topics={},
    )


def raw_tables() -> dict[str, pl.DataFrame]:
    rejected = [
        {
            "source_path": "/inbox/broken.txt",
            "doc_id": "broken",
            "reason": "not valid UTF-8",
            "content_hash": "00",
            "rejected_at": LOADED_AT,
        }
    ]
    state = [
        {
            "doc_id": a["doc_id"],
            "content_hash": a["content_hash"],
            "extractor_version": VERSION,
            "extracted_at": EXTRACTED_AT,
        }
        for a in ARTICLES
    ]
    return {
        "articles": pl.DataFrame(ARTICLES, schema=ARTICLES_SCHEMA),
        "rejected_inputs": pl.DataFrame(rejected, schema=REJECTED_INPUTS_SCHEMA),
        "extraction_state": pl.DataFrame(state, schema=EXTRACTION_STATE_SCHEMA),
        **extraction_tables(),
        **knowledge_frames(knowledge_base()),
    }


def write_raw_layer(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        for name, frame in raw_tables().items():
            con.register("incoming", frame)
            con.execute(f"create table raw.{name} as select * from incoming")
            con.unregister("incoming")


# --- running dbt -------------------------------------------------------------------


def run_dbt(args: list[str], warehouse: Path, work: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CONTACTS_WAREHOUSE": str(warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [
        str(DBT),
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    work = tmp_path_factory.mktemp("dbt")
    warehouse = work / "contacts.duckdb"
    write_raw_layer(warehouse)
    result = run_dbt(["build"], warehouse, work)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    run_results = json.loads((work / "target" / "run_results.json").read_text())["results"]
    return warehouse, run_results


def query(warehouse: Path, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql(sql).pl()


# --- tests -------------------------------------------------------------------------

MODELS = {
    "stg_news__articles",
    "stg_news__rejected_inputs",
    "stg_news__contact_mentions",
    "stg_news__contact_participants",
    "stg_news__contact_topics",
    "stg_news__entity_mentions",
    "stg_news__extraction_state",
    "stg_knowledge__actors",
    "stg_knowledge__offices",
    "stg_knowledge__countries",
    "int_articles__load_versions",
    "int_contact_mentions__participant_sets",
    "int_meetings_deduplicated",
    "dim_actors",
    "fct_meetings",
    "fct_meeting_participants",
    "fct_contact_mentions",
    "fct_meeting_topics",
    "rpt_topics_by_month",
    "rpt_actor_pairs_by_month",
    "rpt_country_dyads_by_month",
}
MARTS = {name for name in MODELS if name.startswith(("dim_", "fct_", "rpt_"))}

CALL = meeting_id("phone_call", [RUBIO, LAWROW], "2025-02-12")
SECOND_CALL = meeting_id("phone_call", [RUBIO, LAWROW], "2025-03-10")
VISIT = meeting_id("meeting", [BAERBOCK, WANG], "2025-03-05")
VISIT_PLAN = meeting_id("meeting", [BAERBOCK, WANG], "2025-03-05", status="planned")
TALKS = meeting_id("negotiation", ["delegation@RUS", "delegation@USA"], "undated")
TALKS_PLAN = meeting_id("negotiation", ["delegation@UKR", "delegation@USA"], "undated", status="planned")
ADVISER = meeting_id("meeting", [RUBIO, "foreign_policy_adviser@DEU"], "2025-04-01")


def test_build_runs_every_model_and_test_cleanly(built):
    _, results = built
    statuses = {r["unique_id"]: r["status"] for r in results}
    not_clean = {uid: s for uid, s in statuses.items() if s not in ("success", "pass")}
    assert not not_clean, not_clean  # warnings count as failures here

    models = {uid.split(".")[-1] for uid in statuses if uid.startswith("model.")}
    assert models == MODELS
    unit_tests = [uid for uid in statuses if uid.startswith("unit_test.")]
    assert len(unit_tests) >= 14
    assert sum(uid.startswith("test.") for uid in statuses) > 50


def test_every_model_and_column_is_described_and_marts_have_contracts(built):
    warehouse, _ = built
    manifest = json.loads((warehouse.parent / "target" / "manifest.json").read_text())
    models = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for name, node in models.items():
            assert node["description"].strip(), f"{name} has no description"
            assert "grain" in node["description"], f"{name}: the description does not state the grain"
            actual = [
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [node["schema"], name],
                ).fetchall()
            ]
            assert actual == list(node["columns"]), f"{name}: YAML columns differ from the relation"
            for column, spec in node["columns"].items():
                assert spec["description"].strip(), f"{name}.{column} has no description"
                if name in MARTS:
                    assert spec["data_type"], f"{name}.{column} has no data_type"
            if name in MARTS:
                assert node["config"]["contract"]["enforced"], f"{name} has no enforced contract"


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ("null as contact_type", "NOT NULL"),
        ("'maybe' as status", "CHECK"),
        ("not is_planned as is_planned", "CHECK"),
        ("0 as count_articles", "CHECK"),
    ],
)
def test_marts_reject_rows_that_break_their_row_rules(built, change, rule):
    """Row rules of the marts are constraints (_marts__models.yml): DuckDB refuses a bad row."""
    warehouse, _ = built
    with duckdb.connect(str(warehouse)) as con:
        con.execute("begin")
        try:
            with pytest.raises(duckdb.ConstraintException, match=rule):
                con.execute(
                    f"insert into marts.fct_meetings select * replace ('bad' as meeting_id, {change}) "
                    "from marts.fct_meetings limit 1"
                )
        finally:
            con.execute("rollback")


def test_relations_land_in_verbatim_schemas(built):
    warehouse, _ = built
    rows = query(
        warehouse,
        "select table_schema, table_name, table_type from information_schema.tables "
        "where table_schema in ('staging', 'intermediate', 'marts')",
    )
    kinds = {(r["table_schema"], r["table_name"]): r["table_type"] for r in rows.iter_rows(named=True)}
    assert kinds[("staging", "stg_news__contact_mentions")] == "VIEW"
    assert kinds[("intermediate", "int_articles__load_versions")] == "VIEW"
    # Incremental models are tables.
    assert kinds[("intermediate", "int_meetings_deduplicated")] == "BASE TABLE"
    assert kinds[("marts", "fct_meetings")] == "BASE TABLE"
    assert kinds[("marts", "rpt_topics_by_month")] == "BASE TABLE"
    assert len(kinds) == len(MODELS)


def test_fct_meetings_merges_mentions_across_articles(built):
    warehouse, _ = built
    meetings = query(warehouse, "select * from marts.fct_meetings order by meeting_id")
    by_id = {r["meeting_id"]: r for r in meetings.iter_rows(named=True)}
    assert set(by_id) == {CALL, SECOND_CALL, VISIT, VISIT_PLAN, TALKS, TALKS_PLAN, ADVISER}

    # The same call, reported with a day (a1) and with a month (a2): one meeting.
    call = by_id[CALL]
    assert (call["count_mentions"], call["count_articles"]) == (2, 2)
    assert call["meeting_date"] == date(2025, 2, 12)
    assert call["meeting_date_precision"] == "day"
    assert call["status"] == "occurred" and not call["is_planned"]
    assert call["first_reported_date"] == date(2025, 2, 1)
    assert call["best_mention_id"] == "a2-call"  # highest confidence
    assert call["evidence"] == "Evidence of a2-call."
    assert call["participant_key"] == "Marco Rubio;Sergej Lawrow"
    assert call["last_loaded_at"] == EXTRACTED_AT

    # Another call between the same people on another day: its own meeting.
    second = by_id[SECOND_CALL]
    assert second["count_mentions"] == 1
    assert second["first_reported_date"] is None

    # Occurred (a3) + undated look-back (a5) are one meeting; a1's plan is a meeting of its
    # own that points to it.
    visit = by_id[VISIT]
    assert (visit["count_mentions"], visit["count_articles"]) == (2, 2)
    assert visit["location"] == "Peking"
    assert visit["best_mention_id"] == "a3-meet"
    assert (visit["count_announcements"], visit["first_announced_date"]) == (1, date(2025, 2, 13))
    plan = by_id[VISIT_PLAN]
    assert plan["status"] == "planned" and plan["is_planned"]
    assert plan["occurred_meeting_id"] == VISIT
    assert (plan["count_mentions"], plan["count_announcements"]) == (1, 0)

    talks = by_id[TALKS]
    assert talks["meeting_date"] is None and talks["meeting_date_precision"] is None
    assert talks["location"] == "Riad"

    # Planned talks with nobody reported to have held them: not linked.
    talks_plan = by_id[TALKS_PLAN]
    assert talks_plan["is_planned"] and talks_plan["occurred_meeting_id"] is None

    assert by_id[ADVISER]["count_participants"] == 2


def test_fct_contact_mentions_one_row_per_article_mention(built):
    warehouse, _ = built
    mentions = query(warehouse, "select * from marts.fct_contact_mentions")
    assert mentions.height == len(MENTIONS)
    by_id = {r["mention_id"]: r for r in mentions.iter_rows(named=True)}
    assert by_id["a1-call"]["meeting_id"] == by_id["a2-call"]["meeting_id"] == CALL
    # The month mention keeps its own date and gets the meeting's more precise one.
    assert by_id["a2-call"]["contact_date_precision"] == "month"
    assert by_id["a2-call"]["meeting_date"] == date(2025, 2, 12)
    assert by_id["a5-back"]["meeting_id"] == VISIT
    assert by_id["a1-plan"]["meeting_id"] == VISIT_PLAN
    assert by_id["a1-plan"]["is_planned"] and by_id["a1-plan"]["status"] == "planned"
    assert by_id["a3-meet"]["published_date"] == date(2025, 3, 6)
    assert by_id["a3-meet"]["evidence"] == "Evidence of a3-meet."
    assert by_id["a3-meet"]["loaded_at"] == EXTRACTED_AT


def test_fct_meeting_participants_and_topics(built):
    warehouse, _ = built
    participants = query(
        warehouse, "select meeting_id, actor_id, role, count_mentions from marts.fct_meeting_participants"
    )
    assert participants.height == 14  # seven meetings, two participants each
    rows = participants.filter(pl.col("meeting_id") == CALL).sort("actor_id").to_dicts()
    assert [(r["actor_id"], r["role"], r["count_mentions"]) for r in rows] == [
        (RUBIO, "foreign_minister", 2),
        (LAWROW, "foreign_minister", 2),
    ]

    topics = query(
        warehouse, "select meeting_id, topic, count_mentions, count_articles from marts.fct_meeting_topics"
    )

    def topics_of(meeting: str) -> set[tuple]:
        rows = topics.filter(pl.col("meeting_id") == meeting).iter_rows(named=True)
        return {(r["topic"], r["count_mentions"], r["count_articles"]) for r in rows}

    assert topics_of(VISIT) == {("china", 2, 2), ("bilateral_relations", 1, 1)}
    assert topics_of(VISIT_PLAN) == {("china", 1, 1)}
    assert {t for t, _, _ in topics_of(CALL)} == {"ukraine_war", "russia_relations"}


def test_rpt_topics_by_month(built):
    warehouse, _ = built
    report = query(warehouse, "select * from marts.rpt_topics_by_month")
    got = {
        (r["meeting_month"].isoformat()[:7], r["topic"]): (
            r["count_meetings"],
            r["count_articles"],
            r["count_meetings_occurred"],
            r["count_meetings_planned"],
            r["count_meetings_dated_by_publication"],
            r["count_actors"],
        )
        for r in report.iter_rows(named=True)
    }
    assert got == {
        ("2025-02", "ukraine_war"): (1, 2, 1, 0, 0, 2),  # one call, reported by a1 and a2
        ("2025-02", "russia_relations"): (1, 1, 1, 0, 0, 2),
        ("2025-03", "ukraine_war"): (1, 1, 1, 0, 0, 2),  # the 10 March call; the undated a4 talks are out
        ("2025-03", "china"): (2, 3, 1, 1, 0, 2),  # the meeting (a3, a5) and its plan (a1)
        ("2025-03", "bilateral_relations"): (1, 1, 1, 0, 0, 2),
        ("2025-03", "peace_talks"): (1, 1, 1, 0, 1, 2),  # undated talks, placed by a3's publication
        ("2025-04", "transatlantic"): (1, 1, 1, 0, 0, 2),
    }


def test_rpt_actor_pairs_and_country_dyads(built):
    warehouse, _ = built
    pairs = query(warehouse, "select * from marts.rpt_actor_pairs_by_month")
    got = {
        (r["meeting_month"].isoformat()[:7], r["contact_type"], r["first_actor_id"], r["second_actor_id"]): (
            r["count_meetings"],
            r["count_meetings_planned"],
            r["count_articles"],
        )
        for r in pairs.iter_rows(named=True)
    }
    assert got[("2025-02", "phone_call", RUBIO, LAWROW)] == (1, 0, 2)
    assert got[("2025-03", "meeting", BAERBOCK, WANG)] == (2, 1, 3)
    # Seven meetings of two actors each: Baerbock and Wang's meeting and its plan share a
    # row, and the planned talks (no date, undated article) are left out.
    assert len(got) == 5
    assert pairs.filter(pl.col("first_actor_id") == BAERBOCK)["second_country_iso3"].to_list() == ["CHN"]

    dyads = query(warehouse, "select * from marts.rpt_country_dyads_by_month")
    got = {
        (
            r["meeting_month"].isoformat()[:7],
            r["contact_type"],
            r["first_country_iso3"],
            r["second_country_iso3"],
        ): (
            r["count_meetings"],
            r["first_country_name"],
            r["second_country_name"],
        )
        for r in dyads.iter_rows(named=True)
    }
    assert got[("2025-02", "phone_call", "RUS", "USA")] == (1, "Russland", "Vereinigte Staaten")
    assert got[("2025-03", "meeting", "CHN", "DEU")] == (2, "China", "Deutschland")
    assert got[("2025-03", "negotiation", "RUS", "USA")][0] == 1  # undated, placed by publication
    assert ("2025-04", "meeting", "DEU", "USA") in got  # Rubio and the German adviser


def test_dim_actors(built):
    warehouse, _ = built
    actors = query(warehouse, "select * from marts.dim_actors")
    by_id = {r["actor_id"]: r for r in actors.iter_rows(named=True)}
    # 5 curated persons + 2 curated organizations/groups + 4 uncurated participants.
    assert actors.height == 11
    rubio = by_id[RUBIO]
    assert rubio["is_curated"] and rubio["actor_kind"] == "person"
    assert rubio["roles_held"] == "foreign_minister@USA"
    assert rubio["offices_held"] == "foreign_minister@USA (2025-01-21 – today)"
    assert (rubio["count_meetings"], rubio["count_mentions"], rubio["count_articles"]) == (3, 4, 4)
    assert rubio["first_seen_date"] == date(2025, 2, 1)
    assert rubio["last_seen_date"] == date(2025, 4, 2)
    assert rubio["first_meeting_date"] == date(2025, 2, 12)
    assert rubio["count_entity_mentions"] == 1
    baerbock = by_id[BAERBOCK]
    assert (baerbock["count_meetings"], baerbock["count_meetings_occurred"]) == (2, 1)
    assert baerbock["offices_held"] == "foreign_minister@DEU (2021-12-08 – 2025-05-06)"

    unseen = by_id["Johann Wadephul"]
    assert unseen["is_curated"] and unseen["count_meetings"] == 0 and unseen["first_seen_date"] is None
    assert by_id["group@G7"]["actor_kind"] == "group" and by_id["group@G7"]["actor_name"] == "G7"

    adviser = by_id["foreign_policy_adviser@DEU"]
    assert not adviser["is_curated"]
    assert adviser["actor_kind"] == "office"
    assert adviser["actor_name"] == "foreign policy adviser (Deutschland)"
    assert (adviser["country_iso3"], adviser["country_name"]) == ("DEU", "Deutschland")
    assert by_id["delegation@UKR"]["actor_name"] == "Delegation Ukraine"
    assert by_id["delegation@UKR"]["count_meetings"] == 1


def test_build_succeeds_on_an_empty_raw_layer(tmp_path):
    """A fresh warehouse: raw tables created by the ingestion DDL, no rows yet."""
    from transforms.warehouse import ensure_schema

    warehouse = tmp_path / "contacts.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        ensure_schema(con)
    result = run_dbt(["build"], warehouse, tmp_path)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert query(warehouse, "select count(*) as n from marts.fct_meetings")["n"][0] == 0


# --- the shared evaluation seeds, through the whole pipeline ------------------------

SEEDS = ROOT.parent / "shared" / "eval" / "seeds"


@pytest.mark.e2e
def test_seeds_rubio_lawrow_call_is_one_meeting(tmp_path, monkeypatch):
    """Seeds 002 (month only) and 004 (15.02.2025) report the same call: one meeting."""
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} is not there (the shared evaluation data sits beside the project)")
    from orchestration import cli

    database = tmp_path / "warehouse" / "contacts.duckdb"
    monkeypatch.setenv("CONTACTS_INBOX", str(SEEDS))
    monkeypatch.setenv("CONTACTS_WAREHOUSE", str(database))
    monkeypatch.delenv("CONTACTS_KB_DIR", raising=False)  # the real knowledge base
    monkeypatch.delenv("CONTACTS_SPACY_BASE", raising=False)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    assert cli.main(["run"]) == 0

    calls = query(
        database,
        "select meeting_id, meeting_date, meeting_date_precision, count_articles, count_mentions "
        "from marts.fct_meetings where contact_type = 'phone_call' and status = 'occurred' "
        "and participant_key = 'Marco Rubio;Sergej Lawrow' and meeting_date = date '2025-02-15'",
    )
    assert calls.height == 1, calls
    call = calls.row(0, named=True)
    assert call["meeting_date_precision"] == "day"
    assert call["count_articles"] == 2
    docs = query(
        database,
        f"select distinct doc_id from marts.fct_contact_mentions where meeting_id = '{call['meeting_id']}'",
    )["doc_id"].to_list()
    assert sorted(d[:3] for d in docs) == ["002", "004"]
