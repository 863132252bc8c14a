"""Retraining: one function the CLI (`python -m kgov_ner train`) and the notebook both call.

Training data, in order:

1. the records given (the seeds' gold by default), cut to their body ranges:
   gold annotates the body only, so the boilerplate around it is no
   evidence of what is *not* an entity;
2. the training split of the development corpus ``corpus/dev/train.jsonl``
   (68 pages written by the project; its test split is never trained on);
3. the seeds' gold, when the records given are not the seeds;
4. the conformance suite ``tests/data/conformance.jsonl``;
5. template sentences from :mod:`kgov_ner.training.synth` (gazetteer districts,
   invented names, amounts, tiers, programs).

A source that shares an id with the records given is left out, so a
cross-validation fold never trains on its held-out document.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from kgov_ner.pipeline.features import doc_features
from kgov_ner.pipeline.model import DEFAULT_MODEL_DIR, spans_to_bio, text_digest
from kgov_ner.training.crf import SequenceTagger, save_model

ROOT = Path(__file__).resolve().parents[3]
SEED_GOLD = ROOT / "seeds" / "gold.jsonl"
CONFORMANCE = ROOT / "tests" / "data" / "conformance.jsonl"
DEV_TRAIN = ROOT / "corpus" / "dev" / "train.jsonl"
SYNTH_SIZE = 400


def read_jsonl(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8-sig") as fh:  # a byte-order mark is read as eval reads it
        return [json.loads(line) for line in fh if line.strip()]


def body_pieces(record: Mapping) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """The record's body ranges as separate ``(text, spans)`` pieces, spans shifted."""
    text = record["text"]
    body = record.get("body") or [[0, len(text)]]
    pieces = []
    for bs, be in body:
        spans = [(s - bs, e - bs, label) for s, e, label in record.get("label", []) if bs <= s and e <= be]
        pieces.append((text[bs:be], spans))
    return pieces


def default_sources() -> dict[str, list[dict]]:
    """The extra training sources, by name."""
    from kgov_ner.training.synth import generate

    sources = {"synth": generate(SYNTH_SIZE)}
    for name, path in (("dev-train", DEV_TRAIN), ("seeds", SEED_GOLD), ("conformance", CONFORMANCE)):
        if path.is_file():
            sources[name] = read_jsonl(path)
    return sources


def training_records(records: Sequence[Mapping], sources: Mapping[str, list[dict]] | None = None) -> tuple[list[Mapping], list[str]]:
    """The records plus every source that does not overlap them; and the source names used."""
    sources = default_sources() if sources is None else sources
    ids = {r.get("id") for r in records}
    texts = {r.get("text") for r in records}
    out = list(records)
    used = []
    for name, recs in sources.items():
        if any(r.get("id") in ids or r.get("text") in texts for r in recs):
            continue  # the caller's records come from this source: never train on a held-out part
        out.extend(recs)
        used.append(name)
    return out, used


def without_rule_features(seq: list[dict]) -> list[dict]:
    """The sequence as the model would see it if no rule had fired."""
    return [{k: v for k, v in f.items() if "rule:" not in k and "ent:" not in k} for f in seq]


def featurize(pieces: Iterable[tuple[str, list]], nlp=None, rule_dropout: float = 0.0,
              seed: int = 7) -> tuple[list[list[dict]], list[list[str]]]:
    """Feature sequences and BIO labels; tokens are split at gold boundaries first.

    With ``rule_dropout`` > 0, that share of sequences is added a second time
    without the rule features, so the model also learns the words and
    contexts of entities the rules miss instead of only copying the rules.
    """
    import random

    rng = random.Random(seed)
    from kgov_ner.pipeline.tagger import build_nlp, ensure_boundaries

    nlp = nlp or build_nlp()
    rules = nlp.get_pipe("kgov_rules")
    X, y = [], []
    for text, spans in pieces:
        if not text.strip():
            continue
        doc = nlp.tokenizer(text)
        doc = ensure_boundaries(doc, [o for s, e, _ in spans for o in (s, e)])
        doc = rules(doc)
        feats, tags = doc_features(doc), spans_to_bio(doc, spans)
        X.append(feats)
        y.append(tags)
        if rule_dropout and rng.random() < rule_dropout:
            X.append(without_rule_features(feats))
            y.append(tags)
    return X, y


