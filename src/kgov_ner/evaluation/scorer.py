"""Evaluation harness: score a tagger against gold files (``kgov-ner eval``).

Gold files are JSON lines in the format of ANNOTATION.md::

    {"id": "...", "text": "...", "body": [[s, e], ...], "label": [[s, e, "LABEL"], ...]}

Offsets are Python ``str`` indices, end exclusive.  ``body`` is optional
(absent means the whole text is body).  Extra keys (``rule``, ``meta``, ...)
are allowed and ignored.

Definitions
-----------
An entity is a ``(start, end, label)`` triple.

strict match
    a prediction and a gold entity with the same start, the same end and the
    same label.  Each gold entity is matched at most once (duplicated
    predictions count as false positives).
partial match
    a prediction and a gold entity with the same label whose spans overlap
    (share at least one character).  Matching is one-to-one: each gold
    entity and each prediction is used at most once.  Candidate pairs are
    taken greedily by largest overlap (ties: earlier gold start, earlier gold
    end, earlier prediction start, earlier prediction end), so the result is
    deterministic.
TP, FP, FN
    matched pairs; predictions left unmatched; gold entities left unmatched.
P, R, F1
    ``P = TP / (TP + FP)``, ``R = TP / (TP + FN)``,
    ``F1 = 2 TP / (2 TP + FP + FN)``; each is 0.0 when its denominator is 0.
    ``n`` is the number of gold entities (``TP + FN``).
micro
    P/R/F1 from the TP/FP/FN summed over all labels.
macro
    the unweighted mean of the per-label P, R and F1 over the labels that
    have at least one gold entity or prediction (a label absent from both
    sides does not pull the mean down); ``n`` is the total gold count.
body mode
    predictions that overlap no body range are ignored (entity quality on
    the article text).  Gold entities always lie inside the body.
page mode
    every prediction counts, so an entity tagged in boilerplate (menus,
    related news, footers) is a false positive (what a user feeding raw
    scraped pages gets).
confusion (``--confusion``)
    each gold entity is classified by what the predictions did with it, in
    this order: *exact* (a strict match), *boundary* (an overlapping
    prediction with the same label but a different span), *label* (only
    predictions with other labels overlap it; the pair gold label ->
    predicted label of the largest overlap is counted), *missed* (no
    prediction overlaps it).  *Spurious* predictions overlap no gold entity.
cross-validation (``--cv``)
    leave-one-document-out: for each document, a predictor is built from all
    the other documents by ``kgov_ner.train.fit_predictor(train_records)``
    (``train_records`` are the other gold records as the dicts read from the
    file) and tags the held-out document; the results are pooled and scored
    as above.  Without a ``kgov_ner.train.fit_predictor`` the rule tagger is
    used for every fold, so the cross-validated run equals the plain run and
    the output says so.

The scoring core (:func:`score_spans`, :func:`match_partial`,
:func:`confusion`, ...) is pure functions over ``(start, end, label)`` tuples;
reading gold, running a tagger and printing are separate.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping, Sequence

from kgov_ner.resources.labels import LABELS

__all__ = [
    "Span",
    "Predictor",
    "GoldError",
    "GoldDoc",
    "MODES",
    "parse_gold_record",
    "load_gold",
    "filter_to_body",
    "prf",
    "match_strict",
    "match_partial",
    "score_spans",
    "score_docs",
    "doc_scores",
    "confusion",
    "error_list",
    "default_predictor",
    "make_predictor",
    "predict_cv",
    "evaluate",
    "evaluate_records",
    "add_arguments",
    "run",
]

PROG = "kgov-ner"

Span = tuple[int, int, str]
Range = tuple[int, int]
#: A predictor tags a batch of texts: one list of ``(start, end, label)`` per text.
Predictor = Callable[[list[str]], list[list[Span]]]

MODES = ("body", "page")
MATCHES = ("strict", "partial")
CV_FALLBACK_NOTE = "--cv: nothing is learned yet; the cross-validated run equals the plain run"


# ---------------------------------------------------------------------------
# Gold files
# ---------------------------------------------------------------------------


class GoldError(ValueError):
    """A gold file that cannot be used; ``str(error)`` is one line for the user.

    ``path``, ``line`` (1-based, or None for file-level problems) and
    ``reason`` hold the parts of the message.
    """

    def __init__(self, path: str, line: int | None, reason: str):
        where = f"{path}: line {line}" if line is not None else path
        super().__init__(f"{PROG}: {where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class GoldDoc:
    """One validated gold document.

    ``spans`` are sorted ``(start, end, label)``; ``body`` the sorted body
    ranges (the whole text when the record has no ``body``); ``record`` the
    dict as read from the file (what a learner gets as training data).
    """

    id: str
    text: str
    spans: tuple[Span, ...]
    body: tuple[Range, ...]
    record: Mapping[str, Any] = field(repr=False, compare=False, default_factory=dict)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_gold_record(obj: Any, labels: Sequence[str] = LABELS) -> GoldDoc:
    """Validate one decoded JSON line; raise ``ValueError(reason)`` if it is bad."""
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
    for key in ("id", "text", "label"):
        if key not in obj:
            raise ValueError(f"missing key {key!r}")
    doc_id = obj["id"]
    if not (isinstance(doc_id, str) or _is_int(doc_id)):
        raise ValueError(f"'id' must be a string or an integer, got {_short(doc_id)}")
    text = obj["text"]
    if not isinstance(text, str):
        raise ValueError(f"'text' must be a string, got {type(text).__name__}")
    n = len(text)

    # body ranges
    if "body" in obj and obj["body"] is not None:
        raw_body = obj["body"]
        if not isinstance(raw_body, list):
            raise ValueError(f"'body' must be a list of [start, end] ranges, got {_short(raw_body)}")
        body: list[Range] = []
        for item in raw_body:
            if not (isinstance(item, list) and len(item) == 2):
                raise ValueError(f"body range {_short(item)} is not a [start, end] pair")
            s, e = item
            if not (_is_int(s) and _is_int(e)):
                raise ValueError(f"body range {_short(item)}: offsets must be integers")
            if not 0 <= s < e <= n:
                raise ValueError(
                    f"body range {_short(item)} is empty or outside the text (length {n})"
                )
            body.append((s, e))
        body.sort()
        for (s1, e1), (s2, e2) in zip(body, body[1:]):
            if s2 < e1:
                raise ValueError(f"body ranges [{s1}, {e1}] and [{s2}, {e2}] overlap")
    else:
        body = [(0, n)] if n else []

    # entities
    raw_spans = obj["label"]
    if not isinstance(raw_spans, list):
        raise ValueError(f"'label' must be a list of [start, end, label], got {_short(raw_spans)}")
    spans: list[Span] = []
    for item in raw_spans:
        if not (isinstance(item, list) and len(item) == 3):
            raise ValueError(f"entity {_short(item)} is not a [start, end, label] triple")
        s, e, label = item
        if not (_is_int(s) and _is_int(e)):
            raise ValueError(f"entity {_short(item)}: offsets must be integers")
        if not 0 <= s < e <= n:
            raise ValueError(f"entity {_short(item)} is empty or outside the text (length {n})")
        if not isinstance(label, str) or label not in labels:
            raise ValueError(
                f"entity {_short(item)}: unknown label {_short(label)} "
                f"(expected one of {', '.join(labels)})"
            )
        if not text[s:e].strip():
            raise ValueError(f"entity {_short(item)} covers only whitespace")
        if not any(bs <= s and e <= be for bs, be in _merge(body)):
            raise ValueError(f"entity {_short(item)} ({text[s:e]!r}) is not inside the body")
        spans.append((s, e, label))
    spans.sort()
    for a, b in zip(spans, spans[1:]):
        if b[0] < a[1]:
            raise ValueError(
                f"entities [{a[0]}, {a[1]}, {a[2]}] ({text[a[0]:a[1]]!r}) and "
                f"[{b[0]}, {b[1]}, {b[2]}] ({text[b[0]:b[1]]!r}) overlap"
            )
    return GoldDoc(str(doc_id), text, tuple(spans), tuple(body), obj)


def _merge(ranges: Iterable[Range]) -> list[Range]:
    merged: list[list[int]] = []
    for s, e in sorted(ranges):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def load_gold(path: str | os.PathLike[str], labels: Sequence[str] = LABELS) -> list[GoldDoc]:
    """Read and validate a gold JSONL file; raise :class:`GoldError` on the first bad line.

    Blank lines are skipped.  Document ids must be unique.
    """
    name = os.fspath(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise GoldError(name, None, "no such file") from None
    except IsADirectoryError:
        raise GoldError(name, None, "is a directory") from None
    except OSError as exc:
        raise GoldError(name, None, exc.strerror or type(exc).__name__) from None
    docs: list[GoldDoc] = []
    seen: dict[str, int] = {}
    for lineno, raw in enumerate(data.split(b"\n"), start=1):
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise GoldError(name, lineno, f"not valid UTF-8 ({exc.reason})") from None
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(name, lineno, f"not valid JSON ({exc.msg}, column {exc.colno})") from None
        try:
            doc = parse_gold_record(obj, labels)
        except ValueError as exc:
            raise GoldError(name, lineno, str(exc)) from None
        if doc.id in seen:
            raise GoldError(name, lineno, f"duplicate id {doc.id!r} (first on line {seen[doc.id]})")
        seen[doc.id] = lineno
        docs.append(doc)
    if not docs:
        raise GoldError(name, None, "contains no documents")
    return docs


# ---------------------------------------------------------------------------
# Scoring core: pure functions over (start, end, label) tuples
# ---------------------------------------------------------------------------


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def filter_to_body(spans: Iterable[Span], body: Iterable[Range]) -> list[Span]:
    """The spans that overlap at least one body range (body mode)."""
    body = list(body)
    return [sp for sp in spans if any(_overlap(sp[0], sp[1], bs, be) for bs, be in body)]


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    """One score cell: ``p``, ``r``, ``f``, ``n`` (= gold count) and the raw counts."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return {"p": p, "r": r, "f": f, "n": tp + fn, "tp": tp, "fp": fp, "fn": fn}


