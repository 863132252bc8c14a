"""Records tables: writing rows as CSV or JSON lines, reading a records CSV back.

The columns are :data:`kgov_ner.records.extract.COLUMNS`, in that order;
``None`` is an empty CSV cell and ``null`` in JSON.
"""

from __future__ import annotations

import csv
import json
import os
from typing import Any, Iterable, Mapping

from kgov_ner.records.extract import COLUMNS

__all__ = ["INT_COLUMNS", "write_csv", "write_jsonl", "read_records_csv"]

#: The columns read back as ``int``.
INT_COLUMNS = ("rank", "year", "krw", "streak", "sent_start", "sent_end")


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def write_csv(out, rows: Iterable[Mapping[str, Any]], header: bool = True) -> None:
    """Rows as CSV (``csv`` module, RFC 4180 quoting), ``None`` as an empty cell."""
    writer = csv.writer(out)
    if header:
        writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in COLUMNS])


def write_jsonl(out, rows: Iterable[Mapping[str, Any]]) -> None:
    for row in rows:
        out.write(json.dumps({c: row.get(c) for c in COLUMNS}, ensure_ascii=False) + "\n")


def read_records_csv(path: str | os.PathLike[str]) -> list[dict]:
    """Read a records CSV (UTF-8, with or without BOM); empty cells become ``None``.

    Integer columns (rank, year, krw, streak, sent_start, sent_end) are read
    as ``int``.  Raises ``ValueError`` with a one-line reason for a file that
    lacks the ``file``, ``district_name`` or ``tier`` column or holds a
    non-integer in an integer column; ``OSError`` for an unreadable file.
    """
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"file", "tier"} - set(reader.fieldnames or ())
        if missing or not ({"district_name", "district"} & set(reader.fieldnames or ())):
            raise ValueError(f"{os.fspath(path)}: not a records file (needs columns file, district_name, tier)")
        rows = []
        for lineno, raw in enumerate(reader, start=2):
            row: dict[str, Any] = {}
            for c in COLUMNS:
                v = (raw.get(c) or "").strip()
                if not v:
                    row[c] = None
                elif c in INT_COLUMNS:
                    try:
                        row[c] = int(v)
                    except ValueError:
                        raise ValueError(f"{os.fspath(path)}: line {lineno}: {c} {v!r} is not an integer") from None
                else:
                    row[c] = v
            rows.append(row)
    return rows
