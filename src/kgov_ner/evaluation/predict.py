"""Predictors: what tags the gold texts before they are scored.

A predictor tags a batch of texts and returns one list of ``(start, end,
label)`` per text.  The default is the shipped :class:`kgov_ner.pipeline.Tagger`
(one per process); tests pass fakes; cross-validation (:mod:`.cv`) passes
the learner's.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, Callable, Sequence

from kgov_ner.evaluation.gold import GoldDoc, Span
from kgov_ner.evaluation.scorer import MODES, score_docs

__all__ = [
    "Predictor",
    "default_predictor",
    "as_predictor",
    "run_predictor",
    "evaluate",
    "evaluate_records",
]

#: A predictor tags a batch of texts: one list of ``(start, end, label)`` per text.
Predictor = Callable[[list[str]], list[list[Span]]]


def _spans_of_doc(doc: Any) -> list[Span]:
    return [(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]


def _wrap_pipeline(nlp: Any) -> Predictor:
    """A predictor from an object with ``pipe(texts)`` yielding spaCy-like Docs."""

    def predict(texts: list[str]) -> list[list[Span]]:
        return [_spans_of_doc(doc) for doc in nlp.pipe(list(texts))]

    return predict


@lru_cache(maxsize=1)
def _tagger() -> Any:
    from kgov_ner.pipeline.tagger import Tagger  # late: the pipeline is heavy

    return Tagger()


def default_predictor(texts: list[str]) -> list[list[Span]]:
    """The rule tagger (one :class:`kgov_ner.pipeline.Tagger` per process)."""
    return _wrap_pipeline(_tagger())(texts)


def as_predictor(obj: Any) -> Predictor:
    """*obj* as a predictor: an object with ``pipe`` (a Tagger) is wrapped, a callable kept."""
    if hasattr(obj, "pipe"):
        return _wrap_pipeline(obj)
    if callable(obj):
        return obj
    raise TypeError(f"fit_predictor returned {type(obj).__name__}, not a predictor")


def run_predictor(predictor: Predictor, texts: list[str]) -> list[list[Span]]:
    """Tag *texts*; check there is one result per text and normalise the tuples."""
    out = list(predictor(list(texts)))
    if len(out) != len(texts):
        raise ValueError(f"the predictor returned {len(out)} results for {len(texts)} texts")
    return [[(int(s), int(e), str(l)) for s, e, l in spans] for spans in out]


def evaluate(
    docs: Sequence[GoldDoc],
    predictor: Predictor | None = None,
    modes: Sequence[str] = MODES,
) -> dict[str, dict]:
    """Tag *docs* with *predictor* (default: the rule tagger) and score them."""
    preds = run_predictor(predictor or default_predictor, [d.text for d in docs])
    return score_docs(docs, preds, modes)


def evaluate_records(docs: Sequence[GoldDoc], gold_csv: str | os.PathLike[str]) -> dict:
    """Score the award records of *docs* against the gold table *gold_csv*.

    The documents are tagged by the shipped :class:`kgov_ner.pipeline.Tagger`
    (records need the pipeline's sentences and normalised values, so a
    replacement predictor and ``--cv`` do not apply) and turned into rows by
    :func:`kgov_ner.records.extract.extract_records` with ``file`` = the
    document id.  A predicted row matches a gold row when file,
    district_name and tier agree (files compare by base name without
    ``.txt``); see :func:`kgov_ner.records.score.score_records` for P/R/F1
    and the per-field accuracy on matched rows (program, year, krw, streak,
    official).  Gold rows of files that are not among *docs* are left out
    and counted in ``"ignored_gold_rows"``; ``"in_sample"`` counts the
    documents the shipped model was trained on (its entities there are
    in-sample, so the records score is an upper bound).  Raises ``ValueError``/``OSError``
    for a gold table that cannot be read.
    """
    from kgov_ner.records.extract import extract_records
    from kgov_ner.records.score import file_key, score_records
    from kgov_ner.records.table import read_records_csv

    gold_rows = read_records_csv(gold_csv)
    ids = {file_key(d.id) for d in docs}
    kept = [r for r in gold_rows if file_key(r.get("file")) in ids]
    pred_rows: list[dict] = []
    tagger = _tagger()
    for d in docs:
        pred_rows.extend(extract_records(tagger(d.text), file=d.id))
    score = score_records(kept, pred_rows)
    score["ignored_gold_rows"] = len(gold_rows) - len(kept)
    score["in_sample"] = _trained_on(docs)
    return score


def _trained_on(docs: Sequence[GoldDoc]) -> int:
    """How many of *docs* the shipped model was trained on (its entities there are in-sample)."""
    import json

    from kgov_ner.pipeline.model import DEFAULT_MODEL_DIR, text_digest

    try:
        meta = json.loads((DEFAULT_MODEL_DIR / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    trained = set(meta.get("trained_texts", []))
    return sum(1 for d in docs if text_digest(d.text) in trained)
