"""Cutting a text too long to tag in one piece into chunks.

A scraped news page is a few thousand characters.  A file of tens of
megabytes (a dump, a concatenation of pages, a page without line breaks) is
cut into chunks that are tagged one after the other
(:mod:`kgov_ner.engines.chunked`), so memory is bounded by the chunk size,
not by the input.

:func:`iter_chunks` cuts a text into consecutive pieces of at most
``max_chars`` characters, preferably after a line break; a single line
longer than that is cut after a sentence end (``다.``, ``.``, ``!``, ``?``
followed by whitespace), else after a run of whitespace, else after a
single whitespace character, and only as a last resort at ``max_chars``
(never between a character and the combining marks or conjoining Hangul
vowels/finals that follow it).  Always at the *last* such place that fits.
The chunks tile the text: ``text[offset:offset + len(chunk)] == chunk`` and
joining them gives the text back.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterator

__all__ = ["iter_chunks"]

_LINE_END = re.compile(r"\r\n|\n|\r|[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# A sentence end followed by whitespace; the cut goes after the whitespace
# character, so the next chunk starts with the next sentence.
_SENTENCE_END = re.compile(r"(?:다\.|[.!?。！？])[\"'”’」』)\]]*\s")
# A run of whitespace (a gap between blocks of text on one line) is a better
# place than a single space, which may sit inside a sentence.
_GAP = re.compile(r"\s{2,}")
_SPACE = re.compile(r"\s")
# How far back the last-resort cut may move to keep a character together with
# the marks that follow it.
_MAX_BACKOFF = 32


def _last_end(pattern: re.Pattern[str], text: str, start: int, stop: int) -> int | None:
    """End of the last match of *pattern* in ``text[start:stop]`` (None if none).

    Scans backwards in growing windows so that the common case (a match
    near *stop*) costs little.
    """
    size = 256
    lo = stop
    while lo > start:
        lo = max(start, stop - size)
        last = None
        for match in pattern.finditer(text, lo, stop):
            last = match
        if last is not None and last.end() > start:
            return last.end()
        size *= 4
    return None


def _clings(ch: str) -> bool:
    """Whether *ch* must stay with the character before it."""
    return (
        unicodedata.combining(ch) != 0
        or "\u1160" <= ch <= "\u11ff"  # conjoining Hangul medial vowels and finals
        or "\ud7b0" <= ch <= "\ud7ff"  # Hangul Jamo Extended-B (medials, finals)
        or "\ufe00" <= ch <= "\ufe0f"  # variation selectors
        or ch == "\u200d"  # zero-width joiner
        or unicodedata.category(ch) in ("Mn", "Me", "Mc")
    )


def _hard_cut(text: str, start: int, stop: int) -> int:
    cut = stop
    while cut - 1 > start and stop - cut < _MAX_BACKOFF and _clings(text[cut]):
        cut -= 1
    return cut if not _clings(text[cut]) else stop


def _cut(text: str, start: int, stop: int) -> int:
    """Where to end the chunk that starts at *start* and may not pass *stop* (< len(text))."""
    if text[stop - 1] == "\r" and text[stop] == "\n" and stop - 1 > start:
        stop -= 1  # never part CR from LF
    for pattern in (_LINE_END, _SENTENCE_END, _GAP, _SPACE):
        end = _last_end(pattern, text, start, stop)
        if end is not None:
            return end
    return _hard_cut(text, start, stop)


def iter_chunks(text: str, max_chars: int = 200_000) -> Iterator[tuple[int, str]]:
    """``(offset, chunk)`` pairs tiling *text*, each chunk at most *max_chars* long.

    ``text[offset:offset + len(chunk)] == chunk``; the chunks are consecutive,
    non-empty, and ``"".join(chunk for _, chunk in iter_chunks(text)) == text``.
    See the module docstring for where the cuts go.
    """
    if not isinstance(text, str):
        raise TypeError(f"kgov_ner expects str, got {type(text).__name__}")
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    length = len(text)
    pos = 0
    while pos < length:
        if length - pos <= max_chars:
            yield pos, text[pos:]
            return
        end = _cut(text, pos, pos + max_chars)
        yield pos, text[pos:end]
        pos = end
