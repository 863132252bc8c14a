"""Scoring award records against a gold table (``kgov-ner eval --records``).

Rows and fields are compared by normalised keys, so that two spellings of
one fact agree:

- a government by :func:`government_key`: through the gazetteer, an alias
  or a former name of the upper level is the current one (강원도 춘천시 =
  강원특별자치도 춘천시), and a former unit is its successor when the
  gazetteer shows one (a rename);
- a program by :func:`program_match_key`: no year, quotes, ordinal
  (제3회), separators or spaces, no generic tail (평가, 사업), 지자체
  spelled out; the normaliser already drops the tail from the names it
  gives, a gold table written by hand may keep it.
"""

from __future__ import annotations

import functools
import os
import re
from typing import Any, Mapping, Sequence

__all__ = ["FIELDS", "file_key", "government_key", "program_match_key", "score_records", "format_records_score"]

#: Fields compared on matched rows by :func:`score_records`.
FIELDS = ("program", "year", "krw", "streak", "official")

_PROGRAM_NOISE = re.compile(
    r"(?<![0-9])(?:19|20)[0-9]{2}\s*(?:년도|년)?|제\s*[0-9]+\s*회|[\s‘’“”'\"「」『』《》〈〉<>·ㆍ・,、()\[\]-]"
)
_PROGRAM_TAIL = re.compile(r"(?:사업|평가)$")
_PROGRAM_ABBREVIATIONS = (("지자체", "지방자치단체"),)


def file_key(name: Any) -> str:
    base = os.path.basename(str(name or ""))
    stem, ext = os.path.splitext(base)
    return stem if ext.lower() in (".txt", ".html", ".htm") else base


def program_match_key(name: Any) -> str:
    """A program name as compared: ``‘2019년 제3회 지자체 일자리 평가’`` → ``지방자치단체일자리``."""
    key = _PROGRAM_NOISE.sub("", str(name or "")).casefold()
    for short, full in _PROGRAM_ABBREVIATIONS:
        key = key.replace(short, full)
    while True:
        cut = _PROGRAM_TAIL.sub("", key)
        if cut == key or len(cut) < 2:
            return key
        key = cut


@functools.lru_cache(maxsize=4096)
def government_key(name: str) -> str:
    """The full name of the government *name* means today: ``강원도 홍천군`` → ``강원특별자치도 홍천군``,
    ``인천광역시 남구`` → ``인천광역시 미추홀구``; a name the gazetteer does not know comes back as given."""
    from kgov_ner.resources.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    words = name.split()
    if len(words) == 1:
        upper = gaz.upper(words[0])
        if upper is not None:
            return upper.name
        found = gaz.lookup(words[0])
        return found[0].full_name if len(found) == 1 else name
    if len(words) != 2:
        return name
    upper = gaz.upper(words[0])
    if upper is None:
        return name
    rows = [d for d in gaz.children(upper.name) if words[1] in d.surface_forms]
    if not rows:
        return f"{upper.name} {words[1]}"
    row = rows[0]
    if row.status == "former":
        row = _successor(gaz, row) or row
    return row.full_name


def _successor(gaz, row):
    """The current unit a former one became, when the gazetteer shows it: the same
    name under another upper level (a move), the same stem with another suffix
    under the same one (군 → 시), or the same code area (a rename); else None."""
    current = [d for d in gaz if d.status == "current" and not d.is_upper]
    moved = [d for d in current if d.name == row.name]
    if len(moved) == 1:
        return moved[0]
    same_parent = [d for d in current if d.parent == row.parent]
    stem = [d for d in same_parent if d.name[:-1] == row.name[:-1]]
    if len(stem) == 1:
        return stem[0]
    if row.code and len(row.code) == 5:
        coded = [d for d in same_parent if d.code and d.code[:4] == row.code[:4]]
        if len(coded) == 1:
            return coded[0]
    return None


def _row_key(row: Mapping[str, Any]) -> tuple[str, str, str]:
    district = str(row.get("district_name") or row.get("district") or "").strip()
    return (file_key(row.get("file")), government_key(district), str(row.get("tier") or "").strip())


def _field_equal(name: str, gold: Any, pred: Any) -> bool:
    if gold in (None, "") and pred in (None, ""):
        return True
    if gold in (None, "") or pred in (None, ""):
        return False
    if name == "program":
        return program_match_key(gold) == program_match_key(pred)
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
    ``district`` surface; governments compare by :func:`government_key`.  Matching is one-to-one (a duplicated prediction
    is a false positive).  ``P = TP/(TP+FP)``, ``R = TP/(TP+FN)``,
    ``F1 = 2TP/(2TP+FP+FN)``.  On matched rows each field of :data:`FIELDS`
    is compared (program by :func:`program_match_key`; an empty cell equals
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
    if score.get("in_sample"):
        lines.insert(1, f"(in-sample: the tagger was trained on {score['in_sample']} of these documents; "
                        "the records score on them is an upper bound)")
    for name, c in score["fields"].items():
        lines.append(f"  {name:<9}{c['correct']:>4}/{c['total']:<4} {c['acc']:.3f}")
    for row in score["missed"]:
        lines.append(f"  FN {'  '.join(_row_key(row))}")
    for row in score["spurious"]:
        lines.append(f"  FP {'  '.join(_row_key(row))}")
    for err in score["field_errors"]:
        lines.append(f"  {err['field']} wrong {'  '.join(err['key'])}: gold {err['gold']!r}, predicted {err['pred']!r}")
    return "\n".join(lines)