def match_strict(gold: Iterable[Span], pred: Iterable[Span]) -> list[tuple[Span, Span]]:
    """Strict matches of one document as ``(gold, pred)`` pairs (each gold used once)."""
    available = Counter(tuple(g) for g in gold)
    pairs = []
    for p in sorted(tuple(p) for p in pred):
        if available[p] > 0:
            available[p] -= 1
            pairs.append((p, p))
    return pairs


def match_partial(gold: Iterable[Span], pred: Iterable[Span]) -> list[tuple[Span, Span]]:
    """Partial matches of one document: one-to-one, same label, greedy by largest overlap."""
    gold = sorted(tuple(g) for g in gold)
    pred = sorted(tuple(p) for p in pred)
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if g[2] == p[2]:
                ov = _overlap(g[0], g[1], p[0], p[1])
                if ov:
                    candidates.append((-ov, g[0], g[1], p[0], p[1], gi, pi))
    candidates.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for *_, gi, pi in candidates:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gold[gi], pred[pi]))
    return sorted(pairs)


_MATCHERS = {"strict": match_strict, "partial": match_partial}


def _counts(
    gold_docs: Sequence[Sequence[Span]], pred_docs: Sequence[Sequence[Span]], matcher
) -> dict[str, list[int]]:
    counts: dict[str, list[int]] = {}
    for gold, pred in zip(gold_docs, pred_docs, strict=True):
        for g in gold:
            counts.setdefault(g[2], [0, 0, 0])[2] += 1  # fn until matched
        for p in pred:
            counts.setdefault(p[2], [0, 0, 0])[1] += 1  # fp until matched
        for g, _p in matcher(gold, pred):
            c = counts[g[2]]
            c[0] += 1
            c[1] -= 1
            c[2] -= 1
    return counts


