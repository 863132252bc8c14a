"""Cross-validation: scores of a model that never saw the document it tags.

cross-validation (``--cv``)
    leave-one-document-out: for each document, a predictor is built from all
    the other documents by ``kgov_ner.training.train.fit_predictor(train_records)``
    (``train_records`` are the other gold records as the dicts read from the
    file) and tags the held-out document; the results are pooled and scored
    as usual.  Without a ``fit_predictor`` (training cannot be imported) the
    rule tagger is used for every fold, so the cross-validated run equals
    the plain run and the output says so.
ablation (``kgov-ner train``)
    the same folds, one row per merge policy (``rules``, ``model``,
    ``combined``): each fold builds, per policy, a
    :class:`~kgov_ner.pipeline.Tagger` whose model *and* body detector are
    fitted on the other documents only.

Training is imported when a fold is fitted, never at import: it pulls in
scikit-learn, which scoring does not need.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, Mapping, Sequence

from kgov_ner.evaluation.gold import GoldDoc, Span, load_gold
from kgov_ner.evaluation.predict import Predictor, as_predictor, default_predictor, run_predictor
from kgov_ner.evaluation.scorer import score_docs

__all__ = ["POLICIES", "make_predictor", "predict_cv", "ablation"]

#: The merge policies the ablation compares (see :func:`kgov_ner.pipeline.model.merge_spans`).
POLICIES = ("rules", "model", "combined")

_TRAIN = "kgov_ner.training.train"


def _find_learner() -> Callable[[list[dict]], Any] | None:
    """``fit_predictor`` of :mod:`kgov_ner.training.train`, or None when it cannot be imported."""
    try:
        import kgov_ner.training.train  # noqa: F401  (late: scikit-learn is heavy)
    except ModuleNotFoundError as exc:
        if exc.name in (None, _TRAIN, "kgov_ner.training", "kgov_ner"):
            return None
        raise
    # Looked up in sys.modules, as importlib.import_module does: a test may stand in another module.
    fit = getattr(sys.modules[_TRAIN], "fit_predictor", None)
    return fit if callable(fit) else None


def make_predictor(
    train_records: list[Mapping[str, Any]], fallback: Predictor | None = None
) -> tuple[Predictor, bool]:
    """A predictor trained on *train_records*, and whether anything was learned.

    Calls ``kgov_ner.training.train.fit_predictor(train_records)`` when that
    exists (its result may be a predictor or an object with ``pipe``);
    otherwise returns *fallback* (default: the rule tagger) and ``False``.
    """
    fit = _find_learner()
    if fit is None:
        return (fallback or default_predictor), False
    return as_predictor(fit(list(train_records))), True


def predict_cv(
    docs: Sequence[GoldDoc], fallback: Predictor | None = None
) -> tuple[list[list[Span]], bool]:
    """Leave-one-document-out predictions for *docs*, and whether anything was learned."""
    preds: list[list[Span]] = []
    learned_any = False
    for i, doc in enumerate(docs):
        train = [dict(d.record) for j, d in enumerate(docs) if j != i]
        predictor, learned = make_predictor(train, fallback)
        learned_any = learned_any or learned
        preds.append(run_predictor(predictor, [doc.text])[0])
    return preds, learned_any


def ablation(gold: str | os.PathLike[str] | None = None, policies: Sequence[str] = POLICIES) -> dict:
    """Leave-one-document-out scores of each merge policy on *gold* (default: the seeds' gold).

    For each document the model and the body detector are trained on the
    other documents (plus the extra sources that do not overlap *gold*), so
    no score includes a document in its own training data.  Returns
    ``{policy: score_docs(...)}``.
    """
    from kgov_ner.training.train import SEED_GOLD

    docs = load_gold(SEED_GOLD if gold is None else gold)
    records = [dict(d.record) for d in docs]
    preds: dict[str, list[list[Span]]] = {p: [] for p in policies}
    for i, doc in enumerate(docs):
        train_records = [r for j, r in enumerate(records) if j != i]
        for policy, tagger in _fold_taggers(train_records, policies).items():
            preds[policy].append([(e.start_char, e.end_char, e.label_) for e in tagger(doc.text).ents])
    return {p: score_docs(docs, preds[p]) for p in policies}


def _fold_taggers(train_records: list[dict], policies: Sequence[str]) -> dict[str, Any]:
    """One Tagger per policy, its model and body detector fitted on *train_records* only."""
    from kgov_ner.pipeline.tagger import Tagger
    from kgov_ner.training.train import fit, fit_body

    estimator = fit(train_records)[0] if any(p != "rules" for p in policies) else None
    detector = fit_body(train_records)
    return {p: Tagger(model=estimator, merge=p, body_detector=detector) for p in policies}
