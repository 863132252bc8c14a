"""Scoring award records against a gold table (``kgov-ner eval --records``)."""

from __future__ import annotations

import os
from typing import Any, Mapping, Sequence

from kgov_ner.records.extract import program_key

__all__ = ["FIELDS", "file_key", "score_records", "format_records_score"]

#: Fields compared on matched rows by :func:`score_records`.
FIELDS = ("program", "year", "krw", "streak", "official")


def file_key(name: Any) -> str:
    base = os.path.basename(str(name or ""))
    stem, ext = os.path.splitext(base)
    return stem if ext.lower() in (".txt", ".html", ".htm") else base


def _row_key(row: Mapping[str, Any]) -> tuple[str, str, str]:
    district = row.get("district_name") or row.get("district") or ""
    return (file_key(row.get("file")), str(district).strip(), str(row.get("tier") or "").strip())


def _field_equal(name: str, gold: Any, pred: Any) -> bool:
    if gold in (None, "") and pred in (None, ""):
        return True
    if gold in (None, "") or pred in (None, ""):
        return False
    if name == "program":
        return program_key(str(gold)) == program_key(str(pred))
    if name in ("year", "krw", "streak"):
        try:
            return int(gold) == int(pred)
        except (TypeError, ValueError):
            return False
    return str(gold).strip() == str(pred).strip()


def score_records(gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]) -> dict:
    """Score predicted against gold records.

    A predicted row matches a gold row when ``file``, ``district_name`` and
    ``tier`` agree: files compare by base name without ``.txt`` (so
    ``seeds/000_x.txt``, ``000_x.txt`` and the gold id ``000_x`` agree), and a
    row without ``district_name`` (ambiguous name) compares by its
    ``district`` surface.  Matching is one-to-one (a duplicated prediction
    is a false positive).  ``P = TP/(TP+FP)``, ``R = TP/(TP+FN)``,
    ``F1 = 2TP/(2TP+FP+FN)``.  On matched rows each field of :data:`FIELDS`
    is compared (program by its name without spaces; an empty cell equals
    only an empty cell) and its accuracy is ``correct / matched``.

    Returns ``{"p", "r", "f", "tp", "fp", "fn", "n", "fields": {name:
    {"correct", "total", "acc"}}, "missed": [gold rows], "spurious": [pred
    rows], "field_errors": [{"key", "field", "gold", "pred"}]}``.
    """
    pairs, missed, spurious = _match_rows(gold, pred)
    tp, fp, fn = len(pairs), len(spurious), len(missed)
    fields, errors = _field_accuracy(pairs)
    return {
        "p": tp / (tp + fp) if tp + fp else 0.0,
        "r": tp / (tp + fn) if tp + fn else 0.0,
        "f": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,
        "tp": tp, "fp": fp, "fn": fn, "n": tp + fn,
        "fields": fields,
        "missed": missed,
        "spurious": spurious,
        "field_errors": errors,
    }


_Row = Mapping[str, Any]


def _match_rows(gold: Sequence[_Row], pred: Sequence[_Row]) -> tuple[list[tuple[_Row, _Row]], list[dict], list[dict]]:
    """One-to-one matches by key, in prediction order; the gold rows missed; the predictions left over."""
    available: dict[tuple, list[_Row]] = {}
    for g in gold:
        available.setdefault(_row_key(g), []).append(g)
    pairs = []
    spurious = []
    for p in pred:
        bucket = available.get(_row_key(p))
        if bucket:
            pairs.append((bucket.pop(0), p))
        else:
            spurious.append(dict(p))
    missed = [dict(g) for rows in available.values() for g in rows]
    return pairs, missed, spurious


def _field_accuracy(pairs: list[tuple[_Row, _Row]]) -> tuple[dict[str, dict], list[dict]]:
    """Per field of :data:`FIELDS`: correct/total/acc on the matched rows; and each wrong field."""
    fields: dict[str, dict] = {}
    errors = []
    for name in FIELDS:
        correct = 0
        for g, p in pairs:
            if _field_equal(name, g.get(name), p.get(name)):
                correct += 1
            else:
                errors.append({"key": list(_row_key(g)), "field": name, "gold": g.get(name), "pred": p.get(name)})
        fields[name] = {"correct": correct, "total": len(pairs), "acc": correct / len(pairs) if pairs else 0.0}
    return fields, errors


def format_records_score(score: Mapping[str, Any], title: str = "records") -> str:
    lines = [
        f"== {title}: a row matches when file, district_name and tier agree ==",
        f"P {score['p']:.3f}  R {score['r']:.3f}  F1 {score['f']:.3f}  "
        f"(gold {score['n']}, predicted {score['tp'] + score['fp']}, matched {score['tp']})",
        "field accuracy on matched rows:",
    ]
    for name, c in score["fields"].items():
        lines.append(f"  {name:<9}{c['correct']:>4}/{c['total']:<4} {c['acc']:.3f}")
    for row in score["missed"]:
        lines.append(f"  FN {'  '.join(_row_key(row))}")
    for row in score["spurious"]:
        lines.append(f"  FP {'  '.join(_row_key(row))}")
    for err in score["field_errors"]:
        lines.append(f"  {err['field']} wrong {'  '.join(err['key'])}: gold {err['gold']!r}, predicted {err['pred']!r}")
    return "\n".join(lines)
