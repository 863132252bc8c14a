"""Retrain the model and save it with its provenance.

``kgov-ner train`` measures the rules / model / combined ablation with
leave-one-document-out (:func:`kgov_ner.evaluation.cv.ablation`, printed on
stderr and kept in ``meta.json``), then retrains on all of the gold with
:func:`kgov_ner.training.train.train`, the function the notebook calls too.
"""

from __future__ import annotations

import argparse
import json
import sys

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
    cv = None
    if not args.no_cv:
        results = ablation(gold)
        print(ablation_table(results, "body"), file=sys.stderr)
        cv = {p: {m: r[m]["strict"] for m in ("body", "page")} for p, r in results.items()}
    meta = train.train(gold, out, cv_scores=cv)
    print(json.dumps({"out": str(out), "trained_on": meta["trained_on"],
                      "training_data_hash": meta["training_data_hash"]}, ensure_ascii=False))
    return 0
