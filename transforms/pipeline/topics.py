"""Topics: what a contact was about, in the SCHEMA taxonomy."""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from transforms.knowledge import load_knowledge_base
from transforms.patterns import trie_regex
from transforms.pipeline.clauses import (
    Draft,
    mentions_by_sentence,
)
from transforms.pipeline.tokens import (
    doc_text,
    lower,
    sentence_spans,
    span_text,
)

_TOPIC_CUES = re.compile(
    r"\b(thema|themen|ging es|geht es|sprachen über|sprach über|beriet(en)? über|schwerpunkt|tagesordnung|"
    r"im mittelpunkt|erörtert|diskutiert|besprochen|standen|stand .* auf)",
    re.I,
)


@Language.factory("contact_topics", default_config={"kb_dir": None})
def create_contact_topics(nlp: Language, name: str, kb_dir: str | None):
    from pathlib import Path

    kb = load_knowledge_base(Path(kb_dir) if kb_dir else None)
    return ContactTopics(kb.topics)


class ContactTopics:
    """Topics of a contact: those named in its sentence, in the sentences that go on about it
    ("Beide bekräftigten ...", "Im Zentrum des Gesprächs stand ..."), and in sentences that
    name the topics of a conversation ("Themen des Gesprächs waren ...").

    All topic cues are one regular expression with a named group per topic, run once over
    the article; matches are then assigned to sentences by offset.
    """

    def __init__(self, topics: dict[str, tuple[str, ...]]):
        self.topics_by_cue: dict[str, set[str]] = {}
        for topic, cues in topics.items():
            for cue in cues:
                self.topics_by_cue.setdefault(cue, set()).add(topic)
        # Cues match at a word start; long single words also inside compounds ("sanktion" in
        # "Wirtschaftssanktionen"), short ones not ("uran" in "Restaurant"). Each set is one
        # trie-shaped regex in a zero-width lookahead: shared prefixes make a miss cheap, and
        # overlapping cues ("Beendigung des Krieges in der Ukraine") are all found.
        inside = [c for c in self.topics_by_cue if " " not in c and len(c) >= 7]
        at_start = [c for c in self.topics_by_cue if c not in set(inside)]
        self.at_word_start = re.compile(r"(?<![a-zäöüß])(?=(" + trie_regex(at_start) + "))")
        self.inside_words = re.compile(r"(?=(" + trie_regex(inside) + "))") if inside else None

    def topics_of(self, text: str) -> set[str]:
        low = text.lower()
        found: set[str] = set()
        for pattern in (self.at_word_start, self.inside_words):
            if pattern is not None:
                for m in pattern.finditer(low):
                    found |= self.topics_by_cue[m.group(1)]
        return found

    def __call__(self, doc: Doc) -> Doc:
        sents = sentence_spans(doc)
        memo: dict[int, set[str]] = {}

        def topics_in(sent: Span) -> set[str]:
            # Only sentences that can matter are matched: the regex is the costly part.
            found = memo.get(sent.start)
            if found is None:
                found = memo[sent.start] = self.topics_of(span_text(doc, sent.start, sent.end))
            return found

        drafts = doc._.contacts or []
        contact_sentences = {d.sent.start for d in drafts}
        index = {s.start: k for k, s in enumerate(sents)}
        for d in drafts:
            d.topics |= topics_in(d.sent)
            k = index[d.sent.start]
            for follow in sents[k + 1 : k + 3]:
                if follow.start in contact_sentences or not _continues(doc, d, follow):
                    break
                d.topics |= topics_in(follow)
        doc.user_data["topic_sentences"] = [
            (sent.start, topics_in(sent))
            for sent in sents
            if _TOPIC_CUES.search(span_text(doc, sent.start, sent.end)) and topics_in(sent)
        ]
        doc.user_data["article_topics"] = lambda: self.topics_of(doc_text(doc))
        return doc


_CONTINUATION_OPENERS = frozenset("""beide er sie dabei zudem auch im es thema themen""".split())


def _continues(doc: Doc, d: Draft, sent: Span) -> bool:
    """The sentence goes on about the contact: same paragraph, and it opens with a pronoun,
    "Beide", "Dabei" or a participant's name."""
    gap = doc_text(doc)[d.sent.end_char : sent.start_char]
    if "\n\n" in gap or "\n \n" in gap:
        return False
    first = lower(doc, sent.start)
    if first in _CONTINUATION_OPENERS:
        return True
    names = {m.person_id for m in d.mentions if m.person_id}
    opening = [m for m in mentions_by_sentence(doc).get(sent.start, ()) if m.start - sent.start <= 1]
    return any(m.person_id in names for m in opening)
