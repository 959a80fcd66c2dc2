"""Fast token access for the rule components.

Creating spaCy ``Token`` objects from Python costs about a microsecond each, and setting
token attributes one by one costs several: a rule pipeline that loops over tokens spends
most of its time there. The components read token texts, lowercase forms and character
offsets from ``token_table`` (one ``Doc.to_array`` call per document, strings cached by hash),
sentences from ``sentence_bounds``, and write per-token attributes back with ``Doc.from_array``.
"""

from __future__ import annotations

import numpy
from spacy.attrs import IDX, LEMMA, ORTH, SENT_START, SPACY
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab


class _Texts(dict):
    """Form strings by ORTH hash, filled on first sight: ``map(cache.__getitem__, orths)`` stays
    in C for every form already seen (nearly all of them: the vocabulary repeats) and calls
    ``__missing__`` only for new ones. A hash names the same string in every vocab; ``vocab``
    is set before each use."""

    vocab: Vocab | None = None

    def __missing__(self, orth: int) -> str:
        value = self[orth] = self.vocab.strings[orth]
        return value


class _Lowers(dict):
    """Lowercase form by form string. Keyed by the very string objects ``_TEXTS`` hands out, so a
    probe matches by identity, and a form that is already lowercase maps to itself: the table
    then touches fewer distinct objects (memory traffic is most of its cost)."""

    vocab: Vocab | None = None

    def __missing__(self, text: str) -> str:
        # Token.lower_ is its lexeme's LOWER, a function of the form alone.
        lower = self.vocab[text].lower_
        value = self[text] = text if lower == text else lower
        return value


_WHITESPACE = ("", " ")  # Token.whitespace_ by its SPACY flag
_TEXTS = _Texts()
_LOWERS = _Lowers()
_LOWERED_LEMMAS: dict[int, str] = {}


class TokenTable:
    __slots__ = ("orths", "texts", "lowers", "spaces", "text", "idx")

    def __init__(self, doc: Doc):
        # One ORTH column: texts and lowercase forms both come from the per-form caches, about
        # half the cost of reading LOWER too and filling the caches by set algebra first. The
        # character offsets (Token.idx) come along in the same call: cheaper than summing the
        # token lengths in Python.
        arr = doc.to_array([ORTH, SPACY, IDX])
        self.orths = orths = arr[:, 0].tolist()
        _TEXTS.vocab = _LOWERS.vocab = doc.vocab
        self.texts = texts = list(map(_TEXTS.__getitem__, orths))
        self.lowers = list(map(_LOWERS.__getitem__, texts))
        self.spaces = spaces = arr[:, 1].astype(bool).tolist()
        # Doc.text joins every token anew on each access, creating a Token object for each; the
        # caller that made the doc from a string can hand that string over (it is the same
        # text), and otherwise the same join is done here on the table, in C.
        text = doc.user_data.get("source_text")
        if not text:
            parts = [""] * (2 * len(texts))
            parts[::2] = texts
            parts[1::2] = map(_WHITESPACE.__getitem__, spaces)
            text = "".join(parts)
        self.text = text
        self.idx = arr[:, 2].tolist()


def form_lower(text: str) -> str:
    """The lowercase form of a token text already read into a ``TokenTable`` (``Token.lower_``)."""
    return _LOWERS[text]


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


def release(doc: Doc) -> None:
    """Empty ``doc.user_data`` once the caller has read everything it needs from the document.

    The components leave sentence spans and drafts there, which point back to the document: a
    reference cycle, so the document and all the objects of its extraction would wait for the
    cyclic garbage collector, whose collections then took a sixth of the extraction time.
    Without the cycle, reference counting frees them at once.
    """
    doc.user_data.clear()
    if _CURRENT[0] is doc:
        _CURRENT[0] = _CURRENT[1] = None


# Set in ``doc.user_data`` by a caller that reads only the contact and entity records and then
# discards the document (``transforms.extract.extract_article``): components then skip the
# annotations that only users of the Doc itself read (the LEMMA and SENT_START columns), whose
# array writes cost about 3% of the extraction. ``nlp(text)`` still annotates in full.
RECORDS_ONLY = "contacts.records_only"


def records_only(doc: Doc) -> bool:
    return doc.user_data.get(RECORDS_ONLY, False)


def doc_extension(doc: Doc, name: str):
    """``doc._.<name>`` without spaCy's Underscore object, which costs microseconds to build on
    every access: a Doc keeps its attribute extensions in ``user_data`` under this key. Only for
    the extensions of this pipeline, whose default is None."""
    return doc.user_data.get(("._.", name, None, None))


def set_doc_extension(doc: Doc, name: str, value) -> None:
    """``doc._.<name> = value``, as ``doc_extension`` reads it."""
    doc.user_data[("._.", name, None, None)] = value


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


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) token offsets of the sentences, as ``doc.sents`` has them, read once per
    document from the SENT_START column without creating Span objects."""
    bounds = doc.user_data.get("sentence_bounds")
    if bounds is None:
        n = len(doc)
        if "sents" in doc.user_hooks or n < 2:
            bounds = [(s.start, s.end) for s in sentence_spans(doc)]
        else:
            flags = doc.to_array(SENT_START)[1:]
            if not flags.any():
                # No sentence annotation: doc.sents raises the error that says so.
                list(doc.sents)
            starts = (numpy.flatnonzero(flags == 1) + 1).tolist()
            starts.insert(0, 0)
            bounds = list(zip(starts, starts[1:] + [n], strict=True))
        doc.user_data["sentence_bounds"] = bounds
    return bounds


def sentence_spans(doc: Doc) -> list[Span]:
    """The sentences as spans, built once per document."""
    sents = doc.user_data.get("sentence_spans")
    if sents is None:
        if "sents" in doc.user_hooks or len(doc) < 2:
            sents = list(doc.sents)
        else:
            # The spans doc.sents yields, without its per-token scan in a generator.
            sents = [Span(doc, start, end) for start, end in sentence_bounds(doc)]
        doc.user_data["sentence_spans"] = sents
    return sents


def sentence_index(doc: Doc) -> list[int]:
    """For every token, the start token of its sentence."""
    index = doc.user_data.get("sentence_index")
    if index is None:
        index = []
        for start, end in sentence_bounds(doc):
            index += [start] * (end - start)
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
    idx = table.idx
    return table.text[idx[start] : idx[end - 1] + len(table.texts[end - 1])]


def span_chars(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """``(Span.start_char, Span.end_char)`` of tokens ``start:end`` (``start < end``)."""
    table = token_table(doc)
    idx = table.idx
    return idx[start], idx[end - 1] + len(table.texts[end - 1])


def doc_text(doc: Doc) -> str:
    return token_table(doc).text
