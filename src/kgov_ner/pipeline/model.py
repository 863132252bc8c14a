"""The learned layer: a CRF over the bridge's tokens, and how it merges with the rules.

:class:`SequenceTagger` follows scikit-learn's conventions: hyperparameters
in ``__init__``, ``fit`` validates and returns ``self``, learned state ends
in ``_``, ``predict`` before ``fit`` raises ``NotFittedError``.

Merge policy (``merge_spans``): the model's spans win; a rule span is added
where it overlaps no model span. The rules' features already reach the
model, so where the two disagree the model has seen the rule and the
context; where the model is silent a rule still gets its say. The ablation
in the README measures this choice against rules-only and model-only.
"""

from __future__ import annotations

import json
import struct
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from spacy.attrs import IDX, IS_SPACE, LENGTH
from spacy.tokens import Doc, Span

from kgov_ner.pipeline.decoder import CRFDecoder
from kgov_ner.pipeline.features import FEATURE_VERSION
from kgov_ner.pipeline.rules.cleanup import (
    drop_award_classes, extend_awards, latin_only, quoted_rule_programs, rejoin_pieces, rejoin_quoted_programs,
)
from kgov_ner.pipeline.spans import DisjointSpans

Span3 = tuple[int, int, str]


class ModelVersionError(RuntimeError):
    """A saved model was built for another feature version."""


class CRFModel:
    """A trained CRF for tagging: pycrfsuite only, no scikit-learn import.

    ``predict`` takes and returns what :class:`SequenceTagger.predict` does.
    """

    def __init__(self, path: str | Path):
        import pycrfsuite

        self.path = str(path)
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(self.path)
        self._lock = threading.Lock()  # a pycrfsuite Tagger holds one sequence at a time
        #: The attributes the model kept: features outside it weigh nothing (``features.doc_items``).
        self.attributes = frozenset(self._tagger.info().attributes)
        #: The same weights for decoding in numpy (``pipeline.decoder``); None if the file reads otherwise.
        self.decoder = _decoder(self.path, self.attributes, self.labels())

    def predict(self, X: Sequence[Sequence[dict]]) -> list[list[str]]:
        with self._lock:
            return [list(self._tagger.tag(xseq)) for xseq in X]

    def labels(self) -> list[str]:
        return list(self._tagger.labels())


def _decoder(path: str, attributes: frozenset, labels: list[str]) -> CRFDecoder | None:
    """The model's numpy decoder, if its reading of the file agrees with CRFsuite's."""
    try:
        decoder = CRFDecoder.from_file(path)
    except (ValueError, KeyError, UnicodeDecodeError, struct.error):
        return None
    return decoder if decoder.labels == labels and decoder.index.keys() == attributes else None


# ------------------------------------------------------------ BIO <-> spans


def spans_to_bio(doc: Doc, spans: Iterable[Span3]) -> list[str]:
    """Token BIO tags for char spans; every span must align with token boundaries."""
    tags = ["O"] * len(doc)
    for start, end, label in spans:
        span = doc.char_span(start, end)
        if span is None:
            raise ValueError(f"span {start}:{end} {label} does not align with tokens")
        for i in range(span.start, span.end):
            tags[i] = ("B-" if i == span.start else "I-") + label
    return tags


def bio_to_spans(doc: Doc | Span, tags: Sequence[str]) -> list[Span3]:
    """Char spans from BIO tags, repairing what a CRF can emit.

    An ``I-X`` after ``O`` or another label opens a new entity; whitespace
    tokens close one. ``doc`` may be a Span (a region): offsets stay the Doc's.
    """
    out: list[Span3] = []
    if all(tag == "O" for tag in tags):
        return out
    whole, first = (doc, 0) if isinstance(doc, Doc) else (doc.doc, doc.start)
    # Offsets from one array, not a Token object per labelled token.
    columns = whole.to_array([IDX, LENGTH, IS_SPACE])[first:first + len(doc)].reshape(-1, 3).T.tolist()
    cur: list | None = None
    for idx, length, space, tag in zip(*columns, tags):
        if tag == "O" or space:
            if cur:
                out.append(tuple(cur))
            cur = None
            continue
        prefix, label = tag[:1], tag[2:]
        if cur and prefix == "I" and cur[2] == label:
            cur[1] = idx + length
        else:
            if cur:
                out.append(tuple(cur))
            cur = [idx, idx + length, label]
    if cur:
        out.append(tuple(cur))
    return out


