"""Sentence boundaries that survive German dates, ordinals and abbreviations.

The stock German tokenizer already keeps "15.", "Jan." and "Dr." as single tokens, so a
standalone "." "!" "?" is a real sentence end. What is left to handle: closing quotes and
brackets after the full stop, line breaks (headlines, bullets and datelines carry no full
stop), and a full stop glued to the next word, which the tokenizer fix splits off.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

_ENDS = frozenset({".", "!", "?", "…"})
_CLOSERS = frozenset({'"', "“", "”", "'", "’", "«", "»", ")", "]"})


@Language.factory("contacts_sentencizer")
def create_sentencizer(nlp: Language, name: str):
    return GermanNewsSentencizer()


class GermanNewsSentencizer:
    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        starts = [False] * n
        starts[0] = True
        for i, tok in enumerate(doc):
            text = tok.text
            if text in _ENDS:
                # Only a quote or bracket glued to the full stop closes this sentence; after
                # a space, '"Wir wollen ..."' opens the next one.
                j = i + 1
                while j < n and doc[j].text in _CLOSERS and doc[j - 1].whitespace_ == "":
                    j += 1
                if j < n:
                    starts[j] = True
            elif tok.is_space and "\n" in text and i + 1 < n:
                # Headlines, bullets and datelines end at the line break.
                starts[i + 1] = True
        for i in range(1, n):
            doc[i].is_sent_start = starts[i]
        return doc
