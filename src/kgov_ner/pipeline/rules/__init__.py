"""Rule layer: candidate entities from gazetteers, grammars and patterns.

Each finder is a pure function over an NFC string (plus, for names, the
Kiwi morphemes) that yields :class:`Candidate` spans in that string's
offsets, one module per label (:mod:`.district`, :mod:`.official`,
:mod:`.program`, :mod:`.money`, :mod:`.award`). :func:`resolve` picks a
non-overlapping set by priority, following ANNOTATION.md: inside quotes the
longer proper name wins, elsewhere the inner DISTRICT does.

The patterns express general shapes (a tier word before a head noun, a name
before a title, a number with 만/억), never a particular article's strings;
the word lists live in ``kgov_ner/resources/data`` where users can extend them.
"""

from kgov_ner.pipeline.rules.award import find_awards
from kgov_ner.pipeline.rules.common import Candidate, MorphInfo, quoted_spans, split_particles
from kgov_ner.pipeline.rules.district import find_districts
from kgov_ner.pipeline.rules.layer import find_all, resolve
from kgov_ner.pipeline.rules.money import find_money
from kgov_ner.pipeline.rules.official import find_officials
from kgov_ner.pipeline.rules.program import find_programs
from kgov_ner.pipeline.spans import DisjointSpans

__all__ = [
    "Candidate", "DisjointSpans", "MorphInfo", "find_all", "find_awards", "find_districts", "find_money",
    "find_officials", "find_programs", "quoted_spans", "resolve", "split_particles",
]
