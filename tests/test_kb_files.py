"""Validate the actor knowledge base in transforms/kb (standard library + pytest only)."""

import csv
import datetime as dt
import io
import re
import unicodedata
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import pytest

from transforms.records import TOPICS as RECORD_TOPICS

KB = Path(__file__).resolve().parents[1] / "transforms" / "kb"
TODAY = "2026-11-21"
COVERAGE_START = "2020-01-01"

HEADERS = {
    "countries.csv": ["iso3", "name", "names", "adjective", "prefixes", "capital", "metonyms"],
    "persons.csv": ["person_id", "country_iso3", "gender", "aliases"],
    "offices.csv": ["person_id", "role", "jurisdiction", "start_date", "end_date"],
    "roles.csv": ["term", "role", "jurisdiction"],
    "organizations.csv": ["actor_id", "kind", "name", "aliases", "members"],
    "topics.csv": ["topic", "patterns"],
}
MULTI = {
    "countries.csv": ["names", "adjective", "prefixes", "metonyms"],
    "persons.csv": ["aliases"],
    "organizations.csv": ["aliases", "members"],
    "topics.csv": ["patterns"],
}
SORT_KEYS = {
    "countries.csv": lambda r: r["iso3"],
    "persons.csv": lambda r: r["person_id"],
    "offices.csv": lambda r: (r["jurisdiction"], r["role"], r["start_date"], r["person_id"]),
    "roles.csv": lambda r: (r["role"], r["jurisdiction"], r["term"]),
    "organizations.csv": lambda r: r["actor_id"],
    "topics.csv": lambda r: r["topic"],
}
# The taxonomy of SCHEMA.md, as the records define it.
TOPICS = set(RECORD_TOPICS)
STATE_ROLES = {
    "head_of_state",
    "head_of_government",
    "foreign_minister",
    "defence_minister",
    "national_security_adviser",
    "foreign_policy_adviser",
    "special_envoy",
}
ORG_ROLES = {"secretary_general", "commission_president", "council_president", "high_representative"}
OFFICE_ROLES = STATE_ROLES | ORG_ROLES | {"parliament_president"}
# Roles recognized in text (they introduce a name or stand for one) with no office terms kept.
ROLE_TERMS_ONLY = {
    "counterpart",
    "deputy_foreign_minister",
    "chief_negotiator",
    "minister",
    "vice_president",
    "trade_minister",
    "economy_minister",
    "finance_minister",
}
# roles that several people can hold at the same time for one jurisdiction
MULTI_HOLDER_ROLES = {"special_envoy"}

# Coverage promised by README: head of state, head of government and foreign minister are recorded
# on the first and the last day of the covered period for these jurisdictions.
CORE_JURISDICTIONS = (
    "ARG AUS BRA CAN CHN FRA DEU IND IDN ITA JPN KOR MEX RUS SAU ZAF TUR GBR USA "
    "AUT BEL BGR HRV CYP CZE DNK EST FIN GRC HUN IRL LVA LTU LUX MLT NLD POL PRT ROU SVK SVN ESP SWE "
    "ALB ISL MNE MKD NOR UKR ISR IRN PSE QAT"
).split()
CORE_ROLES = ["head_of_state", "head_of_government", "foreign_minister"]
EXTRA_ROLE_COVERAGE = {
    "defence_minister": "USA DEU FRA GBR RUS UKR ISR CHN TUR".split(),
    "national_security_adviser": "USA GBR RUS UKR ISR".split(),
    "foreign_policy_adviser": "DEU FRA RUS".split(),
}
ORG_COVERAGE = [
    ("secretary_general", "org@NATO"),
    ("secretary_general", "org@UN"),
    ("secretary_general", "org@OSZE"),
    ("commission_president", "org@EU"),
    ("council_president", "org@EU"),
    ("high_representative", "org@EU"),
]


@cache
def raw(name):
    return (KB / name).read_bytes()


@cache
def rows(name):
    text = raw(name).decode("utf-8")
    return list(csv.DictReader(text.splitlines()))


def split(value):
    return value.split("|") if value else []


def norm(s):
    s = unicodedata.normalize("NFKD", s.casefold())
    return "".join(c for c in s if not unicodedata.combining(c))


def is_date(s):
    try:
        return dt.date.fromisoformat(s).isoformat() == s
    except ValueError:
        return False


def derived_surname(person_id):
    """The last token of the id: what transforms.knowledge.Person.surname derives."""
    return person_id.split()[-1]


def readme_text():
    return (KB / "README.md").read_text(encoding="utf-8")


def countries():
    return {r["iso3"]: r for r in rows("countries.csv")}


def persons():
    return {r["person_id"]: r for r in rows("persons.csv")}


def org_ids():
    return {r["actor_id"] for r in rows("organizations.csv")}


