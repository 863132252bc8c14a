"""Gold files: reading and validating the annotated documents scores are measured on.

Gold files are JSON lines in the format of ANNOTATION.md::

    {"id": "...", "text": "...", "body": [[s, e], ...], "label": [[s, e, "LABEL"], ...]}

Offsets are Python ``str`` indices, end exclusive.  ``body`` is optional
(absent means the whole text is body).  Extra keys (``rule``, ``meta``, ...)
are allowed and ignored.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, Sequence

from kgov_ner.resources.labels import LABELS
from kgov_ner.text.reading import MAX_INPUT_BYTES, PROG

__all__ = ["Span", "Range", "GoldError", "GoldDoc", "parse_gold_record", "load_gold"]

#: An entity: ``(start, end, label)`` in characters of the text, end exclusive.
Span = tuple[int, int, str]
#: A body range: ``(start, end)``.
Range = tuple[int, int]


class GoldError(ValueError):
    """A gold file that cannot be used; ``str(error)`` is one line for the user.

    ``path``, ``line`` (1-based, or None for file-level problems) and
    ``reason`` hold the parts of the message.
    """

    def __init__(self, path: str, line: int | None, reason: str):
        where = f"{path}: line {line}" if line is not None else path
        super().__init__(f"{PROG}: {where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class GoldDoc:
    """One validated gold document.

    ``spans`` are sorted ``(start, end, label)``; ``body`` the sorted body
    ranges (the whole text when the record has no ``body``); ``record`` the
    dict as read from the file (what a learner gets as training data).
    """

    id: str
    text: str
    spans: tuple[Span, ...]
    body: tuple[Range, ...]
    record: Mapping[str, Any] = field(repr=False, compare=False, default_factory=dict)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_gold_record(obj: Any, labels: Sequence[str] = LABELS) -> GoldDoc:
    """Validate one decoded JSON line; raise ``ValueError(reason)`` if it is bad."""
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
    for key in ("id", "text", "label"):
        if key not in obj:
            raise ValueError(f"missing key {key!r}")
    doc_id = obj["id"]
    if not (isinstance(doc_id, str) or _is_int(doc_id)):
        raise ValueError(f"'id' must be a string or an integer, got {_short(doc_id)}")
    text = obj["text"]
    if not isinstance(text, str):
        raise ValueError(f"'text' must be a string, got {type(text).__name__}")
    body = _parse_body(obj.get("body"), len(text))
    spans = _parse_spans(obj["label"], text, body, labels)
    return GoldDoc(str(doc_id), text, tuple(spans), tuple(body), obj)


def _parse_body(raw_body: Any, n: int) -> list[Range]:
    """The sorted, disjoint body ranges; the whole text when ``body`` is absent or null."""
    if raw_body is None:
        return [(0, n)] if n else []
    if not isinstance(raw_body, list):
        raise ValueError(f"'body' must be a list of [start, end] ranges, got {_short(raw_body)}")
    body: list[Range] = []
    for item in raw_body:
        if not (isinstance(item, list) and len(item) == 2):
            raise ValueError(f"body range {_short(item)} is not a [start, end] pair")
        s, e = item
        if not (_is_int(s) and _is_int(e)):
            raise ValueError(f"body range {_short(item)}: offsets must be integers")
        if not 0 <= s < e <= n:
            raise ValueError(f"body range {_short(item)} is empty or outside the text (length {n})")
        body.append((s, e))
    body.sort()
    for (s1, e1), (s2, e2) in zip(body, body[1:]):
        if s2 < e1:
            raise ValueError(f"body ranges [{s1}, {e1}] and [{s2}, {e2}] overlap")
    return body


def _parse_spans(raw_spans: Any, text: str, body: list[Range], labels: Sequence[str]) -> list[Span]:
    """The sorted, non-overlapping entities, each inside the body."""
    if not isinstance(raw_spans, list):
        raise ValueError(f"'label' must be a list of [start, end, label], got {_short(raw_spans)}")
    spans = [_parse_span(item, text, _merge(body), labels) for item in raw_spans]
    spans.sort()
    for a, b in zip(spans, spans[1:]):
        if b[0] < a[1]:
            raise ValueError(
                f"entities [{a[0]}, {a[1]}, {a[2]}] ({text[a[0]:a[1]]!r}) and "
                f"[{b[0]}, {b[1]}, {b[2]}] ({text[b[0]:b[1]]!r}) overlap"
            )
    return spans


def _parse_span(item: Any, text: str, body: list[Range], labels: Sequence[str]) -> Span:
    n = len(text)
    if not (isinstance(item, list) and len(item) == 3):
        raise ValueError(f"entity {_short(item)} is not a [start, end, label] triple")
    s, e, label = item
    if not (_is_int(s) and _is_int(e)):
        raise ValueError(f"entity {_short(item)}: offsets must be integers")
    if not 0 <= s < e <= n:
        raise ValueError(f"entity {_short(item)} is empty or outside the text (length {n})")
    if not isinstance(label, str) or label not in labels:
        raise ValueError(
            f"entity {_short(item)}: unknown label {_short(label)} (expected one of {', '.join(labels)})"
        )
    if not text[s:e].strip():
        raise ValueError(f"entity {_short(item)} covers only whitespace")
    if not any(bs <= s and e <= be for bs, be in body):
        raise ValueError(f"entity {_short(item)} ({text[s:e]!r}) is not inside the body")
    return (s, e, label)


def _merge(ranges: Iterable[Range]) -> list[Range]:
    merged: list[list[int]] = []
    for s, e in sorted(ranges):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def load_gold(path: str | os.PathLike[str], labels: Sequence[str] = LABELS) -> list[GoldDoc]:
    """Read and validate a gold JSONL file; raise :class:`GoldError` on the first bad line.

    Blank lines are skipped.  Document ids must be unique.
    """
    name = os.fspath(path)
    docs: list[GoldDoc] = []
    seen: dict[str, int] = {}
    for lineno, line in _lines(name, _read_blocks(path, name)):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(name, lineno, f"not valid JSON ({exc.msg}, column {exc.colno})") from None
        except RecursionError:
            raise GoldError(name, lineno, "not valid gold JSON (nested too deeply)") from None
        except ValueError as exc:  # e.g. an integer of more than 4,300 digits
            raise GoldError(name, lineno, f"not valid gold JSON ({str(exc).split(':')[0]})") from None
        try:
            doc = parse_gold_record(obj, labels)
        except ValueError as exc:
            raise GoldError(name, lineno, str(exc)) from None
        if doc.id in seen:
            raise GoldError(name, lineno, f"duplicate id {doc.id!r} (first on line {seen[doc.id]})")
        seen[doc.id] = lineno
        docs.append(doc)
    if not docs:
        raise GoldError(name, None, "contains no documents")
    return docs


#: The largest gold file read (the same cap as a tagged input, ``text.reading.MAX_INPUT_BYTES``).
MAX_GOLD_BYTES = MAX_INPUT_BYTES
_BLOCK = 1 << 20


def _read_blocks(path: str | os.PathLike[str], name: str) -> Iterator[bytes]:
    """The bytes of the gold file in blocks, at most :data:`MAX_GOLD_BYTES`.

    Read as it is parsed, so that a pipe of endless lines (``yes '{}'``)
    stops at its first bad line; a NUL byte (``/dev/zero``, a binary file)
    is refused at once: JSON text never holds one.
    """
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        raise GoldError(name, None, "no such file") from None
    except IsADirectoryError:
        raise GoldError(name, None, "is a directory") from None
    except OSError as exc:
        raise GoldError(name, None, exc.strerror or type(exc).__name__) from None
    total = 0
    with fh:
        while True:
            try:
                block = fh.read(_BLOCK)
            except OSError as exc:
                raise GoldError(name, None, exc.strerror or type(exc).__name__) from None
            if not block:
                return
            total += len(block)
            if total > MAX_GOLD_BYTES:
                raise GoldError(name, None, f"larger than {MAX_GOLD_BYTES // (1 << 20)} MiB, "
                                            "the most a gold file may be: split it")
            if b"\x00" in block:
                raise GoldError(name, None, "binary data (NUL bytes), not a JSON lines file")
            yield block


def _lines(name: str, blocks: Iterable[bytes]) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of each non-blank line; a BOM before the first is dropped."""
    lineno = 0
    pending: list[bytes] = []  # the start of a line longer than a block (no quadratic joining)
    for block in blocks:
        if b"\n" not in block:
            pending.append(block)
            continue
        parts = block.split(b"\n")
        parts[0] = b"".join([*pending, parts[0]])
        pending = [parts.pop()]
        for raw in parts:
            lineno += 1
            line = _decode_line(name, lineno, raw)
            if line.strip():
                yield lineno, line
    rest = b"".join(pending)
    if rest:
        line = _decode_line(name, lineno + 1, rest)
        if line.strip():
            yield lineno + 1, line


def _decode_line(name: str, lineno: int, raw: bytes) -> str:
    if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GoldError(name, lineno, f"not valid UTF-8 ({exc.reason})") from None
