"""DISTRICT candidates: gazetteer names standing as their own word."""

from __future__ import annotations

import functools
import re
from typing import Iterator

from kgov_ner.pipeline.rules.common import HANGUL, Candidate, rest_of_word
from kgov_ner.resources.gazetteer import default_gazetteer
from kgov_ner.resources.lexicon import alternation, is_particle_run


@functools.lru_cache(maxsize=None)
def district_regex() -> re.Pattern:
    """Any gazetteer surface form, not preceded by Hangul."""
    forms = default_gazetteer().surface_forms()
    return re.compile(f"(?<![{HANGUL}])(?:{alternation(forms)})")


def find_districts(text: str) -> Iterator[Candidate]:
    """Gazetteer names standing as their own word (송파구는 yes, 광진구청장 no)."""
    for m in district_regex().finditer(text):
        if is_particle_run(rest_of_word(text, m.end())):
            yield Candidate(m.start(), m.end(), "DISTRICT", "gazetteer", 3)