# ---------------------------------------------------------------- format


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_file_format(name):
    data = raw(name)
    assert not data.startswith(b"\xef\xbb\xbf"), "no BOM"
    text = data.decode("utf-8")
    assert "\r" not in text, "LF line endings only"
    assert text.endswith("\n") and not text.endswith("\n\n"), "exactly one trailing newline"
    lines = text.split("\n")[:-1]
    assert all(line.strip() for line in lines), "no blank lines"
    assert lines[0] == ",".join(HEADERS[name]), "header"
    parsed = list(csv.reader(lines))
    for i, rec in enumerate(parsed, 1):
        assert len(rec) == len(HEADERS[name]), f"line {i}: wrong number of fields"
        for cell in rec:
            assert cell == cell.strip(), f"line {i}: surrounding whitespace in {cell!r}"
            assert "\n" not in cell
    # quoted only where needed: rewriting with the csv module must reproduce the file byte for byte
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(parsed)
    assert buf.getvalue() == text, "file is not in csv-module minimal-quoting form"


@pytest.mark.parametrize("name", sorted(MULTI))
def test_multivalued_cells(name):
    for r in rows(name):
        for col in MULTI[name]:
            parts = split(r[col])
            assert all(p and p == p.strip() for p in parts), f"{r}: empty/padded element in {col}"
            assert len(parts) == len(set(parts)), f"{r}: duplicate element in {col}"


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_sorted_and_unique_rows(name):
    rs = rows(name)
    keys = [SORT_KEYS[name](r) for r in rs]
    assert keys == sorted(keys), f"{name} must be sorted by its key (see README)"
    whole = [tuple(r.values()) for r in rs]
    assert len(whole) == len(set(whole)), "duplicate rows"


# ---------------------------------------------------------------- countries


def test_countries():
    rs = rows("countries.csv")
    iso = [r["iso3"] for r in rs]
    assert len(iso) == len(set(iso))
    for r in rs:
        assert re.fullmatch(r"[A-Z]{3}", r["iso3"]), r
        assert r["name"] and r["capital"], r
        for a in split(r["adjective"]):
            assert a == a.lower(), f"{r['iso3']}: adjective stems are lowercase"
    # a surface form may name only one country
    seen = {}
    for r in rs:
        for form in [r["name"], *split(r["names"]), *split(r["metonyms"])]:
            assert seen.setdefault(form, r["iso3"]) == r["iso3"], f"{form!r} names two countries"
    adj = Counter(a for r in rs for a in split(r["adjective"]))
    assert not [a for a, n in adj.items() if n > 1]
    pre = Counter(p for r in rs for p in split(r["prefixes"]))
    assert not [p for p, n in pre.items() if n > 1]


def test_required_countries_present():
    required = set(CORE_JURISDICTIONS) | set(
        "BLR EGY JOR SYR LBN CHE NOR JPN KOR PRK IND BRA ZAF AZE ARM GEO MDA SRB XKX VAT ARE "
        "DZA GUY SLE ECU MOZ PAK PAN SOM BHR COL COD LBR".split()
    )
    assert required <= set(countries()), sorted(required - set(countries()))


# ---------------------------------------------------------------- persons


def test_persons():
    cs = countries()
    ids = [r["person_id"] for r in rows("persons.csv")]
    assert len(ids) == len(set(ids))
    for r in rows("persons.csv"):
        assert r["person_id"] == r["person_id"].strip() and r["person_id"]
        assert r["country_iso3"] in cs, r
        assert r["gender"] in {"m", "f"}, r
        assert r["person_id"] not in split(r["aliases"]), f"{r['person_id']}: id repeated as alias"


def test_no_alias_maps_to_two_persons():
    owner = {}
    ids = {norm(p) for p in persons()}
    for pid, r in persons().items():
        for a in split(r["aliases"]):
            key = norm(a)
            assert owner.setdefault(key, pid) == pid, f"alias {a!r}: {owner[key]} and {pid}"
            assert key not in ids or key == norm(pid), f"alias {a!r} of {pid} is another person's id"


def test_aliases_do_not_hit_derived_surnames_of_others():
    surnames = defaultdict(set)
    for pid in persons():
        surnames[norm(derived_surname(pid))].add(pid)
    for pid, r in persons().items():
        for a in split(r["aliases"]):
            others = surnames.get(norm(a), set()) - {pid}
            assert not others, f"alias {a!r} of {pid} equals the derived surname of {sorted(others)}"


def test_shared_or_risky_surnames_documented():
    """Derived surnames shared by two persons or equal to a place/organization name must be in README."""
    readme = norm(readme_text())
    by_surname = defaultdict(set)
    for pid in persons():
        by_surname[norm(derived_surname(pid))].add(pid)
    place_words = set()
    for r in rows("countries.csv"):
        place_words |= {norm(x) for x in [r["name"], r["capital"], *split(r["names"])]}
    for r in rows("organizations.csv"):
        place_words |= {norm(x) for x in [r["name"], *split(r["aliases"])]}
    missing = [s for s, ps in by_surname.items() if (len(ps) > 1 or s in place_words) and s not in readme]
    assert not missing, f"document these surnames in README.md: {sorted(missing)}"


# ---------------------------------------------------------------- offices


