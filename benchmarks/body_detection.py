"""Leave-one-page-out benchmark for the body detector, and model fitting.

    python benchmarks/body_detection.py              # LOO table over the training pages
    python benchmarks/body_detection.py --fit        # also train on all of them, write the shipped model
    python benchmarks/body_detection.py --held-out corpus/dev/test.jsonl   # train on all, score that file

The training pages are the development corpus's training split
(``corpus/dev/train.jsonl``), the seeds (``seeds/gold.jsonl``) and the pages
in ``tests/data/pages`` (``bodies.jsonl``). For every page the detector is
fitted on all the others and predicts the held-out one; precision and recall
are counted in characters against the gold body ranges. "lost" counts gold
entities (the tests' pages carry no entity gold) that fall outside the
predicted body, which the tagger could then never find.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kgov_ner.training.body import BodyDetector  # noqa: E402

SEEDS = ROOT / "seeds" / "gold.jsonl"
PAGES = ROOT / "tests" / "data" / "pages"
MODEL_FILE = ROOT / "src" / "kgov_ner" / "resources" / "data" / "body_model.json"
META_FILE = ROOT / "models" / "body" / "meta.json"
DEV_TRAIN = Path("corpus") / "dev" / "train.jsonl"


def load_jsonl(path: Path, source: str) -> list[dict]:
    """Pages of a gold JSONL file: ``{"id", "text", "body", "label", "source"}``."""
    docs = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                docs.append(
                    {
                        "id": d["id"],
                        "text": d["text"],
                        "body": [tuple(r) for r in d["body"]],
                        "label": d.get("label", []),
                        "source": source,
                    }
                )
    return docs


def load_pages(root: Path = ROOT) -> list[dict]:
    """Every training page with a gold body: ``{"id", "text", "body", "label", "source"}``."""
    docs = []
    if (root / DEV_TRAIN).is_file():
        docs += load_jsonl(root / DEV_TRAIN, "dev-train")
    docs += load_jsonl(root / "seeds" / "gold.jsonl", "seeds")
    pages = root / "tests" / "data" / "pages"
    with open(pages / "bodies.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                # newline="" keeps the file's exact characters, as offsets need.
                with open(pages / f"{d['id']}.txt", encoding="utf-8", newline="") as tf:
                    text = tf.read()
                docs.append(
                    {
                        "id": d["id"],
                        "text": text,
                        "body": [tuple(r) for r in d["body"]],
                        "label": [],
                        "source": "pages",
                    }
                )
    return docs


def overlap(a, b) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def entities_lost(pred, labels) -> int:
    return sum(1 for s, e, _ in labels if not any(ps <= s and e <= pe for ps, pe in pred))


def score_row(doc: dict, pred, fit_s: float = 0.0) -> dict:
    return {
        "id": doc["id"],
        "gold": sum(e - s for s, e in doc["body"]),
        "pred": sum(e - s for s, e in pred),
        "tp": overlap(pred, doc["body"]),
        "entities": len(doc["label"]),
        "lost": entities_lost(pred, doc["label"]),
        "fit_s": fit_s,
        "pred_ranges": pred,
        "gold_ranges": doc["body"],
    }


def leave_one_out(docs: list[dict], **params) -> list[dict]:
    """Each page predicted by a detector fitted on all the other pages."""
    proto = BodyDetector(**params)
    featurised = [proto.featurise(d["text"], d["body"]) for d in docs]
    rows = []
    for k, doc in enumerate(docs):
        t0 = time.perf_counter()
        det = BodyDetector(**params).fit_rows(featurised[:k] + featurised[k + 1 :])
        rows.append(score_row(doc, det.predict(doc["text"]), time.perf_counter() - t0))
    return rows


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def print_table(rows: list[dict], out=sys.stdout, quiet: bool = False) -> dict:
    head = f"{'page':<24} {'gold':>6} {'pred':>6} {'P':>6} {'R':>6} {'ents':>5} {'lost':>5} {'fit s':>6}"
    if quiet:
        out = open(os.devnull, "w")
    print(head, file=out)
    print("-" * len(head), file=out)
    for r in rows:
        print(
            f"{r['id']:<24} {r['gold']:>6} {r['pred']:>6} {_ratio(r['tp'], r['pred']):>6.3f} "
            f"{_ratio(r['tp'], r['gold']):>6.3f} {r['entities']:>5} {r['lost']:>5} {r['fit_s']:>6.2f}",
            file=out,
        )
    tp = sum(r["tp"] for r in rows)
    pred = sum(r["pred"] for r in rows)
    gold = sum(r["gold"] for r in rows)
    total = {
        "precision": _ratio(tp, pred),
        "recall": _ratio(tp, gold),
        "entities": sum(r["entities"] for r in rows),
        "lost": sum(r["lost"] for r in rows),
    }
    total["lost_share"] = _ratio(total["lost"], total["entities"]) if total["entities"] else 0.0
    print("-" * len(head), file=out)
    print(
        f"{'pooled':<24} {gold:>6} {pred:>6} {total['precision']:>6.3f} {total['recall']:>6.3f} "
        f"{total['entities']:>5} {total['lost']:>5}",
        file=out,
    )
    return total


def fit_and_write(docs: list[dict], loo_total: dict | None, **params) -> None:
    det = BodyDetector(**params).fit([d["text"] for d in docs], [d["body"] for d in docs])
    det.save(MODEL_FILE)
    digest = hashlib.sha256(MODEL_FILE.read_bytes()).hexdigest()
    meta = {
        "model": "src/kgov_ner/resources/data/body_model.json",
        "sha256": digest,
        "estimator": "kgov_ner.training.body.BodyDetector (DictVectorizer + LogisticRegression, max-sum block decoding)",
        "params": det.get_params(),
        "n_features": len(det.vectorizer_.feature_names_),
        "trained_on": [{"id": d["id"], "source": d["source"]} for d in docs],
        "written": _dt.date.today().isoformat(),
        "command": "python benchmarks/body_detection.py --fit",
        "loo": loo_total,
    }
    try:
        import sklearn

        meta["sklearn"] = sklearn.__version__
    except ImportError:  # pragma: no cover
        pass
    META_FILE.parent.mkdir(parents=True, exist_ok=True)
    META_FILE.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_FILE.relative_to(ROOT)} ({MODEL_FILE.stat().st_size} bytes) and {META_FILE.relative_to(ROOT)}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fit", action="store_true", help="train on every page and write the shipped model")
    ap.add_argument("--C", type=float, default=None)
    ap.add_argument("--bias", type=float, default=None)
    ap.add_argument("--switch", type=float, default=None)
    ap.add_argument("--show", action="store_true", help="print predicted vs gold ranges")
    ap.add_argument("--quiet", action="store_true", help="pooled line only")
    ap.add_argument("--held-out", metavar="JSONL",
                    help="instead of leave-one-out: fit on every training page and score this gold file once")
    args = ap.parse_args(argv)

    params = {}
    for name in ("C", "bias", "switch"):
        if getattr(args, name) is not None:
            params[name] = getattr(args, name)

    docs = load_pages()
    if args.held_out:
        det = BodyDetector(**params).fit([d["text"] for d in docs], [d["body"] for d in docs])
        rows = [score_row(d, det.predict(d["text"])) for d in load_jsonl(Path(args.held_out), "held-out")]
    else:
        rows = leave_one_out(docs, **params)
    total = print_table(rows, quiet=args.quiet)
    print(f"pages {len(rows)}  recall {total['recall']:.4f}  precision {total['precision']:.4f}  "
          f"entities lost {total['lost']}/{total['entities']} ({total['lost_share']:.2%})")
    if args.show:
        for r in rows:
            print(r["id"], "pred", r["pred_ranges"], "gold", r["gold_ranges"])
    if args.fit and not args.held_out:
        fit_and_write(docs, {k: round(v, 4) if isinstance(v, float) else v for k, v in total.items()}, **params)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
