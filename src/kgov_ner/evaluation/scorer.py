"""Scoring: predicted entities against gold entities, as pure functions over tuples.

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

The scoring core (:func:`score_spans`, :func:`match_partial`,
:func:`confusion`, ...) is pure functions over ``(start, end, label)`` tuples;
reading gold (:mod:`.gold`), running a tagger (:mod:`.predict`, :mod:`.cv`)
and printing (:mod:`.report`) are separate.  :func:`results` computes, once,
everything ``kgov-ner eval`` reports.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Mapping, Sequence

from kgov_ner.evaluation.gold import GoldDoc, Range, Span
from kgov_ner.resources.labels import LABELS

__all__ = [
    "MODES",
    "MATCHES",
    "DETAILS",
    "filter_to_body",
    "prf",
    "match_strict",
    "match_partial",
    "score_spans",
    "mode_predictions",
    "score_docs",
    "doc_scores",
    "confusion",
    "error_list",
    "results",
]

MODES = ("body", "page")
MATCHES = ("strict", "partial")
#: What :func:`results` adds on request, in the order it reports them.
DETAILS = ("errors", "by_doc", "confusion")


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
            kind, confused_with = _what_happened(g, pred, pred_set)
            per_gold[g[2]]["n"] += 1
            per_gold[g[2]][kind] += 1
            if confused_with is not None:
                row = label_errors[g[2]]
                row[confused_with] = row.get(confused_with, 0) + 1
        for p in pred:
            if not any(_overlap(g[0], g[1], p[0], p[1]) for g in gold):
                spurious[p[2]] += 1
    return {"gold": per_gold, "label_errors": label_errors, "spurious": spurious}


def _what_happened(g: Span, pred: Sequence[Span], pred_set: Counter) -> tuple[str, str | None]:
    """The confusion class of gold entity *g*, and for ``"label"`` the label it got instead."""
    overlapping = [p for p in pred if _overlap(g[0], g[1], p[0], p[1])]
    if pred_set[g] > 0:
        return "exact", None
    if any(p[2] == g[2] for p in overlapping):
        return "boundary", None
    if overlapping:
        best = max(overlapping, key=lambda p: (_overlap(g[0], g[1], p[0], p[1]), -p[0]))
        return "label", best[2]
    return "missed", None


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


def results(
    docs: Sequence[GoldDoc],
    preds: Sequence[Sequence[Span]],
    modes: Sequence[str] = MODES,
    details: Iterable[str] = (),
) -> dict[str, Any]:
    """Everything ``kgov-ner eval`` reports on *preds*, each computed once.

    ``{mode: score_spans(...)}`` for each mode, then the *details* asked
    for, in the order of :data:`DETAILS`: ``"errors"`` (:func:`error_list`
    of the last mode: with both modes, page mode includes the body errors
    plus the boilerplate FPs), ``"by_doc"`` (:func:`doc_scores`) and
    ``"confusion"`` (``{mode: confusion(...)}``).
    """
    details = set(details)
    unknown = details - set(DETAILS)
    if unknown:
        raise ValueError(f"unknown details {sorted(unknown)}; allowed: {', '.join(DETAILS)}")
    out: dict[str, Any] = dict(score_docs(docs, preds, modes))
    if "errors" in details:
        out["errors"] = error_list(docs, preds, modes[-1])
    if "by_doc" in details:
        out["by_doc"] = doc_scores(docs, preds, modes)
    if "confusion" in details:
        gold = [d.spans for d in docs]
        out["confusion"] = {
            m: confusion(gold, [mode_predictions(d, p, m) for d, p in zip(docs, preds)]) for m in modes
        }
    return out