def test_offices_fields():
    ps, cs, orgs = persons(), countries(), org_ids()
    for r in rows("offices.csv"):
        assert r["person_id"] in ps, f"unknown person {r['person_id']!r}"
        assert r["role"] in OFFICE_ROLES, r
        j = r["jurisdiction"]
        assert j in cs or j in orgs, f"unknown jurisdiction {j!r}"
        if r["role"] in STATE_ROLES:
            assert j in cs, r
        if r["role"] in ORG_ROLES:
            assert j in orgs, r
        assert is_date(r["start_date"]), r
        assert r["end_date"] == "" or is_date(r["end_date"]), r
        assert r["start_date"] <= TODAY, r
        if r["end_date"]:
            assert r["end_date"] >= r["start_date"], r


def test_office_terms_do_not_overlap():
    terms = defaultdict(list)
    for r in rows("offices.csv"):
        if r["role"] not in MULTI_HOLDER_ROLES:
            terms[(r["role"], r["jurisdiction"])].append(r)
    for key, ts in terms.items():
        ts.sort(key=lambda r: r["start_date"])
        for a, b in zip(ts, ts[1:], strict=False):
            assert a["end_date"], f"{key}: {a['person_id']} is open-ended but {b['person_id']} follows"
            assert b["start_date"] >= a["end_date"], f"{key}: {a['person_id']} overlaps {b['person_id']}"


def test_same_person_same_office_not_duplicated():
    seen = Counter(
        (r["person_id"], r["role"], r["jurisdiction"], r["start_date"]) for r in rows("offices.csv")
    )
    assert not [k for k, n in seen.items() if n > 1]


def test_every_office_role_has_a_term():
    roles_with_terms = {r["role"] for r in rows("roles.csv")}
    used = {r["role"] for r in rows("offices.csv")}
    assert used <= roles_with_terms, sorted(used - roles_with_terms)


def holder(role, jurisdiction, day):
    return [
        r["person_id"]
        for r in rows("offices.csv")
        if r["role"] == role
        and r["jurisdiction"] == jurisdiction
        and r["start_date"] <= day
        and (r["end_date"] == "" or day < r["end_date"])
    ]


@pytest.mark.parametrize("day", [COVERAGE_START, TODAY])
def test_core_coverage(day):
    missing = [(j, role) for j in CORE_JURISDICTIONS for role in CORE_ROLES if len(holder(role, j, day)) != 1]
    missing += [
        (j, role) for role, js in EXTRA_ROLE_COVERAGE.items() for j in js if len(holder(role, j, day)) != 1
    ]
    missing += [(j, role) for role, j in ORG_COVERAGE if len(holder(role, j, day)) != 1]
    assert not missing, f"no unique holder on {day}: {missing}"


# ---------------------------------------------------------------- roles


def test_roles():
    cs, orgs = countries(), org_ids()
    terms = [r["term"] for r in rows("roles.csv")]
    assert len(terms) == len(set(terms)), "a term may map to one role only"
    for r in rows("roles.csv"):
        assert r["role"] in OFFICE_ROLES | ROLE_TERMS_ONLY, r
        j = r["jurisdiction"]
        assert j == "" or j in cs or j in orgs, r
        if r["role"] in ROLE_TERMS_ONLY:
            assert j == "", r
    counterpart = {r["term"] for r in rows("roles.csv") if r["role"] == "counterpart"}
    assert {
        "Amtskollege",
        "Amtskollegen",
        "Amtskollegin",
        "Kollege",
        "Kollegen",
        "Kollegin",
        "Pendant",
        "Gegenüber",
    } <= counterpart


# ---------------------------------------------------------------- organizations


def test_organizations():
    cs = countries()
    ids = [r["actor_id"] for r in rows("organizations.csv")]
    assert len(ids) == len(set(ids))
    owner = {}
    country_forms = {f for r in rows("countries.csv") for f in [r["name"], *split(r["names"])]}
    for r in rows("organizations.csv"):
        m = re.fullmatch(r"(org|group)@[A-Za-z0-9]+", r["actor_id"])
        assert m, r["actor_id"]
        assert r["kind"] == {"org": "organization", "group": "group"}[m.group(1)], r
        assert r["name"], r
        for m_iso in split(r["members"]):
            assert m_iso in cs, f"{r['actor_id']}: unknown member {m_iso}"
        assert split(r["members"]) == sorted(split(r["members"])), f"{r['actor_id']}: members unsorted"
        for a in [r["name"], *split(r["aliases"])]:
            assert owner.setdefault(a, r["actor_id"]) == r["actor_id"], f"{a!r} names two organizations"
            assert a not in country_forms, f"{a!r} is also a country name"
    for required in ["org@NATO", "org@EU", "org@UN", "org@OSZE", "group@G7", "group@Quad", "group@E3"]:
        assert required in ids


# ---------------------------------------------------------------- topics


def test_topics():
    rs = rows("topics.csv")
    assert [r["topic"] for r in rs] == sorted(TOPICS)
    for r in rs:
        pats = split(r["patterns"])
        # Enough cues to find a topic; a ceiling so a list stays reviewable by hand.
        assert 8 <= len(pats) <= 50, f"{r['topic']}: {len(pats)} patterns"
        for p in pats:
            assert p == p.lower() and p == p.strip(), f"{r['topic']}: {p!r}"
