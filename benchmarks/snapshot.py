"""Snapshot of what the shipped tagger outputs, to prove a refactor changes nothing.

``python benchmarks/snapshot.py --update`` writes ``tests/data/snapshot.jsonl``:
for every seed page, every conformance sentence and every dev-corpus page,
the entities (body mode and whole-page mode) with their norms, and the award
records of the seed and dev pages. ``tests/test_snapshot.py`` recomputes it
and compares line by line. A change that is meant to change outputs (a new
model, a new rule) updates the snapshot in the same commit and says so.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "tests" / "data" / "snapshot.jsonl"


def _documents():
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        yield "seed/" + path.name, path.read_text(encoding="utf-8"), True
    for line in (ROOT / "tests" / "data" / "conformance.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        yield "conformance/" + doc["id"], doc["text"], False
    for split in ("train", "test"):
        path = ROOT / "corpus" / "dev" / f"{split}.jsonl"
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                doc = json.loads(line)
                yield f"dev/{split}/{doc['id']}", doc["text"], True


def snapshot_lines() -> list[str]:
    from kgov_ner import Tagger
    from kgov_ner.records.extract import extract_records

    body, page = Tagger(), Tagger(body="mark")
    lines = []
    for name, text, is_page in _documents():
        doc = body(text)
        ents = [[e.start_char, e.end_char, e.label_, e._.norm] for e in doc.ents]
        out = {"doc": name, "ents": ents}
        if is_page:
            whole = page(text)
            out["page_ents"] = [[e.start_char, e.end_char, e.label_] for e in whole.ents]
            out["records"] = extract_records(doc, name)
        lines.append(json.dumps(out, ensure_ascii=False, sort_keys=True, default=str))
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--update", action="store_true", help="rewrite the snapshot file")
    args = ap.parse_args(argv)
    lines = snapshot_lines()
    if args.update:
        SNAPSHOT.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {len(lines)} documents to {SNAPSHOT.relative_to(ROOT)}")
        return 0
    old = SNAPSHOT.read_text(encoding="utf-8").splitlines()
    diff = [i for i, (a, b) in enumerate(zip(old, lines)) if a != b]
    if len(old) != len(lines) or diff:
        print(f"snapshot differs: {len(old)} vs {len(lines)} documents, first changed line {diff[:5]}")
        return 1
    print(f"snapshot unchanged ({len(lines)} documents)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
