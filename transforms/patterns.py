"""Small text-pattern helpers shared by the date resolver and the pipeline."""

from __future__ import annotations

import re


def trie_regex(words: list[str]) -> str:
    """An alternation of literal strings factored by common prefixes, longest first.

    With many alternatives, Python's regex engine otherwise tries each one at every
    position; shared prefixes make a miss fail on the first character.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    # Top level ungrouped: a plain alternation lets the engine skip ahead by first character.
    return "|".join(re.escape(ch) + emit(child) for ch, child in sorted(trie.items()))


def token_starts(doc) -> list[int]:
    """The character offset of every token (``Token.idx``), as the token table read it:
    ``doc[i].idx`` creates a Token object each time."""
    from transforms.pipeline.tokens import token_table

    return token_table(doc).idx


def needle_spans(text: str, needles: tuple[str, ...]) -> list[tuple[int, int]]:
    """Start and end of every occurrence of every needle in ``text``.

    A regular expression that cannot match without one of the needles cannot match in a
    stretch of ``text`` that holds none of these spans: a cheap test before running it."""
    spans = []
    find = text.find
    for needle in needles:
        i = find(needle)
        while i >= 0:
            spans.append((i, i + len(needle)))
            i = find(needle, i + 1)
    return spans


# Characters for which slicing ``text.lower()`` is not the same as lowering the slice, or
# which a case-insensitive pattern letter matches although their lowercase is another letter
# ("ſ" matches "s", "ı" matches "i"). Looked for with one substring test each: a character
# class search costs ~25 times as much on a text with typographic quotes or dashes.
_UNSAFE_FOR_LOWER = ("İ", "ı", "ſ", "Σ")


def lowered_text(doc, text: str) -> str | None:
    """``text.lower()`` (the document's text) when it is offset-aligned with ``text`` and a
    substring test in it is a safe prefilter for case-insensitive patterns; else None."""
    key = "patterns.lowered_text"
    if key in doc.user_data:
        return doc.user_data[key]
    low = text.lower()
    if len(low) != len(text) or any(c in text for c in _UNSAFE_FOR_LOWER):
        low = None
    doc.user_data[key] = low
    return low
