"""The trainable sequence model: a scikit-learn estimator around sklearn-crfsuite.

Kept apart from :mod:`kgov_ner.model` so that tagging never imports
scikit-learn; ``kgov_ner.model.SequenceTagger`` still names this class.
"""

from __future__ import annotations

from typing import Sequence

from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from kgov_ner.resources.labels import LABELS


class SequenceTagger(BaseEstimator):
    """BIO sequence labeller over token feature dicts (sklearn-crfsuite CRF).

    >>> X = [[{"w": "강북구"}, {"w": "가"}]]; y = [["B-DISTRICT", "O"]]
    >>> SequenceTagger(max_iterations=20).fit(X, y).predict(X)
    [['B-DISTRICT', 'O']]
    """

    def __init__(self, c1: float = 0.05, c2: float = 0.05, max_iterations: int = 150,
                 all_possible_transitions: bool = True):
        self.c1 = c1
        self.c2 = c2
        self.max_iterations = max_iterations
        self.all_possible_transitions = all_possible_transitions

    def fit(self, X: Sequence[Sequence[dict]], y: Sequence[Sequence[str]]) -> "SequenceTagger":
        import sklearn_crfsuite

        if len(X) != len(y):
            raise ValueError(f"X has {len(X)} sequences but y has {len(y)}")
        for i, (xs, ys) in enumerate(zip(X, y)):
            if len(xs) != len(ys):
                raise ValueError(f"sequence {i}: {len(xs)} feature dicts but {len(ys)} labels")
            bad = {t for t in ys if t != "O" and (t[:2] not in ("B-", "I-") or t[2:] not in LABELS)}
            if bad:
                raise ValueError(f"sequence {i}: unknown tags {sorted(bad)}; allowed: O, B-/I- + {LABELS}")
        crf = sklearn_crfsuite.CRF(
            algorithm="lbfgs", c1=self.c1, c2=self.c2, max_iterations=self.max_iterations,
            all_possible_transitions=self.all_possible_transitions,
        )
        crf.fit(X, y)
        self.crf_ = crf
        self.classes_ = sorted(crf.classes_)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "crf_"):
            raise NotFittedError("SequenceTagger is not fitted yet: call fit() or load a trained model")

    def predict(self, X: Sequence[Sequence[dict]]) -> list[list[str]]:
        self._check_fitted()
        return [list(seq) for seq in self.crf_.predict(X)]

    def predict_marginals(self, X: Sequence[Sequence[dict]]) -> list[list[dict[str, float]]]:
        self._check_fitted()
        return self.crf_.predict_marginals(X)

    def model_bytes(self) -> bytes:
        """The trained CRFsuite model file, as :class:`kgov_ner.model.CRFModel` loads it."""
        self._check_fitted()
        with open(self.crf_.modelfile.name, "rb") as fh:
            return fh.read()
