"""Retrain the model and save it with its provenance.

``kgov-ner train`` measures the rules / model / combined ablation with
leave-one-document-out (:func:`kgov_ner.evaluation.cv.ablation`, printed on
stderr and kept in ``meta.json``), then retrains on all of the gold with
:func:`kgov_ner.training.train.train`, the function the notebook calls too.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from kgov_ner.cli import output
from kgov_ner.text.reading import PROG

__all__ = ["HELP", "DESCRIPTION", "add_arguments", "run"]

HELP = "retrain the model and save it with its provenance"
DESCRIPTION = "Retrain the sequence model (the notebook calls the same function)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the arguments of ``kgov-ner train``."""
    parser.description = DESCRIPTION
    parser.add_argument("--gold", help="gold JSONL to train on (default: seeds/gold.jsonl)")
    parser.add_argument("--out", help="model directory (default: models/default)")
    parser.add_argument("--no-cv", action="store_true",
                        help="skip the leave-one-document-out ablation stored in meta.json")


def run(args: argparse.Namespace) -> int:
    """Run ``kgov-ner train``; return the exit status."""
    # Imported here: training pulls in scikit-learn, which tagging never needs.
    from kgov_ner.evaluation.cv import ablation
    from kgov_ner.evaluation.report import ablation_table
    from kgov_ner.training import train

    gold = args.gold or str(train.SEED_GOLD)
    out = args.out or str(train.DEFAULT_MODEL_DIR)
    problem = _input_error(gold, out)
    if problem is not None:
        output.error(problem)
        return output.EXIT_INPUT_ERROR
    cv = None
    if not args.no_cv:
        results = ablation(gold)
        print(ablation_table(results, "body"), file=sys.stderr)
        cv = {p: {m: r[m]["strict"] for m in ("body", "page")} for p, r in results.items()}
    try:
        meta = train.train(gold, out, cv_scores=cv)
    except OSError as exc:  # the model directory cannot be written (full disk, permissions)
        output.error(f"{PROG}: {exc.filename or out}: cannot write the model: {exc.strerror or exc}")
        return output.EXIT_INPUT_ERROR
    print(json.dumps({"out": str(out), "trained_on": meta["trained_on"],
                      "training_data_hash": meta["training_data_hash"]}, ensure_ascii=False))
    return output.EXIT_OK


def _input_error(gold: str, out: str) -> str | None:
    """Why training on *gold* into *out* cannot work, checked before any training; None if it can.

    The gold file must pass the validation ``eval`` applies
    (:func:`kgov_ner.evaluation.gold.load_gold`: JSON lines, known labels,
    offsets inside the text, no overlaps, sane body ranges), so train and
    eval accept exactly the same files; *out* must be a directory or a path
    where one can be made.
    """
    from kgov_ner.evaluation.gold import GoldError, load_gold

    try:
        load_gold(gold)
    except GoldError as exc:
        return str(exc)
    if os.path.exists(out) and not os.path.isdir(out):
        return f"{PROG}: {out}: exists and is not a directory: --out names the model directory"
    parent = os.path.abspath(out)
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        return f"{PROG}: {out}: {parent} is not a directory"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"{PROG}: {out}: cannot write in {parent}: permission denied"
    return None
