"""Normalised values for tagged entities.

Tagging tells where an entity is; a table of "which government won what, in
which program, for how much" also needs what it means: an amount in won, an
official district name and code, a comparable award rank, a program name that
groups its mentions. One function per label, each taking the entity's text
(plus context where the text alone cannot decide), each returning a plain,
JSON-serialisable dict. None of them raises: a form that cannot be read gets
its keys with ``None`` values and a ``"reason"``.

One module per label, whose docstring is that label's contract:

- MONEY — :func:`normalize_money` (:mod:`.money`): ``{"krw", "approx", "currency"}``;
- DISTRICT — :func:`normalize_district` (:mod:`.district`): the official
  government, a shared name (중구, 동구) resolved with the page's
  :class:`DistrictContext`;
- AWARD — :func:`normalize_award` (:mod:`.award`): ``{"tier", "rank", "kind", "head"}``,
  with the ranking table;
- OFFICIAL — :func:`normalize_official` (:mod:`.official`): ``{"role", "district"}``;
- PROGRAM — :func:`normalize_program` (:mod:`.program`): ``{"name", "year", "key"}``.

:class:`Normalizer` (factory ``"kgov_normalize"``, :mod:`.component`) sets
``ent._.norm`` on every entity of a Doc.
"""

from kgov_ner.pipeline.normalize.award import normalize_award
from kgov_ner.pipeline.normalize.component import Normalizer, normalize_doc, normalize_span
from kgov_ner.pipeline.normalize.district import DistrictContext, normalize_district
from kgov_ner.pipeline.normalize.money import normalize_money
from kgov_ner.pipeline.normalize.official import district_index, normalize_official
from kgov_ner.pipeline.normalize.program import normalize_program

__all__ = [
    "DistrictContext",
    "Normalizer",
    "district_index",
    "normalize_award",
    "normalize_district",
    "normalize_doc",
    "normalize_money",
    "normalize_official",
    "normalize_program",
    "normalize_span",
]
