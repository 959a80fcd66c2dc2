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