def data_hash(records: Sequence[Mapping]) -> str:
    h = hashlib.sha256()
    for r in records:
        h.update(json.dumps([r.get("text"), r.get("label"), r.get("body")], ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()[:16]


RULE_DROPOUT = 0.0


def fit(records: Sequence[Mapping], sources: Mapping[str, list[dict]] | None = None,
        rule_dropout: float = RULE_DROPOUT, **params) -> tuple[SequenceTagger, dict]:
    """Train the sequence model on ``records`` plus the non-overlapping extra sources.

    Returns the fitted estimator and provenance for ``meta.json``.
    """
    all_records, used = training_records(records, sources)
    pieces = [p for r in all_records for p in body_pieces(r)]
    X, y = featurize(pieces, rule_dropout=rule_dropout)
    estimator = SequenceTagger(**params).fit(X, y)
    meta = {
        "trained_on": {"records": len(records), "extra_sources": used, "total_records": len(all_records),
                       "sequences": len(X)},
        "training_data_hash": data_hash(all_records),
        "params": {**estimator.get_params(), "rule_dropout": rule_dropout},
        # digests of the pages trained on (not the synthetic sentences): eval says when it is in-sample
        "trained_texts": sorted({text_digest(r["text"]) for r in all_records if r.get("id", "").find("synth") < 0}),
    }
    return estimator, meta


PAGES = ROOT / "tests" / "data" / "pages"


def invented_pages() -> list[dict]:
    """Pages with gold body ranges that the body detector trains on besides the
    records given: the development corpus's training split and the pages
    written for the tests (``tests/data/pages``, no entity gold)."""
    pages = []
    if DEV_TRAIN.is_file():
        pages += [{"id": d["id"], "text": d["text"], "body": d["body"]} for d in read_jsonl(DEV_TRAIN)]
    index = PAGES / "bodies.jsonl"
    if index.is_file():
        for d in read_jsonl(index):
            with open(PAGES / f"{d['id']}.txt", encoding="utf-8", newline="") as fh:
                pages.append({"id": d["id"], "text": fh.read(), "body": d["body"]})
    return pages


def fit_body(records: Sequence[Mapping]):
    """A body detector fitted on the records that carry body ranges, plus :func:`invented_pages`.

    When the records come from the development corpus (a cross-validation
    fold of it), its other pages are left out so the held-out page is never
    trained on.
    """
    from kgov_ner.training.body import BodyDetector

    pages = [r for r in records if r.get("body")]
    ids = {r.get("id") for r in records}
    texts = {r["text"] for r in pages}
    extra = invented_pages()
    if any(p["id"] in ids or p["text"] in texts for p in extra if p["id"].startswith("dev_")):
        extra = [p for p in extra if not p["id"].startswith("dev_")]
    pages += [p for p in extra if p["text"] not in texts]
    return BodyDetector().fit([p["text"] for p in pages], [p["body"] for p in pages])


def fit_predictor(train_records: list[Mapping]):
    """Evaluation hook (``eval --cv``): a Tagger whose model and body detector are
    both trained on ``train_records`` (plus the extra sources), never on the held-out page."""
    from kgov_ner.pipeline.tagger import Tagger

    estimator, _ = fit(train_records)
    return Tagger(model=estimator, body_detector=fit_body(train_records))


def train(gold: str | Path = SEED_GOLD, out: str | Path = DEFAULT_MODEL_DIR, cv_scores: dict | None = None,
          **params) -> dict:
    """Retrain the shipped model on ``gold`` (+ extra sources) and save it to ``out``.

    Returns the meta written to ``out/meta.json``.
    """
    records = read_jsonl(gold)
    estimator, meta = fit(records, **params)
    meta["gold"] = str(Path(gold).name)
    if cv_scores is not None:
        meta["cv_scores"] = cv_scores
    save_model(estimator, out, meta)
    return json.loads((Path(out) / "meta.json").read_text(encoding="utf-8"))
