"""Normalisation in a pipeline: every entity of a Doc, with the page as context.

:func:`normalize_span` and :func:`normalize_doc` dispatch by label to the
normalisers of this package; :class:`Normalizer` (factory
``"kgov_normalize"``) sets ``ent._.norm`` on every entity of a Doc.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from spacy.language import Language
from spacy.tokens import Span

from kgov_ner.pipeline.normalize.award import AWARD_KEYS, normalize_award
from kgov_ner.pipeline.normalize.district import DISTRICT_KEYS, DistrictContext, normalize_district
from kgov_ner.pipeline.normalize.money import MONEY_KEYS, normalize_money
from kgov_ner.pipeline.normalize.official import OFFICIAL_KEYS, district_index, normalize_official
from kgov_ner.pipeline.normalize.program import PROGRAM_KEYS, normalize_program
from kgov_ner.pipeline.tokenizer import doc_text

_KEYS_BY_LABEL = {
    "MONEY": MONEY_KEYS,
    "DISTRICT": DISTRICT_KEYS,
    "AWARD": AWARD_KEYS,
    "OFFICIAL": OFFICIAL_KEYS,
    "PROGRAM": PROGRAM_KEYS,
}


def _district_entities(doc, ctx: DistrictContext) -> list[dict]:
    return [
        {
            "start": e.start_char,
            "end": e.end_char,
            "text": e.text,
            "norm": normalize_district(e.text, ctx.at(e.start_char, e.end_char)),
        }
        for e in doc.ents
        if e.label_ == "DISTRICT"
    ]


def _normalize(doc, ent, ctx: Callable[[], DistrictContext], districts: Callable[[], list[dict]],
               index: Callable[[], dict] | None = None) -> dict:
    index = index or _lazy(lambda: district_index(districts()))
    label = ent.label_
    if label in _BY_SURFACE:
        return dict(_by_surface(label, ent.text))  # a copy: the caller may change it
    if label == "DISTRICT":
        return normalize_district(ent.text, ctx().at(ent.start_char, ent.end_char))
    if label == "OFFICIAL":
        return normalize_official(doc_text(doc), ent.start_char, ent.end_char, districts(), context=ctx(),
                                  index=index())
    return {"reason": f"no normaliser for label {label!r}"}


#: Labels whose norm depends on the surface alone.
_BY_SURFACE = {"MONEY": normalize_money, "AWARD": normalize_award, "PROGRAM": normalize_program}


@functools.lru_cache(maxsize=8192)
def _by_surface(label: str, text: str) -> dict:
    """The norm of a MONEY, AWARD or PROGRAM surface, computed once per surface
    (a page names its tiers, amounts and program again and again)."""
    return _BY_SURFACE[label](text)


def _lazy(make: Callable[[], Any]) -> Callable[[], Any]:
    cache: list = []

    def get():
        if not cache:
            cache.append(make())
        return cache[0]

    return get


def normalize_span(doc, ent) -> dict:
    """Normalised value of one entity of ``doc``, using the whole page as context."""
    ctx = _lazy(lambda: DistrictContext.from_doc(doc))
    try:
        return _normalize(doc, ent, ctx, _lazy(lambda: _district_entities(doc, ctx())))
    except Exception as exc:  # noqa: BLE001 - see common.never_raise
        keys = _KEYS_BY_LABEL.get(getattr(ent, "label_", None), {})
        return {**keys, "reason": f"internal error: {type(exc).__name__}: {exc}"}


def normalize_doc(doc) -> list[dict]:
    """Normalised values of ``doc.ents``, in order; the page context is built once."""
    ctx = _lazy(lambda: DistrictContext.from_doc(doc))
    districts = _lazy(lambda: _district_entities(doc, ctx()))
    index = _lazy(lambda: district_index(districts()))
    out = []
    for ent in doc.ents:
        try:
            out.append(_normalize(doc, ent, ctx, districts, index))
        except Exception as exc:  # noqa: BLE001 - see common.never_raise
            out.append({**_KEYS_BY_LABEL.get(ent.label_, {}), "reason": f"internal error: {type(exc).__name__}: {exc}"})
    return out


# ---------------------------------------------------------------- spaCy component


def _ensure_extension() -> None:
    if not Span.has_extension("norm"):
        Span.set_extension("norm", default=None)


class Normalizer:
    """Pipeline component: ``ent._.norm`` = the normalised dict of every entity.

    Add it after the taggers: ``nlp.add_pipe("kgov_normalize")``.
    """

    def __init__(self, nlp=None, name: str = "kgov_normalize"):
        self.name = name
        _ensure_extension()

    def __call__(self, doc):
        for ent, norm in zip(doc.ents, normalize_doc(doc)):
            ent._.norm = norm
        return doc


_ensure_extension()


@Language.factory("kgov_normalize")
def make_normalizer(nlp: Language, name: str) -> Normalizer:
    return Normalizer(nlp, name)
