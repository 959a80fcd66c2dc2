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


class TokenTable:
    __slots__ = ("texts", "lowers", "spaces", "text")

    def __init__(self, doc: Doc):
        # Doc.text joins every token anew on each access: keep it.
        self.text = doc.text
        arr = doc.to_array([ORTH, LOWER, SPACY])
        strings = doc.vocab.strings
        cache = _STRINGS

        def text(h: int) -> str:
            s = cache.get(h)
            if s is None:
                s = cache[h] = strings[h]
            return s

        self.texts = [text(h) for h in arr[:, 0].tolist()]
        self.lowers = [text(h) for h in arr[:, 1].tolist()]
        self.spaces = [bool(s) for s in arr[:, 2].tolist()]


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
        strings = doc.vocab.strings
        cache = _STRINGS
        out = []
        for h in doc.to_array([LEMMA]).tolist():
            s = cache.get(h)
            if s is None:
                s = cache[h] = strings[h]
            out.append(s.lower())
        lemmas = doc.user_data["token_lemmas"] = out
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
