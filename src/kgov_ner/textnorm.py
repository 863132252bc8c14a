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


@dataclass(frozen=True)
class NormView:
    """``text`` in NFC plus ``to_orig[i]``: the original offset of NFC offset ``i``."""

    text: str
    to_orig: tuple[int, ...] | None  # None: the input was NFC already

    def orig(self, i: int) -> int:
        return i if self.to_orig is None else self.to_orig[i]

    def from_orig(self, j: int) -> int:
        """Smallest NFC offset whose original offset is ``>= j``."""
        if self.to_orig is None:
            return j
        import bisect

        return bisect.bisect_left(self.to_orig, j)


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
    start = 0
    n = len(text)
    while start < n:
        end = start + 1
        while end < n and _continues_cluster(text[end]):
            end += 1
        norm = unicodedata.normalize("NFC", text[start:end])
        pieces.append(norm)
        to_orig.extend([start] * len(norm))
        start = end
    to_orig.append(n)
    return NormView("".join(pieces), tuple(to_orig))
