"""Word lists the rules read: plain data files in ``kgov_ner/resources/data``.

Every list is a text file a user can extend (one entry a line, ``#``
comments), or a TSV with a header. They are loaded once per process.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from importlib import resources


def _data_lines(name: str) -> list[str]:
    text = resources.files("kgov_ner.resources").joinpath("data", name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


@functools.lru_cache(maxsize=None)
def word_list(name: str) -> tuple[str, ...]:
    """Entries of ``data/<name>``, longest first so regex alternations prefer them."""
    return tuple(sorted(set(_data_lines(name)), key=lambda w: (-len(w), w)))


def alternation(words) -> str:
    """A regex alternation of ``words``, longest first."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@dataclass(frozen=True)
class Tier:
    word: str
    tier: str
    rank: int
    kind: str


def tier_table(name: str) -> dict[str, Tier]:
    """Rows of the TSV ``data/<name>`` (columns word, tier, rank, kind), keyed by the word as written."""
    rows = csv.DictReader(_data_lines(name), delimiter="\t")
    return {row["word"]: Tier(row["word"], row["tier"], int(row["rank"]), row["kind"]) for row in rows}


@functools.lru_cache(maxsize=None)
def tiers() -> dict[str, Tier]:
    """The award-tier lexicon, keyed by the tier word as written."""
    return tier_table("tiers.tsv")


@functools.lru_cache(maxsize=None)
def particle_regex() -> re.Pattern:
    """Matches a whole run of particles/copula endings (송파구|는, 마포구|에서는)."""
    return re.compile(f"(?:{alternation(word_list('particles.txt'))}){{1,3}}")


def is_particle_run(rest: str) -> bool:
    """True when ``rest`` is empty or made only of particles and copula endings."""
    return not rest or particle_regex().fullmatch(rest) is not None
