"""Evaluation harness: score a tagger against gold files (``kgov-ner eval``).

The first paragraph is the command's summary and description in ``--help``.
The gold format is :mod:`kgov_ner.evaluation.gold`'s, the metrics are defined in
:mod:`kgov_ner.evaluation.scorer`, cross-validation in
:mod:`kgov_ner.evaluation.cv`; this module only reads the arguments, calls
them and prints :mod:`kgov_ner.evaluation.report`'s text or JSON.
"""

from __future__ import annotations

import argparse
import csv
import json
import os

from kgov_ner.cli import output
from kgov_ner.evaluation.cv import predict_cv
from kgov_ner.evaluation.gold import GoldDoc, GoldError, Span, load_gold
from kgov_ner.evaluation.predict import Predictor, as_predictor, default_predictor, evaluate_records, run_predictor
from kgov_ner.evaluation.report import CV_FALLBACK_NOTE, format_report, report_json
from kgov_ner.evaluation.scorer import DETAILS, MODES, results
from kgov_ner.text.reading import MAX_INPUT_BYTES, PROG

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the arguments of ``kgov-ner eval``."""
    parser.description = __doc__.split("\n\n")[0]
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
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
        "--merge",
        choices=("combined", "rules", "model"),
        help="tag with the shipped tagger under this merge policy (rules: the rule layer alone; "
        "model: the CRF alone; combined: the default): the ablation on a held-out split",
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
        output.error(str(exc))
        return output.EXIT_INPUT_ERROR
    mode = getattr(args, "mode", "both") or "both"
    modes = list(MODES) if mode == "both" else [mode]
    cv = bool(getattr(args, "cv", False))
    shipped = predictor is None and not cv  # the shipped model tags: its scores may be in-sample
    if getattr(args, "merge", None) and shipped:
        predictor = _merge_predictor(args.merge)
    try:
        preds, learned = _predict(docs, predictor, cv)
    except Exception as exc:  # noqa: BLE001 - one line for the user, no traceback
        output.error(f"{PROG}: eval: tagging failed: {type(exc).__name__}: {exc}")
        return 1
    records = None
    if getattr(args, "records", None):
        records = _records_score(docs, args.records)
        if records is None:
            return output.EXIT_INPUT_ERROR
    if shipped and getattr(args, "merge", None) != "rules":
        _in_sample_note(docs)  # once the run has succeeded: an error stays the only line on stderr
    found = results(docs, preds, modes, [d for d in DETAILS if getattr(args, d, False)])
    cv_learned = learned if cv else None
    if getattr(args, "json", False):
        if cv and not learned:
            output.error(CV_FALLBACK_NOTE)  # stdout stays pure JSON
        print(report_json(found, modes, cv_learned, records))
    else:
        print(format_report(args.gold, docs, found, modes, cv_learned, records,
                            f"records vs {getattr(args, 'records', None)}"))
    return output.EXIT_OK


def _records_score(docs: list[GoldDoc], path: str) -> dict | None:
    """The records score against the gold table *path*; None (after one line on stderr) if it cannot be read."""
    try:
        size = os.stat(path).st_size if os.path.isfile(path) else 0
    except OSError:
        size = 0
    if size > MAX_INPUT_BYTES:
        output.error(f"{PROG}: {path}: larger than {MAX_INPUT_BYTES // (1 << 20)} MiB, the most a gold table may be")
        return None
    try:
        return evaluate_records(docs, path)
    except csv.Error as exc:  # a field over the csv module's limit, a NUL byte
        output.error(f"{PROG}: {path}: not a readable CSV table ({exc})")
        return None
    except UnicodeDecodeError as exc:
        output.error(f"{PROG}: {path}: not valid UTF-8 (byte {exc.start}: {exc.reason})")
        return None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        where = "" if isinstance(exc, ValueError) else f"{path}: "
        output.error(f"{PROG}: {where}{reason}")
        return None


def _merge_predictor(policy: str) -> Predictor:
    from kgov_ner.pipeline.tagger import Tagger

    tagger = Tagger(model=None) if policy == "rules" else Tagger(merge=policy)
    return as_predictor(tagger)


def _in_sample_note(docs: list[GoldDoc]) -> None:
    """Say on stderr when the shipped model was trained on some of these documents:
    its scores on them are in-sample, an upper bound rather than an estimate."""
    from kgov_ner.pipeline.model import DEFAULT_MODEL_DIR, text_digest

    try:
        meta = json.loads((DEFAULT_MODEL_DIR / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    trained = set(meta.get("trained_texts", []))
    seen = sum(1 for d in docs if text_digest(d.text) in trained)
    if seen:
        output.error(f"{PROG}: note: the shipped model was trained on {seen} of these {len(docs)} documents: "
                     "scores on them are in-sample (use --cv, or a held-out split such as corpus/dev/test.jsonl)")


def _predict(docs: list[GoldDoc], predictor: Predictor | None, cv: bool) -> tuple[list[list[Span]], bool]:
    """The predictions for *docs*, and whether a model was learned (only ever with ``--cv``)."""
    if cv:
        return predict_cv(docs, predictor)
    return run_predictor(predictor or default_predictor, [d.text for d in docs]), False
