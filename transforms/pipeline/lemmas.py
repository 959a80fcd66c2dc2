"""Lookup lemmas with overrides where spaCy's German tables are wrong.

The lookup table maps some forms wrongly ("getroffen" -> "triefen"); the contact rules
match verbs by lemma, so the forms they rely on are corrected here. The override table
is a registered function so a config can swap or extend it.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

_OVERRIDES = {
    "getroffen": "treffen",
    "traf": "treffen",
    "trafen": "treffen",
    "trifft": "treffen",
    "treffen": "treffen",
    "triff": "treffen",
    "empfing": "empfangen",
    "empfingen": "empfangen",
    "empfängt": "empfangen",
    "telefonierte": "telefonieren",
    "telefonierten": "telefonieren",
    "telefoniert": "telefonieren",
    "gereist": "reisen",
    "reiste": "reisen",
    "reisten": "reisen",
    "flog": "fliegen",
    "flogen": "fliegen",
    "geflogen": "fliegen",
    "besuchte": "besuchen",
    "besuchten": "besuchen",
    "besucht": "besuchen",
    "sprach": "sprechen",
    "sprachen": "sprechen",
    "gesprochen": "sprechen",
    "verhandelt": "verhandeln",
    "verhandelte": "verhandeln",
    "verhandelten": "verhandeln",
    "beraten": "beraten",
    "beriet": "beraten",
    "berieten": "beraten",
    "kam": "kommen",
    "kamen": "kommen",
    "zusammengekommen": "zusammenkommen",
    "rief": "rufen",
    "angerufen": "anrufen",
}


@registry.misc("contacts.lemma_overrides.v1")
def lemma_overrides() -> dict[str, str]:
    return dict(_OVERRIDES)


@Language.factory(
    "lemma_overrides",
    default_config={"overrides": {"@misc": "contacts.lemma_overrides.v1"}},
)
def create_lemma_overrides(nlp: Language, name: str, overrides: dict[str, str]):
    return LemmaOverrides(overrides)


class LemmaOverrides:
    def __init__(self, overrides: dict[str, str]):
        self.overrides = {k.lower(): v for k, v in overrides.items()}

    def __call__(self, doc: Doc) -> Doc:
        overrides = self.overrides
        for tok in doc:
            lemma = overrides.get(tok.lower_)
            if lemma is not None:
                tok.lemma_ = lemma
        return doc
