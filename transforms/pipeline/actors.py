"""Actor recognition: knowledge-base lexicon hits grouped into actor mentions.

A mention is a person ("Außenministerin Annalena Baerbock"), an office ("der russische
Außenminister", "Präsident Russlands"), a relational office ("sein US-Amtskollege"), a
plural office over several countries ("die Außenminister Polens, Litauens und Italiens"),
a country or its government ("Moskau" as metonym, "der Kreml"), a country's side ("die
russische Delegation"), an organization or group, or a spokesperson (never a participant).
Persons not in the knowledge base are recognized when an office term introduces them
("der ukrainische Außenminister Andrij Sybiha") and then count as not linked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import compress

from spacy.language import Language
from spacy.tokens import Doc

from transforms.knowledge import load_knowledge_base
from transforms.pipeline.demonyms import demonym_positions
from transforms.pipeline.lexicon import Entry, Lexicon, german_word_list
from transforms.pipeline.tokens import sentence_index, set_doc_extension, span_text, token_table

_POSSESSIVE = frozenset(
    """sein seine seinem seinen seiner seines ihr ihre ihrem ihren ihrer ihres dessen deren""".split()
)
# Words that may stand between the parts of one actor mention ("der neue russische Außenminister").
_GLUE = _POSSESSIVE | frozenset(
    """der die das des dem den ein eine einen einem eines einer neue neuen neuer neuem ehemalige
    ehemaligen ehemaliger damalige damaligen damaliger amtierende amtierenden amtierender frühere
    früheren früherer designierte designierten künftige künftigen scheidende scheidenden
    stellvertretende stellvertretenden""".split()
)
_PRONOUNS = {"er": "m", "ihn": "m", "ihm": "m", "sie": "f"}
# Words after "sie" that say nothing about number: "wo sie den Minister traf", "sie ihren".
_NOT_VERBS = frozenset(
    """den dem der die das des ein einen einem einer eines ihren ihrem ihre ihrer ihres seinen seinem
    unseren diesen diesem jenen allen anderen beiden""".split()
)


def _plural_sie(lowers: list[str], i: int) -> bool:
    """ "sie" is plural when a finite verb in -en stands right before or after it."""
    before = lowers[i - 1] if i > 0 else ""
    after = lowers[i + 1] if i + 1 < len(lowers) else ""
    return any(w.endswith("en") and w.isalpha() and w not in _NOT_VERBS for w in (before, after))


_LIST_GLUE = frozenset({",", "und", "sowie", "der", "des"})
# Capitalized words that can follow an office term but are not names.
_NOT_NAMES = frozenset(
    """Der Die Das Den Dem Des Ein Eine Am Im In Zu Zum Zur Bei Beim Mit Nach Von Vom Auf Aus Für
    Über Unter Vor Seit Während Wegen Und Oder Aber Doch Auch Nun Dann Es Er Sie Wir Ihr Ich Man
    Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag Januar Februar März April Mai
    Juni Juli August September Oktober November Dezember Anfang Mitte Ende Gespräch Gespräche
    Gesprächen Treffen Telefonat Besuch Reise Verhandlungen Konflikt Krieg Frieden Lage Thema
    Themen Angaben Berichten Regierung Zusammenarbeit Unterstützung Sicherheit Sanktionen
    Außenministerium Kollegen Kollege Amtskollegen Amtskollege Erklärung Medienberichten Kreisen
    Washington Moskau""".split()
)
_NAME_SUFFIXES = ("ung", "heit", "keit", "schaft", "tion", "ismus", "ität", "ment", "nahme")


@dataclass(slots=True)
class ActorMention:
    """A recognized actor in the text (token offsets ``start``/``end``)."""

    start: int
    end: int
    text: str
    kind: str  # person office counterpart country side organization speaker pronoun group
    person_id: str | None = None
    role: str | None = None
    country: str | None = None
    jurisdiction: str | None = None
    countries: tuple[str, ...] = ()
    org_id: str | None = None
    is_kb_linked: bool = False
    is_possessive: bool = False
    sentence_start: int = 0
    attributes: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return _LABELS[self.kind]


# The entity label of each mention kind.
_LABELS = {
    "person": "PERSON",
    "office": "ROLE",
    "counterpart": "ROLE",
    "country": "COUNTRY",
    "side": "SIDE",
    "organization": "ORG",
    "speaker": "SPEAKER",
    "pronoun": "PRONOUN",
    "group": "GROUP_REFERENCE",
}


@Language.factory("actor_recognizer", default_config={"kb_dir": None})
def create_actor_recognizer(nlp: Language, name: str, kb_dir: str | None):
    from pathlib import Path

    kb = load_knowledge_base(Path(kb_dir) if kb_dir else None)
    return ActorRecognizer(Lexicon(kb, nlp.tokenizer, german_word_list()))


if not Doc.has_extension("actor_mentions"):
    Doc.set_extension("actor_mentions", default=None)
    Doc.set_extension("place_hits", default=None)


@dataclass(slots=True)
class Hit:
    start: int
    end: int
    entries: list[Entry]

    def first(self, *labels: str) -> Entry | None:
        for e in self.entries:
            if e.label in labels:
                return e
        return None


class _StartsHit(dict):
    """Per word form: can a lexicon hit start here (the first word of a phrase, or a hyphenated
    word, which may be a compound like "US-Außenminister")?"""

    lexicon: Lexicon | None = None

    def __missing__(self, text: str) -> bool:
        value = self[text] = text in self.lexicon.lengths_by_first or "-" in text
        return value


class ActorRecognizer:
    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        # Per-form caches: the vocabulary of news text repeats from article to article.
        self._starts_hit = _StartsHit()
        self._compounds: dict[str, tuple[Entry, ...]] = {}
        # The one-word phrases by their word: most hits are one word long, and a probe by the
        # word itself spares building and hashing a one-element tuple.
        self._one_word = {
            phrase[0]: entries for phrase, entries in lexicon.phrases.items() if len(phrase) == 1
        }

    # -- stage 1: lexicon hits ------------------------------------------------------

    def hits(self, doc: Doc) -> list[Hit]:
        """Longest lexicon phrases, left to right without overlap, and hyphenated compounds."""
        phrases = self.lexicon.phrases
        one_word = self._one_word
        lengths_by_first = self.lexicon.lengths_by_first
        compounds = self._compounds
        texts = token_table(doc).texts
        n = len(texts)
        hits: list[Hit] = []
        # Only a few tokens can start a hit; find them in C (a dict probe per token, cached per
        # form) and look at those alone.
        is_start = self._starts_hit
        is_start.lexicon = self.lexicon
        taken_until = 0
        for i in compress(range(n), map(is_start.__getitem__, texts)):
            if i < taken_until:
                continue  # inside the hit found before
            text = texts[i]
            lengths = lengths_by_first.get(text)
            if lengths:
                # The phrase lengths that start with this word, longest first.
                for length in lengths:
                    if length <= n - i:
                        if length == 1:
                            entries = one_word.get(text)
                        else:
                            entries = phrases.get(tuple(texts[i : i + length]))
                        if entries:
                            hits.append(Hit(i, i + length, entries))
                            taken_until = i + length
                            break
                continue
            entries = compounds.get(text)
            if entries is None:
                entries = compounds[text] = tuple(self.lexicon.compound(text))
            if entries:
                hits.append(Hit(i, i + 1, list(entries)))
        return hits

    # -- stage 2: mentions ----------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        table = token_table(doc)
        texts, lowers = table.texts, table.lowers
        hits = self.hits(doc)
        mentions: list[ActorMention] = []
        places: list[Hit] = []
        by_start = {h.start: h for h in hits}
        consumed: set[int] = set()
        sent_starts = sentence_index(doc)
        for hit in hits:
            if hit.first("PLACE"):
                places.append(hit)
            if hit.start in consumed:
                continue
            mention = self._mention_at(doc, hit, by_start, consumed)
            if mention is not None:
                mention.sentence_start = sent_starts[mention.start]
                mentions.append(mention)
        self._link_surnames(doc, mentions, by_start, consumed, sent_starts)
        for i in compress(range(len(lowers)), map(_PRONOUNS.__contains__, lowers)):
            low = lowers[i]
            gender = _PRONOUNS[low]
            if gender == "f" and _plural_sie(lowers, i):
                # "Dort trafen sie Selenskyj", "sie haben ...": the group just reported.
                mentions.append(
                    ActorMention(
                        i,
                        i + 1,
                        texts[i],
                        "group",
                        sentence_start=sent_starts[i],
                        attributes={"count": None, "min_count": 2},
                    )
                )
                continue
            mentions.append(
                ActorMention(
                    i,
                    i + 1,
                    texts[i],
                    "pronoun",
                    sentence_start=sent_starts[i],
                    attributes={"gender": gender, "object": low in ("ihn", "ihm")},
                )
            )
        # "Der Franzose betonte ...": a nationality noun for a person named before.
        spans = ((m.start, m.end) for m in mentions)
        for i, country, gender in demonym_positions(texts, lowers, spans):
            mentions.append(
                ActorMention(
                    i,
                    i + 1,
                    texts[i],
                    "pronoun",
                    country=country,
                    sentence_start=sent_starts[i],
                    attributes={"gender": gender, "demonym": True},
                )
            )
        mentions = _with_group_anaphors(doc, mentions, sent_starts)
        mentions.sort(key=lambda m: m.start)
        _mark_opening_country_pairs(lowers, mentions)
        set_doc_extension(doc, "actor_mentions", mentions)
        set_doc_extension(doc, "place_hits", places)
        return doc

    def _mention_at(self, doc: Doc, hit: Hit, by_start: dict[int, Hit], consumed: set[int]):
        entry = hit.first(
            "PERSON", "ROLE", "COUNTERPART", "SPEAKER", "SIDE", "ADJ", "COUNTRY", "METONYM", "ORG"
        )
        if entry is None:
            return None
        label = entry.label
        if label == "ADJ":
            # A country adjective qualifies the office or side noun that follows it;
            # coordinated adjectives ("russischen und ukrainischen Unterhändlern") name several.
            countries = [entry.country]
            lowers = token_table(doc).lowers
            j = _skip(doc, hit.end, _GLUE)
            while j < len(lowers) and lowers[j] in ("und", "sowie", ","):
                nxt = by_start.get(j + 1)
                adj = nxt.first("ADJ") if nxt else None
                if adj is None:
                    break
                consumed.add(nxt.start)
                countries.append(adj.country)
                j = _skip(doc, nxt.end, _GLUE)
            nxt = by_start.get(j)
            head = nxt.first("ROLE", "COUNTERPART", "SIDE", "SPEAKER") if nxt else None
            if head is None:
                return None
            consumed.add(nxt.start)
            mention = self._office(doc, nxt, head, by_start, consumed, start=hit.start)
            if len(countries) > 1 and mention.kind in ("side", "office"):
                mention.countries = tuple(dict.fromkeys(countries))
            elif mention.country is None or mention.jurisdiction == mention.country:
                # An explicit adjective wins over a country the office word implies
                # ("der österreichische Bundeskanzler").
                mention.country = entry.country
                if mention.kind == "office":
                    mention.jurisdiction = entry.country
            return mention
        if label in ("ROLE", "COUNTERPART", "SPEAKER", "SIDE"):
            return self._office(doc, hit, entry, by_start, consumed, start=hit.start)
        if label == "PERSON":
            if hit.end - hit.start == 1 and hit.end < len(doc) and _is_adverb_phrase(doc, hit):
                return None  # "Kurz zuvor hatte Selenskyj ...": the adverb, not Sebastian Kurz
            mention = ActorMention(
                hit.start,
                hit.end,
                span_text(doc, hit.start, hit.end),
                "person",
                person_id=entry.person_id,
                country=entry.country,
                is_kb_linked=True,
            )
            if entry.genitive:
                mention.attributes["genitive"] = True
            return mention
        if label in ("COUNTRY", "METONYM"):
            # "Russlands Präsident", "Polens Außenminister": the country is a genitive qualifier.
            nxt = by_start.get(hit.end)
            head = nxt.first("ROLE", "SIDE", "SPEAKER") if nxt else None
            if head is not None and span_text(doc, hit.start, hit.end).endswith("s"):
                consumed.add(nxt.start)
                mention = self._office(doc, nxt, head, by_start, consumed, start=hit.start)
                if mention.country is None:
                    mention.country = entry.country
                    if mention.kind == "office" and mention.jurisdiction is None:
                        mention.jurisdiction = entry.country
                return mention
            return ActorMention(
                hit.start,
                hit.end,
                span_text(doc, hit.start, hit.end),
                "country",
                country=entry.country,
                is_kb_linked=True,
                attributes={"metonym": label == "METONYM"},
            )
        if label == "ORG":
            return ActorMention(
                hit.start,
                hit.end,
                span_text(doc, hit.start, hit.end),
                "organization",
                org_id=entry.org_id,
                is_kb_linked=True,
            )
        return None

    def _office(self, doc: Doc, hit: Hit, entry: Entry, by_start, consumed, start: int) -> ActorMention:
        kind = {"ROLE": "office", "COUNTERPART": "counterpart", "SPEAKER": "speaker", "SIDE": "side"}[
            entry.label
        ]
        mention = ActorMention(
            start,
            hit.end,
            "",
            kind,
            role=entry.role,
            country=entry.country,
            jurisdiction=entry.jurisdiction,
            org_id=entry.org_id,
        )
        table = token_table(doc)
        texts, lowers = table.texts, table.lowers
        if start > 0 and lowers[start - 1] in _POSSESSIVE:
            mention.is_possessive = True
            mention.attributes["possessive"] = lowers[start - 1]
        elif start > 1 and lowers[start - 2] in _POSSESSIVE and texts[start - 1].islower():
            mention.is_possessive = True
            mention.attributes["possessive"] = lowers[start - 2]
        if (
            start > 0
            and lowers[start - 1] == "als"
            or (start > 1 and lowers[start - 2] == "als" and texts[start - 1].islower())
        ):
            # "Trumps als US-Präsident", "Als erster Regierungschef": a role predicated of
            # someone named elsewhere in the sentence.
            mention.attributes["appositive"] = True
        end = hit.end
        # A name right after the office or after a comma:
        # "Außenminister Marco Rubio", "Beauftragte des Weißen Hauses, Steve Witkoff".
        j = end
        if j < len(texts) and texts[j] == "," and kind in ("office", "speaker"):
            j += 1
        nxt = by_start.get(j)
        person = nxt.first("PERSON") if nxt else None
        if person is not None and _name_goes_on(texts, nxt, by_start):
            # "Handelsminister Wang Wentao": not Wang Yi, someone the knowledge base lacks (the
            # name found below takes the surname hit along).
            consumed.add(nxt.start)
            person = None
        if person is not None:
            consumed.add(nxt.start)
            mention.kind = "speaker" if kind == "speaker" else "person"
            mention.person_id = person.person_id
            mention.country = mention.country or person.country
            mention.is_kb_linked = True
            mention.end = nxt.end
        elif kind in ("office", "counterpart", "speaker"):
            name_end = _unknown_name(doc, j, by_start, allow_first=True)
            if name_end:
                mention.kind = "speaker" if kind == "speaker" else "person"
                mention.person_id = span_text(doc, j, name_end)
                mention.end = name_end
                mention.attributes["discovered"] = True
            else:
                self._genitive_countries(doc, mention, by_start, consumed)
                self._apposition(doc, mention, by_start, consumed)
        elif kind == "side":
            self._genitive_countries(doc, mention, by_start, consumed)
        mention.text = span_text(doc, mention.start, mention.end)
        return mention

    @staticmethod
    def _apposition(doc: Doc, mention: ActorMention, by_start, consumed) -> None:
        """ "der Nahost-Beauftragte des Weißen Hauses, Steve Witkoff": the name completes the office."""
        j = mention.end
        texts = token_table(doc).texts
        if j + 1 < len(texts) and texts[j] == ",":
            nxt = by_start.get(j + 1)
            person = nxt.first("PERSON") if nxt else None
            if person is not None and not person.genitive:
                consumed.add(nxt.start)
                mention.kind = "speaker" if mention.kind == "speaker" else "person"
                mention.person_id = person.person_id
                mention.country = mention.country or person.country
                mention.is_kb_linked = True
                mention.end = nxt.end

    def _genitive_countries(self, doc: Doc, mention: ActorMention, by_start, consumed) -> None:
        """Countries after an office: "Außenminister Polens, Litauens und Italiens",
        "Präsident der USA", "Berater von Kanzler Scholz"."""
        j = mention.end
        countries: list[str] = []
        end = mention.end
        table = token_table(doc)
        texts, lowers = table.texts, table.lowers
        while j < len(texts):
            low = lowers[j]
            if (
                low in _LIST_GLUE
                or low == "von"
                or _like_num(doc, texts[j])
                or (low in ("darunter", "aus") and mention.kind in ("office", "counterpart"))
                # "der sogenannten Koalition der Willigen": an adjective after the article
                or (j > mention.end and lowers[j - 1] in _GENITIVE_ARTICLES and _is_adjective(texts[j]))
            ):
                j += 1
                continue
            hit = by_start.get(j)
            if hit is None:
                break
            country = hit.first("COUNTRY", "METONYM")
            if country is not None:
                countries.append(country.country)
                consumed.add(hit.start)
                end = j = hit.end
                continue
            org = hit.first("ORG")
            if org is not None and not countries and mention.kind in ("office", "side"):
                mention.jurisdiction = mention.jurisdiction or org.org_id
                mention.org_id = mention.org_id or org.org_id
                consumed.add(hit.start)
                end = j = hit.end
                break
            if mention.kind == "side":
                break  # "die Delegation von Medinski": the person stands for the side himself
            person = hit.first("PERSON")
            if person is not None and not countries and span_text(doc, mention.end, j).startswith("von"):
                # "der außenpolitische Berater von Kanzler Olaf Scholz": the country comes from
                # the person, who is part of this description and no participant of their own.
                countries.append(person.country)
                consumed.add(hit.start)
                end = hit.end
                break
            role = hit.first("ROLE")
            if role is not None and not countries and span_text(doc, mention.end, j).startswith("von"):
                nxt = by_start.get(hit.end)
                p = nxt.first("PERSON") if nxt else None
                if role.country or p:
                    countries.append(role.country or p.country)
                    consumed.add(hit.start)
                    end = hit.end
                    if p is not None:
                        consumed.add(nxt.start)
                        end = nxt.end
                break
            break
        countries = [c for c in countries if c]
        if len(countries) == 1:
            mention.country = mention.country or countries[0]
            if mention.kind == "office" and mention.jurisdiction is None:
                mention.jurisdiction = countries[0]
        elif len(countries) > 1:
            mention.countries = tuple(dict.fromkeys(countries))
        if end > mention.end and (countries or mention.org_id):
            mention.end = end

    def _link_surnames(self, doc: Doc, mentions, by_start, consumed, sent_starts) -> None:
        """Repeat mentions of persons discovered in this article ("Sybiha" after "Andrij Sybiha")."""
        discovered = {
            m.person_id.split()[-1]: m
            for m in mentions
            if m.kind == "person" and m.attributes.get("discovered") and " " in (m.person_id or "")
        }
        if not discovered:
            return
        taken = {i for m in mentions for i in range(m.start, m.end)}
        for i, word in enumerate(token_table(doc).texts):
            key = word[:-1] if word.endswith("s") and word[:-1] in discovered else word
            source = discovered.get(key)
            if source is None or i in taken:
                continue
            mentions.append(
                ActorMention(
                    i,
                    i + 1,
                    word,
                    "person",
                    person_id=source.person_id,
                    role=source.role,
                    country=source.country,
                    sentence_start=sent_starts[i],
                    attributes={"discovered": True},
                )
            )


_GROUP_NUMBERS = {
    "beiden": 2,
    "beide": 2,
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "fünf": 5,
    "sechs": 6,
    "sieben": 7,
}
# Lowercase forms of the words that can start a group reference.
_GROUP_CUES = frozenset(_GROUP_NUMBERS) | {"gäste", "gästen", "20", "zwanzig"}
# How the press describes the G7 and the G20 without naming them: "die sieben großen
# Industrienationen", "der 20 führenden Wirtschaftsmächte". Number -> group.
_DESCRIBED_GROUPS = {7: "group@G7", 20: "group@G20"}
_DESCRIBED_GROUP_NOUNS = (
    "Industrienation",
    "Industriestaat",
    "Industrieländer",
    "Wirtschaftsmächt",
    "Volkswirtschaft",
)


def _group_paraphrase(
    texts: list[str], lowers: list[str], i: int, count: int | None
) -> tuple[str, int] | None:
    """``(group id, end)`` when the number at ``i`` opens a description of a formal group:
    up to two lowercase adjectives, then a noun for industrial nations or economies."""
    if lowers[i] in ("20", "zwanzig"):
        count = 20
    group = _DESCRIBED_GROUPS.get(count)
    if group is None:
        return None
    j = i + 1
    while j < len(texts) and j <= i + 3 and texts[j].isalpha() and texts[j].islower():
        j += 1
    if j < len(texts) and texts[j].startswith(_DESCRIBED_GROUP_NOUNS):
        return group, j + 1
    return None


# Nouns for a group of the people or sides just reported ("die beiden Präsidenten").
_GROUP_NOUNS = frozenset(
    """Präsidenten Politiker Minister Außenminister Chefdiplomaten Staatschefs Regierungschefs
    Spitzenpolitiker Europäer Gäste Gästen Amtskollegen Kollegen""".split()
)


# What a group noun says about its members' office: "die beiden Minister" are ministers.
_MINISTERS = ("foreign_minister", "defence_minister")
_LEADERS = ("head_of_state", "head_of_government")
_GROUP_ROLES = {
    "Präsidenten": ("head_of_state",),
    "Minister": _MINISTERS,
    "Außenminister": ("foreign_minister",),
    "Chefdiplomaten": ("foreign_minister",),
    "Staatschefs": _LEADERS,
    "Regierungschefs": _LEADERS,
}


_PAIR_FILLERS = frozenset({"und", "sowie", "die", "der", "das"})
_FINITE_AUXILIARIES = frozenset("haben hatten sind waren wollen wollten werden sollen sollten".split())


def _mark_opening_country_pairs(lowers: list[str], mentions: list[ActorMention]) -> None:
    """ "Russland und die Ukraine haben ... verhandelt", "Die USA und Russland verhandeln":
    two countries that open their sentence are its subject, so each is a side of the
    contact (``participants._eligible`` lets a bare country in only as a side)."""
    for first, second in zip(mentions, mentions[1:], strict=False):
        if first.kind != "country" or second.kind != "country":
            continue
        sent_start = first.sentence_start
        if second.sentence_start != sent_start:
            continue
        before = lowers[sent_start : first.start]
        k = len(before) - 1
        while k >= 0 and before[k] in ("die", "der", "das"):
            k -= 1
        if k > 0 and before[k] == "sich" and before[k - 1] in _FINITE_AUXILIARIES:
            k -= 1  # "haben sich die USA und die Ukraine ... verständigt"
        between = lowers[first.end : second.start]
        if (
            # At the start of the sentence, or right after its finite verb: "Erstmals seit
            # Jahren haben Russland und die Ukraine direkt verhandelt."
            (k < 0 or before[k] in _FINITE_AUXILIARIES)
            and between
            and between[0] in ("und", "sowie")
            and all(w in _PAIR_FILLERS for w in between)
        ):
            first.attributes["opening_pair"] = True
            second.attributes["opening_pair"] = True


def _with_group_anaphors(
    doc: Doc, mentions: list[ActorMention], sent_starts: list[int]
) -> list[ActorMention]:
    """ "die beiden Präsidenten", "beide Seiten", "die vier Europäer", "die Gäste": a group
    mentioned before, resolved later against the contacts already reported."""
    table = token_table(doc)
    texts, lowers = table.texts, table.lowers
    groups: list[ActorMention] = []
    n = len(texts)
    # Only number words and "Gäste"/"Gästen" can start a group; find them in C.
    for i in compress(range(n), map(_GROUP_CUES.__contains__, lowers)):
        low = lowers[i]
        count = _GROUP_NUMBERS.get(low)
        paraphrase = _group_paraphrase(texts, lowers, i, count)
        if paraphrase is not None:
            # "der sieben großen Industrienationen": the G7 by its description, not a group
            # of people reported before.
            org_id, end = paraphrase
            groups.append(
                ActorMention(
                    i,
                    end,
                    span_text(doc, i, end),
                    "organization",
                    org_id=org_id,
                    is_kb_linked=True,
                    sentence_start=sent_starts[i],
                )
            )
            continue
        noun_at = i + 1
        if (
            count is None
            and texts[i] in ("Gäste", "Gästen")
            and i > 0
            and lowers[i - 1] in ("die", "den", "der")
        ):
            count, noun_at = None, i
        elif count is None:
            continue
        # A group named by a noun for people, or by a number after an article ("die vier",
        # "ein Treffen der beiden"). "beide Seiten" and "beide" without an article are too
        # loose to point at one earlier contact.
        bare_number = (
            low != "beide"
            and i > 0
            and lowers[i - 1] in ("die", "der", "den")
            and noun_at < n
            and not texts[noun_at][:1].isupper()
        )
        if bare_number:
            noun_at = i
        elif noun_at >= n or texts[noun_at] not in _GROUP_NOUNS:
            continue
        start = i - 1 if i > 0 and lowers[i - 1] in ("die", "der", "den") else i
        end = noun_at + 1
        groups.append(
            ActorMention(
                start,
                end,
                span_text(doc, start, end),
                "group",
                sentence_start=sent_starts[start],
                attributes={
                    "count": count,
                    "guests": texts[noun_at] in ("Gäste", "Gästen"),
                    "roles": _GROUP_ROLES.get(texts[noun_at]),
                },
            )
        )
    if not groups:
        return mentions
    covered = {i for g in groups for i in range(g.start, g.end)}
    return [m for m in mentions if m.start not in covered] + groups


_GENITIVE_ARTICLES = frozenset({"der", "des"})


def _is_adjective(word: str) -> bool:
    return word.isalpha() and word.islower() and word.endswith(("en", "e"))


def _skip(doc: Doc, i: int, words: frozenset[str]) -> int:
    table = token_table(doc)
    texts, lowers = table.texts, table.lowers
    n = len(texts)
    # Token.is_lower and Token.is_alpha are str.islower() and str.isalpha() of the form.
    while i < n and (
        lowers[i] in words
        or (
            texts[i].islower()
            and texts[i].isalpha()
            and i < n - 1
            and texts[i].endswith(("e", "en", "er", "em", "es"))
        )
    ):
        i += 1
    return i


def _unknown_name(doc: Doc, i: int, by_start, allow_first: bool = False) -> int:
    """End of a two- or three-word personal name starting at ``i`` (0 if there is none).
    ``allow_first``: its first word may be a known surname ("Wang" in "Wang Wentao"), when the
    name goes on (``_name_goes_on``)."""
    texts = token_table(doc).texts
    j = i
    while j < len(texts) and j - i < 3:
        text = texts[j]
        if (
            not text[:1].isupper()
            or not text.replace("-", "").replace("'", "").isalpha()
            or text in _NOT_NAMES
            or text.endswith(_NAME_SUFFIXES)
            or (
                j in by_start and not (allow_first and j == i and _name_goes_on(texts, by_start[j], by_start))
            )
            or text.isupper()
        ):
            break
        j += 1
    return j if j - i >= 2 else 0


# Surnames that are also adverbs, with the words that make them the adverb ("Kurz zuvor").
_ADVERB_SURNAMES = {
    "kurz": frozenset(
        "zuvor vorher davor danach darauf später nach vor nachdem bevor zeitig gesagt und".split()
    ),
}


def _is_adverb_phrase(doc: Doc, hit) -> bool:
    lowers = token_table(doc).lowers
    readings = _ADVERB_SURNAMES.get(lowers[hit.start])
    return readings is not None and lowers[hit.end] in readings


def _name_goes_on(texts: list[str], hit, by_start) -> bool:
    """A one-word person hit (a surname alias: "Wang") followed by another name word the
    knowledge base does not know ("Wentao"): the name of someone else."""
    if hit.end - hit.start != 1:
        return False
    j = hit.end
    if j >= len(texts) or j in by_start:
        return False
    word = texts[j]
    return (
        word[:1].isupper()
        and word.isalpha()
        and not word.isupper()
        and word not in _NOT_NAMES
        and not word.endswith(_NAME_SUFFIXES)
        and not german_word_list()(word)
    )


_LIKE_NUM: dict[str, bool] = {}


def _like_num(doc: Doc, word: str) -> bool:
    """Token.like_num, read from the lexeme once per word form."""
    value = _LIKE_NUM.get(word)
    if value is None:
        value = _LIKE_NUM[word] = doc.vocab[word].like_num
    return value


def _sentence_starts(doc: Doc) -> list[int]:
    return sentence_index(doc)
