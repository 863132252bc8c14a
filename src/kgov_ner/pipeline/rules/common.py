"""What every finder shares: the candidate type, word edges, particles, quoted stretches."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from kgov_ner.pipeline.kiwi import Morph
from kgov_ner.resources.lexicon import is_particle_run

HANGUL = "가-힣"
WORD_RE = re.compile(r"\S+")
_HANGUL_RUN = re.compile(f"[{HANGUL}]*")

#: A Kiwi morpheme in the offsets of the NFC string the rules search.
MorphInfo = Morph

#: Marks that open an item of a program list (△희망두배 청년통장 △서울형 뉴딜일자리).
LIST_ITEM_MARKERS = "△▲▷"
#: Marks that make a line a list item for the model's line shape: the program-list
#: marks and every other bullet news pages use.
LINE_BULLETS = LIST_ITEM_MARKERS + "▶■□◆◇○●•-"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A rule's proposal: ``text[start:end]`` is a ``label`` entity."""

    start: int
    end: int
    label: str
    rule: str
    priority: int  # lower wins when candidates overlap


def rest_of_word(text: str, end: int) -> str:
    """The Hangul that continues the word after ``end`` (송파구|는 → 는)."""
    return _HANGUL_RUN.match(text, end).group(0)


def split_particles(word: str) -> tuple[str, str]:
    """``(stem, particles)`` with the longest particle run that leaves a stem of 2+ chars."""
    for cut in range(min(len(word) - 2, 6), 0, -1):
        if is_particle_run(word[-cut:]):
            return word[:-cut], word[-cut:]
    return word, ""


_QUOTE_PAIRS = {"‘": "’", "“": "”", "「": "」", "『": "』", "'": "'", '"': '"'}
_QUOTE_OPEN = re.compile("[" + re.escape("".join(_QUOTE_PAIRS)) + "]")


def quoted_spans(text: str) -> Iterator[tuple[int, int, bool]]:
    """``(start, end, closed)`` of quoted stretches inside one line, marks excluded.

    Linear in ``text``: the next line break and the next of each mark are
    looked up once and reused until the scan passes them (a line of a
    thousand unclosed quotes must not be searched to its end a thousand times).
    """
    i, n = 0, len(text)
    ahead: dict[str, int] = {}  # mark (or "\n") -> its next position after the last lookup; n: none

    def next_of(ch: str, after: int) -> int:
        pos = ahead.get(ch, -1)
        if pos <= after:
            pos = text.find(ch, after + 1)
            pos = ahead[ch] = n if pos < 0 else pos
        return pos

    while i < n:
        m = _QUOTE_OPEN.search(text, i)  # jump to the next quote mark
        if m is None:
            return
        i = m.start()
        ch = m.group()
        close = _QUOTE_PAIRS[ch]
        line_end = next_of("\n", i)  # text[i] is the mark, not a line break
        j = next_of(close, i)
        # A new opening mark of the same kind before the close: this one was never closed.
        reopen = next_of(ch, i) if ch != close else n
        if j >= line_end or reopen < j:
            yield i + 1, line_end, False
            i += 1
            continue
        yield i + 1, j, True
        i = j + 1
