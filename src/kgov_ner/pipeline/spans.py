"""Character spans ``[start, end)``: trimming their edges, keeping a set of them disjoint.

Pure functions and a small class, no spaCy: the rule layer, the merge of
the model's spans with the rules' and the record extractor all use them.
"""

from __future__ import annotations

import bisect
import unicodedata


def _invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) == "Cf"  # Cf: zero-width space, joiners, BOM


def trim_span(text: str, start: int, end: int, *, format_chars: bool = True) -> tuple[int, int]:
    """``(start, end)`` without whitespace at the edges of ``text[start:end]``.

    With ``format_chars`` (the default, what the tagger does to a rule's
    span) invisible format characters (Unicode category Cf: zero-width
    space, joiners, a BOM) go too; without it only whitespace does.

    >>> trim_span(" 송파구\\u200b ", 0, 6)
    (1, 4)
    >>> trim_span(" 송파구\\u200b ", 0, 6, format_chars=False)
    (1, 5)
    """
    edge = _invisible if format_chars else str.isspace
    while start < end and edge(text[start]):
        start += 1
    while end > start and edge(text[end - 1]):
        end -= 1
    return start, end


class DisjointSpans:
    """Non-overlapping ``[start, end)`` spans kept sorted: overlap checks in log time."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)  # spans starting before ``end``
        return i > 0 and self.ends[i - 1] > start

    def add(self, start: int, end: int) -> bool:
        """Add the span unless it overlaps one already there; say whether it was added."""
        if self.overlaps(start, end):
            return False
        i = bisect.bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)
        return True
