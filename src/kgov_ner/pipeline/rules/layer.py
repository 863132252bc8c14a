"""The rule layer as a whole: every finder's candidates, and a non-overlapping choice among them."""

from __future__ import annotations

import bisect
import operator
from typing import Iterable, Sequence

from kgov_ner.pipeline.rules.award import find_awards
from kgov_ner.pipeline.rules.common import Candidate, MorphInfo
from kgov_ner.pipeline.rules.district import find_districts
from kgov_ner.pipeline.rules.money import find_money
from kgov_ner.pipeline.rules.official import find_officials
from kgov_ner.pipeline.rules.program import find_programs
from kgov_ner.pipeline.spans import DisjointSpans

_START = operator.attrgetter("start")


def find_all(text: str, morphs: Sequence[MorphInfo] = ()) -> list[Candidate]:
    """Every rule's candidates on ``text`` (may overlap)."""
    ordered = sorted(morphs, key=_START)
    starts = [m.start for m in ordered]

    def morphs_of(start: int, end: int) -> Sequence[MorphInfo] | None:
        if not ordered:
            return None
        lo, hi = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
        return [m for m in ordered[lo:hi] if m.end <= end and m.end > m.start]

    out: list[Candidate] = []
    out.extend(find_programs(text, morphs_of))
    out.extend(find_money(text))
    out.extend(find_awards(text))
    out.extend(find_officials(text, morphs_of))
    out.extend(find_districts(text))
    return out


def resolve(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Non-overlapping subset: lower priority value first, then longer, then earlier."""
    chosen: list[Candidate] = []
    taken = DisjointSpans()
    for c in sorted(candidates, key=lambda c: (c.priority, -(c.end - c.start), c.start)):
        if c.end > c.start and taken.add(c.start, c.end):
            chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)
