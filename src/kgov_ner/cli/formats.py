"""The output formats of ``kgov-ner tag``: JSON lines, CoNLL, displaCy HTML, a terminal table.

Every format is written from the same entity record
(:func:`entity_record`: ``{"file", "start", "end", "label", "text",
"norm", "in_body"}``), except CoNLL, which shows every token.
"""

from __future__ import annotations

import json
import unicodedata
from typing import TYPE_CHECKING, Any, Iterable, Protocol

from kgov_ner.text.reading import PROG

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span

__all__ = [
    "FORMATS", "LABEL_COLORS", "display_width", "doc_records", "entity_record", "render_html", "render_table",
    "write_conll", "write_jsonl",
]

FORMATS = ("jsonl", "conll", "html", "table")

#: displaCy colours for the five labels of ANNOTATION.md.
LABEL_COLORS = {
    "DISTRICT": "#7aecec",
    "OFFICIAL": "#aa9cfc",
    "PROGRAM": "#feca74",
    "MONEY": "#bfe1d9",
    "AWARD": "#ff8197",
}


class Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


# --------------------------------------------------------------------------
# records


def entity_record(name: str, ent: "Span") -> dict[str, Any]:
    """The output record of one entity; the one place its fields are defined.

    ``start``/``end`` are ``str`` offsets into the decoded text (after a
    byte-order mark is removed), so ``decoded.text[start:end] == text``.
    """
    from kgov_ner.pipeline.tagger import entity_dict

    return {"file": name, **entity_dict(ent)}


def doc_records(name: str, doc: "Doc") -> list[dict[str, Any]]:
    """Records of all entities of *doc*, in text order."""
    return [entity_record(name, ent) for ent in doc.ents]


# --------------------------------------------------------------------------
# formats


def write_jsonl(out: Writable, records: Iterable[dict[str, Any]]) -> None:
    """One JSON object per record and line, non-ASCII characters as they are."""
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


_CONLL_ESCAPES = str.maketrans({"\t": " ", "\n": " ", "\r": " ", "\v": " ", "\f": " "})


def write_conll(out: Writable, name: str, doc: "Doc") -> None:
    """``TOKEN<TAB>TAG<TAB>BIO`` per token, a blank line after each sentence.

    Whitespace-only tokens are skipped.  A ``# file = NAME`` line starts each
    file.
    """
    out.write(f"# file = {_one_line(name)}\n")
    from kgov_ner.pipeline.tokenizer import sentences  # late: spaCy loads with the tagger, not at CLI start

    for sent in sentences(doc):
        lines = []
        for token in sent:
            if token.is_space:
                continue
            bio = f"{token.ent_iob_}-{token.ent_type_}" if token.ent_iob_ in ("B", "I") else "O"
            text = token.text.translate(_CONLL_ESCAPES)
            lines.append(f"{text}\t{token.tag_ or '_'}\t{bio}\n")
        if lines:
            out.write("".join(lines) + "\n")


def render_html(docs: list[tuple[str, "Doc"]]) -> str:
    """One self-contained displaCy page showing the entities of all *docs*."""
    from spacy import displacy

    for name, doc in docs:
        doc.user_data["title"] = name
    html = displacy.render(
        [doc for _, doc in docs],
        style="ent",
        page=True,
        jupyter=False,
        options={"colors": LABEL_COLORS, "ents": list(LABEL_COLORS)},
    )
    html = html.replace("<title>displaCy</title>", f"<title>{PROG}</title>", 1)
    return html if html.endswith("\n") else html + "\n"


def display_width(text: str) -> int:
    """Terminal columns of *text*: East Asian wide/fullwidth characters count 2.

    >>> display_width("송파구 ab")
    9
    """
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        if "\u1160" <= ch <= "\u11ff":  # conjoining Hangul jamo: part of a syllable
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


_TABLE_ESCAPES = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r"})
_LINE_BREAKS = str.maketrans({"\n": "\\n", "\r": "\\r", "\v": "\\v", "\f": "\\f",
                              "\x1c": "\\x1c", "\x1d": "\\x1d", "\x1e": "\\x1e", "\x85": "\\x85",
                              "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _one_line(name: str) -> str:
    """A file name on one line: a line break in it (a legal name character) written as ``\\n``."""
    return name.translate(_LINE_BREAKS)


def render_table(records: list[dict[str, Any]]) -> str:
    """Aligned columns FILE START END LABEL TEXT for reading in a terminal."""
    header = ("FILE", "START", "END", "LABEL", "TEXT")
    rows = [
        (
            _one_line(str(r["file"])),
            str(r["start"]),
            str(r["end"]),
            str(r["label"]),
            str(r["text"]).translate(_TABLE_ESCAPES),
        )
        for r in records
    ]
    widths = [max(display_width(row[i]) for row in [header, *rows]) for i in range(4)]
    right = (False, True, True, False)
    lines = []
    for row in [header, *rows]:
        cells = [_pad(row[i], widths[i], right[i]) for i in range(4)]
        lines.append("  ".join([*cells, row[4]]).rstrip() + "\n")
    return "".join(lines)
