"""Lookup lemmas, with overrides where spaCy's German tables are wrong.

The lookup table maps some forms wrongly ("getroffen" -> "triefen"); the contact rules
match verbs by lemma, so the forms they rely on are corrected here. The override table
is a registered function so a config can swap or extend it.
"""

from __future__ import annotations

from functools import cache

import numpy
from spacy.attrs import LEMMA
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from transforms.pipeline.tokens import records_only, token_table

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


# The key under which the lookup lemmatizer leaves, in ``doc.user_data``, its table of lemma
# hashes by token text: its lemmas depend on the form alone, so a later component can take a
# token's lemma from the text it already has instead of reading the LEMMA column.
LEMMA_BY_FORM = "lookup_lemmatizer.lemma_by_form"


@cache
def german_lemma_table() -> dict[str, str]:
    """spaCy's German lemma lookup table (spacy-lookups-data): word form -> lemma.

    Read once per process and kept as a plain dict: the lemmatizer and the lexicon's word
    list both use it, and ``spacy.lookups.Table`` would re-key its 355,000 entries by string
    hash (about a second per copy) to answer the same lookups.
    """
    from spacy.util import load_language_data

    return load_language_data(registry.lookups.get("de")["lemma_lookup"])


@registry.misc("contacts.lemma_overrides.v1")
def lemma_overrides() -> dict[str, str]:
    return dict(_OVERRIDES)


@Language.factory(
    "lookup_lemmatizer",
    default_config={"overrides": {"@misc": "contacts.lemma_overrides.v1"}},
)
def create_lookup_lemmatizer(nlp: Language, name: str, overrides: dict[str, str]):
    return LookupLemmatizer(overrides)


class LookupLemmatizer:
    """spaCy's German lookup table (spacy-lookups-data) with the project's corrections.

    Lemmas are cached per word form and written with one array call, so the cost per
    token is a dict probe.
    """

    def __init__(self, overrides: dict[str, str]):
        self.table = german_lemma_table()
        self.overrides = {k.lower(): v for k, v in overrides.items()}
        self._cache = _LemmaCache(self.lemma_of)

    def lemma_of(self, text: str) -> str:
        override = self.overrides.get(text.lower())
        if override is not None:
            return override
        return self.table.get(text, text)

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        cache = self._cache
        cache.strings = doc.vocab.strings
        # The table answers for any form (it looks up a form on first sight), so a later
        # component can take its lemmas from it whether or not the LEMMA column is written.
        doc.user_data[LEMMA_BY_FORM] = cache
        if records_only(doc):
            return doc  # nobody reads the column: the triggers ask the table
        texts = token_table(doc).texts
        # One C-level map over the forms; only forms never seen before reach Python.
        lemmas = numpy.fromiter(map(cache.__getitem__, texts), dtype="uint64", count=len(texts))
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc


class _LemmaCache(dict):
    """Lemma hash by form, computed on first sight of a form. Keyed by the token table's form
    strings, which are shared objects, so probes match by identity."""

    def __init__(self, lemma_of):
        super().__init__()
        self.lemma_of = lemma_of
        self.strings = None  # the StringStore of the document being lemmatized

    def __missing__(self, text: str) -> int:
        value = self[text] = self.strings.add(self.lemma_of(text))
        return value
