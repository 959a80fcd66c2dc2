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
        if len(doc) == 0:
            return doc
        doc[0].is_sent_start = True
        n = len(doc)
        start_next = False
        for i in range(n):
            tok = doc[i]
            text = tok.text
            if i > 0:
                doc[i].is_sent_start = start_next
            start_next = False
            if text in _ENDS:
                # Attach closing quotes/brackets to the sentence they close.
                # Only a quote glued to the full stop closes this sentence; after a space,
                # '"Wir wollen ..."' opens the next one.
                j = i + 1
                while j < n and doc[j].text in _CLOSERS and doc[j - 1].whitespace_ == "":
                    j += 1
                if j == i + 1:
                    start_next = True
                else:
                    for k in range(i + 1, j):
                        doc[k].is_sent_start = False
                    if j < n:
                        doc[j].is_sent_start = True
            elif "\n" in text and tok.is_space or tok.whitespace_ == "" and "\n" in text:
                start_next = True
        # Tokens followed by a newline in their trailing whitespace are handled above as
        # space tokens; spaCy only emits a space token for the newline itself.
        return doc
