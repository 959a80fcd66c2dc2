"""Topics: what a contact was about, in the SCHEMA taxonomy."""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span

from transforms.knowledge import load_knowledge_base
from transforms.patterns import lowered_text, needle_spans, trie_regex
from transforms.pipeline.clauses import (
    Draft,
    mentions_by_sentence,
)
from transforms.pipeline.tokens import (
    doc_extension,
    doc_text,
    lower,
    sentence_spans,
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
        # Cues match at a word start, long single words also inside compounds (_split_cues).
        # Each set is one trie-shaped regex (shared prefixes make a miss cheap); at every
        # position the longest cue starting there counts, so overlapping cues ("Beendigung des
        # Krieges in der Ukraine") are all found. The patterns open with a character class,
        # which lets the regex engine skip ahead in C to the next place a match can start.
        inside, at_start = _split_cues(self.topics_by_cue)
        # Run over " " + text: the consumed character is the one before the cue, not a letter.
        self.at_word_start = re.compile(r"[^a-zäöüß](?=(" + trie_regex(at_start) + "))")
        self.inside_words = re.compile(trie_regex(inside)) if inside else None
        # Topics by sentence text: sentences recur (agency copy, repeated passages).
        self._memo: dict[str, set[str]] = {}
        # Per set of topics, the finders of their cues alone (mentions_any).
        self._finders: dict[frozenset[str], _TopicFinder] = {}

    def topics_of(self, text: str) -> set[str]:
        low = text.lower()
        found: set[str] = set()
        topics_by_cue = self.topics_by_cue
        for m in self.at_word_start.finditer(" " + low):
            found |= topics_by_cue[m.group(1)]
        if self.inside_words is not None:
            # Overlapping matches: search again from the position after each match start.
            search = self.inside_words.search
            m = search(low)
            while m is not None:
                found |= topics_by_cue[m.group()]
                m = search(low, m.start() + 1)
        return found

    def mentions_any(self, text: str, topics: frozenset[str], lowered: str | None = None) -> bool:
        """Whether ``text`` (``lowered``: its lowercase, if at hand) names one of ``topics``.

        Only the cues of those topics are looked for (``_TopicFinder``), up to the first one
        found; ``topics_of`` reads the whole text.
        """
        finder = self._finders.get(topics)
        if finder is None:
            cues = [cue for cue, named in self.topics_by_cue.items() if named & topics]
            finder = self._finders[topics] = _TopicFinder(cues)
        return finder.search(lowered if lowered is not None else text.lower())

    def _sentence_topics(self, text: str) -> set[str]:
        found = self._memo.get(text)
        if found is None:
            if len(self._memo) > 50_000:
                self._memo.clear()
            found = self._memo[text] = self.topics_of(text)
        return found

    def __call__(self, doc: Doc) -> Doc:
        sents = sentence_spans(doc)
        text = doc_text(doc)
        memo: dict[int, set[str]] = {}

        def sentence_text(sent: Span) -> str:
            # span_text(doc, sent.start, sent.end): a Span keeps its character bounds.
            return text[sent.start_char : sent.end_char]

        def topics_in(sent: Span) -> set[str]:
            # Only sentences that can matter are matched: the regex is the costly part.
            found = memo.get(sent.start)
            if found is None:
                # A copy: the memoized set is shared across documents, callers may extend theirs.
                found = memo[sent.start] = set(self._sentence_topics(sentence_text(sent)))
            return found

        drafts = doc_extension(doc, "contacts") or []
        contact_sentences = {d.sent.start for d in drafts}
        index = {s.start: k for k, s in enumerate(sents)}
        for d in drafts:
            d.topics |= topics_in(d.sent)
            k = index[d.sent.start]
            for follow in sents[k + 1 : k + 3]:
                if follow.start in contact_sentences or not _continues(doc, d, follow):
                    break
                d.topics |= topics_in(follow)
        # Sentences that name topics of a conversation: _TOPIC_CUES only where one of the
        # literals it needs occurs in the sentence.
        low_text = lowered_text(doc, text)
        cue_spans = None if low_text is None else needle_spans(low_text, _TOPIC_CUE_NEEDLES)
        topic_sentences = []
        if cue_spans is None or cue_spans:
            for sent in sents:
                if cue_spans is not None:
                    begin = sent.start_char
                    end = sent.end_char
                    if not any(begin <= p and q <= end for p, q in cue_spans):
                        continue
                if _TOPIC_CUES.search(sentence_text(sent)) and topics_in(sent):
                    topic_sentences.append((sent.start, topics_in(sent)))
        doc.user_data["topic_sentences"] = topic_sentences
        # Whether the whole text names some topics, for the consolidator; a bound method, not a
        # closure over the doc, so the doc holds no reference to itself and is freed at once.
        doc.user_data["mentions_any_topic"] = self.mentions_any
        return doc


def _split_cues(cues: Iterable[str]) -> tuple[list[str], list[str]]:
    """``(inside, at_start)``: long single words also match inside compounds ("sanktion" in
    "Wirtschaftssanktionen"), the other cues only at a word start ("uran" not in "Restaurant")."""
    cues = list(cues)
    inside = [c for c in cues if " " not in c and len(c) >= 7]
    taken = set(inside)
    return inside, [c for c in cues if c not in taken]


class _TopicFinder:
    """Whether a lowercase text holds one of ``cues``, matched as ``ContactTopics`` matches them.

    A cue matched inside words is a substring test. A cue matched at a word start holds its
    longest word, so the cue regex runs only from shortly before the first of those words
    (found in C); a text with none of them costs a few substring tests (the regex alone
    costs ~10 ns a character).
    """

    def __init__(self, cues: list[str]):
        inside, at_start = _split_cues(cues)
        self.inside = tuple(inside)
        self.at_start = re.compile(r"[^a-zäöüß](?=" + trie_regex(at_start) + ")") if at_start else None
        # A word that holds another word is found through that one.
        words = {max(cue.split(), key=len) for cue in at_start}
        self.needles = tuple(sorted(w for w in words if not any(o != w and o in w for o in words)))
        # A cue starts at most this far before its longest word.
        self.reach = max((len(c) for c in at_start), default=0)

    def search(self, low: str) -> bool:
        if any(cue in low for cue in self.inside):
            return True
        if self.at_start is None:
            return False
        first = min((i for i in map(low.find, self.needles) if i >= 0), default=-1)
        if first < 0:
            return False
        begin = first - self.reach
        # The pattern consumes the character before a cue: a space stands in before the text.
        if begin <= 0:
            return self.at_start.search(" " + low) is not None
        return self.at_start.search(low, begin - 1) is not None


# Literal strings without one of which _TOPIC_CUES cannot match (lowercase).
_TOPIC_CUE_NEEDLES = (
    "them",
    "ging es",
    "geht es",
    "sprach",
    "beriet",
    "schwerpunkt",
    "tagesordnung",
    "mittelpunkt",
    "erörtert",
    "diskutiert",
    "besprochen",
    "stand",
)


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
