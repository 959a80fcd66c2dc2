"""Contact extraction: the spaCy pipeline applied to articles, and the evaluation CLI.

    python -m transforms.extract PATH [PATH ...] -o OUT.jsonl

writes one JSON record per contact in the form of ../shared/eval/SCHEMA.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable
from pathlib import Path

import spacy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import load_config, load_model_from_config

import transforms.pipeline  # noqa: F401  (registers the components)
from transforms.articles import Article, expand_paths, scan_files
from transforms.pipeline.resolution import ActorResolver
from transforms.pipeline.tokens import (
    RECORDS_ONLY,
    doc_extension,
    release,
    set_doc_extension,
    span_chars,
    token_table,
)
from transforms.records import ArticleExtraction, ContactRecord, EntityMention

CODE_VERSION = "0.1.0"
PACKAGE_DIR = Path(__file__).resolve().parent
CONFIG_PATH = PACKAGE_DIR / "pipeline" / "config.cfg"
# Everything whose change alters extraction output; its hash is part of the version.
_VERSIONED_SOURCES = sorted((PACKAGE_DIR / "pipeline").glob("*.py")) + [
    CONFIG_PATH,
    PACKAGE_DIR / "temporal.py",
    PACKAGE_DIR / "patterns.py",  # the literal searches of the rules
    PACKAGE_DIR / "articles.py",
    PACKAGE_DIR / "records.py",
    PACKAGE_DIR / "frozen.py",
    PACKAGE_DIR / "extract.py",  # extract_article builds the records (evidence, confidence)
]
# Components an installed pipeline may already provide; its own (trained) ones are kept.
_BASE_OWNS = {
    "contacts_sentencizer": ("parser", "senter", "sentencizer"),
    "lookup_lemmatizer": ("lemmatizer",),
}


def _code_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in _VERSIONED_SOURCES:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def build_pipeline(base: str | None = None) -> Language:
    """The contact pipeline on blank German, or on an installed pipeline named by ``base``."""
    config = load_config(CONFIG_PATH)
    if not base:
        nlp = load_model_from_config(config, auto_fill=True)
        nlp.initialize()
    else:
        nlp = spacy.load(base)
        components = config["components"]
        for name in config["nlp"]["pipeline"]:
            if any(own in nlp.pipe_names for own in _BASE_OWNS.get(name, ())):
                continue
            settings = {k: v for k, v in components[name].items() if k != "factory"}
            nlp.add_pipe(components[name]["factory"], name=name, config=settings)
    _drop_redundant_whitespace_cases(nlp.tokenizer)
    kb = nlp.get_pipe("actor_recognizer").lexicon.kb
    nlp.meta["contacts_extractor_version"] = f"{CODE_VERSION}+{_code_fingerprint()}.kb{kb.fingerprint[:10]}"
    nlp.meta["contacts_base"] = base or "blank:de"
    return nlp


def _drop_redundant_whitespace_cases(tokenizer: Tokenizer) -> None:
    """Remove the tokenizer's special cases for a lone line break or tab ("\n", "\t", " "),
    which make the one token the tokenizer makes of them anyway.

    A special case that applies sets a flag (spaCy's ``has_special``) that holds for the rest
    of the text and keeps every later chunk out of the tokenizer's cache: after an article's
    first line break, each word not already cached went through the prefix, suffix and infix
    searches again, article after article. (The no-break space stays: its case sets a norm.)
    """
    rules = tokenizer.rules
    redundant = {text for text, tokens in rules.items() if text.isspace() and tokens == [{ORTH: text}]}
    if redundant:
        tokenizer.rules = {text: tokens for text, tokens in rules.items() if text not in redundant}


def extractor_version(nlp: Language) -> str:
    return nlp.meta["contacts_extractor_version"]


def _evidence_bounds(sent) -> tuple[int, int, str]:
    """The sentence's text without surrounding whitespace, and its character offsets."""
    if sent.end <= sent.start:
        text, start_char = sent.text, sent.start_char
    else:
        # Cut from the document text by token offsets: Span.text and Span.start_char would
        # build Token objects.
        start_char, end_char = span_chars(sent.doc, sent.start, sent.end)
        text = token_table(sent.doc).text[start_char:end_char]
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    start = start_char + lead
    return start, start + len(stripped), stripped


def extract_article(nlp: Language, article: Article) -> ArticleExtraction:
    doc = nlp.make_doc(article.text)
    doc.user_data["source_text"] = article.text
    # The document is dropped once its records are read: no LEMMA or SENT_START columns.
    doc.user_data[RECORDS_ONLY] = True
    # Extensions written and read through user_data: spaCy's doc._ builds an object per access.
    set_doc_extension(doc, "publication", article.published)
    set_doc_extension(doc, "doc_id", article.doc_id)
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    result = ArticleExtraction(article.doc_id)
    table = token_table(doc)
    for d in doc_extension(doc, "contacts") or []:
        start, end, evidence = _evidence_bounds(d.sent)
        result.contacts.append(
            ContactRecord(
                doc_id=article.doc_id,
                contact_type=d.contact_type,
                status=d.status,
                participants=tuple(d.participants),
                date=d.date.iso() if d.date is not None else None,
                location=d.location,
                topics=tuple(sorted(d.topics)),
                evidence=evidence,
                evidence_start_char=start,
                evidence_end_char=end,
                trigger_text=table.texts[d.trigger],
                confidence=_confidence(d),
            )
        )
    # The knowledge the pipeline was built with, so entities and contacts agree.
    resolver = ActorResolver(nlp.get_pipe("actor_recognizer").lexicon.kb, doc)
    for m in doc_extension(doc, "actor_mentions") or []:
        resolved = resolver.resolve(m, [], None) if m.kind != "speaker" else []
        first = resolved[0] if resolved else None
        if m.start < m.end:
            # The mention's characters from the token offsets, without a Span.
            start_char, end_char = span_chars(doc, m.start, m.end)
            mention_text = table.text[start_char:end_char]
        else:
            span = doc[m.start : m.end]
            start_char, end_char, mention_text = span.start_char, span.end_char, span.text
        result.entities.append(
            EntityMention(
                doc_id=article.doc_id,
                start_char=start_char,
                end_char=end_char,
                mention_text=mention_text,
                entity_label=m.label,
                actor_id=first.actor_id if first else None,
                actor_kind=first.actor_kind if first else None,
                country_iso3=(first.country_iso3 if first else None) or m.country,
                role=m.role,
                is_kb_linked=bool(first and first.is_kb_linked),
            )
        )
    # The records hold no reference to the document; its working data can go now.
    release(doc)
    return result


def _confidence(d) -> float:
    score = 0.5
    if d.participants and all(p.is_kb_linked for p in d.participants):
        score += 0.2
    if d.date is not None and d.has_date_expression:
        score += 0.1
    if not d.rule.flexible:
        score += 0.1
    if d.location:
        score += 0.05
    score = min(score, 0.95)
    rounded = _ROUNDED.get(score)
    if rounded is None:
        rounded = _ROUNDED[score] = round(score, 2)
    return rounded


# round(x, 2) by x: round() goes through a decimal string, and the sums above take a dozen values.
_ROUNDED: dict[float, float] = {}


def extract_articles(nlp: Language, articles: Iterable[Article]) -> list[ArticleExtraction]:
    return [extract_article(nlp, a) for a in articles]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Extract contact records (SCHEMA.md JSONL) from articles.")
    parser.add_argument("paths", nargs="+", type=Path, help="article files or folders of .txt articles")
    parser.add_argument("-o", "--output", type=Path, required=True, help="JSONL file to write")
    parser.add_argument(
        "--base", default=None, help="installed spaCy pipeline to build on (default: blank German)"
    )
    args = parser.parse_args(argv)
    import os

    nlp = build_pipeline(args.base or os.environ.get("CONTACTS_SPACY_BASE") or None)
    scan = scan_files(expand_paths(args.paths))
    for rejection in scan.rejections:
        print(f"skipped {rejection.source_path}: {rejection.reason}", file=sys.stderr)
    count = 0
    with args.output.open("w", encoding="utf-8") as out:
        for extraction in extract_articles(nlp, scan.articles):
            for record in extraction.contacts:
                out.write(json.dumps(record.to_schema(), ensure_ascii=False) + "\n")
                count += 1
    print(f"{len(scan.articles)} articles, {count} contacts -> {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
