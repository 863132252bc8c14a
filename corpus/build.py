"""Build the development corpus from its marked-up sources.

Each article of ``corpus/dev/src/<split>/<id>.txt`` is a scraped-looking page
written by the project, marked up by hand (format: ``corpus/README.md``):

* ``%% key: value`` lines at the top are metadata (``id``, ``region``,
  ``year``, ``layout``) and gold award records (``record``);
* ``[[surface|L]]`` marks an entity (L: D, O, P, M, A or the full label);
* a line ``@@BODY`` opens an article body range, a line ``@@END`` closes it.

``python corpus/build.py`` writes ``corpus/dev/<split>.jsonl`` (doccano JSONL:
id, text, body, label, plus meta), ``corpus/dev/records_<split>.csv`` and
``corpus/dev/manifest.tsv``; ``--check`` only verifies that those files are
current (exit 1 if not). Nothing here imports kgov_ner: the gold must not
depend on the tagger it judges.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent / "dev"
# valid: written after the round-2 record rules, for tuning them; never trained on.
SPLITS = ("train", "valid", "test")
LABELS = {"D": "DISTRICT", "O": "OFFICIAL", "P": "PROGRAM", "M": "MONEY", "A": "AWARD"}
RECORD_FIELDS = ("district_name", "tier", "award", "program", "year", "krw", "streak", "official")
RECORD_COLUMNS = ("file",) + RECORD_FIELDS
_ENTITY = re.compile(r"\[\[([^\[\]|\n]+)\|([A-Z]+)\]\]")
_META = re.compile(r"%% ?([a-z_]+):\s*(.*)")
_INT_FIELDS = ("year", "krw", "streak")


class MarkupError(ValueError):
    pass


def parse(source: str, name: str = "<source>") -> dict:
    """One marked-up article -> {"id", "text", "body", "label", "meta", "records"}."""
    lines = source.replace("\r\n", "\n").split("\n")
    meta: dict = {}
    records: list[dict] = []
    i = 0
    while i < len(lines) and lines[i].startswith("%%"):
        m = _META.fullmatch(lines[i].strip())
        if not m:
            raise MarkupError(f"{name}:{i + 1}: bad metadata line {lines[i]!r}")
        key, value = m.groups()
        if key == "record":
            records.append(_record(value, f"{name}:{i + 1}"))
        else:
            meta[key] = value.strip()
        i += 1
    for key in ("id", "region", "year", "layout"):
        if key not in meta:
            raise MarkupError(f"{name}: metadata {key!r} missing")
    text_parts: list[str] = []
    labels: list[list] = []
    body: list[list[int]] = []
    pos = 0
    open_at = None
    out_lines: list[str] = []
    for lineno, line in enumerate(lines[i:], start=i + 1):
        if line.strip() == "@@BODY":
            if open_at is not None:
                raise MarkupError(f"{name}:{lineno}: @@BODY inside a body range")
            open_at = pos
            continue
        if line.strip() == "@@END":
            if open_at is None:
                raise MarkupError(f"{name}:{lineno}: @@END without @@BODY")
            end = max(open_at, pos - 1)  # the newline before @@END is not body
            body.append([open_at, end])
            open_at = None
            continue
        if "[[" in line or "]]" in line:
            rest = _ENTITY.sub("", line)
            if "[[" in rest or "]]" in rest:
                raise MarkupError(f"{name}:{lineno}: unbalanced or malformed [[…|L]] in {line!r}")
        plain = []
        cur = 0
        col = 0
        for m in _ENTITY.finditer(line):
            plain.append(line[cur:m.start()])
            col += m.start() - cur
            surface, lab = m.group(1), m.group(2)
            label = LABELS.get(lab, lab)
            if label not in LABELS.values():
                raise MarkupError(f"{name}:{lineno}: unknown label {lab!r}")
            if surface != surface.strip():
                raise MarkupError(f"{name}:{lineno}: entity {surface!r} has edge whitespace")
            labels.append([pos + col, pos + col + len(surface), label])
            plain.append(surface)
            col += len(surface)
            cur = m.end()
        plain.append(line[cur:])
        text_line = "".join(plain)
        out_lines.append(text_line)
        pos += len(text_line) + 1
    if open_at is not None:
        raise MarkupError(f"{name}: @@BODY never closed")
    text = "\n".join(out_lines)
    if not text.endswith("\n"):
        text += "\n"
    text = text.rstrip("\n") + "\n"
    if not body:
        raise MarkupError(f"{name}: no @@BODY … @@END range")
    body = [[s, min(e, len(text))] for s, e in body]
    for s, e, lab in labels:
        if not any(bs <= s and e <= be for bs, be in body):
            raise MarkupError(f"{name}: {lab} {text[s:e]!r} at {s} lies outside the body")
    return {"id": meta["id"], "text": text, "body": body, "label": labels,
            "meta": {k: v for k, v in meta.items() if k != "id"}, "records": records}


def _record(value: str, where: str) -> dict:
    row = dict.fromkeys(RECORD_FIELDS, "")
    for part in value.split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            raise MarkupError(f"{where}: record field {part!r} is not key=value")
        key, val = (x.strip() for x in part.split("=", 1))
        if key not in row:
            raise MarkupError(f"{where}: unknown record field {key!r}")
        if key in _INT_FIELDS and val and not val.isdigit():
            raise MarkupError(f"{where}: record {key} must be a whole number, not {val!r}")
        row[key] = val
    if not row["district_name"] or not row["tier"]:
        raise MarkupError(f"{where}: a record needs district_name and tier")
    return row


def build(root: Path = ROOT) -> dict[str, str]:
    """Return {relative path: content} of every generated file."""
    out: dict[str, str] = {}
    manifest = io.StringIO()
    manifest.write("id\tsplit\tregion\tyear\tlayout\tchars\tentities\trecords\n")
    seen: set[str] = set()
    for split in SPLITS:
        docs = []
        if not (root / "src" / split).is_dir():
            continue
        for path in sorted((root / "src" / split).glob("*.txt")):
            doc = parse(path.read_text(encoding="utf-8"), str(path))
            if doc["id"] != path.stem:
                raise MarkupError(f"{path}: id {doc['id']!r} differs from the file name")
            if doc["id"] in seen:
                raise MarkupError(f"{path}: duplicate id")
            seen.add(doc["id"])
            docs.append(doc)
        jsonl = io.StringIO()
        table = io.StringIO()
        writer = csv.writer(table, lineterminator="\n")
        writer.writerow(RECORD_COLUMNS)
        for doc in docs:
            line = {k: doc[k] for k in ("id", "text", "body", "label", "meta")}
            jsonl.write(json.dumps(line, ensure_ascii=False) + "\n")
            for rec in doc["records"]:
                writer.writerow([doc["id"] + ".txt"] + [rec[f] for f in RECORD_FIELDS])
            m = doc["meta"]
            manifest.write("\t".join([doc["id"], split, m["region"], m["year"], m["layout"],
                                      str(len(doc["text"])), str(len(doc["label"])),
                                      str(len(doc["records"]))]) + "\n")
        out[f"{split}.jsonl"] = jsonl.getvalue()
        out[f"records_{split}.csv"] = table.getvalue()
    out["manifest.tsv"] = manifest.getvalue()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="verify the built files are current")
    args = ap.parse_args(argv)
    try:
        files = build()
    except MarkupError as exc:
        print(f"build: {exc}", file=sys.stderr)
        return 2
    stale = []
    for rel, content in files.items():
        path = ROOT / rel
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != content:
                stale.append(rel)
        else:
            path.write_text(content, encoding="utf-8")
    if stale:
        print("build: out of date: " + ", ".join(stale) + " (run python corpus/build.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
