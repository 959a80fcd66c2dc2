"""Sentence boundaries that survive German dates, ordinals and abbreviations.

The stock German tokenizer already keeps "15.", "Jan." and "Dr." as single tokens, so a
standalone "." "!" "?" is a real sentence end. What is left to handle: closing quotes and
brackets after the full stop, and line breaks (headlines, bullets and datelines carry no
full stop).
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import compress

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from transforms.pipeline.tokens import records_only, token_table

_ENDS = frozenset({".", "!", "?", "…"})
_CLOSERS = frozenset({'"', "“", "”", "'", "’", "«", "»", ")", "]"})
# Regnal numbers of monarchs and popes, I to XXX ("Karl III.", "Mohammed VI.", "Leo XIV.").
_REGNAL = frozenset(
    tens + ones
    for tens in ("", "X", "XX", "XXX")
    for ones in ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")
    if tens + ones
)


@Language.factory("contacts_sentencizer")
def create_sentencizer(nlp: Language, name: str):
    return GermanNewsSentencizer()


class GermanNewsSentencizer:
    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        # The token table is built here once and read by every later component.
        table = token_table(doc)
        texts, spaces = table.texts, table.spaces
        starts = [0]
        for i in compress(range(n), map(_ENDS.__contains__, texts)):
            if i >= 2 and texts[i] == "." and texts[i - 1] in _REGNAL and texts[i - 2].istitle():
                # "König Felipe VI. landete", "Papst Leo XIV. traf": a regnal number's dot
                # (the tokenizer splits it off), not the end of the sentence.
                continue
            j = i + 1
            # Only a quote or bracket glued to the full stop closes this sentence; after
            # a space, '"Wir wollen ..."' opens the next one.
            while j < n and texts[j] in _CLOSERS and not spaces[j - 1]:
                j += 1
            if j < n:
                starts.append(j)
        # Headlines, bullets and datelines end at the line break (a whitespace token). A line
        # break lies inside a token's text (a token's own trailing space is a single " "):
        # visit the few line breaks of the text rather than all the tokens.
        text, idx = table.text, table.idx
        find = text.find
        at = find("\n")
        while at >= 0:
            i = bisect_right(idx, at) - 1  # the token holding this character
            if i < n - 1 and texts[i].isspace():  # Token.is_space
                starts.append(i + 1)
            # On to the next line break after this token.
            at = find("\n", idx[i] + len(texts[i]))
        starts = sorted(set(starts))
        if not records_only(doc):
            # One array write: setting is_sent_start token by token costs microseconds each.
            # (The components read the bounds below, never the column.)
            flags = numpy.full((n, 1), -1, dtype="int32")
            flags[starts, 0] = 1
            doc.from_array([SENT_START], flags.astype("uint64"))
        # The sentences as sentence_bounds() would read them back from the array.
        doc.user_data["sentence_bounds"] = list(zip(starts, starts[1:] + [n], strict=True))
        doc.user_data.pop("sentence_spans", None)
        doc.user_data.pop("sentence_index", None)
        return doc
