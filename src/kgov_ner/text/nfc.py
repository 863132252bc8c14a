"""NFC view of a text with a map back to the caller's offsets.

Rules match composed Hangul (송파구), but scraped pages sometimes carry
decomposed jamo (NFD). Rules run on the NFC view; every offset they produce
goes back through the map, so callers only ever see offsets into their own
string.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


def _continues_cluster(ch: str) -> bool:
    code = ord(ch)
    # Hangul medial vowels and final consonants compose with what precedes them.
    return unicodedata.combining(ch) != 0 or 0x1160 <= code <= 0x11FF or 0xD7B0 <= code <= 0xD7FF


#: Clusters longer than this (runs of combining marks) are mapped as one piece.
_MAX_SPLIT = 8


@dataclass(frozen=True)
class NormView:
    """``text`` in NFC plus a map back to the original offsets.

    ``to_orig[i]`` is the original start of the piece NFC character ``i`` came
    from and ``ends[i]`` that piece's original end. A piece is the shortest
    run of original characters that normalises on its own (one syllable's
    jamo, say), so a match that starts or ends between pieces maps exactly.
    """

    text: str
    to_orig: tuple[int, ...] | None  # None: the input was NFC already
    ends: tuple[int, ...] | None = None

    def orig(self, i: int) -> int:
        """The original offset where NFC offset ``i`` starts (use for span starts)."""
        return i if self.to_orig is None else self.to_orig[i]

    def orig_end(self, i: int) -> int:
        """The original offset where NFC offset ``i`` ends a span: never inside a piece."""
        if self.to_orig is None:
            return i
        return 0 if i == 0 else self.ends[i - 1]  # type: ignore[index]

    def from_orig(self, j: int) -> int:
        """Smallest NFC offset whose original offset is ``>= j``."""
        if self.to_orig is None:
            return j
        import bisect

        return bisect.bisect_left(self.to_orig, j)


def _split(cluster: str) -> list[int]:
    """Ends of the shortest pieces of ``cluster`` whose NFC forms add up to its NFC form."""
    if len(cluster) > _MAX_SPLIT:
        return [len(cluster)]
    cuts = []
    pos = 0
    while pos < len(cluster):
        whole = unicodedata.normalize("NFC", cluster[pos:])
        for k in range(pos + 1, len(cluster) + 1):
            head = unicodedata.normalize("NFC", cluster[pos:k])
            if k == len(cluster) or head + unicodedata.normalize("NFC", cluster[k:]) == whole:
                cuts.append(k)
                pos = k
                break
    return cuts


def nfc_view(text: str) -> NormView:
    """Return the NFC view of ``text``.

    >>> v = nfc_view(unicodedata.normalize("NFD", "송파구"))
    >>> v.text, v.orig(3)
    ('송파구', 9)
    """
    if unicodedata.is_normalized("NFC", text):
        return NormView(text, None)
    pieces: list[str] = []
    to_orig: list[int] = []
    ends: list[int] = []
    start = 0
    n = len(text)
    while start < n:
        end = start + 1
        while end < n and _continues_cluster(text[end]):
            end += 1
        cluster = text[start:end]
        norm = unicodedata.normalize("NFC", cluster)
        cuts = [end - start] if len(norm) <= 1 else _split(cluster)
        lo = 0
        for hi in cuts:
            piece = unicodedata.normalize("NFC", cluster[lo:hi]) if len(cuts) > 1 else norm
            pieces.append(piece)
            to_orig.extend([start + lo] * len(piece))
            ends.extend([start + hi] * len(piece))
            lo = hi
        start = end
    to_orig.append(n)
    return NormView("".join(pieces), tuple(to_orig), tuple(ends))