MERGE_POLICIES = ("combined", "rules-first", "model", "rules")


def merge_spans(model_spans: Iterable[Span3], rule_spans: Iterable[Span3], policy: str = "combined",
                text: str | None = None, held: list[Span3] | None = None) -> list[Span3]:
    """Combine the two layers: ``rules``, ``model``, ``combined`` (model first, rules fill
    gaps) or ``rules-first`` (rules first, the model fills gaps). With the page's *text*,
    the two merging policies also apply the contract's decisions the model may miss
    (``pipeline/rules/cleanup.py``): a quoted program or a tier phrase the model cut is
    whole again, a class of winners spoken of in general is no AWARD, and a model span of
    a Korean-only label holds Hangul (not `release` in an English press line). Tiers
    dropped as a class's holders in general go to *held* (``drop_award_classes``)."""
    model_spans, rule_spans = list(model_spans), list(rule_spans)
    if policy == "rules":
        return sorted(rule_spans)
    if policy == "model":
        return sorted(model_spans)
    if policy not in MERGE_POLICIES:
        raise ValueError(f"unknown merge policy {policy!r}; allowed: {', '.join(MERGE_POLICIES)}")
    if text is not None:
        model_spans = [x for x in model_spans if not latin_only(text, x)]
        model_spans = rejoin_quoted_programs(model_spans, quoted_rule_programs(text, rule_spans))
        model_spans = extend_awards(model_spans, rule_spans)
    model_spans = _rejoin_amounts(model_spans, rule_spans)
    first, second = (model_spans, rule_spans) if policy == "combined" else (rule_spans, model_spans)
    chosen = list(first)
    taken = DisjointSpans()
    for s, e, _ in first:
        taken.add(s, e)
    for s, e, label in second:
        if taken.add(s, e):
            chosen.append((s, e, label))
    return sorted(chosen) if text is None else drop_award_classes(text, sorted(chosen), held)


def _rejoin_amounts(model_spans: list[Span3], rule_spans: list[Span3]) -> list[Span3]:
    """The model's spans, with an amount it split in pieces replaced by the rules' whole amount.

    The bridge makes a token of a non-breaking, thin or ideographic space or
    a tab, and such a token ends a model entity, so 4500만\u00a0원 comes out
    as 4500만 + 원 while the money grammar reads it whole. When two or more
    model MONEY spans lie inside one rule MONEY span and nothing else
    overlaps it, the rule span stands for them.
    """
    return rejoin_pieces(model_spans, rule_spans, "MONEY", _money_pieces)


def _money_pieces(rule: Span3, pieces: list[Span3]) -> bool:
    return len(pieces) >= 2 and all(p[2] == "MONEY" and rule[0] <= p[0] and p[1] <= rule[1] for p in pieces)


# ------------------------------------------------------------ persistence


@dataclass
class ModelBundle:
    estimator: "CRFModel"
    meta: dict


#: The CRF model file in a model directory; :func:`kgov_ner.training.crf.save_model` writes it.
MODEL_FILE = "model.crfsuite"
DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[3] / "models" / "default"


def load_model(path: str | Path) -> ModelBundle:
    """The model in ``path`` for tagging; refuses one built for another feature version."""
    path = Path(path)
    meta_path = path / "meta.json"
    if not meta_path.is_file():
        raise FileNotFoundError(f"no model at {path}: meta.json missing (retrain with `python -m kgov_ner train`)")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("feature_version") != FEATURE_VERSION:
        raise ModelVersionError(
            f"model at {path} was built for feature version {meta.get('feature_version')}, "
            f"this kgov_ner extracts version {FEATURE_VERSION}: retrain it with `python -m kgov_ner train`"
        )
    return ModelBundle(CRFModel(path / meta.get("model_file", MODEL_FILE)), meta)


def text_digest(text: str) -> str:
    """A short digest of a training text: ``meta.json`` lists those the model saw,
    so ``eval`` can say when a score is in-sample."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
