"""Nationality nouns that point back to a person: "Macron ... Der Franzose betonte ...".

German reports name a person once and then often call them by nationality ("der Franzose",
"die Italienerin", "mit dem Amerikaner"). Such a noun stands for the nearest person (or
office holder) of that country named before it (resolution.py). Only singular forms with a
definite article count; plurals ("die Franzosen") and forms that can be plural in their
position are left alone, and so is a nationality noun used as an adjective or apposition
before a name or noun ("der Schweizer Außenminister", "der Amerikaner Blinken").
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import compress

# Masculine nouns of the weak declension: "der Franzose", "dem/den Franzosen", "die Französin".
_WEAK = {
    "BGR": ("Bulgare", "Bulgarin"),
    "BLR": ("Belarusse", "Belarussin"),
    "CHN": ("Chinese", "Chinesin"),
    "CZE": ("Tscheche", "Tschechin"),
    "DEU": ("Deutsche", "Deutsche"),
    "DNK": ("Däne", "Dänin"),
    "FIN": ("Finne", "Finnin"),
    "FRA": ("Franzose", "Französin"),
    "GBR": ("Brite", "Britin"),
    "GRC": ("Grieche", "Griechin"),
    "HRV": ("Kroate", "Kroatin"),
    "LBN": ("Libanese", "Libanesin"),
    "LVA": ("Lette", "Lettin"),
    "POL": ("Pole", "Polin"),
    "PRT": ("Portugiese", "Portugiesin"),
    "ROU": ("Rumäne", "Rumänin"),
    "RUS": ("Russe", "Russin"),
    "SRB": ("Serbe", "Serbin"),
    "SVK": ("Slowake", "Slowakin"),
    "SVN": ("Slowene", "Slowenin"),
    "SWE": ("Schwede", "Schwedin"),
    "TUR": ("Türke", "Türkin"),
}
# Masculine nouns in -er (strong declension): "der/dem/den Amerikaner", "die Amerikanerin".
_STRONG = {
    "ALB": "Albaner",
    "ARG": "Argentinier",
    "ARM": "Armenier",
    "AUS": "Australier",
    "AUT": "Österreicher",
    "AZE": "Aserbaidschaner",
    "BEL": "Belgier",
    "BRA": "Brasilianer",
    "CAN": "Kanadier",
    "CHE": "Schweizer",
    "EGY": "Ägypter",
    "ESP": "Spanier",
    "GEO": "Georgier",
    "HUN": "Ungar",
    "IDN": "Indonesier",
    "IND": "Inder",
    "IRN": "Iraner",
    "IRQ": "Iraker",
    "ITA": "Italiener",
    "JOR": "Jordanier",
    "JPN": "Japaner",
    "KOR": "Südkoreaner",
    "LTU": "Litauer",
    "LUX": "Luxemburger",
    "MEX": "Mexikaner",
    "NLD": "Niederländer",
    "NOR": "Norweger",
    "PRK": "Nordkoreaner",
    "PSE": "Palästinenser",
    "QAT": "Katarer",
    "SYR": "Syrer",
    "UKR": "Ukrainer",
    "USA": "Amerikaner",
    "ZAF": "Südafrikaner",
}
# The same in every case and number.
_INVARIANT = {"ISR": "Israeli", "SAU": "Saudi"}


def _forms() -> dict[str, list[tuple[str, str, frozenset[str]]]]:
    """Lowercase form -> [(country, gender, articles it may follow as a singular)]."""
    forms: dict[str, list[tuple[str, str, frozenset[str]]]] = {}

    def add(form: str, country: str, gender: str, articles: str) -> None:
        forms.setdefault(form.lower(), []).append((country, gender, frozenset(articles.split())))

    for country, (male, female) in _WEAK.items():
        if male == female:  # an adjectival noun: "der Deutsche", "dem/den Deutschen"
            add(male, country, "m", "der")
            add(male + "n", country, "m", "dem den")
            continue
        add(male, country, "m", "der")
        add(male + "n", country, "m", "dem den")
        add(female, country, "f", "die der")
    for country, male in _STRONG.items():
        # "den Amerikaner" is accusative singular; "der Amerikaner" may be a genitive plural,
        # which _demonym_mentions tells apart by the word before it.
        add(male, country, "m", "der dem den")
        add(male + "in", country, "f", "die der")
    for country, word in _INVARIANT.items():
        add(word, country, "m", "der dem den")
    return forms


DEMONYM_FORMS = _forms()
# After these, "den Franzosen" is a dative plural ("mit den Franzosen").
_DATIVE_PREPOSITIONS = frozenset("mit von bei zu nach aus seit gegenüber unter zwischen".split())


def demonym_positions(
    texts: list[str], lowers: list[str], spans: Iterable[tuple[int, int]] = ()
) -> list[tuple[int, str, str]]:
    """(token, country, gender) of every nationality noun that stands for one person and is
    not inside one of ``spans`` (the token ranges of mentions found already)."""
    found = []
    n = len(lowers)
    # Few tokens are nationality nouns: find them in C, then look at each.
    candidates = list(compress(range(n), map(DEMONYM_FORMS.__contains__, lowers)))
    if not candidates:
        return found
    taken = {i for start, end in spans for i in range(start, end)}
    for i in candidates:
        if i == 0 or i in taken or not texts[i][:1].isupper():
            continue
        entries = DEMONYM_FORMS[lowers[i]]
        article = lowers[i - 1]
        nxt = texts[i + 1] if i + 1 < n else ""
        if nxt[:1].isupper():
            continue  # "der Schweizer Außenminister", "der Amerikaner Blinken"
        before = texts[i - 2] if i >= 2 else ""
        if article in ("der", "des") and before[:1].isupper() and before.isalpha():
            continue  # "die Reaktion der Amerikaner": genitive (plural)
        if article == "den" and lowers[i - 2 : i - 1] and lowers[i - 2] in _DATIVE_PREPOSITIONS:
            continue  # "mit den Franzosen": dative plural
        for country, gender, articles in entries:
            if article in articles:
                found.append((i, country, gender))
                break
    return found
