"""Scoring extracted contact records against hand-annotated gold records.

The definitions follow ../shared/eval/SCHEMA.md, so the project can score its own
annotated sample without the shared folder:

- records are compared within a document; persons by surname (case, accents and hyphens
  ignored), ``role@ISO3``-style ids exactly;
- a prediction matches a gold record *leniently* when their participant sets overlap with
  Jaccard >= 0.5, and *strictly* when the sets are equal and type, status and date agree
  (a gold day needs that day, a gold month a date in it, a gold null accepts anything);
- matching is one-to-one, best pairs first; field accuracies are over lenient matches;
- a gold line ``{"doc_id": ..., "negative": true}`` marks a document with no contact.

    python -m transforms.evaluation GOLD.jsonl PRED.jsonl [--docs FOLDER]
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def actor_key(actor: str) -> str:
    folded = _fold(actor)
    if "@" in folded:
        return folded
    words = folded.replace("-", "").split()
    return words[-1] if words else folded


def participant_keys(record: dict) -> frozenset[str]:
    return frozenset(actor_key(str(a)) for a in record.get("participants") or [] if str(a).strip())


def date_agrees(predicted: str | None, gold: str | None) -> bool:
    if not gold:
        return True
    if not predicted:
        return False
    if len(gold) == 7:
        return predicted[:7] == gold
    return predicted[:10] == gold[:10]


def _jaccard(a: frozenset, b: frozenset) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def _strict(p: dict, g: dict) -> bool:
    return (
        participant_keys(p) == participant_keys(g)
        and p.get("type") == g.get("type")
        and p.get("status") == g.get("status")
        and date_agrees(p.get("date"), g.get("date"))
    )


def load_records(path: Path) -> tuple[dict[str, list[dict]], set[str]]:
    """Records by document, and every document the file names (negatives included)."""
    by_doc: dict[str, list[dict]] = defaultdict(list)
    docs: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON: {exc}") from exc
            doc_id = str(record["doc_id"])
            docs.add(doc_id)
            if not record.get("negative"):
                by_doc[doc_id].append(record)
    return by_doc, docs


def match(predicted: list[dict], gold: list[dict]) -> list[tuple[int, int]]:
    candidates = []
    for i, p in enumerate(predicted):
        for j, g in enumerate(gold):
            overlap = _jaccard(participant_keys(p), participant_keys(g))
            if overlap >= 0.5:
                rank = (
                    _strict(p, g),
                    overlap,
                    p.get("type") == g.get("type"),
                    date_agrees(p.get("date"), g.get("date")),
                )
                candidates.append((rank, i, j))
    candidates.sort(key=lambda c: c[0], reverse=True)
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "tp": tp,
        "pred": n_pred,
        "gold": n_gold,
    }


def score(gold_path: Path, pred_path: Path, docs_dir: Path | None = None) -> dict:
    gold, docs = load_records(gold_path)
    predicted, _ = load_records(pred_path)
    if docs_dir is not None:
        docs |= {f.stem for f in docs_dir.iterdir() if f.is_file()}
    n_pred = n_gold = lenient_tp = strict_tp = 0
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    topic_tp = topic_pred = topic_gold = 0
    for doc in sorted(docs):
        ps, gs = predicted.get(doc, []), gold.get(doc, [])
        n_pred += len(ps)
        n_gold += len(gs)
        pairs = match(ps, gs)
        lenient_tp += len(pairs)
        for i, j in pairs:
            p, g = ps[i], gs[j]
            strict_tp += _strict(p, g)
            for field in ("type", "status"):
                hits[field][0] += p.get(field) == g.get(field)
                hits[field][1] += 1
            hits["participants_exact"][0] += participant_keys(p) == participant_keys(g)
            hits["participants_exact"][1] += 1
            if g.get("date"):
                hits["date"][0] += date_agrees(p.get("date"), g.get("date"))
                hits["date"][1] += 1
            if g.get("location"):
                hits["location"][0] += _fold(str(p.get("location") or "")) == _fold(g["location"])
                hits["location"][1] += 1
            p_topics, g_topics = set(p.get("topics") or []), set(g.get("topics") or [])
            topic_tp += len(p_topics & g_topics)
            topic_pred += len(p_topics)
            topic_gold += len(g_topics)
    return {
        "documents": len(docs),
        "lenient": _prf(lenient_tp, n_pred, n_gold),
        "strict": _prf(strict_tp, n_pred, n_gold),
        "field_accuracy_on_matches": {
            k: round(v[0] / v[1], 4) if v[1] else None for k, v in sorted(hits.items())
        },
        "topics": _prf(topic_tp, topic_pred, topic_gold),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score contact records against gold records.")
    parser.add_argument("gold", type=Path)
    parser.add_argument("pred", type=Path)
    parser.add_argument("--docs", type=Path, help="folder of the scored articles (adds negatives)")
    args = parser.parse_args(argv)
    print(json.dumps(score(args.gold, args.pred, args.docs), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
