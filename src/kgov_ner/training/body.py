"""The trainable body detector: a scikit-learn estimator.

Kept apart from :mod:`kgov_ner.pipeline.body` so that tagging never imports
scikit-learn (1.5 s of the tagger's cold start); tagging uses the fitted
weights through :meth:`BodyDetector.scorer`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from kgov_ner.pipeline.body import (MODEL_FORMAT, MODEL_RESOURCE, MODEL_VERSION, SWITCH_COST, LineScorer, PageView, Range,
                                    _overlap_chars, analyse_page, line_features, line_labels)
from kgov_ner.text.files import write_text_atomic


class BodyDetector(BaseEstimator):
    """Line classifier plus contiguous decoding; ``predict`` gives char ranges.

    Parameters
    ----------
    C : inverse regularisation strength of the logistic regression.
    class_weight : passed to ``LogisticRegression``.
    window : how many non-blank neighbours on each side feed a line's features.
    bias : added to every line's log-odds before decoding; positive values
        trade precision for recall (a lost body line can lose an entity, an
        extra boilerplate line only costs precision).
    switch : log-odds one switch between body and boilerplate costs when
        decoding; higher values bridge longer uncertain interruptions.
    max_iter : solver iterations.
    """

    def __init__(self, C=1.0, class_weight=None, window=2, bias=0.0, switch=SWITCH_COST, max_iter=2000):
        self.C = C
        self.switch = switch
        self.class_weight = class_weight
        self.window = window
        self.bias = bias
        self.max_iter = max_iter

    # -- training ---------------------------------------------------------
    def _featurise(self, page: PageView) -> list[dict[str, float]]:
        return [line_features(page, i, self.window) for i in page.content]

    def featurise(self, text: str, body: Sequence[Sequence[int]]) -> tuple[list[dict[str, float]], list[int]]:
        """One page's line feature dicts and 0/1 labels (what :meth:`fit_rows` takes)."""
        page = analyse_page(text)
        return self._featurise(page), line_labels(page, body)

    def fit(self, texts: Sequence[str], bodies: Sequence[Sequence[Sequence[int]]]) -> "BodyDetector":
        if len(texts) != len(bodies):
            raise ValueError("texts and bodies differ in length")
        return self.fit_rows([self.featurise(text, body) for text, body in zip(texts, bodies)])

    def fit_rows(self, pages: Sequence[tuple[list[dict[str, float]], list[int]]]) -> "BodyDetector":
        """Fit on pages already featurised by :meth:`featurise` (a benchmark
        leaving one page out featurises each page once, not once per fold)."""
        rows: list[dict[str, float]] = []
        y: list[int] = []
        for page_rows, labels in pages:
            rows.extend(page_rows)
            y.extend(labels)
        if len(set(y)) < 2:
            raise ValueError("training pages need both body and boilerplate lines")
        self.vectorizer_ = DictVectorizer(sparse=False)
        X = self.vectorizer_.fit_transform(rows)
        self.classifier_ = LogisticRegression(
            C=self.C, class_weight=self.class_weight, max_iter=self.max_iter
        )
        self.classifier_.fit(X, np.asarray(y))
        self.n_training_pages_ = len(pages)
        return self

    # -- inference --------------------------------------------------------
    def scorer(self) -> LineScorer:
        """The fitted weights as the scikit-learn-free scorer used for tagging."""
        check_is_fitted(self, ["vectorizer_", "classifier_"])
        return LineScorer(self.vectorizer_.feature_names_, self.classifier_.coef_[0],
                          float(self.classifier_.intercept_[0]), self.bias, self.window, self.switch)

    def line_scores(self, text: str) -> tuple[PageView, np.ndarray]:
        """Per non-blank line log-odds of being body (before the bias)."""
        return self.scorer().line_scores(text)

    def predict(self, text: str) -> list[Range]:
        if not isinstance(text, str):
            raise TypeError("predict takes one page as str")
        return self.scorer().predict(text)

    def score(self, texts, bodies) -> float:
        """Pooled character F1 of the predicted bodies (sklearn's ``score`` slot)."""
        tp = pred = gold = 0
        for text, body in zip(texts, bodies):
            p = self.predict(text)
            tp += _overlap_chars(p, body)
            pred += sum(e - s for s, e in p)
            gold += sum(e - s for s, e in body)
        if tp == 0:
            return 0.0
        prec, rec = tp / pred, tp / gold
        return 2 * prec * rec / (prec + rec)

    # -- persistence ------------------------------------------------------
    def to_dict(self) -> dict:
        names = list(self.vectorizer_.get_feature_names_out())
        return {
            "format": MODEL_FORMAT,
            "version": MODEL_VERSION,
            "params": self.get_params(),
            "features": names,
            "coef": [round(float(c), 6) for c in self.classifier_.coef_[0]],
            "intercept": round(float(self.classifier_.intercept_[0]), 6),
            "n_training_pages": getattr(self, "n_training_pages_", None),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "BodyDetector":
        if data.get("format") != MODEL_FORMAT or data.get("version") != MODEL_VERSION:
            raise ValueError(f"not a {MODEL_FORMAT} v{MODEL_VERSION} model")
        det = cls(**data["params"])
        names = list(data["features"])
        vec = DictVectorizer(sparse=False)
        vec.feature_names_ = names
        vec.vocabulary_ = {n: k for k, n in enumerate(names)}
        clf = LogisticRegression(C=det.C, class_weight=det.class_weight, max_iter=det.max_iter)
        clf.coef_ = np.asarray([data["coef"]], dtype=float)
        clf.intercept_ = np.asarray([data["intercept"]], dtype=float)
        clf.classes_ = np.asarray([0, 1])
        clf.n_features_in_ = len(names)
        det.vectorizer_ = vec
        det.classifier_ = clf
        det.n_training_pages_ = data.get("n_training_pages")
        return det

    def save(self, path, meta: dict | None = None) -> Path:
        """Write the model as JSON, each file whole or not at all (:func:`~kgov_ner.text.files.write_text_atomic`).

        ``path`` ending in ``.json`` is the model file itself; anything else
        is a directory that receives ``body_model.json`` and ``meta.json``.
        """
        path = Path(path)
        if path.suffix == ".json":
            model_path = path
            path.parent.mkdir(parents=True, exist_ok=True)
        else:
            path.mkdir(parents=True, exist_ok=True)
            model_path = path / MODEL_RESOURCE
            write_text_atomic(path / "meta.json", json.dumps(meta or {}, ensure_ascii=False, indent=2) + "\n")
        write_text_atomic(model_path, json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n")
        return model_path

    @classmethod
    def load(cls, path) -> "BodyDetector":
        path = Path(path)
        if path.is_dir():
            path = path / MODEL_RESOURCE
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))


