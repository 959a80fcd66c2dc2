"""Format and collision checks for the place gazetteer transforms/kb/places.csv (see kb/README.md)."""

import csv
import io
import re
import unicodedata
from functools import cache
from pathlib import Path

KB = Path(__file__).resolve().parents[1] / "transforms" / "kb"
HEADER = ["name", "country_iso3", "forms"]

# States not (yet) in countries.csv whose cities are in the gazetteer. Move a code out of here
# when its country is added to countries.csv.
OTHER_STATES: set[str] = set()
# Forms that are also ordinary German words (spaCy's lemma table), kept on purpose.
COMMON_WORDS_OK = {"Wiener"}
# Forms equal to a person's surname or alias, kept on purpose: the city and the Grand Duke
# share the name; "Muscat" is also Joseph Muscat (former Maltese prime minister).
PERSON_NAMES_OK = {"Luxemburg", "Muscat"}


def _fold(s):
    s = unicodedata.normalize("NFKD", s.casefold())
    return "".join(c for c in s if not unicodedata.combining(c))


@cache
def _text():
    return (KB / "places.csv").read_bytes().decode("utf-8")


@cache
def _rows():
    return list(csv.DictReader(_text().splitlines()))


def _csv(name):
    with (KB / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _forms(row):
    return row["forms"].split("|") if row["forms"] else []


def _surfaces():
    """Every surface string of the file with the row it belongs to."""
    return [(s, r) for r in _rows() for s in (r["name"], *_forms(r))]


def test_format():
    raw = (KB / "places.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    assert b"\r" not in raw, "LF line endings"
    text = raw.decode("utf-8")
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == HEADER
    assert all(len(r) == 3 for r in parsed), "three columns per row"
    assert all(v == v.strip() for r in parsed for v in r), "no padding around values"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(parsed)
    assert buf.getvalue() == text, "file is not in csv-module minimal-quoting form"


def test_sorted_unique_names():
    names = [r["name"] for r in _rows()]
    assert all(names), "every row has a name"
    assert names == sorted(names), "rows must be sorted by name (Python string order)"
    assert len(names) == len(set(names)), "duplicate names"
    folded = [_fold(n) for n in names]
    assert len(folded) == len(set(folded)), "two names differ only in case or accents"


def test_forms_unique():
    for r in _rows():
        forms = _forms(r)
        assert all(f and f == f.strip() for f in forms), f"{r}: empty or padded form"
        assert len(forms) == len(set(forms)), f"{r}: repeated form"
        assert r["name"] not in forms, f"{r}: the name is not repeated as a form"
    owner = {}
    for surface, r in _surfaces():
        assert owner.setdefault(surface, r["name"]) == r["name"], f"{surface!r} names two places"


def test_countries_and_capitals():
    countries = {c["iso3"]: c for c in _csv("countries.csv")}
    assert not OTHER_STATES & set(countries), "drop codes from OTHER_STATES once in countries.csv"
    capitals = {c["capital"]: iso for iso, c in countries.items() if c["capital"]}
    country_names = {n: iso for iso, c in countries.items() for n in (c["name"], *c["names"].split("|")) if n}
    folded_capitals = {_fold(c): c for c in capitals}
    for r in _rows():
        iso = r["country_iso3"]
        assert re.fullmatch(r"[A-Z]{3}", iso), r
        assert iso in countries or iso in OTHER_STATES, f"{r}: unknown country {iso}"
        if r["name"] in capitals:
            assert capitals[r["name"]] == iso, f"{r}: capital of {capitals[r['name']]}"
    for surface, r in _surfaces():
        # A capital gets its other spellings on a row named exactly like countries.csv spells it.
        cap = folded_capitals.get(_fold(surface))
        assert cap is None or cap == r["name"], f"{surface!r} ({r['name']}) is the capital {cap!r}"
        # Country names are places already; only city-states repeat them (same country).
        if surface in country_names:
            assert country_names[surface] == r["country_iso3"], f"{surface!r} is a country name"


def test_no_common_words():
    from transforms.pipeline.lexicon import german_word_list

    is_common_word = german_word_list()
    hits = sorted({s for s, _ in _surfaces() if is_common_word(s)} - COMMON_WORDS_OK)
    assert not hits, f"forms that are ordinary German words: {hits}"


def test_no_person_or_organization_names():
    person_names = set()
    for p in _csv("persons.csv"):
        for name in (p["person_id"], *(p["aliases"].split("|") if p["aliases"] else [])):
            person_names.add(name)
            person_names.add(name.split()[-1])
    org_names = {a for o in _csv("organizations.csv") for a in (o["name"], *o["aliases"].split("|")) if a}
    surfaces = {s for s, _ in _surfaces()}
    assert not sorted((surfaces & person_names) - PERSON_NAMES_OK), "place form equals a person's name"
    assert not sorted(surfaces & org_names), "place form equals an organization alias"
