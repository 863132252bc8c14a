"""The trainable sequence model: a scikit-learn estimator around sklearn-crfsuite.

Kept apart from :mod:`kgov_ner.pipeline.model` so that tagging never imports
scikit-learn; saving a trained model (:func:`save_model`) is here for the same reason.
"""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Sequence

from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from kgov_ner.pipeline.features import FEATURE_VERSION
from kgov_ner.pipeline.model import MODEL_FILE
from kgov_ner.resources.labels import LABELS
from kgov_ner.text.files import atomic_write, write_text_atomic


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
        """The trained CRFsuite model file, as :class:`kgov_ner.pipeline.model.CRFModel` loads it."""
        self._check_fitted()
        with open(self.crf_.modelfile.name, "rb") as fh:
            return fh.read()


# ------------------------------------------------------------ persistence


def versions() -> dict:
    """The versions a model was trained with (``meta.json``'s ``versions``)."""
    import kiwipiepy
    import sklearn
    import spacy

    from kgov_ner import __version__

    return {
        "kgov_ner": __version__,
        "kiwipiepy": kiwipiepy.__version__,
        "spacy": spacy.__version__,
        "scikit-learn": sklearn.__version__,
        "python": platform.python_version(),
    }


def save_model(estimator: SequenceTagger, path: str | Path, meta: dict) -> None:
    """Write the fitted estimator's CRF model file and ``meta.json`` to ``path``.

    Each file is written whole or not at all (:func:`kgov_ner.text.files.atomic_write`);
    ``meta.json``, which :func:`kgov_ner.pipeline.model.load_model` reads
    first, is written last.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    full = {**meta, "versions": versions(), "labels": list(LABELS), "feature_version": FEATURE_VERSION,
            "model_file": MODEL_FILE}
    with atomic_write(path / MODEL_FILE, binary=True) as fh:
        fh.write(estimator.model_bytes())
    write_text_atomic(path / "meta.json", json.dumps(full, ensure_ascii=False, indent=2) + "\n")
