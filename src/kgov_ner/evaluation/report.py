"""Printing evaluation results: aligned text tables for people, JSON for programs.

Every function takes what :mod:`.scorer` (or :func:`.cv.ablation`) computed
and returns a string; nothing here scores or tags.
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

from kgov_ner.evaluation.gold import GoldDoc
from kgov_ner.records.score import format_records_score
from kgov_ner.resources.labels import LABELS

__all__ = [
    "CV_FALLBACK_NOTE",
    "CV_LEARNED_NOTE",
    "format_table",
    "format_errors",
    "format_by_doc",
    "format_confusion",
    "format_report",
    "report_json",
    "ablation_table",
]

CV_FALLBACK_NOTE = "--cv: nothing is learned yet; the cross-validated run equals the plain run"
CV_LEARNED_NOTE = "--cv: leave-one-document-out, a model is fitted on the other documents for each"

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


def format_report(
    gold_name: str,
    docs: Sequence[GoldDoc],
    results: Mapping[str, Any],
    modes: Sequence[str],
    learned: bool | None = None,
    records: Mapping[str, Any] | None = None,
    records_title: str = "records",
) -> str:
    """The text report of ``kgov-ner eval``: *results* as :func:`.scorer.results` gives them.

    *learned* is None for a plain run, else whether cross-validation learned
    anything; *records* the :func:`kgov_ner.records.score.score_records`
    result, if records were scored.
    """
    parts = [f"{gold_name}: {len(docs)} documents, {sum(len(d.spans) for d in docs)} gold entities"]
    if learned is not None:
        parts.append(CV_LEARNED_NOTE if learned else CV_FALLBACK_NOTE)
    parts += [format_table(results[m], m) for m in modes]
    if records is not None:
        parts.append(format_records_score(records, records_title))
    if "by_doc" in results:
        parts.append(format_by_doc(results["by_doc"], modes))
    if "confusion" in results:
        parts += [format_confusion(results["confusion"][m], m) for m in modes]
    if "errors" in results:
        parts.append(format_errors(results["errors"], modes[-1]))
    return "\n\n".join(parts)


def report_json(
    results: Mapping[str, Any],
    modes: Sequence[str],
    learned: bool | None = None,
    records: Mapping[str, Any] | None = None,
) -> str:
    """The JSON report of ``kgov-ner eval --json`` (same arguments as :func:`format_report`)."""
    out: dict[str, Any] = {}
    if learned is not None:
        out["cv"] = True
        out["learned"] = learned
    out.update((m, results[m]) for m in modes)
    if records is not None:
        out["records"] = records
    out.update((k, results[k]) for k in ("errors", "by_doc", "confusion") if k in results)
    return json.dumps(out, ensure_ascii=False, indent=2)


def ablation_table(results: Mapping[str, dict], mode: str = "body") -> str:
    """Strict F1 per label and micro, one row per policy (markdown); *results* from :func:`.cv.ablation`."""
    cols = [*LABELS, "micro"]
    lines = ["| " + " | ".join(["policy", *cols]) + " |", "|" + "---|" * (len(cols) + 1)]
    for policy, scores in results.items():
        strict = scores[mode]["strict"]
        lines.append("| " + " | ".join([policy, *(f"{strict[c]['f']:.3f}" for c in cols)]) + " |")
    return "\n".join(lines)