def _table(counts: Mapping[str, list[int]], labels: Sequence[str]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    names = list(labels) + sorted(k for k in counts if k not in labels)
    for label in names:
        tp, fp, fn = counts.get(label, (0, 0, 0))
        out[label] = prf(tp, fp, fn)
    tp = sum(c[0] for c in counts.values())
    fp = sum(c[1] for c in counts.values())
    fn = sum(c[2] for c in counts.values())
    out["micro"] = prf(tp, fp, fn)
    active = [out[k] for k in names if out[k]["tp"] + out[k]["fp"] + out[k]["fn"] > 0]
    macro: dict[str, float | int] = {"p": 0.0, "r": 0.0, "f": 0.0}
    if active:
        for key in ("p", "r", "f"):
            macro[key] = sum(c[key] for c in active) / len(active)
    macro.update({"n": tp + fn, "tp": tp, "fp": fp, "fn": fn})
    out["macro"] = macro
    return out


def score_spans(
    gold_docs: Sequence[Sequence[Span]],
    pred_docs: Sequence[Sequence[Span]],
    labels: Sequence[str] = LABELS,
) -> dict[str, dict[str, dict]]:
    """Score predicted against gold entities, document by document.

    ``gold_docs[i]`` and ``pred_docs[i]`` are the ``(start, end, label)``
    entities of document *i*.  Returns ``{"strict": table, "partial": table}``
    where a table maps each label of *labels* (plus any other predicted
    label), ``"micro"`` and ``"macro"`` to a cell ``{"p", "r", "f", "n",
    "tp", "fp", "fn"}`` (see the module docstring for the definitions).
    """
    if len(gold_docs) != len(pred_docs):
        raise ValueError(f"{len(gold_docs)} gold documents but {len(pred_docs)} predictions")
    return {
        kind: _table(_counts(gold_docs, pred_docs, _MATCHERS[kind]), labels) for kind in MATCHES
    }


def mode_predictions(doc: GoldDoc, pred: Sequence[Span], mode: str) -> list[Span]:
    """The predictions of *doc* that count in *mode* (``"body"`` or ``"page"``)."""
    if mode == "body":
        return filter_to_body(pred, doc.body)
    if mode == "page":
        return [tuple(p) for p in pred]
    raise ValueError(f"unknown mode {mode!r}")


def score_docs(
    docs: Sequence[GoldDoc],
    preds: Sequence[Sequence[Span]],
    modes: Sequence[str] = MODES,
    labels: Sequence[str] = LABELS,
) -> dict[str, dict]:
    """``{mode: score_spans(...)}`` for gold documents and their predictions."""
    gold = [list(d.spans) for d in docs]
    return {
        mode: score_spans(
            gold, [mode_predictions(d, p, mode) for d, p in zip(docs, preds, strict=True)], labels
        )
        for mode in modes
    }


def doc_scores(
    docs: Sequence[GoldDoc], preds: Sequence[Sequence[Span]], modes: Sequence[str] = MODES
) -> list[dict]:
    """Per document: ``{"id", mode: strict micro cell, ...}``."""
    rows = []
    for doc, pred in zip(docs, preds, strict=True):
        row: dict[str, Any] = {"id": doc.id}
        for mode in modes:
            kept = mode_predictions(doc, pred, mode)
            tp = len(match_strict(doc.spans, kept))
            row[mode] = prf(tp, len(kept) - tp, len(doc.spans) - tp)
        rows.append(row)
    return rows


def confusion(
    gold_docs: Sequence[Sequence[Span]],
    pred_docs: Sequence[Sequence[Span]],
    labels: Sequence[str] = LABELS,
) -> dict[str, Any]:
    """What the predictions did with each gold entity (see the module docstring).

    Returns ``{"gold": {label: {"exact", "boundary", "label", "missed",
    "n"}}, "label_errors": {gold_label: {pred_label: count}}, "spurious":
    {pred_label: count}}``.
    """
    names = list(labels)
    extra = sorted(
        {s[2] for doc in list(gold_docs) + list(pred_docs) for s in doc} - set(names)
    )
    names += extra
    per_gold = {l: {"exact": 0, "boundary": 0, "label": 0, "missed": 0, "n": 0} for l in names}
    label_errors: dict[str, dict[str, int]] = {l: {} for l in names}
    spurious = {l: 0 for l in names}
    for gold, pred in zip(gold_docs, pred_docs, strict=True):
        pred = sorted(tuple(p) for p in pred)
        pred_set = Counter(pred)
        for g in sorted(tuple(g) for g in gold):
            cell = per_gold[g[2]]
            cell["n"] += 1
            overlapping = [p for p in pred if _overlap(g[0], g[1], p[0], p[1])]
            if pred_set[g] > 0:
                cell["exact"] += 1
            elif any(p[2] == g[2] for p in overlapping):
                cell["boundary"] += 1
            elif overlapping:
                cell["label"] += 1
                best = max(overlapping, key=lambda p: (_overlap(g[0], g[1], p[0], p[1]), -p[0]))
                row = label_errors[g[2]]
                row[best[2]] = row.get(best[2], 0) + 1
            else:
                cell["missed"] += 1
        for p in pred:
            if not any(_overlap(g[0], g[1], p[0], p[1]) for g in gold):
                spurious[p[2]] += 1
    return {"gold": per_gold, "label_errors": label_errors, "spurious": spurious}


def _context(text: str, start: int, end: int, width: int = 15) -> str:
    def clean(s: str) -> str:
        return s.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎").replace("\t", " ")

    left = clean(text[max(0, start - width) : start])
    right = clean(text[end : end + width])
    return f"{left}[{clean(text[start:end])}]{right}"


def error_list(docs: Sequence[GoldDoc], preds: Sequence[Sequence[Span]], mode: str) -> list[dict]:
    """Strict false negatives and false positives of *mode*, in document order.

    Each error: ``{"kind": "FN"|"FP", "label", "doc", "start", "end",
    "surface", "context", "in_body"}``; the context shows 15 characters on
    each side, the entity in brackets and newlines as ⏎.
    """
    errors = []
    for doc, pred in zip(docs, preds, strict=True):
        kept = mode_predictions(doc, pred, mode)
        matched = Counter(g for g, _ in match_strict(doc.spans, kept))
        fn_left = Counter(doc.spans) - matched
        fp_left = Counter(tuple(p) for p in kept) - matched
        items = [("FN", s) for s in sorted(fn_left.elements())]
        items += [("FP", s) for s in sorted(fp_left.elements())]
        items.sort(key=lambda item: (item[1][0], item[1][1], item[0]))
        for kind, (s, e, label) in items:
            errors.append(
                {
                    "kind": kind,
                    "label": label,
                    "doc": doc.id,
                    "start": s,
                    "end": e,
                    "surface": doc.text[s:e],
                    "context": _context(doc.text, s, e),
                    "in_body": bool(filter_to_body([(s, e, label)], doc.body)),
                }
            )
    return errors


# ---------------------------------------------------------------------------
# Predictors
# ---------------------------------------------------------------------------


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


def _as_predictor(obj: Any) -> Predictor:
    if hasattr(obj, "pipe"):
        return _wrap_pipeline(obj)
    if callable(obj):
        return obj
    raise TypeError(f"fit_predictor returned {type(obj).__name__}, not a predictor")


def _find_learner() -> Callable[[list[dict]], Any] | None:
    try:
        module = importlib.import_module("kgov_ner.training.train")
    except ModuleNotFoundError as exc:
        if exc.name in (None, "kgov_ner.training.train", "kgov_ner.training", "kgov_ner"):
            return None
        raise
    fit = getattr(module, "fit_predictor", None)
    return fit if callable(fit) else None


def make_predictor(
    train_records: list[Mapping[str, Any]], fallback: Predictor | None = None
) -> tuple[Predictor, bool]:
    """A predictor trained on *train_records*, and whether anything was learned.

    Calls ``kgov_ner.train.fit_predictor(train_records)`` when that exists
    (its result may be a predictor or an object with ``pipe``); otherwise
    returns *fallback* (default: the rule tagger) and ``False``.
    """
    fit = _find_learner()
    if fit is None:
        return (fallback or default_predictor), False
    return _as_predictor(fit(list(train_records))), True


def _run_predictor(predictor: Predictor, texts: list[str]) -> list[list[Span]]:
    out = list(predictor(list(texts)))
    if len(out) != len(texts):
        raise ValueError(f"the predictor returned {len(out)} results for {len(texts)} texts")
    return [[(int(s), int(e), str(l)) for s, e, l in spans] for spans in out]


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
        preds.append(_run_predictor(predictor, [doc.text])[0])
    return preds, learned_any


def evaluate(
    docs: Sequence[GoldDoc],
    predictor: Predictor | None = None,
    modes: Sequence[str] = MODES,
) -> dict[str, dict]:
    """Tag *docs* with *predictor* (default: the rule tagger) and score them."""
    preds = _run_predictor(predictor or default_predictor, [d.text for d in docs])
    return score_docs(docs, preds, modes)


# ---------------------------------------------------------------------------
# Printing
# ---------------------------------------------------------------------------

_MODE_TITLES = {
    "body": "body: predictions outside the body ranges are ignored",
    "page": "page: every prediction counts (boilerplate entities are false positives)",
}


def _row_names(table: Mapping[str, Any]) -> list[str]:
    return [k for k in table if k not in ("micro", "macro")] + ["micro", "macro"]


def format_table(scores: Mapping[str, Mapping[str, Any]], mode: str) -> str:
    """The aligned P/R/F1/n table of one mode (``scores`` = ``score_spans`` output)."""
    strict, partial = scores["strict"], scores["partial"]
    names = _row_names(strict)
    width = max(len(n) for n in names) + 2
    cell_w = 6
    head = "".join(f"{h:>{cell_w}}" for h in ("P", "R", "F1", "n"))
    lines = [
        f"== {_MODE_TITLES.get(mode, mode)} ==",
        f"{'':<{width}}  {'strict':^{4 * cell_w}}  |  {'partial':^{4 * cell_w}}",
        f"{'label':<{width}}  {head}  |  {head}",
    ]
    for name in names:
        cells = []
        for table in (strict, partial):
            c = table[name]
            cells.append(f"{c['p']:{cell_w}.3f}{c['r']:{cell_w}.3f}{c['f']:{cell_w}.3f}{c['n']:{cell_w}d}")
        if name == "micro":
            lines.append("-" * len(lines[-1]))
        lines.append(f"{name:<{width}}  {cells[0]}  |  {cells[1]}")
    return "\n".join(lines)


def format_errors(errors: Sequence[Mapping[str, Any]], mode: str) -> str:
    lines = [f"== errors ({mode} mode, strict): {len(errors)} =="]
    labels = list(LABELS) + sorted({e["label"] for e in errors} - set(LABELS))
    for label in labels:
        mine = [e for e in errors if e["label"] == label]
        if not mine:
            continue
        n_fn = sum(e["kind"] == "FN" for e in mine)
        lines.append(f"-- {label}: {n_fn} FN, {len(mine) - n_fn} FP")
        for kind in ("FN", "FP"):
            for e in mine:
                if e["kind"] != kind:
                    continue
                where = "" if e["in_body"] else "  (outside body)"
                lines.append(
                    f"  {kind} {e['doc']} {e['start']}-{e['end']} {e['surface']!r}  "
                    f"…{e['context']}…{where}"
                )
    return "\n".join(lines)


def format_by_doc(rows: Sequence[Mapping[str, Any]], modes: Sequence[str]) -> str:
    width = max([len("document")] + [len(r["id"]) for r in rows]) + 2
    head = f"{'document':<{width}}{'n':>5}"
    for mode in modes:
        head += f"  | {mode + ' P':>7}{'R':>7}{'F1':>7}"
    lines = ["== by document (strict micro) ==", head]
    for r in rows:
        line = f"{r['id']:<{width}}{r[modes[0]]['n']:>5d}"
        for mode in modes:
            c = r[mode]
            line += f"  | {c['p']:7.3f}{c['r']:7.3f}{c['f']:7.3f}"
        lines.append(line)
    return "\n".join(lines)


def format_confusion(conf: Mapping[str, Any], mode: str) -> str:
    per_gold = conf["gold"]
    names = [l for l in per_gold if per_gold[l]["n"] or conf["spurious"].get(l)]
    if not names:
        names = list(per_gold)
    w = max(len(n) for n in names + ["spurious"]) + 2
    cols = ["exact", "boundary"] + [f"→{n}" for n in names] + ["missed", "n"]
    col_w = [max(6, len(c) + 1) for c in cols]
    lines = [
        f"== confusion ({mode} mode): gold label (rows) → what the prediction did ==",
        f"{'gold':<{w}}" + "".join(f"{c:>{cw}}" for c, cw in zip(cols, col_w)),
    ]
    for g in names:
        cell = per_gold[g]
        vals = [cell["exact"], cell["boundary"]]
        vals += [conf["label_errors"][g].get(p, 0) for p in names]
        vals += [cell["missed"], cell["n"]]
        lines.append(f"{g:<{w}}" + "".join(f"{v:>{cw}}" for v, cw in zip(vals, col_w)))
    spur = ["", ""] + [conf["spurious"].get(p, 0) for p in names] + ["", sum(conf["spurious"].values())]
    lines.append(f"{'spurious':<{w}}" + "".join(f"{v:>{cw}}" for v, cw in zip(spur, col_w)))
    lines.append(
        "(→LABEL in a row of the same label is always 0: same-label overlaps are boundary "
        "errors; spurious = predictions overlapping no gold entity)"
    )
    return "\n".join(lines)


def evaluate_records(docs: Sequence[GoldDoc], gold_csv: str | os.PathLike[str]) -> dict:
    """Score the award records of *docs* against the gold table *gold_csv*.

    The documents are tagged by the shipped :class:`kgov_ner.pipeline.Tagger`
    (records need the pipeline's sentences and normalised values, so a
    replacement predictor and ``--cv`` do not apply) and turned into rows by
    :func:`kgov_ner.records.extract_records` with ``file`` = the document id.
    A predicted row matches a gold row when file, district_name and tier
    agree (files compare by base name without ``.txt``); see
    :func:`kgov_ner.records.score_records` for P/R/F1 and the per-field
    accuracy on matched rows (program, year, krw, streak, official).  Gold
    rows of files that are not among *docs* are left out and counted in
    ``"ignored_gold_rows"``.  Raises ``ValueError``/``OSError`` for a gold
    table that cannot be read.
    """
    from kgov_ner.records import extract as rec

    gold_rows = rec.read_records_csv(gold_csv)
    ids = {rec.file_key(d.id) for d in docs}
    kept = [r for r in gold_rows if rec.file_key(r.get("file")) in ids]
    pred_rows: list[dict] = []
    tagger = _tagger()
    for d in docs:
        pred_rows.extend(rec.extract_records(tagger(d.text), file=d.id))
    score = rec.score_records(kept, pred_rows)
    score["ignored_gold_rows"] = len(gold_rows) - len(kept)
    return score


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the arguments of ``kgov-ner eval``."""
    parser.add_argument("gold", metavar="GOLD.jsonl", help="gold file (JSON lines, see ANNOTATION.md)")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument(
        "--errors",
        action="store_true",
        help="list every strict false positive and false negative with context (with "
        "--mode both: the page-mode list, predictions outside the body marked)",
    )
    parser.add_argument(
        "--by-doc", dest="by_doc", action="store_true", help="add strict micro P/R/F1 per document"
    )
    parser.add_argument(
        "--confusion", action="store_true", help="classify gold entities: exact/boundary/label/missed"
    )
    parser.add_argument(
        "--cv",
        action="store_true",
        help="leave-one-document-out (uses kgov_ner.train.fit_predictor when it exists)",
    )
    parser.add_argument(
        "--mode",
        choices=("body", "page", "both"),
        default="both",
        help="body: ignore predictions outside the body; page: count all (default: both)",
    )
    parser.add_argument(
        "--records",
        metavar="GOLD.csv",
        help="also score award records (kgov-ner records) against this gold table: a row "
        "matches when file, district_name and tier agree; P/R/F1 plus field accuracy",
    )


def run(args: argparse.Namespace, predictor: Predictor | None = None) -> int:
    """Run ``kgov-ner eval``; return the exit code (0 ok, 2 bad gold file, 1 tagger failure).

    *predictor* replaces the rule tagger (tests pass fakes); with ``--cv`` it
    is the fallback when nothing can be learned.
    """
    try:
        docs = load_gold(args.gold)
    except GoldError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    mode = getattr(args, "mode", "both") or "both"
    modes = list(MODES) if mode == "both" else [mode]
    cv = bool(getattr(args, "cv", False))
    learned = False
    try:
        if cv:
            preds, learned = predict_cv(docs, predictor)
        else:
            preds = _run_predictor(predictor or default_predictor, [d.text for d in docs])
    except Exception as exc:  # noqa: BLE001 - one line for the user, no traceback
        print(f"{PROG}: eval: tagging failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1

    scores = score_docs(docs, preds, modes)
    records_score = None
    if getattr(args, "records", None):
        try:
            records_score = evaluate_records(docs, args.records)
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            where = "" if isinstance(exc, ValueError) else f"{args.records}: "
            print(f"{PROG}: {where}{reason}", file=sys.stderr)
            return 2
    # the mode of --errors/--confusion: page includes body errors plus boilerplate FPs
    detail_mode = modes[-1]
    want_errors = getattr(args, "errors", False)
    want_by_doc = getattr(args, "by_doc", False)
    want_conf = getattr(args, "confusion", False)

    if getattr(args, "json", False):
        if cv and not learned:
            print(CV_FALLBACK_NOTE, file=sys.stderr)  # stdout stays pure JSON
        out: dict[str, Any] = {}
        if cv:
            out["cv"] = True
            out["learned"] = learned
        out.update(scores)
        if records_score is not None:
            out["records"] = records_score
        if want_errors:
            out["errors"] = error_list(docs, preds, detail_mode)
        if want_by_doc:
            out["by_doc"] = doc_scores(docs, preds, modes)
        if want_conf:
            out["confusion"] = {
                m: confusion(
                    [d.spans for d in docs], [mode_predictions(d, p, m) for d, p in zip(docs, preds)]
                )
                for m in modes
            }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0

    parts = [f"{args.gold}: {len(docs)} documents, {sum(len(d.spans) for d in docs)} gold entities"]
    if cv:
        parts.append(
            CV_FALLBACK_NOTE
            if not learned
            else "--cv: leave-one-document-out, a model is fitted on the other documents for each"
        )
    for m in modes:
        parts.append(format_table(scores[m], m))
    if records_score is not None:
        from kgov_ner.records.extract import format_records_score

        parts.append(format_records_score(records_score, f"records vs {args.records}"))
    if want_by_doc:
        parts.append(format_by_doc(doc_scores(docs, preds, modes), modes))
    if want_conf:
        for m in modes:
            conf = confusion(
                [d.spans for d in docs], [mode_predictions(d, p, m) for d, p in zip(docs, preds)]
            )
            parts.append(format_confusion(conf, m))
    if want_errors:
        parts.append(format_errors(error_list(docs, preds, detail_mode), detail_mode))
    print("\n\n".join(parts))
    return 0
