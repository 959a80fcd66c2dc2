"""Fast token access for the rule components.

Creating spaCy ``Token`` objects from Python costs about a microsecond each, and setting
token attributes one by one costs several: a rule pipeline that loops over tokens spends
most of its time there. The components read token texts through ``token_texts`` (one
``Doc.to_array`` call, strings cached by hash) and write per-token attributes back with
``Doc.from_array``.
"""

from __future__ import annotations

from spacy.attrs import LEMMA, LOWER, ORTH, SPACY
from spacy.tokens import Doc, Span

_STRINGS: dict[int, str] = {}
_LOWERED_LEMMAS: dict[int, str] = {}


class TokenTable:
    __slots__ = ("texts", "lowers", "spaces", "text")

    def __init__(self, doc: Doc):
        # Doc.text joins every token anew on each access; the caller that made the doc from a
        # string can hand that string over (it is the same text).
        self.text = doc.user_data.get("source_text") or doc.text
        arr = doc.to_array([ORTH, LOWER, SPACY])
        orths = arr[:, 0].tolist()
        lowers = arr[:, 1].tolist()
        cache = _STRINGS
        strings = doc.vocab.strings
        for h in set(orths).union(lowers).difference(cache):
            cache[h] = strings[h]
        # map() with the dict's own lookup stays in C: no Python call per token.
        self.texts = list(map(cache.__getitem__, orths))
        self.lowers = list(map(cache.__getitem__, lowers))
        self.spaces = arr[:, 2].astype(bool).tolist()


# The document being processed and its table: the rule helpers below are called hundreds
# of thousands of times, and an identity check is cheaper than a user_data lookup.
_CURRENT: list = [None, None]


def token_table(doc: Doc) -> TokenTable:
    if _CURRENT[0] is doc:
        return _CURRENT[1]
    table = doc.user_data.get("token_table")
    if table is None:
        table = doc.user_data["token_table"] = TokenTable(doc)
    _CURRENT[0], _CURRENT[1] = doc, table
    return table


def token_lemmas(doc: Doc) -> list[str]:
    """Lemmas (lowercased) of all tokens, read once after the lemmatizer has run."""
    lemmas = doc.user_data.get("token_lemmas")
    if lemmas is None:
        hashes = doc.to_array([LEMMA]).tolist()
        cache = _LOWERED_LEMMAS
        strings = doc.vocab.strings
        for h in set(hashes).difference(cache):
            cache[h] = strings[h].lower()
        lemmas = doc.user_data["token_lemmas"] = list(map(cache.__getitem__, hashes))
    return lemmas


def sentence_spans(doc: Doc) -> list[Span]:
    """The sentences as spans, built once per document."""
    sents = doc.user_data.get("sentence_spans")
    if sents is None:
        sents = doc.user_data["sentence_spans"] = list(doc.sents)
    return sents


def sentence_index(doc: Doc) -> list[int]:
    """For every token, the start token of its sentence."""
    index = doc.user_data.get("sentence_index")
    if index is None:
        index = [0] * len(doc)
        for sent in sentence_spans(doc):
            for i in range(sent.start, sent.end):
                index[i] = sent.start
        doc.user_data["sentence_index"] = index
    return index


def lower(doc: Doc, i: int) -> str:
    """Lowercase form of token ``i`` without creating a Token object."""
    return token_table(doc).lowers[i]


def text(doc: Doc, i: int) -> str:
    return token_table(doc).texts[i]


def is_lower_word(doc: Doc, i: int) -> bool:
    """A lowercase alphabetic word ("neuen", "hat"), as Token.is_lower and Token.is_alpha."""
    word = token_table(doc).texts[i]
    return word.isalpha() and word.islower()


def span_text(doc: Doc, start: int, end: int) -> str:
    """The text of tokens ``start:end`` cut from ``doc.text``; ``Span.text`` would build it
    token by token."""
    if end <= start:
        return ""
    table = token_table(doc)
    return table.text[doc[start].idx : doc[end - 1].idx + len(table.texts[end - 1])]


def doc_text(doc: Doc) -> str:
    return token_table(doc).text
